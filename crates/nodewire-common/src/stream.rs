//! Stream endpoints: routes whose answer is a stream of items rather than one body, carried as
//! Server-Sent Events or over a WebSocket.
//!
//! A [`StreamEndpoint`] names its [`Transport`] and types each [`Frame`] it receives (an SSE
//! event, a WebSocket message) into its [`Item`](StreamEndpoint::Item); its
//! [`Exchange`](crate::Endpoint::Exchange) is [`Streaming`]. The client's
//! `Client::stream` (feature `client`) opens such a route with the client's own headers and
//! yields the typed items as they arrive; other HTTP stacks can feed the frames they read to
//! [`StreamEndpoint::decode_frame`] themselves, with [`sse::Decoder`] for the event stream.
//!
//! ```
//! use nodewire_common::stream::{Frame, Sse, StreamEndpoint};
//! use nodewire_common::{sse, DecodeError};
//! # struct P;
//! # impl nodewire_common::Protocol for P {
//! #     const NAME: &'static str = "p"; type Success<T> = T; type Failure = DecodeError;
//! #     fn decode_response<T: serde::de::DeserializeOwned>(_: http::StatusCode, _: &http::HeaderMap, b: &[u8])
//! #         -> Result<T, DecodeError> { nodewire_common::error::from_slice(b) }
//! #     fn encode_response<T: serde::Serialize>(_: &T) -> Result<http::Response<bytes::Bytes>, serde_json::Error> { unimplemented!() }
//! # }
//! # struct Ticks;
//! # impl nodewire_common::Endpoint for Ticks {
//! #     type Protocol = P; type Request = nodewire_common::endpoint::NoBody; type Response = ();
//! #     type Exchange = nodewire_common::endpoint::Streaming;
//! #     const METADATA: nodewire_common::Metadata = nodewire_common::Metadata {
//! #         name: "Ticks", method: http::Method::GET, path: "/ticks", aliases: &[],
//! #         body: nodewire_common::BodyKind::None, description: "" };
//! #     fn from_parts(_: nodewire_common::endpoint::IncomingParts<'_, Self::Request>)
//! #         -> Result<Self, nodewire_common::FromRequestError> { Ok(Self) }
//! # }
//! impl StreamEndpoint for Ticks {
//!     type Transport = Sse;
//!     type Item = u64;
//!     fn decode_frame(frame: Frame) -> Result<u64, DecodeError> {
//!         frame.json()
//!     }
//! }
//! let mut decoder = sse::Decoder::new();
//! let items: Vec<u64> = decoder
//!     .push(b"data: 7\n\ndata: 8\n\n")
//!     .into_iter()
//!     .map(|event| Ticks::decode_frame(Frame::Event(event)))
//!     .collect::<Result<_, _>>()?;
//! assert_eq!(items, [7, 8]);
//! # Ok::<(), DecodeError>(())
//! ```

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::endpoint::{Endpoint, Streaming};
use crate::error::{DecodeError, from_slice};
use crate::sse;

mod sealed {
    pub trait Sealed {}
}

/// How a stream endpoint carries its items: [`Sse`] or [`WebSocket`].
pub trait Transport: sealed::Sealed + 'static {
    /// The transport as a value.
    const KIND: TransportKind;
}

/// The transports, as values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// Server-Sent Events.
    Sse,
    /// WebSocket.
    WebSocket,
}

/// Server-Sent Events: a `200 text/event-stream` response read incrementally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sse {}

/// A WebSocket: a `101 Switching Protocols` upgrade, then messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebSocket {}

impl sealed::Sealed for Sse {}
impl sealed::Sealed for WebSocket {}

impl Transport for Sse {
    const KIND: TransportKind = TransportKind::Sse;
}

impl Transport for WebSocket {
    const KIND: TransportKind = TransportKind::WebSocket;
}

/// One unit a stream delivers, before the endpoint types it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Frame {
    /// A dispatched Server-Sent Event (never a partial one).
    Event(sse::Event),
    /// A WebSocket text message.
    Text(String),
    /// A WebSocket binary message.
    Binary(Bytes),
}

impl Frame {
    /// The frame's payload: an event's `data`, a message's text or bytes.
    pub fn payload(&self) -> &[u8] {
        match self {
            Self::Event(event) => event.data.as_bytes(),
            Self::Text(text) => text.as_bytes(),
            Self::Binary(bytes) => bytes,
        }
    }

    /// The SSE `event:` name, for an event.
    pub fn event_name(&self) -> Option<&str> {
        match self {
            Self::Event(event) => Some(&event.event),
            Self::Text(_) | Self::Binary(_) => None,
        }
    }

    /// The payload decoded as JSON; the error names the path of the fault.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        from_slice(self.payload())
    }
}

/// A route whose answer is a stream of items (an event stream or a WebSocket).
///
/// Its [`Endpoint::Exchange`] is [`Streaming`], so the client's `send`, which reads one whole
/// answer, refuses it at compile time; the client's `stream` opens it.
pub trait StreamEndpoint: Endpoint<Exchange = Streaming> {
    /// How the items are carried.
    type Transport: Transport;
    /// One item of the stream, typed.
    type Item;

    /// Types one frame. An error skips this frame only; the stream goes on.
    fn decode_frame(frame: Frame) -> Result<Self::Item, DecodeError>;

    /// Whether the upstream closes the stream after this item (NodePass's `shutdown`): the
    /// reader stops there and ignores anything after it. By default, never.
    fn ends_stream(_item: &Self::Item) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_expose_their_payload() -> Result<(), DecodeError> {
        let event = Frame::Event(sse::Event {
            event: "tick".to_owned(),
            data: "[1,2]".to_owned(),
            id: None,
        });
        assert_eq!(event.event_name(), Some("tick"));
        assert_eq!(event.json::<Vec<u8>>()?, vec![1, 2]);
        let text = Frame::Text("{\"a\":1}".to_owned());
        assert_eq!(text.event_name(), None);
        assert_eq!(text.payload(), b"{\"a\":1}");
        assert!(
            Frame::Binary(Bytes::from_static(b"\xff"))
                .json::<u8>()
                .is_err()
        );
        assert_eq!(Sse::KIND, TransportKind::Sse);
        assert_eq!(WebSocket::KIND, TransportKind::WebSocket);
        Ok(())
    }
}
