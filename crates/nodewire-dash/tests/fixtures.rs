//! Every Dash capture in `tests/fixtures/manifest.json` (real bodies from a live 0.2.3 agent
//! and Dash, the synthesized Linux shapes, and the Windows and macOS shapes written from the
//! contract) decodes and re-encodes losslessly, or is refused with an error naming the field,
//! as its entry says.

use std::path::PathBuf;

use nodewire_common::check::{Target, check};
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn every_capture_behaves_as_the_manifest_says() -> Result<(), Box<dyn std::error::Error>> {
    let dir = fixtures_dir();
    let manifest: Vec<Value> = serde_json::from_slice(&std::fs::read(dir.join("manifest.json"))?)?;
    assert!(
        manifest.len() >= 17,
        "the manifest lists {} captures",
        manifest.len()
    );
    let mut failures = Vec::new();
    for entry in &manifest {
        let file = entry["file"].as_str().ok_or("file")?;
        let expect = entry["expect"].as_str().ok_or("expect")?;
        let bytes = std::fs::read(dir.join(file))?;
        let target = if let Some(name) = entry["type"].as_str() {
            Target::Type { name }
        } else {
            let operation = entry["operation"].as_str().ok_or("operation")?;
            if entry["body"] == "request" {
                Target::Request { line: operation }
            } else {
                let status = entry["status"].as_u64().ok_or("status")?;
                Target::Response {
                    line: operation,
                    status: u16::try_from(status)?,
                }
            }
        };
        let outcome = match check(nodewire_dash::registry(), &target, &bytes) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{file}: usage error: {e}"));
                continue;
            }
        };
        match expect {
            "accept" if !outcome.ok => failures.push(format!("{file}: {outcome:?}")),
            "reject" => {
                let mentions = entry["error_mentions"].as_str().ok_or("error_mentions")?;
                let error = outcome.error.clone().unwrap_or_default();
                if outcome.ok || !error.contains(mentions) {
                    failures.push(format!(
                        "{file}: expected an error naming `{mentions}`, got {outcome:?}"
                    ));
                }
            }
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} captures failed:\n{}",
        failures.len(),
        manifest.len(),
        failures.join("\n")
    );
    Ok(())
}

/// Every dash entry of the shared manifest is in this crate's manifest (so the crate tests
/// what the project's reference says, without reading it at test time).
#[test]
fn the_shared_dash_entries_are_all_here() -> Result<(), Box<dyn std::error::Error>> {
    let manifest: Vec<Value> =
        serde_json::from_slice(&std::fs::read(fixtures_dir().join("manifest.json"))?)?;
    for file in [
        "live-push/001-identity.request.json",
        "live-push/001-identity.response.json",
        "live-push/002-static.request.json",
        "live-push/008-metrics.request.json",
        "live-push/008-metrics.response.json",
        "synthesized/nodereport-linux-mdraid-smart-thermal.json",
        "synthesized/static-linux-mdraid.json",
    ] {
        assert!(
            manifest.iter().any(|e| e["file"] == file),
            "{file} is missing from the manifest"
        );
    }
    Ok(())
}
