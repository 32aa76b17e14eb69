//! Every NodePass capture in `tests/fixtures/manifest.json` (real payloads from a NodePass
//! v2.0.0-b10 master: responses, requests and a raw event stream) decodes and re-encodes
//! losslessly through `nodewire_common::check::check` with this crate's registry, or is
//! refused with an error naming the field, as its entry says.

use std::path::PathBuf;

use nodewire_common::check::check_manifest;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn every_capture_behaves_as_the_manifest_says() -> Result<(), Box<dyn std::error::Error>> {
    let (entries, failures) = check_manifest(nodewire_nodepass::registry(), &fixtures_dir())?;
    assert!(
        entries.len() >= 90,
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
