//! One interface over every protocol's success and failure.
//!
//! The upstreams wrap answers differently (telemt in `{ok, data, revision}`, the kernel with
//! its status and framing, the others not at all), and fail differently. [`Answer`] and
//! [`Failure`] read them the same way:
//!
//! - [`Answer`]: the data, and the revision where the upstream has one (telemt's config
//!   revision). Every protocol's [`Success`](super::Protocol::Success) implements it; a bare
//!   value is its own answer.
//! - [`Failure`]: the HTTP status, the upstream's typed error code where it has codes (an
//!   open enum), and the message. Every protocol's [`Failure`](super::Protocol::Failure)
//!   implements it, and [`ClientError`](crate::client::ClientError) forwards it, so a `409`
//!   or a `404` is matched the same way for all five protocols:
//!
//! ```
//! use nodewire_common::endpoint::Failure;
//! fn is_conflict(error: &impl Failure) -> bool {
//!     error.status() == Some(http::StatusCode::CONFLICT)
//! }
//! assert!(!is_conflict(&nodewire_common::DecodeError::root("bad")));
//! ```

use std::borrow::Cow;

use http::StatusCode;

use crate::DecodeError;

/// A successful answer of a route whose body type is `T`.
///
/// Implemented by every protocol's [`Success`](super::Protocol::Success) shape; a bare value
/// (the protocols without an envelope) is its own answer, without a revision.
///
/// ```
/// use nodewire_common::endpoint::Answer;
/// let answer = vec![1, 2];
/// assert_eq!(Answer::<Vec<i32>>::data(&answer), &[1, 2]);
/// assert_eq!(Answer::<Vec<i32>>::revision(&answer), None);
/// ```
pub trait Answer<T> {
    /// The data.
    fn data(&self) -> &T;
    /// The data, taken out of the answer.
    fn into_data(self) -> T;
    /// The HTTP status, where the protocol's success shape keeps it (telemt's and the
    /// kernel's do; a bare value does not).
    fn status(&self) -> Option<StatusCode> {
        None
    }

    /// The upstream's revision of what the answer describes (telemt's config revision), for
    /// a conditional call that follows; `None` where the upstream has none.
    fn revision(&self) -> Option<&str> {
        None
    }
}

impl<T> Answer<T> for T {
    fn data(&self) -> &T {
        self
    }

    fn into_data(self) -> T {
        self
    }
}

/// A failed call, as every protocol's failure reads.
pub trait Failure: std::error::Error + 'static {
    /// The upstream's error code: an open enum where the upstream has a closed set of codes,
    /// `str` where its codes are free text, [`NoCode`] where it has none.
    type Code: std::fmt::Debug + PartialEq + ?Sized;

    /// The HTTP status, when a response arrived.
    fn status(&self) -> Option<StatusCode>;

    /// The upstream's error code, when the answer carried one.
    fn code(&self) -> Option<&Self::Code>;

    /// The upstream's error message, when the answer carried one (for a failure without the
    /// upstream's error body, the start of the body; for a body that did not decode, what is
    /// wrong with it).
    fn message(&self) -> Option<Cow<'_, str>>;
}

/// The code of an upstream that has no error codes: no value exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoCode {}

impl std::fmt::Display for NoCode {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {}
    }
}

impl Failure for DecodeError {
    type Code = NoCode;

    fn status(&self) -> Option<StatusCode> {
        None
    }

    fn code(&self) -> Option<&NoCode> {
        None
    }

    fn message(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(&self.message))
    }
}

impl Failure for std::convert::Infallible {
    type Code = NoCode;

    fn status(&self) -> Option<StatusCode> {
        match *self {}
    }

    fn code(&self) -> Option<&NoCode> {
        match *self {}
    }

    fn message(&self) -> Option<Cow<'_, str>> {
        match *self {}
    }
}
