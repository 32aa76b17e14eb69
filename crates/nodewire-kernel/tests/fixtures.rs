//! Every kernel payload in `tests/fixtures/manifest.json` decodes and re-encodes losslessly,
//! or is refused with an error naming the field, as its entry says. The first 30 entries are
//! the kernel entries of the project's shared fixture manifest (core.yaml's own examples and
//! the panel docs' callback bodies); the rest are synthesized from the core.yaml examples and
//! the mismatches the contract lists (their `source` says so).

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
        manifest.len() >= 30,
        "the manifest lists {} payloads",
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
        let outcome = match check(nodewire_kernel::registry(), &target, &bytes) {
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
            "accept" => {}
            other => failures.push(format!("{file}: unknown expectation `{other}`")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} payloads failed:\n{}",
        failures.len(),
        manifest.len(),
        failures.join("\n")
    );
    Ok(())
}

/// The shared manifest's kernel entries are all here, unchanged but for the file paths.
#[test]
fn the_shared_entries_are_all_present() -> Result<(), Box<dyn std::error::Error>> {
    let manifest: Vec<Value> =
        serde_json::from_slice(&std::fs::read(fixtures_dir().join("manifest.json"))?)?;
    let shared = manifest
        .iter()
        .filter(|e| e.get("source").is_none())
        .count();
    assert_eq!(shared, 30);
    Ok(())
}
