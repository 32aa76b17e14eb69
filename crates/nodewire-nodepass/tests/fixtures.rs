//! Every NodePass capture in `tests/fixtures/manifest.json` (real payloads from a NodePass
//! v2.0.0-b10 master: responses, requests and a raw event stream) decodes and re-encodes
//! losslessly through `nodewire_common::check::check` with this crate's registry, or is
//! refused with an error naming the field, as its entry says.

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
        manifest.len() >= 90,
        "the manifest lists {} captures",
        manifest.len()
    );
    let mut failures = Vec::new();
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
        let outcome = match check(nodewire_nodepass::registry(), &target, &bytes) {
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

#[test]
fn the_event_stream_decodes_every_event() -> Result<(), Box<dyn std::error::Error>> {
    let bytes = std::fs::read(fixtures_dir().join("v2.0.0-b10/sse-1.stream"))?;
    let events = nodewire_nodepass::events::decode_stream(&bytes)?;
    let count = |kind: &str| events.iter().filter(|e| e.kind.as_str() == kind).count();
    assert_eq!(
        [
            count("log"),
            count("update"),
            count("create"),
            count("initial"),
            count("delete"),
            count("shutdown")
        ],
        [47, 29, 6, 1, 1, 1]
    );
    assert!(events.iter().all(|e| e.kind.is_known()));
    Ok(())
}
