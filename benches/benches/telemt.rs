#![allow(missing_docs)] // criterion_group! generates undocumented items
#![allow(clippy::expect_used)] // a bench aborts on a broken fixture
//! telemt `GET /v1/users` with 10,000 users: typed vs `serde_json::Value` vs an `IgnoredAny`
//! scan of the same bytes, and encode.

use criterion::{Criterion, criterion_group, criterion_main};
use nodewire_telemt::envelope::SuccessResponse;
use nodewire_telemt::users::UserInfo;

fn users(c: &mut Criterion) {
    let body = nodewire_benches::telemt_users(10_000);
    nodewire_benches::compare::<SuccessResponse<Vec<UserInfo>>>(c, "telemt/users-10000", &body);
}

criterion_group!(benches, users);
criterion_main!(benches);
