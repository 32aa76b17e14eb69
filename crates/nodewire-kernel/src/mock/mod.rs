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
//! Wrap it in any HTTP server: call [`MockKernel::admit`] on the request head and send its
//! refusal without reading the body (authentication, then routing); else read the body (up
//! to [`MockConfig::body_limit`]), call [`MockKernel::handle`], send the response or serve the
//! stream it asks for (its text comes from [`SseStream`] and [`WsStream`]), then deliver
//! [`MockKernel::take_effects`].
//! [`MockKernel::simulate_tick`] gives a mock left running traffic and health changes.
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
//! - the WebSocket routes answer `426` without `Upgrade: websocket`; with it they serve the
//!   same frames and events as their SSE twins, one JSON text message each ([`WsStream`]).

mod audit;
mod export;
mod interfaces;
mod protocols;
mod registrations;
mod rules;
mod security;
mod simulate;
mod snapshot;
mod sse;
mod status;
mod streams;
mod tls;
mod traffic;
mod users;
mod webhooks;
mod ws;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{StatusCode, header};
use nodewire_common::server::{RequestEnum, request_from_parts};
use nodewire_common::{IntoRequestError, Patch, Secret};
use serde::Serialize;

use crate::audit::AuditRecord;
use crate::endpoints::StatusStreamQuery;
use crate::envelope::Reply;
use crate::envelope::codes;
use crate::protocols::ProtocolUpsertRequest;
use crate::registrations::{EventRegistrationRecord, EventSubscriptionRecord, NodeEventKind};
use crate::rules::{ProviderState, ProviderStatus};
use crate::security::RateLimitOverridesSnapshot;
use crate::server::{ApiFailure, Request};
use crate::status::{HealthFormat, HealthStatus};
use crate::streams::{EventCategory, EventEnvelope};
use crate::users::{Rate, Traffic, User, UserView, metadata_as_strings};
use crate::webhooks::{
    KernelNodeEventRequest, KernelServiceEventRequest, KernelTrafficReportRequest, NodeEventStatus,
    WebhookShape, callback_request,
};

pub use nodewire_common::server::Body;
pub use snapshot::StatusSubscription;
pub use sse::{SSE_KEEPALIVE, SSE_OPENING, SseStream};
pub use ws::WsStream;

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
    /// Complete the WebSocket handshake (`101`) and send the [`WsStream`]'s messages.
    WebSocket(WsStream),
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

/// What a handler answers: what to send, or the failure to render.
type Answer = Result<Outcome, ApiFailure>;

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
    crate::envelope::encode(reply).unwrap_or_else(|e| {
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

    /// The checks the request head decides, in the kernel's order: authentication (401;
    /// `GET /healthz` needs none), the panel's discovery path (404), routing (404, 405 with
    /// `Allow`) ([`Request::admit`]). `Err` is the refusal to send
    /// ([`ApiFailure::into_response`]) without reading the body; after `Ok`, read the body and
    /// call [`handle`](Self::handle), which checks again.
    pub fn admit(&self, head: &http::request::Parts) -> Result<(), ApiFailure> {
        Request::admit(head, &self.config.auth)
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
        let request = request_from_parts(head, bytes);
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

    /// One handler per operation (the files of this module are named after the kernel's
    /// areas).
    fn dispatch(&mut self, request: &Request, upgrade: bool) -> Answer {
        match request {
            Request::GetHealthz(_) => self.get_healthz(),
            Request::GetStatus(q) => self.get_status(q),
            Request::GetTraffic(q) => self.get_traffic(q),
            Request::StatusStream(call) => self.status_stream(call),
            Request::EventsStream(call) => self.events_stream(call),
            Request::StatusWs(call) => self.status_ws(call, upgrade),
            Request::EventsWs(call) => self.events_ws(call, upgrade),
            Request::ListInterfaces(_) => self.list_interfaces(),
            Request::ListProviders(_) => self.list_providers(),
            Request::RefreshProvider(call) => self.refresh_provider(call),
            Request::ListTlsNodes(_) => self.list_tls_nodes(),
            Request::GetTlsNode(call) => self.get_tls_node(call),
            Request::PatchTlsNode(call) => self.patch_tls_node(call),
            Request::ListAudit(q) => self.list_audit(q),
            Request::GetAuditHealth(_) => self.get_audit_health(),
            Request::GetRateLimits(_) => self.get_rate_limits(),
            Request::SetRateLimit(call) => self.set_rate_limit(call),
            Request::DeleteRateLimit(call) => self.delete_rate_limit(call),
            Request::ListEventRegistrations(_) => self.list_event_registrations(),
            Request::RegisterEvent(call) => self.register_event(call),
            Request::DeleteEventRegistration(call) => self.delete_event_registration(call),
            Request::ListServiceEventRegistrations(_) => self.list_service_event_registrations(),
            Request::RegisterServiceEvent(call) => self.register_service_event_call(call),
            Request::DeleteServiceEventRegistration(call) => {
                self.delete_service_event_registration(call)
            }
            Request::ListProtocols(_) => self.list_protocols(),
            Request::UpsertProtocol(call) => self.upsert_protocol(call),
            Request::DeleteProtocol(call) => self.delete_protocol(call),
            Request::ListProtocolUsers(call) => self.list_protocol_users(call),
            Request::ListUsers(q) => self.list_users(q),
            Request::CreateUser(call) => self.create_user(call),
            Request::ImportUsers(call) => self.import_users(call),
            Request::GetUser(call) => self.get_user(call),
            Request::UpdateUser(call) => self.update_user(&call.id, &call.body),
            Request::PatchUser(call) => self.update_user(&call.id, &call.body),
            Request::DeleteUser(call) => self.delete_user(&call.id),
            Request::Export(call) => self.export(&call.body),
        }
    }
}

/// How long to wait between status frames.
pub(crate) fn interval(query: &StatusStreamQuery) -> Duration {
    Duration::from_secs(u64::from(query.interval.unwrap_or(5).clamp(1, 60)))
}

#[cfg(test)]
mod tests;
