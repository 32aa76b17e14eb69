//! The `{ok, data, revision}` success envelope, the `{ok:false, error, request_id}` error
//! envelope, the 17 error codes, and the config revision (`http_utils.rs`, `model.rs:13-67`).
//!
//! **`ok` decides success, not the HTTP status**: `GET /v1/health/ready` answers `503` with
//! `ok: true` when the proxy is not ready. [`Telemt::decode_response`](nodewire_common::Protocol::decode_response)
//! branches on `ok` and keeps the status next to the data.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use nodewire_common::error::from_slice;
use nodewire_common::server::{JsonStyle, json_response, text_response};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use nodewire_common::literal::{OkFalse, OkTrue};

/// The config revision: SHA-256 of the raw bytes of the main config file, as 64 lowercase hex
/// characters (`config_store.rs:68-86`).
///
/// Every success envelope carries the current one. Send it back with `If-Match` (the
/// `if_match` field of the mutating endpoints) to make a write conditional; a mismatch gives
/// `409 revision_conflict`. Responses are decoded leniently, so any string is kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Revision(String);

impl Revision {
    /// Wraps a revision string as received.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The revision text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `true` when it has the form the server produces (64 lowercase hex characters). The
    /// server compares `If-Match` case-sensitively, so an uppercase copy never matches.
    pub fn is_well_formed(&self) -> bool {
        self.0.len() == 64
            && self
                .0
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }

    /// The `If-Match` header value for this revision (quoted, as an entity tag; the server
    /// strips the quotes).
    pub fn to_if_match(&self) -> Result<HeaderValue, http::header::InvalidHeaderValue> {
        HeaderValue::from_str(&format!("\"{}\"", self.0))
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Revision {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl From<String> for Revision {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&Revision> for Revision {
    /// A copy, so a conditional call takes `&revision` (`if_match(&users.revision)`).
    fn from(revision: &Revision) -> Self {
        revision.clone()
    }
}

impl AsRef<str> for Revision {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Reads `If-Match` the way the server does (`config_store.rs:41-48`): a non-ASCII value
/// counts as absent, the value is trimmed, an empty one counts as absent, and every leading
/// and trailing `"` is stripped. There is no entity-tag grammar: `W/"…"`, lists and `*` are
/// compared literally and never match a revision.
pub fn parse_if_match(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::IF_MATCH)?.to_str().ok()?.trim();
    if value.is_empty() {
        return None;
    }
    Some(value.trim_matches('"').to_owned())
}

/// A success envelope `{"ok": true, "data": T, "revision": "<sha256 hex>"}`
/// (`SuccessResponse<T>`, `model.rs:62-67`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SuccessResponse<T> {
    /// Always `true`.
    pub ok: OkTrue,
    /// The route's payload.
    pub data: T,
    /// The config revision at the time of the response.
    pub revision: Revision,
}

/// The `error` member of an error envelope (`ErrorBody`, `model.rs:49-53`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ErrorBody {
    /// Machine-readable code; match on this, not on the message.
    pub code: ErrorCode,
    /// Human-readable text.
    pub message: String,
}

/// An error envelope `{"ok": false, "error": {code, message}, "request_id": N}`
/// (`ErrorResponse`, `model.rs:55-60`). Error envelopes never carry `revision`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ErrorResponse {
    /// Always `false`.
    pub ok: OkFalse,
    /// What went wrong.
    pub error: ErrorBody,
    /// A per-process counter, starting at 1, incremented by every request that reaches the
    /// handler (successful ones included), so error ids are not consecutive.
    pub request_id: u64,
}

nodewire_common::open_enum! {
    /// `error.code`: the 17 machine codes the server sends (contract §6).
    #[rename_all = "snake_case"]
    pub enum ErrorCode {
        /// 400: bad JSON, a failed validation, a bad query.
        BadRequest,
        /// 400: `PATCH /v1/config` touched `access` (managed through the users API).
        AccessNotEditable,
        /// 400: `PATCH /v1/config` touched a section that is not editable.
        SectionNotEditable,
        /// 401: missing or wrong `Authorization` header.
        Unauthorized,
        /// 403: source IP not in the whitelist (only with `gray_action = "api"`).
        Forbidden,
        /// 403: the API runs in read-only mode.
        ReadOnly,
        /// 404: unknown route or user.
        NotFound,
        /// 404: unknown reload id.
        ReloadNotFound,
        /// 405: known path, wrong method (the response has an `Allow` header).
        MethodNotAllowed,
        /// 409: `If-Match` does not equal the current revision.
        RevisionConflict,
        /// 409: the user already exists.
        UserExists,
        /// 409: the last configured user cannot be deleted.
        LastUserForbidden,
        /// 409: another reload is in progress.
        ReloadInProgress,
        /// 413: the body exceeds the configured limit.
        PayloadTooLarge,
        /// 500: reading, parsing or writing the config failed.
        InternalError,
        /// 503: the API was disabled by a runtime reload.
        ApiDisabled,
        /// 503: the reload coordinator is not running.
        MaestroUnavailable,
    }
}

/// A successful call: the data, the revision, and the HTTP status it came with (which is not
/// always 2xx: `/v1/health/ready` is `503` with `ok: true` when not ready; user mutators answer
/// `200` or `202` depending on whether the username is in the running config).
#[derive(Debug, Clone, PartialEq)]
pub struct Success<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The payload.
    pub data: T,
    /// The config revision at the time of the response.
    pub revision: Revision,
}

impl<T> nodewire_common::endpoint::Answer<T> for Success<T> {
    fn data(&self) -> &T {
        &self.data
    }

    fn into_data(self) -> T {
        self.data
    }

    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }

    fn revision(&self) -> Option<&str> {
        Some(self.revision.as_str())
    }
}

/// A failed call.
pub type Error = nodewire_common::error::ApiError<ErrorResponse>;

impl nodewire_common::error::ErrorBody for ErrorResponse {
    const UPSTREAM: &'static str = "telemt";
    type Code = ErrorCode;

    fn code(&self) -> Option<&ErrorCode> {
        Some(&self.error.code)
    }

    fn message(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(&self.error.message)
    }
}

#[derive(Deserialize)]
struct Probe {
    ok: bool,
}

#[derive(Deserialize)]
struct BareFailure {
    #[allow(dead_code)]
    ok: OkFalse,
}

/// Decodes a response body of a route whose data type is `T`, branching on `ok`.
pub fn decode<T: DeserializeOwned>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Success<T>, Error> {
    let probe: Probe = match from_slice(body) {
        Ok(probe) => probe,
        Err(_) if !status.is_success() => return Err(unexpected(status, body)),
        Err(err) => return Err(Error::Decode(err)),
    };
    if probe.ok {
        let envelope: SuccessResponse<T> = from_slice(body)?;
        return Ok(Success {
            status,
            data: envelope.data,
            revision: envelope.revision,
        });
    }
    let allow = nodewire_common::error::allow_header(headers);
    match from_slice::<ErrorResponse>(body) {
        Ok(body) => Err(Error::Api {
            status,
            allow,
            body,
        }),
        Err(err) => match from_slice::<BareFailure>(body) {
            Ok(_) if !body.windows(7).any(|w| w == b"\"error\"") => Err(unexpected(status, body)),
            _ => Err(Error::Decode(err)),
        },
    }
}

fn unexpected(status: StatusCode, body: &[u8]) -> Error {
    Error::Unexpected {
        status,
        text: nodewire_common::error::body_text(body),
    }
}

/// The response content type the server always sends.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// How the server writes JSON: serde_json's compact form, [`CONTENT_TYPE`].
pub(crate) const JSON_STYLE: JsonStyle = JsonStyle::compact(CONTENT_TYPE);

/// Encodes a success envelope as the server does.
pub fn encode<T: Serialize>(
    success: &Success<T>,
) -> Result<http::Response<Bytes>, serde_json::Error> {
    let body = SuccessResponse {
        ok: OkTrue,
        data: &success.data,
        revision: success.revision.clone(),
    };
    json_response(JSON_STYLE, success.status, &body)
}

/// Encodes an error envelope as the server does; `allow` becomes the `Allow` header (405).
pub fn encode_error(
    status: StatusCode,
    code: ErrorCode,
    message: impl Into<String>,
    request_id: u64,
    allow: Option<&str>,
) -> http::Response<Bytes> {
    let envelope = ErrorResponse {
        ok: OkFalse,
        error: ErrorBody {
            code,
            message: message.into(),
        },
        request_id,
    };
    // Serializing this plain struct cannot fail; fall back to the server's own literal anyway.
    let mut response = json_response(JSON_STYLE, status, &envelope)
        .unwrap_or_else(|_| text_response(status, CONTENT_TYPE, &b"{\"ok\":false}"[..]));
    if let Some(allow) = allow.and_then(|a| HeaderValue::from_str(a).ok()) {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_decides_not_status() -> Result<(), Box<dyn std::error::Error>> {
        let body = br#"{"ok":true,"data":{"x":1},"revision":"ab"}"#;
        let s: Success<serde_json::Value> =
            decode(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), body)?;
        assert_eq!(s.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(s.revision.as_str(), "ab");
        Ok(())
    }

    #[test]
    fn error_envelopes() {
        let body = br#"{"ok":false,"error":{"code":"user_exists","message":"User already exists"},"request_id":3}"#;
        let err = decode::<serde_json::Value>(StatusCode::CONFLICT, &HeaderMap::new(), body).err();
        assert_eq!(
            err.as_ref().and_then(Error::code),
            Some(&ErrorCode::UserExists)
        );
        let bare =
            decode::<serde_json::Value>(StatusCode::OK, &HeaderMap::new(), br#"{"ok":false}"#);
        assert_eq!(
            bare.err(),
            Some(Error::Unexpected {
                status: StatusCode::OK,
                text: r#"{"ok":false}"#.to_owned()
            })
        );
        let proxy = decode::<()>(
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            b"<html>502</html>",
        );
        assert!(
            matches!(proxy, Err(Error::Unexpected { ref text, .. }) if text == "<html>502</html>")
        );
        let garbled = decode::<()>(StatusCode::OK, &HeaderMap::new(), b"<html>");
        assert!(matches!(garbled, Err(Error::Decode(_))));
        let unknown = br#"{"ok":false,"error":{"code":"teapot","message":"m"},"request_id":1}"#;
        let err = decode::<()>(StatusCode::IM_A_TEAPOT, &HeaderMap::new(), unknown).err();
        assert_eq!(
            err.and_then(|e| e.code().map(|c| c.as_str().to_owned())),
            Some("teapot".to_owned())
        );
    }

    #[test]
    fn if_match_parsing_follows_the_server() {
        let mut h = HeaderMap::new();
        h.insert(header::IF_MATCH, HeaderValue::from_static("  \"\"abc\"  "));
        assert_eq!(parse_if_match(&h).as_deref(), Some("abc"));
        h.insert(header::IF_MATCH, HeaderValue::from_static("   "));
        assert_eq!(parse_if_match(&h), None);
        h.insert(header::IF_MATCH, HeaderValue::from_static("W/\"abc\""));
        assert_eq!(parse_if_match(&h).as_deref(), Some("W/\"abc"));
    }
}
