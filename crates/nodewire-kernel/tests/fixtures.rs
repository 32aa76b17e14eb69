//! What is particular to the kernel captures in `tests/fixtures/manifest.json`. The first 30
//! entries are the kernel entries of the project's shared fixture manifest (core.yaml's own
//! examples and the panel docs' callback bodies); the rest are synthesized from the core.yaml
//! examples and the mismatches the contract lists (their `source` says so). That every
//! capture behaves as its entry says is checked for the five crates at once by the facade's
//! `tests/fixtures.rs`.

use std::path::PathBuf;

use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
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
