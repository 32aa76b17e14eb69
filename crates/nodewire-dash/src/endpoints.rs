//! The three push routes as sans-IO [`Endpoint`]s (contract §1).
//!
//! All are `POST` with `Content-Type: application/json` and the node's key in
//! `X-Node-Secret`. [`Endpoint::try_into_http_request`] builds them against a Dash base URL
//! (`http://127.0.0.1:8080` → `…/api/node/metrics`); an agent with a configured target URL
//! uses [`Target::request`](crate::target::Target::request) instead, which keeps the target's
//! own path and query.
//!
//! Responses are read with the agent's rules: only `200 OK` is success; the metrics body only
//! matters for the update manifest and is ignored when it is not JSON; the static body is
//! ignored.
//!
//! ```
//! use nodewire_common::{Endpoint, Secret};
//! use nodewire_dash::endpoints::FetchIdentity;
//!
//! let call = FetchIdentity::new(Secret::new("node-key"));
//! let request = call.try_into_http_request("http://127.0.0.1:8080").unwrap();
//! assert_eq!(request.uri(), "http://127.0.0.1:8080/api/node/identity");
//! assert_eq!(request.body().as_ref(), b"{}");
//!
//! let response = http::Response::builder()
//!     .status(200)
//!     .body(bytes::Bytes::from_static(
//!         b"{\"install_id\":\"server_0123456789abcdef0123456789abcdef\",\"created\":false}\n",
//!     ))
//!     .unwrap();
//! let identity = FetchIdentity::try_from_http_response(&response).unwrap();
//! assert!(identity.install_id.is_dash_format());
//! ```

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use nodewire_common::endpoint::{IncomingParts, Outcome};
use nodewire_common::server::require_body;
use nodewire_common::{
    DecodeError, Endpoint, FromRequestError, IntoRequestError, ResponseBody, Secret,
};
use serde::{Deserialize, Serialize};

use crate::envelope::Error;
use crate::identity::{IdentityRequest, IdentityResponse};
use crate::update::{MetricsResponse, UpdateManifest};
use crate::validate::{Checks, check_report, check_static};
use crate::{AUTH_HEADER, Dash, NodeReport, Static};

/// `POST /api/node/metrics`.
pub const METRICS_PATH: &str = "/api/node/metrics";
/// `POST /api/node/static`.
pub const STATIC_PATH: &str = "/api/node/static";
/// `POST /api/node/identity`.
pub const IDENTITY_PATH: &str = "/api/node/identity";

fn put_secret(headers: &mut HeaderMap, secret: &Secret) -> Result<(), IntoRequestError> {
    let mut value = HeaderValue::from_str(secret.expose()).map_err(|_| {
        IntoRequestError::Invalid("the node secret is not a valid header value".to_owned())
    })?;
    value.set_sensitive(true);
    headers.insert(AUTH_HEADER, value);
    Ok(())
}

/// Reads `X-Node-Secret` as Dash does: missing or empty means unauthenticated.
pub fn secret_from(headers: &HeaderMap) -> Result<Secret, FromRequestError> {
    match headers.get(AUTH_HEADER).map(HeaderValue::to_str) {
        Some(Ok(value)) if !value.is_empty() => Ok(Secret::new(value)),
        Some(Ok(_)) | None => Err(FromRequestError::Header {
            name: AUTH_HEADER,
            message: "missing".to_owned(),
        }),
        Some(Err(_)) => Err(FromRequestError::Header {
            name: AUTH_HEADER,
            message: "not visible ASCII".to_owned(),
        }),
    }
}

/// `POST /api/node/metrics`: one [`NodeReport`]; the answer may carry an update manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct PushMetrics {
    /// The node's key.
    pub secret: Secret,
    /// The report.
    pub report: NodeReport,
}

impl PushMetrics {
    /// Pushes `report` with `secret`.
    pub fn new(secret: Secret, report: NodeReport) -> Self {
        Self { secret, report }
    }
}

impl Endpoint for PushMetrics {
    nodewire_common::endpoint_head!(Dash, Unary, NodeReport => MetricsResponse,
        PushMetrics, POST, METRICS_PATH, Required,
        "Push runtime metrics (NodeReport); the answer may carry an update manifest.");

    fn headers(&self, headers: &mut HeaderMap) -> Result<(), IntoRequestError> {
        put_secret(headers, &self.secret)
    }

    fn body(&self) -> Option<&NodeReport> {
        Some(&self.report)
    }

    fn from_parts(parts: IncomingParts<'_, NodeReport>) -> Result<Self, FromRequestError> {
        Ok(Self {
            secret: secret_from(parts.headers)?,
            report: require_body(parts.body)?,
        })
    }

    /// Dash's default checks on a report ([`Checks::Presence`]; `422 invalid_metrics`).
    fn validate_body(report: &NodeReport) -> Result<(), DecodeError> {
        check_report(report, Checks::default()).map_err(|e| e.into_decode_error())
    }

    /// A manifest in the answer must pass the agent's rules.
    fn check_response(response: &MetricsResponse) -> Result<(), DecodeError> {
        match response.update.clone().map(UpdateManifest::try_from) {
            Some(Err(e)) => Err(DecodeError::at(
                format!("update.{}", e.field()),
                e.to_string(),
            )),
            Some(Ok(_)) | None => Ok(()),
        }
    }

    /// The agent's reading (`handleResponse`, `decodeMetricsResponse`): `200` is success
    /// whatever the body; the body counts only when it is JSON, see
    /// [`agent::read_metrics_body`](crate::agent::read_metrics_body).
    fn try_from_http_response(response: &http::Response<Bytes>) -> Outcome<Self> {
        if response.status() != StatusCode::OK {
            return Err(Error::from_response(
                response.status(),
                response.headers(),
                response.body(),
            ));
        }
        Ok(crate::agent::read_metrics_body(
            response.headers(),
            response.body(),
        ))
    }
}

/// `POST /api/node/static`: one [`Static`]; Dash answers `200` with the text `ok`.
#[derive(Debug, Clone, PartialEq)]
pub struct PushStatic {
    /// The node's key.
    pub secret: Secret,
    /// The static body.
    pub body: Static,
}

impl PushStatic {
    /// Pushes `body` with `secret`.
    pub fn new(secret: Secret, body: Static) -> Self {
        Self { secret, body }
    }
}

impl Endpoint for PushStatic {
    nodewire_common::endpoint_head!(Dash, Unary, Static => StaticAck,
        PushStatic, POST, STATIC_PATH, Required,
        "Push static host metadata (Static); Dash answers the text `ok`.");
    const RESPONSE: ResponseBody = ResponseBody::Text {
        media_type: "text/plain",
        schema: static_ack_schema,
    };

    fn headers(&self, headers: &mut HeaderMap) -> Result<(), IntoRequestError> {
        put_secret(headers, &self.secret)
    }

    fn body(&self) -> Option<&Static> {
        Some(&self.body)
    }

    fn from_parts(parts: IncomingParts<'_, Static>) -> Result<Self, FromRequestError> {
        Ok(Self {
            secret: secret_from(parts.headers)?,
            body: require_body(parts.body)?,
        })
    }

    /// Dash's default checks on a static body ([`Checks::Presence`];
    /// `422 invalid_static_payload`).
    fn validate_body(body: &Static) -> Result<(), DecodeError> {
        check_static(body, Checks::default()).map_err(|e| e.into_decode_error())
    }

    /// `200` is success and the body is ignored (`sendStatic`).
    fn try_from_http_response(response: &http::Response<Bytes>) -> Outcome<Self> {
        if response.status() == StatusCode::OK {
            Ok(StaticAck)
        } else {
            Err(Error::from_response(
                response.status(),
                response.headers(),
                response.body(),
            ))
        }
    }

    /// Dash's answer: `200`, `text/plain; charset=utf-8`, body `ok` (no newline).
    fn try_into_http_response(_: &StaticAck) -> Result<http::Response<Bytes>, serde_json::Error> {
        Ok(static_ok_response())
    }
}

/// Dash's answer to an accepted static body.
pub fn static_ok_response() -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from_static(b"ok"));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The schema of Dash's answer to a static body: the text `ok`.
fn static_ack_schema() -> schemars::Schema {
    schemars::json_schema!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "description": "Dash's answer to an accepted static body: the text `ok` (the agent ignores it).",
        "type": "string",
        "const": "ok"
    })
}

/// The answer to an accepted static body: the text `ok`, which the agent ignores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StaticAck;

impl Serialize for StaticAck {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("ok")
    }
}

impl<'de> Deserialize<'de> for StaticAck {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.trim() == "ok" {
            Ok(StaticAck)
        } else {
            Err(serde::de::Error::custom("expected the text `ok`"))
        }
    }
}

nodewire_common::fixed_schema!(StaticAck, { "type": "string", "const": "ok" });

/// `POST /api/node/identity`: the body is always `{}`; the answer names the Dash
/// installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchIdentity {
    /// The node's key.
    pub secret: Secret,
    body: IdentityRequest,
}

impl FetchIdentity {
    /// Asks which Dash `secret` belongs to.
    pub fn new(secret: Secret) -> Self {
        Self {
            secret,
            body: IdentityRequest {},
        }
    }
}

impl Endpoint for FetchIdentity {
    nodewire_common::endpoint_head!(Dash, Unary, IdentityRequest => IdentityResponse,
        FetchIdentity, POST, IDENTITY_PATH, Optional,
        "Resolve the Dash installation id (body `{}`, not read by Dash).");

    fn headers(&self, headers: &mut HeaderMap) -> Result<(), IntoRequestError> {
        put_secret(headers, &self.secret)
    }

    fn body(&self) -> Option<&IdentityRequest> {
        Some(&self.body)
    }

    fn from_parts(parts: IncomingParts<'_, IdentityRequest>) -> Result<Self, FromRequestError> {
        Ok(Self::new(secret_from(parts.headers)?))
    }

    /// The agent's reading (`FetchIdentity`): `200` required; the first JSON value of the
    /// body, whatever the content type; `install_id` must not be blank.
    fn try_from_http_response(response: &http::Response<Bytes>) -> Outcome<Self> {
        if response.status() != StatusCode::OK {
            return Err(Error::from_response(
                response.status(),
                response.headers(),
                response.body(),
            ));
        }
        crate::agent::read_identity_body(response.body()).map_err(Error::Decode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, content_type: &str, body: &'static [u8]) -> http::Response<Bytes> {
        let mut r = http::Response::new(Bytes::from_static(body));
        *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        if let Ok(v) = HeaderValue::from_str(content_type) {
            r.headers_mut().insert(header::CONTENT_TYPE, v);
        }
        r
    }

    #[test]
    fn only_200_is_success() {
        let r = response(
            401,
            "application/json; charset=utf-8",
            b"{\"code\":\"unauthorized\",\"message\":\"unauthorized\"}\n",
        );
        let e = PushStatic::try_from_http_response(&r).err();
        assert_eq!(
            e.as_ref().and_then(Error::code),
            Some(&crate::envelope::ErrorCode::Unauthorized)
        );
        let r = response(204, "", b"");
        assert!(PushMetrics::try_from_http_response(&r).is_err());
        let r = response(200, "text/plain", b"ok");
        assert_eq!(PushStatic::try_from_http_response(&r), Ok(StaticAck));
        assert_eq!(
            PushMetrics::try_from_http_response(&r),
            Ok(MetricsResponse::default())
        );
    }

    #[test]
    fn identity_reads_the_first_value() {
        let r = response(200, "text/html", b"{\"install_id\":\"a\"} trailing");
        assert!(FetchIdentity::try_from_http_response(&r).is_ok());
        let r = response(200, "application/json", b"{\"install_id\":\"  \"}");
        assert!(FetchIdentity::try_from_http_response(&r).is_err());
    }

    #[test]
    fn requests_carry_the_secret() -> Result<(), IntoRequestError> {
        let call = FetchIdentity::new(Secret::new("k1"));
        let request = call.try_into_http_request("http://127.0.0.1:1/")?;
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.headers()[AUTH_HEADER], "k1");
        assert!(request.headers()[AUTH_HEADER].is_sensitive());
        assert_eq!(request.headers()[header::CONTENT_TYPE], "application/json");
        let bad = FetchIdentity::new(Secret::new("bad\nkey"));
        assert!(bad.try_into_http_request("http://127.0.0.1:1/").is_err());
        Ok(())
    }

    #[test]
    fn a_report_dash_would_refuse_is_not_sent() {
        let body = std::fs::read("tests/fixtures/live-push/003-metrics.request.json").unwrap();
        let mut report: NodeReport = serde_json::from_slice(&body).unwrap();
        let call = PushMetrics::new(Secret::new("k1"), report.clone());
        assert!(call.try_into_http_request("http://127.0.0.1:1").is_ok());
        report.hostname = " ".to_owned();
        let refused =
            PushMetrics::new(Secret::new("k1"), report).try_into_http_request("http://127.0.0.1:1");
        match refused {
            Err(IntoRequestError::Validation(nodewire_common::InvalidRequest::Body(e))) => {
                assert_eq!(e.path, "hostname");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn static_answer_is_text() -> Result<(), serde_json::Error> {
        let r = PushStatic::try_into_http_response(&StaticAck)?;
        assert_eq!(r.body().as_ref(), b"ok");
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        Ok(())
    }
}
