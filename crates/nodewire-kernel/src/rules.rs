//! `GET /v1/rules/providers` and `POST /v1/rules/providers/{name}/refresh`: rule providers
//! (core.yaml:1555-1579).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::wire::wire_struct;

wire_struct! {
    /// A rule provider's state (core.yaml:1555).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct ProviderStatus {
        /// Provider name.
        name?: String,
        /// Checksum of the last fetched rule set.
        checksum?: null String,
        /// Unix milliseconds of the last successful fetch.
        last_success_unix_ms?: null u64,
        /// Unix milliseconds of the last attempt.
        last_attempt_unix_ms?: null u64,
        /// The last `ETag` seen.
        etag?: null String,
        /// Pending, healthy or error.
        state?: ProviderState,
        /// The last error, if the last attempt failed.
        last_error?: null String,
    }
}

nodewire_common::open_enum! {
    /// A provider's state (core.yaml:1577).
    pub enum ProviderState {
        /// Not fetched yet.
        Pending = "pending",
        /// The last fetch succeeded.
        Healthy = "healthy",
        /// The last fetch failed.
        Error = "error",
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    use nodewire_common::registry::TypeEntry;
    types.extend([
        TypeEntry::of::<ProviderStatus>(),
        TypeEntry::of::<ProviderState>(),
    ]);
}
