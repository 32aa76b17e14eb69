//! Response bodies shared by several routes: `{ ok: true }` ([`OkResponse`]) and the error
//! body ([`ErrorResponse`]), and the client-side [`Error`].
//!
//! Core is a NestJS application. Its error bodies are NestJS's `HttpException` bodies
//! (`{"message": ..., "error": "Unauthorized", "statusCode": 401}`); the validation pipe sends
//! `message` as a list of strings, other exceptions as one string.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use nodewire_common::error::from_slice;
use nodewire_common::server::{JsonStyle, json_response};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use nodewire_common::literal::OkTrue;

/// `{ ok: true }`: the answer of `/node/usage`, `/node/outbound-usage`,
/// `/node/session-events`, `/node/config/applied` and `/node/error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OkResponse {
    /// Always `true`.
    pub ok: OkTrue,
}

/// NestJS's `message`: one string, or the validation pipe's list of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ErrorMessage {
    /// One message (`"Unauthorized"`).
    One(String),
    /// One message per failed constraint (`["revision must be an integer number"]`).
    Many(Vec<String>),
}

impl ErrorMessage {
    /// The message: the one, or the messages joined with `; `.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Self::One(m) => std::borrow::Cow::Borrowed(m),
            Self::Many(list) => std::borrow::Cow::Owned(list.join("; ")),
        }
    }

    /// The messages, joined with `; `.
    pub fn joined(&self) -> String {
        match self {
            Self::One(m) => m.clone(),
            Self::Many(list) => list.join("; "),
        }
    }
}

/// An error body, as NestJS renders an `HttpException`:
/// `{"message": "...", "error": "Unauthorized", "statusCode": 401}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ErrorResponse {
    /// What went wrong.
    pub message: ErrorMessage,
    /// The status's reason phrase (`Bad Request`); absent when the exception was built
    /// without a message, and for 500.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The HTTP status, repeated.
    #[serde(rename = "statusCode")]
    pub status_code: u16,
}

/// A failed call.
pub type Error = nodewire_common::error::ApiError<ErrorResponse>;

impl nodewire_common::error::ErrorBody for ErrorResponse {
    const UPSTREAM: &'static str = "Core";
    type Code = nodewire_common::endpoint::NoCode;

    fn message(&self) -> std::borrow::Cow<'_, str> {
        self.message.text()
    }
}

/// Decodes a response body: `T` for a 2xx status, the error body otherwise.
pub fn decode<T: DeserializeOwned>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Error> {
    if status.is_success() {
        return Ok(from_slice(body)?);
    }
    Err(Error::from_response(status, headers, body))
}

/// The response content type NestJS (Express) sends.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// How NestJS (Express) writes JSON: serde_json's compact form, [`CONTENT_TYPE`].
pub(crate) const JSON_STYLE: JsonStyle = JsonStyle::compact(CONTENT_TYPE);

/// Encodes `body` as a JSON response with `status`.
pub fn encode<T: Serialize>(
    status: StatusCode,
    body: &T,
) -> Result<http::Response<Bytes>, serde_json::Error> {
    json_response(JSON_STYLE, status, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nest_error_bodies_decode_in_both_shapes() {
        let one = br#"{"message":"Unauthorized","statusCode":401}"#;
        let err =
            decode::<OkResponse>(StatusCode::UNAUTHORIZED, &HeaderMap::new(), one).unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
        assert!(err.to_string().contains("Unauthorized"));
        let many =
            br#"{"message":["revision must be an integer number"],"error":"Bad Request","statusCode":400}"#;
        match decode::<OkResponse>(StatusCode::BAD_REQUEST, &HeaderMap::new(), many) {
            Err(Error::Api { body, .. }) => {
                assert_eq!(
                    body.message,
                    ErrorMessage::Many(vec!["revision must be an integer number".into()])
                );
                assert_eq!(body.error.as_deref(), Some("Bad Request"));
            }
            other => panic!("{other:?}"),
        }
        let html = b"<html>bad gateway</html>";
        assert!(matches!(
            decode::<OkResponse>(StatusCode::BAD_GATEWAY, &HeaderMap::new(), html),
            Err(Error::Unexpected { .. })
        ));
    }

    #[test]
    fn ok_must_be_true() {
        assert!(
            decode::<OkResponse>(StatusCode::CREATED, &HeaderMap::new(), br#"{"ok":true}"#).is_ok()
        );
        let err = decode::<OkResponse>(StatusCode::OK, &HeaderMap::new(), br#"{"ok":false}"#)
            .unwrap_err();
        assert!(err.to_string().contains("ok"), "{err}");
    }
}
