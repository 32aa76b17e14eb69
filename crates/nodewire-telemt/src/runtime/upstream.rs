//! `GET /v1/runtime/upstream-quality` (alias `upstream_quality`) (`runtime_min.rs:157-218`).

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_secs;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::stats::{IpPreference, RouteKind, UnavailableReason};

/// `policy` of the upstream quality (`runtime_min.rs:157-164`): the connect policy in effect.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeUpstreamQualityPolicyData {
    /// Upstream connect retry attempts.
    pub connect_retry_attempts: u32,
    /// Backoff between retries (ms).
    pub connect_retry_backoff_ms: u64,
    /// Total time budget of one connect, retries included (ms).
    pub connect_budget_ms: u64,
    /// Consecutive failures after which an upstream is marked unhealthy.
    pub unhealthy_fail_threshold: u32,
    /// Whether hard connect errors skip the remaining retries.
    pub connect_failfast_hard_errors: bool,
}

/// `counters` of the upstream quality (`runtime_min.rs:166-172`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeUpstreamQualityCountersData {
    /// Upstream connects attempted.
    pub connect_attempt_total: u64,
    /// Upstream connects that succeeded.
    pub connect_success_total: u64,
    /// Upstream connects that failed.
    pub connect_fail_total: u64,
    /// Upstream connects that failed fast on a hard error.
    pub connect_failfast_hard_error_total: u64,
}

/// `summary` of the upstream quality (`runtime_min.rs:174-183`); the same fields as
/// `UpstreamSummaryData`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeUpstreamQualitySummaryData {
    /// Upstreams configured.
    pub configured_total: u64,
    /// Healthy upstreams.
    pub healthy_total: u64,
    /// Unhealthy upstreams.
    pub unhealthy_total: u64,
    /// `direct` upstreams.
    pub direct_total: u64,
    /// `socks4` upstreams.
    pub socks4_total: u64,
    /// `socks5` upstreams.
    pub socks5_total: u64,
    /// `shadowsocks` upstreams.
    pub shadowsocks_total: u64,
}

/// One upstream's view of one DC (`runtime_min.rs:185-190`); the same fields as
/// `UpstreamDcStatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeUpstreamQualityDcData {
    /// The DC number.
    pub dc: i16,
    /// Latency EMA (ms); `null` before the first measurement.
    pub latency_ema_ms: Option<f64>,
    /// Which IP family works (`both_work` when both do; never `both` here).
    pub ip_preference: IpPreference,
}

impl RuntimeUpstreamQualityDcData {
    /// A `RuntimeUpstreamQualityDcData` with the given `dc` and `ip_preference`; every other field
    /// starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(dc: i16, ip_preference: IpPreference) -> Self {
        Self {
            dc,
            latency_ema_ms: None,
            ip_preference,
        }
    }
}

/// One upstream (`runtime_min.rs:192-204`); the same fields as `UpstreamStatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeUpstreamQualityUpstreamData {
    /// The upstream's index in `[[upstreams]]`.
    pub upstream_id: u64,
    /// Its kind.
    pub route_kind: RouteKind,
    /// Its address (`host:port`).
    pub address: String,
    /// Its weight.
    pub weight: u16,
    /// Its scopes as configured (free-form text, empty when unset).
    pub scopes: String,
    /// Whether it passes its health checks.
    pub healthy: bool,
    /// Consecutive failed checks.
    pub fails: u32,
    /// Time since its last health check (seconds).
    pub last_check_age_secs: u64,
    /// Effective latency (ms); `null` before the first measurement.
    pub effective_latency_ms: Option<f64>,
    /// Per-DC state.
    pub dc: Vec<RuntimeUpstreamQualityDcData>,
}

impl RuntimeUpstreamQualityUpstreamData {
    /// A `RuntimeUpstreamQualityUpstreamData` with the given `upstream_id`, `route_kind` and
    /// `address`; every other field starts zero, `false`, empty or absent (set it on the returned
    /// value).
    pub fn new(upstream_id: u64, route_kind: RouteKind, address: impl Into<String>) -> Self {
        Self {
            upstream_id,
            route_kind,
            address: address.into(),
            weight: 0,
            scopes: String::new(),
            healthy: false,
            fails: 0,
            last_check_age_secs: 0,
            effective_latency_ms: None,
            dc: Vec::new(),
        }
    }
}

/// `data` of `GET /v1/runtime/upstream-quality` (`runtime_min.rs:206-218`).
///
/// **Not the gated shape**: `policy` and `counters` are always present; `summary` and
/// `upstreams` are omitted (and `enabled` is `false`, `reason` `"source_unavailable"`) when no
/// upstream snapshot is available.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeUpstreamQualityData {
    /// Whether an upstream snapshot was available.
    pub enabled: bool,
    /// Why `summary` / `upstreams` are missing; omitted when they are present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// When this answer was built (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// The connect policy.
    pub policy: RuntimeUpstreamQualityPolicyData,
    /// Connect counters.
    pub counters: RuntimeUpstreamQualityCountersData,
    /// Totals; omitted when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<RuntimeUpstreamQualitySummaryData>,
    /// Every upstream; omitted when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstreams: Option<Vec<RuntimeUpstreamQualityUpstreamData>>,
}

impl RuntimeUpstreamQualityData {
    /// When this answer was built: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

pub(super) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        RuntimeUpstreamQualityPolicyData,
        RuntimeUpstreamQualityCountersData,
        RuntimeUpstreamQualitySummaryData,
        RuntimeUpstreamQualityDcData,
        RuntimeUpstreamQualityUpstreamData,
        RuntimeUpstreamQualityData,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestResult, exact};

    #[test]
    fn live() -> TestResult {
        exact::<RuntimeUpstreamQualityData>(
            r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"policy":{"connect_retry_attempts":2,"connect_retry_backoff_ms":100,"connect_budget_ms":3000,"unhealthy_fail_threshold":5,"connect_failfast_hard_errors":false},"counters":{"connect_attempt_total":0,"connect_success_total":0,"connect_fail_total":0,"connect_failfast_hard_error_total":0},"summary":{"configured_total":1,"healthy_total":1,"unhealthy_total":0,"direct_total":0,"socks4_total":0,"socks5_total":1,"shadowsocks_total":0},"upstreams":[{"upstream_id":0,"route_kind":"socks5","address":"127.0.0.1:1","weight":1,"scopes":"","healthy":true,"fails":0,"last_check_age_secs":4,"effective_latency_ms":null,"dc":[{"dc":1,"latency_ema_ms":null,"ip_preference":"unavailable"},{"dc":2,"latency_ema_ms":null,"ip_preference":"unavailable"},{"dc":3,"latency_ema_ms":null,"ip_preference":"unavailable"},{"dc":4,"latency_ema_ms":null,"ip_preference":"unavailable"},{"dc":5,"latency_ema_ms":null,"ip_preference":"unavailable"}]}]}"#,
        )
    }

    #[test]
    fn measured_and_unavailable() -> TestResult {
        exact::<RuntimeUpstreamQualityData>(
            r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"policy":{"connect_retry_attempts":2,"connect_retry_backoff_ms":100,"connect_budget_ms":3000,"unhealthy_fail_threshold":5,"connect_failfast_hard_errors":true},"counters":{"connect_attempt_total":41,"connect_success_total":38,"connect_fail_total":3,"connect_failfast_hard_error_total":1},"summary":{"configured_total":1,"healthy_total":1,"unhealthy_total":0,"direct_total":1,"socks4_total":0,"socks5_total":0,"shadowsocks_total":0},"upstreams":[{"upstream_id":0,"route_kind":"direct","address":"","weight":1,"scopes":"","healthy":true,"fails":0,"last_check_age_secs":12,"effective_latency_ms":31.5,"dc":[{"dc":2,"latency_ema_ms":31.5,"ip_preference":"both_work"},{"dc":5,"latency_ema_ms":140.25,"ip_preference":"prefer_v6"}]}]}"#,
        )?;
        exact::<RuntimeUpstreamQualityData>(
            r#"{"enabled":false,"reason":"source_unavailable","generated_at_epoch_secs":1795334725,"policy":{"connect_retry_attempts":2,"connect_retry_backoff_ms":100,"connect_budget_ms":3000,"unhealthy_fail_threshold":5,"connect_failfast_hard_errors":false},"counters":{"connect_attempt_total":0,"connect_success_total":0,"connect_fail_total":0,"connect_failfast_hard_error_total":0}}"#,
        )
    }
}
