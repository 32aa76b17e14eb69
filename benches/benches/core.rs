#![allow(missing_docs)] // criterion_group! generates undocumented items
#![allow(clippy::expect_used)] // a bench aborts on a broken fixture
//! Core `ReportUsage` with 100,000 entries: the HTTP JSON body (typed vs `Value` vs
//! `IgnoredAny`) and the gRPC message (prost encode and decode) with the same entries.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nodewire_benches::{CORE_USAGE, compare, replicate};
use nodewire_core::proto::{ReportUsageRequest, UsageEntry};
use nodewire_core::usage::NodeUsageDto;
use prost::Message;

fn usage(c: &mut Criterion) {
    let body = replicate(CORE_USAGE, "/entries", None, 100_000);
    compare::<NodeUsageDto>(c, "core/usage-100000-json", &body);

    let message = ReportUsageRequest {
        auth_key: None,
        entries: (0..100_000u64)
            .map(|i| UsageEntry {
                user_id: i,
                subscription_id: (i % 3 != 0).then_some(i / 3),
                node_protocol_id: i % 10,
                bytes_up: i * 1024,
                bytes_down: i * 73_400,
                recorded_at: "2026-06-01T12:00:00.000Z".to_owned(),
            })
            .collect(),
    };
    let bytes = message.encode_to_vec();
    let mut group = c.benchmark_group("core/usage-100000-prost");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("decode/typed", |b| {
        b.iter(|| ReportUsageRequest::decode(black_box(bytes.as_slice())).ok())
    });
    group.bench_function("encode/typed", |b| {
        b.iter(|| black_box(&message).encode_to_vec())
    });
    group.finish();
}

criterion_group!(benches, usage);
criterion_main!(benches);
