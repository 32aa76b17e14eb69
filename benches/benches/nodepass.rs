#![allow(missing_docs)] // criterion_group! generates undocumented items
#![allow(clippy::expect_used)] // a bench aborts on a broken fixture
//! NodePass: `GET /instances` with 10,000 instances, an event stream of 100,000 events, and
//! URL normalize over the URL examples.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nodewire_benches::{NODEPASS_INSTANCES, compare, nodepass_events, replicate};
use nodewire_common::sse;
use nodewire_nodepass::instances::Instance;
use nodewire_nodepass::url::{Compat, MasterSettings, normalize_text};
use serde::de::IgnoredAny;
use serde_json::Value;

fn instances(c: &mut Criterion) {
    let body = replicate(NODEPASS_INSTANCES, "", Some("/id"), 10_000);
    compare::<Vec<Instance>>(c, "nodepass/instances-10000", &body);
}

fn events(c: &mut Criterion) {
    let body = nodepass_events(100_000);
    let mut group = c.benchmark_group("nodepass/events-100000");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("decode/typed", |b| {
        b.iter(|| nodewire_nodepass::events::decode_stream(black_box(&body)).ok())
    });
    group.bench_function("decode/value", |b| {
        b.iter(|| {
            sse::decode_all(black_box(&body)).map(|events| {
                events
                    .iter()
                    .map(|e| serde_json::from_str::<Value>(&e.data).ok())
                    .collect::<Vec<_>>()
            })
        })
    });
    group.bench_function("decode/ignored_any", |b| {
        b.iter(|| {
            sse::decode_all(black_box(&body)).map(|events| {
                events
                    .iter()
                    .filter(|e| serde_json::from_str::<IgnoredAny>(&e.data).is_ok())
                    .count()
            })
        })
    });
    group.bench_function("decode/sse_only", |b| {
        b.iter(|| sse::decode_all(black_box(&body)).map(|e| e.len()))
    });
    group.finish();
}

fn urls(c: &mut Criterion) {
    let doc: Value = serde_json::from_slice(include_bytes!(
        "../../crates/nodewire-nodepass/tests/fixtures/url-examples.json"
    ))
    .expect("url examples");
    let urls: Vec<String> = doc
        .get("examples")
        .and_then(Value::as_array)
        .expect("examples")
        .iter()
        .filter_map(|e| e.get("url").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let settings = MasterSettings::default();
    let mut group = c.benchmark_group("nodepass/url-normalize");
    group.throughput(Throughput::Elements(urls.len() as u64));
    group.bench_function("normalize", |b| {
        b.iter(|| {
            urls.iter()
                .filter(|u| normalize_text(&settings, black_box(u), Compat::default()).is_ok())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, instances, events, urls);
criterion_main!(benches);
