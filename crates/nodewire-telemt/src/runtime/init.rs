//! `GET /v1/runtime/initialization` (`runtime_init.rs:11-48`).

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::{from_unix_millis, from_unix_secs};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::gates::StartupStatus;

nodewire_common::open_enum! {
    /// How client traffic reaches Telegram (`RuntimeInitializationData.transport_mode`;
    /// upstream a `String` set by the startup code).
    #[rename_all = "snake_case"]
    pub enum TransportMode {
        /// Direct to the DCs (also when the middle proxy failed to start).
        Direct,
        /// Through the middle proxy.
        MiddleProxy,
    }
}

nodewire_common::open_enum! {
    /// Middle-proxy startup status (`StartupMeStatus`, `src/startup.rs`).
    #[rename_all = "snake_case"]
    pub enum MeInitStatus {
        /// Not started.
        Pending,
        /// Starting.
        Initializing,
        /// Ready.
        Ready,
        /// Failed (traffic may have fallen back to direct).
        Failed,
        /// Not used (`use_middle_proxy = false`).
        Skipped,
    }
}

nodewire_common::open_enum! {
    /// Startup component status (`StartupComponentStatus`, `src/startup.rs`).
    #[rename_all = "snake_case"]
    pub enum ComponentStatus {
        /// Not started.
        Pending,
        /// Running.
        Running,
        /// Done.
        Ready,
        /// Failed.
        Failed,
        /// Not needed with this config.
        Skipped,
    }
}

/// One startup component (`runtime_init.rs:11-22`).
///
/// The `id`s are `config_load`, `tracing_init`, `api_bootstrap`, `tls_front_bootstrap`,
/// `network_probe`, `me_secret_fetch`, `me_proxy_config_fetch_v4`, `me_proxy_config_fetch_v6`,
/// `me_pool_construct`, `me_pool_init_stage1`, `me_connectivity_ping`, `dc_connectivity_ping`,
/// `listeners_bind`, `config_watcher_start`, `metrics_start` and `runtime_ready`
/// (`src/startup.rs:5-20`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeInitializationComponentData {
    /// The component id (e.g. `"config_load"`).
    pub id: String,
    /// Its human-readable title (e.g. `"Config load"`).
    pub title: String,
    /// Its status.
    pub status: ComponentStatus,
    /// When it started (epoch milliseconds); `null` before it starts.
    pub started_at_epoch_ms: Option<u64>,
    /// When it finished (epoch milliseconds); `null` until it finishes.
    pub finished_at_epoch_ms: Option<u64>,
    /// How long it took (ms); `null` until it finishes.
    pub duration_ms: Option<u64>,
    /// Attempts made.
    pub attempts: u32,
    /// Free-form detail text; omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

impl RuntimeInitializationComponentData {
    /// A `RuntimeInitializationComponentData` with the given `id`, `title` and `status`; every
    /// other field starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(id: impl Into<String>, title: impl Into<String>, status: ComponentStatus) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            status,
            started_at_epoch_ms: None,
            finished_at_epoch_ms: None,
            duration_ms: None,
            attempts: 0,
            details: None,
        }
    }

    /// When it started: `started_at_epoch_ms` as a date-time; `None` before it starts.
    pub fn started_at_utc(&self) -> Option<DateTime<Utc>> {
        self.started_at_epoch_ms.and_then(from_unix_millis)
    }

    /// When it finished: `finished_at_epoch_ms` as a date-time; `None` until it finishes.
    pub fn finished_at_utc(&self) -> Option<DateTime<Utc>> {
        self.finished_at_epoch_ms.and_then(from_unix_millis)
    }
}

/// Middle-proxy startup state (`runtime_init.rs:24-33`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeInitializationMeData {
    /// Its status.
    pub status: MeInitStatus,
    /// The current stage (free-form, e.g. `"fallback_to_direct"`).
    pub current_stage: String,
    /// Progress (percent, 0–100).
    pub progress_pct: f64,
    /// The current init attempt.
    pub init_attempt: u32,
    /// `"unlimited"` or a number as text.
    pub retry_limit: String,
    /// The last error; omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

impl RuntimeInitializationMeData {
    /// A `RuntimeInitializationMeData` with the given `status`; every other field starts zero,
    /// `false`, empty or absent (set it on the returned value).
    pub fn new(status: MeInitStatus) -> Self {
        Self {
            status,
            current_stage: String::new(),
            progress_pct: 0.0,
            init_attempt: 0,
            retry_limit: String::new(),
            last_error: None,
        }
    }
}

/// `data` of `GET /v1/runtime/initialization` (`runtime_init.rs:35-48`).
///
/// The upstream doc also lists `pending|failed|skipped` for `status`; the source has only
/// `initializing|ready` (contract §12.1 item 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuntimeInitializationData {
    /// Overall startup status.
    pub status: StartupStatus,
    /// Whether startup finished degraded (e.g. the middle proxy failed and traffic went direct).
    pub degraded: bool,
    /// The current stage (free-form, e.g. `"ready"`).
    pub current_stage: String,
    /// Overall progress (percent, 0–100).
    pub progress_pct: f64,
    /// When startup began (epoch seconds).
    pub started_at_epoch_secs: u64,
    /// When startup finished (epoch seconds); omitted until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_at_epoch_secs: Option<u64>,
    /// Time spent so far or in total (ms).
    pub total_elapsed_ms: u64,
    /// How traffic reaches Telegram.
    pub transport_mode: TransportMode,
    /// Middle-proxy startup state.
    pub me: RuntimeInitializationMeData,
    /// Every startup component, in pipeline order.
    pub components: Vec<RuntimeInitializationComponentData>,
}

impl RuntimeInitializationData {
    /// A `RuntimeInitializationData` with the given `status`, `transport_mode` and `me`; every
    /// other field starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(
        status: StartupStatus,
        transport_mode: TransportMode,
        me: RuntimeInitializationMeData,
    ) -> Self {
        Self {
            status,
            degraded: false,
            current_stage: String::new(),
            progress_pct: 0.0,
            started_at_epoch_secs: 0,
            ready_at_epoch_secs: None,
            total_elapsed_ms: 0,
            transport_mode,
            me,
            components: Vec::new(),
        }
    }

    /// When startup began: `started_at_epoch_secs` as a date-time.
    pub fn started_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.started_at_epoch_secs)
    }

    /// When startup finished: `ready_at_epoch_secs` as a date-time; `None` until then.
    pub fn ready_at_utc(&self) -> Option<DateTime<Utc>> {
        self.ready_at_epoch_secs.and_then(from_unix_secs)
    }
}

pub(super) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        RuntimeInitializationComponentData,
        RuntimeInitializationMeData,
        RuntimeInitializationData,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestResult, exact};

    const LIVE: &str = r#"{"status":"ready","degraded":true,"current_stage":"ready","progress_pct":100.0,"started_at_epoch_secs":1795334721,"ready_at_epoch_secs":1795334721,"total_elapsed_ms":4108,"transport_mode":"direct","me":{"status":"failed","current_stage":"fallback_to_direct","progress_pct":100.0,"init_attempt":0,"retry_limit":"unlimited"},"components":[{"id":"config_load","title":"Config load","status":"ready","started_at_epoch_ms":1795334721318,"finished_at_epoch_ms":1795334721320,"duration_ms":2,"attempts":1,"details":"config is ready"},{"id":"tracing_init","title":"Tracing init","status":"ready","started_at_epoch_ms":1795334721320,"finished_at_epoch_ms":1795334721320,"duration_ms":0,"attempts":1,"details":"tracing initialized"},{"id":"api_bootstrap","title":"API bootstrap","status":"ready","started_at_epoch_ms":1795334721321,"finished_at_epoch_ms":1795334721321,"duration_ms":0,"attempts":1,"details":"api task spawned on 127.0.0.1:19091"},{"id":"tls_front_bootstrap","title":"TLS front bootstrap","status":"skipped","started_at_epoch_ms":1795334721321,"finished_at_epoch_ms":1795334721321,"duration_ms":0,"attempts":1,"details":"censorship.tls_emulation is false"},{"id":"network_probe","title":"Network probe","status":"ready","started_at_epoch_ms":1795334721321,"finished_at_epoch_ms":1795334721321,"duration_ms":0,"attempts":1,"details":"network capabilities determined"},{"id":"me_secret_fetch","title":"ME secret fetch","status":"skipped","started_at_epoch_ms":1795334721321,"finished_at_epoch_ms":1795334721321,"duration_ms":0,"attempts":1,"details":"middle proxy mode disabled"},{"id":"me_proxy_config_fetch_v4","title":"ME config v4 fetch","status":"skipped","started_at_epoch_ms":1795334721321,"finished_at_epoch_ms":1795334721321,"duration_ms":0,"attempts":1,"details":"middle proxy mode disabled"},{"id":"me_proxy_config_fetch_v6","title":"ME config v6 fetch","status":"skipped","started_at_epoch_ms":1795334721321,"finished_at_epoch_ms":1795334721321,"duration_ms":0,"attempts":1,"details":"middle proxy mode disabled"},{"id":"me_pool_construct","title":"ME pool construct","status":"skipped","started_at_epoch_ms":1795334721321,"finished_at_epoch_ms":1795334721321,"duration_ms":0,"attempts":1,"details":"middle proxy mode disabled"},{"id":"me_pool_init_stage1","title":"ME pool init stage1","status":"skipped","started_at_epoch_ms":1795334721321,"finished_at_epoch_ms":1795334721321,"duration_ms":0,"attempts":1,"details":"middle proxy mode disabled"},{"id":"me_connectivity_ping","title":"ME connectivity ping","status":"skipped","started_at_epoch_ms":1795334721323,"finished_at_epoch_ms":1795334721323,"duration_ms":0,"attempts":1,"details":"ME pool is not available"},{"id":"dc_connectivity_ping","title":"DC connectivity ping","status":"ready","started_at_epoch_ms":1795334721323,"finished_at_epoch_ms":1795334721323,"duration_ms":0,"attempts":1,"details":"startup DC connectivity check completed"},{"id":"listeners_bind","title":"Listener bind","status":"ready","started_at_epoch_ms":1795334721325,"finished_at_epoch_ms":1795334721325,"duration_ms":0,"attempts":1,"details":"listeners configured tcp=1 unix=false"},{"id":"config_watcher_start","title":"Config watcher start","status":"ready","started_at_epoch_ms":1795334721324,"finished_at_epoch_ms":1795334721324,"duration_ms":0,"attempts":1,"details":"config hot-reload watcher started"},{"id":"metrics_start","title":"Metrics start","status":"skipped","started_at_epoch_ms":1795334721325,"finished_at_epoch_ms":1795334721325,"duration_ms":0,"attempts":1,"details":"server.metrics_port is not configured"},{"id":"runtime_ready","title":"Runtime ready","status":"ready","started_at_epoch_ms":1795334721323,"finished_at_epoch_ms":1795334721325,"duration_ms":2,"attempts":1,"details":"startup pipeline is fully initialized"}]}"#;

    #[test]
    fn live_ready_degraded() -> TestResult {
        exact::<RuntimeInitializationData>(LIVE)?;
        let typed: RuntimeInitializationData = serde_json::from_str(LIVE)?;
        assert_eq!(typed.transport_mode, TransportMode::Direct);
        assert_eq!(typed.me.status, MeInitStatus::Failed);
        assert_eq!(typed.components.len(), 16);
        assert_eq!(
            typed.started_at_utc().map(|t| t.to_rfc3339()),
            Some("2026-11-22T08:05:21+00:00".to_owned())
        );
        assert_eq!(typed.ready_at_utc(), typed.started_at_utc());
        let last = typed.components.last().ok_or("no component")?;
        assert_eq!(
            last.started_at_utc().map(|t| t.to_rfc3339()),
            Some("2026-11-22T08:05:21.323+00:00".to_owned())
        );
        assert_eq!(
            last.finished_at_utc().map(|t| t.timestamp_millis()),
            Some(1_795_334_721_325)
        );
        exact::<RuntimeInitializationData>(&serde_json::to_string(&typed)?)?;
        Ok(())
    }

    #[test]
    fn initializing_with_pending_components() -> TestResult {
        exact::<RuntimeInitializationData>(
            r#"{"status":"initializing","degraded":false,"current_stage":"me_pool_init_stage1","progress_pct":41.5,"started_at_epoch_secs":1795334721,"total_elapsed_ms":2210,"transport_mode":"middle_proxy","me":{"status":"initializing","current_stage":"me_pool_init_stage1","progress_pct":55.0,"init_attempt":2,"retry_limit":"5","last_error":"connect to 149.154.175.50:8888 timed out"},"components":[{"id":"me_pool_init_stage1","title":"ME pool init stage1","status":"running","started_at_epoch_ms":1795334722100,"finished_at_epoch_ms":null,"duration_ms":null,"attempts":2},{"id":"runtime_ready","title":"Runtime ready","status":"pending","started_at_epoch_ms":null,"finished_at_epoch_ms":null,"duration_ms":null,"attempts":0}]}"#,
        )
    }
}
