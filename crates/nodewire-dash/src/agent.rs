//! The agent's rules, as functions an agent can run (contract §3, §4, §5, §8; Ithiltir-node
//! `internal/push/*.go`, `internal/selfupdate/update.go`).
//!
//! Timing: first static and metrics after [`PUSH_DELAY`], then one report per interval
//! (default [`DEFAULT_INTERVAL`]), each request with a [`REQUEST_TIMEOUT`]. Static is
//! re-sent every [`STATIC_RETRY_DELAY`] while partial or failed, when its
//! [`static_fingerprint`] changes (checked every [`static_change_check_interval`]), and after a
//! connection-refused streak recovers ([`Delivery`]). A round succeeds when any target answers
//! `200`; manifests from the round go through [`UpdatePlan`](crate::update::UpdatePlan).

use std::path::{Component, Path};
use std::time::Duration;

use http::{HeaderMap, StatusCode, header};
use nodewire_common::DecodeError;
use sha2::{Digest, Sha256};

use crate::identity::IdentityResponse;
use crate::update::{MetricsResponse, RawManifest};
use crate::{Static, Timestamp};

/// The default push interval (`node push` without an argument).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(3);
/// The delay before the first static and metrics pushes.
pub const PUSH_DELAY: Duration = Duration::from_secs(5);
/// The timeout of each push request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a partial or failed static push waits before the next attempt.
pub const STATIC_RETRY_DELAY: Duration = Duration::from_secs(10);
/// The timeout of an update download.
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// The most the agent reads of a metrics response body.
pub const RESPONSE_READ_LIMIT: usize = 1 << 20;
/// Connection-refused failures in a row after which the agent logs once and goes quiet.
pub const CONN_REFUSED_SUPPRESS_AFTER: u32 = 3;

/// How often the agent checks whether static data changed: 20 × the interval, within
/// 10 s..=60 s (`staticChangeCheckInterval`).
///
/// ```
/// use std::time::Duration;
/// use nodewire_dash::agent::static_change_check_interval;
/// assert_eq!(static_change_check_interval(Duration::from_secs(3)), Duration::from_secs(60));
/// assert_eq!(static_change_check_interval(Duration::from_millis(200)), Duration::from_secs(10));
/// ```
pub fn static_change_check_interval(interval: Duration) -> Duration {
    (interval.saturating_mul(20)).clamp(Duration::from_secs(10), Duration::from_secs(60))
}

/// `report_interval_seconds`: the interval rounded up to whole seconds (`reportSecs`).
///
/// ```
/// use std::time::Duration;
/// assert_eq!(nodewire_dash::agent::report_interval_seconds(Duration::from_millis(2500)), 3);
/// ```
pub fn report_interval_seconds(interval: Duration) -> i64 {
    let secs = interval
        .as_secs()
        .saturating_add(u64::from(interval.subsec_nanos() > 0));
    i64::try_from(secs).unwrap_or(i64::MAX)
}

/// Whether a static body may be sent, and whether it is complete
/// (`static_validation.go`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticReadiness {
    /// Not sent: these publish fields are missing (`version`, `timestamp`,
    /// `report_interval_seconds`). Retried after [`STATIC_RETRY_DELAY`].
    NotReady(Vec<&'static str>),
    /// Sent, but these fields are missing, so it is re-sent after [`STATIC_RETRY_DELAY`].
    Partial(Vec<&'static str>),
    /// Sent once; re-sent only on change or recovery.
    Complete,
}

/// Classifies a static body as the agent does before sending it.
///
/// ```
/// use nodewire_dash::agent::{StaticReadiness, static_readiness};
/// let body = std::fs::read("tests/fixtures/live-push/002-static.request.json").unwrap();
/// let mut s: nodewire_dash::Static = serde_json::from_slice(&body).unwrap();
/// assert_eq!(static_readiness(&s), StaticReadiness::Complete);
/// s.memory.total = 0;
/// assert_eq!(static_readiness(&s), StaticReadiness::Partial(vec!["memory.total"]));
/// ```
pub fn static_readiness(body: &Static) -> StaticReadiness {
    let mut missing = Vec::new();
    if body.version.trim().is_empty() {
        missing.push("version");
    }
    if body.timestamp.is_zero() {
        missing.push("timestamp");
    }
    if body.report_interval_seconds <= 0 {
        missing.push("report_interval_seconds");
    }
    if !missing.is_empty() {
        return StaticReadiness::NotReady(missing);
    }
    let sys = &body.system;
    for (name, value) in [
        ("system.hostname", &sys.hostname),
        ("system.os", &sys.os),
        ("system.platform", &sys.platform),
        ("system.platform_version", &sys.platform_version),
        ("system.kernel_version", &sys.kernel_version),
        ("system.arch", &sys.arch),
    ] {
        if value.trim().is_empty() {
            missing.push(name);
        }
    }
    if body.memory.total == 0 {
        missing.push("memory.total");
    }
    let info = &body.cpu.info;
    for (name, value) in [
        ("cpu.info.cores_logical", info.cores_logical),
        ("cpu.info.cores_physical", info.cores_physical),
        ("cpu.info.sockets", info.sockets),
    ] {
        if value <= 0 {
            missing.push(name);
        }
    }
    if missing.is_empty() {
        StaticReadiness::Complete
    } else {
        StaticReadiness::Partial(missing)
    }
}

/// The fingerprint the agent compares to detect a static change: SHA-256 of the JSON body
/// with `timestamp` set to the zero time (`staticFingerprint`). The bytes hashed are this
/// crate's encoding, so compare fingerprints made by the same code only.
pub fn static_fingerprint(body: &Static) -> [u8; 32] {
    let mut stable = body.clone();
    stable.timestamp = Timestamp::zero();
    let bytes = serde_json::to_vec(&stable).unwrap_or_default();
    Sha256::digest(&bytes).into()
}

/// One target's delivery state: the connection-refused streak and its recovery
/// (`delivery`, `push.go:597-699`).
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    refused: u32,
    suppressed: bool,
}

/// What the agent does after a transport failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureLog {
    /// Log the error (rate-limited to once a minute).
    Log,
    /// Log once that the peer port is closed, then stay quiet.
    PortClosed,
    /// Stay quiet (the streak is already reported).
    Quiet,
}

/// What a target's answer means for the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// `200 OK`: the target counts as successful this round.
    pub success: bool,
    /// The first `200` after a reported connection-refused streak: re-send static now.
    pub resend_static: bool,
}

impl Delivery {
    /// Records a transport failure (after the HTTPS fallback had its chance).
    pub fn on_failure(&mut self, connection_refused: bool) -> FailureLog {
        if !connection_refused {
            return FailureLog::Log;
        }
        self.refused = self.refused.saturating_add(1);
        if self.suppressed {
            FailureLog::Quiet
        } else if self.refused >= CONN_REFUSED_SUPPRESS_AFTER {
            self.suppressed = true;
            FailureLog::PortClosed
        } else {
            FailureLog::Log
        }
    }

    /// Records a response. Only `200` is success; it ends any refused streak.
    pub fn on_response(&mut self, status: StatusCode) -> Answer {
        if status != StatusCode::OK {
            return Answer {
                success: false,
                resend_static: false,
            };
        }
        let resend_static = self.suppressed;
        self.suppressed = false;
        self.refused = 0;
        Answer {
            success: true,
            resend_static,
        }
    }
}

/// The agent's reading of a `200` metrics body (`decodeMetricsResponse`): only a JSON media
/// type counts (`application/json`, any case, parameters allowed); at most
/// [`RESPONSE_READ_LIMIT`] bytes; a blank body or `ok` means nothing; a body that does not
/// decode (any type error anywhere) is ignored whole; unknown keys are ignored; `ok` is not
/// required.
///
/// ```
/// use http::{HeaderMap, HeaderValue, header};
/// use nodewire_dash::agent::read_metrics_body;
/// let mut h = HeaderMap::new();
/// h.insert(header::CONTENT_TYPE, HeaderValue::from_static("Application/JSON; charset=utf-8"));
/// let r = read_metrics_body(&h, br#"{"update":{"version":"0.2.4","size":"1"}}"#);
/// assert!(r.update.is_none()); // `size` is not a number: the whole body is ignored
/// let r = read_metrics_body(&h, br#"{"update":{"version":"0.2.4","size":1}}"#);
/// assert_eq!(r.update.map(|m| m.version), Some("0.2.4".to_owned()));
/// ```
pub fn read_metrics_body(headers: &HeaderMap, body: &[u8]) -> MetricsResponse {
    if !is_json_media_type(headers) {
        return MetricsResponse::default();
    }
    let body = body.get(..RESPONSE_READ_LIMIT).unwrap_or(body);
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "ok" {
        return MetricsResponse::default();
    }
    serde_json::from_slice::<MetricsResponse>(body).unwrap_or_default()
}

/// The manifest of a `200` metrics answer, as the agent reads it (see
/// [`read_metrics_body`]).
pub fn offered_manifest(headers: &HeaderMap, body: &[u8]) -> Option<RawManifest> {
    read_metrics_body(headers, body).update
}

/// `true` when the media type is `application/json` (Go `mime.ParseMediaType`: lowercased,
/// parameters allowed; a missing or malformed type is not JSON).
pub fn is_json_media_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let media = value.split(';').next().unwrap_or_default().trim();
    media.eq_ignore_ascii_case("application/json")
}

/// The agent's reading of a `200` identity body (`FetchIdentity`): the first JSON value,
/// whatever the content type; `install_id` must not be blank.
pub fn read_identity_body(body: &[u8]) -> Result<IdentityResponse, DecodeError> {
    let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<serde_json::Value>();
    let value = match stream.next() {
        Some(Ok(value)) => value,
        Some(Err(e)) => return Err(DecodeError::root(format!("decode identity response: {e}"))),
        None => return Err(DecodeError::root("decode identity response: EOF")),
    };
    nodewire_common::error::from_value(value)
}

/// Where managed installs live (Linux and macOS).
pub const UNIX_DATA_DIR: &str = "/var/lib/ithiltir-node";

/// Whether this process may apply updates (`selfupdate.Enabled`): on Windows only under the
/// runner (`ITHILTIR_NODE_RUNNER=1`); on Linux and macOS only when the executable is
/// `/var/lib/ithiltir-node/current/ithiltir-node` or
/// `/var/lib/ithiltir-node/releases/<version>/ithiltir-node`. Direct binaries report
/// "self update is disabled" and keep pushing.
///
/// ```
/// use std::path::Path;
/// use nodewire_dash::agent::self_update_enabled;
/// assert!(self_update_enabled("linux", Path::new("/var/lib/ithiltir-node/releases/0.2.3/ithiltir-node"), None));
/// assert!(!self_update_enabled("linux", Path::new("/usr/local/bin/ithiltir-node"), None));
/// assert!(self_update_enabled("windows", Path::new("C:/x.exe"), Some("1")));
/// ```
pub fn self_update_enabled(os: &str, executable: &Path, runner_env: Option<&str>) -> bool {
    match os {
        "windows" => runner_env == Some("1"),
        "linux" | "macos" | "darwin" => managed_release(executable).is_some(),
        _ => false,
    }
}

/// The release a managed executable path belongs to: `Some("current")` for the `current`
/// link, `Some(version)` for `releases/<version>/ithiltir-node`.
pub fn managed_release(executable: &Path) -> Option<&str> {
    let rel = executable.strip_prefix(UNIX_DATA_DIR).ok()?;
    let parts: Vec<Component<'_>> = rel.components().collect();
    match parts.as_slice() {
        [Component::Normal(dir), Component::Normal(file)]
            if *dir == "current" && *file == "ithiltir-node" =>
        {
            Some("current")
        }
        [
            Component::Normal(releases),
            Component::Normal(version),
            Component::Normal(file),
        ] if *releases == "releases" && *file == "ithiltir-node" => version.to_str(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn json() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        h
    }

    #[test]
    fn delivery_suppresses_and_recovers() {
        let mut d = Delivery::default();
        assert_eq!(d.on_failure(true), FailureLog::Log);
        assert_eq!(d.on_failure(true), FailureLog::Log);
        assert_eq!(d.on_failure(true), FailureLog::PortClosed);
        assert_eq!(d.on_failure(true), FailureLog::Quiet);
        assert_eq!(d.on_failure(false), FailureLog::Log);
        let a = d.on_response(StatusCode::UNAUTHORIZED);
        assert!(!a.success);
        let a = d.on_response(StatusCode::OK);
        assert!(a.success && a.resend_static);
        let a = d.on_response(StatusCode::OK);
        assert!(a.success && !a.resend_static);
        assert_eq!(d.on_failure(true), FailureLog::Log);
    }

    #[test]
    fn metrics_bodies() {
        let m = read_metrics_body(&json(), b"{\"ok\":true,\"update\":null}\n");
        assert_eq!(m.ok, Some(true));
        assert!(m.update.is_none());
        assert_eq!(
            read_metrics_body(&json(), b" ok "),
            MetricsResponse::default()
        );
        assert_eq!(
            read_metrics_body(&json(), b"<html>"),
            MetricsResponse::default()
        );
        let m = read_metrics_body(&HeaderMap::new(), br#"{"update":{"version":"9"}}"#);
        assert!(m.update.is_none());
        let mut text = HeaderMap::new();
        text.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/json"));
        assert!(
            read_metrics_body(&text, br#"{"update":{"version":"9"}}"#)
                .update
                .is_none()
        );
        let m = read_metrics_body(&json(), br#"{"update":{"version":"9","x":1},"y":[]}"#);
        assert_eq!(m.update.map(|u| u.version), Some("9".to_owned()));
        let m = read_metrics_body(&json(), br#"{"ok":"yes","update":{"version":"9"}}"#);
        assert!(m.update.is_none());
    }

    #[test]
    fn static_readiness_fields() {
        let body = include_bytes!("../tests/fixtures/live-push/002-static.request.json");
        let mut s: Static = serde_json::from_slice(body).unwrap_or_else(|e| panic!("{e}"));
        s.report_interval_seconds = 0;
        s.version = " ".into();
        assert_eq!(
            static_readiness(&s),
            StaticReadiness::NotReady(vec!["version", "report_interval_seconds"])
        );
        s.version = "0.2.3".into();
        s.report_interval_seconds = 3;
        s.system.os = String::new();
        s.cpu.info.sockets = 0;
        assert_eq!(
            static_readiness(&s),
            StaticReadiness::Partial(vec!["system.os", "cpu.info.sockets"])
        );
    }

    #[test]
    fn fingerprint_ignores_the_timestamp() {
        let body = include_bytes!("../tests/fixtures/live-push/002-static.request.json");
        let s: Static = serde_json::from_slice(body).unwrap_or_else(|e| panic!("{e}"));
        let mut later = s.clone();
        later.timestamp = Timestamp::now();
        assert_eq!(static_fingerprint(&s), static_fingerprint(&later));
        later.memory.swap_total = 1;
        assert_ne!(static_fingerprint(&s), static_fingerprint(&later));
    }

    #[test]
    fn managed_paths() {
        assert_eq!(
            managed_release(Path::new("/var/lib/ithiltir-node/current/ithiltir-node")),
            Some("current")
        );
        assert_eq!(
            managed_release(Path::new(
                "/var/lib/ithiltir-node/releases/0.2.4/ithiltir-node"
            )),
            Some("0.2.4")
        );
        assert_eq!(
            managed_release(Path::new("/var/lib/ithiltir-node/releases/ithiltir-node")),
            None
        );
        assert!(!self_update_enabled("windows", Path::new("x"), None));
        assert!(!self_update_enabled(
            "freebsd",
            Path::new("/var/lib/ithiltir-node/current/ithiltir-node"),
            None
        ));
    }
}
