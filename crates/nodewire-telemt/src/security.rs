//! `GET /v1/security/posture` (`runtime_zero.rs:121-132`) and `GET /v1/security/whitelist`
//! (`runtime_min.rs:12-18`), both read from the running generation's config snapshot.

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_secs;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

nodewire_common::open_enum! {
    /// `[general].log_level`.
    #[rename_all = "snake_case"]
    pub enum LogLevel {
        /// Debug logging.
        Debug,
        /// More than normal.
        Verbose,
        /// The default.
        Normal,
        /// Almost nothing.
        Silent,
    }
}

nodewire_common::open_enum! {
    /// `[general.telemetry].me_level`: how much middle-proxy telemetry is collected.
    ///
    /// The upstream doc says `off|normal|verbose`; the source sends `silent|normal|debug`
    /// (contract §12.1 item 9).
    #[rename_all = "snake_case"]
    pub enum TelemetryMeLevel {
        /// No middle-proxy telemetry.
        Silent,
        /// The default.
        Normal,
        /// Everything.
        Debug,
    }
}

/// `data` of `GET /v1/security/posture` (`runtime_zero.rs:121-132`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SecurityPostureData {
    /// `[server.api].read_only`.
    pub api_read_only: bool,
    /// Whether the API source-address whitelist is non-empty.
    pub api_whitelist_enabled: bool,
    /// Number of whitelist entries.
    pub api_whitelist_entries: u64,
    /// Whether `[server.api].auth_header` is set (requests must carry `Authorization`).
    pub api_auth_header_enabled: bool,
    /// `[server].proxy_protocol`: client listeners expect a PROXY protocol header.
    pub proxy_protocol_enabled: bool,
    /// The configured log level.
    pub log_level: LogLevel,
    /// `[general.telemetry].core_enabled`.
    pub telemetry_core_enabled: bool,
    /// `[general.telemetry].user_enabled`: per-user counters are collected.
    pub telemetry_user_enabled: bool,
    /// `[general.telemetry].me_level`.
    pub telemetry_me_level: TelemetryMeLevel,
}

impl SecurityPostureData {
    /// A `SecurityPostureData` with the given `log_level` and `telemetry_me_level`; every other
    /// field starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(log_level: LogLevel, telemetry_me_level: TelemetryMeLevel) -> Self {
        Self {
            api_read_only: false,
            api_whitelist_enabled: false,
            api_whitelist_entries: 0,
            api_auth_header_enabled: false,
            proxy_protocol_enabled: false,
            log_level,
            telemetry_core_enabled: false,
            telemetry_user_enabled: false,
            telemetry_me_level,
        }
    }
}

/// `data` of `GET /v1/security/whitelist` (`runtime_min.rs:12-18`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SecurityWhitelistData {
    /// When this answer was built (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// Whether the whitelist is non-empty (an empty whitelist allows every source).
    pub enabled: bool,
    /// Number of entries.
    pub entries_total: u64,
    /// The entries as CIDR text, e.g. `"127.0.0.0/8"`.
    pub entries: Vec<String>,
}

impl SecurityWhitelistData {
    /// The answer for `entries` (CIDR text) built at `generated_at_epoch_secs`; `enabled` and
    /// `entries_total` follow from the entries.
    pub fn new(generated_at_epoch_secs: u64, entries: Vec<String>) -> Self {
        Self {
            generated_at_epoch_secs,
            enabled: !entries.is_empty(),
            entries_total: entries.len() as u64,
            entries,
        }
    }

    /// When this answer was built: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        SecurityPostureData,
        SecurityWhitelistData,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestResult, exact};

    #[test]
    fn security_posture_data() -> TestResult {
        let json = r#"{"api_read_only":false,"api_whitelist_enabled":true,"api_whitelist_entries":1,"api_auth_header_enabled":true,"proxy_protocol_enabled":false,"log_level":"normal","telemetry_core_enabled":true,"telemetry_user_enabled":true,"telemetry_me_level":"normal"}"#;
        exact::<SecurityPostureData>(json)?;
        let typed: SecurityPostureData = serde_json::from_str(json)?;
        assert_eq!(typed.log_level, LogLevel::Normal);
        assert_eq!(typed.telemetry_me_level, TelemetryMeLevel::Normal);
        exact::<SecurityPostureData>(
            r#"{"api_read_only":true,"api_whitelist_enabled":false,"api_whitelist_entries":0,"api_auth_header_enabled":false,"proxy_protocol_enabled":true,"log_level":"debug","telemetry_core_enabled":false,"telemetry_user_enabled":false,"telemetry_me_level":"silent"}"#,
        )
    }

    #[test]
    fn security_whitelist_data() -> TestResult {
        exact::<SecurityWhitelistData>(
            r#"{"generated_at_epoch_secs":1795334725,"enabled":true,"entries_total":2,"entries":["127.0.0.0/8","10.8.0.0/16"]}"#,
        )?;
        exact::<SecurityWhitelistData>(
            r#"{"generated_at_epoch_secs":1795334725,"enabled":false,"entries_total":0,"entries":[]}"#,
        )
    }
}
