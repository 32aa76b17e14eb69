#![allow(missing_docs)] // criterion_group! generates undocumented items
//! telemt `GET /v1/users` decode: typed vs `serde_json::Value` vs an `IgnoredAny` scan of the
//! same bytes, so results read as ratios.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nodewire_telemt::envelope::SuccessResponse;
use nodewire_telemt::users::UserInfo;
use std::hint::black_box;

fn users(c: &mut Criterion) {
    let body = nodewire_benches::telemt_users(1_000);
    let mut group = c.benchmark_group("telemt/users-1000");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("typed", |b| {
        b.iter(|| serde_json::from_slice::<SuccessResponse<Vec<UserInfo>>>(black_box(&body)).ok())
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).ok())
    });
    group.bench_function("ignored_any", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&body)).ok())
    });
    group.finish();
}

criterion_group!(benches, users);
criterion_main!(benches);
