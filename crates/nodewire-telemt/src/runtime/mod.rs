//! Runtime payloads: `GET /v1/runtime/*` (`runtime_zero.rs`, `runtime_init.rs`,
//! `runtime_min.rs`, `runtime_selftest.rs`, `runtime_edge.rs`, `events.rs`).
//!
//! Most of them are **gated**: `{enabled, reason?, generated_at_epoch_secs, data?}`, where
//! `reason` ([`UnavailableReason`](crate::stats::UnavailableReason)) and `data` are omitted
//! when absent. `RuntimeUpstreamQualityData` is the exception: its `policy` and `counters`
//! are always present.
//!
//! | route | type |
//! | --- | --- |
//! | `GET /v1/runtime/gates` | [`RuntimeGatesData`] |
//! | `GET /v1/runtime/initialization` | [`RuntimeInitializationData`] |
//! | `GET /v1/runtime/me-pool-state` | [`RuntimeMePoolStateData`] |
//! | `GET /v1/runtime/me-quality` | [`RuntimeMeQualityData`] |
//! | `GET /v1/runtime/upstream-quality` | [`RuntimeUpstreamQualityData`] |
//! | `GET /v1/runtime/nat-stun` | [`RuntimeNatStunData`] |
//! | `GET /v1/runtime/me-selftest` | [`RuntimeMeSelftestData`] |
//! | `GET /v1/runtime/connections/summary` | [`RuntimeEdgeConnectionsSummaryData`] |
//! | `GET /v1/runtime/events/recent` | [`RuntimeEdgeEventsData`] |
//! | `GET /v1/runtime/tls-fingerprints` | [`RuntimeEdgeTlsFingerprintsData`] |

mod edge;
mod gates;
mod init;
mod me;
mod selftest;
mod upstream;

pub use edge::*;
pub use gates::*;
pub use init::*;
pub use me::*;
pub use selftest::*;
pub use upstream::*;

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    gates::register(types);
    init::register(types);
    me::register(types);
    upstream::register(types);
    selftest::register(types);
    edge::register(types);
}
