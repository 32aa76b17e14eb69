//! An in-memory telemt server, sans-IO (feature `mock`).
//!
//! [`MockTelemt`] answers every route of the `/v1` API from in-memory state, through the same
//! endpoint descriptions clients use: it decodes requests with
//! [`Request::from_http`](crate::server::Request::from_http) and encodes answers with the
//! protocol's envelopes. It applies the server's pipeline in order: source-IP whitelist with
//! its `gray_action`, the `Authorization` check (constant time), routing (404 / 405 with
//! `Allow`), username validation, read-only mode, the body limit (413), the body, and `If-Match`
//! (409 `revision_conflict`) before existence checks. Everything before the body is
//! [`MockTelemt::admit`]: telemt reads a body only in the handlers of the routes that take one,
//! after all of those checks, so an unauthenticated or misrouted request is refused without
//! reading a byte of it. Users, quotas, the editable config and
//! reloads behave as contract §5–§9 describes; the revision is the SHA-256 of the rendered
//! config, so every write changes it and no-ops keep it.
//!
//! Differences from a real server, by design:
//!
//! - Changes apply at once, so user mutators answer `201`/`200` (create/others) and `DELETE`
//!   answers `200` with `in_runtime: false`, where a real server often answers `202` until its
//!   file watcher catches up.
//! - Runtime and statistics routes serve payloads recorded from a real 3.4.25 server (gated
//!   routes with no recording answer `enabled: false, reason: "source_unavailable"`).
//! - There are no live connections: IP lists are empty and quotas stay at 0 used bytes.
//!
//! [`MockConfig::release`] makes it answer as an older release: routes added later answer
//! `404 Route not found` (the hyphenated runtime aliases too, before 3.4.13), `UserInfo` leaves
//! out `rate_limit_*_bps` before 3.4.12 and `enabled` before 3.4.14, and request fields those
//! releases do not know are ignored, as they would be. `GET /v1/system/info` reports the
//! release. Only the differences the crate's version notes list are modelled.
//!
//! Wrap it in any HTTP server, in telemt's order:
//!
//! 1. [`MockTelemt::admit`] with the peer address and the request head; answer a refusal
//!    (or close the connection for [`Outcome::Drop`]) without reading the body;
//! 2. when [`Admitted::reads_body`], read the body up to [`MockConfig::body_limit`]
//!    (`nodewire_common::server::read_body` refuses a declared `Content-Length` over it at
//!    once, as [`Body::TooLarge`]: the same `413` telemt sends once that many bytes arrived);
//!    a body whose stream broke is [`MockTelemt::invalid_body`];
//! 3. [`MockTelemt::handle`] with the body ([`Body::Complete`] empty when the route reads
//!    none).
//!
//! ```
//! use nodewire_telemt::mock::{Body, MockConfig, MockTelemt, Outcome};
//! let mut mock = MockTelemt::new(MockConfig::default(), &["alice"]);
//! let peer = std::net::IpAddr::from([127, 0, 0, 1]);
//! let (head, _) = http::Request::get("/v1/users").body(())?.into_parts();
//! let admitted = mock.admit(peer, &head).map_err(|_| "refused")?;
//! assert!(!admitted.reads_body());
//! let Outcome::Respond(answer) = mock.handle(peer, &head, Body::Complete(Default::default()))
//! else { return Err("dropped".into()) };
//! assert_eq!(answer.status(), http::StatusCode::OK);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod admit;
mod config;
mod health;
mod recorded;
mod reload;
mod security;
mod stats;
mod system;
mod users;

use std::collections::BTreeMap;
use std::net::IpAddr;

use bytes::Bytes;
use http::StatusCode;
use nodewire_common::Secret;
use nodewire_common::server::request_from_parts;
use nodewire_common::version::Release;
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::endpoints::*;
use crate::envelope::{ErrorCode, Revision, Success, encode};
use crate::reload::ReloadStatus;
use crate::server::{ApiFailure, Request};

pub use admit::Admitted;
pub use nodewire_common::server::Body;

/// What the server does with a peer outside the whitelist (`gray_action`,
/// `src/config/types.rs:1390-1401`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GrayAction {
    /// `403 forbidden` "Source IP is not allowed".
    Api,
    /// `200`, `text/html`, empty body.
    Ok200,
    /// Close the connection without an HTTP response (the default).
    #[default]
    Drop,
}

/// The mock's settings (the `[server.api]` section and a few link settings).
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The exact `Authorization` value required; empty disables the check.
    pub auth_header: Secret,
    /// Allowed source networks; empty allows everyone. Default `127.0.0.0/8` (IPv4 only, as
    /// telemt's default: `::1` is not in it).
    pub whitelist: Vec<ipnet::IpNet>,
    /// What happens to peers outside the whitelist.
    pub gray_action: GrayAction,
    /// Refuse every mutating route with `403 read_only`.
    pub read_only: bool,
    /// The request body limit in bytes (default 65536).
    pub body_limit: usize,
    /// Host put into links.
    pub public_host: String,
    /// Port put into links.
    pub public_port: u16,
    /// Primary TLS domain, then the extra ones.
    pub tls_domains: Vec<String>,
    /// The telemt release to answer as (default [`UPSTREAM_VERSION`](crate::UPSTREAM_VERSION);
    /// 3.4.11 is the oldest the crate covers).
    pub release: Release,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            auth_header: Secret::new(""),
            whitelist: vec![ipnet::IpNet::V4(ipnet::Ipv4Net::new_assert(
                std::net::Ipv4Addr::new(127, 0, 0, 0),
                8,
            ))],
            gray_action: GrayAction::Drop,
            read_only: false,
            body_limit: crate::server::DEFAULT_BODY_LIMIT,
            public_host: "127.0.0.1".to_owned(),
            public_port: 443,
            tls_domains: vec!["example.com".to_owned(), "example.org".to_owned()],
            release: current_release(),
        }
    }
}

/// [`UPSTREAM_VERSION`](crate::UPSTREAM_VERSION) as a [`Release`].
fn current_release() -> Release {
    release(crate::UPSTREAM_VERSION)
}

/// A release the crate names (always well-formed); the oldest covered one if it were not.
fn release(text: &str) -> Release {
    text.parse()
        .or_else(|_| "3.4.11".parse())
        .unwrap_or_else(|_: nodewire_common::version::ReleaseError| current_release())
}

/// What to do with the connection.
#[derive(Debug)]
pub enum Outcome {
    /// Send this response.
    Respond(http::Response<Bytes>),
    /// Close the connection without a response (`gray_action = "drop"`).
    Drop,
}

#[derive(Debug, Clone, Default)]
struct StoredUser {
    /// The user's secret (32 hex); `Debug` is redacted.
    secret: Secret,
    ad_tag: Option<String>,
    max_tcp_conns: Option<u64>,
    expiration: Option<String>,
    data_quota: Option<u64>,
    rate: Option<(u64, u64)>,
    max_unique_ips: Option<u64>,
    disabled: bool,
    used_bytes: u64,
    last_reset: u64,
}

/// The release that added the hyphenated runtime aliases (`me-pool-state`, …).
const HYPHEN_ALIASES_SINCE: &str = "3.4.13";
/// The release that added `rate_limit_up_bps` / `rate_limit_down_bps`.
const RATE_LIMITS_SINCE: &str = "3.4.12";
/// The release that added `enabled`.
const ENABLED_SINCE: &str = "3.4.14";

/// An in-memory telemt `/v1` server.
#[derive(Debug)]
pub struct MockTelemt {
    config: MockConfig,
    users: BTreeMap<String, StoredUser>,
    editable: Map<String, Value>,
    reloads: Vec<ReloadStatus>,
    generation: u64,
    request_id: u64,
    reload_count: u64,
    started_at: u64,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn generate_secret() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: fall back to a hash of the time (the mock is not a real proxy).
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes = t.to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl MockTelemt {
    /// A mock with the given settings and initial users (each with a generated secret).
    pub fn new(config: MockConfig, users: &[&str]) -> Self {
        let mut editable = Map::new();
        editable.insert(
            "censorship".to_owned(),
            json!({"tls_domain": config.tls_domains.first().cloned().unwrap_or_default(),
                   "tls_domains": config.tls_domains.iter().skip(1).collect::<Vec<_>>()}),
        );
        editable.insert(
            "general".to_owned(),
            json!({"links": {"public_host": config.public_host, "public_port": config.public_port},
                   "modes": {"classic": true, "secure": true, "tls": true}}),
        );
        Self {
            users: users
                .iter()
                .map(|u| {
                    (
                        (*u).to_owned(),
                        StoredUser {
                            secret: Secret::new(generate_secret()),
                            ..Default::default()
                        },
                    )
                })
                .collect(),
            config,
            editable,
            reloads: Vec::new(),
            generation: 1,
            request_id: 0,
            reload_count: 0,
            started_at: now(),
        }
    }

    /// The settings.
    pub fn config(&self) -> &MockConfig {
        &self.config
    }

    /// The current revision: SHA-256 of the rendered config.
    pub fn revision(&self) -> Revision {
        let mut text = String::new();
        for (name, u) in &self.users {
            text.push_str(&format!(
                "{name}={}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}\n",
                u.secret.expose(),
                u.ad_tag,
                u.max_tcp_conns,
                u.expiration,
                u.data_quota,
                u.rate,
                u.max_unique_ips,
                u.disabled
            ));
        }
        text.push_str(&Value::Object(self.editable.clone()).to_string());
        Revision::new(hex(&Sha256::digest(text.as_bytes())))
    }

    /// `false` when `peer` is outside the whitelist and `gray_action` is `drop`: the server
    /// closes such connections without answering, so an HTTP layer may refuse them at accept.
    pub fn admits(&self, peer: IpAddr) -> bool {
        self.config.gray_action != GrayAction::Drop || self.whitelisted(peer)
    }

    fn whitelisted(&self, peer: IpAddr) -> bool {
        self.config.whitelist.is_empty()
            || self.config.whitelist.iter().any(|net| net.contains(&peer))
    }

    /// Handles one request from `peer`: the checks of [`admit`](Self::admit) again, then the
    /// body (`413` for [`Body::TooLarge`] on a route that reads one) and the route.
    pub fn handle(&mut self, peer: IpAddr, head: &http::request::Parts, body: Body) -> Outcome {
        self.request_id += 1;
        let request_id = self.request_id;
        let admitted = match self.admit_counted(peer, head, request_id) {
            Ok(admitted) => admitted,
            Err(refusal) => return refusal,
        };
        let response = match self.dispatch(admitted, head, body) {
            Ok(response) => response,
            Err(failure) => failure.into_response(request_id),
        };
        Outcome::Respond(response)
    }

    fn dispatch(
        &mut self,
        admitted: Admitted,
        head: &http::request::Parts,
        body: Body,
    ) -> Result<http::Response<Bytes>, ApiFailure> {
        let bytes = match body {
            Body::Complete(bytes) => bytes,
            // Only routes that read a body can fail on its size.
            Body::TooLarge if admitted.reads_body() => {
                return Err(ApiFailure::payload_too_large(self.config.body_limit));
            }
            Body::TooLarge => Bytes::new(),
        };
        let request = Request::from_http(&request_from_parts(head, bytes), self.config.read_only)?;
        self.answer(request)
    }

    /// Whether the configured release reports and takes per-user rate limits.
    fn has_rate_limits(&self) -> bool {
        self.config.release >= release(RATE_LIMITS_SINCE)
    }

    /// Whether the configured release has the per-user `enabled` switch.
    fn has_enabled_switch(&self) -> bool {
        self.config.release >= release(ENABLED_SINCE)
    }

    fn ok<T: Serialize>(
        &self,
        status: StatusCode,
        data: T,
    ) -> Result<http::Response<Bytes>, ApiFailure> {
        let success = Success {
            status,
            data,
            revision: self.revision(),
        };
        encode(&success).map_err(|e| {
            ApiFailure::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::InternalError,
                e.to_string(),
            )
        })
    }

    fn check_revision(&self, if_match: &Option<Revision>) -> Result<(), ApiFailure> {
        match if_match {
            Some(expected) if *expected != self.revision() => Err(ApiFailure::revision_conflict()),
            _ => Ok(()),
        }
    }

    /// One handler per route (the files of this module are named after telemt's API areas).
    fn answer(&mut self, request: Request) -> Result<http::Response<Bytes>, ApiFailure> {
        match request {
            Request::GetHealth(_) => self.get_health(),
            Request::GetHealthReady(_) => self.get_health_ready(),
            Request::GetSystemInfo(_) => self.get_system_info(),
            Request::GetRuntimeGates(_) => self.recorded_answer::<GetRuntimeGates>(),
            Request::GetRuntimeInitialization(_) => {
                self.recorded_answer::<GetRuntimeInitialization>()
            }
            Request::GetEffectiveLimits(_) => self.recorded_answer::<GetEffectiveLimits>(),
            Request::GetSecurityPosture(_) => self.get_security_posture(),
            Request::GetSecurityWhitelist(_) => self.get_security_whitelist(),
            Request::GetStatsSummary(_) => self.recorded_answer::<GetStatsSummary>(),
            Request::GetStatsZeroAll(_) => self.recorded_answer::<GetStatsZeroAll>(),
            Request::GetStatsUpstreams(_) => self.recorded_answer::<GetStatsUpstreams>(),
            Request::GetStatsMinimalAll(_) => self.recorded_answer::<GetStatsMinimalAll>(),
            Request::GetStatsMeWriters(_) => self.get_stats_me_writers(),
            Request::GetStatsDcs(_) => self.recorded_answer::<GetStatsDcs>(),
            Request::GetRuntimeMePoolState(_) => self.recorded_answer::<GetRuntimeMePoolState>(),
            Request::GetRuntimeMeQuality(_) => self.recorded_answer::<GetRuntimeMeQuality>(),
            Request::GetRuntimeUpstreamQuality(_) => {
                self.recorded_answer::<GetRuntimeUpstreamQuality>()
            }
            Request::GetRuntimeNatStun(_) => self.recorded_answer::<GetRuntimeNatStun>(),
            Request::GetRuntimeMeSelftest(_) => self.recorded_answer::<GetRuntimeMeSelftest>(),
            Request::GetRuntimeConnectionsSummary(_) => {
                self.recorded_answer::<GetRuntimeConnectionsSummary>()
            }
            Request::GetRuntimeEventsRecent(_) => self.recorded_answer::<GetRuntimeEventsRecent>(),
            Request::GetRuntimeTlsFingerprints(_) => {
                self.recorded_answer::<GetRuntimeTlsFingerprints>()
            }
            Request::GetStatsUsersActiveIps(_) => self.get_stats_users_active_ips(),
            Request::ListUsers(_) | Request::GetStatsUsers(_) => self.list_users(),
            Request::GetStatsUsersQuota(_) => self.get_stats_users_quota(),
            Request::GetUser(call) => self.get_user(call),
            Request::CreateUser(call) => self.create_user(call),
            Request::PatchUser(call) => self.patch_user(call),
            Request::DeleteUser(call) => self.delete_user(call),
            Request::RotateSecret(call) => self.rotate_secret(call),
            Request::EnableUser(call) => self.set_enabled(&call.username, &call.if_match, true),
            Request::DisableUser(call) => self.set_enabled(&call.username, &call.if_match, false),
            Request::ResetUserQuota(call) => self.reset_user_quota(call),
            Request::GetConfig(_) => self.get_config(),
            Request::PatchConfig(call) => self.patch_config(call),
            Request::SubmitReload(call) => self.submit_reload(call),
            Request::GetReloadStatus(call) => self.get_reload_status(call),
        }
    }
}

fn internal(message: impl Into<String>) -> ApiFailure {
    ApiFailure::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::InternalError,
        message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestResult;

    #[test]
    fn debug_leaves_out_user_secrets() -> TestResult {
        const SECRET: &str = "5ec7e75ec7e75ec7e75ec7e75ec7e700";
        let mut mock = MockTelemt::new(MockConfig::default(), &["alice"]);
        let peer = IpAddr::from([127, 0, 0, 1]);
        let (head, _) = http::Request::post("/v1/users")
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(())?
            .into_parts();
        let body = format!(r#"{{"username":"bob","secret":"{SECRET}"}}"#);
        let Outcome::Respond(answer) = mock.handle(peer, &head, Body::Complete(body.into())) else {
            return Err("dropped".into());
        };
        assert_eq!(answer.status(), StatusCode::CREATED);
        assert!(std::str::from_utf8(answer.body())?.contains(SECRET));
        let shown = format!("{mock:?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("\"bob\"") && shown.contains("\"alice\""));
        assert!(shown.contains("secret: Secret(\"[redacted]\")"), "{shown}");
        Ok(())
    }
}
