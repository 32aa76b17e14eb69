#![allow(missing_docs)] // criterion_group! generates undocumented items
#![allow(clippy::expect_used)] // a bench aborts on a broken fixture
//! The kernel's `GET /v1/status` with 10,000 nodes.

use criterion::{Criterion, criterion_group, criterion_main};
use nodewire_benches::{KERNEL_STATUS, compare, replicate};
use nodewire_kernel::status::StatusResponse;

fn status(c: &mut Criterion) {
    let body = replicate(KERNEL_STATUS, "/snapshot/nodes", Some("/id"), 10_000);
    compare::<StatusResponse>(c, "kernel/status-10000", &body);
}

criterion_group!(benches, status);
criterion_main!(benches);
