//! Go's own `encoding/json` as the oracle for the master's request bodies: every request
//! fixture of `tests/fixtures/manifest.json` for `POST /instances`, `PUT` and `PATCH
//! /instances/{id}` and `POST /info`, and seeded variations of each (`tests/go-oracle/bodies.rs`:
//! recased keys, repeated keys, unknown keys, wrong JSON types, number forms, invalid UTF-8,
//! trailing data), are decoded by the oracle into the master's structs with
//! `json.NewDecoder(r.Body).Decode` and by this crate's server-side decoders; every body is
//! read as all four structs. The verdicts and the decoded values must agree on every body.
//!
//! The comparison covers the decode step only: `POST /instances` and `PUT` then refuse an
//! empty `url` (also `400 Invalid request body`, compared too), and `POST /info` checks the
//! alias length after decoding (not compared here).
//!
//! Every body the old decoder read differently is kept in `tests/fixtures/go-decode/cases.json`
//! with Go's answer, checked against this crate without Go and against the oracle with it.
//!
//! `NODEWIRE_GO_ORACLE_BODIES` sets the variations per fixture (default
//! [`DEFAULT_VARIATIONS`]), `NODEWIRE_GO_ORACLE_SEED` the seed.

use std::path::Path;

use serde_json::{Value, json};

use super::{decode_info_alias, decode_patch, decode_put_body, decode_url_body};
use crate::url::go_oracle::oracle::{self, ask};

#[path = "../../../../tests/go-oracle/bodies.rs"]
mod bodies;
use bodies::{J, hex, vary};

/// Variations per fixture unless `NODEWIRE_GO_ORACLE_BODIES` says otherwise.
const DEFAULT_VARIATIONS: usize = 150;

const TYPES: [&str; 4] = [
    "nodepass.create",
    "nodepass.put",
    "nodepass.patch",
    "nodepass.info",
];

/// This crate's decode of `body` as `typ`, in the shape of the oracle's answer: `ok`, and
/// the struct Go holds (`null` for nil pointers and maps). `create` and `put` also refuse
/// an empty `url`, which the oracle's answer shows as `ok` with `"url":""`.
fn ours(typ: &str, body: &[u8]) -> Value {
    match typ {
        "nodepass.create" => match decode_url_body(body, true) {
            Ok(b) => json!({"ok": true, "value": {"alias": b.alias, "url": b.url}}),
            Err(_) => json!({"ok": false}),
        },
        "nodepass.put" => match decode_put_body(body) {
            Ok(b) => json!({"ok": true, "value": {"url": b.url}}),
            Err(_) => json!({"ok": false}),
        },
        "nodepass.info" => match decode_info_alias(body) {
            Ok(alias) => json!({"ok": true, "value": {"alias": alias}}),
            Err(()) => json!({"ok": false}),
        },
        _ => match decode_patch(body) {
            Some(p) => {
                let meta = p.meta.map(|m| {
                    json!({
                        "peer": m.peer.map(|p| json!({"sid": p.sid, "type": p.kind, "alias": p.alias})),
                        "tags": m.tags,
                    })
                });
                json!({"ok": true, "value": {
                    "alias": p.alias, "action": p.action, "restart": p.restart, "meta": meta,
                }})
            }
            None => json!({"ok": false}),
        },
    }
}

/// The oracle's answer in the shape of [`ours`]: the error text dropped, and for `create`
/// and `put` an empty `url` counted as the refusal the handler makes of it.
fn theirs(typ: &str, answer: &Value) -> Value {
    if answer["ok"] != true {
        return json!({"ok": false});
    }
    let value = &answer["value"];
    if matches!(typ, "nodepass.create" | "nodepass.put") && value["url"] == "" {
        return json!({"ok": false});
    }
    json!({"ok": true, "value": value})
}

/// The request fixtures of the four bodies, and a few written here.
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    for entry in manifest.as_array().unwrap() {
        let operation = entry["operation"].as_str().unwrap_or_default();
        let wanted = operation == "POST /api/v1/instances"
            || operation == "POST /api/v1/info"
            || operation.starts_with("PUT /api/v1/instances/")
            || operation.starts_with("PATCH /api/v1/instances/");
        if entry["body"] == "request" && wanted {
            let file = entry["file"].as_str().unwrap();
            out.push((file.to_owned(), std::fs::read(dir.join(file)).unwrap()));
        }
    }
    for (name, body) in [
        (
            "full-patch",
            r#"{"alias":"a","action":"restart","restart":false,"meta":{"peer":{"sid":"s","type":"1","alias":"p"},"tags":{"k":"v","x":""}}}"#,
        ),
        (
            "create",
            r#"{"alias":"tun","url":"server://:10101/127.0.0.1:8080?log=debug&tls=1"}"#,
        ),
    ] {
        out.push((name.to_owned(), body.as_bytes().to_vec()));
    }
    out
}

/// `tests/fixtures/go-decode/cases.json`: bodies this crate once decoded differently from
/// Go, with the oracle's answer as recorded.
fn cases() -> Vec<(String, String, Vec<u8>, Value)> {
    bodies::decode_cases(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go-decode/cases.json"),
    )
}

/// The recorded cases decode as Go decoded them (no Go needed).
#[test]
fn recorded_cases_decode_as_go_did() {
    let cases = cases();
    assert!(cases.len() >= 15);
    for (name, typ, body, go) in cases {
        assert_eq!(ours(&typ, &body), theirs(&typ, &go), "{name}");
    }
}

/// The oracle still gives the recorded answers.
#[test]
fn oracle_gives_the_recorded_answers() {
    let cases = cases();
    let requests: Vec<Value> = cases
        .iter()
        .map(|(_, typ, body, _)| {
            json!({"mode": "decode", "type": typ, "body_hex": hex(body), "stream": true})
        })
        .collect();
    for ((name, _, _, recorded), live) in cases.iter().zip(ask(&requests).unwrap()) {
        assert_eq!(live["ok"], recorded["ok"], "{name}");
        assert_eq!(live["value"], recorded["value"], "{name}");
        assert_eq!(live["error"], recorded["error"], "{name}");
    }
}

#[test]
fn request_bodies_decode_as_go_does() {
    let run = oracle::Run::from_env("NODEWIRE_GO_ORACLE_BODIES", DEFAULT_VARIATIONS);
    let (variations, seed) = (run.count, run.seed);
    let started = std::time::Instant::now();
    let mut rng = run.rng();
    let fixtures = fixtures();
    assert!(fixtures.len() >= 30, "{} request fixtures", fixtures.len());
    let mut bodies: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, body) in &fixtures {
        bodies.push((name.clone(), body.clone()));
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            continue;
        };
        let tree = J::from_value(&value);
        for i in 0..variations {
            bodies.push((format!("{name} #{i}"), vary(&tree, &mut rng)));
        }
    }
    for (name, _, body, _) in cases() {
        bodies.push((name, body));
    }
    let requests: Vec<Value> = bodies
        .iter()
        .flat_map(|(_, body)| {
            TYPES.iter().map(move |typ| {
                json!({"mode": "decode", "type": typ, "body_hex": hex(body), "stream": true})
            })
        })
        .collect();
    let answers = ask(&requests).unwrap();
    let (mut compared, mut accepted) = (0, 0);
    let mut misses = Vec::new();
    for ((name, body), answers) in bodies.iter().zip(answers.chunks(TYPES.len())) {
        for (typ, answer) in TYPES.iter().zip(answers) {
            let go = theirs(typ, answer);
            let rust = ours(typ, body);
            compared += 1;
            if go["ok"] == true {
                accepted += 1;
            }
            if go != rust && misses.len() < 20 {
                misses.push(format!(
                    "{name} as {typ}: {}\n  go:   {go} ({})\n  rust: {rust}",
                    String::from_utf8_lossy(body)
                        .chars()
                        .take(300)
                        .collect::<String>(),
                    answer["error"]
                ));
            }
        }
    }
    assert!(
        misses.is_empty(),
        "seed {seed:#x}: disagreements with Go:\n{}",
        misses.join("\n")
    );
    // Both verdicts occur for every struct.
    assert!(
        accepted > compared / 4 && accepted < compared,
        "{accepted} of {compared}"
    );
    eprintln!(
        "go oracle: {} bodies x {} structs ({compared} decodes, {accepted} accepted) agree, seed {seed:#x}, {:.1?}",
        bodies.len(),
        TYPES.len(),
        started.elapsed()
    );
}
