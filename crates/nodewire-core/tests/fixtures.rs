//! Every payload in `tests/fixtures/manifest.json` decodes and re-encodes losslessly through
//! the registry (the `nodewire check core` path), or is refused with an error naming the
//! field, as its entry says.

use std::path::PathBuf;

use nodewire_common::check::check_manifest;
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn every_payload_behaves_as_the_manifest_says() -> Result<(), Box<dyn std::error::Error>> {
    let (entries, failures) = check_manifest(nodewire_core::registry(), &fixtures_dir())?;
    assert!(
        entries.len() >= 40,
        "the manifest lists {} entries",
        entries.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} entries failed:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
    // Every route has at least one accepted payload.
    for route in &nodewire_core::registry().routes {
        let line = format!("{} {}", route.metadata.method, route.metadata.path);
        assert!(
            entries
                .iter()
                .any(|e| e.expect == "accept" && e.operation.as_deref() == Some(line.as_str())),
            "no accepted payload for {line}"
        );
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
