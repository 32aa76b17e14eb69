//! Dash's error body `{"code","message"}` and the failures a call can end in
//! (Dash `internal/http/httperr/httperr.go`, EiluneKit `http/response`; contract §9).

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use nodewire_common::server::{JsonStyle, json_response, text_response};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

nodewire_common::open_enum! {
    /// `code` of Dash's error body, for the node routes.
    #[rename_all = "snake_case"]
    pub enum ErrorCode {
        /// 400: malformed JSON, a type mismatch (a negative number into an unsigned field,
        /// `1.5` into an integer), trailing data.
        InvalidRequest,
        /// 401: `X-Node-Secret` missing, empty, or not any node's secret.
        Unauthorized,
        /// 404: no such API path.
        NotFound,
        /// 405: not `POST` (with `Allow`).
        MethodNotAllowed,
        /// 413: the body exceeds 1 MiB.
        BodyTooLarge,
        /// 415: a non-empty body whose media type is not `application/json`.
        UnsupportedMediaType,
        /// 422: the report failed a semantic check (the cause is never exposed).
        InvalidMetrics,
        /// 422: the static body failed a semantic check.
        InvalidStaticPayload,
        /// 429: too many requests from one /24 (IPv4) or /40 (IPv6).
        RateLimited,
        /// 503: database, cache or identity file failure.
        ServiceUnavailable,
        /// 500: anything unexpected.
        InternalError,
    }
}

impl ErrorCode {
    /// The status Dash sends with this code.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidRequest => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::InvalidMetrics | Self::InvalidStaticPayload => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::InternalError | Self::_Unknown(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The fixed message Dash sends with this code.
    pub fn message(&self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid request",
            Self::Unauthorized => "unauthorized",
            Self::NotFound => "resource not found",
            Self::MethodNotAllowed => "method not allowed",
            Self::BodyTooLarge => "request body too large",
            Self::UnsupportedMediaType => "content-type must be application/json",
            Self::InvalidMetrics => "invalid metrics",
            Self::InvalidStaticPayload => "invalid static payload",
            Self::RateLimited => "too many requests",
            Self::ServiceUnavailable => "service unavailable",
            Self::InternalError | Self::_Unknown(_) => "internal error",
        }
    }
}

/// Dash's error body, `{"code":"…","message":"…"}` followed by a newline, with
/// `Content-Type: application/json; charset=utf-8`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ErrorResponse {
    /// Machine-readable code; match on this.
    pub code: ErrorCode,
    /// Human-readable text (fixed per code).
    pub message: String,
}

impl ErrorResponse {
    /// The body Dash sends for `code`, with its fixed message.
    pub fn new(code: ErrorCode) -> Self {
        let message = code.message().to_owned();
        Self { code, message }
    }

    /// The whole response: the code's status, the JSON content type, the body and a newline
    /// (Go's `json.Encoder`); `allow` becomes the `Allow` header (405).
    pub fn into_response(self, allow: Option<&'static str>) -> http::Response<Bytes> {
        let status = self.code.status();
        let mut response = json_response(JSON_STYLE, status, &self).unwrap_or_else(|_| {
            text_response(
                status,
                JSON_CONTENT_TYPE,
                &b"{\"code\":\"internal_error\",\"message\":\"internal server error\"}\n"[..],
            )
        });
        if let Some(allow) = allow {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}

/// The content type of every JSON body Dash writes.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// How Dash writes JSON: serde_json's compact form, a trailing newline (Go's
/// `json.Encoder`), [`JSON_CONTENT_TYPE`].
pub(crate) const JSON_STYLE: JsonStyle = JsonStyle::compact(JSON_CONTENT_TYPE).with_newline();

/// A call that did not succeed. For the agent only `200 OK` is success; anything else fails
/// the target for this round.
pub type Error = nodewire_common::error::ApiError<ErrorResponse>;

impl nodewire_common::error::ErrorBody for ErrorResponse {
    const UPSTREAM: &'static str = "Dash";
    type Code = ErrorCode;

    fn code(&self) -> Option<&ErrorCode> {
        Some(&self.code)
    }

    fn message(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(&self.message)
    }
}

/// Decodes a response of any route (client side): `T` for a `200`, Dash's only success
/// status; otherwise the failure (`{code, message}`, else [`Error::Unexpected`]).
pub fn decode<T: serde::de::DeserializeOwned>(
    status: StatusCode,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<T, Error> {
    if status == StatusCode::OK {
        Ok(nodewire_common::error::from_slice(body)?)
    } else {
        Err(Error::from_response(status, headers, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_match_dash() {
        let r = ErrorResponse::new(ErrorCode::Unauthorized).into_response(None);
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            r.body().as_ref(),
            b"{\"code\":\"unauthorized\",\"message\":\"unauthorized\"}\n"
        );
        assert_eq!(r.headers()[header::CONTENT_TYPE], JSON_CONTENT_TYPE);
        let r = ErrorResponse::new(ErrorCode::MethodNotAllowed).into_response(Some("POST"));
        assert_eq!(r.headers()[header::ALLOW], "POST");
        assert_eq!(
            ErrorResponse::new(ErrorCode::BodyTooLarge).message,
            "request body too large"
        );
    }

    #[test]
    fn failures_keep_what_arrived() {
        let e = Error::from_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            &http::HeaderMap::new(),
            b"{\"code\":\"invalid_metrics\",\"message\":\"invalid metrics\"}\n",
        );
        assert_eq!(e.code(), Some(&ErrorCode::InvalidMetrics));
        let e = Error::from_response(
            StatusCode::BAD_GATEWAY,
            &http::HeaderMap::new(),
            b"<html>bad gateway</html>",
        );
        assert!(matches!(e, Error::Unexpected { ref text, .. } if text.contains("bad gateway")));
        assert_eq!(e.status(), Some(StatusCode::BAD_GATEWAY));
    }
}
