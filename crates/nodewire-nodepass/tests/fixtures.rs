//! What is particular to the NodePass captures in `tests/fixtures/manifest.json` (real
//! payloads from a NodePass v2.0.0-b10 master: responses, requests and a raw event stream).
//! That every capture behaves as its entry says is checked for the five crates at once by the
//! facade's `tests/fixtures.rs`.

use std::path::PathBuf;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
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

#[test]
fn unknown_request_keys_are_ignored_as_the_master_does() -> Result<(), Box<dyn std::error::Error>> {
    use nodewire_common::check::{Target, check};
    let registry = nodewire_nodepass::registry();
    for (line, file, ignored) in [
        (
            "POST /api/v1/instances",
            "create-unknown-key",
            &["/tags"][..],
        ),
        (
            "PUT /api/v1/instances/4abf2548",
            "put-unknown-key",
            &["/alias"],
        ),
        (
            "PATCH /api/v1/instances/4abf2548",
            "patch-unknown-keys",
            &["/meta/notes", "/meta/peer/region", "/proxyProtocol"],
        ),
        ("POST /api/v1/info", "info-unknown-key", &["/name"]),
        (
            "POST /api/v2",
            "mcp-unknown-keys",
            &["/params/_meta", "/params/arguments/verbose", "/trace"],
        ),
    ] {
        let bytes = std::fs::read(fixtures_dir().join(format!("v2.0.0-b10/{file}.request.json")))?;
        let outcome = check(registry, &Target::Request { line }, &bytes)?;
        assert!(outcome.ok, "{file}: {outcome:?}");
        let mut got = outcome.ignored.clone();
        got.sort();
        assert_eq!(got, ignored, "{file}");
        assert!(outcome.lost.is_empty(), "{file}: {outcome:?}");
    }
    // Known fields are still validated.
    let outcome = check(
        registry,
        &Target::Request {
            line: "PATCH /api/v1/instances/4abf2548",
        },
        br#"{"x":1,"alias":"a","meta":{"peer":{"sid":1}}}"#,
    )?;
    assert!(!outcome.ok);
    assert!(outcome.error.unwrap_or_default().contains("meta.peer.sid"));
    Ok(())
}
