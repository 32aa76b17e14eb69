//! [`ApiError`]: a failed call to an upstream, one type for every protocol, parameterized by
//! the upstream's error body.

use std::borrow::Cow;
use std::fmt;

use http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;

use super::{DecodeError, body_text, from_slice};
use crate::endpoint::Failure;

/// An upstream's error body: what a failure status carries when the upstream itself answered.
///
/// Implementing it is all a protocol crate writes for its client error: its `Error` is
/// [`ApiError<ItsErrorBody>`](ApiError).
pub trait ErrorBody: fmt::Debug + DeserializeOwned + 'static {
    /// The upstream, as an error message names it (`<UPSTREAM> error 404 …`).
    const UPSTREAM: &'static str;

    /// The upstream's error code: an open enum where the upstream has a closed set of codes,
    /// `str` where its codes are free text, [`NoCode`](crate::endpoint::NoCode) where it has
    /// none.
    type Code: fmt::Debug + fmt::Display + PartialEq + ?Sized;

    /// The body's code, when it has one (default: none).
    fn code(&self) -> Option<&Self::Code> {
        None
    }

    /// The body's message.
    fn message(&self) -> Cow<'_, str>;
}

/// How an error message shows a body: `code (message)`, or the message alone.
fn describe<B: ErrorBody>(body: &B) -> String {
    match body.code() {
        Some(code) => format!("{code} ({})", body.message()),
        None => body.message().into_owned(),
    }
}

/// A failed call to an upstream whose error body is `B`.
///
/// Every protocol crate's `Error` is this type over its own error body (`ApiError<ErrorResponse>`
/// in the crate's `envelope`), so a panel reads the failures of every protocol the same way: the
/// variants, [`status`](Self::status), [`code`](Self::code), [`message`](Self::message), or
/// the [`Failure`] trait.
///
/// ```
/// use std::borrow::Cow;
/// use http::{HeaderMap, StatusCode};
/// use nodewire_common::error::{ApiError, ErrorBody};
///
/// /// `{"code", "message"}`.
/// #[derive(Debug, serde::Deserialize)]
/// struct Body { code: String, message: String }
///
/// impl ErrorBody for Body {
///     const UPSTREAM: &'static str = "example";
///     type Code = str;
///     fn code(&self) -> Option<&str> { Some(&self.code) }
///     fn message(&self) -> Cow<'_, str> { Cow::Borrowed(&self.message) }
/// }
///
/// let headers = HeaderMap::new();
/// let e = ApiError::<Body>::from_response(StatusCode::CONFLICT, &headers, br#"{"code":"C","message":"m"}"#);
/// assert_eq!((e.status(), e.code(), e.message().as_deref()), (Some(StatusCode::CONFLICT), Some("C"), Some("m")));
/// assert_eq!(e.to_string(), "example error 409 Conflict: C (m)");
///
/// let e = ApiError::<Body>::from_response(StatusCode::BAD_GATEWAY, &headers, b"<html>bad gateway</html>");
/// assert!(matches!(e, ApiError::Unexpected { ref text, .. } if text.contains("bad gateway")));
/// assert_eq!(e.code(), None);
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError<B: ErrorBody> {
    /// The upstream answered a failure status with its error body.
    #[error("{} error {status}: {}", B::UPSTREAM, describe(body))]
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The `Allow` header, when the answer carried one (a `405`).
        allow: Option<String>,
        /// The error body.
        body: B,
    },
    /// A failure status without the upstream's error body (a proxy's page, a router's
    /// `404 page not found`).
    #[error("{} answered {status} without an error body: {}", B::UPSTREAM, text.trim_end())]
    Unexpected {
        /// The HTTP status.
        status: StatusCode,
        /// The start of the body, as text ([`body_text`]).
        text: String,
    },
    /// A body that did not decode.
    #[error("cannot decode the {upstream} response {}", .0, upstream = B::UPSTREAM)]
    Decode(#[from] DecodeError),
}

impl<B: ErrorBody> ApiError<B> {
    /// The failure a response with a failure `status` stands for: [`Api`](Self::Api) when
    /// `bytes` decode as the error body, else [`Unexpected`](Self::Unexpected) with the start
    /// of the body as text.
    pub fn from_response(status: StatusCode, headers: &HeaderMap, bytes: &[u8]) -> Self {
        match from_slice::<B>(bytes) {
            Ok(body) => Self::Api {
                status,
                allow: allow_header(headers),
                body,
            },
            Err(_) => Self::Unexpected {
                status,
                text: body_text(bytes),
            },
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. } | Self::Unexpected { status, .. } => Some(*status),
            Self::Decode(_) => None,
        }
    }

    /// The upstream's error code, when its error body carried one.
    pub fn code(&self) -> Option<&B::Code> {
        match self {
            Self::Api { body, .. } => body.code(),
            _ => None,
        }
    }

    /// The upstream's error message; for a failure without the error body, the start of the
    /// body; for a body that did not decode, what is wrong with it.
    pub fn message(&self) -> Option<Cow<'_, str>> {
        match self {
            Self::Api { body, .. } => Some(body.message()),
            Self::Unexpected { text, .. } => Some(Cow::Borrowed(text.trim_end())),
            Self::Decode(e) => Some(Cow::Borrowed(&e.message)),
        }
    }

    /// `true` for a `401`: no credential, or one the upstream no longer accepts.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }
}

/// The `Allow` header as text, when present and readable.
pub fn allow_header(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::ALLOW)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

impl<B: ErrorBody> Failure for ApiError<B> {
    type Code = B::Code;

    fn status(&self) -> Option<StatusCode> {
        ApiError::status(self)
    }

    fn code(&self) -> Option<&B::Code> {
        ApiError::code(self)
    }

    fn message(&self) -> Option<Cow<'_, str>> {
        ApiError::message(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::NoCode;

    /// `{"error": …}`, an upstream without codes.
    #[derive(Debug, serde::Deserialize)]
    struct Bare {
        error: String,
    }

    impl ErrorBody for Bare {
        const UPSTREAM: &'static str = "bare";
        type Code = NoCode;

        fn message(&self) -> Cow<'_, str> {
            Cow::Borrowed(&self.error)
        }
    }

    #[test]
    fn an_error_body_keeps_its_status_and_allow_header() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ALLOW, http::HeaderValue::from_static("GET, POST"));
        let e = ApiError::<Bare>::from_response(
            StatusCode::METHOD_NOT_ALLOWED,
            &headers,
            br#"{"error":"Method not allowed"}"#,
        );
        let ApiError::Api { status, allow, .. } = &e else {
            panic!("{e:?}");
        };
        assert_eq!(
            (*status, allow.as_deref()),
            (StatusCode::METHOD_NOT_ALLOWED, Some("GET, POST"))
        );
        assert_eq!(e.code(), None);
        assert_eq!(
            e.to_string(),
            "bare error 405 Method Not Allowed: Method not allowed"
        );
        assert!(!e.is_unauthorized());
    }

    #[test]
    fn other_bodies_are_unexpected_and_say_so() {
        let e = ApiError::<Bare>::from_response(
            StatusCode::UNAUTHORIZED,
            &HeaderMap::new(),
            b"404 page not found\n",
        );
        assert!(e.is_unauthorized());
        assert_eq!(e.message().as_deref(), Some("404 page not found"));
        assert_eq!(
            e.to_string(),
            "bare answered 401 Unauthorized without an error body: 404 page not found"
        );
    }

    #[test]
    fn a_decoding_failure_has_no_status_and_names_the_fault() {
        let e = ApiError::<Bare>::from(DecodeError::root("expected an object"));
        assert_eq!(e.status(), None);
        assert_eq!(Failure::message(&e).as_deref(), Some("expected an object"));
        assert_eq!(
            e.to_string(),
            "cannot decode the bare response at `.`: expected an object"
        );
    }
}
