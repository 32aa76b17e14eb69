//! Every kernel payload in `tests/fixtures/manifest.json` decodes and re-encodes losslessly,
//! or is refused with an error naming the field, as its entry says. The first 30 entries are
//! the kernel entries of the project's shared fixture manifest (core.yaml's own examples and
//! the panel docs' callback bodies); the rest are synthesized from the core.yaml examples and
//! the mismatches the contract lists (their `source` says so).

use std::path::PathBuf;

use nodewire_common::check::verify_manifest;
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn every_capture_behaves_as_the_manifest_says() -> Result<(), Box<dyn std::error::Error>> {
    verify_manifest(nodewire_kernel::registry(), &fixtures_dir(), 30)?;
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
