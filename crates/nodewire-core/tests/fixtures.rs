//! Every payload in `tests/fixtures/manifest.json` decodes and re-encodes losslessly through
//! the registry (the `nodewire check core` path), or is refused with an error naming the
//! field, as its entry says.

use std::path::PathBuf;

use nodewire_common::check::{Target, check};
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn every_payload_behaves_as_the_manifest_says() -> Result<(), Box<dyn std::error::Error>> {
    let dir = fixtures_dir();
    let manifest: Vec<Value> = serde_json::from_slice(&std::fs::read(dir.join("manifest.json"))?)?;
    assert!(
        manifest.len() >= 40,
        "the manifest lists {} payloads",
        manifest.len()
    );
    let mut failures = Vec::new();
    let mut routes = std::collections::BTreeSet::new();
    for entry in &manifest {
        let file = entry["file"].as_str().ok_or("file")?;
        let operation = entry["operation"].as_str().ok_or("operation")?;
        let expect = entry["expect"].as_str().ok_or("expect")?;
        let bytes = std::fs::read(dir.join(file))?;
        let target = if entry["body"] == "request" {
            Target::Request { line: operation }
        } else {
            let status = entry["status"].as_u64().ok_or("status")?;
            Target::Response {
                line: operation,
                status: u16::try_from(status)?,
            }
        };
        let outcome = match check(nodewire_core::registry(), &target, &bytes) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{file}: usage error: {e}"));
                continue;
            }
        };
        match expect {
            "accept" => {
                routes.insert(operation.to_owned());
                if !outcome.ok {
                    failures.push(format!("{file}: {outcome:?}"));
                }
            }
            "reject" => {
                let mentions = entry["error_mentions"].as_str().ok_or("error_mentions")?;
                let error = outcome.error.clone().unwrap_or_default();
                if outcome.ok || !error.contains(mentions) {
                    failures.push(format!(
                        "{file}: expected an error naming `{mentions}`, got {outcome:?}"
                    ));
                }
            }
            other => failures.push(format!("{file}: unknown expectation {other}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} payloads failed:\n{}",
        failures.len(),
        manifest.len(),
        failures.join("\n")
    );
    // Every route has at least one accepted payload.
    for route in &nodewire_core::registry().routes {
        let line = format!("{} {}", route.metadata.method, route.metadata.path);
        assert!(routes.contains(&line), "no accepted payload for {line}");
    }
    Ok(())
}

#[test]
fn every_wire_type_is_registered_with_a_schema() {
    let registry = nodewire_core::registry();
    assert_eq!(registry.protocol, "core");
    assert_eq!(registry.routes.len(), 8);
    for name in [
        "RegisterNodeDto",
        "RegisterNodeResponse",
        "NodeHeartbeatDto",
        "HeartbeatResponse",
        "NodeUsageDto",
        "UsageEntryDto",
        "NodeOutboundUsageDto",
        "OutboundUsageItem",
        "SessionEventsDto",
        "SessionEventEntryDto",
        "VpnProtocol",
        "SessionEventType",
        "NodeConfig",
        "NodeConfigAppliedDto",
        "NodeErrorDto",
        "OkResponse",
        "ErrorResponse",
    ] {
        assert!(registry.find_type(name).is_some(), "{name}");
    }
    let files = registry.schema_files();
    assert_eq!(files.len(), registry.types.len());
    for (file, text) in files {
        let schema: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(
            schema["$id"],
            format!("https://github.com/nodewire/nodewire/schemas/core/{file}")
        );
    }
}
