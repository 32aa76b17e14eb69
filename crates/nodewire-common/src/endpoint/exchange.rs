//! How a route answers ([`Endpoint::Exchange`](crate::Endpoint::Exchange)): with one response
//! ([`Unary`]) or with a stream of items ([`Streaming`]).
//!
//! The difference is in the type, so a client cannot read a stream as one answer: the
//! client's `send` takes only endpoints whose exchange is [`Unary`] (the bound
//! [`OneAnswer`]), and `Client::stream` only [`StreamEndpoint`](crate::stream::StreamEndpoint)s,
//! whose exchange is [`Streaming`]. Generic code over the routes `send` takes writes
//! `E: Endpoint<Exchange = Unary>`.
//!
//! ```
//! use nodewire_common::endpoint::{Exchange, Streaming, Unary};
//! assert!(!Unary::STREAMING);
//! assert!(Streaming::STREAMING);
//! ```

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Unary {}
    impl Sealed for super::Streaming {}
}

/// How a route answers: [`Unary`] or [`Streaming`] (sealed).
pub trait Exchange: sealed::Sealed + 'static {
    /// Whether the answer is a stream of items.
    const STREAMING: bool;
}

/// One response, read whole: what the client's `send` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unary {}

/// A stream of items (Server-Sent Events, a WebSocket), read as they arrive: the route is a
/// [`StreamEndpoint`](crate::stream::StreamEndpoint), opened with the client's `stream`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streaming {}

impl Exchange for Unary {
    const STREAMING: bool = false;
}

impl Exchange for Streaming {
    const STREAMING: bool = true;
}

/// The bound of the client's `send` on an endpoint `E`'s [`Exchange`]: held by [`Unary`]
/// only, so sending a stream route is refused at compile time with a message that names the
/// route and the call to use instead.
#[diagnostic::on_unimplemented(
    message = "`{E}` is a stream route: open it with `Client::stream`, not `send`",
    label = "a stream route, sent as if it had one answer",
    note = "`send` reads one whole answer; `client.stream(&endpoint)` yields a stream's items as \
            they arrive"
)]
pub trait OneAnswer<E>: Exchange {}

impl<E> OneAnswer<E> for Unary {}
