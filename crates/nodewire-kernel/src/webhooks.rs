//! The panel side of the callbacks: `POST /api/v1/kernel/events`, `/traffic` and
//! `/service-events` (contract §7; docs/kernel-integration.md, "面板回调接入").
//!
//! # Two body shapes
//!
//! The panel's documentation and its Go handlers disagree (contract §8 rows 3-5). The handlers
//! parse bodies with go-zero's `httpx.Parse` (contract §7.2), which requires **every** key of
//! the Go struct (`omitempty` does not make a key optional), refuses `null`, is strict about
//! types, and reads `payload` (a `json.RawMessage`) only from a base64 **string**: an object
//! `payload` is a 400. The documented bodies omit keys and carry `payload` as an object, so the
//! real panel answers them with 400.
//!
//! - Sending (a kernel): [`WebhookShape::GoZero`] is the default: every key of the Go structs
//!   of contract §7.3 present (`""` / `0` where there is no value), `payload` as the base64
//!   text of its JSON, `observed_at` in Unix seconds, `Content-Type: application/json`
//!   ([`callback_request`]). [`WebhookShape::Documented`] (object `payload`, empty keys
//!   omitted) is there for receivers that follow the document.
//! - Receiving (a panel): both shapes decode. Node events need `event` and `id` or `node_id`;
//!   traffic records need `bytes_up`, `bytes_down` and `subscription_id` or `user_id`;
//!   service events need `event`, and `payload` may be an object or base64 text
//!   ([`EventPayload`]). Unknown keys are ignored, as go-zero ignores them.
//!
//! # The guard
//!
//! [`Webhook::receive`] applies the panel's `WebhookMiddleware`
//! (`internal/middleware/webhookmiddleware.go`) in its order, configured by a
//! [`WebhookConfig`]: allowed networks (403), Stripe-style signature (401), shared token
//! (401); then go-zero's Content-Type rule (400) and the body (400). See [`guard`] for the
//! exact rules and messages. Failures answer `{"message": …}` ([`PanelErrorResponse`]), but
//! go-zero's own `405` (with `Allow: POST`) and `413`, which have no body.
//!
//! A server refuses before it reads: [`Webhook::admit`] runs, on the request head alone and
//! in the panel's order, the route (404, 405), a declared length over the limit (413), the
//! address (403), the signature's form and timestamp or the shared token (401) and the
//! Content-Type rule (400). Only then is the body read ([`unreadable_body`] for broken
//! framing, [`payload_too_large`] past the limit) and [`Webhook::receive`] called. The one
//! check that waits for the body is a signature's HMAC (and, when a signature decides, the
//! Content-Type rule the panel runs after it).
//!
//! The Content-Type rule is go-zero's `strings.Contains(Content-Type, "application/json")`
//! applied to the media type only: go-zero also finds the text in a parameter
//! (`text/plain; x=application/json`), which a browser sends cross-site without a CORS
//! preflight, so the panel's rule lets a forged callback through. Here that label gets the
//! answer go-zero gives `text/plain`.
//!
//! Error messages quote at most a short piece of the input, and name JSON types, not Rust
//! ones. [`Webhook::answer`] is the panel's answer to an accepted callback; a [`Webhook`]
//! displays as one line for a log, with the peer's text escaped and secrets redacted.
//!
//! ```
//! use nodewire_kernel::webhooks::{KernelNodeEventRequest, Webhook, WebhookShape};
//! use nodewire_kernel::streams::NodeEventName;
//! let body = br#"{"event":"node_healthy","id":"edge-hk-1-vless","status":"healthy",
//!     "message":"ok","observed_at":1734001010}"#;
//! let event: KernelNodeEventRequest = serde_json::from_slice(body).unwrap();
//! assert_eq!(event.node(), "edge-hk-1-vless");
//!
//! // What a kernel sends by default: every key of the panel's Go struct.
//! let sent = KernelNodeEventRequest::new(NodeEventName::NodeHealthy, "edge-1")
//!     .shaped(WebhookShape::GoZero);
//! assert_eq!(
//!     serde_json::to_value(&sent).unwrap(),
//!     serde_json::json!({"event": "node_healthy", "id": "edge-1", "node_id": "edge-1",
//!         "protocol": "", "status": "", "message": "", "observed_at": 0})
//! );
//!
//! let request = http::Request::builder()
//!     .method("POST")
//!     .uri("/api/v1/kernel/events")
//!     .header("content-type", "application/json")
//!     .header("x-znp-webhook-token", "t0ken")
//!     .body(bytes::Bytes::from_static(body))
//!     .unwrap();
//! let token = nodewire_common::Secret::new("t0ken");
//! assert!(matches!(Webhook::from_http(&request, Some(&token)), Ok(Webhook::NodeEvent(_))));
//! ```

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use nodewire_common::endpoint::IncomingParts;
use nodewire_common::registry::Server;
use nodewire_common::timestamp::{from_unix_millis, from_unix_secs};
use nodewire_common::{DecodeError, Endpoint, FromRequestError, IntoRequestError, Secret};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::envelope::{JSON_STYLE, Reply, decode_success};
use crate::streams::{EventName, NodeEventName, UserTrafficReported};
use crate::wire::{Validate, wire_struct};

mod answer;
pub mod guard;
mod receive;

pub use guard::{
    DEFAULT_TOLERANCE, SIGNATURE_HEADER, WebhookConfig, sign_request, stripe_signature,
};
pub use receive::{payload_too_large, unreadable_body};

/// The token header (`webhookmiddleware.go:23`).
pub const TOKEN_HEADER: &str = "x-znp-webhook-token";

/// The panel's default request body limit for these routes, in bytes (what the examples use;
/// the panel's own limit is its HTTP server's).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The shape of the callback bodies a kernel sends (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WebhookShape {
    /// What the real panel's go-zero handlers accept (contract §7.2-§7.3, §8 rows 3-5): every
    /// key of the Go struct present, `payload` as base64 text. The default.
    #[default]
    GoZero,
    /// What the panel's documentation shows: object `payload`, empty keys omitted. The real
    /// panel answers these bodies with 400.
    Documented,
}

nodewire_common::open_enum! {
    /// The node state in a node-event callback, as the panel maps it (case-insensitive on its
    /// side).
    #[rename_all = "snake_case"]
    pub enum NodeEventStatus {
        /// Healthy.
        Healthy,
        /// Degraded.
        Degraded,
        /// Unhealthy.
        Unhealthy,
        /// Offline.
        Offline,
    }
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.is_empty())
}

fn non_zero(n: Option<u64>) -> Option<u64> {
    n.filter(|n| *n != 0)
}

wire_struct! {
    /// The body of `POST /api/v1/kernel/events`: a node event (the panel's
    /// `KernelNodeEventRequest`, `internal/types/kernel.go:29-37`). Decoding needs `id` or
    /// `node_id`, as the docs say; the panel's handler needs all seven keys (contract §8 row 4),
    /// which [`shaped`](Self::shaped) with [`WebhookShape::GoZero`] provides.
    #[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
    #[schemars(extend("anyOf" = [{"required": ["id"]}, {"required": ["node_id"]}]))]
    pub struct KernelNodeEventRequest {
        /// The event (`node_healthy`).
        event: NodeEventName,
        /// The kernel's node id.
        id?: String,
        /// The kernel's node id (alternative key).
        node_id?: String,
        /// The node's protocol.
        protocol?: String,
        /// The node's state.
        status?: NodeEventStatus,
        /// Free text (the panel only logs it).
        message?: String,
        /// Unix seconds.
        observed_at?: u64,
    }
}

impl KernelNodeEventRequest {
    /// When it was observed: `observed_at` (Unix seconds) as a date-time; `None` when absent or
    /// `0` (Go's zero, which [`WebhookShape::GoZero`] writes for no time).
    pub fn observed_at_utc(&self) -> Option<DateTime<Utc>> {
        self.observed_at
            .filter(|v| *v != 0)
            .and_then(from_unix_secs)
    }
}

#[derive(Deserialize)]
struct RawNodeEvent {
    event: NodeEventName,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    node_id: Option<String>,
    #[serde(default)]
    protocol: Option<String>,
    #[serde(default)]
    status: Option<NodeEventStatus>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    observed_at: Option<u64>,
}

impl<'de> Deserialize<'de> for KernelNodeEventRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawNodeEvent::deserialize(deserializer)?;
        if raw.id.is_none() && raw.node_id.is_none() {
            return Err(serde::de::Error::custom(
                "a node event needs `id` or `node_id`",
            ));
        }
        Ok(Self {
            event: raw.event,
            id: raw.id,
            node_id: raw.node_id,
            protocol: raw.protocol,
            status: raw.status,
            message: raw.message,
            observed_at: raw.observed_at,
        })
    }
}

impl KernelNodeEventRequest {
    /// An event about `node_id` (sent as both `id` and `node_id`).
    pub fn new(event: NodeEventName, node_id: impl Into<String>) -> Self {
        let node_id = node_id.into();
        Self {
            event,
            id: Some(node_id.clone()),
            node_id: Some(node_id),
            protocol: None,
            status: None,
            message: None,
            observed_at: None,
        }
    }

    nodewire_common::setters! {
        /// Sets the node's protocol.
        protocol(protocol: impl Into<String>);
        /// Sets the node's state.
        status(status: NodeEventStatus);
        /// Sets the free text.
        message(message: impl Into<String>);
        /// Sets when it happened (Unix seconds).
        observed_at(unix_seconds: u64);
    }

    /// The node: `id`, else `node_id`, as the panel reads it (`eventlogic.go:30-44`).
    pub fn node(&self) -> &str {
        self.id
            .as_deref()
            .filter(|id| !id.is_empty())
            .or(self.node_id.as_deref())
            .unwrap_or_default()
    }

    /// The body in `shape`: with [`WebhookShape::GoZero`] every key is present (the node id
    /// in both `id` and `node_id`, `""` and `0` where there is no value); with
    /// [`WebhookShape::Documented`] empty strings and zeros are omitted, and `node_id` when it
    /// repeats `id` (the docs' example form).
    pub fn shaped(self, shape: WebhookShape) -> Self {
        match shape {
            WebhookShape::GoZero => {
                let node = self.node().to_owned();
                Self {
                    id: Some(self.id.filter(|i| !i.is_empty()).unwrap_or(node.clone())),
                    node_id: Some(self.node_id.filter(|i| !i.is_empty()).unwrap_or(node)),
                    protocol: Some(self.protocol.unwrap_or_default()),
                    status: Some(self.status.unwrap_or_else(|| NodeEventStatus::from(""))),
                    message: Some(self.message.unwrap_or_default()),
                    observed_at: Some(self.observed_at.unwrap_or(0)),
                    event: self.event,
                }
            }
            WebhookShape::Documented => {
                let id = non_empty(self.id);
                let node_id = non_empty(self.node_id);
                Self {
                    node_id: match (&id, node_id) {
                        (None, None) => Some(String::new()),
                        (Some(id), Some(node)) if *id == node => None,
                        (_, node) => node,
                    },
                    id,
                    protocol: non_empty(self.protocol),
                    status: self.status.filter(|s| !s.as_str().is_empty()),
                    message: non_empty(self.message),
                    observed_at: non_zero(self.observed_at),
                    event: self.event,
                }
            }
        }
    }
}

wire_struct! {
    /// The answer to a node event (the panel always answers `{"status":"ignored"}`: it only
    /// logs node events).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
    pub struct KernelNodeEventResponse {
        /// `ignored`.
        status: String,
    }
}

impl KernelNodeEventResponse {
    /// `{"status": status}`.
    pub fn new(status: impl Into<String>) -> Self {
        Self {
            status: status.into(),
        }
    }

    /// `{"status":"ignored"}`.
    pub fn ignored() -> Self {
        Self {
            status: "ignored".to_owned(),
        }
    }
}

wire_struct! {
    /// The body of `POST /api/v1/kernel/traffic`: a batch of traffic records
    /// (`internal/types/kernel.go:6-8`).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
    pub struct KernelTrafficReportRequest {
        /// The records (may be empty).
        records: Vec<KernelTrafficRecord>,
    }
}

impl KernelTrafficReportRequest {
    /// A batch of `records`.
    pub fn new(records: impl IntoIterator<Item = KernelTrafficRecord>) -> Self {
        Self {
            records: records.into_iter().collect(),
        }
    }

    /// The body in `shape` (each record [shaped](KernelTrafficRecord::shaped)).
    pub fn shaped(self, shape: WebhookShape) -> Self {
        Self {
            records: self.records.into_iter().map(|r| r.shaped(shape)).collect(),
        }
    }
}

wire_struct! {
    /// One traffic record (`internal/types/kernel.go:11-20`). Ids are the **panel's** numeric
    /// ids; `subscription_id` or `user_id` names whom to charge (the panel prefers the
    /// subscription). The panel's handler needs all eight keys (contract §8 row 5).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
    #[schemars(extend("anyOf" = [{"required": ["subscription_id"]}, {"required": ["user_id"]}]))]
    pub struct KernelTrafficRecord {
        /// Panel user id.
        user_id?: u64,
        /// Panel subscription id.
        subscription_id?: u64,
        /// Protocol (picks the plan's traffic multiplier).
        protocol?: String,
        /// Panel node id.
        node_id?: u64,
        /// Panel protocol binding id.
        binding_id?: u64,
        /// Bytes up.
        bytes_up: u64,
        /// Bytes down.
        bytes_down: u64,
        /// Unix seconds (0 or absent: now; `trafficlogic.go:67-69`).
        observed_at?: u64,
    }
}

impl KernelTrafficRecord {
    /// When it was observed: `observed_at` (Unix seconds) as a date-time; `None` when absent or
    /// `0`, which the panel reads as the time it receives the record (`trafficlogic.go:67-69`).
    pub fn observed_at_utc(&self) -> Option<DateTime<Utc>> {
        self.observed_at
            .filter(|v| *v != 0)
            .and_then(from_unix_secs)
    }
}

#[derive(Deserialize)]
struct RawTrafficRecord {
    #[serde(default)]
    user_id: Option<u64>,
    #[serde(default)]
    subscription_id: Option<u64>,
    #[serde(default)]
    protocol: Option<String>,
    #[serde(default)]
    node_id: Option<u64>,
    #[serde(default)]
    binding_id: Option<u64>,
    bytes_up: u64,
    bytes_down: u64,
    #[serde(default)]
    observed_at: Option<u64>,
}

impl<'de> Deserialize<'de> for KernelTrafficRecord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawTrafficRecord::deserialize(deserializer)?;
        if raw.user_id.is_none() && raw.subscription_id.is_none() {
            return Err(serde::de::Error::custom(
                "a traffic record needs `subscription_id` or `user_id`",
            ));
        }
        Ok(Self {
            user_id: raw.user_id,
            subscription_id: raw.subscription_id,
            protocol: raw.protocol,
            node_id: raw.node_id,
            binding_id: raw.binding_id,
            bytes_up: raw.bytes_up,
            bytes_down: raw.bytes_down,
            observed_at: raw.observed_at,
        })
    }
}

impl KernelTrafficRecord {
    /// A record of `bytes_up` and `bytes_down` charged to a subscription.
    ///
    /// ```
    /// use nodewire_kernel::webhooks::KernelTrafficRecord;
    /// let record = KernelTrafficRecord::for_subscription(7, 1024, 4096).protocol("vless");
    /// assert_eq!(
    ///     serde_json::to_string(&record).unwrap(),
    ///     r#"{"subscription_id":7,"protocol":"vless","bytes_up":1024,"bytes_down":4096}"#
    /// );
    /// ```
    pub fn for_subscription(subscription_id: u64, bytes_up: u64, bytes_down: u64) -> Self {
        Self::new(bytes_up, bytes_down).subscription_id(subscription_id)
    }

    /// A record of `bytes_up` and `bytes_down` charged to a user.
    pub fn for_user(user_id: u64, bytes_up: u64, bytes_down: u64) -> Self {
        Self::new(bytes_up, bytes_down).user_id(user_id)
    }

    /// A record of `bytes_up` and `bytes_down` that names nobody yet: the panel needs
    /// [`subscription_id`](Self::subscription_id) or [`user_id`](Self::user_id) (decoding
    /// refuses a record without either).
    pub fn new(bytes_up: u64, bytes_down: u64) -> Self {
        Self {
            user_id: None,
            subscription_id: None,
            protocol: None,
            node_id: None,
            binding_id: None,
            bytes_up,
            bytes_down,
            observed_at: None,
        }
    }

    nodewire_common::setters! {
        /// Sets the panel user id.
        user_id(id: u64);
        /// Sets the panel subscription id.
        subscription_id(id: u64);
        /// Sets the protocol (picks the plan's traffic multiplier).
        protocol(protocol: impl Into<String>);
        /// Sets the panel node id.
        node_id(id: u64);
        /// Sets the panel protocol binding id.
        binding_id(id: u64);
        /// Sets when the bytes were measured (Unix seconds).
        observed_at(unix_seconds: u64);
    }

    /// The record in `shape`: with [`WebhookShape::GoZero`] all eight keys (`0` and `""` where
    /// there is no value, which the panel reads as "none"); with [`WebhookShape::Documented`]
    /// zeros and empty strings omitted (but one of `subscription_id` / `user_id` kept).
    pub fn shaped(self, shape: WebhookShape) -> Self {
        match shape {
            WebhookShape::GoZero => Self {
                user_id: Some(self.user_id.unwrap_or(0)),
                subscription_id: Some(self.subscription_id.unwrap_or(0)),
                protocol: Some(self.protocol.unwrap_or_default()),
                node_id: Some(self.node_id.unwrap_or(0)),
                binding_id: Some(self.binding_id.unwrap_or(0)),
                observed_at: Some(self.observed_at.unwrap_or(0)),
                ..self
            },
            WebhookShape::Documented => {
                let subscription_id = non_zero(self.subscription_id);
                let user_id = match (non_zero(self.user_id), subscription_id) {
                    (None, None) => Some(self.user_id.unwrap_or(0)),
                    (user, _) => user,
                };
                Self {
                    user_id,
                    subscription_id,
                    protocol: non_empty(self.protocol),
                    node_id: non_zero(self.node_id),
                    binding_id: non_zero(self.binding_id),
                    observed_at: non_zero(self.observed_at),
                    ..self
                }
            }
        }
    }
}

wire_struct! {
    /// The answer to a traffic batch: records charged and records that failed (an unknown
    /// subscription counts as failed, not as an HTTP error).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct KernelTrafficIngestResponse {
        /// Records charged.
        accepted: u64,
        /// Records that failed.
        failed: u64,
    }
}

impl KernelTrafficIngestResponse {
    /// `{"accepted": accepted, "failed": failed}`.
    pub fn new(accepted: u64, failed: u64) -> Self {
        Self { accepted, failed }
    }
}

/// The `payload` of a service-event callback: a JSON object, as the docs show it, or the
/// base64 text of that JSON, the only form the panel's handler accepts (its `Payload` is a
/// Go `json.RawMessage`, a `[]byte` that go-zero fills from a base64 string; contract §7.3,
/// §8 row 3). Kept as sent.
///
/// Its `Debug` prints the object (the base64 text decoded, where it decodes) with its
/// credential members redacted ([`redact_secrets`](crate::auth::redact_secrets)): a
/// `user.created` payload carries the user's password.
#[derive(Clone, PartialEq)]
pub enum EventPayload {
    /// A JSON object (documented).
    Object(Map<String, Value>),
    /// The base64 text of the JSON (what go-zero reads).
    Base64(String),
}

impl std::fmt::Debug for EventPayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |map: Map<String, Value>| {
            let mut value = Value::Object(map);
            crate::auth::redact_secrets(&mut value);
            value
        };
        match self {
            Self::Object(map) => f
                .debug_tuple("Object")
                .field(&redacted(map.clone()))
                .finish(),
            Self::Base64(text) => match self.to_object() {
                Ok(map) => f
                    .debug_struct("Base64")
                    .field("decoded", &redacted(map))
                    .finish(),
                Err(_) => f
                    .debug_struct("Base64")
                    .field("characters", &text.len())
                    .finish_non_exhaustive(),
            },
        }
    }
}

impl EventPayload {
    /// The base64 form of `object`'s JSON.
    pub fn encode(object: &Map<String, Value>) -> Self {
        let json = serde_json::to_vec(object).unwrap_or_else(|_| b"{}".to_vec());
        Self::Base64(crate::auth::base64(&json))
    }

    /// The payload as a JSON object (base64 text decoded and parsed); the error says what is
    /// wrong.
    pub fn to_object(&self) -> Result<Map<String, Value>, DecodeError> {
        match self {
            Self::Object(map) => Ok(map.clone()),
            Self::Base64(text) => {
                let bytes = crate::auth::base64_decode(text)
                    .map_err(|e| DecodeError::at("payload", format!("not base64: {e}")))?;
                match serde_json::from_slice::<Value>(&bytes) {
                    Ok(Value::Object(map)) => Ok(map),
                    Ok(_) => Err(DecodeError::at(
                        "payload",
                        "the base64 text does not hold a JSON object",
                    )),
                    Err(e) => Err(DecodeError::at(
                        "payload",
                        format!("the base64 text does not hold JSON: {e}"),
                    )),
                }
            }
        }
    }

    /// The payload in `shape`: base64 text for [`WebhookShape::GoZero`], an object for
    /// [`WebhookShape::Documented`] (base64 text that does not hold a JSON object is kept).
    pub fn shaped(self, shape: WebhookShape) -> Self {
        match (shape, self) {
            (WebhookShape::GoZero, Self::Object(map)) => Self::encode(&map),
            (WebhookShape::Documented, Self::Base64(text)) => {
                match Self::Base64(text.clone()).to_object() {
                    Ok(map) => Self::Object(map),
                    Err(_) => Self::Base64(text),
                }
            }
            (_, same) => same,
        }
    }
}

impl Serialize for EventPayload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Object(map) => map.serialize(serializer),
            Self::Base64(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for EventPayload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Object(map) => Ok(Self::Object(map)),
            Value::String(text) => match crate::auth::base64_decode(&text) {
                Ok(_) => Ok(Self::Base64(text)),
                Err(e) => Err(serde::de::Error::custom(format!(
                    "a string payload must be base64 text: {e}"
                ))),
            },
            other => Err(serde::de::Error::custom(format!(
                "expected a JSON object or its base64 text, got {}",
                json_kind(&other)
            ))),
        }
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl JsonSchema for EventPayload {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EventPayload".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "A service event's payload: a JSON object (the panel's docs), or the base64 text of that JSON (what the panel's go-zero handler accepts; contract §8 row 3).",
            "anyOf": [
                {"type": "object"},
                {"type": "string", "contentEncoding": "base64", "contentMediaType": "application/json"}
            ]
        })
    }
}

wire_struct! {
    /// The body of `POST /api/v1/kernel/service-events` (`internal/types/kernel.go:45-51`):
    /// the event stream's envelope, with an optional batch of traffic records. The panel's
    /// handler needs all five keys and a base64 `payload` (contract §8 row 3).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct KernelServiceEventRequest {
        /// The event, dotted (`user.traffic.reported`).
        event: EventName,
        /// Event id.
        event_id?: String,
        /// Unix milliseconds.
        occurred_at_ms?: u64,
        /// The payload: a JSON object, or its base64 text.
        payload?: EventPayload,
        /// Traffic records (the panel does not read them).
        records?: Vec<KernelTrafficRecord>,
    }
}

impl KernelServiceEventRequest {
    /// An event with a payload (an object; [`shaped`](Self::shaped) encodes it for the
    /// panel).
    pub fn new(event: EventName, payload: Map<String, Value>) -> Self {
        Self {
            event,
            event_id: None,
            occurred_at_ms: None,
            payload: Some(EventPayload::Object(payload)),
            records: None,
        }
    }

    /// Sets the payload (an object, or its base64 text).
    #[must_use]
    pub fn payload(mut self, payload: EventPayload) -> Self {
        self.payload = Some(payload);
        self
    }

    /// Sets the traffic records.
    #[must_use]
    pub fn records(mut self, records: impl IntoIterator<Item = KernelTrafficRecord>) -> Self {
        self.records = Some(records.into_iter().collect());
        self
    }

    /// The payload as a JSON object (`{}` when absent; base64 text decoded).
    pub fn payload_object(&self) -> Result<Map<String, Value>, DecodeError> {
        match &self.payload {
            Some(payload) => payload.to_object(),
            None => Ok(Map::new()),
        }
    }

    /// Decodes the payload as `T` (an absent payload reads as `{}`); the error names the field.
    pub fn payload_as<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        nodewire_common::error::from_value(Value::Object(self.payload_object()?))
    }

    /// The payload of `user.traffic.reported`.
    pub fn traffic_reported(&self) -> Result<UserTrafficReported, DecodeError> {
        self.payload_as()
    }

    /// The panel's name for the event: lower-cased, `.` and `-` turned into `_`
    /// (`user_traffic_reported`).
    pub fn normalized_event(&self) -> String {
        crate::registrations::normalize_event(self.event.as_str())
    }

    /// The body in `shape`: with [`WebhookShape::GoZero`] all five keys (`""`, `0`, `[]`
    /// where there is no value) and `payload` as base64 text (`{}` when absent); with
    /// [`WebhookShape::Documented`] `payload` as an object and empty keys omitted.
    pub fn shaped(self, shape: WebhookShape) -> Self {
        match shape {
            WebhookShape::GoZero => Self {
                event: self.event,
                event_id: Some(self.event_id.unwrap_or_default()),
                occurred_at_ms: Some(self.occurred_at_ms.unwrap_or(0)),
                payload: Some(
                    self.payload
                        .unwrap_or(EventPayload::Object(Map::new()))
                        .shaped(shape),
                ),
                records: Some(
                    self.records
                        .unwrap_or_default()
                        .into_iter()
                        .map(|r| r.shaped(shape))
                        .collect(),
                ),
            },
            WebhookShape::Documented => Self {
                event: self.event,
                event_id: non_empty(self.event_id),
                occurred_at_ms: non_zero(self.occurred_at_ms),
                payload: self.payload.map(|p| p.shaped(shape)),
                records: self
                    .records
                    .filter(|r| !r.is_empty())
                    .map(|r| r.into_iter().map(|r| r.shaped(shape)).collect()),
            },
        }
    }

    /// When it happened: `occurred_at_ms` as a date-time; `None` when absent or `0` (Go's zero,
    /// which [`WebhookShape::GoZero`] writes for no time).
    pub fn occurred_at_utc(&self) -> Option<DateTime<Utc>> {
        self.occurred_at_ms
            .filter(|v| *v != 0)
            .and_then(from_unix_millis)
    }
}

impl Validate for KernelNodeEventRequest {
    /// `id` or `node_id`, as decoding requires.
    fn validate(&self) -> Result<(), DecodeError> {
        if self.id.is_none() && self.node_id.is_none() {
            return Err(DecodeError::root("a node event needs `id` or `node_id`"));
        }
        Ok(())
    }
}

impl Validate for KernelTrafficRecord {
    /// `subscription_id` or `user_id`, as decoding requires.
    fn validate(&self) -> Result<(), DecodeError> {
        if self.user_id.is_none() && self.subscription_id.is_none() {
            return Err(DecodeError::root(
                "a traffic record needs `subscription_id` or `user_id`",
            ));
        }
        Ok(())
    }
}

impl Validate for KernelTrafficReportRequest {
    /// Every record.
    fn validate(&self) -> Result<(), DecodeError> {
        use crate::wire::Within;
        self.records.validate().map_err(|e| e.within("records"))
    }
}

impl Validate for KernelServiceEventRequest {
    /// A string payload must be base64 text; every record as for a traffic report.
    fn validate(&self) -> Result<(), DecodeError> {
        use crate::wire::Within;
        if let Some(EventPayload::Base64(text)) = &self.payload
            && let Err(e) = crate::auth::base64_decode(text)
        {
            return Err(DecodeError::at(
                "payload",
                format!("a string payload must be base64 text: {e}"),
            ));
        }
        match &self.records {
            Some(records) => records.validate().map_err(|e| e.within("records")),
            None => Ok(()),
        }
    }
}

wire_struct! {
    /// The answer to a service event: `{"status":"accepted","accepted":1}` or
    /// `{"status":"ignored"}`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
    pub struct KernelServiceEventResponse {
        /// `accepted` or `ignored`.
        status: String,
        /// Updates applied.
        accepted?: u64,
        /// Updates that failed.
        failed?: u64,
    }
}

impl KernelServiceEventResponse {
    /// `{"status":"accepted","accepted":n}`.
    pub fn accepted(n: u64) -> Self {
        Self {
            status: "accepted".to_owned(),
            accepted: Some(n),
            failed: None,
        }
    }

    /// `{"status":"ignored"}`.
    pub fn ignored() -> Self {
        Self {
            status: "ignored".to_owned(),
            accepted: None,
            failed: None,
        }
    }

    /// `{"status": status}`.
    pub fn new(status: impl Into<String>) -> Self {
        Self {
            status: status.into(),
            accepted: None,
            failed: None,
        }
    }

    /// Sets the number of updates that failed.
    #[must_use]
    pub fn failed(mut self, n: u64) -> Self {
        self.failed = Some(n);
        self
    }
}

impl PanelErrorResponse {
    /// `{"message": message}`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

wire_struct! {
    /// The panel's error body, `{"message": …}`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
    pub struct PanelErrorResponse {
        /// What went wrong (`invalid webhook token`).
        message: String,
    }
}

/// A failed callback.
pub type WebhookError = nodewire_common::error::ApiError<PanelErrorResponse>;

impl nodewire_common::error::ErrorBody for PanelErrorResponse {
    const UPSTREAM: &'static str = "panel";
    type Code = nodewire_common::endpoint::NoCode;

    fn message(&self) -> std::borrow::Cow<'_, str> {
        self.message.as_str().into()
    }
}

nodewire_common::protocol! {
    /// The panel-side protocol: bare JSON bodies, `{"message"}` on failure.
    pub struct Panel("kernel"): Success<T> = Reply<T>, Failure = WebhookError;
    decode = decode_answer;
    encode = crate::envelope::encode;
}

/// Decodes the panel's answer to a callback (client side): a [`Reply`] for a 2xx status, the
/// failure otherwise.
pub fn decode_answer<T: DeserializeOwned>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Reply<T>, WebhookError> {
    if status.is_success() {
        return Ok(decode_success(status, headers, body)?);
    }
    Err(WebhookError::from_response(status, headers, body))
}

/// A refused callback, rendered as the panel renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookFailure {
    /// The HTTP status.
    pub status: StatusCode,
    /// The message.
    pub message: String,
}

impl WebhookFailure {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// The answer: `{"message": …}` with the status, but for the two answers go-zero itself
    /// writes before the panel's code runs, which have no body: `405` (its router, with
    /// `Allow: POST`) and `413` (its `MaxBytesHandler`).
    ///
    /// ```
    /// let r = nodewire_kernel::webhooks::payload_too_large().into_response();
    /// assert_eq!((r.status().as_u16(), r.body().len()), (413, 0));
    /// ```
    pub fn into_response(self) -> http::Response<Bytes> {
        match self.status {
            StatusCode::METHOD_NOT_ALLOWED => {
                let mut response = nodewire_common::server::empty_response(self.status);
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
                response
            }
            StatusCode::PAYLOAD_TOO_LARGE => nodewire_common::server::empty_response(self.status),
            _ => {
                let body = serde_json::to_vec(&PanelErrorResponse {
                    message: self.message,
                })
                .unwrap_or_else(|_| b"{\"message\":\"internal server error\"}".to_vec());
                nodewire_common::server::text_response(self.status, JSON_STYLE.content_type(), body)
            }
        }
    }
}

/// Checks `X-ZNP-Webhook-Token` as the panel does (`webhookmiddleware.go:100-108`): with a
/// token configured, the header (trimmed) must equal it, compared in constant time; without
/// one, any request passes. [`WebhookConfig::check`] runs the whole guard.
pub fn check_token(headers: &HeaderMap, expected: Option<&Secret>) -> Result<(), WebhookFailure> {
    WebhookConfig {
        shared_token: expected.cloned(),
        ..WebhookConfig::default()
    }
    .check_token(headers)
}

fn token_from(headers: &HeaderMap) -> Option<Secret> {
    headers
        .get(TOKEN_HEADER)
        .map(|v| Secret::new(String::from_utf8_lossy(v.as_bytes()).trim()))
}

fn put_token(headers: &mut HeaderMap, token: &Option<Secret>) -> Result<(), IntoRequestError> {
    if let Some(token) = token {
        let mut value = HeaderValue::from_str(token.expose())
            .map_err(|e| IntoRequestError::Invalid(format!("{TOKEN_HEADER}: {e}")))?;
        value.set_sensitive(true);
        headers.insert(HeaderName::from_static(TOKEN_HEADER), value);
    }
    Ok(())
}

/// Where the panel serves the callbacks by default: go-zero's `Host`/`Port` in the panel's
/// `etc/znp-api.yaml` (`0.0.0.0:8888`). The paths carry the `/api/v1` prefix themselves.
const PANEL_SERVERS: &[Server] = &[Server {
    url: "http://127.0.0.1:8888",
    description: "The panel, not the kernel: its default listen address (`Host: 0.0.0.0`, \
        `Port: 8888` in `etc/znp-api.yaml`). A kernel calls the URL a registration names as \
        its `callback`, which the panel builds from its site's `service_domain` or its \
        `Host:Port` and `/api/v1/kernel/…`.",
}];

/// What every callback route's description adds: who serves it, and how it is guarded.
macro_rules! panel_side {
    () => {
        " Served by the panel, not the kernel: the URL is the registration's `callback` \
        (`<panel>/api/v1/kernel/…`). The kernel's credentials play no part; the panel's webhook \
        guard applies instead: its allowed networks, then a `Stripe-Signature` or the \
        `X-ZNP-Webhook-Token` header equal to `Webhook.SharedToken`, when configured \
        (`internal/middleware/webhookmiddleware.go`)."
    };
}

macro_rules! webhook_endpoint {
    ($(#[doc = $doc:literal])* $name:ident, $path:literal, $req:ty, $resp:ty) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            /// Sent as `X-ZNP-Webhook-Token`.
            pub token: Option<Secret>,
            /// The body.
            pub body: $req,
        }

        impl $name {
            /// The call with `body` in the shape the real panel accepts
            /// ([`WebhookShape::GoZero`]), without a token.
            pub fn new(body: $req) -> Self {
                Self::with_shape(body, WebhookShape::GoZero)
            }

            /// The call with `body` in `shape` ([`WebhookShape::Documented`] for receivers
            /// that follow the panel's documentation), without a token.
            pub fn with_shape(body: $req, shape: WebhookShape) -> Self {
                Self { token: None, body: body.shaped(shape) }
            }

            /// Sends `token` as `X-ZNP-Webhook-Token`.
            #[must_use]
            pub fn token(mut self, token: impl Into<Secret>) -> Self {
                self.token = Some(token.into());
                self
            }
        }

        impl Endpoint for $name {
            nodewire_common::endpoint_head!(Panel, Unary, $req => $resp,
                $name, POST, $path, Required, concat!($($doc),*, panel_side!()));
            /// The kernel's credentials play no part: the panel's guard applies instead.
            const PUBLIC: bool = true;
            const SERVERS: &'static [Server] = PANEL_SERVERS;

            fn headers(&self, headers: &mut HeaderMap) -> Result<(), IntoRequestError> {
                put_token(headers, &self.token)
            }

            /// The strict check of a body the library sends ([`Validate`]).
            fn validate_outgoing(&self) -> Result<(), nodewire_common::InvalidRequest> {
                self.validate()?;
                self.body.validate().map_err(nodewire_common::InvalidRequest::Body)
            }

            fn body(&self) -> Option<&$req> {
                Some(&self.body)
            }

            fn from_parts(parts: IncomingParts<'_, $req>) -> Result<Self, FromRequestError> {
                let token = token_from(parts.headers);
                let body = nodewire_common::endpoint::require_body(parts.body)?;
                Ok(Self { token, body })
            }
        }
    };
}

webhook_endpoint!(
    /// `POST /api/v1/kernel/events`: a node event (the panel only logs it).
    PostKernelEvent, "/api/v1/kernel/events", KernelNodeEventRequest, KernelNodeEventResponse
);
webhook_endpoint!(
    /// `POST /api/v1/kernel/traffic`: a batch of traffic records to charge.
    PostKernelTraffic, "/api/v1/kernel/traffic", KernelTrafficReportRequest, KernelTrafficIngestResponse
);
webhook_endpoint!(
    /// `POST /api/v1/kernel/service-events`: a service event (`user.traffic.reported` sets a
    /// subscription's used bytes).
    PostKernelServiceEvent, "/api/v1/kernel/service-events", KernelServiceEventRequest, KernelServiceEventResponse
);

/// One decoded callback. Its `Debug` shows the body as [`to_log_json`](Self::to_log_json)
/// does: credentials in the payload redacted, the peer's text escaped.
#[derive(Clone, PartialEq)]
pub enum Webhook {
    /// `POST /api/v1/kernel/events`.
    NodeEvent(PostKernelEvent),
    /// `POST /api/v1/kernel/traffic`.
    Traffic(PostKernelTraffic),
    /// `POST /api/v1/kernel/service-events`.
    ServiceEvent(PostKernelServiceEvent),
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let variant = match self {
            Self::NodeEvent(_) => "NodeEvent",
            Self::Traffic(_) => "Traffic",
            Self::ServiceEvent(_) => "ServiceEvent",
        };
        f.debug_tuple(variant)
            .field(&format_args!("{}", self.to_log_json(4096)))
            .finish()
    }
}

/// Builds the `POST` a kernel sends to a registered callback URL (any path), with
/// `Content-Type: application/json` and the token header when a secret was registered. The
/// body is sent as given: shape it first (`shaped(WebhookShape::GoZero)` for the real panel).
/// [`sign_request`] adds a `Stripe-Signature`.
pub fn callback_request<T: Serialize>(
    url: &str,
    token: Option<&Secret>,
    body: &T,
) -> Result<http::Request<Bytes>, IntoRequestError> {
    let parsed = url::Url::parse(url).map_err(|e| IntoRequestError::BaseUrl {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(IntoRequestError::BaseUrl {
            url: url.to_owned(),
            reason: "expected an http:// or https:// URL".to_owned(),
        });
    }
    let mut request = http::Request::builder()
        .method(Method::POST)
        .uri(parsed.as_str())
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .body(Bytes::from(serde_json::to_vec(body)?))?;
    put_token(request.headers_mut(), &token.cloned())?;
    Ok(request)
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        KernelNodeEventRequest,
        KernelNodeEventResponse,
        KernelTrafficReportRequest,
        KernelTrafficRecord,
        KernelTrafficIngestResponse,
        KernelServiceEventRequest,
        KernelServiceEventResponse,
        EventPayload,
        PanelErrorResponse,
        NodeEventStatus,
    ]);
}

#[cfg(test)]
mod tests;
