//! `GET /v1/health` and `GET /v1/health/ready` (`model.rs:69-84`).
//!
//! `GET /v1/health/ready` answers **`503` with `ok: true`** when the proxy is not ready, so
//! branch on [`HealthReadyData::ready`], not on the HTTP status class.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

nodewire_common::open_enum! {
    /// `HealthData.status`: always `"ok"` while the API answers at all.
    #[rename_all = "snake_case"]
    pub enum HealthStatus {
        /// The API is serving requests.
        Ok,
    }
}

nodewire_common::open_enum! {
    /// `HealthReadyData.status`.
    #[rename_all = "snake_case"]
    pub enum ReadinessStatus {
        /// Admission is open and at least one upstream is healthy.
        Ready,
        /// Not ready; `reason` says why.
        NotReady,
    }
}

nodewire_common::open_enum! {
    /// `HealthReadyData.reason`: why the proxy is not ready.
    #[rename_all = "snake_case"]
    pub enum NotReadyReason {
        /// The admission gate is closed (new client connections are refused).
        AdmissionClosed,
        /// No upstream passed its health checks (5 failed checks, 30 s apart, by default).
        NoHealthyUpstreams,
    }
}

/// `data` of `GET /v1/health` (`model.rs:69-73`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct HealthData {
    /// Always `"ok"`.
    pub status: HealthStatus,
    /// `[server.api].read_only`: mutating routes answer `403 read_only`.
    pub read_only: bool,
}

/// `data` of `GET /v1/health/ready` (`model.rs:75-84`).
///
/// Sent with HTTP `200` when ready and **`503` (still `ok: true`)** when not.
/// `ready == admission_open && healthy_upstreams > 0`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct HealthReadyData {
    /// `true` when admission is open and at least one upstream is healthy.
    pub ready: bool,
    /// `"ready"` or `"not_ready"`, matching `ready`.
    pub status: ReadinessStatus,
    /// Why the proxy is not ready; omitted when ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<NotReadyReason>,
    /// Whether the admission gate accepts new client connections.
    pub admission_open: bool,
    /// Upstreams currently marked healthy.
    pub healthy_upstreams: u64,
    /// Upstreams configured.
    pub total_upstreams: u64,
}

impl HealthData {
    /// The answer of a server whose API is up (`status` is always `"ok"`).
    pub fn new(read_only: bool) -> Self {
        Self {
            status: HealthStatus::Ok,
            read_only,
        }
    }
}

impl HealthReadyData {
    /// A ready answer: admission open and `healthy_upstreams` (at least one) of
    /// `total_upstreams` healthy.
    ///
    /// ```
    /// use nodewire_telemt::health::{HealthReadyData, NotReadyReason};
    /// let ready = HealthReadyData::ready(1, 1);
    /// assert_eq!(
    ///     serde_json::to_string(&ready).unwrap(),
    ///     r#"{"ready":true,"status":"ready","admission_open":true,"healthy_upstreams":1,"total_upstreams":1}"#
    /// );
    /// let not = HealthReadyData::not_ready(NotReadyReason::NoHealthyUpstreams, true, 0, 1);
    /// assert!(!not.ready);
    /// ```
    pub fn ready(healthy_upstreams: u64, total_upstreams: u64) -> Self {
        Self {
            ready: true,
            status: ReadinessStatus::Ready,
            reason: None,
            admission_open: true,
            healthy_upstreams,
            total_upstreams,
        }
    }

    /// A not-ready answer (sent with `503`) for `reason`.
    pub fn not_ready(
        reason: NotReadyReason,
        admission_open: bool,
        healthy_upstreams: u64,
        total_upstreams: u64,
    ) -> Self {
        Self {
            ready: false,
            status: ReadinessStatus::NotReady,
            reason: Some(reason),
            admission_open,
            healthy_upstreams,
            total_upstreams,
        }
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![HealthData, HealthReadyData,]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestResult, exact, round_trip};

    #[test]
    fn health_data() -> TestResult {
        let live = r#"{"status":"ok","read_only":false}"#;
        round_trip::<HealthData>(live)?;
        exact::<HealthData>(live)?;
        let data: HealthData = serde_json::from_str(live)?;
        assert_eq!(data.status, HealthStatus::Ok);
        round_trip::<HealthData>(r#"{"status":"ok","read_only":true}"#)
    }

    #[test]
    fn health_ready_data() -> TestResult {
        let ready = r#"{"ready":true,"status":"ready","admission_open":true,"healthy_upstreams":1,"total_upstreams":1}"#;
        round_trip::<HealthReadyData>(ready)?;
        exact::<HealthReadyData>(ready)?;
        let not_ready = r#"{"ready":false,"status":"not_ready","reason":"no_healthy_upstreams","admission_open":true,"healthy_upstreams":0,"total_upstreams":1}"#;
        round_trip::<HealthReadyData>(not_ready)?;
        exact::<HealthReadyData>(not_ready)?;
        let data: HealthReadyData = serde_json::from_str(not_ready)?;
        assert_eq!(data.reason, Some(NotReadyReason::NoHealthyUpstreams));
        assert_eq!(data.status, ReadinessStatus::NotReady);
        round_trip::<HealthReadyData>(
            r#"{"ready":false,"status":"not_ready","reason":"admission_closed","admission_open":false,"healthy_upstreams":2,"total_upstreams":2}"#,
        )
    }
}
