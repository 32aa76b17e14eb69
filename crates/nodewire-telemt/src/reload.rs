//! Maestro reloads: `POST /v1/system/reload`, `GET /v1/system/reload/{id}`, and the
//! `?reload=` query of `PATCH /v1/config` (`src/maestro/reload.rs`; contract §9.3).

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_secs;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::envelope::Revision;

nodewire_common::open_enum! {
    /// How a reload swaps generations (`ReloadMode`, `rename_all = "snake_case"`).
    #[rename_all = "snake_case"]
    pub enum ReloadMode {
        /// Switch at once (the default).
        Instant,
        /// Let the old generation drain for `timeout_secs`.
        Drain,
    }
}

nodewire_common::open_enum! {
    /// What happens when a reload fails (`ReloadFailurePolicy`).
    #[rename_all = "snake_case"]
    pub enum ReloadFailurePolicy {
        /// Keep the new generation (the default).
        KeepNew,
        /// Roll back to the previous generation.
        Rollback,
    }
}

nodewire_common::open_enum! {
    /// The phase of a reload (`ReloadPhase`). The last three are terminal.
    #[rename_all = "snake_case"]
    pub enum ReloadPhase {
        /// Submitted.
        Accepted,
        /// Building the new generation.
        Preparing,
        /// Switching to it.
        Activating,
        /// The old generation is draining.
        Draining,
        /// Done.
        Succeeded,
        /// Failed and rolled back.
        RolledBack,
        /// Failed.
        Failed,
    }
}

impl ReloadPhase {
    /// `true` for `succeeded`, `rolled_back` and `failed`.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Succeeded | Self::RolledBack | Self::Failed)
    }
}

/// `POST /v1/system/reload` body (`ReloadRequest`, `reload.rs:34-43`).
///
/// The body is optional; every field has a default (`instant`, no timeout, `keep_new`).
/// Like the server (`deny_unknown_fields`), decoding refuses unknown fields, and it applies
/// the server's rules: `timeout_secs` is required with `drain`, only valid with `drain`, and
/// within `1..=3600`; only the known modes and policies are accepted.
///
/// ```
/// use nodewire_telemt::reload::{ReloadRequest, ReloadMode};
/// use nodewire_telemt::reload::ReloadFailurePolicy;
/// let r = ReloadRequest::drain(30).unwrap();
/// assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"mode":"drain","timeout_secs":30}"#);
/// let r = ReloadRequest::instant().failure_policy(ReloadFailurePolicy::Rollback);
/// assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"failure_policy":"rollback"}"#);
/// assert!(ReloadRequest::drain(0).is_err());
/// assert!(serde_json::from_str::<ReloadRequest>(r#"{"mode":"instant","timeout_secs":5}"#).is_err());
/// assert!(serde_json::from_str::<ReloadRequest>(r#"{"nope":1}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "RawReloadRequest")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReloadRequest {
    /// `instant` (default) or `drain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<ReloadMode>,
    /// Drain timeout in seconds, `1..=3600`; required with `drain`, refused otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 3600))]
    pub timeout_secs: Option<u64>,
    /// `keep_new` (default) or `rollback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_policy: Option<ReloadFailurePolicy>,
}

/// `POST /v1/system/reload` body: every field optional; unknown fields are refused;
/// `timeout_secs` is required with `drain`, only valid with `drain`, and within `1..=3600`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ReloadRequest")]
#[schemars(extend(
    "if" = { "properties": { "mode": { "const": "drain" } }, "required": ["mode"] },
    "then" = {
        "required": ["timeout_secs"],
        "properties": { "timeout_secs": { "type": "integer", "minimum": 1, "maximum": 3600 } }
    },
    "else" = { "properties": { "timeout_secs": { "type": "null" } } }
))]
struct RawReloadRequest {
    /// `instant` (default) or `drain`.
    #[serde(default)]
    mode: Option<ReloadMode>,
    /// Drain timeout in seconds, `1..=3600`; required with `drain`, refused otherwise.
    #[serde(default)]
    #[schemars(range(min = 1, max = 3600))]
    timeout_secs: Option<u64>,
    /// `keep_new` (default) or `rollback`.
    #[serde(default)]
    failure_policy: Option<ReloadFailurePolicy>,
}

impl TryFrom<RawReloadRequest> for ReloadRequest {
    type Error = String;
    fn try_from(raw: RawReloadRequest) -> Result<Self, String> {
        let request = Self {
            mode: raw.mode,
            timeout_secs: raw.timeout_secs,
            failure_policy: raw.failure_policy,
        };
        request.validate()?;
        Ok(request)
    }
}

impl ReloadRequest {
    /// An instant reload with the default failure policy.
    pub fn instant() -> Self {
        Self::default()
    }

    /// A drain reload with the given timeout.
    pub fn drain(timeout_secs: u64) -> Result<Self, String> {
        let request = Self {
            mode: Some(ReloadMode::Drain),
            timeout_secs: Some(timeout_secs),
            failure_policy: None,
        };
        request.validate()?;
        Ok(request)
    }

    /// Sets the failure policy.
    #[must_use]
    pub fn failure_policy(mut self, policy: ReloadFailurePolicy) -> Self {
        self.failure_policy = Some(policy);
        self
    }

    /// The effective mode.
    pub fn effective_mode(&self) -> ReloadMode {
        self.mode.clone().unwrap_or(ReloadMode::Instant)
    }

    /// The effective failure policy.
    pub fn effective_failure_policy(&self) -> ReloadFailurePolicy {
        self.failure_policy
            .clone()
            .unwrap_or(ReloadFailurePolicy::KeepNew)
    }

    /// Applies the server's rules (`reload.rs:47-55`); the error is the server's message.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(mode) = &self.mode
            && !mode.is_known()
        {
            return Err(format!(
                "mode: unknown variant `{mode}`, expected `instant` or `drain`"
            ));
        }
        if let Some(policy) = &self.failure_policy
            && !policy.is_known()
        {
            return Err(format!(
                "failure_policy: unknown variant `{policy}`, expected `keep_new` or `rollback`"
            ));
        }
        match (self.effective_mode(), self.timeout_secs) {
            (ReloadMode::Drain, None) => Err("timeout_secs is required when mode is drain".into()),
            (ReloadMode::Drain, Some(t)) if !(1..=3600).contains(&t) => {
                Err("timeout_secs must be within 1..=3600".into())
            }
            (ReloadMode::Drain, Some(_)) => Ok(()),
            (_, Some(_)) => Err("timeout_secs is only valid when mode is drain".into()),
            (_, None) => Ok(()),
        }
    }

    /// The `PATCH /v1/config` query form: `reload=<mode>[&timeout_secs=N][&failure_policy=P]`.
    pub fn to_query(&self) -> String {
        let mut query = format!("reload={}", self.effective_mode());
        if let Some(t) = self.timeout_secs {
            query.push_str(&format!("&timeout_secs={t}"));
        }
        if let Some(p) = &self.failure_policy {
            query.push_str(&format!("&failure_policy={p}"));
        }
        query
    }

    /// Parses the `PATCH /v1/config` query as the server does (`reload.rs:58-104`): pairs
    /// split on `&`, no percent-decoding, duplicates and unknown keys refused, `reload`
    /// required once any known key is present. `Ok(None)` when there is no query at all.
    pub fn from_query(query: &str) -> Result<Option<Self>, String> {
        let mut mode = None;
        let mut timeout = None;
        let mut policy = None;
        let mut any = false;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            any = true;
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "reload" => {
                    if mode.is_some() {
                        return Err(format!("duplicate query parameter: {key}"));
                    }
                    mode = Some(match value {
                        "instant" => ReloadMode::Instant,
                        "drain" => ReloadMode::Drain,
                        _ => return Err("reload must be instant or drain".into()),
                    });
                }
                "timeout_secs" => {
                    if timeout.is_some() {
                        return Err(format!("duplicate query parameter: {key}"));
                    }
                    timeout = Some(
                        value
                            .parse::<u64>()
                            .map_err(|_| "timeout_secs must be an integer".to_owned())?,
                    );
                }
                "failure_policy" => {
                    if policy.is_some() {
                        return Err(format!("duplicate query parameter: {key}"));
                    }
                    policy = Some(match value {
                        "keep_new" => ReloadFailurePolicy::KeepNew,
                        "rollback" => ReloadFailurePolicy::Rollback,
                        _ => return Err("failure_policy must be keep_new or rollback".into()),
                    });
                }
                other => return Err(format!("unknown query parameter: {other}")),
            }
        }
        if !any {
            return Ok(None);
        }
        if mode.is_none() {
            return Err("reload query parameter is required".into());
        }
        let request = Self {
            mode,
            timeout_secs: timeout,
            failure_policy: policy,
        };
        request.validate()?;
        Ok(Some(request))
    }
}

/// A submitted reload (`ReloadAccepted`, `reload.rs:155-164`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ReloadAccepted {
    /// The reload id (starts at 1).
    pub reload_id: u64,
    /// The generation the reload will activate.
    pub target_generation: u64,
    /// The config revision being loaded.
    pub config_revision: Revision,
    /// Always `accepted`.
    pub state: ReloadPhase,
    /// The mode.
    pub mode: ReloadMode,
    /// The failure policy.
    pub failure_policy: ReloadFailurePolicy,
}

impl ReloadAccepted {
    /// The answer to a submitted reload (`state` is `accepted`).
    pub fn new(
        reload_id: u64,
        target_generation: u64,
        config_revision: impl Into<Revision>,
        mode: ReloadMode,
        failure_policy: ReloadFailurePolicy,
    ) -> Self {
        Self {
            reload_id,
            target_generation,
            config_revision: config_revision.into(),
            state: ReloadPhase::Accepted,
            mode,
            failure_policy,
        }
    }
}

/// The status of a reload (`ReloadStatus`, `reload.rs:129-153`). The server keeps the last 32.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ReloadStatus {
    /// The reload id.
    pub reload_id: u64,
    /// The generation it activates.
    pub target_generation: u64,
    /// The config revision being loaded.
    pub config_revision: Revision,
    /// The phase.
    pub state: ReloadPhase,
    /// The mode.
    pub mode: ReloadMode,
    /// The failure policy.
    pub failure_policy: ReloadFailurePolicy,
    /// When it was submitted (Unix seconds).
    pub requested_at_epoch_secs: u64,
    /// When it started (Unix seconds); omitted until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at_epoch_secs: Option<u64>,
    /// When it finished (Unix seconds); omitted until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at_epoch_secs: Option<u64>,
    /// Changed fields that need a process restart (Rust field `deferred_fields`); omitted
    /// when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deferred_process_fields: Vec<String>,
    /// Warnings; omitted when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The failure, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ReloadStatus {
    /// The status of the reload `accepted` describes, submitted at `requested_at_epoch_secs`:
    /// in its phase, not started, without deferred fields, warnings or error (set those on
    /// the returned value as the reload moves on).
    ///
    /// ```
    /// use nodewire_telemt::reload::{ReloadAccepted, ReloadFailurePolicy, ReloadMode, ReloadPhase, ReloadStatus};
    /// let accepted = ReloadAccepted::new(1, 2, "3e", ReloadMode::Instant, ReloadFailurePolicy::KeepNew);
    /// let mut status = ReloadStatus::new(accepted, 1_795_334_730);
    /// status.state = ReloadPhase::Succeeded;
    /// status.finished_at_epoch_secs = Some(1_795_334_731);
    /// assert!(status.state.is_terminal());
    /// ```
    pub fn new(accepted: ReloadAccepted, requested_at_epoch_secs: u64) -> Self {
        Self {
            reload_id: accepted.reload_id,
            target_generation: accepted.target_generation,
            config_revision: accepted.config_revision,
            state: accepted.state,
            mode: accepted.mode,
            failure_policy: accepted.failure_policy,
            requested_at_epoch_secs,
            started_at_epoch_secs: None,
            finished_at_epoch_secs: None,
            deferred_process_fields: Vec::new(),
            warnings: Vec::new(),
            error: None,
        }
    }

    /// When it was submitted: `requested_at_epoch_secs` as a date-time.
    pub fn requested_at_utc(&self) -> Option<DateTime<Utc>> {
        from_unix_secs(self.requested_at_epoch_secs)
    }

    /// When it started: `started_at_epoch_secs` as a date-time; `None` until then.
    pub fn started_at_utc(&self) -> Option<DateTime<Utc>> {
        self.started_at_epoch_secs.and_then(from_unix_secs)
    }

    /// When it finished: `finished_at_epoch_secs` as a date-time; `None` until then.
    pub fn finished_at_utc(&self) -> Option<DateTime<Utc>> {
        self.finished_at_epoch_secs.and_then(from_unix_secs)
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        ReloadRequest,
        ReloadAccepted,
        ReloadStatus,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_rules() {
        assert_eq!(ReloadRequest::from_query(""), Ok(None));
        assert_eq!(
            ReloadRequest::from_query("foo=1"),
            Err("unknown query parameter: foo".to_owned())
        );
        assert_eq!(
            ReloadRequest::from_query("timeout_secs=5"),
            Err("reload query parameter is required".to_owned())
        );
        assert_eq!(
            ReloadRequest::from_query("reload=drain"),
            Err("timeout_secs is required when mode is drain".to_owned())
        );
        assert_eq!(
            ReloadRequest::from_query("reload=instant&reload=instant"),
            Err("duplicate query parameter: reload".to_owned())
        );
        let r = ReloadRequest::from_query("reload=drain&timeout_secs=5&failure_policy=rollback");
        assert_eq!(
            r.as_ref().ok().cloned().flatten().map(|r| r.to_query()),
            Some("reload=drain&timeout_secs=5&failure_policy=rollback".to_owned())
        );
    }

    #[test]
    fn body_rules() {
        let ok: Result<ReloadRequest, _> = serde_json::from_str("{}");
        assert_eq!(ok.ok(), Some(ReloadRequest::default()));
        for bad in [
            r#"{"mode":"drain"}"#,
            r#"{"mode":"drain","timeout_secs":3601}"#,
            r#"{"timeout_secs":5}"#,
            r#"{"mode":"later"}"#,
            r#"{"extra":true}"#,
        ] {
            assert!(serde_json::from_str::<ReloadRequest>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn status_round_trip() -> Result<(), serde_json::Error> {
        let text = r#"{"reload_id":2,"target_generation":3,"config_revision":"b0","state":"failed","mode":"drain","failure_policy":"rollback","requested_at_epoch_secs":1,"started_at_epoch_secs":2,"finished_at_epoch_secs":3,"deferred_process_fields":["server.listeners"],"warnings":["w"],"error":"boom"}"#;
        let status: ReloadStatus = serde_json::from_str(text)?;
        assert!(status.state.is_terminal());
        assert_eq!(
            serde_json::to_value(&status)?,
            serde_json::from_str::<serde_json::Value>(text)?
        );
        let accepted = r#"{"reload_id":1,"target_generation":2,"config_revision":"ab","state":"accepted","mode":"instant","failure_policy":"keep_new"}"#;
        let a: ReloadAccepted = serde_json::from_str(accepted)?;
        assert_eq!(serde_json::to_string(&a)?, accepted);
        Ok(())
    }
}
