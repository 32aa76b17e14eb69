//! `GET {P}/events`: the server-sent event stream (contract §6), decoded incrementally, and
//! the reconnect rules a client needs.
//!
//! The stream opens with `retry: 3000`, then one `initial` event per instance (the API-key
//! instance included), then live events. Every event is named `instance` and its data is an
//! [`InstanceEvent`]. There are no ids and **no keep-alive frames**: a master whose instances
//! are all stopped can be silent forever, while running instances produce an `update` every
//! 5 s. A `shutdown` event (master shutdown, or API-key regeneration) ends the stream.
//! Delivery is best-effort (10 buffered events per subscriber), so re-read
//! `GET /instances` after every reconnect.
//!
//! ```
//! use nodewire_nodepass::events::{EventStream, EventType};
//! let mut stream = EventStream::new();
//! let mut events = stream.push(b"retry: 3000\n\nevent: instance\ndata: {\"type\":\"shutdown\",");
//! events.extend(stream.push(b"\"time\":\"2026-11-22T08:01:57Z\",\"instance\":null,\"logs\":\"\"}\n\n"));
//! let event = events.remove(0).unwrap();
//! assert_eq!(event.kind, EventType::Shutdown);
//! assert!(stream.is_finished());
//! assert_eq!(stream.retry(), std::time::Duration::from_millis(3000));
//! ```
//!
//! With the `client` feature, [`Follow`] follows a master's stream across disconnects by these
//! rules (re-reading `GET /instances` after every connect), and
//! [`watch::Watch`](crate::watch::Watch) keeps an instance table current with it.
//! [`SubscribeEvents`](crate::endpoints::SubscribeEvents) is a
//! [`StreamEndpoint`](nodewire_common::stream::StreamEndpoint), so `client.stream(&SubscribeEvents)`
//! yields the [`InstanceEvent`]s of one connection; `client.send(&SubscribeEvents)`, which would
//! wait for the end of a stream that may never end, does not compile.

use std::time::Duration;

use chrono::{DateTime, Utc};
use nodewire_common::ValidationError;
use nodewire_common::error::{DecodeError, from_slice};
use nodewire_common::sse;
use nodewire_common::timestamp::{Rfc3339, parse_utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::instances::Instance;

#[cfg(feature = "client")]
mod follow;

#[cfg(feature = "client")]
pub use follow::{Change, Follow, FollowError};

/// The SSE event name of every NodePass event.
pub const EVENT_NAME: &str = "instance";

/// The `retry:` the master sends (milliseconds), and the reconnect delay before it is seen.
pub const DEFAULT_RETRY: Duration = Duration::from_millis(3000);

nodewire_common::open_enum! {
    /// `type`: what happened.
    #[rename_all = "snake_case"]
    pub enum EventType {
        /// Sent on connect, one per instance (the API-key instance included).
        Initial,
        /// An instance was created.
        Create,
        /// An instance changed: status, every `CHECK_POINT` (each 5 s while running), alias,
        /// restart policy, meta, reset, API-key regeneration.
        Update,
        /// An instance was deleted (its last snapshot).
        Delete,
        /// One output line of an instance (`logs`, ANSI colours included).
        Log,
        /// The master shuts down or the API key was regenerated; the stream closes.
        Shutdown,
    }
}

/// The data of one event (`InstanceEvent`, v2 `types.go:93-98`): all four keys always sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct InstanceEvent {
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// Go `time.Time` JSON: RFC 3339 with nanoseconds, trailing zeros trimmed, the master's
    /// local offset. Kept as text.
    pub time: String,
    /// The instance; `null` for `shutdown`.
    pub instance: Option<Instance>,
    /// The log line for `log` events, else empty.
    pub logs: String,
}

impl InstanceEvent {
    /// A `kind` event at `time` (Go's RFC 3339 text) about `instance` (`None` for
    /// `shutdown`), without a log line.
    ///
    /// ```
    /// use nodewire_nodepass::events::{EventType, InstanceEvent};
    /// let bye = InstanceEvent::new(EventType::Shutdown, "2026-11-22T08:01:57Z", None);
    /// assert_eq!(
    ///     serde_json::to_string(&bye).unwrap(),
    ///     r#"{"type":"shutdown","time":"2026-11-22T08:01:57Z","instance":null,"logs":""}"#
    /// );
    /// ```
    pub fn new(kind: EventType, time: impl Into<String>, instance: Option<Instance>) -> Self {
        Self {
            kind,
            time: time.into(),
            instance,
            logs: String::new(),
        }
    }

    /// Sets the log line (for `log` events).
    #[must_use]
    pub fn logs(mut self, line: impl Into<String>) -> Self {
        self.logs = line.into();
        self
    }

    /// When it happened: `time` read as RFC 3339, in UTC (the text stays as sent, with the
    /// master's offset); an error naming `time` when it is not RFC 3339.
    ///
    /// ```
    /// use nodewire_nodepass::events::{EventType, InstanceEvent};
    /// let bye = InstanceEvent::new(EventType::Shutdown, "2026-11-22T16:01:57.5+08:00", None);
    /// assert_eq!(bye.time_utc().unwrap().to_rfc3339(), "2026-11-22T08:01:57.500+00:00");
    /// assert_eq!(bye.time, "2026-11-22T16:01:57.5+08:00");
    /// ```
    pub fn time_utc(&self) -> Result<DateTime<Utc>, ValidationError> {
        parse_utc::<Rfc3339>("time", &self.time)
    }
}

/// An event that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// An event named other than `instance`.
    #[error("unexpected event name `{0}` (NodePass names every event `instance`)")]
    Name(String),
    /// The data is not an [`InstanceEvent`].
    #[error("event data {0}")]
    Data(DecodeError),
    /// A line or event over the decoder's limit; the stream should be abandoned.
    #[error(transparent)]
    TooLong(sse::Error),
}

/// The incremental decoder: bytes in (any chunking), events out.
#[derive(Debug, Clone, Default)]
pub struct EventStream {
    decoder: sse::Decoder,
    finished: bool,
}

impl EventStream {
    /// A decoder with the common 16 MiB line limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder with the given limit in bytes per line and per event.
    pub fn with_limit(limit: usize) -> Self {
        Self {
            decoder: sse::Decoder::with_limit(limit),
            finished: false,
        }
    }

    /// Feeds a chunk; returns the events it completed, in order. After a `shutdown` event
    /// the stream is finished and later bytes are ignored.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Result<InstanceEvent, EventError>> {
        if self.finished {
            return Vec::new();
        }
        match self.decoder.try_push(chunk) {
            Ok(events) => self.convert(events),
            Err(e) => vec![Err(EventError::TooLong(e))],
        }
    }

    /// Ends the stream (the connection closed): an event not closed by a blank line is
    /// dropped, as the standard requires.
    pub fn finish(&mut self) -> Vec<Result<InstanceEvent, EventError>> {
        let events = self.decoder.finish();
        self.convert(events)
    }

    fn convert(&mut self, events: Vec<sse::Event>) -> Vec<Result<InstanceEvent, EventError>> {
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            if self.finished {
                break;
            }
            out.push(decode_event(&event));
            if let Some(Ok(e)) = out.last()
                && e.kind == EventType::Shutdown
            {
                self.finished = true;
            }
        }
        out
    }

    /// `true` once a `shutdown` event arrived.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The reconnect delay: the stream's `retry:` or 3 s.
    pub fn retry(&self) -> Duration {
        self.decoder
            .retry()
            .map(Duration::from_millis)
            .unwrap_or(DEFAULT_RETRY)
    }
}

fn decode_event(event: &sse::Event) -> Result<InstanceEvent, EventError> {
    if event.event != EVENT_NAME {
        return Err(EventError::Name(event.event.clone()));
    }
    from_slice(event.data.as_bytes()).map_err(EventError::Data)
}

/// `GET /events` is a stream of [`InstanceEvent`]s that ends after `shutdown`.
impl nodewire_common::stream::StreamEndpoint for crate::endpoints::SubscribeEvents {
    type Transport = nodewire_common::stream::Sse;
    type Item = InstanceEvent;

    fn decode_frame(frame: nodewire_common::stream::Frame) -> Result<InstanceEvent, DecodeError> {
        match frame {
            nodewire_common::stream::Frame::Event(event) => {
                decode_event(&event).map_err(|e| match e {
                    EventError::Data(e) => e,
                    other => DecodeError::root(other.to_string()),
                })
            }
            other => Err(DecodeError::root(format!(
                "expected an `{EVENT_NAME}` event, got {other:?}"
            ))),
        }
    }

    fn ends_stream(event: &InstanceEvent) -> bool {
        event.kind == EventType::Shutdown
    }
}

/// Decodes a whole captured stream into its events.
pub fn decode_stream(bytes: &[u8]) -> Result<Vec<InstanceEvent>, EventError> {
    let mut stream = EventStream::new();
    let mut events = stream.push(bytes);
    events.extend(stream.finish());
    events.into_iter().collect()
}

/// The data of every event of a captured stream, each parsed as JSON (what a lossless check
/// compares the re-encoded events with).
pub fn stream_data(bytes: &[u8]) -> Result<Vec<Value>, DecodeError> {
    let events = sse::decode_all(bytes).map_err(|e| DecodeError::root(e.to_string()))?;
    events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            if e.event != EVENT_NAME {
                return Err(DecodeError::at(
                    format!("[{i}]"),
                    format!("unexpected event name `{}`", e.event),
                ));
            }
            from_slice::<Value>(e.data.as_bytes()).map_err(|err| {
                DecodeError::at(
                    format!("[{i}]{}", err.path.trim_start_matches('.')),
                    err.message,
                )
            })
        })
        .collect()
}

/// Why a stream ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disconnect {
    /// A `shutdown` event: the master stops, or the API key was regenerated.
    Shutdown,
    /// The connection closed without `shutdown`.
    Closed,
    /// Connecting or reading failed (network, 5xx, a bad stream).
    Failed,
    /// The connect answered 401: no key, or the key was regenerated.
    Unauthorized,
    /// Nothing arrived for longer than [`Reconnect::silence_limit`] while instances were
    /// running (a zombie connection: running instances send an `update` every 5 s).
    Silent,
}

/// What to do after a disconnect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Reconnect after the delay, then re-read `GET /instances` (events may have been lost).
    Reconnect {
        /// How long to wait first.
        after: Duration,
    },
    /// The key is no longer valid: stop until a new key is configured (the old one is refused
    /// from the regeneration on; the new key is the `url` of the API-key instance, which only
    /// a holder of the new key can read).
    NewKeyNeeded,
}

/// The reconnect rules for `/events`: `retry:` as the base delay, doubling on consecutive
/// failures up to a cap; `shutdown` and clean closes reconnect after the base delay; 401
/// stops; a silent connection with running instances is treated as dead.
///
/// ```
/// use std::time::Duration;
/// use nodewire_nodepass::events::{Disconnect, Next, Reconnect};
/// let mut r = Reconnect::default();
/// assert_eq!(r.next(Disconnect::Failed), Next::Reconnect { after: Duration::from_secs(3) });
/// assert_eq!(r.next(Disconnect::Failed), Next::Reconnect { after: Duration::from_secs(6) });
/// r.connected();
/// assert_eq!(r.next(Disconnect::Shutdown), Next::Reconnect { after: Duration::from_secs(3) });
/// assert_eq!(r.next(Disconnect::Unauthorized), Next::NewKeyNeeded);
/// assert_eq!(r.silence_limit(false), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconnect {
    base: Duration,
    max: Duration,
    silence: Duration,
    failures: u32,
}

impl Default for Reconnect {
    fn default() -> Self {
        Self {
            base: DEFAULT_RETRY,
            max: Duration::from_secs(60),
            silence: Duration::from_secs(300),
            failures: 0,
        }
    }
}

impl Reconnect {
    /// Rules with the given cap on the delay and silence limit.
    pub fn new(max: Duration, silence: Duration) -> Self {
        Self {
            max,
            silence,
            ..Self::default()
        }
    }

    /// Takes the stream's `retry:` as the base delay.
    pub fn set_retry(&mut self, retry: Duration) {
        self.base = retry;
    }

    /// A connection delivered events: consecutive failures start over.
    pub fn connected(&mut self) {
        self.failures = 0;
    }

    /// How long a read may wait before the connection counts as dead: `None` (wait forever)
    /// when no instance runs, since an idle master sends nothing.
    pub fn silence_limit(&self, instances_running: bool) -> Option<Duration> {
        instances_running.then_some(self.silence)
    }

    /// What to do after `why`.
    pub fn next(&mut self, why: Disconnect) -> Next {
        match why {
            Disconnect::Unauthorized => Next::NewKeyNeeded,
            Disconnect::Shutdown | Disconnect::Closed => {
                self.failures = 0;
                Next::Reconnect { after: self.base }
            }
            Disconnect::Failed | Disconnect::Silent => {
                let factor = 1u32.checked_shl(self.failures.min(16)).unwrap_or(u32::MAX);
                self.failures = self.failures.saturating_add(1);
                Next::Reconnect {
                    after: self.base.saturating_mul(factor).min(self.max),
                }
            }
        }
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.push(nodewire_common::registry::TypeEntry::of::<InstanceEvent>());
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &[u8] = b"retry: 3000\n\nevent: instance\ndata: {\"type\":\"create\",\"time\":\"2026-11-22T08:01:40.083049891Z\",\"instance\":{\"id\":\"bd3e64ea\",\"alias\":\"\",\"type\":\"server\",\"status\":\"stopped\",\"url\":\"u\",\"config\":\"c\",\"restart\":true,\"meta\":{\"peer\":{\"sid\":\"\",\"type\":\"\",\"alias\":\"\"},\"tags\":{}},\"mode\":0,\"ping\":0,\"pool\":0,\"tcps\":0,\"udps\":0,\"tcprx\":0,\"tcptx\":0,\"udprx\":0,\"udptx\":0},\"logs\":\"\"}\n\nevent: instance\ndata: {\"type\":\"shutdown\",\"time\":\"2026-11-22T08:01:57.038796929Z\",\"instance\":null,\"logs\":\"\"}\n\nevent: instance\ndata: {\"type\":\"log\"}\n\n";

    #[test]
    fn every_chunking_gives_the_same_events() {
        let whole = {
            let mut s = EventStream::new();
            let mut e = s.push(STREAM);
            e.extend(s.finish());
            e
        };
        assert_eq!(whole.len(), 2, "{whole:?}");
        for split in 0..=STREAM.len() {
            let (a, b) = STREAM.split_at(split);
            let mut s = EventStream::new();
            let mut e = s.push(a);
            e.extend(s.push(b));
            e.extend(s.finish());
            assert_eq!(e, whole, "split at {split}");
            assert!(s.is_finished());
        }
    }

    #[test]
    fn event_times_read_as_date_times_and_re_encode_unchanged()
    -> Result<(), Box<dyn std::error::Error>> {
        let mut s = EventStream::new();
        let events: Vec<InstanceEvent> =
            s.push(STREAM).into_iter().filter_map(Result::ok).collect();
        let create = events.first().ok_or("no event")?;
        let at = create.time_utc()?;
        assert_eq!(at.timestamp(), 1_795_334_500);
        assert_eq!(at.timestamp_subsec_nanos(), 83_049_891);
        let data = r#"{"type":"shutdown","time":"2026-11-22T16:01:57.038796929+08:00","instance":null,"logs":""}"#;
        let bye: InstanceEvent = serde_json::from_str(data)?;
        assert_eq!(
            bye.time_utc()?.to_rfc3339(),
            "2026-11-22T08:01:57.038796929+00:00"
        );
        assert_eq!(serde_json::to_string(&bye)?, data);
        let odd = InstanceEvent::new(EventType::Shutdown, "22 Nov 2026", None);
        assert_eq!(odd.time_utc().map_err(|e| e.field), Err("time"));
        Ok(())
    }

    #[test]
    fn bad_events_are_reported_and_the_stream_goes_on() {
        let mut s = EventStream::new();
        let events = s.push(b"event: other\ndata: {}\n\nevent: instance\ndata: {\"type\":1}\n\n");
        assert!(matches!(events.first(), Some(Err(EventError::Name(_)))));
        assert!(matches!(events.get(1), Some(Err(EventError::Data(_)))));
        assert!(!s.is_finished());
    }

    #[test]
    fn backoff_is_capped() {
        let mut r = Reconnect::new(Duration::from_secs(10), Duration::from_secs(1));
        r.set_retry(Duration::from_secs(2));
        let delays: Vec<_> = (0..5)
            .map(|_| match r.next(Disconnect::Silent) {
                Next::Reconnect { after } => after.as_secs(),
                Next::NewKeyNeeded => 0,
            })
            .collect();
        assert_eq!(delays, vec![2, 4, 8, 10, 10]);
        assert_eq!(r.silence_limit(true), Some(Duration::from_secs(1)));
    }
}
