//! An in-memory kernel, sans-IO (feature `mock`).
//!
//! [`MockKernel`] answers every core.yaml operation from in-memory state, through the same
//! endpoint descriptions clients use ([`server::Request`](crate::server::Request)): Basic auth (or `allow_insecure`),
//! routing, the body limit, decoding and validation, then the operation. It keeps nodes,
//! users, registrations, rate-limit overrides, providers, an audit log and traffic counters,
//! and produces the kernel's side effects as values ([`Effects`]): the events of the event
//! stream and the callbacks to deliver to registered URLs, with the registration's `secret`
//! in `X-ZNP-Webhook-Token`.
//!
//! Wrap it in any HTTP server: read the body (up to [`MockConfig::body_limit`]), call
//! [`MockKernel::handle`], send the response or serve the stream it asks for, then deliver
//! [`MockKernel::take_effects`].
//!
//! Behaviour core.yaml leaves open, as this mock chooses it:
//!
//! - events: adding a node emits `node.added`, removing it `node.removed`,
//!   [`MockKernel::set_health`] `node.healthy` / `node.degraded` / `node.unhealthy`;
//!   [`MockKernel::record_traffic`] emits `user.traffic.reported` (payload as the panel docs
//!   show it) and, with [`MockConfig::traffic_callback`], a traffic batch; changing a user's
//!   `traffic.allocated` emits `user.quota.changed` with the payload
//!   `{user_id, allocated, previous_allocated}`;
//! - callback bodies are shaped by [`MockConfig::webhook_shape`]: by default as the real
//!   panel's go-zero handlers read them (every key present, the service event's `payload` as
//!   base64 text; contract §8 rows 3-5), or as the panel docs show them; node events carry
//!   `event`, `id`, `node_id`, `protocol`, `status`, `message` and `observed_at` in seconds,
//!   service events the stream's envelope;
//! - registering the same `(event, callback)` again returns the existing registration, also
//!   when the service event is spelled as the panel spells it (`user_traffic_reported`), so a
//!   panel that registers on every sync creates no duplicates (contract §8 rows 2 and 11);
//! - `metadata` values may be numbers, as the panel sends them (contract §8 row 6); the views
//!   (`UserView`, `UserStatus`) show them as their decimal text;
//! - both Basic credentials and the panel's bare control token (`Authorization: Bearer
//!   <token>`, contract §8 row 8) are accepted by default;
//! - `GET /v1/nodes/{id}/config` (the panel's discovery call, not in core.yaml) answers 404
//!   once authenticated, so the panel falls back to `GET /v1/protocols` (contract §8 row 7);
//! - `health.status` follows [`MockConfig::health_format`]: core.yaml's form by default, or
//!   the lower-case string the panel can read (contract §8 row 1);
//! - `PUT` and `PATCH /v1/users/{id}` both merge (absent members unchanged; `rate` members
//!   `null` = unlimited); `traffic.allocated` and `traffic.used` are set, not added;
//! - `GET /v1/protocols/{id}/users?all=true` adds the registry's users to the node's own;
//! - TLS nodes are the nodes whose profile has a `tls` object (or protocol `any_tls`);
//! - `POST /v1/export` writes no file; it reports what it would write;
//! - rate-limit overrides are stored but not enforced;
//! - `mode=diff` frames are `{"type":"diff","snapshot":{<changed sections>}}`, sent only when
//!   something changed;
//! - the WebSocket routes answer `426` without `Upgrade: websocket` and `501` with it: this
//!   mock serves the streams over SSE only (the message types are in [`streams`](crate::streams)).

mod snapshot;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{StatusCode, header};
use nodewire_common::{IntoRequestError, Patch, Secret};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::audit::{AuditHealthSnapshot, AuditRecord, AuditSinkHealth};
use crate::endpoints::*;
use crate::error::codes;
use crate::export::{ExportFilters, ExportResponse, PipelineExportMeta};
use crate::interfaces::{
    InterfaceAddressSummary, InterfaceKindSummary, InterfaceListResponse, InterfaceSummary,
};
use crate::protocols::{ProtocolSummary, ProtocolUpsertRequest};
use crate::registrations::{
    EventRegistrationRecord, EventSubscriptionRecord, NodeEventKind, ServiceEventKind,
};
use crate::reply::Reply;
use crate::rules::{ProviderState, ProviderStatus};
use crate::security::{
    RateLimitOverrideResponse, RateLimitOverrideScope, RateLimitOverridesSnapshot,
};
use crate::server::{ApiFailure, Request};
use crate::status::{HealthFormat, HealthStatus};
use crate::streams::{
    EventCategory, EventEnvelope, EventName, NodeEventName, PanelId, TrafficReading,
    UserTrafficReported,
};
use crate::tls::{TlsMode, TlsNodeDetail, TlsNodeSummary};
use crate::traffic::{NodeProtocolTrafficSummary, TrafficSummaryResponse};
use crate::users::{
    MetadataValue, Rate, RatePatch, Traffic, TrafficPatch, User, UserCreateResponse,
    UserPatchRequest, UserPatchResponse, UserView, UsersImportResponse, metadata_as_strings,
};
use crate::webhooks::{
    EventPayload, KernelNodeEventRequest, KernelServiceEventRequest, KernelTrafficRecord,
    KernelTrafficReportRequest, NodeEventStatus, WebhookShape, callback_request,
};

pub use snapshot::StatusSubscription;

/// A callback target: URL and the token sent in `X-ZNP-Webhook-Token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// The URL.
    pub url: String,
    /// The token, if any.
    pub token: Option<Secret>,
}

/// The mock's settings.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// What the API accepts. Default: Basic `panel` / `panel-secret`, or the control token
    /// `panel-token` as `Authorization: Bearer panel-token` (contract §8 row 8).
    pub auth: crate::auth::AuthConfig,
    /// The request body limit in bytes.
    pub body_limit: usize,
    /// Where to post traffic batches (`POST /api/v1/kernel/traffic` of a panel); core.yaml has
    /// no registration for it.
    pub traffic_callback: Option<Callback>,
    /// Rule providers (names).
    pub providers: Vec<String>,
    /// The shape of callback bodies (default: what the real panel accepts).
    pub webhook_shape: WebhookShape,
    /// How `health.status` is written in `GET /v1/status` and the status stream (default:
    /// core.yaml's form; [`HealthFormat::PanelString`] for the panel, contract §8 row 1).
    pub health_format: HealthFormat,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            auth: crate::auth::AuthConfig {
                basic: Some(("panel".to_owned(), Secret::new("panel-secret"))),
                bearer: Some(Secret::new("panel-token")),
                allow_insecure: false,
            },
            body_limit: crate::server::DEFAULT_BODY_LIMIT,
            traffic_callback: None,
            providers: vec!["demo-provider".to_owned()],
            webhook_shape: WebhookShape::GoZero,
            health_format: HealthFormat::Spec,
        }
    }
}

/// A request body as the HTTP layer read it.
#[derive(Debug, Clone)]
pub enum Body {
    /// The whole body, within the limit.
    Complete(Bytes),
    /// The body exceeded [`MockConfig::body_limit`].
    TooLarge,
}

/// What to send back.
#[derive(Debug)]
pub enum Outcome {
    /// Send this response.
    Respond(http::Response<Bytes>),
    /// Answer `200 text/event-stream` and send status frames every
    /// [`StatusSubscription::interval`] (the first one at once), plus the events it
    /// [`wants`](StatusSubscription::wants).
    StatusStream(StatusSubscription),
    /// Answer `200 text/event-stream` and send every new event the subscription
    /// [`wants`](EventSubscription::wants).
    EventStream(EventSubscription),
}

/// A client following `GET /v1/events/stream`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSubscription {
    filter: Vec<EventCategory>,
}

impl EventSubscription {
    /// Whether the `events=` filter selects `event` (no filter selects all).
    pub fn wants(&self, event: &EventEnvelope) -> bool {
        self.filter.is_empty() || self.filter.contains(&event.event.category())
    }
}

/// The body of a callback.
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryBody {
    /// To a node-event registration.
    NodeEvent(KernelNodeEventRequest),
    /// To a service-event registration.
    ServiceEvent(KernelServiceEventRequest),
    /// To the traffic callback.
    Traffic(KernelTrafficReportRequest),
}

/// A callback to deliver.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Where.
    pub callback: Callback,
    /// What.
    pub body: DeliveryBody,
}

impl Delivery {
    /// The `POST` to send.
    pub fn to_http(&self) -> Result<http::Request<Bytes>, IntoRequestError> {
        let token = self.callback.token.as_ref();
        match &self.body {
            DeliveryBody::NodeEvent(b) => callback_request(&self.callback.url, token, b),
            DeliveryBody::ServiceEvent(b) => callback_request(&self.callback.url, token, b),
            DeliveryBody::Traffic(b) => callback_request(&self.callback.url, token, b),
        }
    }
}

/// Side effects of the calls handled so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects {
    /// Events for the event stream (and the status stream, when asked for).
    pub events: Vec<EventEnvelope>,
    /// Callbacks to deliver.
    pub deliveries: Vec<Delivery>,
}

#[derive(Debug, Clone)]
struct Node {
    upsert: ProtocolUpsertRequest,
    health: HealthStatus,
    consecutive_failures: u64,
    last_failure_ms: Option<u64>,
}

#[derive(Debug, Clone)]
struct Registration<T> {
    record: T,
    secret: Option<Secret>,
}

/// An in-memory kernel.
#[derive(Debug)]
pub struct MockKernel {
    config: MockConfig,
    nodes: BTreeMap<String, Node>,
    users: BTreeMap<String, User>,
    node_registrations: Vec<Registration<EventRegistrationRecord>>,
    service_registrations: Vec<Registration<EventSubscriptionRecord>>,
    rate_limits: RateLimitOverridesSnapshot,
    providers: BTreeMap<String, ProviderStatus>,
    audit: Vec<AuditRecord>,
    traffic: BTreeMap<(String, String), (u64, u64)>,
    events: Vec<EventEnvelope>,
    effects: Effects,
    sequence: u64,
}

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

pub(crate) fn rfc3339(ms: u64) -> String {
    let ms = i64::try_from(ms).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

fn respond<T: Serialize>(reply: &Reply<T>) -> http::Response<Bytes> {
    crate::reply::encode(reply).unwrap_or_else(|e| {
        ApiFailure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL,
            format!("cannot encode the response: {e}"),
        )
        .into_response()
    })
}

fn ok<T: Serialize>(body: T) -> Result<Outcome, ApiFailure> {
    Ok(Outcome::Respond(respond(&Reply::json(body))))
}

fn no_content() -> Result<Outcome, ApiFailure> {
    Ok(Outcome::Respond(respond(&Reply::no_content())))
}

fn view(user: &User, redact: bool) -> UserView {
    let traffic = user.traffic.unwrap_or_default();
    let rate = user.rate.unwrap_or_default();
    UserView {
        id: Some(user.id.clone()),
        username: (!redact).then(|| user.username.clone()),
        tags: (!redact).then(|| user.tags.clone().unwrap_or_default()),
        metadata: Some(
            user.metadata
                .as_ref()
                .map(metadata_as_strings)
                .unwrap_or_default(),
        ),
        traffic: (!redact).then_some(Traffic {
            allocated: Some(traffic.allocated.unwrap_or(0)),
            used: Some(traffic.used.unwrap_or(0)),
        }),
        rate: (!redact).then_some(Rate {
            up: null_if_absent(rate.up),
            down: null_if_absent(rate.down),
        }),
    }
}

/// The kernel always sends nullable members; an absent one is `null`.
fn null_if_absent<T>(value: Patch<T>) -> Patch<T> {
    match value {
        Patch::Absent => Patch::Null,
        other => other,
    }
}

fn apply_traffic(user: &mut User, patch: &TrafficPatch) {
    let mut traffic = user.traffic.unwrap_or_default();
    if let Some(a) = patch.allocated {
        traffic.allocated = Some(a);
    }
    if let Some(u) = patch.used {
        traffic.used = Some(u);
    }
    user.traffic = Some(traffic);
}

fn apply_rate(user: &mut User, patch: &RatePatch) {
    let mut rate = user.rate.unwrap_or_default();
    if !patch.up.is_absent() {
        rate.up = patch.up;
    }
    if !patch.down.is_absent() {
        rate.down = patch.down;
    }
    user.rate = Some(rate);
}

fn node_event_kind(status: &HealthStatus) -> Option<(NodeEventKind, NodeEventStatus)> {
    match status {
        HealthStatus::Healthy => Some((NodeEventKind::NodeHealthy, NodeEventStatus::Healthy)),
        HealthStatus::Degraded { .. } => {
            Some((NodeEventKind::NodeDegraded, NodeEventStatus::Degraded))
        }
        HealthStatus::Unhealthy { .. } => {
            Some((NodeEventKind::NodeUnhealthy, NodeEventStatus::Unhealthy))
        }
        _ => None,
    }
}

fn is_tls(upsert: &ProtocolUpsertRequest) -> bool {
    upsert.profile.protocol == crate::protocols::ProfileProtocol::AnyTls
        || matches!(upsert.profile.profile.get("tls"), Some(Value::Object(_)))
}

fn audit_action(request: &Request) -> &'static str {
    match request {
        Request::RefreshProvider(_) => "api.rules.providers.refresh",
        Request::PatchTlsNode(_) => "api.tls.nodes.patch",
        Request::SetRateLimit(_) => "api.security.rate_limits.set",
        Request::DeleteRateLimit(_) => "api.security.rate_limits.delete",
        Request::RegisterEvent(_) => "api.events.register",
        Request::DeleteEventRegistration(_) => "api.events.unregister",
        Request::RegisterServiceEvent(_) => "api.service_events.register",
        Request::DeleteServiceEventRegistration(_) => "api.service_events.unregister",
        Request::UpsertProtocol(_) => "api.protocols.upsert",
        Request::DeleteProtocol(_) => "api.protocols.delete",
        Request::CreateUser(_) => "api.users.create",
        Request::ImportUsers(_) => "api.users.import",
        Request::UpdateUser(_) => "api.users.update",
        Request::PatchUser(_) => "api.users.patch",
        Request::DeleteUser(_) => "api.users.delete",
        Request::Export(_) => "api.export",
        _ => "api.read",
    }
}

fn audit_target(request: &Request) -> Option<String> {
    match request {
        Request::RefreshProvider(r) => Some(r.id.clone()),
        Request::PatchTlsNode(r) => Some(r.id.clone()),
        Request::SetRateLimit(r) => Some(r.body.key.clone()),
        Request::DeleteRateLimit(r) => Some(r.key.clone()),
        Request::DeleteEventRegistration(r) => Some(r.id.clone()),
        Request::DeleteServiceEventRegistration(r) => Some(r.id.clone()),
        Request::UpsertProtocol(r) => Some(r.body.profile.id.clone()),
        Request::DeleteProtocol(r) => Some(r.id.clone()),
        Request::CreateUser(r) => Some(r.body.id.clone()),
        Request::ImportUsers(_) => Some("users".to_owned()),
        Request::UpdateUser(r) => Some(r.id.clone()),
        Request::PatchUser(r) => Some(r.id.clone()),
        Request::DeleteUser(r) => Some(r.id.clone()),
        Request::Export(r) => Some(r.body.path.clone()),
        _ => None,
    }
}

/// Who called, as the audit log names it: `api-key:<access key>` for Basic auth.
fn actor(headers: &http::HeaderMap, config: &crate::auth::AuthConfig) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?;
    let text = String::from_utf8_lossy(value.as_bytes());
    let (scheme, _) = text.trim().split_once(' ')?;
    if scheme.eq_ignore_ascii_case("basic") {
        config.basic.as_ref().map(|(ak, _)| format!("api-key:{ak}"))
    } else {
        Some("token".to_owned())
    }
}

impl MockKernel {
    /// A kernel without nodes or users.
    pub fn new(config: MockConfig) -> Self {
        let providers = config
            .providers
            .iter()
            .map(|name| {
                (
                    name.clone(),
                    ProviderStatus {
                        name: Some(name.clone()),
                        checksum: Patch::Null,
                        last_success_unix_ms: Patch::Null,
                        last_attempt_unix_ms: Patch::Null,
                        etag: Patch::Null,
                        state: Some(ProviderState::Pending),
                        last_error: Patch::Null,
                    },
                )
            })
            .collect();
        Self {
            config,
            nodes: BTreeMap::new(),
            users: BTreeMap::new(),
            node_registrations: Vec::new(),
            service_registrations: Vec::new(),
            rate_limits: RateLimitOverridesSnapshot {
                endpoints: Some(BTreeMap::new()),
                identities: Some(BTreeMap::new()),
            },
            providers,
            audit: Vec::new(),
            traffic: BTreeMap::new(),
            events: Vec::new(),
            effects: Effects::default(),
            sequence: 0,
        }
    }

    /// The settings.
    pub fn config(&self) -> &MockConfig {
        &self.config
    }

    /// The ids of every node.
    pub fn node_ids(&self) -> Vec<String> {
        self.nodes.keys().cloned().collect()
    }

    /// The ids of a node's own users (empty for an unknown node).
    pub fn node_user_ids(&self, node_id: &str) -> Vec<String> {
        self.nodes
            .get(node_id)
            .and_then(|n| n.upsert.users.as_ref())
            .map(|users| users.iter().map(|u| u.id.clone()).collect())
            .unwrap_or_default()
    }

    /// Every event emitted so far.
    pub fn event_log(&self) -> &[EventEnvelope] {
        &self.events
    }

    /// Takes the side effects accumulated since the last call.
    pub fn take_effects(&mut self) -> Effects {
        std::mem::take(&mut self.effects)
    }

    /// A fresh id shaped like a UUIDv7 (time-ordered), as the kernel's ids are.
    fn next_id(&mut self) -> String {
        self.sequence += 1;
        let ms = now_ms();
        let mix = self
            .sequence
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(17);
        format!(
            "{:08x}-{:04x}-7{:03x}-{:04x}-{:012x}",
            (ms >> 16) & 0xffff_ffff,
            ms & 0xffff,
            self.sequence & 0xfff,
            0x8000 | (mix & 0x3fff),
            (mix >> 16) & 0xffff_ffff_ffff
        )
    }

    /// Handles one request.
    pub fn handle(&mut self, head: &http::request::Parts, body: Body) -> Outcome {
        let bytes = match body {
            Body::Complete(bytes) => bytes,
            Body::TooLarge => {
                return Outcome::Respond(
                    ApiFailure::payload_too_large(self.config.body_limit).into_response(),
                );
            }
        };
        let mut request = http::Request::new(bytes);
        *request.method_mut() = head.method.clone();
        *request.uri_mut() = head.uri.clone();
        *request.headers_mut() = head.headers.clone();
        let decoded = match Request::from_http(&request, &self.config.auth) {
            Ok(decoded) => decoded,
            Err(failure) => return Outcome::Respond(failure.into_response()),
        };
        let upgrade = head
            .headers
            .get(header::UPGRADE)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
        let outcome = self.dispatch(&decoded, upgrade);
        if decoded.is_mutating() {
            let success = matches!(&outcome, Ok(Outcome::Respond(r)) if r.status().is_success());
            let detail = outcome.as_ref().err().map(|f| f.body.message.clone());
            self.record_audit(&decoded, &head.headers, head.uri.path(), success, detail);
        }
        outcome.unwrap_or_else(|failure| Outcome::Respond(failure.into_response()))
    }

    fn record_audit(
        &mut self,
        request: &Request,
        headers: &http::HeaderMap,
        path: &str,
        success: bool,
        detail: Option<String>,
    ) {
        let id = self.next_id();
        let request_id = format!("req-{}", self.audit.len() + 1);
        self.audit.push(AuditRecord {
            id: Some(id),
            timestamp_ms: Some(now_ms()),
            channel: Some("http".to_owned()),
            endpoint: Some(path.to_owned()),
            action: Some(audit_action(request).to_owned()),
            actor: actor(headers, &self.config.auth).map_or(Patch::Null, Patch::Value),
            target: audit_target(request).map_or(Patch::Null, Patch::Value),
            success: Some(success),
            detail: detail.map_or(Patch::Null, Patch::Value),
            metadata: Some(BTreeMap::from([("request_id".to_owned(), request_id)])),
        });
    }

    fn dispatch(&mut self, request: &Request, upgrade: bool) -> Result<Outcome, ApiFailure> {
        match request {
            Request::GetHealthz(_) => Ok(Outcome::Respond(respond(&Reply::text("ok")))),
            Request::GetStatus(q) => ok(self.status(
                q.include.as_deref().or(q.fields.as_deref()),
                q.redact_users.unwrap_or(false),
                q.rate_limit_summary.unwrap_or(false),
            )),
            Request::GetTraffic(q) => ok(self.traffic_summary(&q.node, &q.protocol)),
            Request::StatusStream(s) => Ok(Outcome::StatusStream(StatusSubscription::new(
                s.query.clone(),
            ))),
            Request::EventsStream(s) => Ok(Outcome::EventStream(EventSubscription {
                filter: s
                    .events
                    .as_deref()
                    .map(parse_events_filter)
                    .unwrap_or_default(),
            })),
            Request::StatusWs(_) | Request::EventsWs(_) => Err(if upgrade {
                ApiFailure::new(
                    StatusCode::NOT_IMPLEMENTED,
                    codes::NOT_IMPLEMENTED,
                    "this mock serves the streams over SSE only",
                )
            } else {
                ApiFailure::new(
                    StatusCode::UPGRADE_REQUIRED,
                    codes::UPGRADE_REQUIRED,
                    "a WebSocket upgrade is required",
                )
            }),
            Request::ListInterfaces(_) => ok(InterfaceListResponse {
                interfaces: Some(vec![InterfaceSummary {
                    name: Some("lo".to_owned()),
                    mac: Patch::Null,
                    mtu: Patch::Value(65536),
                    is_up: Some(true),
                    is_loopback: Some(true),
                    kind: Some(InterfaceKindSummary::Virtual),
                    addresses: Some(vec![InterfaceAddressSummary {
                        family: Some("ipv4".to_owned()),
                        address: Some("127.0.0.1".to_owned()),
                        prefix: Some(8),
                    }]),
                }]),
            }),
            Request::ListProviders(_) => ok(self.providers.values().cloned().collect::<Vec<_>>()),
            Request::RefreshProvider(r) => self.refresh_provider(&r.id),
            Request::ListTlsNodes(_) => ok(self.tls_nodes()),
            Request::GetTlsNode(r) => ok(self.tls_node(&r.id)?),
            Request::PatchTlsNode(r) => self.patch_tls_node(r),
            Request::ListAudit(q) => ok(self.audit_records(q)),
            Request::GetAuditHealth(_) => ok(AuditHealthSnapshot {
                queued: Some(0),
                dropped: Some(0),
                sink_failures: Some(0),
                last_error: Patch::Null,
                sinks: Some(vec![AuditSinkHealth {
                    name: Some("memory".to_owned()),
                    failures: Some(0),
                }]),
            }),
            Request::GetRateLimits(_) => ok(self.rate_limits.clone()),
            Request::SetRateLimit(r) => {
                let map = self.rate_map(&r.body.scope);
                map.insert(r.body.key.clone(), r.body.max_requests_per_minute);
                ok(RateLimitOverrideResponse {
                    scope: Some(r.body.scope.clone()),
                    key: Some(r.body.key.clone()),
                    max_requests_per_minute: Some(r.body.max_requests_per_minute),
                })
            }
            Request::DeleteRateLimit(r) => match self.rate_map(&r.scope).remove(&r.key) {
                Some(_) => no_content(),
                None => Err(ApiFailure::not_found(format!(
                    "no {} override for `{}`",
                    r.scope, r.key
                ))),
            },
            Request::ListEventRegistrations(_) => ok(self
                .node_registrations
                .iter()
                .map(|r| r.record.clone())
                .collect::<Vec<_>>()),
            Request::RegisterEvent(r) => ok(self.register_node_event(
                r.body.event,
                &r.body.callback,
                r.body.secret.value().cloned(),
            )),
            Request::DeleteEventRegistration(r) => {
                let before = self.node_registrations.len();
                self.node_registrations
                    .retain(|reg| reg.record.id.as_deref() != Some(r.id.as_str()));
                if self.node_registrations.len() < before {
                    no_content()
                } else {
                    Err(ApiFailure::not_found(format!("no registration `{}`", r.id)))
                }
            }
            Request::ListServiceEventRegistrations(_) => ok(self
                .service_registrations
                .iter()
                .map(|r| r.record.clone())
                .collect::<Vec<_>>()),
            Request::RegisterServiceEvent(r) => ok(self.register_service_event(
                r.body.event.kind(),
                &r.body.callback,
                r.body.secret.value().cloned(),
            )),
            Request::DeleteServiceEventRegistration(r) => {
                let before = self.service_registrations.len();
                self.service_registrations
                    .retain(|reg| reg.record.id.as_deref() != Some(r.id.as_str()));
                if self.service_registrations.len() < before {
                    no_content()
                } else {
                    Err(ApiFailure::not_found(format!("no registration `{}`", r.id)))
                }
            }
            Request::ListProtocols(_) => ok(self
                .nodes
                .values()
                .map(|n| summary(&n.upsert))
                .collect::<Vec<_>>()),
            Request::UpsertProtocol(r) => ok(self.upsert(r.body.clone())),
            Request::DeleteProtocol(r) => {
                let node = self
                    .nodes
                    .remove(&r.id)
                    .ok_or_else(|| ApiFailure::not_found(format!("no node `{}`", r.id)))?;
                self.node_event(NodeEventKind::NodeRemoved, &node, "removed");
                no_content()
            }
            Request::ListProtocolUsers(r) => ok(self.node_users(r)?),
            Request::ListUsers(q) => {
                let redact = q.redact.unwrap_or(false);
                ok(self
                    .users
                    .values()
                    .map(|u| view(u, redact))
                    .collect::<Vec<_>>())
            }
            Request::CreateUser(r) => {
                let body = &r.body;
                if self.users.contains_key(&body.id) {
                    return Err(ApiFailure::conflict(format!("user `{}` exists", body.id)));
                }
                let mut user = User::new(
                    body.id.clone(),
                    body.username.clone(),
                    body.password.clone(),
                );
                user.metadata = body.metadata.clone();
                user.tags = body.tags.clone();
                if let Some(t) = &body.traffic {
                    apply_traffic(&mut user, t);
                }
                if let Some(rate) = &body.rate {
                    apply_rate(&mut user, rate);
                }
                self.users.insert(body.id.clone(), user);
                ok(UserCreateResponse {
                    id: Some(body.id.clone()),
                })
            }
            Request::ImportUsers(r) => {
                let mut users = BTreeMap::new();
                for user in &r.body {
                    if users.insert(user.id.clone(), user.clone()).is_some() {
                        return Err(ApiFailure::bad_request(format!(
                            "duplicate user id `{}`",
                            user.id
                        )));
                    }
                }
                self.users = users;
                ok(UsersImportResponse {
                    imported: Some(self.users.len() as u64),
                })
            }
            Request::GetUser(r) => {
                let user = self
                    .users
                    .get(&r.id)
                    .ok_or_else(|| ApiFailure::not_found(format!("no user `{}`", r.id)))?;
                ok(view(user, r.redact.unwrap_or(false)))
            }
            Request::UpdateUser(r) => self.update_user(&r.id, &r.body),
            Request::PatchUser(r) => self.update_user(&r.id, &r.body),
            Request::DeleteUser(r) => match self.users.remove(&r.id) {
                Some(_) => no_content(),
                None => Err(ApiFailure::not_found(format!("no user `{}`", r.id))),
            },
            Request::Export(r) => self.export(&r.body),
        }
    }

    fn rate_map(&mut self, scope: &RateLimitOverrideScope) -> &mut BTreeMap<String, u64> {
        let slot = if *scope == RateLimitOverrideScope::Identity {
            &mut self.rate_limits.identities
        } else {
            &mut self.rate_limits.endpoints
        };
        slot.get_or_insert_with(BTreeMap::new)
    }

    fn refresh_provider(&mut self, name: &str) -> Result<Outcome, ApiFailure> {
        self.sequence += 1;
        let sequence = self.sequence;
        let provider = self
            .providers
            .get_mut(name)
            .ok_or_else(|| ApiFailure::not_found(format!("no provider `{name}`")))?;
        let now = now_ms();
        provider.last_attempt_unix_ms = Patch::Value(now);
        provider.last_success_unix_ms = Patch::Value(now);
        provider.checksum = Patch::Value(format!(
            "{:06x}",
            sequence.wrapping_mul(0x2545_F491) & 0xff_ffff
        ));
        provider.etag = Patch::Value(format!("etag-{sequence}"));
        provider.state = Some(ProviderState::Healthy);
        provider.last_error = Patch::Null;
        ok(provider.clone())
    }

    fn tls_nodes(&self) -> Vec<TlsNodeSummary> {
        self.nodes
            .values()
            .filter(|n| is_tls(&n.upsert))
            .map(|n| {
                let p = &n.upsert.profile;
                let tls = p.profile.get("tls");
                TlsNodeSummary {
                    id: Some(p.id.clone()),
                    role: Some(p.role.clone()),
                    tags: Some(p.tags.clone().unwrap_or_default()),
                    description: null_if_absent(p.description.clone()),
                    inner_protocol: Some(
                        p.profile
                            .get("inner")
                            .and_then(|i| i.get("protocol"))
                            .and_then(Value::as_str)
                            .unwrap_or(p.protocol.as_str())
                            .to_owned(),
                    ),
                    tls_mode: Some(
                        tls.and_then(|t| t.get("mode"))
                            .and_then(Value::as_str)
                            .map_or(TlsMode::Server, TlsMode::from),
                    ),
                    has_reality: Some(tls.and_then(|t| t.get("reality")).is_some()),
                }
            })
            .collect()
    }

    fn tls_node(&self, id: &str) -> Result<TlsNodeDetail, ApiFailure> {
        let node = self
            .nodes
            .get(id)
            .filter(|n| is_tls(&n.upsert))
            .ok_or_else(|| ApiFailure::not_found(format!("no TLS node `{id}`")))?;
        let u = &node.upsert;
        Ok(TlsNodeDetail {
            id: Some(u.profile.id.clone()),
            role: Some(u.profile.role.clone()),
            tags: Some(u.profile.tags.clone().unwrap_or_default()),
            description: null_if_absent(u.profile.description.clone()),
            listen: null_if_absent(u.listen.clone()),
            connect: null_if_absent(u.connect.clone()),
            profile: Some(u.profile.profile.clone()),
        })
    }

    fn patch_tls_node(&mut self, r: &PatchTlsNode) -> Result<Outcome, ApiFailure> {
        self.tls_node(&r.id)?;
        if let Some(node) = self.nodes.get_mut(&r.id) {
            let profile = &mut node.upsert.profile.profile;
            for (key, patch) in [("tls", &r.body.tls), ("inner", &r.body.inner)] {
                if let Some(patch) = patch {
                    let slot = profile
                        .entry(key.to_owned())
                        .or_insert_with(|| Value::Object(Map::new()));
                    merge(slot, &Value::Object(patch.clone()));
                }
            }
        }
        ok(self.tls_node(&r.id)?)
    }

    fn audit_records(&self, q: &ListAudit) -> Vec<AuditRecord> {
        let matches = |r: &&AuditRecord| {
            q.since_ms.is_none_or(|s| r.timestamp_ms.unwrap_or(0) >= s)
                && q.success.is_none_or(|s| r.success == Some(s))
                && q.action
                    .as_ref()
                    .is_none_or(|a| r.action.as_ref() == Some(a))
                && q.actor.as_ref().is_none_or(|a| r.actor.value() == Some(a))
                && q.target
                    .as_ref()
                    .is_none_or(|t| r.target.value() == Some(t))
        };
        let selected: Vec<AuditRecord> = self.audit.iter().filter(matches).cloned().collect();
        let skip = q.limit.map_or(0, |l| {
            selected
                .len()
                .saturating_sub(usize::try_from(l).unwrap_or(usize::MAX))
        });
        selected.into_iter().skip(skip).collect()
    }

    fn register_node_event(
        &mut self,
        event: NodeEventKind,
        callback: &str,
        secret: Option<Secret>,
    ) -> EventRegistrationRecord {
        if let Some(existing) = self.node_registrations.iter_mut().find(|r| {
            r.record.event.as_deref() == Some(event.as_str())
                && r.record.callback.as_deref() == Some(callback)
        }) {
            existing.secret = secret;
            return existing.record.clone();
        }
        let record = EventRegistrationRecord {
            id: Some(self.next_id()),
            event: Some(event.as_str().to_owned()),
            callback: Some(callback.to_owned()),
            created_at_ms: Some(now_ms()),
        };
        self.node_registrations.push(Registration {
            record: record.clone(),
            secret,
        });
        record
    }

    fn register_service_event(
        &mut self,
        event: ServiceEventKind,
        callback: &str,
        secret: Option<Secret>,
    ) -> EventSubscriptionRecord {
        if let Some(existing) = self.service_registrations.iter_mut().find(|r| {
            r.record.event.as_deref() == Some(event.as_str())
                && r.record.callback.as_deref() == Some(callback)
        }) {
            existing.secret = secret;
            return existing.record.clone();
        }
        let record = EventSubscriptionRecord {
            id: Some(self.next_id()),
            event: Some(event.as_str().to_owned()),
            callback: Some(callback.to_owned()),
            created_at_ms: Some(now_ms()),
        };
        self.service_registrations.push(Registration {
            record: record.clone(),
            secret,
        });
        record
    }

    fn upsert(&mut self, upsert: ProtocolUpsertRequest) -> ProtocolSummary {
        let id = upsert.profile.id.clone();
        let out = summary(&upsert);
        match self.nodes.get_mut(&id) {
            Some(node) => node.upsert = upsert,
            None => {
                let node = Node {
                    upsert,
                    health: HealthStatus::Healthy,
                    consecutive_failures: 0,
                    last_failure_ms: None,
                };
                self.node_event(NodeEventKind::NodeAdded, &node, "added");
                self.nodes.insert(id, node);
            }
        }
        out
    }

    fn node_users(&self, r: &ListProtocolUsers) -> Result<Vec<UserView>, ApiFailure> {
        let node = self
            .nodes
            .get(&r.id)
            .ok_or_else(|| ApiFailure::not_found(format!("no node `{}`", r.id)))?;
        let redact = r.redact.unwrap_or(false);
        let mut users: Vec<UserView> = node
            .upsert
            .users
            .iter()
            .flatten()
            .map(|u| view(u, redact))
            .collect();
        if r.all.unwrap_or(false) {
            for user in self.users.values() {
                if !users
                    .iter()
                    .any(|v| v.id.as_deref() == Some(user.id.as_str()))
                {
                    users.push(view(user, redact));
                }
            }
        }
        Ok(users)
    }

    fn update_user(&mut self, id: &str, body: &UserPatchRequest) -> Result<Outcome, ApiFailure> {
        let user = self
            .users
            .get_mut(id)
            .ok_or_else(|| ApiFailure::not_found(format!("no user `{id}`")))?;
        let before = user.traffic.unwrap_or_default().allocated;
        if let Some(password) = &body.password {
            user.password = password.clone();
        }
        if let Some(t) = &body.traffic {
            apply_traffic(user, t);
        }
        if let Some(rate) = &body.rate {
            apply_rate(user, rate);
        }
        if let Some(metadata) = &body.metadata {
            user.metadata = Some(metadata.clone());
        }
        if let Some(tags) = &body.tags {
            user.tags = Some(tags.clone());
        }
        let after = user.traffic.unwrap_or_default().allocated;
        if before != after {
            let mut payload = Map::new();
            payload.insert("user_id".to_owned(), json!(id));
            payload.insert("allocated".to_owned(), json!(after.unwrap_or(0)));
            payload.insert("previous_allocated".to_owned(), json!(before.unwrap_or(0)));
            self.service_event(ServiceEventKind::UserQuotaChanged, payload);
        }
        ok(UserPatchResponse {
            id: Some(id.to_owned()),
        })
    }

    fn export(&self, body: &crate::export::ExportRequest) -> Result<Outcome, ApiFailure> {
        if !body.path.starts_with('/') {
            return Err(ApiFailure::bad_request("`path` must be absolute"));
        }
        let selected: Vec<String> = match &body.protocol_ids {
            Some(ids) => {
                if let Some(unknown) = ids.iter().find(|id| !self.nodes.contains_key(*id)) {
                    return Err(ApiFailure::bad_request(format!("unknown node `{unknown}`")));
                }
                ids.clone()
            }
            None => self.nodes.keys().cloned().collect(),
        };
        ok(ExportResponse {
            path: Some(body.path.clone()),
            protocols: Some(selected.len() as u64),
            version: Some(
                body.version_label
                    .clone()
                    .unwrap_or_else(|| "v1".to_owned()),
            ),
            users: if body.include_users == Some(true) {
                Patch::Value(self.users.len() as u64)
            } else {
                Patch::Null
            },
            api: if body.include_api == Some(true) {
                Patch::Value(true)
            } else {
                Patch::Null
            },
            pipeline: Some(PipelineExportMeta {
                strategies: Some(0),
                rules: Some(0),
                resolved_rules: if body.resolve_providers == Some(true) {
                    Patch::Value(0)
                } else {
                    Patch::Null
                },
            }),
            filters: Some(ExportFilters {
                protocols: body.protocol_ids.clone(),
            }),
        })
    }

    fn traffic_summary(&self, nodes: &[String], protocols: &[String]) -> TrafficSummaryResponse {
        let rows: Vec<NodeProtocolTrafficSummary> = self
            .traffic
            .iter()
            .filter(|((n, p), _)| {
                (nodes.is_empty() || nodes.contains(n))
                    && (protocols.is_empty() || protocols.contains(p))
            })
            .map(|((n, p), (up, down))| NodeProtocolTrafficSummary {
                node_id: Some(n.clone()),
                protocol: Some(p.clone()),
                bytes_up: Some(*up),
                bytes_down: Some(*down),
            })
            .collect();
        TrafficSummaryResponse {
            generated_at_ms: Some(now_ms()),
            bytes_up: Some(rows.iter().filter_map(|r| r.bytes_up).sum()),
            bytes_down: Some(rows.iter().filter_map(|r| r.bytes_down).sum()),
            by_node_protocol: Some(rows),
        }
    }

    fn emit(&mut self, event: EventName, payload: Map<String, Value>) -> EventEnvelope {
        let envelope = EventEnvelope {
            event,
            event_id: Some(self.next_id()),
            occurred_at_ms: Some(now_ms()),
            payload: Some(payload),
        };
        self.events.push(envelope.clone());
        self.effects.events.push(envelope.clone());
        envelope
    }

    fn node_event(&mut self, kind: NodeEventKind, node: &Node, message: &str) {
        let node_id = node.upsert.profile.id.clone();
        let now = now_ms();
        let mut payload = Map::new();
        payload.insert("event".to_owned(), json!(kind.as_str()));
        payload.insert("node_id".to_owned(), json!(node_id));
        payload.insert("triggered_at".to_owned(), json!(rfc3339(now)));
        self.emit(EventName::from(kind.stream_name()), payload);
        let status = node_event_kind(&node.health).map(|(_, s)| s);
        let body = KernelNodeEventRequest {
            event: NodeEventName::from(kind.as_str()),
            id: Some(node_id.clone()),
            node_id: Some(node_id),
            protocol: Some(node.upsert.profile.protocol.as_str().to_owned()),
            status,
            message: Some(message.to_owned()),
            observed_at: Some(now / 1000),
        }
        .shaped(self.config.webhook_shape);
        let deliveries: Vec<Delivery> = self
            .node_registrations
            .iter()
            .filter(|r| r.record.event.as_deref() == Some(kind.as_str()))
            .filter_map(|r| {
                Some(Delivery {
                    callback: Callback {
                        url: r.record.callback.clone()?,
                        token: r.secret.clone(),
                    },
                    body: DeliveryBody::NodeEvent(body.clone()),
                })
            })
            .collect();
        self.effects.deliveries.extend(deliveries);
    }

    fn service_event(&mut self, kind: ServiceEventKind, payload: Map<String, Value>) {
        let envelope = self.emit(EventName::from(kind.as_str()), payload);
        let body = KernelServiceEventRequest {
            event: envelope.event.clone(),
            event_id: envelope.event_id.clone(),
            occurred_at_ms: envelope.occurred_at_ms,
            payload: envelope.payload.clone().map(EventPayload::Object),
            records: None,
        }
        .shaped(self.config.webhook_shape);
        let deliveries: Vec<Delivery> = self
            .service_registrations
            .iter()
            .filter(|r| r.record.event.as_deref() == Some(kind.as_str()))
            .filter_map(|r| {
                Some(Delivery {
                    callback: Callback {
                        url: r.record.callback.clone()?,
                        token: r.secret.clone(),
                    },
                    body: DeliveryBody::ServiceEvent(body.clone()),
                })
            })
            .collect();
        self.effects.deliveries.extend(deliveries);
    }

    /// Sets a node's health, as the kernel's probes would. A change of state emits
    /// `node.healthy` / `node.degraded` / `node.unhealthy` and the matching callbacks.
    pub fn set_health(&mut self, node_id: &str, health: HealthStatus) -> Result<(), ApiFailure> {
        let node = self
            .nodes
            .get_mut(node_id)
            .ok_or_else(|| ApiFailure::not_found(format!("no node `{node_id}`")))?;
        let changed = node.health.label() != health.label();
        node.consecutive_failures = health.consecutive_failures().unwrap_or(0);
        if health.consecutive_failures().is_some() {
            node.last_failure_ms = Some(now_ms());
        }
        node.health = health;
        let node = node.clone();
        if changed && let Some((kind, _)) = node_event_kind(&node.health) {
            self.node_event(kind, &node, &node.health.to_string());
        }
        Ok(())
    }

    /// Records traffic of `user_id` through `node_id`, as the kernel's accounting would: the
    /// node's counters and the user's used bytes grow, `user.traffic.reported` is emitted, and
    /// a traffic batch goes to [`MockConfig::traffic_callback`] when the user's id (or its
    /// `subscription_id` metadata) is a panel number.
    pub fn record_traffic(
        &mut self,
        node_id: &str,
        user_id: &str,
        bytes_up: u64,
        bytes_down: u64,
    ) -> Result<(), ApiFailure> {
        let protocol = self
            .nodes
            .get(node_id)
            .map(|n| n.upsert.profile.protocol.as_str().to_owned())
            .ok_or_else(|| ApiFailure::not_found(format!("no node `{node_id}`")))?;
        let node_user = self
            .nodes
            .get_mut(node_id)
            .and_then(|n| n.upsert.users.as_mut())
            .and_then(|users| users.iter_mut().find(|u| u.id == user_id));
        let user = match node_user {
            Some(user) => user,
            None => self
                .users
                .get_mut(user_id)
                .ok_or_else(|| ApiFailure::not_found(format!("no user `{user_id}`")))?,
        };
        let mut traffic = user.traffic.unwrap_or_default();
        let previous = traffic.used.unwrap_or(0);
        let current = previous.saturating_add(bytes_up).saturating_add(bytes_down);
        traffic.used = Some(current);
        user.traffic = Some(traffic);
        let remaining = |used: u64| traffic.allocated.map(|a| a.saturating_sub(used));
        let subscription = user
            .metadata
            .as_ref()
            .and_then(|m| m.get("subscription_id"))
            .map(MetadataValue::to_text);
        let counters = self
            .traffic
            .entry((node_id.to_owned(), protocol.clone()))
            .or_insert((0, 0));
        counters.0 = counters.0.saturating_add(bytes_up);
        counters.1 = counters.1.saturating_add(bytes_down);

        let report = UserTrafficReported {
            user_id: Some(PanelId::Text(user_id.to_owned())),
            subscription_id: subscription.clone().map(PanelId::Text),
            previous: Some(TrafficReading {
                used: Some(previous),
                remaining: remaining(previous),
            }),
            current: Some(TrafficReading {
                used: Some(current),
                remaining: remaining(current),
            }),
        };
        if let Ok(Value::Object(payload)) = serde_json::to_value(&report) {
            self.service_event(ServiceEventKind::UserTrafficReported, payload);
        }

        let panel_user = user_id.parse::<u64>().ok();
        let panel_subscription = subscription.and_then(|s| s.parse::<u64>().ok());
        if let Some(callback) = self.config.traffic_callback.clone()
            && (panel_user.is_some() || panel_subscription.is_some())
        {
            self.effects.deliveries.push(Delivery {
                callback,
                body: DeliveryBody::Traffic(
                    KernelTrafficReportRequest {
                        records: vec![KernelTrafficRecord {
                            user_id: panel_user,
                            subscription_id: panel_subscription,
                            protocol: Some(protocol),
                            node_id: None,
                            binding_id: None,
                            bytes_up,
                            bytes_down,
                            observed_at: Some(now_ms() / 1000),
                        }],
                    }
                    .shaped(self.config.webhook_shape),
                ),
            });
        }
        Ok(())
    }
}

fn summary(upsert: &ProtocolUpsertRequest) -> ProtocolSummary {
    let p = &upsert.profile;
    ProtocolSummary {
        id: Some(p.id.clone()),
        role: Some(p.role.clone()),
        protocol: Some(p.protocol.as_str().to_owned()),
        tags: Some(p.tags.clone().unwrap_or_default()),
        description: null_if_absent(p.description.clone()),
        listen: null_if_absent(upsert.listen.clone()),
        connect: null_if_absent(upsert.connect.clone()),
        user_count: Some(upsert.users.as_ref().map_or(0, Vec::len) as u64),
    }
}

/// JSON merge: objects merge key by key, anything else replaces.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (key, value) in p {
                match t.get_mut(key) {
                    Some(slot) if slot.is_object() && value.is_object() => merge(slot, value),
                    _ => {
                        t.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// How long to wait between status frames.
pub(crate) fn interval(query: &StatusStreamQuery) -> Duration {
    Duration::from_secs(u64::from(query.interval.unwrap_or(5).clamp(1, 60)))
}

#[cfg(test)]
mod tests;
