//! Shared driver of the nodewire fuzz targets.
//!
//! A protocol target's input is a selector line and a body: `GET /v1/users 200\n{...}` picks
//! the response decoder of that route for that status, `POST /v1/users request\n{...}` the
//! request decoder, `type UserInfo\n{...}` a wire type's decoder. A first line that names no
//! decoder picks one by its hash, so every input reaches some decoder. Each decoder must not
//! panic, and a body it accepts must be a fixed point of decode → encode → decode.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use http::{Method, StatusCode};
use nodewire_common::registry::{DecodeFn, Decoded, Lookup, Registry};
use serde_json::Value;

/// How a protocol writes the event streams its decoders read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Each element of the re-encoding is one event's `data`, sent as events of this name
    /// (NodePass: `instance`).
    Named(&'static str),
    /// Each element is `{"event", "data", "id"?}` (the kernel).
    Tagged,
}

/// Statuses tried for every route (their decoders are collected once).
const STATUSES: &[u16] = &[
    101, 200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 412, 413, 422, 429, 500, 502, 503,
];

/// Every distinct decoder of a registry.
pub fn decoders(registry: &Registry) -> Vec<DecodeFn> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut add = |f: DecodeFn| {
        if seen.insert(f as usize) {
            out.push(f);
        }
    };
    for route in &registry.routes {
        add(route.request);
        for &code in STATUSES {
            if let Ok(status) = StatusCode::from_u16(code) {
                add((route.response)(status));
                if let Some(f) = (registry.fallback)(status) {
                    add(f);
                }
            }
        }
    }
    for entry in &registry.types {
        add(entry.decode);
    }
    out
}

fn select(registry: &Registry, all: &[DecodeFn], line: &str) -> Option<DecodeFn> {
    let mut parts = line.split(' ');
    let first = parts.next().unwrap_or_default();
    let second = parts.next().unwrap_or_default();
    let third = parts.next().unwrap_or_default();
    if first == "type" {
        if let Some(entry) = registry.find_type(second) {
            return Some(entry.decode);
        }
    } else if let Ok(method) = Method::from_bytes(first.as_bytes()) {
        let status = third
            .parse::<u16>()
            .ok()
            .and_then(|c| StatusCode::from_u16(c).ok());
        match (registry.lookup(&method, second), status) {
            (Lookup::Found(route), None) if third == "request" => return Some(route.request),
            (Lookup::Found(route), Some(status)) => return Some((route.response)(status)),
            (_, Some(status)) => {
                if let Some(f) = (registry.fallback)(status) {
                    return Some(f);
                }
            }
            _ => {}
        }
    }
    if all.is_empty() {
        return None;
    }
    let mut hasher = DefaultHasher::new();
    line.hash(&mut hasher);
    all.get((hasher.finish() % all.len() as u64) as usize)
        .copied()
}

/// Runs one input against the registry's decoders.
pub fn run(registry: &Registry, all: &[DecodeFn], stream: Stream, data: &[u8]) {
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let (line, body) = data.split_at(split);
    let body = body.get(1..).unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let Some(decode) = select(registry, all, &line) else {
        return;
    };
    check_fixed_point(decode, stream, body);
}

/// Decodes `body`; if it decodes, writes the re-encoding back in the body's own form and
/// asserts that it decodes to the same value.
pub fn check_fixed_point(decode: DecodeFn, stream: Stream, body: &[u8]) {
    let Ok(first) = decode(body) else {
        return;
    };
    let Some(value) = first.reencoded.clone() else {
        return;
    };
    let Some(bytes) = encode(&first, &value, stream) else {
        return;
    };
    let second = match decode(&bytes) {
        Ok(second) => second,
        Err(failed) => panic!(
            "{} re-encoding does not decode: {}\ninput: {:?}\nre-encoded: {:?}",
            first.type_name,
            failed.error,
            String::from_utf8_lossy(body),
            String::from_utf8_lossy(&bytes)
        ),
    };
    assert_eq!(
        second.reencoded.as_ref(),
        Some(&value),
        "{}: decode → encode → decode is not a fixed point\ninput: {:?}\nre-encoded: {:?}",
        first.type_name,
        String::from_utf8_lossy(body),
        String::from_utf8_lossy(&bytes)
    );
}

/// The bytes a peer would send for `value`, in the form of the original body.
fn encode(first: &Decoded, value: &Value, stream: Stream) -> Option<Vec<u8>> {
    match (&first.original, value) {
        (None, _) => serde_json::to_vec(value).ok(),
        (Some(_), Value::String(text)) => Some(text.clone().into_bytes()),
        (Some(_), Value::Array(items)) => {
            let mut out = String::new();
            for item in items {
                match stream {
                    Stream::Named(name) => push_event(&mut out, Some(name), None, item)?,
                    Stream::Tagged => {
                        let event = item.get("event").and_then(Value::as_str);
                        let id = item.get("id").and_then(Value::as_str);
                        push_event(&mut out, event, id, item.get("data")?)?;
                    }
                }
            }
            Some(out.into_bytes())
        }
        (Some(_), _) => None,
    }
}

fn push_event(out: &mut String, event: Option<&str>, id: Option<&str>, data: &Value) -> Option<()> {
    let clean = |s: &str| !s.contains(['\r', '\n']);
    if let Some(event) = event {
        if !clean(event) {
            return None;
        }
        out.push_str("event: ");
        out.push_str(event);
        out.push('\n');
    }
    if let Some(id) = id {
        if !clean(id) {
            return None;
        }
        out.push_str("id: ");
        out.push_str(id);
        out.push('\n');
    }
    out.push_str("data: ");
    out.push_str(&serde_json::to_string(data).ok()?);
    out.push_str("\n\n");
    Some(())
}

/// A protocol target: every route's request and response decoder and every wire type of
/// `$registry`, with event streams written back as `$stream`.
#[macro_export]
macro_rules! protocol_target {
    ($registry:path, $stream:expr) => {
        static ALL: ::std::sync::OnceLock<::std::vec::Vec<::nodewire_common::registry::DecodeFn>> =
            ::std::sync::OnceLock::new();

        ::libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            let registry = $registry();
            let all = ALL.get_or_init(|| $crate::decoders(registry));
            $crate::run(registry, all, $stream, data);
        });
    };
}
