//! `/v1/system/info`.

use bytes::Bytes;
use http::StatusCode;

use super::{MockTelemt, now};
use crate::server::ApiFailure;
use crate::system::SystemInfoData;

impl MockTelemt {
    /// `GET /v1/system/info`: the configured release, the host's arch and OS.
    pub(super) fn get_system_info(&self) -> Result<http::Response<Bytes>, ApiFailure> {
        let info = SystemInfoData {
            version: self.config.release.to_string(),
            target_arch: std::env::consts::ARCH.to_owned(),
            target_os: std::env::consts::OS.to_owned(),
            build_profile: "unknown".to_owned(),
            git_commit: None,
            build_time_utc: None,
            rustc_version: None,
            process_started_at_epoch_secs: self.started_at,
            uptime_seconds: now().saturating_sub(self.started_at) as f64,
            config_path: "mock://telemt.toml".to_owned(),
            config_hash: self.revision().as_str().to_owned(),
            config_reload_count: self.reload_count,
            last_config_reload_epoch_secs: self.reloads.last().map(|r| r.requested_at_epoch_secs),
        };
        self.ok(StatusCode::OK, info)
    }
}
