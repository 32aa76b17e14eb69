//! The text an HTTP layer writes on the SSE routes (`/v1/status/stream`,
//! `/v1/events/stream`): the counterpart of [`WsStream`](super::WsStream) for
//! `text/event-stream`.

use std::time::Duration;

use super::{EventSubscription, MockKernel, StatusSubscription};
use crate::streams::{EventEnvelope, StreamEvent, render_event};

/// The comment an event stream opens with, so the client sees the stream open at once.
pub const SSE_OPENING: &str = ": connected\n\n";

/// The comment a status stream sends on a tick without a frame (`mode=diff` without changes,
/// or a filter without `runtime`), so the connection does not sit idle.
pub const SSE_KEEPALIVE: &str = ": keepalive\n\n";

/// A client on an SSE route: what to send it, as `text/event-stream` text.
///
/// ```
/// use nodewire_kernel::mock::{Body, MockConfig, MockKernel, Outcome, SseStream, SSE_OPENING};
/// use nodewire_kernel::streams::{EventEnvelope, EventName};
/// let mut config = MockConfig::default();
/// config.auth.allow_insecure = true;
/// let mut mock = MockKernel::new(config);
/// let (head, ()) = http::Request::get("/v1/events/stream?events=node").body(()).unwrap().into_parts();
/// let Outcome::EventStream(subscription) = mock.handle(&head, Body::Complete(Default::default())) else {
///     panic!("expected a stream");
/// };
/// let stream = SseStream::from(subscription);
/// assert_eq!((stream.opening(), stream.interval()), (Some(SSE_OPENING), None));
/// let text = stream.event_chunk(&EventEnvelope::new(EventName::NodeDegraded)).unwrap();
/// assert!(text.starts_with("event: node.degraded\n"));
/// assert_eq!(stream.event_chunk(&EventEnvelope::new(EventName::UserTrafficReported)), None);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SseStream {
    /// `GET /v1/status/stream`: a status frame every [`interval`](SseStream::interval) (the
    /// first at once, [`SSE_KEEPALIVE`] when there is none), plus the events its `events=`
    /// filter names.
    Status(StatusSubscription),
    /// `GET /v1/events/stream`: [`SSE_OPENING`], then every event the filter selects.
    Events(EventSubscription),
}

impl From<StatusSubscription> for SseStream {
    fn from(subscription: StatusSubscription) -> Self {
        Self::Status(subscription)
    }
}

impl From<EventSubscription> for SseStream {
    fn from(subscription: EventSubscription) -> Self {
        Self::Events(subscription)
    }
}

impl SseStream {
    /// What to send before anything else: [`SSE_OPENING`] on the event route.
    pub fn opening(&self) -> Option<&'static str> {
        match self {
            Self::Status(_) => None,
            Self::Events(_) => Some(SSE_OPENING),
        }
    }

    /// How often to call [`next_chunk`](Self::next_chunk); `None` for the event route, which
    /// sends events only.
    pub fn interval(&self) -> Option<Duration> {
        match self {
            Self::Status(s) => Some(s.interval()),
            Self::Events(_) => None,
        }
    }

    /// The text for this tick: the next status frame, or [`SSE_KEEPALIVE`] when there is
    /// none; `None` on the event route.
    pub fn next_chunk(&mut self, mock: &MockKernel) -> Option<String> {
        match self {
            Self::Status(s) => Some(
                s.next_frame(mock)
                    .and_then(|frame| render_event(&frame).ok())
                    .unwrap_or_else(|| SSE_KEEPALIVE.to_owned()),
            ),
            Self::Events(_) => None,
        }
    }

    /// The SSE event for `event` (named after it, its envelope as `data`), when this stream
    /// wants it.
    pub fn event_chunk(&self, event: &EventEnvelope) -> Option<String> {
        let wanted = match self {
            Self::Status(s) => s.wants(event),
            Self::Events(e) => e.wants(event),
        };
        if !wanted {
            return None;
        }
        render_event(&StreamEvent::new(event.event.as_str(), event)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::{Body, MockConfig, Outcome};
    use crate::status::HealthStatus;
    use crate::streams::{EventName, StatusFrame, StreamDecoder};

    fn open(mock: &mut MockKernel, path: &str) -> SseStream {
        let Ok(request) = http::Request::get(path).body(()) else {
            return SseStream::Events(EventSubscription { filter: Vec::new() });
        };
        let (head, ()) = request.into_parts();
        match mock.handle(&head, Body::Complete(Default::default())) {
            Outcome::StatusStream(s) => s.into(),
            Outcome::EventStream(e) => e.into(),
            _ => SseStream::Events(EventSubscription { filter: Vec::new() }),
        }
    }

    fn mock() -> MockKernel {
        let mut config = MockConfig::default();
        config.auth.allow_insecure = true;
        MockKernel::new(config)
    }

    #[test]
    fn status_streams_send_frames_then_keepalives() {
        let mut m = mock();
        let mut stream = open(&mut m, "/v1/status/stream?mode=diff&interval=2&events=node");
        assert!(matches!(stream, SseStream::Status(_)));
        assert_eq!(stream.opening(), None);
        assert_eq!(stream.interval(), Some(Duration::from_secs(2)));
        // A filter without `runtime`: no frames, only keep-alives.
        assert_eq!(stream.next_chunk(&m).as_deref(), Some(SSE_KEEPALIVE));
        let degraded = EventEnvelope::new(EventName::NodeDegraded);
        assert!(stream.event_chunk(&degraded).is_some());

        let mut stream = open(&mut m, "/v1/status/stream?mode=diff");
        let first = stream.next_chunk(&m).unwrap();
        let mut decoder = StreamDecoder::<StatusFrame>::new();
        let frames = decoder.push(first.as_bytes());
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].as_ref().unwrap().event, "status.full");
        // Nothing changed: a keep-alive, which decodes to nothing.
        let second = stream.next_chunk(&m).unwrap();
        assert_eq!(second, SSE_KEEPALIVE);
        assert!(decoder.push(second.as_bytes()).is_empty());
        assert_eq!(stream.event_chunk(&degraded), None);
    }

    #[test]
    fn event_streams_open_with_a_comment_and_send_wanted_events() {
        let mut m = mock();
        let stream = open(&mut m, "/v1/events/stream?events=node");
        assert_eq!(stream.opening(), Some(SSE_OPENING));
        assert_eq!(stream.interval(), None);
        let mut clone = stream.clone();
        assert_eq!(clone.next_chunk(&m), None);

        let profile = crate::protocols::NodeProfile::new(
            "edge-1",
            crate::protocols::NodeRole::Listener,
            crate::protocols::ProfileProtocol::Vless,
        );
        let upsert = crate::protocols::ProtocolUpsertRequest::new(profile);
        m.upsert(upsert);
        m.set_health(
            "edge-1",
            HealthStatus::Degraded {
                consecutive_failures: 1,
            },
        )
        .unwrap();
        let events = m.take_effects().events;
        let chunks: Vec<String> = events
            .iter()
            .filter_map(|e| stream.event_chunk(e))
            .collect();
        assert_eq!(chunks.len(), events.len());
        let mut decoder = StreamDecoder::<EventEnvelope>::new();
        let decoded: Vec<_> = chunks
            .iter()
            .flat_map(|c| decoder.push(c.as_bytes()))
            .map(Result::unwrap)
            .collect();
        let names: Vec<&str> = decoded.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(names, ["node.added", "node.degraded"]);
        assert_eq!(decoded[1].data, events[1]);
    }
}
