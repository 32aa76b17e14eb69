//! The four streaming endpoints (core.yaml:102-223): `GET /v1/status/stream` and
//! `GET /v1/events/stream` (Server-Sent Events), `GET /v1/status/ws` and `GET /v1/events/ws`
//! (WebSocket).
//!
//! core.yaml defines these only by example (contract §3):
//!
//! - status stream: `event: status.full`, `data: {"type":"full","snapshot":{…}}` — a
//!   [`StatusFrame`]. The `diff` mode (`mode=diff`) has no defined payload: a
//!   [`StatusFrame::Diff`] keeps the frame as raw JSON.
//! - event stream: `event: node.degraded`, `data:` an [`EventEnvelope`]
//!   `{event, event_id, occurred_at_ms, payload}`. Node payloads are
//!   `{event: "node_degraded", node_id, triggered_at}` ([`NodeEventPayload`]); the
//!   `user.traffic.reported` payload is the one the panel's docs show
//!   ([`UserTrafficReported`]). The payload is kept as a JSON object; read it typed with
//!   [`EventEnvelope::payload_as`].
//! - WebSocket: the message format is not stated. This crate reads each text message as the
//!   JSON of one SSE `data` line ([`StatusMessage`], [`EventMessage`]), the natural reading.
//!
//! [`StreamDecoder`] turns the bytes of an SSE response into typed events as they arrive,
//! through the shared incremental decoder ([`nodewire_common::sse`]), whatever the chunk
//! boundaries:
//!
//! ```
//! use nodewire_kernel::streams::{EventEnvelope, StreamDecoder};
//! let stream = b"event: node.degraded\ndata: {\"event\":\"node.degraded\",\"event_id\":\"e1\",\
//!     \"occurred_at_ms\":1,\"payload\":{\"event\":\"node_degraded\",\"node_id\":\"edge-1\"}}\n\n";
//! let mut decoder = StreamDecoder::<EventEnvelope>::new();
//! let mut events = decoder.push(&stream[..20]);
//! events.extend(decoder.push(&stream[20..]));
//! let event = events.remove(0).unwrap();
//! assert_eq!(event.event, "node.degraded");
//! assert_eq!(event.data.node_payload().unwrap().node_id, "edge-1");
//! ```
//!
//! The four routes are [`StreamEndpoint`](nodewire_common::stream::StreamEndpoint)s, so with
//! the `client` feature the common client opens them with its own credentials and yields typed
//! items: [`StatusStreamEvent`]s, [`EventStreamEvent`]s, [`StatusMessage`]s and
//! [`EventMessage`]s. [`Reconnecting`](nodewire_common::client::Reconnecting) follows one
//! across disconnects (the kernel defines no ids or `retry:`, so it waits the default delay).
//!
//! ```no_run
//! # #[cfg(feature = "client")]
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::StreamExt;
//! use nodewire_common::client::Client;
//! use nodewire_kernel::auth::Credentials;
//! use nodewire_kernel::endpoints::{EventsStream, StatusWs};
//! let auth = Credentials::basic("panel", "secret").authorization();
//! let client = Client::new("http://127.0.0.1:23860")?.with_header("authorization", auth)?;
//! let mut events = client.stream(&EventsStream::default()).await?;
//! while let Some(event) = events.next().await {
//!     println!("{}", event?.data.event);
//! }
//! let mut frames = client.stream(&StatusWs::default()).await?;
//! if let Some(frame) = frames.next().await {
//!     println!("{}", frame?.kind());
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use nodewire_common::DecodeError;
use nodewire_common::ValidationError;
use nodewire_common::error::{from_slice, from_value};
use nodewire_common::sse;
use nodewire_common::timestamp::{Rfc3339, from_unix_millis, parse_utc};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::status::{RuntimeStatusSnapshot, UserRateLimitSummary};

mod open;
use crate::wire::wire_struct;

/// One Server-Sent Event: its `event:` name, its `data:` decoded as JSON, and the stream's last
/// `id:` (core.yaml defines no ids; they are kept if a kernel sends them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StreamEvent<T> {
    /// The `event:` field (`status.full`, `node.degraded`; `message` when absent).
    pub event: String,
    /// The `data:` lines, decoded.
    pub data: T,
    /// The last `id:` seen in the stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl<T> StreamEvent<T> {
    /// An event without id.
    pub fn new(event: impl Into<String>, data: T) -> Self {
        Self {
            event: event.into(),
            data,
            id: None,
        }
    }
}

/// An event of `GET /v1/status/stream`.
pub type StatusStreamEvent = StreamEvent<StatusFrame>;
/// An event of `GET /v1/events/stream`.
pub type EventStreamEvent = StreamEvent<EventEnvelope>;
/// A text message of `GET /v1/status/ws` (the same JSON as an SSE `data` line; the spec does
/// not define the framing).
pub type StatusMessage = StatusFrame;
/// A text message of `GET /v1/events/ws` (the same JSON as an SSE `data` line; the spec does
/// not define the framing).
pub type EventMessage = EventEnvelope;

nodewire_common::open_enum! {
    /// `mode` of the status streams (the inline enum at core.yaml:113).
    #[rename_all = "snake_case"]
    pub enum StreamMode {
        /// A full snapshot each time.
        Full,
        /// Changes only (payload undefined by the spec).
        Diff,
    }
}

nodewire_common::open_enum! {
    /// A category of the `events=` filter of the streams (`runtime,node,service`; prose at
    /// core.yaml:118 and 196).
    #[rename_all = "snake_case"]
    pub enum EventCategory {
        /// Runtime snapshots.
        Runtime,
        /// Node events.
        Node,
        /// Service events.
        Service,
    }
}

nodewire_common::open_enum! {
    /// SSE `event:` names and envelope `event` values, dotted. `status.full` and
    /// `node.degraded` are in core.yaml; the others follow the same pattern from the
    /// registration enums (`node_added` → `node.added`) and the service events.
    #[rename_all = "dot.case"]
    pub enum EventName {
        /// A full status frame.
        StatusFull,
        /// A status diff frame.
        StatusDiff,
        /// A node was added.
        NodeAdded,
        /// A node was removed.
        NodeRemoved,
        /// A node became healthy.
        NodeHealthy,
        /// A node became degraded.
        NodeDegraded,
        /// A node became unhealthy.
        NodeUnhealthy,
        /// A user's allowance changed.
        UserQuotaChanged,
        /// A user's traffic was measured.
        UserTrafficReported,
    }
}

impl EventName {
    /// The category the `events=` filter selects this event by: the part before the first dot,
    /// with `user` counted as `service` and `status` as `runtime`.
    pub fn category(&self) -> EventCategory {
        let head = self.as_str().split('.').next().unwrap_or_default();
        match head {
            "status" => EventCategory::Runtime,
            "user" => EventCategory::Service,
            other => EventCategory::from(other),
        }
    }
}

nodewire_common::open_enum! {
    /// Node event names, underscored, as in the registration enum and in node payloads
    /// (`node_degraded`).
    #[rename_all = "snake_case"]
    pub enum NodeEventName {
        /// A node was added.
        NodeAdded,
        /// A node was removed.
        NodeRemoved,
        /// A node became healthy.
        NodeHealthy,
        /// A node became degraded.
        NodeDegraded,
        /// A node became unhealthy.
        NodeUnhealthy,
    }
}

/// The `data` of a status stream event, tagged on `type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StatusFrame {
    /// `{"type":"full","snapshot":{…}}`.
    Full(Box<StatusFull>),
    /// `{"type":"diff",…}`: the spec defines no payload, so the whole frame is kept as sent.
    Diff(Map<String, Value>),
    /// A frame whose `type` this version does not know, or an event without `type` that the
    /// `events=` filter added to the status stream (an [`EventEnvelope`]), kept as sent.
    Other(Map<String, Value>),
}

wire_struct! {
    /// A full status frame without its `type` (`{"type":"full","snapshot":…}`).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct StatusFull {
        /// The snapshot (pruned by `include` / `fields`).
        snapshot: RuntimeStatusSnapshot,
        /// Rate-limit summary, with `rate_limit_summary=true`.
        rate_limit_summary?: UserRateLimitSummary,
    }
}

impl StatusFrame {
    /// The `type` label.
    pub fn kind(&self) -> &str {
        match self {
            Self::Full(_) => "full",
            Self::Diff(_) => "diff",
            Self::Other(map) => map.get("type").and_then(Value::as_str).unwrap_or(""),
        }
    }

    /// The SSE event name for this frame (`status.<type>`).
    pub fn event_name(&self) -> String {
        format!("status.{}", self.kind())
    }
}

impl Serialize for StatusFrame {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Full(full) => {
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("type", "full")?;
                map.serialize_entry("snapshot", &full.snapshot)?;
                if let Some(summary) = &full.rate_limit_summary {
                    map.serialize_entry("rate_limit_summary", summary)?;
                }
                map.end()
            }
            Self::Diff(map) | Self::Other(map) => map.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for StatusFrame {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StatusFrame;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with a string `type` (StatusFrame)")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<StatusFrame, A::Error> {
                let mut map = Map::new();
                while let Some((k, v)) = access.next_entry::<String, Value>()? {
                    map.insert(k, v);
                }
                match map.get("type") {
                    Some(Value::String(kind)) if kind == "full" => {
                        let full: StatusFull = serde_json::from_value(Value::Object(map))
                            .map_err(|e| de::Error::custom(format!("full frame: {e}")))?;
                        Ok(StatusFrame::Full(Box::new(full)))
                    }
                    Some(Value::String(kind)) if kind == "diff" => Ok(StatusFrame::Diff(map)),
                    Some(Value::String(_)) => Ok(StatusFrame::Other(map)),
                    Some(_) => Err(de::Error::custom("`type` must be a string")),
                    None => Ok(StatusFrame::Other(map)),
                }
            }
        }
        deserializer.deserialize_map(V)
    }
}

impl JsonSchema for StatusFrame {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StatusFrame".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let snapshot = generator.subschema_for::<RuntimeStatusSnapshot>();
        let summary = generator.subschema_for::<UserRateLimitSummary>();
        schemars::json_schema!({
            "description": "The data of a status stream event, tagged on `type`. `diff` frames have no defined payload.",
            "oneOf": [
                {
                    "type": "object",
                    "required": ["type", "snapshot"],
                    "properties": {
                        "type": {"type": "string", "const": "full"},
                        "snapshot": snapshot,
                        "rate_limit_summary": summary
                    }
                },
                {
                    "type": "object",
                    "required": ["type"],
                    "properties": {"type": {"type": "string", "const": "diff"}},
                    "additionalProperties": true
                }
            ]
        })
    }
}

wire_struct! {
    /// The `data` of an event stream event (the example at core.yaml:207-208), also the body the
    /// kernel posts for service events.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct EventEnvelope {
        /// The event name, dotted (`node.degraded`).
        event: EventName,
        /// Event id (a UUIDv7 in the example).
        event_id?: String,
        /// Unix milliseconds.
        occurred_at_ms?: u64,
        /// The event's payload, a JSON object (see [`EventEnvelope::payload_as`]).
        payload?: Map<String, Value>,
    }
}

impl EventEnvelope {
    /// Decodes the payload as `T` (an absent payload reads as `{}`); the error names the field.
    pub fn payload_as<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        from_value(Value::Object(self.payload.clone().unwrap_or_default()))
    }

    /// The payload of a `node.*` event.
    pub fn node_payload(&self) -> Result<NodeEventPayload, DecodeError> {
        self.payload_as()
    }

    /// The payload of a `user.traffic.reported` event.
    pub fn traffic_reported(&self) -> Result<UserTrafficReported, DecodeError> {
        self.payload_as()
    }

    /// When it happened: `occurred_at_ms` as a date-time; `None` when absent.
    pub fn occurred_at_utc(&self) -> Option<DateTime<Utc>> {
        self.occurred_at_ms.and_then(from_unix_millis)
    }
}

wire_struct! {
    /// The payload of a node event (the example at core.yaml:208).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct NodeEventPayload {
        /// The event, underscored (`node_degraded`).
        event?: NodeEventName,
        /// The node id.
        node_id: String,
        /// When it happened, RFC 3339 text (kept as sent).
        triggered_at?: String,
    }
}

/// A panel identifier that the kernel may send as a number or as a string (`"alice"`, `"42"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PanelId {
    /// A JSON number.
    Number(u64),
    /// A JSON string.
    Text(String),
}

impl PanelId {
    /// The id as the panel reads it: a number, or a string of decimal digits; `None` otherwise
    /// (the panel then ignores the event).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Number(n) => Some(*n),
            Self::Text(text) => text.trim().parse().ok(),
        }
    }
}

impl fmt::Display for PanelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Text(text) => f.write_str(text),
        }
    }
}

wire_struct! {
    /// Used and remaining bytes at one moment.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct TrafficReading {
        /// Bytes used.
        used?: u64,
        /// Bytes remaining.
        remaining?: u64,
    }
}

wire_struct! {
    /// The payload of `user.traffic.reported`, as the panel's docs show it
    /// (docs/kernel-integration.md, "服务事件回调示例"). The panel prefers `subscription_id`,
    /// else `user_id`, and sets the subscription's used bytes to `current.used` (absolute).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct UserTrafficReported {
        /// The kernel's user id (the panel's user id when it provisioned the user).
        user_id?: PanelId,
        /// The panel's subscription id, when the kernel knows it.
        subscription_id?: PanelId,
        /// The reading before.
        previous?: TrafficReading,
        /// The reading now.
        current?: TrafficReading,
    }
}

/// A stream that cannot be read further, or one event that did not decode.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// A line or event exceeded the decoder's limit; abandon the stream.
    #[error(transparent)]
    TooLong(#[from] sse::Error),
    /// One event's `data` did not decode; the stream goes on.
    #[error("event `{event}`: data {error}")]
    Data {
        /// The event name.
        event: String,
        /// What is wrong and where.
        error: DecodeError,
    },
}

/// An incremental decoder of an SSE response into typed events: bytes in, events out, the
/// same events whatever the chunk boundaries.
#[derive(Debug, Clone)]
pub struct StreamDecoder<T> {
    sse: sse::Decoder,
    _data: PhantomData<fn() -> T>,
}

impl<T> Default for StreamDecoder<T> {
    fn default() -> Self {
        Self {
            sse: sse::Decoder::new(),
            _data: PhantomData,
        }
    }
}

impl<T: DeserializeOwned> StreamDecoder<T> {
    /// A decoder with the shared decoder's default limit (16 MiB per line and event).
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder with the given limit in bytes per line and per event.
    pub fn with_limit(limit: usize) -> Self {
        Self {
            sse: sse::Decoder::with_limit(limit),
            _data: PhantomData,
        }
    }

    /// Feeds a chunk and returns the events it completed. After a
    /// [`StreamError::TooLong`] the stream should be abandoned.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Result<StreamEvent<T>, StreamError>> {
        match self.sse.try_push(chunk) {
            Ok(events) => events.into_iter().map(typed).collect(),
            Err(e) => vec![Err(StreamError::TooLong(e))],
        }
    }

    /// Ends the stream (an event not closed by a blank line is dropped, as the standard says).
    pub fn finish(&mut self) -> Vec<Result<StreamEvent<T>, StreamError>> {
        self.sse.finish().into_iter().map(typed).collect()
    }

    /// The last `id:` seen, to send as `Last-Event-ID` when reconnecting.
    pub fn last_event_id(&self) -> Option<&str> {
        self.sse.last_event_id()
    }

    /// The `retry:` delay the server asked for, in milliseconds.
    pub fn retry(&self) -> Option<u64> {
        self.sse.retry()
    }
}

fn typed<T: DeserializeOwned>(event: sse::Event) -> Result<StreamEvent<T>, StreamError> {
    match from_slice::<T>(event.data.as_bytes()) {
        Ok(data) => Ok(StreamEvent {
            event: event.event,
            data,
            id: event.id,
        }),
        Err(error) => Err(StreamError::Data {
            event: event.event,
            error,
        }),
    }
}

/// Decodes a whole SSE body into typed events; the first bad event is an error naming its
/// index.
pub fn decode_stream<T: DeserializeOwned>(body: &[u8]) -> Result<Vec<StreamEvent<T>>, DecodeError> {
    from_value(sse_value(body)?)
}

/// A whole SSE body as the JSON array `[{"event", "data", "id"?}]`, each `data` parsed as JSON.
pub(crate) fn sse_value(body: &[u8]) -> Result<Value, DecodeError> {
    let events = sse::decode_all(body).map_err(|e| DecodeError::root(e.to_string()))?;
    let mut out = Vec::with_capacity(events.len());
    for (i, event) in events.into_iter().enumerate() {
        let data: Value = from_slice(event.data.as_bytes()).map_err(|e| {
            DecodeError::at(
                format!("[{i}].data"),
                format!("event `{}`: not JSON: {}", event.event, e.message),
            )
        })?;
        let mut object = Map::new();
        object.insert("event".to_owned(), Value::String(event.event));
        object.insert("data".to_owned(), data);
        if let Some(id) = event.id {
            object.insert("id".to_owned(), Value::String(id));
        }
        out.push(Value::Object(object));
    }
    Ok(Value::Array(out))
}

/// Renders one event as SSE text: `event:`, `id:` (when set), one `data:` line, a blank line.
/// Line breaks in the name or id are dropped, so a value cannot forge fields.
pub fn render_event<T: Serialize>(event: &StreamEvent<T>) -> Result<String, serde_json::Error> {
    let data = serde_json::to_string(&event.data)?;
    Ok(render(&event.event, event.id.as_deref(), &data))
}

fn render(event: &str, id: Option<&str>, data: &str) -> String {
    let clean = |s: &str| {
        s.chars()
            .filter(|c| *c != '\n' && *c != '\r')
            .collect::<String>()
    };
    let mut out = String::with_capacity(data.len() + event.len() + 16);
    out.push_str("event: ");
    out.push_str(&clean(event));
    out.push('\n');
    if let Some(id) = id {
        out.push_str("id: ");
        out.push_str(&clean(id));
        out.push('\n');
    }
    // serde_json writes no raw line breaks, so one data line holds the whole value.
    out.push_str("data: ");
    out.push_str(data);
    out.push_str("\n\n");
    out
}

/// Renders the JSON form of a list of [`StreamEvent`]s as SSE text.
pub(crate) fn render_value(value: &Value) -> Result<String, String> {
    let Value::Array(events) = value else {
        return Err("an event-stream body must be a list of events".to_owned());
    };
    let mut out = String::new();
    for (i, event) in events.iter().enumerate() {
        let name = event
            .get("event")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("event {i} has no `event` name"))?;
        let data = event
            .get("data")
            .ok_or_else(|| format!("event {i} has no `data`"))?;
        let id = event.get("id").and_then(Value::as_str);
        out.push_str(&render(name, id, &data.to_string()));
    }
    Ok(out)
}

/// Decodes a WebSocket text message of `GET /v1/status/ws`.
pub fn decode_status_message(text: &str) -> Result<StatusMessage, DecodeError> {
    from_slice(text.as_bytes())
}

/// Decodes a WebSocket text message of `GET /v1/events/ws`.
pub fn decode_event_message(text: &str) -> Result<EventMessage, DecodeError> {
    from_slice(text.as_bytes())
}

/// Encodes a WebSocket text message (a status frame or an event envelope).
pub fn encode_message<T: Serialize>(message: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string(message)
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        StatusFrame,
        StatusFull,
        EventEnvelope,
        EventName,
        NodeEventName,
        NodeEventPayload,
        UserTrafficReported,
        TrafficReading,
        PanelId,
        StreamMode,
        EventCategory,
    ]);
}

impl EventEnvelope {
    /// An envelope of `event` without id, time or payload.
    ///
    /// ```
    /// use nodewire_kernel::streams::{EventEnvelope, EventName, NodeEventName, NodeEventPayload};
    /// let payload = NodeEventPayload::new("edge-1").event(NodeEventName::NodeDegraded);
    /// let envelope = EventEnvelope::new(EventName::NodeDegraded)
    ///     .event_id("e1")
    ///     .occurred_at_ms(1)
    ///     .payload(serde_json::to_value(&payload).unwrap());
    /// assert_eq!(envelope.node_payload().unwrap(), payload);
    /// ```
    pub fn new(event: EventName) -> Self {
        Self {
            event,
            event_id: None,
            occurred_at_ms: None,
            payload: None,
        }
    }

    /// Sets the payload (a value that is not an object is ignored).
    #[must_use]
    pub fn payload(mut self, payload: Value) -> Self {
        if let Value::Object(map) = payload {
            self.payload = Some(map);
        }
        self
    }
}

impl NodeEventPayload {
    /// The payload about `node_id`, without event name or time.
    pub fn new(node_id: impl Into<String>) -> Self {
        Self {
            event: None,
            node_id: node_id.into(),
            triggered_at: None,
        }
    }

    nodewire_common::setters! {
        /// Sets the event (`node_degraded`).
        event(event: NodeEventName);
        /// Sets when it happened (RFC 3339 text, kept as given).
        triggered_at(at: impl Into<String>);
    }

    /// When it happened: `triggered_at` read as RFC 3339, in UTC; `None` when absent, an error
    /// naming `triggered_at` when the text is not RFC 3339 (it stays as sent either way).
    ///
    /// ```
    /// use nodewire_kernel::streams::NodeEventPayload;
    /// let p = NodeEventPayload::new("edge-1").triggered_at("2024-01-01T03:00:00+03:00");
    /// let at = p.triggered_at_utc().unwrap().unwrap();
    /// assert_eq!(at.to_rfc3339(), "2024-01-01T00:00:00+00:00");
    /// assert_eq!(p.triggered_at.as_deref(), Some("2024-01-01T03:00:00+03:00"));
    /// assert!(NodeEventPayload::new("edge-1").triggered_at("yesterday").triggered_at_utc().unwrap().is_err());
    /// ```
    pub fn triggered_at_utc(&self) -> Option<Result<DateTime<Utc>, ValidationError>> {
        let text = self.triggered_at.as_deref()?;
        Some(parse_utc::<Rfc3339>("triggered_at", text))
    }
}

impl TrafficReading {
    /// `used` bytes used and `remaining` bytes remaining.
    pub fn new(used: u64, remaining: u64) -> Self {
        Self {
            used: Some(used),
            remaining: Some(remaining),
        }
    }
}

impl UserTrafficReported {
    nodewire_common::setters! {
        /// Sets the kernel's user id.
        user_id(id: PanelId);
        /// Sets the panel's subscription id.
        subscription_id(id: PanelId);
        /// Sets the reading before.
        previous(reading: TrafficReading);
        /// Sets the reading now.
        current(reading: TrafficReading);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_STATUS: &[u8] =
        b"event: status.full\ndata: {\"type\":\"full\",\"snapshot\":{\"nodes\":[]}}";

    #[test]
    fn the_spec_examples_decode() -> Result<(), Box<dyn std::error::Error>> {
        // The spec's example has no terminating blank line; a live stream always has one.
        let mut body = SPEC_STATUS.to_vec();
        body.extend_from_slice(b"\n\n");
        let events: Vec<StatusStreamEvent> = decode_stream(&body)?;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event, "status.full");
        assert!(
            matches!(&events[0].data, StatusFrame::Full(f) if f.snapshot.nodes == Some(vec![]))
        );
        let diff: StatusFrame = serde_json::from_str(r#"{"type":"diff","changed":{"a":1}}"#)?;
        assert_eq!(diff.kind(), "diff");
        assert_eq!(
            serde_json::to_value(&diff)?,
            serde_json::json!({"type":"diff","changed":{"a":1}})
        );
        let event: StatusFrame = serde_json::from_str(r#"{"event":"node.added","payload":{}}"#)?;
        assert!(matches!(event, StatusFrame::Other(_)));
        assert!(serde_json::from_str::<StatusFrame>(r#"{"type":1}"#).is_err());
        Ok(())
    }

    #[test]
    fn rendering_round_trips() -> Result<(), Box<dyn std::error::Error>> {
        let event = StreamEvent {
            event: "node.added\nid: forged".to_owned(),
            data: serde_json::json!({"a": "x\ny"}),
            id: Some("7".to_owned()),
        };
        let text = render_event(&event)?;
        assert_eq!(
            text,
            "event: node.addedid: forged\nid: 7\ndata: {\"a\":\"x\\ny\"}\n\n"
        );
        let back: Vec<StreamEvent<Value>> = decode_stream(text.as_bytes())?;
        assert_eq!(back[0].data, event.data);
        Ok(())
    }

    #[test]
    fn event_times_read_as_date_times_and_re_encode_unchanged()
    -> Result<(), Box<dyn std::error::Error>> {
        let body = include_bytes!("../tests/fixtures/spec-example--GET_v1_events_stream.sse.txt");
        let events: Vec<StreamEvent<EventEnvelope>> = decode_stream(body)?;
        let first = events.first().ok_or("no event")?;
        assert_eq!(
            first.data.occurred_at_utc().map(|t| t.to_rfc3339()),
            Some("2024-12-12T00:59:56.123+00:00".to_owned())
        );
        let payload = first.data.node_payload()?;
        let triggered = payload.triggered_at_utc().ok_or("no triggered_at")??;
        assert_eq!(triggered.to_rfc3339(), "2024-01-01T00:00:00+00:00");
        assert_eq!(
            payload.triggered_at.as_deref(),
            Some("2024-01-01T00:00:00Z")
        );
        let raw: Vec<StreamEvent<Value>> = decode_stream(body)?;
        assert_eq!(serde_json::to_value(&events)?, serde_json::to_value(&raw)?);
        let silent = EventEnvelope::new(EventName::NodeDegraded);
        assert_eq!(silent.occurred_at_utc(), None);
        assert!(NodeEventPayload::new("edge-1").triggered_at_utc().is_none());
        let err = NodeEventPayload::new("edge-1")
            .triggered_at("2024-01-01")
            .triggered_at_utc()
            .ok_or("no triggered_at")?
            .err()
            .ok_or("accepted a date alone")?;
        assert_eq!(err.field, "triggered_at");
        Ok(())
    }

    #[test]
    fn categories() {
        assert_eq!(EventName::NodeDegraded.category(), EventCategory::Node);
        assert_eq!(
            EventName::UserTrafficReported.category(),
            EventCategory::Service
        );
        assert_eq!(EventName::StatusFull.category(), EventCategory::Runtime);
    }
}
