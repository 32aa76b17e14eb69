//! The four streaming routes as [`StreamEndpoint`]s: `client.stream(&call)` yields their typed
//! items, and [`Reconnecting`](nodewire_common::client::Reconnecting) follows them across
//! disconnects (feature `client`).

use nodewire_common::DecodeError;
use nodewire_common::stream::{Frame, Sse, StreamEndpoint, WebSocket};
use serde::de::DeserializeOwned;

use super::{EventMessage, StatusMessage, StreamEvent};
use crate::endpoints::{EventsStream, EventsWs, StatusStream, StatusWs};

/// Types one SSE event: its name and id kept, its `data` decoded as `T`.
fn event<T: DeserializeOwned>(frame: Frame) -> Result<StreamEvent<T>, DecodeError> {
    let Frame::Event(event) = frame else {
        return Err(DecodeError::root("expected a Server-Sent Event"));
    };
    match frame_data::<T>(event.data.as_bytes()) {
        Ok(data) => Ok(StreamEvent {
            event: event.event,
            data,
            id: event.id,
        }),
        Err(error) => Err(DecodeError::at(
            error.path,
            format!("event `{}`: {}", event.event, error.message),
        )),
    }
}

fn frame_data<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    nodewire_common::error::from_slice(bytes)
}

/// One WebSocket message: the JSON of one SSE `data` line (the spec leaves the framing open).
fn message<T: DeserializeOwned>(frame: Frame) -> Result<T, DecodeError> {
    match frame {
        Frame::Text(_) | Frame::Binary(_) => frame.json(),
        _ => Err(DecodeError::root("expected a WebSocket message")),
    }
}

/// `GET /v1/status/stream`: [`StatusStreamEvent`](super::StatusStreamEvent)s.
impl StreamEndpoint for StatusStream {
    type Transport = Sse;
    type Item = super::StatusStreamEvent;

    fn decode_frame(frame: Frame) -> Result<Self::Item, DecodeError> {
        event(frame)
    }
}

/// `GET /v1/events/stream`: [`EventStreamEvent`](super::EventStreamEvent)s.
impl StreamEndpoint for EventsStream {
    type Transport = Sse;
    type Item = super::EventStreamEvent;

    fn decode_frame(frame: Frame) -> Result<Self::Item, DecodeError> {
        event(frame)
    }
}

/// `GET /v1/status/ws`: [`StatusMessage`]s.
impl StreamEndpoint for StatusWs {
    type Transport = WebSocket;
    type Item = StatusMessage;

    fn decode_frame(frame: Frame) -> Result<Self::Item, DecodeError> {
        message(frame)
    }
}

/// `GET /v1/events/ws`: [`EventMessage`]s.
impl StreamEndpoint for EventsWs {
    type Transport = WebSocket;
    type Item = EventMessage;

    fn decode_frame(frame: Frame) -> Result<Self::Item, DecodeError> {
        message(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::{EventName, StatusFrame};
    use nodewire_common::sse;

    #[test]
    fn frames_decode_per_transport() -> Result<(), DecodeError> {
        let mut decoder = sse::Decoder::new();
        let mut events = decoder.push(
            b"id: 9\nevent: node.added\ndata: {\"event\":\"node.added\",\"payload\":{}}\n\n\
              event: status.full\ndata: {\"type\":\"full\",\"snapshot\":{}}\n\n\
              event: node.added\ndata: {\"event\":1}\n\n",
        );
        let bad = events
            .pop()
            .map(Frame::Event)
            .ok_or(DecodeError::root("none"))?;
        let status = events
            .pop()
            .map(Frame::Event)
            .ok_or(DecodeError::root("none"))?;
        let added = events
            .pop()
            .map(Frame::Event)
            .ok_or(DecodeError::root("none"))?;
        let added = EventsStream::decode_frame(added)?;
        assert_eq!(added.data.event, EventName::NodeAdded);
        assert_eq!(added.id.as_deref(), Some("9"));
        assert!(matches!(
            StatusStream::decode_frame(status)?.data,
            StatusFrame::Full(_)
        ));
        let error = EventsStream::decode_frame(bad).err().map(|e| e.message);
        assert!(error.is_some_and(|m| m.starts_with("event `node.added`")));
        let text = Frame::Text("{\"type\":\"diff\",\"snapshot\":{}}".to_owned());
        assert!(matches!(
            StatusWs::decode_frame(text)?,
            StatusFrame::Diff(_)
        ));
        let envelope = Frame::Binary(bytes::Bytes::from_static(b"{\"event\":\"node.removed\"}"));
        assert_eq!(
            EventsWs::decode_frame(envelope)?.event,
            EventName::NodeRemoved
        );
        let wrong = Frame::Text("{}".to_owned());
        assert!(EventsStream::decode_frame(wrong).is_err());
        Ok(())
    }
}
