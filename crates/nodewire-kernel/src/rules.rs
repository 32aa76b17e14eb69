//! `GET /v1/rules/providers` and `POST /v1/rules/providers/{name}/refresh`: rule providers
//! (core.yaml:1555-1579).

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_millis;
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

impl ProviderStatus {
    /// The last successful fetch: `last_success_unix_ms` as a date-time; `None` when absent
    /// or `null`.
    pub fn last_success_utc(&self) -> Option<DateTime<Utc>> {
        self.last_success_unix_ms
            .value()
            .copied()
            .and_then(from_unix_millis)
    }

    /// The last attempt: `last_attempt_unix_ms` as a date-time; `None` when absent or `null`.
    pub fn last_attempt_utc(&self) -> Option<DateTime<Utc>> {
        self.last_attempt_unix_ms
            .value()
            .copied()
            .and_then(from_unix_millis)
    }
}

nodewire_common::open_enum! {
    /// A provider's state (core.yaml:1577).
    #[rename_all = "snake_case"]
    pub enum ProviderState {
        /// Not fetched yet.
        Pending,
        /// The last fetch succeeded.
        Healthy,
        /// The last fetch failed.
        Error,
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        ProviderStatus,
        ProviderState,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_times_read_as_date_times_and_re_encode_unchanged()
    -> Result<(), Box<dyn std::error::Error>> {
        let body = include_str!(
            "../tests/fixtures/ProviderStatusArray--GET_v1_rules_providers--response200.json"
        );
        let providers: Vec<ProviderStatus> = serde_json::from_str(body)?;
        let provider = providers.first().ok_or("no provider")?;
        assert_eq!(
            provider.last_success_utc().map(|t| t.timestamp_millis()),
            Some(1_734_001_002_456)
        );
        assert_eq!(provider.last_attempt_utc(), provider.last_success_utc());
        assert_eq!(
            serde_json::to_value(&providers)?,
            serde_json::from_str::<serde_json::Value>(body)?
        );
        let never: ProviderStatus = serde_json::from_str(r#"{"last_success_unix_ms":null}"#)?;
        assert_eq!(never.last_success_utc(), None);
        assert_eq!(never.last_attempt_utc(), None);
        Ok(())
    }
}
