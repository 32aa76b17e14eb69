//! The runtime and statistics routes, answered with payloads recorded from a real 3.4.25
//! server (`recorded.json`, keyed by each route's path template).

use bytes::Bytes;
use http::StatusCode;
use nodewire_common::Endpoint;
use serde_json::{Map, Value, json};

use super::{MockTelemt, internal, now};
use crate::Telemt;
use crate::server::ApiFailure;

impl MockTelemt {
    /// The payload recorded for `E` (or, for gated routes without a recording,
    /// `enabled: false, reason: "source_unavailable"`), decoded into its response type.
    pub(super) fn recorded<E: Endpoint<Protocol = Telemt>>(
        &self,
    ) -> Result<E::Response, ApiFailure> {
        static RECORDED: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        let recorded = RECORDED.get_or_init(|| {
            serde_json::from_str(include_str!("recorded.json")).unwrap_or_default()
        });
        let key = E::METADATA.path;
        let value = recorded.get(key).cloned().unwrap_or_else(|| {
            json!({"enabled": false, "reason": "source_unavailable", "generated_at_epoch_secs": now()})
        });
        serde_json::from_value(value).map_err(|e| internal(format!("recorded {key}: {e}")))
    }

    /// `200` with the payload recorded for `E`.
    pub(super) fn recorded_answer<E: Endpoint<Protocol = Telemt>>(
        &self,
    ) -> Result<http::Response<Bytes>, ApiFailure> {
        let data = self.recorded::<E>()?;
        self.ok(StatusCode::OK, data)
    }
}
