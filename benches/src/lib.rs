//! Payload builders shared by the nodewire benches (large, realistic bodies made from real
//! captures), and the comparison every bench group runs: typed decode next to
//! `serde_json::Value` and `serde::de::IgnoredAny` on the same bytes, and typed encode next
//! to `Value` encode.

// The builders abort a bench run on a broken fixture (see each `# Panics`).
#![allow(clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

/// One `UserInfo` as a real telemt 3.4.25 sends it.
pub const TELEMT_USER: &str = r#"{"username":"alice","enabled":true,"in_runtime":true,"user_ad_tag":null,"max_tcp_conns":null,"expiration_rfc3339":"2031-05-31T21:00:00+00:00","data_quota_bytes":1073741824,"rate_limit_up_bps":null,"rate_limit_down_bps":16000,"max_unique_ips":null,"current_connections":3,"active_unique_ips":1,"active_unique_ips_list":["203.0.113.7"],"recent_unique_ips":1,"recent_unique_ips_list":["203.0.113.7"],"total_octets":123456789,"links":{"classic":["tg://proxy?server=127.0.0.1&port=18443&secret=0123456789abcdef0123456789abcdef"],"secure":["tg://proxy?server=127.0.0.1&port=18443&secret=dd0123456789abcdef0123456789abcdef"],"tls":["tg://proxy?server=127.0.0.1&port=18443&secret=ee0123456789abcdef0123456789abcdef6578616d706c652e636f6d","tg://proxy?server=127.0.0.1&port=18443&secret=ee0123456789abcdef0123456789abcdef6578616d706c652e6f7267"],"tls_domains":[{"domain":"example.org","link":"tg://proxy?server=127.0.0.1&port=18443&secret=ee0123456789abcdef0123456789abcdef6578616d706c652e6f7267"}]}}"#;

/// A `GET /v1/users` success envelope with `n` users (distinct names).
pub fn telemt_users(n: usize) -> Vec<u8> {
    let mut out = String::with_capacity(n * (TELEMT_USER.len() + 8) + 128);
    out.push_str(r#"{"ok":true,"data":["#);
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&TELEMT_USER.replacen("\"alice\"", &format!("\"user{i:05}\""), 1));
    }
    out.push_str(
        r#"],"revision":"200f78a8a48c5773690f82370c5a77cac9cff40131aaee189e94d5d7b261814e"}"#,
    );
    out.into_bytes()
}

/// NodePass `GET /instances` as a v2.0.0-b10 master answered it.
pub const NODEPASS_INSTANCES: &[u8] = include_bytes!(
    "../../crates/nodewire-nodepass/tests/fixtures/v2.0.0-b10/instances-list.response.json"
);

/// A NodePass `GET /events` stream captured from a v2.0.0-b10 master.
pub const NODEPASS_EVENTS: &[u8] =
    include_bytes!("../../crates/nodewire-nodepass/tests/fixtures/v2.0.0-b10/sse-1.stream");

/// A Dash `POST /api/node/metrics` body (a NodeReport) as a real agent pushed it.
pub const DASH_REPORT: &[u8] =
    include_bytes!("../../crates/nodewire-dash/tests/fixtures/live-push/003-metrics.request.json");

/// The kernel's `GET /v1/status` (three nodes, every health shape).
pub const KERNEL_STATUS: &[u8] = include_bytes!(
    "../../crates/nodewire-kernel/tests/fixtures/synthesized--GET_v1_status--degraded_nodes.json"
);

/// Core `POST /node/usage` (three entries: a subscription, a null one, an absent one).
pub const CORE_USAGE: &[u8] =
    include_bytes!("../../crates/nodewire-core/tests/fixtures/POST_node_usage.request.json");

/// The elements of the array `array` (a JSON pointer) of `doc`, cycled to `n` elements;
/// the string at `id` (a pointer inside each element) gets a distinct suffix.
///
/// # Panics
/// If `doc` is not JSON or `array` is not an array (the fixtures are fixed).
pub fn replicate(doc: &[u8], array: &str, id: Option<&str>, n: usize) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(doc).expect("fixture is JSON");
    let items = value
        .pointer_mut(array)
        .and_then(Value::as_array_mut)
        .expect("fixture has the array");
    let base = items.clone();
    items.clear();
    for i in 0..n {
        let mut item = base.get(i % base.len()).cloned().expect("non-empty array");
        if let Some(Value::String(s)) = id.and_then(|p| item.pointer_mut(p)) {
            s.push_str(&format!("-{i}"));
        }
        items.push(item);
    }
    serde_json::to_vec(&value).expect("re-encodes")
}

/// The `data:` events of `stream`, cycled to `n` events, as a `text/event-stream`.
pub fn nodepass_events(n: usize) -> Vec<u8> {
    let text = String::from_utf8_lossy(NODEPASS_EVENTS);
    let events: Vec<&str> = text
        .split("\n\n")
        .filter(|block| block.contains("data:"))
        .collect();
    let mut out = String::from("retry: 3000\n\n");
    for i in 0..n {
        out.push_str(events.get(i % events.len()).copied().unwrap_or_default());
        out.push_str("\n\n");
    }
    out.into_bytes()
}

/// Typed decode of `body` as `T` (through `nodewire_common::error::from_slice`, the entry
/// point every endpoint uses) next to `Value` and `IgnoredAny` on the same bytes, and
/// typed encode next to `Value` encode, in group `name`.
///
/// # Panics
/// If `body` does not decode as `T` (the payloads are built from accepted fixtures).
pub fn compare<T: Serialize + DeserializeOwned>(c: &mut Criterion, name: &str, body: &[u8]) {
    let typed: T = serde_json::from_slice(body).expect("the payload decodes");
    let value: Value = serde_json::from_slice(body).expect("the payload is JSON");
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("decode/typed", |b| {
        b.iter(|| nodewire_common::error::from_slice::<T>(black_box(body)).ok())
    });
    group.bench_function("decode/value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(body)).ok())
    });
    group.bench_function("decode/ignored_any", |b| {
        b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(body)).ok())
    });
    group.bench_function("encode/typed", |b| {
        b.iter(|| serde_json::to_vec(black_box(&typed)).ok())
    });
    group.bench_function("encode/value", |b| {
        b.iter(|| serde_json::to_vec(black_box(&value)).ok())
    });
    group.finish();
}
