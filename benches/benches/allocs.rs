#![allow(clippy::expect_used)] // a bench aborts on a broken fixture
//! Allocations per decode of every bench payload, counted by an instrumented global
//! allocator: typed, `serde_json::Value` and `IgnoredAny` on the same bytes.
//!
//! `cargo bench -p nodewire-benches --bench allocs` prints a Markdown table.

use std::alloc::System;

use nodewire_benches::{
    CORE_USAGE, DASH_REPORT, KERNEL_STATUS, NODEPASS_INSTANCES, replicate, telemt_users,
};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations and bytes allocated by one call of `f`.
fn count<R>(f: impl FnOnce() -> R) -> (usize, usize) {
    let region = Region::new(GLOBAL);
    let result = f();
    let stats = region.change();
    drop(result);
    (
        stats.allocations + stats.reallocations,
        stats.bytes_allocated,
    )
}

fn row<T: DeserializeOwned>(name: &str, body: &[u8]) {
    let typed = count(|| serde_json::from_slice::<T>(body).expect("decodes"));
    let value = count(|| serde_json::from_slice::<Value>(body).expect("JSON"));
    let ignored = count(|| serde_json::from_slice::<IgnoredAny>(body).expect("JSON"));
    println!(
        "| {name} | {} | {} | {} | {} | {:.1} | {:.1} |",
        body.len(),
        typed.0,
        value.0,
        ignored.0,
        typed.1 as f64 / body.len() as f64,
        value.1 as f64 / body.len() as f64,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to filter here.
    println!(
        "| payload | bytes | allocations typed | allocations Value | allocations IgnoredAny \
         | bytes allocated / input byte, typed | same, Value |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    row::<nodewire_telemt::envelope::SuccessResponse<Vec<nodewire_telemt::users::UserInfo>>>(
        "telemt users-10000",
        &telemt_users(10_000),
    );
    row::<Vec<nodewire_nodepass::instances::Instance>>(
        "nodepass instances-10000",
        &replicate(NODEPASS_INSTANCES, "", Some("/id"), 10_000),
    );
    row::<nodewire_kernel::status::StatusResponse>(
        "kernel status-10000",
        &replicate(KERNEL_STATUS, "/snapshot/nodes", Some("/id"), 10_000),
    );
    row::<nodewire_dash::NodeReport>("dash nodereport-1", DASH_REPORT);
    row::<nodewire_core::usage::NodeUsageDto>(
        "core usage-100000 (JSON)",
        &replicate(CORE_USAGE, "/entries", None, 100_000),
    );
    let events = nodewire_benches::nodepass_events(100_000);
    let (typed, bytes) =
        count(|| nodewire_nodepass::events::decode_stream(&events).expect("decodes"));
    let (scan, _) = count(|| nodewire_common::sse::decode_all(&events).expect("decodes"));
    println!(
        "| nodepass events-100000 (typed / SSE framing only) | {} | {typed} | – | {scan} | {:.1} | – |",
        events.len(),
        bytes as f64 / events.len() as f64,
    );
}
