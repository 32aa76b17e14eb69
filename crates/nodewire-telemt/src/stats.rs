//! Stats payloads (`model.rs:86-463`): `GET /v1/stats/summary`, `/v1/stats/zero/all`,
//! `/v1/stats/upstreams`, `/v1/stats/minimal/all`, `/v1/stats/me-writers` and `/v1/stats/dcs`.
//!
//! Per-user stats (`/v1/stats/users*`) live in the users module.

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_secs;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::limits::{FloorMode, WriterPickMode};
use crate::security::TelemetryMeLevel;

nodewire_common::open_enum! {
    /// Why a payload is disabled or empty: the `reason` of every gated payload
    /// (`{enabled, reason?, generated_at_epoch_secs, data?}`) and of `UpstreamsData`,
    /// `MeWritersData`, `DcStatusData` and `MinimalAllData`.
    #[rename_all = "snake_case"]
    pub enum UnavailableReason {
        /// The feature is off in the config (`[server.api].minimal_runtime_enabled` or
        /// `runtime_edge_enabled` is `false`).
        FeatureDisabled,
        /// The feature is on but its source is missing (no middle-proxy pool, e.g.
        /// `use_middle_proxy = false`; or no upstream snapshot yet).
        SourceUnavailable,
    }
}

nodewire_common::open_enum! {
    /// The kind of an upstream route.
    #[rename_all = "snake_case"]
    pub enum RouteKind {
        /// A direct connection.
        Direct,
        /// Through a SOCKS4 proxy.
        Socks4,
        /// Through a SOCKS5 proxy.
        Socks5,
        /// Through a Shadowsocks server.
        Shadowsocks,
    }
}

nodewire_common::open_enum! {
    /// Which IP family works to reach a Telegram DC.
    ///
    /// The source is not consistent (contract §12.1 item 11): `UpstreamDcStatus.ip_preference`
    /// (and the upstream-quality rows) say `both_work` when both families work, while
    /// `MinimalDcPathData.ip_preference` says `both`. Both labels are listed here.
    #[rename_all = "snake_case"]
    pub enum IpPreference {
        /// Not probed yet.
        Unknown,
        /// IPv6 is preferred.
        PreferV6,
        /// IPv4 is preferred.
        PreferV4,
        /// Both families work (`UpstreamDcStatus`, upstream-quality rows).
        BothWork,
        /// Both families work (`MinimalDcPathData` only).
        Both,
        /// Neither family works.
        Unavailable,
    }
}

nodewire_common::open_enum! {
    /// The contour a middle-proxy writer is in.
    #[rename_all = "snake_case"]
    pub enum WriterState {
        /// Connected and warming up in the next generation.
        Warm,
        /// Serving clients.
        Active,
        /// Being drained.
        Draining,
    }
}

nodewire_common::open_enum! {
    /// `[general].me_bind_stale_mode`: whether clients stay bound to a stale writer.
    #[rename_all = "snake_case"]
    pub enum BindStaleMode {
        /// Never keep a stale binding.
        Never,
        /// Keep it for `me_bind_stale_ttl_secs`.
        Ttl,
        /// Always keep it.
        Always,
    }
}

nodewire_common::open_enum! {
    /// `[general].me_socks_kdf_policy`: key derivation when the middle proxy is reached
    /// through a SOCKS upstream.
    #[rename_all = "snake_case"]
    pub enum SocksKdfPolicy {
        /// Reject a KDF address mismatch.
        Strict,
        /// Fall back to a compatible derivation.
        Compat,
    }
}

/// A count per label (`model.rs:86-90`); lists of it are sorted by `class`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ClassCount {
    /// The class label (an open, free-form set, e.g. a bad-connection or handshake-failure
    /// class).
    pub class: String,
    /// How many.
    pub total: u64,
}

impl ClassCount {
    /// A `ClassCount` with every field given.
    pub fn new(class: impl Into<String>, total: u64) -> Self {
        Self {
            class: class.into(),
            total,
        }
    }
}

/// `data` of `GET /v1/stats/summary` (`model.rs:92-101`).
///
/// The upstream doc lists `handshake_failures_by_stage`; it was added and removed again before
/// 3.4.25, and the source does not send it (contract §12.1 item 1).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SummaryData {
    /// Uptime of the current runtime **generation** (seconds, fractional): it restarts at 0
    /// after every in-process reload, unlike `SystemInfoData.uptime_seconds`.
    pub uptime_seconds: f64,
    /// Client connections accepted.
    pub connections_total: u64,
    /// Client connections rejected as bad.
    pub connections_bad_total: u64,
    /// Bad connections per class.
    pub connections_bad_by_class: Vec<ClassCount>,
    /// Handshake failures per class.
    pub handshake_failures_by_class: Vec<ClassCount>,
    /// Client handshakes that timed out.
    pub handshake_timeouts_total: u64,
    /// Users in the running config.
    pub configured_users: u64,
}

/// A count per middle-proxy handshake error code (`model.rs:103-107`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ZeroCodeCount {
    /// The error code.
    pub code: i32,
    /// How many.
    pub total: u64,
}

impl ZeroCodeCount {
    /// A `ZeroCodeCount` with every field given.
    pub fn new(code: i32, total: u64) -> Self {
        Self { code, total }
    }
}

/// `data.core` of `GET /v1/stats/zero/all` (`model.rs:109-132`).
///
/// The upstream doc lists `handshake_failures_by_stage`; the source does not send it
/// (contract §12.1 item 1). The doc's `telemetry_me_level` values `off|normal|verbose` are
/// wrong: the source sends `silent|normal|debug` (§12.1 item 9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ZeroCoreData {
    /// Uptime of the current runtime generation (seconds, fractional).
    pub uptime_seconds: f64,
    /// Client connections accepted.
    pub connections_total: u64,
    /// Client connections rejected as bad.
    pub connections_bad_total: u64,
    /// Bad connections per class.
    pub connections_bad_by_class: Vec<ClassCount>,
    /// Handshake failures per class.
    pub handshake_failures_by_class: Vec<ClassCount>,
    /// Client handshakes that timed out.
    pub handshake_timeouts_total: u64,
    /// Accepts that timed out waiting for a connection permit.
    pub accept_permit_timeout_total: u64,
    /// Users in the running config.
    pub configured_users: u64,
    /// `[general.telemetry].core_enabled`.
    pub telemetry_core_enabled: bool,
    /// `[general.telemetry].user_enabled`.
    pub telemetry_user_enabled: bool,
    /// `[general.telemetry].me_level`.
    pub telemetry_me_level: TelemetryMeLevel,
    /// Whether conntrack control is enabled in the config.
    pub conntrack_control_enabled: bool,
    /// Whether conntrack control is available on this host.
    pub conntrack_control_available: bool,
    /// Whether conntrack pressure handling is active.
    pub conntrack_pressure_active: bool,
    /// Conntrack events waiting in the queue.
    pub conntrack_event_queue_depth: u64,
    /// Whether the conntrack rules were applied.
    pub conntrack_rule_apply_ok: bool,
    /// Conntrack entry deletes attempted.
    pub conntrack_delete_attempt_total: u64,
    /// Conntrack entry deletes that succeeded.
    pub conntrack_delete_success_total: u64,
    /// Conntrack entry deletes that found no entry.
    pub conntrack_delete_not_found_total: u64,
    /// Conntrack entry deletes that failed.
    pub conntrack_delete_error_total: u64,
    /// Conntrack close events dropped.
    pub conntrack_close_event_drop_total: u64,
}

impl ZeroCoreData {
    /// A `ZeroCoreData` with the given `telemetry_me_level`; every other field starts zero,
    /// `false`, empty or absent (set it on the returned value).
    pub fn new(telemetry_me_level: TelemetryMeLevel) -> Self {
        Self {
            uptime_seconds: 0.0,
            connections_total: 0,
            connections_bad_total: 0,
            connections_bad_by_class: Vec::new(),
            handshake_failures_by_class: Vec::new(),
            handshake_timeouts_total: 0,
            accept_permit_timeout_total: 0,
            configured_users: 0,
            telemetry_core_enabled: false,
            telemetry_user_enabled: false,
            telemetry_me_level,
            conntrack_control_enabled: false,
            conntrack_control_available: false,
            conntrack_pressure_active: false,
            conntrack_event_queue_depth: 0,
            conntrack_rule_apply_ok: false,
            conntrack_delete_attempt_total: 0,
            conntrack_delete_success_total: 0,
            conntrack_delete_not_found_total: 0,
            conntrack_delete_error_total: 0,
            conntrack_close_event_drop_total: 0,
        }
    }
}

/// Upstream connect counters and histograms (`model.rs:134-152`): `data.upstream` of
/// `GET /v1/stats/zero/all` and `data.zero` of `GET /v1/stats/upstreams`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ZeroUpstreamData {
    /// Upstream connects attempted.
    pub connect_attempt_total: u64,
    /// Upstream connects that succeeded.
    pub connect_success_total: u64,
    /// Upstream connects that failed.
    pub connect_fail_total: u64,
    /// Upstream connects that failed fast on a hard error.
    pub connect_failfast_hard_error_total: u64,
    /// Connects that needed 1 attempt.
    pub connect_attempts_bucket_1: u64,
    /// Connects that needed 2 attempts.
    pub connect_attempts_bucket_2: u64,
    /// Connects that needed 3 or 4 attempts.
    pub connect_attempts_bucket_3_4: u64,
    /// Connects that needed more than 4 attempts.
    pub connect_attempts_bucket_gt_4: u64,
    /// Successful connects that took ≤ 100 ms.
    pub connect_duration_success_bucket_le_100ms: u64,
    /// Successful connects that took 101–500 ms.
    pub connect_duration_success_bucket_101_500ms: u64,
    /// Successful connects that took 501–1000 ms.
    pub connect_duration_success_bucket_501_1000ms: u64,
    /// Successful connects that took more than 1000 ms.
    pub connect_duration_success_bucket_gt_1000ms: u64,
    /// Failed connects that took ≤ 100 ms.
    pub connect_duration_fail_bucket_le_100ms: u64,
    /// Failed connects that took 101–500 ms.
    pub connect_duration_fail_bucket_101_500ms: u64,
    /// Failed connects that took 501–1000 ms.
    pub connect_duration_fail_bucket_501_1000ms: u64,
    /// Failed connects that took more than 1000 ms.
    pub connect_duration_fail_bucket_gt_1000ms: u64,
}

/// One upstream's view of one Telegram DC (`model.rs:154-159`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UpstreamDcStatus {
    /// The DC number (negative for media DCs).
    pub dc: i16,
    /// Latency EMA (ms); `null` before the first measurement.
    pub latency_ema_ms: Option<f64>,
    /// Which IP family works (`both_work` when both do; never `both` here).
    pub ip_preference: IpPreference,
}

impl UpstreamDcStatus {
    /// A `UpstreamDcStatus` with the given `dc` and `ip_preference`; every other field starts zero,
    /// `false`, empty or absent (set it on the returned value).
    pub fn new(dc: i16, ip_preference: IpPreference) -> Self {
        Self {
            dc,
            latency_ema_ms: None,
            ip_preference,
        }
    }
}

/// One upstream (`model.rs:161-173`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UpstreamStatus {
    /// The upstream's index in `[[upstreams]]`.
    pub upstream_id: u64,
    /// Its kind.
    pub route_kind: RouteKind,
    /// Its address (`host:port`; empty text is possible for `direct`).
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
    pub dc: Vec<UpstreamDcStatus>,
}

impl UpstreamStatus {
    /// A `UpstreamStatus` with the given `upstream_id`, `route_kind` and `address`; every other
    /// field starts zero, `false`, empty or absent (set it on the returned value).
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

/// Upstream totals (`model.rs:175-184`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UpstreamSummaryData {
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

/// `data` of `GET /v1/stats/upstreams` (`model.rs:186-197`).
///
/// `zero` is always present; `summary` and `upstreams` are omitted when `reason` is set.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UpstreamsData {
    /// `[server.api].minimal_runtime_enabled`.
    pub enabled: bool,
    /// Why `summary` / `upstreams` are missing; omitted when they are present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// When this answer was built (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// Connect counters (always present).
    pub zero: ZeroUpstreamData,
    /// Totals; omitted when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<UpstreamSummaryData>,
    /// Every upstream; omitted when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstreams: Option<Vec<UpstreamStatus>>,
}

impl UpstreamsData {
    /// When this answer was built: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

/// `data.middle_proxy` of `GET /v1/stats/zero/all` (`model.rs:199-256`): middle-proxy counters.
///
/// Newer upstream sources add `handshake_error_code_overflow_total`; 3.4.25 does not send it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ZeroMiddleProxyData {
    /// Keepalives sent.
    pub keepalive_sent_total: u64,
    /// Keepalive sends that failed.
    pub keepalive_failed_total: u64,
    /// Keepalive pongs received.
    pub keepalive_pong_total: u64,
    /// Keepalives that timed out.
    pub keepalive_timeout_total: u64,
    /// `RPC_PROXY_REQ` signals sent.
    pub rpc_proxy_req_signal_sent_total: u64,
    /// `RPC_PROXY_REQ` signals that failed.
    pub rpc_proxy_req_signal_failed_total: u64,
    /// `RPC_PROXY_REQ` signals skipped for lack of connection metadata.
    pub rpc_proxy_req_signal_skipped_no_meta_total: u64,
    /// `RPC_PROXY_REQ` signal responses received.
    pub rpc_proxy_req_signal_response_total: u64,
    /// `RPC_PROXY_REQ` close signals sent.
    pub rpc_proxy_req_signal_close_sent_total: u64,
    /// Writer reconnects attempted.
    pub reconnect_attempt_total: u64,
    /// Writer reconnects that succeeded.
    pub reconnect_success_total: u64,
    /// Handshakes the middle proxy rejected.
    pub handshake_reject_total: u64,
    /// Handshake errors per error code.
    pub handshake_error_codes: Vec<ZeroCodeCount>,
    /// Writer readers that hit EOF.
    pub reader_eof_total: u64,
    /// Idle writers closed by the peer.
    pub idle_close_by_peer_total: u64,
    /// Frames dropped: no connection to route to.
    pub route_drop_no_conn_total: u64,
    /// Frames dropped: the route channel was closed.
    pub route_drop_channel_closed_total: u64,
    /// Frames dropped: the route queue was full.
    pub route_drop_queue_full_total: u64,
    /// Frames dropped: the base-priority queue was full.
    pub route_drop_queue_full_base_total: u64,
    /// Frames dropped: the high-priority queue was full.
    pub route_drop_queue_full_high_total: u64,
    /// DC→client write batches.
    pub d2c_batches_total: u64,
    /// Frames in DC→client batches.
    pub d2c_batch_frames_total: u64,
    /// Bytes in DC→client batches.
    pub d2c_batch_bytes_total: u64,
    /// DC→client flushes because the queue drained.
    pub d2c_flush_reason_queue_drain_total: u64,
    /// DC→client flushes because the batch frame limit was reached.
    pub d2c_flush_reason_batch_frames_total: u64,
    /// DC→client flushes because the batch byte limit was reached.
    pub d2c_flush_reason_batch_bytes_total: u64,
    /// DC→client flushes because the maximum delay passed.
    pub d2c_flush_reason_max_delay_total: u64,
    /// DC→client flushes for an immediate ack.
    pub d2c_flush_reason_ack_immediate_total: u64,
    /// DC→client flushes on close.
    pub d2c_flush_reason_close_total: u64,
    /// DC→client data frames.
    pub d2c_data_frames_total: u64,
    /// DC→client ack frames.
    pub d2c_ack_frames_total: u64,
    /// DC→client payload bytes.
    pub d2c_payload_bytes_total: u64,
    /// DC→client writes coalesced into one.
    pub d2c_write_mode_coalesced_total: u64,
    /// DC→client writes split in parts.
    pub d2c_write_mode_split_total: u64,
    /// DC→client frames rejected by a data quota before writing.
    pub d2c_quota_reject_pre_write_total: u64,
    /// DC→client frames rejected by a data quota after writing.
    pub d2c_quota_reject_post_write_total: u64,
    /// DC→client frame buffer shrinks.
    pub d2c_frame_buf_shrink_total: u64,
    /// Bytes released by DC→client frame buffer shrinks.
    pub d2c_frame_buf_shrink_bytes_total: u64,
    /// SOCKS KDF mismatches rejected under the `strict` policy.
    pub socks_kdf_strict_reject_total: u64,
    /// SOCKS KDF fallbacks under the `compat` policy.
    pub socks_kdf_compat_fallback_total: u64,
    /// Endpoints put in quarantine.
    pub endpoint_quarantine_total: u64,
    /// KDF address drifts seen.
    pub kdf_drift_total: u64,
    /// KDF drifts in the port only.
    pub kdf_port_only_drift_total: u64,
    /// Pending hardswap generations reused.
    pub hardswap_pending_reuse_total: u64,
    /// Pending hardswap generations that expired.
    pub hardswap_pending_ttl_expired_total: u64,
    /// Single-endpoint outage mode entered.
    pub single_endpoint_outage_enter_total: u64,
    /// Single-endpoint outage mode left.
    pub single_endpoint_outage_exit_total: u64,
    /// Reconnects attempted in single-endpoint outage mode.
    pub single_endpoint_outage_reconnect_attempt_total: u64,
    /// Reconnects that succeeded in single-endpoint outage mode.
    pub single_endpoint_outage_reconnect_success_total: u64,
    /// Quarantine bypasses for a single endpoint.
    pub single_endpoint_quarantine_bypass_total: u64,
    /// Single-endpoint shadow writer rotations.
    pub single_endpoint_shadow_rotate_total: u64,
    /// Shadow writer rotations skipped because of quarantine.
    pub single_endpoint_shadow_rotate_skipped_quarantine_total: u64,
    /// Floor mode switches.
    pub floor_mode_switch_total: u64,
    /// Floor mode switches from `static` to `adaptive`.
    pub floor_mode_switch_static_to_adaptive_total: u64,
    /// Floor mode switches from `adaptive` to `static`.
    pub floor_mode_switch_adaptive_to_static_total: u64,
}

/// `data.pool` of `GET /v1/stats/zero/all` (`model.rs:258-271`): middle-proxy pool counters.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ZeroPoolData {
    /// Pool generation swaps.
    pub pool_swap_total: u64,
    /// Pools currently draining (a gauge).
    pub pool_drain_active: u64,
    /// Writers force-closed after the drain timeout.
    pub pool_force_close_total: u64,
    /// Stale writers picked.
    pub pool_stale_pick_total: u64,
    /// Writers removed.
    pub writer_removed_total: u64,
    /// Writers removed unexpectedly.
    pub writer_removed_unexpected_total: u64,
    /// Refills triggered.
    pub refill_triggered_total: u64,
    /// Refills skipped because one was in flight.
    pub refill_skipped_inflight_total: u64,
    /// Refills that failed.
    pub refill_failed_total: u64,
    /// Writers restored on the same endpoint.
    pub writer_restored_same_endpoint_total: u64,
    /// Writers restored on a fallback endpoint.
    pub writer_restored_fallback_total: u64,
}

/// `data.desync` of `GET /v1/stats/zero/all` (`model.rs:273-283`): client stream desync counters.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ZeroDesyncData {
    /// Invalid secure-mode padding seen.
    pub secure_padding_invalid_total: u64,
    /// Desyncs detected.
    pub desync_total: u64,
    /// Desyncs logged in full.
    pub desync_full_logged_total: u64,
    /// Desync logs suppressed.
    pub desync_suppressed_total: u64,
    /// Desyncs after 0 frames.
    pub desync_frames_bucket_0: u64,
    /// Desyncs after 1–2 frames.
    pub desync_frames_bucket_1_2: u64,
    /// Desyncs after 3–10 frames.
    pub desync_frames_bucket_3_10: u64,
    /// Desyncs after more than 10 frames.
    pub desync_frames_bucket_gt_10: u64,
}

/// `data` of `GET /v1/stats/zero/all` (`model.rs:285-293`): every zero-cost counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ZeroAllData {
    /// When this answer was built (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// Core connection counters.
    pub core: ZeroCoreData,
    /// Upstream connect counters.
    pub upstream: ZeroUpstreamData,
    /// Middle-proxy counters.
    pub middle_proxy: ZeroMiddleProxyData,
    /// Middle-proxy pool counters.
    pub pool: ZeroPoolData,
    /// Desync counters.
    pub desync: ZeroDesyncData,
}

impl ZeroAllData {
    /// A `ZeroAllData` with the given `core`; every other field starts zero, `false`, empty or
    /// absent (set it on the returned value).
    pub fn new(core: ZeroCoreData) -> Self {
        Self {
            generated_at_epoch_secs: 0,
            core,
            upstream: Default::default(),
            middle_proxy: Default::default(),
            pool: Default::default(),
            desync: Default::default(),
        }
    }

    /// When this answer was built: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

/// Middle-proxy writer totals (`model.rs:295-306`); all zero when the pool is unavailable.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MeWritersSummary {
    /// DC groups configured.
    pub configured_dc_groups: u64,
    /// Endpoints configured.
    pub configured_endpoints: u64,
    /// Endpoints with at least one live writer.
    pub available_endpoints: u64,
    /// `available_endpoints` / `configured_endpoints` (percent, 0–100).
    pub available_pct: f64,
    /// Writers the floor requires.
    pub required_writers: u64,
    /// Live writers.
    pub alive_writers: u64,
    /// `alive_writers` / `required_writers` (percent, 0–100).
    pub coverage_pct: f64,
    /// Live writers of the active generation.
    pub fresh_alive_writers: u64,
    /// `fresh_alive_writers` / `required_writers` (percent, 0–100).
    pub fresh_coverage_pct: f64,
}

/// One middle-proxy writer (`model.rs:308-326`). Its optional fields are sent as `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MeWriterStatus {
    /// The writer id.
    pub writer_id: u64,
    /// The DC it serves; `null` when unknown.
    pub dc: Option<i16>,
    /// The middle-proxy endpoint (`host:port`).
    pub endpoint: String,
    /// The pool generation it belongs to.
    pub generation: u64,
    /// Its contour.
    pub state: WriterState,
    /// Whether it is draining.
    pub draining: bool,
    /// Whether it is degraded.
    pub degraded: bool,
    /// Clients bound to it.
    pub bound_clients: u64,
    /// Idle time (seconds); `null` when busy.
    pub idle_for_secs: Option<u64>,
    /// RTT EMA (ms); `null` before the first measurement.
    pub rtt_ema_ms: Option<f64>,
    /// Whether its generation is the active one.
    pub matches_active_generation: bool,
    /// Whether its endpoint is in the desired endpoint map.
    pub in_desired_map: bool,
    /// Whether draining may fall back to it.
    pub allow_drain_fallback: bool,
    /// When draining started (epoch seconds); `null` when not draining.
    pub drain_started_at_epoch_secs: Option<u64>,
    /// When it will be force-closed (epoch seconds); `null` when not draining.
    pub drain_deadline_epoch_secs: Option<u64>,
    /// Whether it has drained longer than the drain TTL.
    pub drain_over_ttl: bool,
}

impl MeWriterStatus {
    /// A `MeWriterStatus` with the given `writer_id`, `endpoint` and `state`; every other field
    /// starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(writer_id: u64, endpoint: impl Into<String>, state: WriterState) -> Self {
        Self {
            writer_id,
            dc: None,
            endpoint: endpoint.into(),
            generation: 0,
            state,
            draining: false,
            degraded: false,
            bound_clients: 0,
            idle_for_secs: None,
            rtt_ema_ms: None,
            matches_active_generation: false,
            in_desired_map: false,
            allow_drain_fallback: false,
            drain_started_at_epoch_secs: None,
            drain_deadline_epoch_secs: None,
            drain_over_ttl: false,
        }
    }

    /// When draining started: `drain_started_at_epoch_secs` as a date-time; `None` when not
    /// draining.
    pub fn drain_started_at_utc(&self) -> Option<DateTime<Utc>> {
        self.drain_started_at_epoch_secs.and_then(from_unix_secs)
    }

    /// When it will be force-closed: `drain_deadline_epoch_secs` as a date-time; `None` when
    /// not draining.
    pub fn drain_deadline_utc(&self) -> Option<DateTime<Utc>> {
        self.drain_deadline_epoch_secs.and_then(from_unix_secs)
    }
}

/// `data` of `GET /v1/stats/me-writers`, and `me_writers` of `MinimalAllPayload`
/// (`model.rs:328-336`).
///
/// Not the gated `{enabled, data?}` shape: when disabled, `summary` is all zeros and `writers`
/// is empty.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MeWritersData {
    /// Whether the middle-proxy pool is there to report on.
    pub middle_proxy_enabled: bool,
    /// Why the data is empty; omitted when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// When the snapshot was taken (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// Totals.
    pub summary: MeWritersSummary,
    /// Every writer.
    pub writers: Vec<MeWriterStatus>,
}

impl MeWritersData {
    /// When the snapshot was taken: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

/// Active writers on one endpoint of a DC (`model.rs:358-362`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DcEndpointWriters {
    /// The middle-proxy endpoint (`host:port`).
    pub endpoint: String,
    /// Active writers on it.
    pub active_writers: u64,
}

impl DcEndpointWriters {
    /// A `DcEndpointWriters` with every field given.
    pub fn new(endpoint: impl Into<String>, active_writers: u64) -> Self {
        Self {
            endpoint: endpoint.into(),
            active_writers,
        }
    }
}

/// One Telegram DC as seen by the middle-proxy pool (`model.rs:338-356`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DcStatus {
    /// The DC number (negative for media DCs).
    pub dc: i16,
    /// Its middle-proxy endpoints (`host:port`).
    pub endpoints: Vec<String>,
    /// Active writers per endpoint.
    pub endpoint_writers: Vec<DcEndpointWriters>,
    /// Endpoints with at least one live writer.
    pub available_endpoints: u64,
    /// Available endpoints (percent, 0–100).
    pub available_pct: f64,
    /// Writers the floor requires.
    pub required_writers: u64,
    /// Floor minimum.
    pub floor_min: u64,
    /// Floor target.
    pub floor_target: u64,
    /// Floor maximum.
    pub floor_max: u64,
    /// Whether the floor was capped by a global limit.
    pub floor_capped: bool,
    /// Live writers.
    pub alive_writers: u64,
    /// `alive_writers` / `required_writers` (percent, 0–100).
    pub coverage_pct: f64,
    /// Live writers of the active generation.
    pub fresh_alive_writers: u64,
    /// `fresh_alive_writers` / `required_writers` (percent, 0–100).
    pub fresh_coverage_pct: f64,
    /// RTT (ms); `null` before the first measurement.
    pub rtt_ms: Option<f64>,
    /// Clients bound to the DC's writers.
    pub load: u64,
}

impl DcStatus {
    /// A `DcStatus` with the given `dc`; every other field starts zero, `false`, empty or absent
    /// (set it on the returned value).
    pub fn new(dc: i16) -> Self {
        Self {
            dc,
            endpoints: Vec::new(),
            endpoint_writers: Vec::new(),
            available_endpoints: 0,
            available_pct: 0.0,
            required_writers: 0,
            floor_min: 0,
            floor_target: 0,
            floor_max: 0,
            floor_capped: false,
            alive_writers: 0,
            coverage_pct: 0.0,
            fresh_alive_writers: 0,
            fresh_coverage_pct: 0.0,
            rtt_ms: None,
            load: 0,
        }
    }
}

/// `data` of `GET /v1/stats/dcs`, and `dcs` of `MinimalAllPayload` (`model.rs:364-371`).
///
/// Not the gated shape: when disabled, `dcs` is empty and `reason` says why
/// (`feature_disabled` when `minimal_runtime_enabled = false`, `source_unavailable` without a
/// middle-proxy pool).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DcStatusData {
    /// Whether the middle-proxy pool is there to report on.
    pub middle_proxy_enabled: bool,
    /// Why `dcs` is empty; omitted when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// When the snapshot was taken (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// Every DC.
    pub dcs: Vec<DcStatus>,
}

impl DcStatusData {
    /// When the snapshot was taken: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

/// A quarantined middle-proxy endpoint (`model.rs:373-377`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MinimalQuarantineData {
    /// The endpoint (`host:port`).
    pub endpoint: String,
    /// Quarantine time left (ms).
    pub remaining_ms: u64,
}

impl MinimalQuarantineData {
    /// A `MinimalQuarantineData` with every field given.
    pub fn new(endpoint: impl Into<String>, remaining_ms: u64) -> Self {
        Self {
            endpoint: endpoint.into(),
            remaining_ms,
        }
    }
}

/// The network path chosen for one DC (`model.rs:379-385`).
///
/// `ip_preference` says `both` here, not `both_work` as in `UpstreamDcStatus` (contract §12.1
/// item 11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MinimalDcPathData {
    /// The DC number.
    pub dc: i16,
    /// Which IP family works; `null` when unknown.
    pub ip_preference: Option<IpPreference>,
    /// The selected IPv4 address; `null` when none.
    pub selected_addr_v4: Option<String>,
    /// The selected IPv6 address; `null` when none.
    pub selected_addr_v6: Option<String>,
}

impl MinimalDcPathData {
    /// A `MinimalDcPathData` with the given `dc`; every other field starts zero, `false`, empty or
    /// absent (set it on the returned value).
    pub fn new(dc: i16) -> Self {
        Self {
            dc,
            ip_preference: None,
            selected_addr_v4: None,
            selected_addr_v6: None,
        }
    }
}

/// Middle-proxy runtime state and settings (`model.rs:387-444`).
///
/// Newer upstream sources add `warm_generations`, `reinit_inflight` and
/// `reinit_max_concurrency_effective`; 3.4.25 does not send them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MinimalMeRuntimeData {
    /// The active pool generation.
    pub active_generation: u64,
    /// The warm (next) pool generation.
    pub warm_generation: u64,
    /// The generation waiting for a hardswap (`0` = none).
    pub pending_hardswap_generation: u64,
    /// How long the hardswap has been pending (seconds); `null` when none is.
    pub pending_hardswap_age_secs: Option<u64>,
    /// Whether hardswap is enabled.
    pub hardswap_enabled: bool,
    /// Writer floor mode.
    pub floor_mode: FloorMode,
    /// Idle time before the adaptive floor shrinks (seconds).
    pub adaptive_floor_idle_secs: u64,
    /// Adaptive floor minimum writers for a single-endpoint DC.
    pub adaptive_floor_min_writers_single_endpoint: u8,
    /// Adaptive floor minimum writers for a multi-endpoint DC.
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
    /// CPU cores detected.
    pub adaptive_floor_cpu_cores_detected: u32,
    /// CPU cores used for the floor.
    pub adaptive_floor_cpu_cores_effective: u32,
    /// Global writer cap before limits.
    pub adaptive_floor_global_cap_raw: u64,
    /// Global writer cap in effect.
    pub adaptive_floor_global_cap_effective: u64,
    /// Writers the floor targets in total.
    pub adaptive_floor_target_writers_total: u64,
    /// Active writer cap as configured.
    pub adaptive_floor_active_cap_configured: u64,
    /// Active writer cap in effect.
    pub adaptive_floor_active_cap_effective: u64,
    /// Warm writer cap as configured.
    pub adaptive_floor_warm_cap_configured: u64,
    /// Warm writer cap in effect.
    pub adaptive_floor_warm_cap_effective: u64,
    /// Active writers now.
    pub adaptive_floor_active_writers_current: u64,
    /// Warm writers now.
    pub adaptive_floor_warm_writers_current: u64,
    /// Whether middle-proxy keepalives are on.
    pub me_keepalive_enabled: bool,
    /// Keepalive interval (seconds).
    pub me_keepalive_interval_secs: u64,
    /// Keepalive jitter (seconds).
    pub me_keepalive_jitter_secs: u64,
    /// Whether keepalive payloads are random.
    pub me_keepalive_payload_random: bool,
    /// Interval of `RPC_PROXY_REQ` signals (seconds).
    pub rpc_proxy_req_every_secs: u64,
    /// Concurrent reconnects allowed per DC.
    pub me_reconnect_max_concurrent_per_dc: u32,
    /// Reconnect backoff base (ms).
    pub me_reconnect_backoff_base_ms: u64,
    /// Reconnect backoff cap (ms).
    pub me_reconnect_backoff_cap_ms: u64,
    /// Fast reconnect retries before backoff.
    pub me_reconnect_fast_retry_count: u32,
    /// Drain TTL of an old pool generation (seconds).
    pub me_pool_drain_ttl_secs: u64,
    /// Time after which draining writers are force-closed (seconds).
    pub me_pool_force_close_secs: u64,
    /// Minimum share of fresh writers before a swap (a ratio 0–1; upstream `f32`).
    pub me_pool_min_fresh_ratio: f64,
    /// Whether clients stay bound to stale writers.
    pub me_bind_stale_mode: BindStaleMode,
    /// How long a stale binding is kept under `ttl` (seconds).
    pub me_bind_stale_ttl_secs: u64,
    /// Shadow writers for a single-endpoint DC.
    pub me_single_endpoint_shadow_writers: u8,
    /// Whether single-endpoint outage mode is on.
    pub me_single_endpoint_outage_mode_enabled: bool,
    /// Whether outage mode skips quarantine.
    pub me_single_endpoint_outage_disable_quarantine: bool,
    /// Outage-mode reconnect backoff minimum (ms).
    pub me_single_endpoint_outage_backoff_min_ms: u64,
    /// Outage-mode reconnect backoff maximum (ms).
    pub me_single_endpoint_outage_backoff_max_ms: u64,
    /// Interval of single-endpoint shadow writer rotation (seconds).
    pub me_single_endpoint_shadow_rotate_every_secs: u64,
    /// Whether writers are sorted deterministically.
    pub me_deterministic_writer_sort: bool,
    /// Writer pick mode.
    pub me_writer_pick_mode: WriterPickMode,
    /// Sample size of the `p2c` writer pick.
    pub me_writer_pick_sample_size: u8,
    /// SOCKS KDF policy.
    pub me_socks_kdf_policy: SocksKdfPolicy,
    /// Endpoints in quarantine.
    pub quarantined_endpoints_total: u64,
    /// The quarantined endpoints.
    pub quarantined_endpoints: Vec<MinimalQuarantineData>,
}

impl MinimalMeRuntimeData {
    /// A `MinimalMeRuntimeData` with the given `floor_mode`, `me_bind_stale_mode`,
    /// `me_writer_pick_mode` and `me_socks_kdf_policy`; every other field starts zero, `false`,
    /// empty or absent (set it on the returned value).
    pub fn new(
        floor_mode: FloorMode,
        me_bind_stale_mode: BindStaleMode,
        me_writer_pick_mode: WriterPickMode,
        me_socks_kdf_policy: SocksKdfPolicy,
    ) -> Self {
        Self {
            active_generation: 0,
            warm_generation: 0,
            pending_hardswap_generation: 0,
            pending_hardswap_age_secs: None,
            hardswap_enabled: false,
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
            adaptive_floor_cpu_cores_detected: 0,
            adaptive_floor_cpu_cores_effective: 0,
            adaptive_floor_global_cap_raw: 0,
            adaptive_floor_global_cap_effective: 0,
            adaptive_floor_target_writers_total: 0,
            adaptive_floor_active_cap_configured: 0,
            adaptive_floor_active_cap_effective: 0,
            adaptive_floor_warm_cap_configured: 0,
            adaptive_floor_warm_cap_effective: 0,
            adaptive_floor_active_writers_current: 0,
            adaptive_floor_warm_writers_current: 0,
            me_keepalive_enabled: false,
            me_keepalive_interval_secs: 0,
            me_keepalive_jitter_secs: 0,
            me_keepalive_payload_random: false,
            rpc_proxy_req_every_secs: 0,
            me_reconnect_max_concurrent_per_dc: 0,
            me_reconnect_backoff_base_ms: 0,
            me_reconnect_backoff_cap_ms: 0,
            me_reconnect_fast_retry_count: 0,
            me_pool_drain_ttl_secs: 0,
            me_pool_force_close_secs: 0,
            me_pool_min_fresh_ratio: 0.0,
            me_bind_stale_mode,
            me_bind_stale_ttl_secs: 0,
            me_single_endpoint_shadow_writers: 0,
            me_single_endpoint_outage_mode_enabled: false,
            me_single_endpoint_outage_disable_quarantine: false,
            me_single_endpoint_outage_backoff_min_ms: 0,
            me_single_endpoint_outage_backoff_max_ms: 0,
            me_single_endpoint_shadow_rotate_every_secs: 0,
            me_deterministic_writer_sort: false,
            me_writer_pick_mode,
            me_writer_pick_sample_size: 0,
            me_socks_kdf_policy,
            quarantined_endpoints_total: 0,
            quarantined_endpoints: Vec::new(),
        }
    }
}

/// `data.data` of `GET /v1/stats/minimal/all` (`model.rs:446-453`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MinimalAllPayload {
    /// Middle-proxy writers (the `GET /v1/stats/me-writers` payload).
    pub me_writers: MeWritersData,
    /// DCs (the `GET /v1/stats/dcs` payload).
    pub dcs: DcStatusData,
    /// Middle-proxy runtime; omitted when the pool is unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub me_runtime: Option<MinimalMeRuntimeData>,
    /// Network path per DC (empty when the pool is unavailable).
    pub network_path: Vec<MinimalDcPathData>,
}

/// `data` of `GET /v1/stats/minimal/all` (`model.rs:455-463`); cached for
/// `[server.api].minimal_runtime_cache_ttl_ms`.
///
/// With `reason: "feature_disabled"`, `data` is omitted. With `reason: "source_unavailable"`,
/// `data` is **present** with disabled blocks (`me_runtime` omitted, `network_path` empty).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MinimalAllData {
    /// `[server.api].minimal_runtime_enabled`.
    pub enabled: bool,
    /// Why the data is missing or empty; omitted when it is complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// When the snapshot was taken (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// The payload; omitted when the feature is disabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<MinimalAllPayload>,
}

impl MinimalAllData {
    /// When the snapshot was taken: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        ClassCount,
        SummaryData,
        ZeroCodeCount,
        ZeroCoreData,
        ZeroUpstreamData,
        UpstreamDcStatus,
        UpstreamStatus,
        UpstreamSummaryData,
        UpstreamsData,
        ZeroMiddleProxyData,
        ZeroPoolData,
        ZeroDesyncData,
        ZeroAllData,
        MeWritersSummary,
        MeWriterStatus,
        MeWritersData,
        DcEndpointWriters,
        DcStatus,
        DcStatusData,
        MinimalQuarantineData,
        MinimalDcPathData,
        MinimalMeRuntimeData,
        MinimalAllPayload,
        MinimalAllData,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestResult, exact};

    const ZERO_UPSTREAM: &str = r#"{"connect_attempt_total":41,"connect_success_total":38,"connect_fail_total":3,"connect_failfast_hard_error_total":1,"connect_attempts_bucket_1":36,"connect_attempts_bucket_2":2,"connect_attempts_bucket_3_4":0,"connect_attempts_bucket_gt_4":0,"connect_duration_success_bucket_le_100ms":30,"connect_duration_success_bucket_101_500ms":7,"connect_duration_success_bucket_501_1000ms":1,"connect_duration_success_bucket_gt_1000ms":0,"connect_duration_fail_bucket_le_100ms":1,"connect_duration_fail_bucket_101_500ms":0,"connect_duration_fail_bucket_501_1000ms":0,"connect_duration_fail_bucket_gt_1000ms":2}"#;

    const WRITERS_SUMMARY: &str = r#"{"configured_dc_groups":5,"configured_endpoints":7,"available_endpoints":6,"available_pct":85.71428571428571,"required_writers":10,"alive_writers":9,"coverage_pct":90.0,"fresh_alive_writers":8,"fresh_coverage_pct":80.0}"#;

    const WRITER_ACTIVE: &str = r#"{"writer_id":17,"dc":2,"endpoint":"149.154.167.50:8888","generation":3,"state":"active","draining":false,"degraded":false,"bound_clients":12,"idle_for_secs":null,"rtt_ema_ms":48.25,"matches_active_generation":true,"in_desired_map":true,"allow_drain_fallback":false,"drain_started_at_epoch_secs":null,"drain_deadline_epoch_secs":null,"drain_over_ttl":false}"#;

    const WRITER_DRAINING: &str = r#"{"writer_id":9,"dc":null,"endpoint":"91.108.4.136:8888","generation":2,"state":"draining","draining":true,"degraded":true,"bound_clients":0,"idle_for_secs":41,"rtt_ema_ms":null,"matches_active_generation":false,"in_desired_map":false,"allow_drain_fallback":true,"drain_started_at_epoch_secs":1795334700,"drain_deadline_epoch_secs":1795334790,"drain_over_ttl":false}"#;

    const DC: &str = r#"{"dc":2,"endpoints":["149.154.167.50:8888","149.154.167.51:8888"],"endpoint_writers":[{"endpoint":"149.154.167.50:8888","active_writers":2},{"endpoint":"149.154.167.51:8888","active_writers":0}],"available_endpoints":1,"available_pct":50.0,"required_writers":2,"floor_min":1,"floor_target":2,"floor_max":4,"floor_capped":false,"alive_writers":2,"coverage_pct":100.0,"fresh_alive_writers":2,"fresh_coverage_pct":100.0,"rtt_ms":48.25,"load":12}"#;

    fn me_runtime() -> String {
        r#"{"active_generation":3,"warm_generation":0,"pending_hardswap_generation":0,"pending_hardswap_age_secs":null,"hardswap_enabled":true,"floor_mode":"adaptive","adaptive_floor_idle_secs":90,"adaptive_floor_min_writers_single_endpoint":1,"adaptive_floor_min_writers_multi_endpoint":1,"adaptive_floor_recover_grace_secs":180,"adaptive_floor_writers_per_core_total":48,"adaptive_floor_cpu_cores_override":0,"adaptive_floor_max_extra_writers_single_per_core":1,"adaptive_floor_max_extra_writers_multi_per_core":2,"adaptive_floor_max_active_writers_per_core":64,"adaptive_floor_max_warm_writers_per_core":64,"adaptive_floor_max_active_writers_global":256,"adaptive_floor_max_warm_writers_global":256,"adaptive_floor_cpu_cores_detected":4,"adaptive_floor_cpu_cores_effective":4,"adaptive_floor_global_cap_raw":192,"adaptive_floor_global_cap_effective":192,"adaptive_floor_target_writers_total":10,"adaptive_floor_active_cap_configured":256,"adaptive_floor_active_cap_effective":192,"adaptive_floor_warm_cap_configured":256,"adaptive_floor_warm_cap_effective":192,"adaptive_floor_active_writers_current":9,"adaptive_floor_warm_writers_current":0,"me_keepalive_enabled":true,"me_keepalive_interval_secs":25,"me_keepalive_jitter_secs":5,"me_keepalive_payload_random":true,"rpc_proxy_req_every_secs":0,"me_reconnect_max_concurrent_per_dc":8,"me_reconnect_backoff_base_ms":500,"me_reconnect_backoff_cap_ms":30000,"me_reconnect_fast_retry_count":16,"me_pool_drain_ttl_secs":90,"me_pool_force_close_secs":90,"me_pool_min_fresh_ratio":0.8,"me_bind_stale_mode":"ttl","me_bind_stale_ttl_secs":90,"me_single_endpoint_shadow_writers":2,"me_single_endpoint_outage_mode_enabled":true,"me_single_endpoint_outage_disable_quarantine":true,"me_single_endpoint_outage_backoff_min_ms":250,"me_single_endpoint_outage_backoff_max_ms":3000,"me_single_endpoint_shadow_rotate_every_secs":900,"me_deterministic_writer_sort":false,"me_writer_pick_mode":"p2c","me_writer_pick_sample_size":3,"me_socks_kdf_policy":"strict","quarantined_endpoints_total":1,"quarantined_endpoints":[{"endpoint":"91.108.56.100:8888","remaining_ms":4200}]}"#.to_owned()
    }

    #[test]
    fn summary_data_live() -> TestResult {
        exact::<SummaryData>(
            r#"{"uptime_seconds":4.206856743,"connections_total":0,"connections_bad_total":0,"connections_bad_by_class":[],"handshake_failures_by_class":[],"handshake_timeouts_total":0,"configured_users":2}"#,
        )?;
        exact::<SummaryData>(
            r#"{"uptime_seconds":6.11257139,"connections_total":0,"connections_bad_total":0,"connections_bad_by_class":[],"handshake_failures_by_class":[],"handshake_timeouts_total":0,"configured_users":4}"#,
        )
    }

    #[test]
    fn summary_data_with_classes() -> TestResult {
        exact::<SummaryData>(
            r#"{"uptime_seconds":3600.5,"connections_total":1520,"connections_bad_total":37,"connections_bad_by_class":[{"class":"bad_secret","total":30},{"class":"probe","total":7}],"handshake_failures_by_class":[{"class":"timeout","total":4}],"handshake_timeouts_total":4,"configured_users":3}"#,
        )
    }

    #[test]
    fn zero_all_data() -> TestResult {
        let json = format!(
            r#"{{"generated_at_epoch_secs":1795334725,"core":{{"uptime_seconds":3600.5,"connections_total":1520,"connections_bad_total":37,"connections_bad_by_class":[{{"class":"bad_secret","total":37}}],"handshake_failures_by_class":[],"handshake_timeouts_total":4,"accept_permit_timeout_total":0,"configured_users":3,"telemetry_core_enabled":true,"telemetry_user_enabled":true,"telemetry_me_level":"normal","conntrack_control_enabled":false,"conntrack_control_available":false,"conntrack_pressure_active":false,"conntrack_event_queue_depth":0,"conntrack_rule_apply_ok":false,"conntrack_delete_attempt_total":0,"conntrack_delete_success_total":0,"conntrack_delete_not_found_total":0,"conntrack_delete_error_total":0,"conntrack_close_event_drop_total":0}},"upstream":{ZERO_UPSTREAM},"middle_proxy":{{"keepalive_sent_total":120,"keepalive_failed_total":1,"keepalive_pong_total":118,"keepalive_timeout_total":1,"rpc_proxy_req_signal_sent_total":0,"rpc_proxy_req_signal_failed_total":0,"rpc_proxy_req_signal_skipped_no_meta_total":0,"rpc_proxy_req_signal_response_total":0,"rpc_proxy_req_signal_close_sent_total":0,"reconnect_attempt_total":3,"reconnect_success_total":3,"handshake_reject_total":1,"handshake_error_codes":[{{"code":-404,"total":1}}],"reader_eof_total":2,"idle_close_by_peer_total":5,"route_drop_no_conn_total":0,"route_drop_channel_closed_total":0,"route_drop_queue_full_total":0,"route_drop_queue_full_base_total":0,"route_drop_queue_full_high_total":0,"d2c_batches_total":9000,"d2c_batch_frames_total":12000,"d2c_batch_bytes_total":73400320,"d2c_flush_reason_queue_drain_total":8000,"d2c_flush_reason_batch_frames_total":500,"d2c_flush_reason_batch_bytes_total":400,"d2c_flush_reason_max_delay_total":90,"d2c_flush_reason_ack_immediate_total":10,"d2c_flush_reason_close_total":0,"d2c_data_frames_total":11800,"d2c_ack_frames_total":200,"d2c_payload_bytes_total":73000000,"d2c_write_mode_coalesced_total":8500,"d2c_write_mode_split_total":500,"d2c_quota_reject_pre_write_total":0,"d2c_quota_reject_post_write_total":0,"d2c_frame_buf_shrink_total":3,"d2c_frame_buf_shrink_bytes_total":196608,"socks_kdf_strict_reject_total":0,"socks_kdf_compat_fallback_total":0,"endpoint_quarantine_total":1,"kdf_drift_total":0,"kdf_port_only_drift_total":0,"hardswap_pending_reuse_total":0,"hardswap_pending_ttl_expired_total":0,"single_endpoint_outage_enter_total":0,"single_endpoint_outage_exit_total":0,"single_endpoint_outage_reconnect_attempt_total":0,"single_endpoint_outage_reconnect_success_total":0,"single_endpoint_quarantine_bypass_total":0,"single_endpoint_shadow_rotate_total":2,"single_endpoint_shadow_rotate_skipped_quarantine_total":0,"floor_mode_switch_total":1,"floor_mode_switch_static_to_adaptive_total":1,"floor_mode_switch_adaptive_to_static_total":0}},"pool":{{"pool_swap_total":2,"pool_drain_active":0,"pool_force_close_total":0,"pool_stale_pick_total":0,"writer_removed_total":4,"writer_removed_unexpected_total":1,"refill_triggered_total":3,"refill_skipped_inflight_total":0,"refill_failed_total":0,"writer_restored_same_endpoint_total":1,"writer_restored_fallback_total":0}},"desync":{{"secure_padding_invalid_total":0,"desync_total":2,"desync_full_logged_total":2,"desync_suppressed_total":0,"desync_frames_bucket_0":1,"desync_frames_bucket_1_2":1,"desync_frames_bucket_3_10":0,"desync_frames_bucket_gt_10":0}}}}"#
        );
        exact::<ZeroAllData>(&json)?;
        let typed: ZeroAllData = serde_json::from_str(&json)?;
        assert_eq!(typed.core.telemetry_me_level, TelemetryMeLevel::Normal);
        Ok(())
    }

    #[test]
    fn upstreams_data_live() -> TestResult {
        let json = r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"zero":{"connect_attempt_total":0,"connect_success_total":0,"connect_fail_total":0,"connect_failfast_hard_error_total":0,"connect_attempts_bucket_1":0,"connect_attempts_bucket_2":0,"connect_attempts_bucket_3_4":0,"connect_attempts_bucket_gt_4":0,"connect_duration_success_bucket_le_100ms":0,"connect_duration_success_bucket_101_500ms":0,"connect_duration_success_bucket_501_1000ms":0,"connect_duration_success_bucket_gt_1000ms":0,"connect_duration_fail_bucket_le_100ms":0,"connect_duration_fail_bucket_101_500ms":0,"connect_duration_fail_bucket_501_1000ms":0,"connect_duration_fail_bucket_gt_1000ms":0},"summary":{"configured_total":1,"healthy_total":1,"unhealthy_total":0,"direct_total":0,"socks4_total":0,"socks5_total":1,"shadowsocks_total":0},"upstreams":[{"upstream_id":0,"route_kind":"socks5","address":"127.0.0.1:1","weight":1,"scopes":"","healthy":true,"fails":0,"last_check_age_secs":4,"effective_latency_ms":null,"dc":[{"dc":1,"latency_ema_ms":null,"ip_preference":"unavailable"},{"dc":2,"latency_ema_ms":null,"ip_preference":"unavailable"},{"dc":3,"latency_ema_ms":null,"ip_preference":"unavailable"},{"dc":4,"latency_ema_ms":null,"ip_preference":"unavailable"},{"dc":5,"latency_ema_ms":null,"ip_preference":"unavailable"}]}]}"#;
        exact::<UpstreamsData>(json)?;
        let typed: UpstreamsData = serde_json::from_str(json)?;
        let kinds: Vec<&RouteKind> = typed
            .upstreams
            .iter()
            .flatten()
            .map(|u| &u.route_kind)
            .collect();
        assert_eq!(kinds, vec![&RouteKind::Socks5]);
        Ok(())
    }

    #[test]
    fn upstreams_data_healthy_and_disabled() -> TestResult {
        exact::<UpstreamsData>(&format!(
            r#"{{"enabled":true,"generated_at_epoch_secs":1795334725,"zero":{ZERO_UPSTREAM},"summary":{{"configured_total":2,"healthy_total":1,"unhealthy_total":1,"direct_total":1,"socks4_total":0,"socks5_total":0,"shadowsocks_total":1}},"upstreams":[{{"upstream_id":0,"route_kind":"direct","address":"","weight":10,"scopes":"","healthy":true,"fails":0,"last_check_age_secs":12,"effective_latency_ms":31.5,"dc":[{{"dc":2,"latency_ema_ms":31.5,"ip_preference":"both_work"}},{{"dc":4,"latency_ema_ms":95.0,"ip_preference":"prefer_v4"}}]}},{{"upstream_id":1,"route_kind":"shadowsocks","address":"203.0.113.7:8388","weight":1,"scopes":"media","healthy":false,"fails":5,"last_check_age_secs":30,"effective_latency_ms":null,"dc":[{{"dc":2,"latency_ema_ms":null,"ip_preference":"unknown"}}]}}]}}"#
        ))?;
        exact::<UpstreamsData>(&format!(
            r#"{{"enabled":false,"reason":"feature_disabled","generated_at_epoch_secs":1795334725,"zero":{ZERO_UPSTREAM}}}"#
        ))?;
        exact::<UpstreamsData>(&format!(
            r#"{{"enabled":true,"reason":"source_unavailable","generated_at_epoch_secs":1795334725,"zero":{ZERO_UPSTREAM}}}"#
        ))
    }

    #[test]
    fn me_writers_data() -> TestResult {
        exact::<MeWritersData>(&format!(
            r#"{{"middle_proxy_enabled":true,"generated_at_epoch_secs":1795334725,"summary":{WRITERS_SUMMARY},"writers":[{WRITER_ACTIVE},{WRITER_DRAINING}]}}"#
        ))?;
        exact::<MeWritersData>(
            r#"{"middle_proxy_enabled":false,"reason":"feature_disabled","generated_at_epoch_secs":1795334725,"summary":{"configured_dc_groups":0,"configured_endpoints":0,"available_endpoints":0,"available_pct":0.0,"required_writers":0,"alive_writers":0,"coverage_pct":0.0,"fresh_alive_writers":0,"fresh_coverage_pct":0.0},"writers":[]}"#,
        )
    }

    #[test]
    fn dc_status_data() -> TestResult {
        exact::<DcStatusData>(
            r#"{"middle_proxy_enabled":false,"reason":"source_unavailable","generated_at_epoch_secs":1795334725,"dcs":[]}"#,
        )?;
        exact::<DcStatusData>(&format!(
            r#"{{"middle_proxy_enabled":true,"generated_at_epoch_secs":1795334725,"dcs":[{DC},{{"dc":-2,"endpoints":["149.154.167.151:8888"],"endpoint_writers":[],"available_endpoints":0,"available_pct":0.0,"required_writers":1,"floor_min":1,"floor_target":1,"floor_max":2,"floor_capped":true,"alive_writers":0,"coverage_pct":0.0,"fresh_alive_writers":0,"fresh_coverage_pct":0.0,"rtt_ms":null,"load":0}}]}}"#
        ))
    }

    #[test]
    fn minimal_all_data_live_source_unavailable() -> TestResult {
        exact::<MinimalAllData>(
            r#"{"enabled":true,"reason":"source_unavailable","generated_at_epoch_secs":1795334725,"data":{"me_writers":{"middle_proxy_enabled":false,"reason":"source_unavailable","generated_at_epoch_secs":1795334725,"summary":{"configured_dc_groups":0,"configured_endpoints":0,"available_endpoints":0,"available_pct":0.0,"required_writers":0,"alive_writers":0,"coverage_pct":0.0,"fresh_alive_writers":0,"fresh_coverage_pct":0.0},"writers":[]},"dcs":{"middle_proxy_enabled":false,"reason":"source_unavailable","generated_at_epoch_secs":1795334725,"dcs":[]},"network_path":[]}}"#,
        )
    }

    #[test]
    fn minimal_all_data_full_and_disabled() -> TestResult {
        let json = format!(
            r#"{{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{{"me_writers":{{"middle_proxy_enabled":true,"generated_at_epoch_secs":1795334725,"summary":{WRITERS_SUMMARY},"writers":[{WRITER_ACTIVE}]}},"dcs":{{"middle_proxy_enabled":true,"generated_at_epoch_secs":1795334725,"dcs":[{DC}]}},"me_runtime":{},"network_path":[{{"dc":2,"ip_preference":"both","selected_addr_v4":"149.154.167.50","selected_addr_v6":"2001:67c:4e8:f002::a"}},{{"dc":4,"ip_preference":null,"selected_addr_v4":null,"selected_addr_v6":null}}]}}}}"#,
            me_runtime()
        );
        exact::<MinimalAllData>(&json)?;
        let typed: MinimalAllData = serde_json::from_str(&json)?;
        let path = typed.data.as_ref().map(|d| &d.network_path);
        assert_eq!(
            path.and_then(|p| p.first())
                .and_then(|p| p.ip_preference.clone()),
            Some(IpPreference::Both)
        );
        exact::<MinimalAllData>(
            r#"{"enabled":false,"reason":"feature_disabled","generated_at_epoch_secs":1795334725}"#,
        )
    }

    #[test]
    fn minimal_me_runtime_pending_hardswap() -> TestResult {
        let json = me_runtime()
            .replace(
                r#""pending_hardswap_generation":0,"pending_hardswap_age_secs":null"#,
                r#""pending_hardswap_generation":4,"pending_hardswap_age_secs":12"#,
            )
            .replace(
                r#""me_bind_stale_mode":"ttl""#,
                r#""me_bind_stale_mode":"never""#,
            )
            .replace(
                r#""me_socks_kdf_policy":"strict""#,
                r#""me_socks_kdf_policy":"compat""#,
            );
        exact::<MinimalMeRuntimeData>(&json)?;
        let typed: MinimalMeRuntimeData = serde_json::from_str(&json)?;
        assert_eq!(typed.me_bind_stale_mode, BindStaleMode::Never);
        assert_eq!(typed.me_socks_kdf_policy, SocksKdfPolicy::Compat);
        assert_eq!(typed.pending_hardswap_age_secs, Some(12));
        Ok(())
    }
}
