//! `/v1/security/posture` and `/v1/security/whitelist`.

use bytes::Bytes;
use http::StatusCode;

use super::{MockTelemt, now};
use crate::security::{LogLevel, SecurityPostureData, SecurityWhitelistData, TelemetryMeLevel};
use crate::server::ApiFailure;

type Answer = Result<http::Response<Bytes>, ApiFailure>;

impl MockTelemt {
    /// `GET /v1/security/posture`: the mock's own API settings.
    pub(super) fn get_security_posture(&self) -> Answer {
        let data = SecurityPostureData {
            api_read_only: self.config.read_only,
            api_whitelist_enabled: !self.config.whitelist.is_empty(),
            api_whitelist_entries: self.config.whitelist.len() as u64,
            api_auth_header_enabled: !self.config.auth_header.expose().is_empty(),
            proxy_protocol_enabled: false,
            log_level: LogLevel::Normal,
            telemetry_core_enabled: true,
            telemetry_user_enabled: true,
            telemetry_me_level: TelemetryMeLevel::Normal,
        };
        self.ok(StatusCode::OK, data)
    }

    /// `GET /v1/security/whitelist`.
    pub(super) fn get_security_whitelist(&self) -> Answer {
        let whitelist = &self.config.whitelist;
        let data = SecurityWhitelistData {
            generated_at_epoch_secs: now(),
            enabled: !whitelist.is_empty(),
            entries_total: whitelist.len() as u64,
            entries: whitelist.iter().map(|n| n.to_string()).collect(),
        };
        self.ok(StatusCode::OK, data)
    }
}
