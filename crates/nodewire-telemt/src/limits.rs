//! `GET /v1/limits/effective` (`runtime_zero.rs:52-119`): the limits the running config
//! resolves to (read from the running generation's config snapshot).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

nodewire_common::open_enum! {
    /// Middle-proxy writer floor mode (`[general].me_floor_mode`).
    #[rename_all = "snake_case"]
    pub enum FloorMode {
        /// A fixed writer floor.
        Static,
        /// The floor adapts to load and CPU cores.
        Adaptive,
    }
}

nodewire_common::open_enum! {
    /// How a middle-proxy writer is picked for a new client (`[general].me_writer_pick_mode`).
    #[rename_all = "snake_case"]
    pub enum WriterPickMode {
        /// Round robin over a sorted writer list.
        SortedRr,
        /// Power of two choices over a random sample.
        P2c,
    }
}

nodewire_common::open_enum! {
    /// How per-user unique-IP limits count addresses (`[access].user_max_unique_ips_mode`).
    #[rename_all = "snake_case"]
    pub enum UserIpPolicyMode {
        /// Count addresses with a live connection.
        ActiveWindow,
        /// Count addresses seen within `window_secs`.
        TimeWindow,
        /// Both rules combined.
        Combined,
    }
}

/// `data.timeouts` of `GET /v1/limits/effective` (`runtime_zero.rs:52-61`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct EffectiveTimeoutLimits {
    /// Idle time allowed before a client's first byte (seconds).
    pub client_first_byte_idle_secs: u64,
    /// Client handshake timeout (seconds).
    pub client_handshake_secs: u64,
    /// Telegram DC connect timeout (seconds).
    pub tg_connect_secs: u64,
    /// Client keepalive interval (seconds).
    pub client_keepalive_secs: u64,
    /// Client ack timeout (seconds).
    pub client_ack_secs: u64,
    /// Middle-proxy single-endpoint retry count.
    pub me_one_retry: u8,
    /// Middle-proxy single-endpoint timeout (ms).
    pub me_one_timeout_ms: u64,
}

/// `data.upstream` of `GET /v1/limits/effective` (`runtime_zero.rs:63-70`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct EffectiveUpstreamLimits {
    /// Upstream connect retry attempts.
    pub connect_retry_attempts: u32,
    /// Backoff between upstream connect retries (ms).
    pub connect_retry_backoff_ms: u64,
    /// Total time budget of one upstream connect, retries included (ms).
    pub connect_budget_ms: u64,
    /// Consecutive failures after which an upstream is marked unhealthy.
    pub unhealthy_fail_threshold: u32,
    /// Whether hard connect errors skip the remaining retries.
    pub connect_failfast_hard_errors: bool,
}

/// `data.middle_proxy` of `GET /v1/limits/effective` (`runtime_zero.rs:72-95`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct EffectiveMiddleProxyLimits {
    /// Writer floor mode.
    pub floor_mode: FloorMode,
    /// Idle time before the adaptive floor shrinks (seconds).
    pub adaptive_floor_idle_secs: u64,
    /// Adaptive floor minimum writers for a DC with one endpoint.
    pub adaptive_floor_min_writers_single_endpoint: u8,
    /// Adaptive floor minimum writers for a DC with several endpoints.
    pub adaptive_floor_min_writers_multi_endpoint: u8,
    /// Grace period before the adaptive floor recovers (seconds).
    pub adaptive_floor_recover_grace_secs: u64,
    /// Total writers per CPU core.
    pub adaptive_floor_writers_per_core_total: u16,
    /// CPU core count override (`0` = detect).
    pub adaptive_floor_cpu_cores_override: u16,
    /// Extra writers per core for single-endpoint DCs.
    pub adaptive_floor_max_extra_writers_single_per_core: u16,
    /// Extra writers per core for multi-endpoint DCs.
    pub adaptive_floor_max_extra_writers_multi_per_core: u16,
    /// Maximum active writers per core.
    pub adaptive_floor_max_active_writers_per_core: u16,
    /// Maximum warm writers per core.
    pub adaptive_floor_max_warm_writers_per_core: u16,
    /// Maximum active writers in total.
    pub adaptive_floor_max_active_writers_global: u32,
    /// Maximum warm writers in total.
    pub adaptive_floor_max_warm_writers_global: u32,
    /// Concurrent reconnects allowed per DC.
    pub reconnect_max_concurrent_per_dc: u32,
    /// Reconnect backoff base (ms).
    pub reconnect_backoff_base_ms: u64,
    /// Reconnect backoff cap (ms).
    pub reconnect_backoff_cap_ms: u64,
    /// Fast reconnect retries before backoff.
    pub reconnect_fast_retry_count: u32,
    /// Writer pick mode.
    pub writer_pick_mode: WriterPickMode,
    /// Sample size of the `p2c` writer pick.
    pub writer_pick_sample_size: u8,
    /// `[general].me2dc_fallback`: fall back to direct DC routing when the middle proxy fails.
    pub me2dc_fallback: bool,
    /// `[general].me2dc_fast`: fall back at once instead of after the strict grace period.
    pub me2dc_fast: bool,
}

impl EffectiveMiddleProxyLimits {
    /// A `EffectiveMiddleProxyLimits` with the given `floor_mode` and `writer_pick_mode`; every
    /// other field starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(floor_mode: FloorMode, writer_pick_mode: WriterPickMode) -> Self {
        Self {
            floor_mode,
            adaptive_floor_idle_secs: 0,
            adaptive_floor_min_writers_single_endpoint: 0,
            adaptive_floor_min_writers_multi_endpoint: 0,
            adaptive_floor_recover_grace_secs: 0,
            adaptive_floor_writers_per_core_total: 0,
            adaptive_floor_cpu_cores_override: 0,
            adaptive_floor_max_extra_writers_single_per_core: 0,
            adaptive_floor_max_extra_writers_multi_per_core: 0,
            adaptive_floor_max_active_writers_per_core: 0,
            adaptive_floor_max_warm_writers_per_core: 0,
            adaptive_floor_max_active_writers_global: 0,
            adaptive_floor_max_warm_writers_global: 0,
            reconnect_max_concurrent_per_dc: 0,
            reconnect_backoff_base_ms: 0,
            reconnect_backoff_cap_ms: 0,
            reconnect_fast_retry_count: 0,
            writer_pick_mode,
            writer_pick_sample_size: 0,
            me2dc_fallback: false,
            me2dc_fast: false,
        }
    }
}

/// `data.user_ip_policy` of `GET /v1/limits/effective` (`runtime_zero.rs:97-102`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct EffectiveUserIpPolicyLimits {
    /// `[access].user_max_unique_ips_global_each`: unique-IP limit applied to every user
    /// without their own (`0` = none).
    pub global_each: u64,
    /// How unique IPs are counted.
    pub mode: UserIpPolicyMode,
    /// The counting window of `time_window` / `combined` (seconds).
    pub window_secs: u64,
}

impl EffectiveUserIpPolicyLimits {
    /// A `EffectiveUserIpPolicyLimits` with every field given.
    pub fn new(global_each: u64, mode: UserIpPolicyMode, window_secs: u64) -> Self {
        Self {
            global_each,
            mode,
            window_secs,
        }
    }
}

/// `data.user_tcp_policy` of `GET /v1/limits/effective` (`runtime_zero.rs:104-107`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct EffectiveUserTcpPolicyLimits {
    /// `[access].user_max_tcp_conns_global_each`: TCP connection limit applied to every user
    /// without their own (`0` = none).
    pub global_each: u64,
}

impl EffectiveUserTcpPolicyLimits {
    /// A `EffectiveUserTcpPolicyLimits` with every field given.
    pub fn new(global_each: u64) -> Self {
        Self { global_each }
    }
}

/// `data` of `GET /v1/limits/effective` (`runtime_zero.rs:109-119`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct EffectiveLimitsData {
    /// Effective interval of the proxy-config / secret refresh (seconds).
    pub update_every_secs: u64,
    /// Effective middle-proxy pool reinit interval (seconds).
    pub me_reinit_every_secs: u64,
    /// Effective time after which draining middle-proxy writers are force-closed (seconds).
    pub me_pool_force_close_secs: u64,
    /// Timeouts.
    pub timeouts: EffectiveTimeoutLimits,
    /// Upstream connect policy.
    pub upstream: EffectiveUpstreamLimits,
    /// Middle-proxy pool limits.
    pub middle_proxy: EffectiveMiddleProxyLimits,
    /// Per-user unique-IP policy defaults.
    pub user_ip_policy: EffectiveUserIpPolicyLimits,
    /// Per-user TCP connection policy defaults.
    pub user_tcp_policy: EffectiveUserTcpPolicyLimits,
}

impl EffectiveLimitsData {
    /// A `EffectiveLimitsData` with the given `middle_proxy` and `user_ip_policy`; every other
    /// field starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(
        middle_proxy: EffectiveMiddleProxyLimits,
        user_ip_policy: EffectiveUserIpPolicyLimits,
    ) -> Self {
        Self {
            update_every_secs: 0,
            me_reinit_every_secs: 0,
            me_pool_force_close_secs: 0,
            timeouts: Default::default(),
            upstream: Default::default(),
            middle_proxy,
            user_ip_policy,
            user_tcp_policy: Default::default(),
        }
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        EffectiveTimeoutLimits,
        EffectiveUpstreamLimits,
        EffectiveMiddleProxyLimits,
        EffectiveUserIpPolicyLimits,
        EffectiveUserTcpPolicyLimits,
        EffectiveLimitsData,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestResult, exact};
    use serde_json::Value;

    const LIVE: &str = r#"{"update_every_secs":300,"me_reinit_every_secs":900,"me_pool_force_close_secs":90,"timeouts":{"client_first_byte_idle_secs":300,"client_handshake_secs":60,"tg_connect_secs":10,"client_keepalive_secs":15,"client_ack_secs":90,"me_one_retry":12,"me_one_timeout_ms":1200},"upstream":{"connect_retry_attempts":2,"connect_retry_backoff_ms":100,"connect_budget_ms":3000,"unhealthy_fail_threshold":5,"connect_failfast_hard_errors":false},"middle_proxy":{"floor_mode":"adaptive","adaptive_floor_idle_secs":90,"adaptive_floor_min_writers_single_endpoint":1,"adaptive_floor_min_writers_multi_endpoint":1,"adaptive_floor_recover_grace_secs":180,"adaptive_floor_writers_per_core_total":48,"adaptive_floor_cpu_cores_override":0,"adaptive_floor_max_extra_writers_single_per_core":1,"adaptive_floor_max_extra_writers_multi_per_core":2,"adaptive_floor_max_active_writers_per_core":64,"adaptive_floor_max_warm_writers_per_core":64,"adaptive_floor_max_active_writers_global":256,"adaptive_floor_max_warm_writers_global":256,"reconnect_max_concurrent_per_dc":8,"reconnect_backoff_base_ms":500,"reconnect_backoff_cap_ms":30000,"reconnect_fast_retry_count":16,"writer_pick_mode":"p2c","writer_pick_sample_size":3,"me2dc_fallback":true,"me2dc_fast":true},"user_ip_policy":{"global_each":0,"mode":"active_window","window_secs":30},"user_tcp_policy":{"global_each":0}}"#;

    #[test]
    fn live_payload_round_trips_exactly() -> TestResult {
        exact::<EffectiveLimitsData>(LIVE)?;
        let typed: EffectiveLimitsData = serde_json::from_str(LIVE)?;
        assert_eq!(typed.middle_proxy.floor_mode, FloorMode::Adaptive);
        assert_eq!(typed.middle_proxy.writer_pick_mode, WriterPickMode::P2c);
        assert_eq!(typed.user_ip_policy.mode, UserIpPolicyMode::ActiveWindow);
        Ok(())
    }

    #[test]
    fn other_labels_and_unknown_labels() -> TestResult {
        let json = LIVE
            .replace(r#""floor_mode":"adaptive""#, r#""floor_mode":"static""#)
            .replace(
                r#""writer_pick_mode":"p2c""#,
                r#""writer_pick_mode":"sorted_rr""#,
            )
            .replace(r#""mode":"active_window""#, r#""mode":"per_subnet""#)
            .replace(r#""global_each":0}}"#, r#""global_each":64}}"#);
        let typed: EffectiveLimitsData = serde_json::from_str(&json)?;
        assert_eq!(
            serde_json::to_value(&typed)?,
            serde_json::from_str::<Value>(&json)?
        );
        assert_eq!(typed.middle_proxy.floor_mode, FloorMode::Static);
        assert!(!typed.user_ip_policy.mode.is_known());
        assert_eq!(typed.user_tcp_policy.global_each, 64);
        Ok(())
    }
}
