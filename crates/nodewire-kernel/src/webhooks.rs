//! The panel side of the callbacks: `POST /api/v1/kernel/events`, `/traffic` and
//! `/service-events` (contract §7; docs/kernel-integration.md, "面板回调接入").
//!
//! The bodies are decoded as the panel's documentation promises, not as its Go code happens
//! to (contract §8 #3–#5):
//!
//! - node events need `event` and **either** `id` or `node_id` (the docs' own example has no
//!   `node_id`, which the Go handler refuses); the rest is optional;
//! - traffic records need `bytes_up`, `bytes_down` and either `subscription_id` or `user_id`;
//!   `observed_at` is Unix **seconds** (core.yaml uses milliseconds everywhere else);
//! - service events need `event`; `payload` is a JSON **object** (the Go handler only accepts
//!   a base64 string there), `event_id`, `occurred_at_ms` and `records` are optional.
//!
//! Every callback may carry the shared token in `X-ZNP-Webhook-Token`; [`check_token`] compares
//! it in constant time. Failures answer `{"message": …}` ([`PanelErrorResponse`]).
//!
//! ```
//! use nodewire_kernel::webhooks::{KernelNodeEventRequest, Webhook};
//! let body = br#"{"event":"node_healthy","id":"edge-hk-1-vless","status":"healthy",
//!     "message":"ok","observed_at":1734001010}"#;
//! let event: KernelNodeEventRequest = serde_json::from_slice(body).unwrap();
//! assert_eq!(event.node(), "edge-hk-1-vless");
//!
//! let request = http::Request::builder()
//!     .method("POST")
//!     .uri("/api/v1/kernel/events")
//!     .header("x-znp-webhook-token", "t0ken")
//!     .body(bytes::Bytes::from_static(body))
//!     .unwrap();
//! let token = nodewire_common::Secret::new("t0ken");
//! assert!(matches!(Webhook::from_http(&request, Some(&token)), Ok(Webhook::NodeEvent(_))));
//! ```

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use nodewire_common::endpoint::IncomingParts;
use nodewire_common::{
    BodyKind, DecodeError, Endpoint, FromRequestError, IntoRequestError, Metadata, Protocol, Secret,
};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::reply::{Reply, decode_success, json_response};
use crate::streams::{EventName, NodeEventName, UserTrafficReported};
use crate::wire::{check_request, wire_struct};

/// The token header (`webhookmiddleware.go`, constant 23).
pub const TOKEN_HEADER: &str = "x-znp-webhook-token";

/// The panel's default request body limit for these routes, in bytes (what the examples use;
/// the panel's own limit is its HTTP server's).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

nodewire_common::open_enum! {
    /// The node state in a node-event callback, as the panel maps it (case-insensitive on its
    /// side).
    pub enum NodeEventStatus {
        /// Healthy.
        Healthy = "healthy",
        /// Degraded.
        Degraded = "degraded",
        /// Unhealthy.
        Unhealthy = "unhealthy",
        /// Offline.
        Offline = "offline",
    }
}

wire_struct! {
    /// The body of `POST /api/v1/kernel/events`: a node event. `id` or `node_id`, at least one.
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

    /// The node: `id`, else `node_id`, as the panel reads it.
    pub fn node(&self) -> &str {
        self.id
            .as_deref()
            .or(self.node_id.as_deref())
            .unwrap_or_default()
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
    /// `{"status":"ignored"}`.
    pub fn ignored() -> Self {
        Self {
            status: "ignored".to_owned(),
        }
    }
}

wire_struct! {
    /// The body of `POST /api/v1/kernel/traffic`: a batch of traffic records.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
    pub struct KernelTrafficReportRequest {
        /// The records (may be empty).
        records: Vec<KernelTrafficRecord>,
    }
}

wire_struct! {
    /// One traffic record. Ids are the **panel's** numeric ids; `subscription_id` or `user_id`
    /// names whom to charge (the panel prefers the subscription).
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
        /// Unix seconds (0 or absent: now).
        observed_at?: u64,
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

wire_struct! {
    /// The body of `POST /api/v1/kernel/service-events`: the event stream's envelope, with an
    /// optional batch of traffic records.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct KernelServiceEventRequest {
        /// The event, dotted (`user.traffic.reported`).
        event: EventName,
        /// Event id.
        event_id?: String,
        /// Unix milliseconds.
        occurred_at_ms?: u64,
        /// The payload, a JSON object.
        payload?: Map<String, Value>,
        /// Traffic records (the panel does not read them).
        records?: Vec<KernelTrafficRecord>,
    }
}

impl KernelServiceEventRequest {
    /// An event with a payload.
    pub fn new(event: EventName, payload: Map<String, Value>) -> Self {
        Self {
            event,
            event_id: None,
            occurred_at_ms: None,
            payload: Some(payload),
            records: None,
        }
    }

    /// Decodes the payload as `T` (an absent payload reads as `{}`); the error names the field.
    pub fn payload_as<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        nodewire_common::error::from_value(Value::Object(self.payload.clone().unwrap_or_default()))
    }

    /// The payload of `user.traffic.reported`.
    pub fn traffic_reported(&self) -> Result<UserTrafficReported, DecodeError> {
        self.payload_as()
    }

    /// The panel's name for the event: lower-cased, `.` and `-` turned into `_`
    /// (`user_traffic_reported`).
    pub fn normalized_event(&self) -> String {
        self.event
            .as_str()
            .to_ascii_lowercase()
            .replace(['.', '-'], "_")
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
}

wire_struct! {
    /// The panel's error body, `{"message": …}`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
    pub struct PanelErrorResponse {
        /// What went wrong (`invalid webhook token`).
        message: String,
    }
}

/// The panel-side protocol: bare JSON bodies, `{"message"}` on failure.
#[derive(Debug, Clone, Copy, Default)]
pub struct Panel;

/// A failed callback.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The panel answered with its error body.
    #[error("panel error {status}: {}", body.message)]
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The body.
        body: PanelErrorResponse,
    },
    /// A failure status without a `{"message"}` body.
    #[error("panel answered {status}: {snippet}")]
    Unexpected {
        /// The HTTP status.
        status: StatusCode,
        /// The first 1024 bytes of the body.
        snippet: String,
    },
    /// A success whose body did not decode.
    #[error("cannot decode the panel response {}", .0)]
    Decode(#[from] DecodeError),
}

impl Protocol for Panel {
    const NAME: &'static str = "kernel";
    type Success<T> = Reply<T>;
    type Failure = WebhookError;

    fn decode_response<T: DeserializeOwned>(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Reply<T>, WebhookError> {
        if status.is_success() {
            return Ok(decode_success(status, headers, body)?);
        }
        match nodewire_common::error::from_slice::<PanelErrorResponse>(body) {
            Ok(body) => Err(WebhookError::Api { status, body }),
            Err(_) => Err(WebhookError::Unexpected {
                status,
                snippet: crate::error::snippet(body, 1024),
            }),
        }
    }

    fn encode_response<T: Serialize>(
        success: &Reply<T>,
    ) -> Result<http::Response<Bytes>, serde_json::Error> {
        crate::reply::encode(success)
    }
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
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// `{"message": …}` with the status.
    pub fn into_response(self) -> http::Response<Bytes> {
        let body = serde_json::to_vec(&PanelErrorResponse {
            message: self.message,
        })
        .unwrap_or_else(|_| b"{\"message\":\"internal server error\"}".to_vec());
        json_response(self.status, body)
    }
}

/// Checks `X-ZNP-Webhook-Token` as the panel does: with a token configured, the header
/// (trimmed) must equal it, compared in constant time; without one, any request passes.
pub fn check_token(headers: &HeaderMap, expected: Option<&Secret>) -> Result<(), WebhookFailure> {
    let Some(expected) = expected else {
        return Ok(());
    };
    let given = headers
        .get(TOKEN_HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
        .unwrap_or_default();
    if given.is_empty() {
        return Err(WebhookFailure::new(
            StatusCode::UNAUTHORIZED,
            "missing webhook token",
        ));
    }
    if expected.ct_eq_str(&given) {
        Ok(())
    } else {
        Err(WebhookFailure::new(
            StatusCode::UNAUTHORIZED,
            "invalid webhook token",
        ))
    }
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
            /// The call with `body`, carrying `token` when given.
            pub fn new(body: $req, token: Option<Secret>) -> Self {
                Self { token, body }
            }
        }

        impl Endpoint for $name {
            type Protocol = Panel;
            type Request = $req;
            type Response = $resp;
            const METADATA: Metadata = Metadata {
                name: stringify!($name),
                method: Method::POST,
                path: $path,
                aliases: &[],
                body: BodyKind::Required,
                description: concat!($($doc),*),
            };

            fn headers(&self, headers: &mut HeaderMap) -> Result<(), IntoRequestError> {
                check_request(&self.body)?;
                put_token(headers, &self.token)
            }

            fn body(&self) -> Option<&$req> {
                Some(&self.body)
            }

            fn from_parts(parts: IncomingParts<'_, $req>) -> Result<Self, FromRequestError> {
                let token = token_from(parts.headers);
                let body = parts
                    .body
                    .ok_or_else(|| FromRequestError::Body(DecodeError::root("empty body")))?;
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

/// One decoded callback.
#[derive(Debug, Clone, PartialEq)]
pub enum Webhook {
    /// `POST /api/v1/kernel/events`.
    NodeEvent(PostKernelEvent),
    /// `POST /api/v1/kernel/traffic`.
    Traffic(PostKernelTraffic),
    /// `POST /api/v1/kernel/service-events`.
    ServiceEvent(PostKernelServiceEvent),
}

impl Webhook {
    /// Decodes a callback in the panel's order: route (404 / 405), token (401), body (400
    /// `invalid request: …`, naming the field). The body limit is the caller's (413).
    pub fn from_http(
        request: &http::Request<Bytes>,
        token: Option<&Secret>,
    ) -> Result<Self, WebhookFailure> {
        let path = request.uri().path();
        let method = request.method();
        let routes = [
            PostKernelEvent::METADATA,
            PostKernelTraffic::METADATA,
            PostKernelServiceEvent::METADATA,
        ];
        let Some(route) = routes.iter().find(|m| m.match_path(path).is_some()) else {
            return Err(WebhookFailure::new(StatusCode::NOT_FOUND, "not found"));
        };
        if route.method != method {
            return Err(WebhookFailure::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed",
            ));
        }
        check_token(request.headers(), token)?;
        let invalid = |e: FromRequestError| {
            WebhookFailure::new(StatusCode::BAD_REQUEST, format!("invalid request: {e}"))
        };
        match route.name {
            "PostKernelEvent" => PostKernelEvent::try_from_http_request(request)
                .map(Self::NodeEvent)
                .map_err(invalid),
            "PostKernelTraffic" => PostKernelTraffic::try_from_http_request(request)
                .map(Self::Traffic)
                .map_err(invalid),
            _ => PostKernelServiceEvent::try_from_http_request(request)
                .map(Self::ServiceEvent)
                .map_err(invalid),
        }
    }
}

/// A `413` for a body over the limit.
pub fn payload_too_large() -> WebhookFailure {
    WebhookFailure::new(StatusCode::PAYLOAD_TOO_LARGE, "invalid webhook payload")
}

/// Builds the `POST` a kernel sends to a registered callback URL (any path), with the token
/// header when a secret was registered.
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
    use nodewire_common::registry::TypeEntry;
    types.extend([
        TypeEntry::of::<KernelNodeEventRequest>(),
        TypeEntry::of::<KernelNodeEventResponse>(),
        TypeEntry::of::<KernelTrafficReportRequest>(),
        TypeEntry::of::<KernelTrafficRecord>(),
        TypeEntry::of::<KernelTrafficIngestResponse>(),
        TypeEntry::of::<KernelServiceEventRequest>(),
        TypeEntry::of::<KernelServiceEventResponse>(),
        TypeEntry::of::<PanelErrorResponse>(),
        TypeEntry::of::<NodeEventStatus>(),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(path: &str, token: Option<&str>, body: &'static str) -> http::Request<Bytes> {
        let mut r = http::Request::new(Bytes::from_static(body.as_bytes()));
        *r.method_mut() = Method::POST;
        *r.uri_mut() = path.parse().unwrap_or_default();
        if let Some(t) = token {
            r.headers_mut()
                .insert(TOKEN_HEADER, HeaderValue::from_str(t).unwrap());
        }
        r
    }

    #[test]
    fn tokens_are_checked() {
        let secret = Secret::new("s3cret");
        let body = r#"{"records":[]}"#;
        let missing =
            Webhook::from_http(&post("/api/v1/kernel/traffic", None, body), Some(&secret));
        assert_eq!(
            missing.err().map(|f| f.message),
            Some("missing webhook token".into())
        );
        let wrong = Webhook::from_http(
            &post("/api/v1/kernel/traffic", Some("nope"), body),
            Some(&secret),
        );
        assert_eq!(
            wrong.err().map(|f| f.status),
            Some(StatusCode::UNAUTHORIZED)
        );
        let trimmed = Webhook::from_http(
            &post("/api/v1/kernel/traffic", Some(" s3cret "), body),
            Some(&secret),
        );
        assert!(matches!(trimmed, Ok(Webhook::Traffic(_))));
        let open = Webhook::from_http(&post("/api/v1/kernel/traffic", None, body), None);
        assert!(open.is_ok());
    }

    #[test]
    fn bodies_follow_the_docs() {
        let no_node = r#"{"event":"node_healthy","status":"healthy"}"#;
        let f = Webhook::from_http(&post("/api/v1/kernel/events", None, no_node), None).err();
        assert_eq!(f.as_ref().map(|f| f.status), Some(StatusCode::BAD_REQUEST));
        assert!(f.is_some_and(|f| f.message.contains("node_id")));
        let node_id_only = r#"{"event":"node_degraded","node_id":"edge-1"}"#;
        assert!(
            Webhook::from_http(&post("/api/v1/kernel/events", None, node_id_only), None).is_ok()
        );
        let string_payload = r#"{"event":"user.traffic.reported","payload":"eyJ9"}"#;
        let f = Webhook::from_http(
            &post("/api/v1/kernel/service-events", None, string_payload),
            None,
        )
        .err();
        assert!(f.is_some_and(|f| f.message.contains("payload")));
        let no_owner = r#"{"records":[{"bytes_up":1,"bytes_down":2}]}"#;
        let f = Webhook::from_http(&post("/api/v1/kernel/traffic", None, no_owner), None).err();
        assert!(f.is_some_and(|f| f.message.contains("subscription_id")));
        let f = Webhook::from_http(&post("/api/v1/kernel/nope", None, "{}"), None).err();
        assert_eq!(f.map(|f| f.status), Some(StatusCode::NOT_FOUND));
    }

    #[test]
    fn service_event_names_normalize_as_the_panel_does() -> Result<(), serde_json::Error> {
        let e: KernelServiceEventRequest =
            serde_json::from_str(r#"{"event":"User.Traffic-Reported"}"#)?;
        assert_eq!(e.normalized_event(), "user_traffic_reported");
        Ok(())
    }
}
