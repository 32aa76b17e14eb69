//! `GET /v1/runtime/gates` (`runtime_zero.rs:33-50`).

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_secs;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

nodewire_common::open_enum! {
    /// How client traffic is routed to Telegram right now.
    #[rename_all = "snake_case"]
    pub enum RouteMode {
        /// Straight to the DCs (or through upstreams).
        Direct,
        /// Through the middle proxy.
        Middle,
    }
}

nodewire_common::open_enum! {
    /// Why traffic was rerouted from the middle proxy to direct.
    #[rename_all = "snake_case"]
    pub enum RerouteReason {
        /// The middle proxy never became ready at startup.
        StartupDirectFallback,
        /// `me2dc_fast` fallback: the middle proxy is not ready.
        FastNotReadyFallback,
        /// Fallback after the strict grace period.
        StrictGraceFallback,
    }
}

nodewire_common::open_enum! {
    /// Overall startup status (`src/startup.rs:22-35`).
    ///
    /// The upstream doc also lists `pending|failed|skipped`; the source has only these two
    /// (contract §12.1 item 6).
    #[rename_all = "snake_case"]
    pub enum StartupStatus {
        /// Startup is still running.
        Initializing,
        /// Startup finished.
        Ready,
    }
}

/// `data` of `GET /v1/runtime/gates` (`runtime_zero.rs:33-50`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeGatesData {
    /// Whether the admission gate accepts new client connections.
    pub accepting_new_connections: bool,
    /// Whether conditional cast is on (it follows `use_middle_proxy`).
    pub conditional_cast_enabled: bool,
    /// Whether the middle-proxy runtime is ready (`true` when it is not used).
    pub me_runtime_ready: bool,
    /// `[general].me2dc_fallback`.
    pub me2dc_fallback_enabled: bool,
    /// `use_middle_proxy && me2dc_fallback && me2dc_fast`.
    pub me2dc_fast_enabled: bool,
    /// `[general].use_middle_proxy`.
    pub use_middle_proxy: bool,
    /// The current route mode.
    pub route_mode: RouteMode,
    /// Whether traffic is rerouted from the middle proxy to direct.
    pub reroute_active: bool,
    /// Since when traffic is rerouted to direct (epoch seconds); omitted when not rerouted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reroute_to_direct_at_epoch_secs: Option<u64>,
    /// Why traffic is rerouted; omitted when not rerouted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reroute_reason: Option<RerouteReason>,
    /// Overall startup status.
    pub startup_status: StartupStatus,
    /// The current startup stage (free-form, e.g. `"ready"`).
    pub startup_stage: String,
    /// Startup progress (percent, 0–100).
    pub startup_progress_pct: f64,
}

impl RuntimeGatesData {
    /// A `RuntimeGatesData` with the given `route_mode` and `startup_status`; every other field
    /// starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(route_mode: RouteMode, startup_status: StartupStatus) -> Self {
        Self {
            accepting_new_connections: false,
            conditional_cast_enabled: false,
            me_runtime_ready: false,
            me2dc_fallback_enabled: false,
            me2dc_fast_enabled: false,
            use_middle_proxy: false,
            route_mode,
            reroute_active: false,
            reroute_to_direct_at_epoch_secs: None,
            reroute_reason: None,
            startup_status,
            startup_stage: String::new(),
            startup_progress_pct: 0.0,
        }
    }

    /// Since when traffic is rerouted to direct: `reroute_to_direct_at_epoch_secs` as a
    /// date-time; `None` when not rerouted.
    pub fn reroute_to_direct_at_utc(&self) -> Option<DateTime<Utc>> {
        self.reroute_to_direct_at_epoch_secs
            .and_then(from_unix_secs)
    }
}

pub(super) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.push(nodewire_common::registry::TypeEntry::of::<RuntimeGatesData>());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestResult, exact};

    #[test]
    fn live_direct() -> TestResult {
        let json = r#"{"accepting_new_connections":true,"conditional_cast_enabled":false,"me_runtime_ready":true,"me2dc_fallback_enabled":true,"me2dc_fast_enabled":false,"use_middle_proxy":false,"route_mode":"direct","reroute_active":false,"startup_status":"ready","startup_stage":"ready","startup_progress_pct":100.0}"#;
        exact::<RuntimeGatesData>(json)?;
        let typed: RuntimeGatesData = serde_json::from_str(json)?;
        assert_eq!(typed.route_mode, RouteMode::Direct);
        assert_eq!(typed.startup_status, StartupStatus::Ready);
        Ok(())
    }

    #[test]
    fn rerouted_to_direct() -> TestResult {
        let json = r#"{"accepting_new_connections":true,"conditional_cast_enabled":true,"me_runtime_ready":false,"me2dc_fallback_enabled":true,"me2dc_fast_enabled":true,"use_middle_proxy":true,"route_mode":"direct","reroute_active":true,"reroute_to_direct_at_epoch_secs":1795334730,"reroute_reason":"fast_not_ready_fallback","startup_status":"initializing","startup_stage":"me_pool_init_stage1","startup_progress_pct":62.5}"#;
        exact::<RuntimeGatesData>(json)?;
        let typed: RuntimeGatesData = serde_json::from_str(json)?;
        assert_eq!(
            typed.reroute_reason,
            Some(RerouteReason::FastNotReadyFallback)
        );
        Ok(())
    }

    #[test]
    fn middle() -> TestResult {
        exact::<RuntimeGatesData>(
            r#"{"accepting_new_connections":true,"conditional_cast_enabled":true,"me_runtime_ready":true,"me2dc_fallback_enabled":false,"me2dc_fast_enabled":false,"use_middle_proxy":true,"route_mode":"middle","reroute_active":false,"startup_status":"ready","startup_stage":"ready","startup_progress_pct":100.0}"#,
        )
    }
}
