//! Every Dash capture in `tests/fixtures/manifest.json` (real bodies from a live 0.2.3 agent
//! and Dash, the synthesized Linux shapes, and the Windows and macOS shapes written from the
//! contract) decodes and re-encodes losslessly, or is refused with an error naming the field,
//! as its entry says.

use std::path::PathBuf;

use nodewire_common::check::verify_manifest;
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn every_capture_behaves_as_the_manifest_says() -> Result<(), Box<dyn std::error::Error>> {
    verify_manifest(nodewire_dash::registry(), &fixtures_dir(), 17)?;
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
