//! `GET /v1/runtime/me-selftest` (`runtime_selftest.rs:20-101`), gated on the middle-proxy
//! pool.
//!
//! The upstream doc gives `RuntimeMeSelftestPayload` a non-optional `bnd` and no `upstreams`.
//! The source sends `bnd: null` when no SOCKS upstream is enabled, and adds `upstreams` when
//! more than one upstream is configured (contract §12.1 item 8).

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_secs;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::stats::{RouteKind, UnavailableReason};

nodewire_common::open_enum! {
    /// The verdict of a self-test check.
    #[rename_all = "snake_case"]
    pub enum SelftestState {
        /// Within the threshold.
        Ok,
        /// Over the threshold.
        Error,
    }
}

nodewire_common::open_enum! {
    /// Where the last clock-skew sample came from.
    #[rename_all = "snake_case"]
    pub enum TimeskewSource {
        /// The `Date` header of the proxy-config download.
        ProxyConfigDateHeader,
        /// The `Date` header of the proxy-secret download.
        ProxySecretDateHeader,
    }
}

nodewire_common::open_enum! {
    /// The class of a local interface address.
    #[rename_all = "snake_case"]
    pub enum IpClass {
        /// A public address.
        Good,
        /// A private or reserved address.
        Bogon,
        /// A loopback address.
        Loopback,
    }
}

nodewire_common::open_enum! {
    /// Whether the process runs as PID 1.
    #[rename_all = "kebab-case"]
    pub enum PidState {
        /// PID 1 (e.g. a container's init).
        One,
        /// Any other PID.
        NonOne,
    }
}

nodewire_common::open_enum! {
    /// The state of the SOCKS `BND.ADDR` reported by an upstream.
    #[rename_all = "snake_case"]
    pub enum BndAddrState {
        /// A usable address.
        Ok,
        /// A private or reserved address.
        Bogon,
        /// Missing or unusable.
        Error,
    }
}

nodewire_common::open_enum! {
    /// The state of the SOCKS `BND.PORT` reported by an upstream.
    #[rename_all = "snake_case"]
    pub enum BndPortState {
        /// A usable port.
        Ok,
        /// Port 0.
        Zero,
        /// Missing or unusable.
        Error,
    }
}

/// `kdf` of the self-test (`runtime_selftest.rs:20-26`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeSelftestKdfData {
    /// `error` when `ewma_errors_per_min >= threshold_errors_per_min`.
    pub state: SelftestState,
    /// EWMA of KDF errors (errors per minute, rounded to 3 decimals; τ = 600 s).
    pub ewma_errors_per_min: f64,
    /// The error threshold (errors per minute; `0.3`).
    pub threshold_errors_per_min: f64,
    /// KDF drifts plus strict SOCKS KDF rejects.
    pub errors_total: u64,
}

impl RuntimeMeSelftestKdfData {
    /// A `RuntimeMeSelftestKdfData` with the given `state`; every other field starts zero, `false`,
    /// empty or absent (set it on the returned value).
    pub fn new(state: SelftestState) -> Self {
        Self {
            state,
            ewma_errors_per_min: 0.0,
            threshold_errors_per_min: 0.0,
            errors_total: 0,
        }
    }
}

/// `timeskew` of the self-test (`runtime_selftest.rs:28-39`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeSelftestTimeskewData {
    /// `error` when the 15-minute maximum skew exceeds 60 s.
    pub state: SelftestState,
    /// Maximum clock skew over the last 15 minutes (seconds); `null` without samples.
    pub max_skew_secs_15m: Option<u64>,
    /// Samples over the last 15 minutes.
    pub samples_15m: u64,
    /// The last skew sample (seconds); omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_skew_secs: Option<u64>,
    /// Where the last sample came from; omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_source: Option<TimeskewSource>,
    /// Age of the last sample (seconds); omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_age_secs: Option<u64>,
}

impl RuntimeMeSelftestTimeskewData {
    /// A `RuntimeMeSelftestTimeskewData` with the given `state`; every other field starts zero,
    /// `false`, empty or absent (set it on the returned value).
    pub fn new(state: SelftestState) -> Self {
        Self {
            state,
            max_skew_secs_15m: None,
            samples_15m: 0,
            last_skew_secs: None,
            last_source: None,
            last_seen_age_secs: None,
        }
    }
}

/// A local interface address (`runtime_selftest.rs:41-45`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeSelftestIpFamilyData {
    /// The address (text).
    pub addr: String,
    /// Its class.
    pub state: IpClass,
}

impl RuntimeMeSelftestIpFamilyData {
    /// A `RuntimeMeSelftestIpFamilyData` with every field given.
    pub fn new(addr: impl Into<String>, state: IpClass) -> Self {
        Self {
            addr: addr.into(),
            state,
        }
    }
}

/// `ip` of the self-test (`runtime_selftest.rs:47-53`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeSelftestIpData {
    /// The detected IPv4 interface address; omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v4: Option<RuntimeMeSelftestIpFamilyData>,
    /// The detected IPv6 interface address; omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v6: Option<RuntimeMeSelftestIpFamilyData>,
}

/// `pid` of the self-test (`runtime_selftest.rs:55-59`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeSelftestPidData {
    /// The process id.
    pub pid: u32,
    /// Whether it is 1.
    pub state: PidState,
}

impl RuntimeMeSelftestPidData {
    /// A `RuntimeMeSelftestPidData` with every field given.
    pub fn new(pid: u32, state: PidState) -> Self {
        Self { pid, state }
    }
}

/// SOCKS `BND.ADDR` / `BND.PORT` state (`runtime_selftest.rs:61-69`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeSelftestBndData {
    /// The address state.
    pub addr_state: BndAddrState,
    /// The port state.
    pub port_state: BndPortState,
    /// The last reported bound address (text); omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_addr: Option<String>,
    /// Age of the last report (seconds); omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_age_secs: Option<u64>,
}

impl RuntimeMeSelftestBndData {
    /// A `RuntimeMeSelftestBndData` with the given `addr_state` and `port_state`; every other field
    /// starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(addr_state: BndAddrState, port_state: BndPortState) -> Self {
        Self {
            addr_state,
            port_state,
            last_addr: None,
            last_seen_age_secs: None,
        }
    }
}

/// One upstream in the self-test (`runtime_selftest.rs:71-80`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeSelftestUpstreamData {
    /// The upstream's index in `[[upstreams]]`.
    pub upstream_id: u64,
    /// Its kind.
    pub route_kind: RouteKind,
    /// Its address (`host:port`).
    pub address: String,
    /// Its SOCKS bind state; omitted when none was reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bnd: Option<RuntimeMeSelftestBndData>,
    /// The last IP seen through it (text); omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}

impl RuntimeMeSelftestUpstreamData {
    /// A `RuntimeMeSelftestUpstreamData` with the given `upstream_id`, `route_kind` and `address`;
    /// every other field starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(upstream_id: u64, route_kind: RouteKind, address: impl Into<String>) -> Self {
        Self {
            upstream_id,
            route_kind,
            address: address.into(),
            bnd: None,
            ip: None,
        }
    }
}

/// `data.data` of `GET /v1/runtime/me-selftest` (`runtime_selftest.rs:82-91`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeSelftestPayload {
    /// KDF error rate.
    pub kdf: RuntimeMeSelftestKdfData,
    /// Clock skew.
    pub timeskew: RuntimeMeSelftestTimeskewData,
    /// Local interface addresses.
    pub ip: RuntimeMeSelftestIpData,
    /// The process id.
    pub pid: RuntimeMeSelftestPidData,
    /// SOCKS bind state; **sent as `null`** (not omitted) when no SOCKS upstream is enabled.
    pub bnd: Option<RuntimeMeSelftestBndData>,
    /// Per upstream; omitted unless more than one upstream is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstreams: Option<Vec<RuntimeMeSelftestUpstreamData>>,
}

impl RuntimeMeSelftestPayload {
    /// A `RuntimeMeSelftestPayload` with the given `kdf`, `timeskew` and `pid`; every other field
    /// starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(
        kdf: RuntimeMeSelftestKdfData,
        timeskew: RuntimeMeSelftestTimeskewData,
        pid: RuntimeMeSelftestPidData,
    ) -> Self {
        Self {
            kdf,
            timeskew,
            ip: Default::default(),
            pid,
            bnd: None,
            upstreams: None,
        }
    }
}

/// `data` of `GET /v1/runtime/me-selftest` (`runtime_selftest.rs:93-101`); gated on the pool.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeMeSelftestData {
    /// Whether the pool is there to test.
    pub enabled: bool,
    /// Why `data` is missing; omitted when it is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// When this answer was built (epoch seconds).
    pub generated_at_epoch_secs: u64,
    /// The self-test; omitted when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<RuntimeMeSelftestPayload>,
}

impl RuntimeMeSelftestData {
    /// When this answer was built: `generated_at_epoch_secs` as a date-time.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.generated_at_epoch_secs)
    }
}

pub(super) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        RuntimeMeSelftestKdfData,
        RuntimeMeSelftestTimeskewData,
        RuntimeMeSelftestIpFamilyData,
        RuntimeMeSelftestIpData,
        RuntimeMeSelftestPidData,
        RuntimeMeSelftestBndData,
        RuntimeMeSelftestUpstreamData,
        RuntimeMeSelftestPayload,
        RuntimeMeSelftestData,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestResult, exact};

    #[test]
    fn source_unavailable() -> TestResult {
        exact::<RuntimeMeSelftestData>(
            r#"{"enabled":false,"reason":"source_unavailable","generated_at_epoch_secs":1795334725}"#,
        )
    }

    #[test]
    fn minimal_without_socks() -> TestResult {
        let json = r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{"kdf":{"state":"ok","ewma_errors_per_min":0.0,"threshold_errors_per_min":0.3,"errors_total":0},"timeskew":{"state":"ok","max_skew_secs_15m":null,"samples_15m":0},"ip":{},"pid":{"pid":1,"state":"one"},"bnd":null}}"#;
        exact::<RuntimeMeSelftestData>(json)?;
        let typed: RuntimeMeSelftestData = serde_json::from_str(json)?;
        assert_eq!(typed.data.as_ref().map(|d| d.bnd.is_none()), Some(true));
        Ok(())
    }

    #[test]
    fn full_with_socks_upstreams() -> TestResult {
        let json = r#"{"enabled":true,"generated_at_epoch_secs":1795334725,"data":{"kdf":{"state":"error","ewma_errors_per_min":0.412,"threshold_errors_per_min":0.3,"errors_total":9},"timeskew":{"state":"ok","max_skew_secs_15m":2,"samples_15m":3,"last_skew_secs":1,"last_source":"proxy_secret_date_header","last_seen_age_secs":240},"ip":{"v4":{"addr":"10.0.0.5","state":"bogon"},"v6":{"addr":"2001:db8::5","state":"good"}},"pid":{"pid":48211,"state":"non-one"},"bnd":{"addr_state":"ok","port_state":"ok","last_addr":"198.51.100.20:41822","last_seen_age_secs":15},"upstreams":[{"upstream_id":0,"route_kind":"direct","address":""},{"upstream_id":1,"route_kind":"socks5","address":"198.51.100.20:1080","bnd":{"addr_state":"ok","port_state":"zero","last_addr":"198.51.100.20:0"},"ip":"198.51.100.20"}]}}"#;
        exact::<RuntimeMeSelftestData>(json)?;
        let typed: RuntimeMeSelftestData = serde_json::from_str(json)?;
        let pid = typed.data.as_ref().map(|d| d.pid.state.clone());
        assert_eq!(pid, Some(PidState::NonOne));
        Ok(())
    }
}
