//! An in-memory telemt server, sans-IO (feature `mock`).
//!
//! [`MockTelemt`] answers every route of the `/v1` API from in-memory state, through the same
//! endpoint descriptions clients use: it decodes requests with
//! [`Request::from_http`](crate::server::Request::from_http) and encodes answers with the
//! protocol's envelopes. It applies the server's pipeline in order: source-IP whitelist with
//! its `gray_action`, the `Authorization` check (constant time), routing (404 / 405 with
//! `Allow`), username validation, read-only mode, the body limit (413), the body, and `If-Match`
//! (409 `revision_conflict`) before existence checks. Users, quotas, the editable config and
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
//! Wrap it in any HTTP server: read the peer address and the body (up to
//! [`MockConfig::body_limit`]), then call [`MockTelemt::handle`].

use std::collections::BTreeMap;
use std::net::IpAddr;

use bytes::Bytes;
use http::StatusCode;
use nodewire_common::version::{Release, VersioningDecision};
use nodewire_common::{Patch, Secret};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::config::{EditableConfig, PatchConfigResponse};
use crate::endpoints::*;
use crate::envelope::{ErrorCode, Revision, Success, encode};
use crate::health::{HealthData, HealthReadyData, HealthStatus, ReadinessStatus};
use crate::limits::EffectiveLimitsData;
use crate::reload::{ReloadAccepted, ReloadPhase, ReloadRequest, ReloadStatus};
use crate::runtime::*;
use crate::security::{LogLevel, SecurityPostureData, SecurityWhitelistData, TelemetryMeLevel};
use crate::server::{ApiFailure, Request, check_authorization};
use crate::stats::{DcStatusData, MinimalAllData, SummaryData, UpstreamsData, ZeroAllData};
use crate::system::SystemInfoData;
use crate::users::{
    CreateUserResponse, DeleteUserResponse, ResetUserQuotaResponse, TlsDomainLink, UserActiveIps,
    UserInfo, UserLinks, UserQuotaEntry, UserQuotaListData,
};

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

/// A request body as the HTTP layer read it.
#[derive(Debug, Clone)]
pub enum Body {
    /// The whole body, within the limit.
    Complete(Bytes),
    /// The body exceeded [`MockConfig::body_limit`] and was not read further.
    TooLarge,
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
    secret: String,
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
                            secret: generate_secret(),
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
                u.secret,
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

    /// Handles one request from `peer`.
    pub fn handle(&mut self, peer: IpAddr, head: &http::request::Parts, body: Body) -> Outcome {
        self.request_id += 1;
        let request_id = self.request_id;
        if !self.whitelisted(peer) {
            return match self.config.gray_action {
                GrayAction::Drop => Outcome::Drop,
                GrayAction::Ok200 => {
                    let mut r = http::Response::new(Bytes::new());
                    r.headers_mut().insert(
                        http::header::CONTENT_TYPE,
                        http::HeaderValue::from_static("text/html; charset=utf-8"),
                    );
                    Outcome::Respond(r)
                }
                GrayAction::Api => {
                    Outcome::Respond(ApiFailure::forbidden().into_response(request_id))
                }
            };
        }
        let response = match self.dispatch(head, body) {
            Ok(response) => response,
            Err(failure) => failure.into_response(request_id),
        };
        Outcome::Respond(response)
    }

    fn dispatch(
        &mut self,
        head: &http::request::Parts,
        body: Body,
    ) -> Result<http::Response<Bytes>, ApiFailure> {
        check_authorization(&head.headers, &self.config.auth_header)?;
        self.check_release(head)?;
        let bytes = match body {
            Body::Complete(bytes) => bytes,
            Body::TooLarge => {
                // Only routes that read a body can fail on its size; route first.
                let probe = rebuild(head, Bytes::new());
                match Request::from_http(&probe, self.config.read_only) {
                    Err(f) if f.status != StatusCode::BAD_REQUEST => return Err(f),
                    _ => {}
                }
                let path = crate::normalize_path(head.uri.path());
                if let nodewire_common::registry::Lookup::Found(route) =
                    crate::registry().lookup(&head.method, path)
                    && route.metadata.body != nodewire_common::BodyKind::None
                {
                    return Err(ApiFailure::payload_too_large(self.config.body_limit));
                }
                Bytes::new()
            }
        };
        let request = Request::from_http(&rebuild(head, bytes), self.config.read_only)?;
        self.answer(request)
    }

    /// `404 Route not found` for a route (or alias) newer than the configured release.
    fn check_release(&self, head: &http::request::Parts) -> Result<(), ApiFailure> {
        let path = crate::normalize_path(head.uri.path());
        let release = &self.config.release;
        if let nodewire_common::registry::Lookup::Found(route) =
            crate::registry().lookup(&head.method, path)
        {
            if let VersioningDecision::Unsupported { .. } = route.history.decision_for(release) {
                return Err(ApiFailure::route_not_found());
            }
            let by_alias =
                nodewire_common::endpoint::match_template(route.metadata.path, path).is_none();
            if by_alias && *release < self::release(HYPHEN_ALIASES_SINCE) {
                return Err(ApiFailure::route_not_found());
            }
        }
        Ok(())
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

    fn user_info(&self, name: &str, u: &StoredUser) -> UserInfo {
        let host = &self.config.public_host;
        let port = self.config.public_port;
        let base = format!("tg://proxy?server={host}&port={port}&secret=");
        let tls_link = |domain: &str| format!("{base}ee{}{}", u.secret, hex(domain.as_bytes()));
        UserInfo {
            username: name.to_owned(),
            enabled: self.has_enabled_switch().then_some(!u.disabled),
            in_runtime: true,
            user_ad_tag: u.ad_tag.clone(),
            max_tcp_conns: u.max_tcp_conns.filter(|n| *n > 0),
            expiration_rfc3339: u.expiration.clone(),
            data_quota_bytes: u.data_quota,
            rate_limit_up_bps: if self.has_rate_limits() {
                u.rate.map(|r| r.0).filter(|n| *n > 0).into()
            } else {
                Patch::Absent
            },
            rate_limit_down_bps: if self.has_rate_limits() {
                u.rate.map(|r| r.1).filter(|n| *n > 0).into()
            } else {
                Patch::Absent
            },
            max_unique_ips: u.max_unique_ips.filter(|n| *n > 0),
            current_connections: 0,
            active_unique_ips: 0,
            active_unique_ips_list: Vec::new(),
            recent_unique_ips: 0,
            recent_unique_ips_list: Vec::new(),
            total_octets: 0,
            links: UserLinks {
                classic: vec![format!("{base}{}", u.secret)],
                secure: vec![format!("{base}dd{}", u.secret)],
                tls: self
                    .config
                    .tls_domains
                    .iter()
                    .map(|d| tls_link(d))
                    .collect(),
                tls_domains: self
                    .config
                    .tls_domains
                    .iter()
                    .skip(1)
                    .map(|d| TlsDomainLink {
                        domain: d.clone(),
                        link: tls_link(d),
                    })
                    .collect(),
            },
        }
    }

    fn view(&self, name: &str) -> Result<UserInfo, ApiFailure> {
        self.users
            .get(name)
            .map(|u| self.user_info(name, u))
            .ok_or_else(ApiFailure::user_not_found)
    }

    /// A payload recorded from a real server (or, for gated routes without a recording,
    /// `enabled: false, reason: "source_unavailable"`), decoded into the route's type.
    fn recorded<T: DeserializeOwned>(&self, name: &str) -> Result<T, ApiFailure> {
        static RECORDED: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        let recorded = RECORDED.get_or_init(|| {
            serde_json::from_str(include_str!("recorded.json")).unwrap_or_default()
        });
        let value = recorded.get(name).cloned().unwrap_or_else(|| {
            json!({"enabled": false, "reason": "source_unavailable", "generated_at_epoch_secs": now()})
        });
        serde_json::from_value(value).map_err(|e| internal(format!("recorded {name}: {e}")))
    }

    fn serve<T: DeserializeOwned + Serialize>(
        &self,
        name: &str,
    ) -> Result<http::Response<Bytes>, ApiFailure> {
        let data: T = self.recorded(name)?;
        self.ok(StatusCode::OK, data)
    }

    fn answer(&mut self, request: Request) -> Result<http::Response<Bytes>, ApiFailure> {
        const OK: StatusCode = StatusCode::OK;
        match request {
            Request::GetHealth(_) => self.ok(
                OK,
                HealthData {
                    status: HealthStatus::Ok,
                    read_only: self.config.read_only,
                },
            ),
            Request::GetHealthReady(_) => self.ok(
                OK,
                HealthReadyData {
                    ready: true,
                    status: ReadinessStatus::Ready,
                    reason: None,
                    admission_open: true,
                    healthy_upstreams: 1,
                    total_upstreams: 1,
                },
            ),
            Request::GetSystemInfo(_) => {
                let info = SystemInfoData {
                    version: self.config.release.to_string(),
                    target_arch: std::env::consts::ARCH.to_owned(),
                    target_os: std::env::consts::OS.to_owned(),
                    build_profile: "unknown".to_owned(),
                    git_commit: None,
                    build_time_utc: None,
                    rustc_version: None,
                    process_started_at_epoch_secs: self.started_at,
                    uptime_seconds: now().saturating_sub(self.started_at) as f64,
                    config_path: "mock://telemt.toml".to_owned(),
                    config_hash: self.revision().as_str().to_owned(),
                    config_reload_count: self.reload_count,
                    last_config_reload_epoch_secs: self
                        .reloads
                        .last()
                        .map(|r| r.requested_at_epoch_secs),
                };
                self.ok(OK, info)
            }
            Request::GetSecurityPosture(_) => self.ok(
                OK,
                SecurityPostureData {
                    api_read_only: self.config.read_only,
                    api_whitelist_enabled: !self.config.whitelist.is_empty(),
                    api_whitelist_entries: self.config.whitelist.len() as u64,
                    api_auth_header_enabled: !self.config.auth_header.expose().is_empty(),
                    proxy_protocol_enabled: false,
                    log_level: LogLevel::Normal,
                    telemetry_core_enabled: true,
                    telemetry_user_enabled: true,
                    telemetry_me_level: TelemetryMeLevel::Normal,
                },
            ),
            Request::GetSecurityWhitelist(_) => self.ok(
                OK,
                SecurityWhitelistData {
                    generated_at_epoch_secs: now(),
                    enabled: !self.config.whitelist.is_empty(),
                    entries_total: self.config.whitelist.len() as u64,
                    entries: self
                        .config
                        .whitelist
                        .iter()
                        .map(|n| n.to_string())
                        .collect(),
                },
            ),
            Request::GetStatsMeWriters(_) => {
                let all: MinimalAllData = self.recorded("GetStatsMinimalAll")?;
                match all.data {
                    Some(payload) => self.ok(OK, payload.me_writers),
                    None => Err(internal("no recorded ME writers")),
                }
            }
            Request::GetStatsZeroAll(_) => self.serve::<ZeroAllData>("GetStatsZeroAll"),
            Request::GetRuntimeMeQuality(_) => {
                self.serve::<RuntimeMeQualityData>("GetRuntimeMeQuality")
            }
            Request::GetRuntimeNatStun(_) => self.serve::<RuntimeNatStunData>("GetRuntimeNatStun"),
            Request::GetRuntimeMeSelftest(_) => {
                self.serve::<RuntimeMeSelftestData>("GetRuntimeMeSelftest")
            }
            Request::GetRuntimeGates(_) => self.serve::<RuntimeGatesData>("GetRuntimeGates"),
            Request::GetRuntimeInitialization(_) => {
                self.serve::<RuntimeInitializationData>("GetRuntimeInitialization")
            }
            Request::GetEffectiveLimits(_) => {
                self.serve::<EffectiveLimitsData>("GetEffectiveLimits")
            }
            Request::GetStatsSummary(_) => self.serve::<SummaryData>("GetStatsSummary"),
            Request::GetStatsUpstreams(_) => self.serve::<UpstreamsData>("GetStatsUpstreams"),
            Request::GetStatsMinimalAll(_) => self.serve::<MinimalAllData>("GetStatsMinimalAll"),
            Request::GetStatsDcs(_) => self.serve::<DcStatusData>("GetStatsDcs"),
            Request::GetRuntimeMePoolState(_) => {
                self.serve::<RuntimeMePoolStateData>("GetRuntimeMePoolState")
            }
            Request::GetRuntimeUpstreamQuality(_) => {
                self.serve::<RuntimeUpstreamQualityData>("GetRuntimeUpstreamQuality")
            }
            Request::GetRuntimeConnectionsSummary(_) => {
                self.serve::<RuntimeEdgeConnectionsSummaryData>("GetRuntimeConnectionsSummary")
            }
            Request::GetRuntimeEventsRecent(_) => {
                self.serve::<RuntimeEdgeEventsData>("GetRuntimeEventsRecent")
            }
            Request::GetRuntimeTlsFingerprints(_) => {
                self.serve::<RuntimeEdgeTlsFingerprintsData>("GetRuntimeTlsFingerprints")
            }
            Request::GetStatsUsersActiveIps(_) => self.ok(OK, Vec::<UserActiveIps>::new()),
            Request::ListUsers(_) | Request::GetStatsUsers(_) => {
                let users: Vec<UserInfo> = self
                    .users
                    .iter()
                    .map(|(n, u)| self.user_info(n, u))
                    .collect();
                self.ok(OK, users)
            }
            Request::GetStatsUsersQuota(_) => self.ok(
                OK,
                UserQuotaListData {
                    users: self
                        .users
                        .iter()
                        .filter_map(|(n, u)| {
                            u.data_quota.filter(|q| *q > 0).map(|q| UserQuotaEntry {
                                username: n.clone(),
                                data_quota_bytes: q,
                                used_bytes: u.used_bytes,
                                last_reset_epoch_secs: u.last_reset,
                            })
                        })
                        .collect(),
                },
            ),
            Request::GetUser(GetUser { username }) => {
                let info = self.view(username.as_str())?;
                self.ok(OK, info)
            }
            Request::CreateUser(CreateUser { body, if_match }) => {
                self.check_revision(&if_match)?;
                let name = body.username.as_str().to_owned();
                if self.users.contains_key(&name) {
                    return Err(ApiFailure::new(
                        StatusCode::CONFLICT,
                        ErrorCode::UserExists,
                        "User already exists",
                    ));
                }
                let secret = body
                    .secret
                    .value()
                    .map(|s| s.expose().to_owned())
                    .unwrap_or_else(generate_secret);
                let rate = match (
                    body.rate_limit_up_bps.value(),
                    body.rate_limit_down_bps.value(),
                ) {
                    (None, None) => None,
                    (up, down) => Some((up.map_or(0, |v| v.get()), down.map_or(0, |v| v.get()))),
                };
                let rate = rate.filter(|_| self.has_rate_limits());
                let disabled = self.has_enabled_switch() && body.enabled.value() == Some(&false);
                let user = StoredUser {
                    secret: secret.clone(),
                    ad_tag: body.user_ad_tag.value().map(|t| t.as_str().to_owned()),
                    max_tcp_conns: body.max_tcp_conns.value().copied(),
                    expiration: body.expiration_rfc3339.value().map(|e| e.to_server_form()),
                    data_quota: body.data_quota_bytes.value().copied(),
                    rate,
                    max_unique_ips: body.max_unique_ips.value().copied(),
                    disabled,
                    ..Default::default()
                };
                self.users.insert(name.clone(), user);
                let user = self.view(&name)?;
                self.ok(
                    StatusCode::CREATED,
                    CreateUserResponse {
                        user,
                        secret: Secret::new(secret),
                    },
                )
            }
            Request::PatchUser(PatchUser {
                username,
                body,
                if_match,
            }) => {
                self.check_revision(&if_match)?;
                let name = username.as_str();
                let (rates, switch) = (self.has_rate_limits(), self.has_enabled_switch());
                let user = self
                    .users
                    .get_mut(name)
                    .ok_or_else(ApiFailure::user_not_found)?;
                if let Some(secret) = body.secret.value() {
                    user.secret = secret.expose().to_owned();
                }
                user.ad_tag = body
                    .user_ad_tag
                    .map(|t| t.as_str().to_owned())
                    .apply_to(user.ad_tag.take());
                user.max_tcp_conns = body.max_tcp_conns.apply_to(user.max_tcp_conns);
                user.expiration = body
                    .expiration_rfc3339
                    .map(|e| e.to_server_form())
                    .apply_to(user.expiration.take());
                user.data_quota = body.data_quota_bytes.apply_to(user.data_quota);
                user.max_unique_ips = body.max_unique_ips.apply_to(user.max_unique_ips);
                let (mut up, mut down) = user.rate.unwrap_or((0, 0));
                let direction = |p: Patch<u64>, current: &mut u64| match p {
                    Patch::Absent => {}
                    Patch::Null => *current = 0,
                    Patch::Value(v) => *current = v,
                };
                direction(body.rate_limit_up_bps, &mut up);
                direction(body.rate_limit_down_bps, &mut down);
                user.rate = (rates && (up > 0 || down > 0)).then_some((up, down));
                match body.enabled {
                    _ if !switch => {}
                    Patch::Absent => {}
                    Patch::Null | Patch::Value(true) => user.disabled = false,
                    Patch::Value(false) => user.disabled = true,
                }
                let info = self.view(name)?;
                self.ok(OK, info)
            }
            Request::DeleteUser(DeleteUser { username, if_match }) => {
                self.check_revision(&if_match)?;
                let name = username.as_str();
                if !self.users.contains_key(name) {
                    return Err(ApiFailure::user_not_found());
                }
                if self.users.len() == 1 {
                    return Err(ApiFailure::new(
                        StatusCode::CONFLICT,
                        ErrorCode::LastUserForbidden,
                        "Cannot delete the last configured user",
                    ));
                }
                self.users.remove(name);
                self.ok(
                    OK,
                    DeleteUserResponse {
                        username: name.to_owned(),
                        in_runtime: false,
                    },
                )
            }
            Request::RotateSecret(RotateSecret {
                username,
                body,
                if_match,
            }) => {
                self.check_revision(&if_match)?;
                let name = username.as_str();
                let secret = body
                    .and_then(|b| b.secret.value().map(|s| s.expose().to_owned()))
                    .unwrap_or_else(generate_secret);
                let user = self
                    .users
                    .get_mut(name)
                    .ok_or_else(ApiFailure::user_not_found)?;
                user.secret = secret.clone();
                let user = self.view(name)?;
                self.ok(
                    OK,
                    CreateUserResponse {
                        user,
                        secret: Secret::new(secret),
                    },
                )
            }
            Request::EnableUser(EnableUser { username, if_match }) => {
                self.set_enabled(&username, &if_match, true)
            }
            Request::DisableUser(DisableUser { username, if_match }) => {
                self.set_enabled(&username, &if_match, false)
            }
            Request::ResetUserQuota(ResetUserQuota { username, if_match }) => {
                self.check_revision(&if_match)?;
                let name = username.as_str();
                let user = self
                    .users
                    .get_mut(name)
                    .ok_or_else(ApiFailure::user_not_found)?;
                user.used_bytes = 0;
                user.last_reset = now();
                let data = ResetUserQuotaResponse {
                    username: name.to_owned(),
                    used_bytes: 0,
                    last_reset_epoch_secs: user.last_reset,
                };
                self.ok(OK, data)
            }
            Request::GetConfig(_) => self.ok(OK, EditableConfig(self.editable.clone())),
            Request::PatchConfig(PatchConfig {
                body,
                reload,
                if_match,
            }) => {
                self.check_revision(&if_match)?;
                let before = self.editable.clone();
                for (section, value) in body.as_map() {
                    let slot = self.editable.entry(section.clone()).or_insert(Value::Null);
                    merge(slot, value);
                }
                let changed: Vec<String> = body
                    .sections()
                    .filter(|s| before.get(*s) != self.editable.get(*s))
                    .map(str::to_owned)
                    .collect();
                let reload = reload.map(|r| self.submit(&r));
                let status = if reload.is_some() {
                    StatusCode::ACCEPTED
                } else {
                    OK
                };
                let data = PatchConfigResponse {
                    revision: self.revision(),
                    restart_required: false,
                    runtime_reload_required: false,
                    process_restart_required: false,
                    deferred_process_fields: Vec::new(),
                    changed,
                    reload,
                };
                self.ok(status, data)
            }
            Request::SubmitReload(SubmitReload { body, if_match }) => {
                self.check_revision(&if_match)?;
                let accepted = self.submit(&body.unwrap_or_default());
                self.ok(StatusCode::ACCEPTED, accepted)
            }
            Request::GetReloadStatus(GetReloadStatus { reload_id }) => {
                match self.reloads.iter().find(|r| r.reload_id == reload_id) {
                    Some(status) => {
                        let status = status.clone();
                        self.ok(OK, status)
                    }
                    None => Err(ApiFailure::new(
                        StatusCode::NOT_FOUND,
                        ErrorCode::ReloadNotFound,
                        format!("Reload {reload_id} was not found"),
                    )),
                }
            }
        }
    }

    fn set_enabled(
        &mut self,
        username: &crate::users::Username,
        if_match: &Option<Revision>,
        enabled: bool,
    ) -> Result<http::Response<Bytes>, ApiFailure> {
        self.check_revision(if_match)?;
        let name = username.as_str();
        let user = self
            .users
            .get_mut(name)
            .ok_or_else(ApiFailure::user_not_found)?;
        user.disabled = !enabled;
        let info = self.view(name)?;
        self.ok(StatusCode::OK, info)
    }

    fn submit(&mut self, request: &ReloadRequest) -> ReloadAccepted {
        self.generation += 1;
        self.reload_count += 1;
        let reload_id = self.reloads.last().map_or(1, |r| r.reload_id + 1);
        let at = now();
        let accepted = ReloadAccepted {
            reload_id,
            target_generation: self.generation,
            config_revision: self.revision(),
            state: ReloadPhase::Accepted,
            mode: request.effective_mode(),
            failure_policy: request.effective_failure_policy(),
        };
        self.reloads.push(ReloadStatus {
            reload_id,
            target_generation: self.generation,
            config_revision: accepted.config_revision.clone(),
            state: ReloadPhase::Succeeded,
            mode: accepted.mode.clone(),
            failure_policy: accepted.failure_policy.clone(),
            requested_at_epoch_secs: at,
            started_at_epoch_secs: Some(at),
            finished_at_epoch_secs: Some(at),
            deferred_process_fields: Vec::new(),
            warnings: Vec::new(),
            error: None,
        });
        if self.reloads.len() > 32 {
            self.reloads.remove(0);
        }
        accepted
    }
}

fn internal(message: impl Into<String>) -> ApiFailure {
    ApiFailure::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::InternalError,
        message,
    )
}

/// Deep merge: objects key by key, everything else replaced whole.
fn merge(slot: &mut Value, patch: &Value) {
    match (slot, patch) {
        (Value::Object(target), Value::Object(source)) => {
            for (k, v) in source {
                merge(target.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (slot, patch) => *slot = patch.clone(),
    }
}

fn rebuild(head: &http::request::Parts, body: Bytes) -> http::Request<Bytes> {
    let mut request = http::Request::new(body);
    *request.method_mut() = head.method.clone();
    *request.uri_mut() = head.uri.clone();
    *request.headers_mut() = head.headers.clone();
    request
}
