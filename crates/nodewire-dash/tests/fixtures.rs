//! What is particular to the Dash captures in `tests/fixtures/manifest.json` (real bodies from
//! a live 0.2.3 agent and Dash, the synthesized Linux shapes, and the Windows and macOS shapes
//! written from the contract). That every capture behaves as its entry says is checked for the
//! five crates at once by the facade's `tests/fixtures.rs`.

use std::path::PathBuf;

use nodewire_common::check::check_manifest;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every dash entry of the shared manifest is in this crate's manifest (so the crate tests
/// what the project's reference says, without reading it at test time).
#[test]
fn the_shared_dash_entries_are_all_here() -> Result<(), Box<dyn std::error::Error>> {
    let (entries, _) = check_manifest(nodewire_dash::registry(), &fixtures_dir())?;
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
            entries.iter().any(|e| e.file == file),
            "{file} is missing from the manifest"
        );
    }
    Ok(())
}
