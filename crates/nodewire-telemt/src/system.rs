//! `GET /v1/system/info` (`runtime_zero.rs:12-31`).

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_secs;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `data` of `GET /v1/system/info` (`runtime_zero.rs:12-31`).
///
/// The four build fields marked "omitted when unknown" come from compile-time environment
/// variables and are usually absent from release builds.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SystemInfoData {
    /// The telemt version (`CARGO_PKG_VERSION`, e.g. `"3.4.25"`).
    pub version: String,
    /// The target CPU architecture (`std::env::consts::ARCH`, e.g. `"x86_64"`).
    pub target_arch: String,
    /// The target OS (`std::env::consts::OS`, e.g. `"linux"`).
    pub target_os: String,
    /// The compile-time `PROFILE` environment variable, or `"unknown"`.
    pub build_profile: String,
    /// The git commit the binary was built from; omitted when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_commit: Option<String>,
    /// The build time (UTC, free-form text); omitted when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_time_utc: Option<String>,
    /// The rustc version used for the build; omitted when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rustc_version: Option<String>,
    /// When the process started (epoch seconds).
    pub process_started_at_epoch_secs: u64,
    /// Seconds since the process started (a float with whole-second resolution, e.g. `38.0`).
    /// Unlike `SummaryData.uptime_seconds`, it does not restart on in-process reloads.
    pub uptime_seconds: f64,
    /// The config file path as passed on the command line.
    pub config_path: String,
    /// SHA-256 of the main config file, lowercase hex: the same value as the envelope `revision`.
    pub config_hash: String,
    /// Config reloads applied since start (every config write through the API bumps it).
    pub config_reload_count: u64,
    /// When the last config reload was applied (epoch seconds); omitted until the first reload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_config_reload_epoch_secs: Option<u64>,
}

impl SystemInfoData {
    /// When the process started: `process_started_at_epoch_secs` as a date-time.
    ///
    /// ```
    /// use nodewire_telemt::envelope::SuccessResponse;
    /// use nodewire_telemt::system::SystemInfoData;
    /// let body = std::fs::read("tests/fixtures/GET_v1_system_info.response.json").unwrap();
    /// let answer: SuccessResponse<SystemInfoData> = serde_json::from_slice(&body).unwrap();
    /// let started = answer.data.process_started_at_utc().unwrap();
    /// assert_eq!(started.to_rfc3339(), "2026-11-22T08:05:21+00:00");
    /// assert_eq!(answer.data.last_config_reload_utc(), None);
    /// ```
    pub fn process_started_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.process_started_at_epoch_secs)
    }

    /// When the last config reload was applied: `last_config_reload_epoch_secs` as a
    /// date-time; `None` until the first reload.
    pub fn last_config_reload_utc(&self) -> Option<DateTime<Utc>> {
        self.last_config_reload_epoch_secs.and_then(from_unix_secs)
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.push(nodewire_common::registry::TypeEntry::of::<SystemInfoData>());
}

impl SystemInfoData {
    /// The release this server runs, parsed from [`version`](Self::version) for comparing with
    /// the release each route needs ([`Endpoint::HISTORY`](nodewire_common::Endpoint::HISTORY)).
    pub fn release(
        &self,
    ) -> Result<nodewire_common::version::Release, nodewire_common::version::ReleaseError> {
        self.version.parse()
    }
}

/// Reads the server's release from `GET /v1/system/info` (every release has it) and records it
/// on `client`, so later calls to a route the server's release lacks fail with
/// [`ClientError::RouteNotInRelease`](nodewire_common::client::ClientError::RouteNotInRelease)
/// naming both releases, without being sent.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use nodewire_common::client::Client;
/// let client = Client::new("http://127.0.0.1:9091")?;
/// let release = nodewire_telemt::system::detect_release(&client).await?;
/// println!("telemt {release}");
/// # Ok(()) }
/// ```
#[cfg(feature = "client")]
pub async fn detect_release(
    client: &nodewire_common::client::Client,
) -> Result<nodewire_common::version::Release, nodewire_common::client::ClientError<crate::Error>> {
    use nodewire_common::client::ClientError;
    let info = client.send(&crate::endpoints::GetSystemInfo).await?;
    let release = info.data.release().map_err(|e| {
        ClientError::Api(crate::Error::from(nodewire_common::DecodeError::at(
            "data.version",
            e.to_string(),
        )))
    })?;
    client.note_server_release(release.clone());
    Ok(release)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestResult, exact};
    use serde_json::Value;

    #[test]
    fn live_before_any_reload() -> TestResult {
        exact::<SystemInfoData>(
            r#"{"version":"3.4.25","target_arch":"x86_64","target_os":"linux","build_profile":"unknown","process_started_at_epoch_secs":1795334721,"uptime_seconds":4.0,"config_path":"/etc/telemt/config.toml","config_hash":"200f78a8a48c5773690f82370c5a77cac9cff40131aaee189e94d5d7b261814e","config_reload_count":0}"#,
        )
    }

    #[test]
    fn live_after_reloads() -> TestResult {
        exact::<SystemInfoData>(
            r#"{"version":"3.4.25","target_arch":"x86_64","target_os":"linux","build_profile":"unknown","process_started_at_epoch_secs":1795334721,"uptime_seconds":38.0,"config_path":"/etc/telemt/config.toml","config_hash":"3e16b28224dbd832f29290f5f630ff9bcf638da1d5c9ba4bca6a6fff1e2018b9","config_reload_count":11,"last_config_reload_epoch_secs":1795334753}"#,
        )
    }

    #[test]
    fn times_read_as_date_times_and_re_encode_unchanged() -> TestResult {
        let body =
            include_str!("../tests/fixtures/GET_v1_system_info__after_reloads.response.json");
        let answer: crate::envelope::SuccessResponse<SystemInfoData> = serde_json::from_str(body)?;
        let info = &answer.data;
        assert_eq!(
            info.process_started_at_utc().map(|t| t.to_rfc3339()),
            Some("2026-11-22T08:05:21+00:00".to_owned())
        );
        assert_eq!(
            info.last_config_reload_utc().map(|t| t.timestamp()),
            info.last_config_reload_epoch_secs
                .and_then(|s| i64::try_from(s).ok())
        );
        assert_eq!(
            serde_json::to_value(&answer)?,
            serde_json::from_str::<Value>(body)?
        );
        Ok(())
    }

    #[test]
    fn all_build_fields_present() -> TestResult {
        exact::<SystemInfoData>(
            r#"{"version":"3.4.25","target_arch":"aarch64","target_os":"linux","build_profile":"release","git_commit":"d851200e47e56b542f936c154945e75e42b671eb","build_time_utc":"2026-07-20T10:11:12Z","rustc_version":"1.88.0","process_started_at_epoch_secs":1795334721,"uptime_seconds":86400.0,"config_path":"config.toml","config_hash":"200f78a8a48c5773690f82370c5a77cac9cff40131aaee189e94d5d7b261814e","config_reload_count":3,"last_config_reload_epoch_secs":1795400000}"#,
        )
    }
}
