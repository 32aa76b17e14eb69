//! NodePass bodies: **no envelope**. Success bodies are the bare object or array; failures
//! are `{"error": "<message>"}` (contract §1). The master writes JSON with Go's
//! `json.Encoder`: `&`, `<`, `>`, U+2028 and U+2029 escaped as `\u0026`… inside strings and a
//! trailing newline; [`to_go_json`] reproduces it byte for byte for a mock server.
//!
//! Two responses are not JSON: a path the master's mux does not know answers `404` with
//! `text/plain` `404 page not found\n` ([`Error::Unexpected`]), and `/docs` is HTML.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use nodewire_common::error::{DecodeError, from_slice, from_value};
use nodewire_common::server::{JsonStyle, text_response};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A failure body: `{"error": "<message>"}` (`HTTPError`, v2 `util.go:16`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ErrorResponse {
    /// The master's message (see [`messages`]).
    pub error: String,
}

/// Every message the master sends in `{"error": …}` (contract §3, §5).
pub mod messages {
    /// 401: no `X-API-Key` header.
    pub const API_KEY_REQUIRED: &str = "Unauthorized: API key required";
    /// 401: a wrong `X-API-Key` (for example after the key was regenerated).
    pub const INVALID_API_KEY: &str = "Unauthorized: Invalid API key";
    /// 405 inside a handler.
    pub const METHOD_NOT_ALLOWED: &str = "Method not allowed";
    /// 400: a body that does not decode, or a create/replace without `url`.
    pub const INVALID_REQUEST_BODY: &str = "Invalid request body";
    /// 400: Go's `url.Parse` refused the URL.
    pub const INVALID_URL_FORMAT: &str = "Invalid URL format";
    /// 400: the scheme is not `client` or `server`.
    pub const INVALID_URL_SCHEME: &str = "Invalid URL scheme";
    /// 409: a random id collided.
    pub const INSTANCE_ID_EXISTS: &str = "Instance ID already exists";
    /// 400: `{prefix}/instances/` without an id.
    pub const INSTANCE_ID_REQUIRED: &str = "Instance ID is required";
    /// 404.
    pub const INSTANCE_NOT_FOUND: &str = "Instance not found";
    /// 403: `PUT` or `DELETE` on the API-key instance.
    pub const FORBIDDEN_API_KEY: &str = "Forbidden: API Key";
    /// 409: `PUT` with the URL the instance already has (after normalization).
    pub const INSTANCE_URL_CONFLICT: &str = "Instance URL conflict";
    /// 400: `GET /tcping` without `target`.
    pub const TARGET_REQUIRED: &str = "Target address required";
    /// Prefix of the 400 for an unknown PATCH action (`Invalid action: pause`).
    pub const INVALID_ACTION_PREFIX: &str = "Invalid action: ";
    /// The `/tcping` result error when 10 probes are already running.
    pub const TOO_MANY_REQUESTS: &str = "too many requests";

    /// The 400 for a field over 256 bytes: `<field> exceeds maximum length 256`, where field
    /// is `Instance alias`, `Meta peer.sid`, `Meta peer.type`, `Meta peer.alias`,
    /// `Meta tag key`, `Meta tag value` or `Master alias`.
    pub fn too_long(field: &str) -> String {
        format!(
            "{field} exceeds maximum length {}",
            crate::instances::MAX_VALUE_LEN
        )
    }
}

/// The body of a `404` for a path the master's mux does not route.
pub const MUX_NOT_FOUND: &str = "404 page not found\n";

/// A failed call.
pub type Error = nodewire_common::error::ApiError<ErrorResponse>;

impl nodewire_common::error::ErrorBody for ErrorResponse {
    const UPSTREAM: &'static str = "NodePass";
    type Code = nodewire_common::endpoint::NoCode;

    fn message(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(&self.error)
    }
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Decodes a response of a route whose body type is `T` (client side).
///
/// A `text/event-stream` body decodes as the JSON array of its events' data (so `T` is a
/// `Vec` of events); another non-JSON text body (`/docs`) as a JSON string; an empty body
/// (`204`) as JSON `null` (so `T` is `()`).
pub fn decode<T: DeserializeOwned>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Error> {
    let kind = content_type(headers);
    if !status.is_success() {
        if !kind.starts_with("application/json") {
            return Err(Error::from_response(status, headers, body));
        }
        // A JSON failure that is not the error body is a decoding error, not unexpected.
        let allow = nodewire_common::error::allow_header(headers);
        return Err(
            from_slice::<ErrorResponse>(body).map_or_else(Error::Decode, |body| Error::Api {
                status,
                allow,
                body,
            }),
        );
    }
    if kind.starts_with("text/event-stream") {
        let events = crate::events::stream_data(body)?;
        return Ok(from_value(Value::Array(events))?);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return from_value(Value::Null).map_err(|_| {
            Error::Decode(DecodeError::root(
                "empty body: this route returns a JSON body",
            ))
        });
    }
    if kind.starts_with("text/") {
        return Ok(from_value(Value::String(
            String::from_utf8_lossy(body).into_owned(),
        ))?);
    }
    Ok(from_slice(body)?)
}

/// How the master writes JSON: Go's `json.Encoder` (HTML-safe escapes, a trailing newline),
/// `application/json`.
pub(crate) const JSON_STYLE: JsonStyle = JsonStyle::go_encoder("application/json");

/// Writes JSON as Go's `json.Encoder` does (HTML-safe escapes, trailing newline).
pub fn to_go_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    JSON_STYLE.encode(value)
}

/// Adds the CORS headers the master sets on every handler response (`SetCorsHeaders`).
pub fn set_cors_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, PATCH, POST, PUT, DELETE, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type, Authorization, X-API-Key, Cache-Control"),
    );
}

/// A JSON response as the master writes it (`WriteJSON`): CORS, `application/json`, Go's
/// encoding with a trailing newline.
pub fn json_response<T: Serialize + ?Sized>(
    status: StatusCode,
    value: &T,
) -> Result<http::Response<Bytes>, serde_json::Error> {
    let mut response = nodewire_common::server::json_response(JSON_STYLE, status, value)?;
    set_cors_headers(response.headers_mut());
    Ok(response)
}

/// An error response as the master writes it (`HTTPError`).
pub fn error_response(status: StatusCode, message: &str) -> http::Response<Bytes> {
    let body = ErrorResponse {
        error: message.to_owned(),
    };
    json_response(status, &body).unwrap_or_else(|_| {
        text_response(
            status,
            JSON_STYLE.content_type(),
            &b"{\"error\":\"\"}\n"[..],
        )
    })
}

/// The mux's answer to a path it does not route: `404`, `text/plain`, no CORS headers.
pub fn mux_not_found() -> http::Response<Bytes> {
    let mut r = text_response(
        StatusCode::NOT_FOUND,
        "text/plain; charset=utf-8",
        MUX_NOT_FOUND,
    );
    r.headers_mut().insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_json_escapes_html_characters() -> Result<(), serde_json::Error> {
        let v = serde_json::json!({"url": "a?b=1&c=<2>\u{2028}", "logs": "\u{1b}[33m"});
        let text = String::from_utf8(to_go_json(&v)?).unwrap_or_default();
        assert_eq!(
            text,
            "{\"logs\":\"\\u001b[33m\",\"url\":\"a?b=1\\u0026c=\\u003c2\\u003e\\u2028\"}\n"
        );
        Ok(())
    }

    #[test]
    fn failures_decode() {
        let e = decode::<Value>(
            StatusCode::NOT_FOUND,
            &HeaderMap::new(),
            b"{\"error\":\"Instance not found\"}\n",
        )
        .unwrap_err();
        assert_eq!(e.message().as_deref(), Some(messages::INSTANCE_NOT_FOUND));
        let e = decode::<Value>(
            StatusCode::NOT_FOUND,
            &HeaderMap::new(),
            MUX_NOT_FOUND.as_bytes(),
        )
        .unwrap_err();
        assert!(matches!(e, Error::Unexpected { .. }));
        decode::<()>(StatusCode::NO_CONTENT, &HeaderMap::new(), b"").unwrap();
        assert!(decode::<ErrorResponse>(StatusCode::OK, &HeaderMap::new(), b"").is_err());
    }
}
