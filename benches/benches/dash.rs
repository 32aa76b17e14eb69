#![allow(missing_docs)] // criterion_group! generates undocumented items
#![allow(clippy::expect_used)] // a bench aborts on a broken fixture
//! Dash NodeReport: one (2.5 KB, as an agent pushed it) and 10,000 in a row.

use criterion::{Criterion, criterion_group, criterion_main};
use nodewire_benches::{DASH_REPORT, compare};
use nodewire_dash::NodeReport;

fn reports(c: &mut Criterion) {
    compare::<NodeReport>(c, "dash/nodereport-1", DASH_REPORT);
    let mut many = Vec::with_capacity(DASH_REPORT.len() * 10_000 + 10_002);
    many.push(b'[');
    for i in 0..10_000 {
        if i > 0 {
            many.push(b',');
        }
        many.extend_from_slice(DASH_REPORT.trim_ascii());
    }
    many.push(b']');
    compare::<Vec<NodeReport>>(c, "dash/nodereport-10000", &many);
}

criterion_group!(benches, reports);
criterion_main!(benches);
