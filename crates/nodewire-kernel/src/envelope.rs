//! How the kernel wraps answers: a success [`Reply`] with its status and body [`Format`]
//! ([`reply`]), the `{code, message}` error body (core.yaml:875-893) and the failures a call
//! can end in.
//!
//! Every operation answers failures through its `default` response, an [`ErrorResponse`]. The
//! spec lists no codes and maps none to HTTP statuses; the only code it shows is
//! `BAD_REQUEST`. Treat [`ErrorResponse::code`] as open text; [`codes`] names the ones this
//! crate's mock uses.

pub mod reply;

pub use reply::{Format, NoContent, Reply};
pub(crate) use reply::{JSON_STYLE, decode_success, encode};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::wire::wire_struct;

wire_struct! {
    /// The error body of every operation (core.yaml:886).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
    pub struct ErrorResponse {
        /// Machine-readable code, SCREAMING_SNAKE by convention (`BAD_REQUEST`).
        code: String,
        /// Human-readable text.
        message: String,
    }
}

impl ErrorResponse {
    /// An error body.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Error codes. Only [`BAD_REQUEST`](codes::BAD_REQUEST) appears in core.yaml; the others are
/// the ones this crate's server helpers and mock send, in the same convention.
pub mod codes {
    /// 400: a request that does not decode or validate (core.yaml:884).
    pub const BAD_REQUEST: &str = "BAD_REQUEST";
    /// 401: missing or wrong credentials.
    pub const UNAUTHORIZED: &str = "UNAUTHORIZED";
    /// 404: unknown route or resource.
    pub const NOT_FOUND: &str = "NOT_FOUND";
    /// 405: known path, other method.
    pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    /// 409: the resource exists already.
    pub const CONFLICT: &str = "CONFLICT";
    /// 413: the body exceeds the limit.
    pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
    /// 426: a WebSocket route called without an upgrade.
    pub const UPGRADE_REQUIRED: &str = "UPGRADE_REQUIRED";
    /// 500: anything else.
    pub const INTERNAL: &str = "INTERNAL";
    /// 501: a feature the server does not provide.
    pub const NOT_IMPLEMENTED: &str = "NOT_IMPLEMENTED";
}

/// A failed call to the kernel.
pub type Error = nodewire_common::error::ApiError<ErrorResponse>;

impl nodewire_common::error::ErrorBody for ErrorResponse {
    const UPSTREAM: &'static str = "kernel";
    type Code = str;

    fn code(&self) -> Option<&str> {
        Some(self.code.as_str())
    }

    fn message(&self) -> std::borrow::Cow<'_, str> {
        self.message.as_str().into()
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.push(nodewire_common::registry::TypeEntry::of::<ErrorResponse>());
}

/// Decodes a response of any route (client side): a [`Reply`] for a 2xx status or a `101`
/// (a WebSocket upgrade), the failure otherwise.
pub fn decode<T: serde::de::DeserializeOwned>(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<Reply<T>, Error> {
    if status.is_success() || status == http::StatusCode::SWITCHING_PROTOCOLS {
        return Ok(decode_success(status, headers, body)?);
    }
    Err(Error::from_response(status, headers, body))
}
