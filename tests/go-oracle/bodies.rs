//! Seeded variations of JSON request bodies for the decode differential tests (included with
//! `#[path]`): key case changed (`URL`, `aLiAs`, `ſ`/`K` folding), repeated keys, unknown and
//! deeply nested unknown keys, values of the wrong JSON type, negative, fractional, exponent
//! and out-of-range numbers, invalid UTF-8 and lone surrogates, trailing data.

use serde_json::Value;

use super::oracle::Rng;

/// A JSON text as a tree that can hold what `serde_json::Value` cannot: repeated keys,
/// member order, number text and raw (invalid UTF-8) string bytes.
#[derive(Debug, Clone)]
pub(crate) enum J {
    /// A literal written as is (`null`, `true`, a number).
    Lit(String),
    /// A string's raw bytes between the quotes (already escaped).
    Str(Vec<u8>),
    /// An array.
    Arr(Vec<J>),
    /// An object, members in order.
    Obj(Vec<(String, J)>),
}

impl J {
    /// The tree of a parsed value.
    pub(crate) fn from_value(value: &Value) -> Self {
        match value {
            Value::Null => J::Lit("null".into()),
            Value::Bool(b) => J::Lit(b.to_string()),
            Value::Number(n) => J::Lit(n.to_string()),
            Value::String(s) => J::Str(escape(s)),
            Value::Array(items) => J::Arr(items.iter().map(J::from_value).collect()),
            Value::Object(map) => J::Obj(
                map.iter()
                    .map(|(k, v)| (k.clone(), J::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// The JSON text.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        match self {
            J::Lit(text) => out.extend_from_slice(text.as_bytes()),
            J::Str(raw) => {
                out.push(b'"');
                out.extend_from_slice(raw);
                out.push(b'"');
            }
            J::Arr(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write(out);
                }
                out.push(b']');
            }
            J::Obj(members) => {
                out.push(b'{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.push(b'"');
                    out.extend_from_slice(&escape(k));
                    out.extend_from_slice(b"\":");
                    v.write(out);
                }
                out.push(b'}');
            }
        }
    }

    /// Every object in the tree, as paths of child indexes.
    fn objects(&self, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        match self {
            J::Obj(members) => {
                out.push(path.clone());
                for (i, (_, v)) in members.iter().enumerate() {
                    path.push(i);
                    v.objects(path, out);
                    path.pop();
                }
            }
            J::Arr(items) => {
                for (i, v) in items.iter().enumerate() {
                    path.push(i);
                    v.objects(path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    fn at_mut(&mut self, path: &[usize]) -> Option<&mut J> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        match self {
            J::Obj(members) => members.get_mut(*first)?.1.at_mut(rest),
            J::Arr(items) => items.get_mut(*first)?.at_mut(rest),
            _ => None,
        }
    }
}

/// JSON string escaping (serde_json's), without the quotes.
fn escape(s: &str) -> Vec<u8> {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted
        .as_bytes()
        .get(1..quoted.len().saturating_sub(1))
        .unwrap_or_default()
        .to_vec()
}

/// Values of every JSON type and the number forms Go's integer and float fields tell apart.
const VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "\"\"",
    "\"1\"",
    "\"x\"",
    "\"2026-11-22T07:53:57Z\"",
    "\"2026-11-22t07:53:57z\"",
    "\"2026-11-22T07:53:57+00:00\"",
    "\"2026-11-22 07:53:57Z\"",
    "\"2026-11-22T07:53:57.1234567891Z\"",
    "\"2026-11-22T24:00:00Z\"",
    "[]",
    "{}",
    "[{}]",
    "[\"a\"]",
    "{\"k\":\"v\"}",
    "0",
    "1",
    "-1",
    "-0",
    "1.5",
    "1.0",
    "-1.5",
    "1e3",
    "1E2",
    "1e-400",
    "1e400",
    "0.000001",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "123456789012345678901234567890",
];

/// Keys no struct has, and a string with bytes that are not UTF-8.
const UNKNOWN: &[&str] = &["zz", "url_", "u rl", "", "alias ", "\u{e9}"];

fn recase(key: &str, how: usize) -> String {
    match how {
        0 => key.to_uppercase(),
        1 => {
            let mut c = key.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
        2 => key
            .chars()
            .enumerate()
            .map(|(i, ch)| {
                if i % 2 == 1 {
                    ch.to_ascii_uppercase()
                } else {
                    ch
                }
            })
            .collect(),
        3 => key.replacen('s', "\u{17f}", 1).replacen('k', "\u{212a}", 1),
        _ => key.replacen('s', "\u{17f}", 1).to_uppercase(),
    }
}

/// One variation of `base`.
pub(crate) fn vary(base: &J, rng: &mut Rng) -> Vec<u8> {
    let mut tree = base.clone();
    let mut objects = Vec::new();
    tree.objects(&mut Vec::new(), &mut objects);
    let edits = 1 + rng.below(3);
    let mut trailing: Option<&[u8]> = None;
    for _ in 0..edits {
        let Some(path) = rng.pick(&objects).cloned() else {
            break;
        };
        let kind = rng.below(12);
        let value = rng.pick(VALUES).copied().unwrap_or("null");
        let how = rng.below(5);
        let Some(J::Obj(members)) = tree.at_mut(&path) else {
            continue;
        };
        let n = members.len();
        let i = rng.below(n);
        match kind {
            // Key case changed.
            0 | 1 => {
                if let Some((k, _)) = members.get_mut(i) {
                    *k = recase(k, how);
                }
            }
            // The same key again, later, with another value, with null, or recased.
            2 | 3 => {
                if let Some((k, v)) = members.get(i).cloned() {
                    let again = match how {
                        0 => J::Lit("null".into()),
                        1 => J::Lit(value.into()),
                        2 => v.clone(),
                        _ => shrink(&v),
                    };
                    let key = if rng.below(2) == 0 {
                        k.clone()
                    } else {
                        recase(&k, how)
                    };
                    members.push((key, again));
                    if rng.below(3) == 0 {
                        // ... or earlier.
                        members.insert(0, (k, v));
                    }
                }
            }
            // An unknown key, sometimes deeply nested.
            4 => {
                let key = rng.pick(UNKNOWN).copied().unwrap_or("zz").to_owned();
                let depth = [1, 3, 200, 9_998, 10_000][how];
                let mut nested = "[".repeat(depth);
                nested.push_str(&"]".repeat(depth));
                members.insert(rng.below(n + 1), (key, J::Lit(nested)));
            }
            // A value of another JSON type or number form.
            5..=8 => {
                if let Some((_, v)) = members.get_mut(i) {
                    *v = J::Lit(value.into());
                }
            }
            // Invalid UTF-8, a lone surrogate, an escaped pair.
            9 => {
                if let Some((_, v)) = members.get_mut(i) {
                    let raw: &[u8] = match how {
                        0 => b"a\xffb",
                        1 => b"\xe2\x82x",
                        2 => b"\\ud800x",
                        3 => b"\\udc00\\ud800",
                        _ => b"\\ud83d\\ude00\\u00e9",
                    };
                    *v = J::Str(raw.to_vec());
                }
            }
            // Members dropped.
            10 => {
                if i < n {
                    members.remove(i);
                }
            }
            // Trailing data.
            _ => {
                trailing = Some(match how {
                    0 => b" ",
                    1 => b"\n\t",
                    2 => b" x",
                    3 => b"{}",
                    _ => b"}",
                });
            }
        }
    }
    let mut out = Vec::new();
    tree.write(&mut out);
    if let Some(t) = trailing {
        out.extend_from_slice(t);
    }
    out
}

/// A smaller value of the same JSON type: objects keep their first member, arrays their
/// first element, scalars change.
fn shrink(v: &J) -> J {
    match v {
        J::Obj(members) => J::Obj(
            members
                .iter()
                .take(1)
                .map(|(k, v)| (k.clone(), shrink(v)))
                .collect(),
        ),
        J::Arr(items) => J::Arr(items.iter().take(1).map(shrink).collect()),
        J::Str(_) => J::Str(b"changed".to_vec()),
        J::Lit(text) if text == "true" => J::Lit("false".into()),
        J::Lit(text) if text == "false" => J::Lit("true".into()),
        J::Lit(text) if text == "null" => J::Lit("null".into()),
        J::Lit(_) => J::Lit("7".into()),
    }
}

/// Hex of `bytes`, as the oracle's `body_hex` takes it.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A crate's `tests/fixtures/go-decode/cases.json` (`path`): bodies it once decoded
/// differently from Go, with the oracle's answer as recorded: `(name, Go type, body, answer)`.
/// A body that is not UTF-8 is given as `body_hex`.
pub(crate) fn decode_cases(path: &std::path::Path) -> Vec<(String, String, Vec<u8>, Value)> {
    let cases: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let body = match c["body"].as_str() {
                Some(text) => text.as_bytes().to_vec(),
                None => {
                    let hex = c["body_hex"].as_str().unwrap();
                    (0..hex.len())
                        .step_by(2)
                        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                        .collect()
                }
            };
            let name = c["name"].as_str().unwrap().to_owned();
            let typ = c["type"].as_str().unwrap().to_owned();
            (name, typ, body, c["go"].clone())
        })
        .collect()
}
