//! Every telemt capture in `tests/fixtures/manifest.json` (real payloads from a telemt 3.4.25
//! server) decodes and re-encodes losslessly, or is refused with an error naming the field, as
//! its entry says.

use std::path::PathBuf;

use nodewire_common::check::check_manifest;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn every_capture_behaves_as_the_manifest_says() -> Result<(), Box<dyn std::error::Error>> {
    let (entries, failures) = check_manifest(nodewire_telemt::registry(), &fixtures_dir())?;
    assert!(
        entries.len() >= 100,
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
    Ok(())
}
