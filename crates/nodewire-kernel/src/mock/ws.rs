//! The WebSocket routes (`/v1/status/ws`, `/v1/events/ws`): `426` without
//! `Upgrade: websocket`; with it, [`Outcome::WebSocket`] asks the HTTP layer to complete the
//! handshake (`101`) and send a [`WsStream`]'s messages, one JSON text message per SSE `data`
//! line of the twin stream (core.yaml leaves the framing open; this is the reading the
//! clients use).

use std::time::Duration;

use super::{Answer, EventSubscription, MockKernel, Outcome, StatusSubscription};
use crate::endpoints::{EventsWs, StatusWs, parse_events_filter};
use crate::streams::{EventEnvelope, encode_message};

/// A client on a WebSocket route: what to send it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum WsStream {
    /// `GET /v1/status/ws`: status frames every [`interval`](WsStream::interval) (the first
    /// at once), plus the events its `events=` filter names.
    Status(StatusSubscription),
    /// `GET /v1/events/ws`: every event the filter selects.
    Events(EventSubscription),
}

impl WsStream {
    /// How often to send a status frame; `None` for the event route, which sends events only.
    pub fn interval(&self) -> Option<Duration> {
        match self {
            Self::Status(s) => Some(s.interval()),
            Self::Events(_) => None,
        }
    }

    /// The next status message (a [`StatusMessage`](crate::streams::StatusMessage) as JSON
    /// text), or `None` when there is nothing to send this time (`mode=diff` without changes,
    /// a filter without `runtime`, or the event route).
    pub fn next_message(&mut self, mock: &MockKernel) -> Option<String> {
        match self {
            Self::Status(s) => {
                let frame = s.next_frame(mock)?;
                encode_message(&frame.data).ok()
            }
            Self::Events(_) => None,
        }
    }

    /// The message for `event` (an [`EventMessage`](crate::streams::EventMessage) as JSON
    /// text), when this stream wants it.
    pub fn event_message(&self, event: &EventEnvelope) -> Option<String> {
        let wanted = match self {
            Self::Status(s) => s.wants(event),
            Self::Events(e) => e.wants(event),
        };
        wanted.then(|| encode_message(event).ok()).flatten()
    }
}

impl MockKernel {
    /// `GET /v1/status/ws`.
    pub(super) fn status_ws(&self, call: &StatusWs, upgrade: bool) -> Answer {
        if !upgrade {
            return self.upgrade_required();
        }
        Ok(Outcome::WebSocket(WsStream::Status(
            StatusSubscription::new(call.query.clone()),
        )))
    }

    /// `GET /v1/events/ws`.
    pub(super) fn events_ws(&self, call: &EventsWs, upgrade: bool) -> Answer {
        if !upgrade {
            return self.upgrade_required();
        }
        Ok(Outcome::WebSocket(WsStream::Events(EventSubscription {
            filter: call
                .events
                .as_deref()
                .map(parse_events_filter)
                .unwrap_or_default(),
        })))
    }
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;
    use crate::mock::{Body, MockConfig};
    use crate::streams::{StatusFrame, decode_event_message, decode_status_message};

    fn ws_request(path: &str, upgrade: bool) -> http::request::Parts {
        let mut builder = http::Request::get(path);
        if upgrade {
            builder = builder
                .header("upgrade", "websocket")
                .header("connection", "Upgrade");
        }
        let (head, ()) = builder.body(()).unwrap_or_default().into_parts();
        head
    }

    fn mock() -> MockKernel {
        let mut config = MockConfig::default();
        config.auth.allow_insecure = true;
        MockKernel::new(config)
    }

    #[test]
    fn the_websocket_routes_serve_messages() {
        let mut m = mock();
        let Outcome::Respond(refused) = m.handle(
            &ws_request("/v1/status/ws", false),
            Body::Complete(Default::default()),
        ) else {
            panic!("expected 426")
        };
        assert_eq!(refused.status(), StatusCode::UPGRADE_REQUIRED);

        let Outcome::WebSocket(mut status) = m.handle(
            &ws_request("/v1/status/ws?interval=1&events=runtime,node", true),
            Body::Complete(Default::default()),
        ) else {
            panic!("expected a WebSocket")
        };
        assert_eq!(status.interval(), Some(Duration::from_secs(1)));
        let first = status.next_message(&m).unwrap();
        assert!(matches!(
            decode_status_message(&first).unwrap(),
            StatusFrame::Full(_)
        ));

        let Outcome::WebSocket(events) = m.handle(
            &ws_request("/v1/events/ws?events=node", true),
            Body::Complete(Default::default()),
        ) else {
            panic!("expected a WebSocket")
        };
        assert_eq!(events.interval(), None);
        let envelope = EventEnvelope::new(crate::streams::EventName::NodeDegraded);
        let text = events.event_message(&envelope).unwrap();
        assert_eq!(decode_event_message(&text).unwrap(), envelope);
        let service = EventEnvelope::new(crate::streams::EventName::UserTrafficReported);
        assert_eq!(events.event_message(&service), None);
        assert!(status.event_message(&envelope).is_some());
    }
}
