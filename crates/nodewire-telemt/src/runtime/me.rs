//! Middle-proxy pool payloads (`runtime_min.rs:20-155, 220-265`):
//! `GET /v1/runtime/me-pool-state`, `/v1/runtime/me-quality` and `/v1/runtime/nat-stun`
//! (each also answers at its snake_case alias). All three are gated on the middle-proxy pool:
//! without it they answer `{enabled: false, reason: "source_unavailable", generated_at_epoch_secs}`.

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_secs;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::stats::UnavailableReason;

nodewire_common::open_enum! {
    /// An IP family.
    ///
    /// The upstream doc writes `V4`/`V6`; the source sends lowercase (contract §12.1 item 7).
    #[rename_all = "snake_case"]
    pub enum IpFamily {
        /// IPv4.
        V4,
        /// IPv6.
        V6,
    }
}

nodewire_common::open_enum! {
    /// The health state of one IP family of the middle-proxy pool.
    #[rename_all = "snake_case"]
    pub enum MeFamilyState {
        /// Working.
        Healthy,
        /// Working with failures.
        Degraded,
        /// Suppressed after repeated failures (see `suppressed_until_epoch_secs`).
        Suppressed,
        /// Coming back after suppression.
        Recovering,
    }
}

nodewire_common::open_enum! {
    /// What blocks draining an old pool generation.
    #[rename_all = "snake_case"]
    pub enum DrainGateBlockReason {
        /// Nothing: the gate is open.
        Open,
        /// The new generation does not cover enough DCs yet.
        CoverageQuorum,
        /// The new generation lacks redundancy.
        Redundancy,
        /// A family suppression is active.
        SuppressionActive,
    }
}

/// `generations` of the pool state (`runtime_min.rs:20-27`).
///
/// Newer upstream sources add `warm_generations`, `reinit_inflight` and
/// `reinit_max_concurrency_effective`; 3.4.25 does not send them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMePoolStateGenerationData {
    /// The active generation.
    pub active_generation: u64,
    /// The warm (next) generation.
    pub warm_generation: u64,
    /// The generation waiting for a hardswap (`0` = none).
    pub pending_hardswap_generation: u64,
    /// How long the hardswap has been pending (seconds); `null` when none is.
    pub pending_hardswap_age_secs: Option<u64>,
    /// Generations with draining writers, ascending.
    pub draining_generations: Vec<u64>,
}

/// `hardswap` of the pool state (`runtime_min.rs:29-33`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMePoolStateHardswapData {
    /// Whether hardswap is enabled.
    pub enabled: bool,
    /// Whether a hardswap is pending.
    pub pending: bool,
}

/// Writers per contour (`runtime_min.rs:35-40`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMePoolStateWriterContourData {
    /// Warm writers.
    pub warm: u64,
    /// Active writers.
    pub active: u64,
    /// Draining writers (every writer in neither contour above).
    pub draining: u64,
}

/// Writers per health (`runtime_min.rs:42-47`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMePoolStateWriterHealthData {
    /// Neither degraded nor draining.
    pub healthy: u64,
    /// Degraded and not draining.
    pub degraded: u64,
    /// Draining.
    pub draining: u64,
}

/// `writers` of the pool state (`runtime_min.rs:49-57`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMePoolStateWriterData {
    /// All writers.
    pub total: u64,
    /// Writers not draining.
    pub alive_non_draining: u64,
    /// Draining writers.
    pub draining: u64,
    /// Degraded writers that are not draining.
    pub degraded: u64,
    /// Per contour.
    pub contour: RuntimeMePoolStateWriterContourData,
    /// Per health.
    pub health: RuntimeMePoolStateWriterHealthData,
}

/// Refills in flight for one DC and family (`runtime_min.rs:59-64`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMePoolStateRefillDcData {
    /// The DC number.
    pub dc: i16,
    /// The IP family.
    pub family: IpFamily,
    /// Refills in flight.
    pub inflight: u64,
}

impl RuntimeMePoolStateRefillDcData {
    /// A `RuntimeMePoolStateRefillDcData` with every field given.
    pub fn new(dc: i16, family: IpFamily, inflight: u64) -> Self {
        Self {
            dc,
            family,
            inflight,
        }
    }
}

/// `refill` of the pool state (`runtime_min.rs:66-71`).
///
/// Newer upstream sources add `running_dc_total` and `pending_dc_total`; 3.4.25 does not send
/// them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMePoolStateRefillData {
    /// Endpoints with a refill in flight.
    pub inflight_endpoints_total: u64,
    /// DCs with a refill in flight.
    pub inflight_dc_total: u64,
    /// Per DC and family.
    pub by_dc: Vec<RuntimeMePoolStateRefillDcData>,
}

/// `data.data` of `GET /v1/runtime/me-pool-state` (`runtime_min.rs:73-79`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMePoolStatePayload {
    /// Pool generations.
    pub generations: RuntimeMePoolStateGenerationData,
    /// Hardswap state.
    pub hardswap: RuntimeMePoolStateHardswapData,
    /// Writer counts.
    pub writers: RuntimeMePoolStateWriterData,
    /// Refills in flight.
    pub refill: RuntimeMePoolStateRefillData,
}

/// `data` of `GET /v1/runtime/me-pool-state` (`runtime_min.rs:81-89`); gated on the pool.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMePoolStateData {
    /// Whether the pool is there to report on.
    pub enabled: bool,
    /// Why `data` is missing; omitted when it is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// When the snapshot was taken (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// The pool state; omitted when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<RuntimeMePoolStatePayload>,
}

impl RuntimeMePoolStateData {
    /// When the snapshot was taken: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

/// `counters` of the ME quality (`runtime_min.rs:91-99`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeQualityCountersData {
    /// Idle writers closed by the peer.
    pub idle_close_by_peer_total: u64,
    /// Writer readers that hit EOF.
    pub reader_eof_total: u64,
    /// KDF address drifts.
    pub kdf_drift_total: u64,
    /// KDF drifts in the port only.
    pub kdf_port_only_drift_total: u64,
    /// Writer reconnects attempted.
    pub reconnect_attempt_total: u64,
    /// Writer reconnects that succeeded.
    pub reconnect_success_total: u64,
}

/// `route_drops` of the ME quality (`runtime_min.rs:101-108`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeQualityRouteDropData {
    /// Frames dropped: no connection to route to.
    pub no_conn_total: u64,
    /// Frames dropped: the route channel was closed.
    pub channel_closed_total: u64,
    /// Frames dropped: the route queue was full.
    pub queue_full_total: u64,
    /// Frames dropped: the base-priority queue was full.
    pub queue_full_base_total: u64,
    /// Frames dropped: the high-priority queue was full.
    pub queue_full_high_total: u64,
}

/// The state of one IP family (`runtime_min.rs:110-119`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeQualityFamilyStateData {
    /// The family.
    pub family: IpFamily,
    /// Its state.
    pub state: MeFamilyState,
    /// Since when it is in this state (epoch seconds).
    pub state_since_epoch_secs: u64,
    /// Until when it is suppressed (epoch seconds); omitted when not suppressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed_until_epoch_secs: Option<u64>,
    /// Consecutive failures.
    pub fail_streak: u32,
    /// Consecutive successes while recovering.
    pub recover_success_streak: u32,
}

impl RuntimeMeQualityFamilyStateData {
    /// A `RuntimeMeQualityFamilyStateData` with the given `family` and `state`; every other field
    /// starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(family: IpFamily, state: MeFamilyState) -> Self {
        Self {
            family,
            state,
            state_since_epoch_secs: 0,
            suppressed_until_epoch_secs: None,
            fail_streak: 0,
            recover_success_streak: 0,
        }
    }

    /// Since when it is in this state: `state_since_epoch_secs` as a date-time.
    pub fn state_since_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.state_since_epoch_secs)
    }

    /// Until when it is suppressed: `suppressed_until_epoch_secs` as a date-time; `None` when
    /// not suppressed.
    pub fn suppressed_until_utc(&self) -> Option<DateTime<Utc>> {
        self.suppressed_until_epoch_secs.and_then(from_unix_secs)
    }
}

/// `drain_gate` of the ME quality (`runtime_min.rs:121-127`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeQualityDrainGateData {
    /// Whether the route quorum is met.
    pub route_quorum_ok: bool,
    /// Whether redundancy is met.
    pub redundancy_ok: bool,
    /// What blocks draining (`open` when nothing does).
    pub block_reason: DrainGateBlockReason,
    /// When the gate was last evaluated (epoch seconds).
    pub updated_at_epoch_secs: u64,
}

impl RuntimeMeQualityDrainGateData {
    /// A `RuntimeMeQualityDrainGateData` with the given `block_reason`; every other field starts
    /// zero, `false`, empty or absent (set it on the returned value).
    pub fn new(block_reason: DrainGateBlockReason) -> Self {
        Self {
            route_quorum_ok: false,
            redundancy_ok: false,
            block_reason,
            updated_at_epoch_secs: 0,
        }
    }

    /// When the gate was last evaluated: `updated_at_epoch_secs` as a date-time.
    pub fn updated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.updated_at_epoch_secs)
    }
}

/// RTT and coverage of one DC (`runtime_min.rs:129-136`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeQualityDcRttData {
    /// The DC number.
    pub dc: i16,
    /// RTT EMA (ms); `null` before the first measurement.
    pub rtt_ema_ms: Option<f64>,
    /// Live writers.
    pub alive_writers: u64,
    /// Writers the floor requires.
    pub required_writers: u64,
    /// `alive_writers` / `required_writers` (percent, 0–100).
    pub coverage_pct: f64,
}

impl RuntimeMeQualityDcRttData {
    /// A `RuntimeMeQualityDcRttData` with the given `dc`; every other field starts zero, `false`,
    /// empty or absent (set it on the returned value).
    pub fn new(dc: i16) -> Self {
        Self {
            dc,
            rtt_ema_ms: None,
            alive_writers: 0,
            required_writers: 0,
            coverage_pct: 0.0,
        }
    }
}

/// `data.data` of `GET /v1/runtime/me-quality` (`runtime_min.rs:138-145`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeQualityPayload {
    /// Connection counters.
    pub counters: RuntimeMeQualityCountersData,
    /// Route drop counters.
    pub route_drops: RuntimeMeQualityRouteDropData,
    /// Per IP family.
    pub family_states: Vec<RuntimeMeQualityFamilyStateData>,
    /// The drain gate.
    pub drain_gate: RuntimeMeQualityDrainGateData,
    /// Per DC.
    pub dc_rtt: Vec<RuntimeMeQualityDcRttData>,
}

impl RuntimeMeQualityPayload {
    /// A `RuntimeMeQualityPayload` with the given `drain_gate`; every other field starts zero,
    /// `false`, empty or absent (set it on the returned value).
    pub fn new(drain_gate: RuntimeMeQualityDrainGateData) -> Self {
        Self {
            counters: Default::default(),
            route_drops: Default::default(),
            family_states: Vec::new(),
            drain_gate,
            dc_rtt: Vec::new(),
        }
    }
}

/// `data` of `GET /v1/runtime/me-quality` (`runtime_min.rs:147-155`); gated on the pool.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeQualityData {
    /// Whether the pool is there to report on.
    pub enabled: bool,
    /// Why `data` is missing; omitted when it is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// When the snapshot was taken (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// The quality data; omitted when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<RuntimeMeQualityPayload>,
}

impl RuntimeMeQualityData {
    /// When the snapshot was taken: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

/// A STUN reflection (`runtime_min.rs:220-224`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeNatStunReflectionData {
    /// The reflected public address (text).
    pub addr: String,
    /// Age of the reflection (seconds).
    pub age_secs: u64,
}

impl RuntimeNatStunReflectionData {
    /// A `RuntimeNatStunReflectionData` with every field given.
    pub fn new(addr: impl Into<String>, age_secs: u64) -> Self {
        Self {
            addr: addr.into(),
            age_secs,
        }
    }
}

/// `flags` of the NAT/STUN state (`runtime_min.rs:226-231`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeNatStunFlagsData {
    /// Whether NAT probing is enabled in the config.
    pub nat_probe_enabled: bool,
    /// Whether NAT probing was disabled at run time.
    pub nat_probe_disabled_runtime: bool,
    /// NAT probe attempts.
    pub nat_probe_attempts: u8,
}

/// `servers` of the NAT/STUN state (`runtime_min.rs:233-238`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeNatStunServersData {
    /// STUN servers configured (`host:port`).
    pub configured: Vec<String>,
    /// STUN servers answering.
    pub live: Vec<String>,
    /// Number of live servers.
    pub live_total: u64,
}

/// `reflection` of the NAT/STUN state (`runtime_min.rs:240-246`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeNatStunReflectionBlockData {
    /// The IPv4 reflection; omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v4: Option<RuntimeNatStunReflectionData>,
    /// The IPv6 reflection; omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v6: Option<RuntimeNatStunReflectionData>,
}

/// `data.data` of `GET /v1/runtime/nat-stun` (`runtime_min.rs:248-255`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeNatStunPayload {
    /// Probe flags.
    pub flags: RuntimeNatStunFlagsData,
    /// STUN servers.
    pub servers: RuntimeNatStunServersData,
    /// Reflections per family.
    pub reflection: RuntimeNatStunReflectionBlockData,
    /// STUN backoff left (ms); omitted when not backing off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stun_backoff_remaining_ms: Option<u64>,
}

/// `data` of `GET /v1/runtime/nat-stun` (`runtime_min.rs:257-265`); gated on the pool.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeNatStunData {
    /// Whether the pool is there to report on.
    pub enabled: bool,
    /// Why `data` is missing; omitted when it is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// When this answer was built (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// The NAT/STUN state; omitted when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<RuntimeNatStunPayload>,
}

impl RuntimeNatStunData {
    /// When this answer was built: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

pub(super) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        RuntimeMePoolStateGenerationData,
        RuntimeMePoolStateHardswapData,
        RuntimeMePoolStateWriterContourData,
        RuntimeMePoolStateWriterHealthData,
        RuntimeMePoolStateWriterData,
        RuntimeMePoolStateRefillDcData,
        RuntimeMePoolStateRefillData,
        RuntimeMePoolStatePayload,
        RuntimeMePoolStateData,
        RuntimeMeQualityCountersData,
        RuntimeMeQualityRouteDropData,
        RuntimeMeQualityFamilyStateData,
        RuntimeMeQualityDrainGateData,
        RuntimeMeQualityDcRttData,
        RuntimeMeQualityPayload,
        RuntimeMeQualityData,
        RuntimeNatStunReflectionData,
        RuntimeNatStunFlagsData,
        RuntimeNatStunServersData,
        RuntimeNatStunReflectionBlockData,
        RuntimeNatStunPayload,
        RuntimeNatStunData,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestResult, exact};

    #[test]
    fn me_pool_state_live_source_unavailable() -> TestResult {
        let json = r#"{"enabled":false,"reason":"source_unavailable","generated_at_epoch_secs":1795334725}"#;
        exact::<RuntimeMePoolStateData>(json)?;
        let typed: RuntimeMePoolStateData = serde_json::from_str(json)?;
        assert_eq!(typed.reason, Some(UnavailableReason::SourceUnavailable));
        assert!(typed.data.is_none());
        Ok(())
    }

    #[test]
    fn me_pool_state_full() -> TestResult {
        exact::<RuntimeMePoolStateData>(
            r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{"generations":{"active_generation":3,"warm_generation":4,"pending_hardswap_generation":4,"pending_hardswap_age_secs":7,"draining_generations":[2]},"hardswap":{"enabled":true,"pending":true},"writers":{"total":12,"alive_non_draining":10,"draining":2,"degraded":1,"contour":{"warm":2,"active":8,"draining":2},"health":{"healthy":9,"degraded":1,"draining":2}},"refill":{"inflight_endpoints_total":1,"inflight_dc_total":1,"by_dc":[{"dc":4,"family":"v4","inflight":1},{"dc":4,"family":"v6","inflight":0}]}}}"#,
        )?;
        exact::<RuntimeMePoolStateData>(
            r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{"generations":{"active_generation":1,"warm_generation":0,"pending_hardswap_generation":0,"pending_hardswap_age_secs":null,"draining_generations":[]},"hardswap":{"enabled":false,"pending":false},"writers":{"total":0,"alive_non_draining":0,"draining":0,"degraded":0,"contour":{"warm":0,"active":0,"draining":0},"health":{"healthy":0,"degraded":0,"draining":0}},"refill":{"inflight_endpoints_total":0,"inflight_dc_total":0,"by_dc":[]}}}"#,
        )
    }

    #[test]
    fn me_quality() -> TestResult {
        exact::<RuntimeMeQualityData>(
            r#"{"enabled":false,"reason":"source_unavailable","generated_at_epoch_secs":1795334725}"#,
        )?;
        let json = r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{"counters":{"idle_close_by_peer_total":5,"reader_eof_total":2,"kdf_drift_total":0,"kdf_port_only_drift_total":0,"reconnect_attempt_total":3,"reconnect_success_total":3},"route_drops":{"no_conn_total":0,"channel_closed_total":1,"queue_full_total":4,"queue_full_base_total":3,"queue_full_high_total":1},"family_states":[{"family":"v4","state":"healthy","state_since_epoch_secs":1795334721,"fail_streak":0,"recover_success_streak":0},{"family":"v6","state":"suppressed","state_since_epoch_secs":1795334722,"suppressed_until_epoch_secs":1795335022,"fail_streak":3,"recover_success_streak":0}],"drain_gate":{"route_quorum_ok":true,"redundancy_ok":false,"block_reason":"redundancy","updated_at_epoch_secs":1795334724},"dc_rtt":[{"dc":2,"rtt_ema_ms":48.25,"alive_writers":2,"required_writers":2,"coverage_pct":100.0},{"dc":203,"rtt_ema_ms":null,"alive_writers":0,"required_writers":1,"coverage_pct":0.0}]}}"#;
        exact::<RuntimeMeQualityData>(json)?;
        let typed: RuntimeMeQualityData = serde_json::from_str(json)?;
        let states: Vec<&MeFamilyState> = typed
            .data
            .iter()
            .flat_map(|d| d.family_states.iter().map(|f| &f.state))
            .collect();
        assert_eq!(
            states,
            vec![&MeFamilyState::Healthy, &MeFamilyState::Suppressed]
        );
        Ok(())
    }

    #[test]
    fn nat_stun() -> TestResult {
        exact::<RuntimeNatStunData>(
            r#"{"enabled":false,"reason":"source_unavailable","generated_at_epoch_secs":1795334725}"#,
        )?;
        exact::<RuntimeNatStunData>(
            r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{"flags":{"nat_probe_enabled":true,"nat_probe_disabled_runtime":false,"nat_probe_attempts":1},"servers":{"configured":["stun.l.google.com:19302","stun1.l.google.com:19302"],"live":["stun.l.google.com:19302"],"live_total":1},"reflection":{"v4":{"addr":"203.0.113.5:40312","age_secs":12}}}}"#,
        )?;
        exact::<RuntimeNatStunData>(
            r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{"flags":{"nat_probe_enabled":true,"nat_probe_disabled_runtime":true,"nat_probe_attempts":3},"servers":{"configured":["stun.l.google.com:19302"],"live":[],"live_total":0},"reflection":{},"stun_backoff_remaining_ms":45000}}"#,
        )?;
        exact::<RuntimeNatStunData>(
            r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{"flags":{"nat_probe_enabled":true,"nat_probe_disabled_runtime":false,"nat_probe_attempts":1},"servers":{"configured":["stun.l.google.com:19302"],"live":["stun.l.google.com:19302"],"live_total":1},"reflection":{"v4":{"addr":"203.0.113.5:40312","age_secs":12},"v6":{"addr":"[2001:db8::5]:40312","age_secs":12}}}}"#,
        )
    }
}
