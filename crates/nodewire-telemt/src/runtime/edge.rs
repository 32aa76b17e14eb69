//! Runtime-edge payloads (`runtime_edge.rs:18-131`, `events.rs:7-13`):
//! `GET /v1/runtime/connections/summary`, `/v1/runtime/events/recent?limit=N` and
//! `/v1/runtime/tls-fingerprints?limit=N`.
//!
//! All three are gated on `[server.api].runtime_edge_enabled` (default `false`, which answers
//! `{enabled: false, reason: "feature_disabled", generated_at_epoch_secs}`). `limit` is read
//! from the first `limit=<usize>` pair of the query; an unparsable value silently falls back to
//! the default (50 for events, `runtime_edge_top_n` for fingerprints), and it is clamped to
//! 1..=1000.

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_secs;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::stats::UnavailableReason;

/// One user in a connections top list (`runtime_edge.rs:18-23`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeEdgeConnectionUserData {
    /// The username.
    pub username: String,
    /// Current connections.
    pub current_connections: u64,
    /// Bytes from and to the client since start (cumulative).
    pub total_octets: u64,
}

impl RuntimeEdgeConnectionUserData {
    /// A `RuntimeEdgeConnectionUserData` with every field given.
    pub fn new(username: impl Into<String>, current_connections: u64, total_octets: u64) -> Self {
        Self {
            username: username.into(),
            current_connections,
            total_octets,
        }
    }
}

/// `totals` of the connections summary (`runtime_edge.rs:25-31`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeEdgeConnectionTotalsData {
    /// Current client connections.
    pub current_connections: u64,
    /// Current connections through the middle proxy.
    pub current_connections_me: u64,
    /// Current direct connections.
    pub current_connections_direct: u64,
    /// Users with at least one connection.
    pub active_users: u64,
}

/// `top` of the connections summary (`runtime_edge.rs:33-38`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeEdgeConnectionTopData {
    /// List length limit (`runtime_edge_top_n`, at least 1).
    pub limit: u64,
    /// Users by current connections, descending (ties by username).
    pub by_connections: Vec<RuntimeEdgeConnectionUserData>,
    /// Users by total bytes, descending (ties by username).
    pub by_throughput: Vec<RuntimeEdgeConnectionUserData>,
}

/// `cache` of the connections summary (`runtime_edge.rs:40-45`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeEdgeConnectionCacheData {
    /// Cache TTL (ms; `runtime_edge_cache_ttl_ms`, `0` = no cache).
    pub ttl_ms: u64,
    /// Whether this answer came from the cache.
    pub served_from_cache: bool,
    /// Whether an expired cache entry was served because a recompute was running.
    pub stale_cache_used: bool,
}

/// `telemetry` of the connections summary (`runtime_edge.rs:47-51`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeEdgeConnectionTelemetryData {
    /// `[general.telemetry].user_enabled`.
    pub user_enabled: bool,
    /// Always `true`: throughput figures are cumulative byte counts, not rates.
    pub throughput_is_cumulative: bool,
}

/// `data.data` of `GET /v1/runtime/connections/summary` (`runtime_edge.rs:53-59`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeEdgeConnectionsSummaryPayload {
    /// Cache state.
    pub cache: RuntimeEdgeConnectionCacheData,
    /// Totals.
    pub totals: RuntimeEdgeConnectionTotalsData,
    /// Top users.
    pub top: RuntimeEdgeConnectionTopData,
    /// Telemetry flags.
    pub telemetry: RuntimeEdgeConnectionTelemetryData,
}

/// `data` of `GET /v1/runtime/connections/summary` (`runtime_edge.rs:61-69`); gated on
/// `runtime_edge_enabled`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeEdgeConnectionsSummaryData {
    /// `[server.api].runtime_edge_enabled`.
    pub enabled: bool,
    /// Why `data` is missing; omitted when it is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// When the summary was computed (epoch seconds; older when served from the cache).
    pub generated_at_epoch_secs: u64,
    /// The summary; omitted when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<RuntimeEdgeConnectionsSummaryPayload>,
}

impl RuntimeEdgeConnectionsSummaryData {
    /// When the summary was computed: `generated_at_epoch_secs` as a date-time. Older when served from the cache.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

/// One control-plane event (`events.rs:7-13`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ApiEventRecord {
    /// Sequence number (from 1, per process).
    pub seq: u64,
    /// When it happened (epoch seconds).
    pub ts_epoch_secs: u64,
    /// The event type, e.g. `api.user.create.ok`, `api.config.patch.failed`,
    /// `config.reload.applied`, `admission.state` (an open, dotted set).
    pub event_type: String,
    /// Free-form context (at most 256 bytes), e.g. `generation=1 accepting_new_connections=true`.
    pub context: String,
}

impl ApiEventRecord {
    /// A `ApiEventRecord` with every field given.
    pub fn new(
        seq: u64,
        ts_epoch_secs: u64,
        event_type: impl Into<String>,
        context: impl Into<String>,
    ) -> Self {
        Self {
            seq,
            ts_epoch_secs,
            event_type: event_type.into(),
            context: context.into(),
        }
    }

    /// When it happened: `ts_epoch_secs` as a date-time.
    pub fn ts_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.ts_epoch_secs)
    }
}

/// `data.data` of `GET /v1/runtime/events/recent` (`runtime_edge.rs:78-83`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeEdgeEventsPayload {
    /// Ring buffer capacity (at least 16).
    pub capacity: u64,
    /// Events dropped from the full ring buffer.
    pub dropped_total: u64,
    /// The newest `limit` events, oldest first.
    pub events: Vec<ApiEventRecord>,
}

/// `data` of `GET /v1/runtime/events/recent` (`runtime_edge.rs:85-93`); gated on
/// `runtime_edge_enabled`. Events are recorded even while it is off.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeEdgeEventsData {
    /// `[server.api].runtime_edge_enabled`.
    pub enabled: bool,
    /// Why `data` is missing; omitted when it is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// When this answer was built (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// The events; omitted when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<RuntimeEdgeEventsPayload>,
}

impl RuntimeEdgeEventsData {
    /// When this answer was built: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

/// One TLS fingerprint aggregate (`runtime_edge.rs:95-108`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeEdgeTlsFingerprintRow {
    /// The grouping key (an IP, a CIDR or a username); omitted in `by_fingerprint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// JA3 hash.
    pub ja3: String,
    /// JA3 raw string.
    pub ja3_raw: String,
    /// JA4 fingerprint.
    pub ja4: String,
    /// JA4 raw string.
    pub ja4_raw: String,
    /// Client hellos seen.
    pub total: u64,
    /// Of which authenticated.
    pub auth_success: u64,
    /// Of which bad or probes.
    pub bad_or_probe: u64,
    /// First seen (epoch seconds).
    pub first_seen_epoch_secs: u64,
    /// Last seen (epoch seconds).
    pub last_seen_epoch_secs: u64,
}

impl RuntimeEdgeTlsFingerprintRow {
    /// First seen: `first_seen_epoch_secs` as a date-time.
    pub fn first_seen_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.first_seen_epoch_secs)
    }

    /// Last seen: `last_seen_epoch_secs` as a date-time.
    pub fn last_seen_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.last_seen_epoch_secs)
    }
}

/// `data.data` of `GET /v1/runtime/tls-fingerprints` (`runtime_edge.rs:110-121`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeEdgeTlsFingerprintsPayload {
    /// Rows per list (the effective `limit`).
    pub limit: u64,
    /// Retention window (seconds; `beobachten_minutes`, clamped to 1–1440 minutes).
    pub retention_secs: u64,
    /// Tracking capacity.
    pub capacity: u64,
    /// Entries dropped at capacity.
    pub dropped_total: u64,
    /// Client hellos that failed to parse.
    pub parse_error_total: u64,
    /// Per fingerprint (rows without `scope`).
    pub by_fingerprint: Vec<RuntimeEdgeTlsFingerprintRow>,
    /// Per client IP.
    pub by_ip: Vec<RuntimeEdgeTlsFingerprintRow>,
    /// Per client CIDR.
    pub by_cidr: Vec<RuntimeEdgeTlsFingerprintRow>,
    /// Per user.
    pub by_user: Vec<RuntimeEdgeTlsFingerprintRow>,
}

/// `data` of `GET /v1/runtime/tls-fingerprints` (`runtime_edge.rs:123-131`); gated on
/// `runtime_edge_enabled`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeEdgeTlsFingerprintsData {
    /// `[server.api].runtime_edge_enabled`.
    pub enabled: bool,
    /// Why `data` is missing; omitted when it is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// When this answer was built (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// The fingerprints; omitted when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<RuntimeEdgeTlsFingerprintsPayload>,
}

impl RuntimeEdgeTlsFingerprintsData {
    /// When this answer was built: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

pub(super) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        RuntimeEdgeConnectionUserData,
        RuntimeEdgeConnectionTotalsData,
        RuntimeEdgeConnectionTopData,
        RuntimeEdgeConnectionCacheData,
        RuntimeEdgeConnectionTelemetryData,
        RuntimeEdgeConnectionsSummaryPayload,
        RuntimeEdgeConnectionsSummaryData,
        ApiEventRecord,
        RuntimeEdgeEventsPayload,
        RuntimeEdgeEventsData,
        RuntimeEdgeTlsFingerprintRow,
        RuntimeEdgeTlsFingerprintsPayload,
        RuntimeEdgeTlsFingerprintsData,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestResult, exact};

    const DISABLED: &str =
        r#"{"enabled":false,"reason":"feature_disabled","generated_at_epoch_secs":1795334725}"#;

    #[test]
    fn connections_summary() -> TestResult {
        exact::<RuntimeEdgeConnectionsSummaryData>(
            r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{"cache":{"ttl_ms":1000,"served_from_cache":false,"stale_cache_used":false},"totals":{"current_connections":0,"current_connections_me":0,"current_connections_direct":0,"active_users":0},"top":{"limit":10,"by_connections":[],"by_throughput":[]},"telemetry":{"user_enabled":true,"throughput_is_cumulative":true}}}"#,
        )?;
        exact::<RuntimeEdgeConnectionsSummaryData>(
            r#"{"enabled":true,"generated_at_epoch_secs":1795334720,"data":{"cache":{"ttl_ms":1000,"served_from_cache":true,"stale_cache_used":false},"totals":{"current_connections":7,"current_connections_me":5,"current_connections_direct":2,"active_users":2},"top":{"limit":2,"by_connections":[{"username":"alice","current_connections":5,"total_octets":73400320},{"username":"bob","current_connections":2,"total_octets":1048576}],"by_throughput":[{"username":"alice","current_connections":5,"total_octets":73400320},{"username":"bob","current_connections":2,"total_octets":1048576}]},"telemetry":{"user_enabled":true,"throughput_is_cumulative":true}}}"#,
        )?;
        exact::<RuntimeEdgeConnectionsSummaryData>(
            r#"{"enabled":true,"reason":"source_unavailable","generated_at_epoch_secs":1795334725}"#,
        )?;
        let typed: RuntimeEdgeConnectionsSummaryData = serde_json::from_str(DISABLED)?;
        assert_eq!(typed.reason, Some(UnavailableReason::FeatureDisabled));
        exact::<RuntimeEdgeConnectionsSummaryData>(DISABLED)
    }

    #[test]
    fn events_recent() -> TestResult {
        exact::<RuntimeEdgeEventsData>(
            r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{"capacity":256,"dropped_total":0,"events":[{"seq":1,"ts_epoch_secs":1795334721,"event_type":"admission.state","context":"generation=1 accepting_new_connections=true"},{"seq":2,"ts_epoch_secs":1795334721,"event_type":"admission.state","context":"generation=1 accepting_new_connections=true"}]}}"#,
        )?;
        exact::<RuntimeEdgeEventsData>(
            r#"{"enabled":true,"generated_at_epoch_secs":1795334760,"data":{"capacity":256,"dropped_total":3,"events":[{"seq":14,"ts_epoch_secs":1795334740,"event_type":"api.user.create.failed","context":"user_exists"},{"seq":15,"ts_epoch_secs":1795334753,"event_type":"config.reload.applied","context":"runtime generation 2 activated"}]}}"#,
        )?;
        exact::<RuntimeEdgeEventsData>(DISABLED)
    }

    #[test]
    fn tls_fingerprints() -> TestResult {
        exact::<RuntimeEdgeTlsFingerprintsData>(
            r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{"limit":5,"retention_secs":600,"capacity":65536,"dropped_total":0,"parse_error_total":0,"by_fingerprint":[],"by_ip":[],"by_cidr":[],"by_user":[]}}"#,
        )?;
        let row = r#""ja3":"cd08e31494f9531f560d64c695473da9","ja3_raw":"771,4865-4866-4867,0-23-65281-10-11-35-16-5-13-18-51-45-43-27-21,29-23-24,0","ja4":"t13d1516h2_8daaf6152771_b0da82dd1658","ja4_raw":"t13d1516h2_002f,0035,009c_0005,000a,000b","total":12,"auth_success":10,"bad_or_probe":2,"first_seen_epoch_secs":1795334000,"last_seen_epoch_secs":1795334720"#;
        let json = format!(
            r#"{{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{{"limit":1,"retention_secs":600,"capacity":65536,"dropped_total":0,"parse_error_total":1,"by_fingerprint":[{{{row}}}],"by_ip":[{{"scope":"203.0.113.9",{row}}}],"by_cidr":[{{"scope":"203.0.113.0/24",{row}}}],"by_user":[{{"scope":"alice",{row}}}]}}}}"#
        );
        exact::<RuntimeEdgeTlsFingerprintsData>(&json)?;
        let typed: RuntimeEdgeTlsFingerprintsData = serde_json::from_str(&json)?;
        let scopes: Vec<Option<String>> = typed
            .data
            .iter()
            .flat_map(|d| d.by_fingerprint.iter().chain(&d.by_user))
            .map(|r| r.scope.clone())
            .collect();
        assert_eq!(scopes, vec![None, Some("alice".to_owned())]);
        exact::<RuntimeEdgeTlsFingerprintsData>(DISABLED)
    }
}
