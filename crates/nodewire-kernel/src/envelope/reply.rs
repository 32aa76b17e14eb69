//! A successful answer and how its body is framed on the wire.
//!
//! core.yaml answers with four body kinds: JSON (most routes), `text/plain` (`/healthz`),
//! `text/event-stream` (the two SSE streams) and none (`204` after a `DELETE`, `101` for the
//! WebSocket upgrades). A [`Reply`] keeps the status and the [`Format`] next to the decoded body
//! so a server can encode it back the same way.

use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};
use nodewire_common::DecodeError;
use nodewire_common::error::{from_slice, from_value};
use nodewire_common::server::{JsonStyle, empty_response, json_response, text_response};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How a body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/json`.
    Json,
    /// `text/plain`: the body is a JSON string on the Rust side.
    Text,
    /// `text/event-stream`: the body is a list of
    /// [`StreamEvent`](crate::streams::StreamEvent)s on the Rust side.
    EventStream,
    /// No body (`204`, `101`).
    Empty,
}

/// A successful answer: status, framing and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    /// The HTTP status (`200`, `204`, `101`).
    pub status: StatusCode,
    /// How the body was (or is to be) framed.
    pub format: Format,
    /// The body.
    pub body: T,
}

impl<T> nodewire_common::endpoint::Answer<T> for Reply<T> {
    fn data(&self) -> &T {
        &self.body
    }

    fn into_data(self) -> T {
        self.body
    }

    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }
}

impl<T> Reply<T> {
    /// `200` with a JSON body.
    pub fn json(body: T) -> Self {
        Self {
            status: StatusCode::OK,
            format: Format::Json,
            body,
        }
    }

    /// Consumes the reply, returning the body.
    pub fn into_body(self) -> T {
        self.body
    }
}

impl Reply<String> {
    /// `200` with a `text/plain` body.
    pub fn text(body: impl Into<String>) -> Self {
        Self {
            status: StatusCode::OK,
            format: Format::Text,
            body: body.into(),
        }
    }
}

impl<T> Reply<Vec<crate::streams::StreamEvent<T>>> {
    /// `200` with a `text/event-stream` body holding `events`.
    pub fn events(events: Vec<crate::streams::StreamEvent<T>>) -> Self {
        Self {
            status: StatusCode::OK,
            format: Format::EventStream,
            body: events,
        }
    }
}

impl Reply<NoContent> {
    /// `204` without a body.
    pub fn no_content() -> Self {
        Self {
            status: StatusCode::NO_CONTENT,
            format: Format::Empty,
            body: NoContent,
        }
    }

    /// `101` without a body (a WebSocket upgrade).
    pub fn switching_protocols() -> Self {
        Self {
            status: StatusCode::SWITCHING_PROTOCOLS,
            format: Format::Empty,
            body: NoContent,
        }
    }
}

/// The body type of answers without a body (`204`, `101`). Its JSON form is `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct NoContent;

/// The media type of a response, lower-cased, without parameters.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let media = value.split(';').next().unwrap_or(value).trim();
    Some(media.to_ascii_lowercase())
}

/// The JSON value a body stands for: the body itself for JSON, a string for `text/plain`, the
/// list of events for `text/event-stream`, `null` for an empty body.
pub(crate) fn body_value(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Format, Option<Value>), DecodeError> {
    let media = media_type(headers);
    match media.as_deref() {
        Some("text/event-stream") => {
            Ok((Format::EventStream, Some(crate::streams::sse_value(body)?)))
        }
        Some("text/plain") => Ok((
            Format::Text,
            Some(Value::String(String::from_utf8_lossy(body).into_owned())),
        )),
        _ if body.iter().all(u8::is_ascii_whitespace) => Ok((Format::Empty, None)),
        _ => Ok((Format::Json, None)),
    }
}

/// Decodes a successful response body as `T`, framed as its `Content-Type` says.
pub(crate) fn decode_success<T: DeserializeOwned>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Reply<T>, DecodeError> {
    let (format, value) = body_value(headers, body)?;
    let decoded = match (format, value) {
        (Format::Json, _) => from_slice(body)?,
        (Format::Empty, _) => from_value(Value::Null)?,
        (_, Some(value)) => from_value(value)?,
        (_, None) => from_value(Value::Null)?,
    };
    Ok(Reply {
        status,
        format,
        body: decoded,
    })
}

/// How the kernel writes JSON bodies: serde_json's compact form, `application/json`.
pub(crate) const JSON_STYLE: JsonStyle = JsonStyle::compact("application/json");

/// Encodes a reply as its format says.
pub(crate) fn encode<T: Serialize>(
    reply: &Reply<T>,
) -> Result<http::Response<Bytes>, serde_json::Error> {
    match reply.format {
        Format::Json => json_response(JSON_STYLE, reply.status, &reply.body),
        Format::Text => match serde_json::to_value(&reply.body)? {
            Value::String(text) => Ok(text_response(
                reply.status,
                "text/plain; charset=utf-8",
                text,
            )),
            _ => Err(serde::ser::Error::custom(
                "a text/plain reply needs a string body",
            )),
        },
        Format::EventStream => {
            let value = serde_json::to_value(&reply.body)?;
            let text = crate::streams::render_value(&value).map_err(serde::ser::Error::custom)?;
            Ok(text_response(reply.status, "text/event-stream", text))
        }
        Format::Empty => Ok(empty_response(reply.status)),
    }
}
