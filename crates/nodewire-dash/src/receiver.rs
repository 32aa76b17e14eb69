//! Dash's receiving side without IO (contract §9; Dash `internal/http/api/node/*.go`,
//! EiluneKit middleware).
//!
//! Wrap [`Receiver`] in any HTTP server: read at most [`ReceiverConfig::body_limit`] bytes of
//! the body (more is [`Body::TooLarge`]), call [`Receiver::accept`], store what it returns, and
//! answer with [`Receiver::respond`] or the [`Rejection`]'s response. The order of checks is
//! newer Dash's:
//!
//! | step | failure |
//! | --- | --- |
//! | path is one of the three routes | `404 not_found` |
//! | method is `POST` | `405 method_not_allowed`, `Allow: POST` |
//! | a non-empty body is `application/json` | `415 unsupported_media_type` |
//! | `X-Node-Secret` is some node's key (constant time) | `401 unauthorized` |
//! | identity: answered here, the body is not read | |
//! | the body fits the limit (1 MiB) | `413 body_too_large` |
//! | the body decodes | `400 invalid_request` (syntax, types), `422` (missing keys, `null`) |
//! | [`validate`] | `422 invalid_metrics` / `invalid_static_payload` |
//!
//! Error bodies are Dash's: `{"code":"…","message":"…"}` and a newline, the message fixed per
//! code (the cause is in [`Rejection::cause`] for logs, never in the body).

use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, header};
use nodewire_common::Secret;
use nodewire_common::error::from_slice;

use crate::endpoints::{IDENTITY_PATH, METRICS_PATH, STATIC_PATH, static_ok_response};
use crate::error::{ErrorBody, ErrorCode, json_response};
use crate::identity::{IdentityResponse, InstallId};
use crate::update::{MetricsResponse, UpdateManifest};
use crate::validate::{self, Checks};
use crate::version::NodeVersion;
use crate::{NODE_SECRET_HEADER, NodeReport, Static};

/// Dash's body limit (`LimitBody(1<<20)`).
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;

/// One node's key.
#[derive(Debug, Clone)]
pub struct NodeKey {
    /// The name the receiver files the node's data under.
    pub node: String,
    /// The key the node sends as `X-Node-Secret`.
    pub secret: Secret,
}

/// What the receiver accepts.
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// Every node's key. Empty keys never match.
    pub keys: Vec<NodeKey>,
    /// The largest body read, bytes (default [`DEFAULT_BODY_LIMIT`]).
    pub body_limit: usize,
    /// Which semantic checks to apply (default [`Checks::Presence`]).
    pub checks: Checks,
    /// The installation id answered on `/api/node/identity`.
    pub install_id: InstallId,
    /// `true` when `install_id` was just made: the first identity answer says
    /// `"created": true`, as Dash does when it creates its id file.
    pub install_id_fresh: bool,
}

impl ReceiverConfig {
    /// A configuration with these `(node, key)` pairs, Dash's limits and checks, and the
    /// install id `server_` + 32 zeros (set [`install_id`](Self::install_id) to a random one
    /// with [`InstallId::from_random`]).
    pub fn new<N: Into<String>>(keys: impl IntoIterator<Item = (N, Secret)>) -> Self {
        Self {
            keys: keys
                .into_iter()
                .map(|(node, secret)| NodeKey {
                    node: node.into(),
                    secret,
                })
                .collect(),
            body_limit: DEFAULT_BODY_LIMIT,
            checks: Checks::default(),
            install_id: InstallId::from_random([0; 16]),
            install_id_fresh: false,
        }
    }
}

/// A request body as the HTTP layer read it.
#[derive(Debug, Clone)]
pub enum Body {
    /// The whole body, within the limit.
    Complete(Bytes),
    /// The body exceeded the limit and was not read further.
    TooLarge,
}

impl Body {
    fn is_empty(&self) -> bool {
        matches!(self, Self::Complete(b) if b.is_empty())
    }
}

/// An accepted push.
#[derive(Debug, Clone, PartialEq)]
pub enum Push {
    /// `POST /api/node/identity`.
    Identity,
    /// `POST /api/node/metrics`.
    Metrics(Box<NodeReport>),
    /// `POST /api/node/static`.
    Static(Box<Static>),
}

/// A push from a known node that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// The node whose key authenticated it.
    pub node: String,
    /// What it pushed.
    pub push: Push,
}

/// A refused request and Dash's answer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The error body (code and Dash's fixed message).
    pub body: ErrorBody,
    /// `Allow` for a 405.
    pub allow: Option<&'static str>,
    /// Why, for logs; never sent.
    pub cause: Option<String>,
}

impl Rejection {
    fn new(code: ErrorCode) -> Self {
        Self {
            body: ErrorBody::new(code),
            allow: None,
            cause: None,
        }
    }

    fn because(code: ErrorCode, cause: impl Into<String>) -> Self {
        Self {
            cause: Some(cause.into()),
            ..Self::new(code)
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.body.code.status()
    }

    /// Dash's response.
    pub fn into_response(self) -> http::Response<Bytes> {
        self.body.into_response(self.allow)
    }
}

/// Dash's receiving side for a fixed set of node keys.
#[derive(Debug)]
pub struct Receiver {
    config: ReceiverConfig,
    announced: AtomicBool,
}

impl Receiver {
    /// A receiver with `config`.
    pub fn new(config: ReceiverConfig) -> Self {
        Self {
            announced: AtomicBool::new(!config.install_id_fresh),
            config,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ReceiverConfig {
        &self.config
    }

    /// Finds the node whose key is `X-Node-Secret`, comparing with every key in constant
    /// time (no early exit). Missing, empty or unknown: `401 unauthorized`.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<&str, Rejection> {
        let Some(given) = headers
            .get(NODE_SECRET_HEADER)
            .map(|v| v.as_bytes())
            .filter(|v| !v.is_empty())
        else {
            return Err(Rejection::because(
                ErrorCode::Unauthorized,
                "X-Node-Secret is missing or empty",
            ));
        };
        let mut found = None;
        for key in &self.config.keys {
            let matches = !key.secret.expose().is_empty()
                && nodewire_common::secret::ct_eq(key.secret.expose().as_bytes(), given);
            if matches && found.is_none() {
                found = Some(key.node.as_str());
            }
        }
        found.ok_or_else(|| Rejection::because(ErrorCode::Unauthorized, "unknown X-Node-Secret"))
    }

    /// Runs every check on one request (see the module docs for the order).
    pub fn accept(&self, parts: &http::request::Parts, body: Body) -> Result<Accepted, Rejection> {
        let path = parts.uri.path();
        let route = match path {
            METRICS_PATH | STATIC_PATH | IDENTITY_PATH => path,
            _ => {
                return Err(Rejection::because(
                    ErrorCode::NotFound,
                    format!("no route {path}"),
                ));
            }
        };
        if parts.method != Method::POST {
            return Err(Rejection {
                allow: Some("POST"),
                ..Rejection::because(ErrorCode::MethodNotAllowed, parts.method.to_string())
            });
        }
        if !body.is_empty() && !is_json_content_type(&parts.headers) {
            return Err(Rejection::because(
                ErrorCode::UnsupportedMediaType,
                "content-type is not application/json",
            ));
        }
        let node = self.authenticate(&parts.headers)?.to_owned();
        if route == IDENTITY_PATH {
            return Ok(Accepted {
                node,
                push: Push::Identity,
            });
        }
        let bytes = match body {
            Body::Complete(bytes) => bytes,
            Body::TooLarge => {
                return Err(Rejection::because(
                    ErrorCode::BodyTooLarge,
                    format!("body exceeds {} bytes", self.config.body_limit),
                ));
            }
        };
        let push = if route == METRICS_PATH {
            let report: NodeReport = decode(&bytes, ErrorCode::InvalidMetrics)?;
            validate::check_report(&report, self.config.checks)
                .map_err(|e| invalid(e, ErrorCode::InvalidMetrics))?;
            Push::Metrics(Box::new(report))
        } else {
            let body: Static = decode(&bytes, ErrorCode::InvalidStaticPayload)?;
            validate::check_static(&body, self.config.checks)
                .map_err(|e| invalid(e, ErrorCode::InvalidStaticPayload))?;
            Push::Static(Box::new(body))
        };
        Ok(Accepted { node, push })
    }

    /// Dash's answer to an accepted push: the identity, `{"ok":true,"update":…}` with
    /// `update` when one is pending for this node, or `ok` for static.
    pub fn respond(
        &self,
        accepted: &Accepted,
        update: Option<&UpdateManifest>,
    ) -> http::Response<Bytes> {
        match &accepted.push {
            Push::Identity => {
                let created = !self.announced.swap(true, Ordering::Relaxed);
                json_response(
                    StatusCode::OK,
                    &IdentityResponse {
                        install_id: self.config.install_id.clone(),
                        created,
                    },
                )
            }
            Push::Metrics(_) => {
                json_response(StatusCode::OK, &MetricsResponse::ok(update.cloned()))
            }
            Push::Static(_) => static_ok_response(),
        }
    }
}

/// Whether Dash would offer `pending` to a node reporting `reported_version`: only while the
/// node's version is lower by SemVer precedence (`agent_update.go:50-74`). A version that
/// does not parse gets nothing.
///
/// ```
/// use nodewire_dash::receiver::offer_update;
/// use nodewire_dash::update::{RawManifest, UpdateManifest};
/// let m = UpdateManifest::try_from(RawManifest {
///     id: "0.2.4".into(), version: "0.2.4".into(), url: "https://d/x".into(),
///     sha256: "00".repeat(32), size: 1,
/// }).unwrap();
/// assert!(offer_update("0.2.3", &m));
/// assert!(!offer_update("0.2.4", &m));
/// assert!(!offer_update("0.3.0", &m));
/// ```
pub fn offer_update(reported_version: &str, pending: &UpdateManifest) -> bool {
    match (
        NodeVersion::parse(reported_version),
        NodeVersion::parse(pending.version().as_str()),
    ) {
        (Ok(node), Ok(target)) => node.cmp_precedence(&target).is_lt(),
        _ => false,
    }
}

fn is_json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// Decodes a body; a missing key or a `null` is a semantic failure (`semantic`), anything
/// else a `400 invalid_request`.
fn decode<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    semantic: ErrorCode,
) -> Result<T, Rejection> {
    from_slice(bytes).map_err(|e| {
        let shape =
            e.message.starts_with("missing field") || e.message.starts_with("invalid type: null");
        let code = if shape {
            semantic
        } else {
            ErrorCode::InvalidRequest
        };
        Rejection::because(code, e.to_string())
    })
}

fn invalid(e: validate::Invalid, semantic: ErrorCode) -> Rejection {
    let code = if e.status == StatusCode::BAD_REQUEST {
        ErrorCode::InvalidRequest
    } else {
        semantic
    };
    Rejection::because(code, e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &[u8] = include_bytes!("../tests/fixtures/live-push/003-metrics.request.json");
    const STATIC: &[u8] = include_bytes!("../tests/fixtures/live-push/002-static.request.json");

    fn receiver() -> Receiver {
        Receiver::new(ReceiverConfig::new([
            ("a", Secret::new("key-a")),
            ("empty", Secret::new("")),
            ("b", Secret::new("key-b")),
        ]))
    }

    fn parts(
        method: &str,
        path: &str,
        secret: Option<&str>,
        content_type: Option<&str>,
    ) -> http::request::Parts {
        let mut b = http::Request::builder().method(method).uri(path);
        if let Some(s) = secret {
            b = b.header(NODE_SECRET_HEADER, s);
        }
        if let Some(c) = content_type {
            b = b.header(header::CONTENT_TYPE, c);
        }
        let (parts, ()) = b.body(()).unwrap_or_default().into_parts();
        parts
    }

    fn code(r: Result<Accepted, Rejection>) -> Option<ErrorCode> {
        r.err().map(|e| e.body.code)
    }

    fn body(bytes: &[u8]) -> Body {
        Body::Complete(Bytes::copy_from_slice(bytes))
    }

    #[test]
    fn accepts_real_pushes() {
        let r = receiver();
        let json = Some("application/json");
        let a = r.accept(
            &parts("POST", METRICS_PATH, Some("key-b"), json),
            body(REPORT),
        );
        let a = a.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(a.node, "b");
        assert!(matches!(a.push, Push::Metrics(ref m) if m.hostname == "vm"));
        assert_eq!(
            r.respond(&a, None).body().as_ref(),
            b"{\"ok\":true,\"update\":null}\n"
        );
        let s = r.accept(
            &parts("POST", STATIC_PATH, Some("key-a"), json),
            body(STATIC),
        );
        let s = s.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(r.respond(&s, None).body().as_ref(), b"ok");
        let i = r.accept(
            &parts("POST", IDENTITY_PATH, Some("key-a"), json),
            body(b"{}"),
        );
        let i = i.unwrap_or_else(|e| panic!("{e:?}"));
        let answer = r.respond(&i, None);
        assert_eq!(
            answer.body().as_ref(),
            b"{\"install_id\":\"server_00000000000000000000000000000000\",\"created\":false}\n"
        );
    }

    #[test]
    fn refuses_in_dash_order() {
        let r = receiver();
        let json = Some("application/json; charset=utf-8");
        assert_eq!(
            code(r.accept(
                &parts("POST", "/api/node/nope", Some("key-a"), json),
                body(b"{}")
            )),
            Some(ErrorCode::NotFound)
        );
        let e = r.accept(&parts("GET", METRICS_PATH, Some("key-a"), json), body(b""));
        assert_eq!(e.as_ref().err().and_then(|e| e.allow), Some("POST"));
        assert_eq!(
            code(r.accept(
                &parts("POST", METRICS_PATH, None, Some("text/plain")),
                body(REPORT)
            )),
            Some(ErrorCode::UnsupportedMediaType)
        );
        // An empty body needs no content type; the secret is checked next.
        assert_eq!(
            code(r.accept(&parts("POST", IDENTITY_PATH, None, None), body(b""))),
            Some(ErrorCode::Unauthorized)
        );
        assert_eq!(
            code(r.accept(&parts("POST", METRICS_PATH, Some(""), json), body(REPORT))),
            Some(ErrorCode::Unauthorized)
        );
        assert_eq!(
            code(r.accept(
                &parts("POST", METRICS_PATH, Some("key-c"), json),
                Body::TooLarge
            )),
            Some(ErrorCode::Unauthorized)
        );
        assert_eq!(
            code(r.accept(
                &parts("POST", METRICS_PATH, Some("key-a"), json),
                Body::TooLarge
            )),
            Some(ErrorCode::BodyTooLarge)
        );
        // Identity does not read the body.
        assert!(
            r.accept(
                &parts("POST", IDENTITY_PATH, Some("key-a"), json),
                Body::TooLarge
            )
            .is_ok()
        );
        assert_eq!(
            code(r.accept(
                &parts("POST", METRICS_PATH, Some("key-a"), json),
                body(b"{\"version\":")
            )),
            Some(ErrorCode::InvalidRequest)
        );
        assert_eq!(
            code(r.accept(&parts("POST", METRICS_PATH, Some("key-a"), json), body(b""))),
            Some(ErrorCode::InvalidRequest)
        );
        assert_eq!(
            code(r.accept(
                &parts("POST", METRICS_PATH, Some("key-a"), json),
                body(b"{\"version\":\"0.2.3\"}")
            )),
            Some(ErrorCode::InvalidMetrics)
        );
        let negative =
            String::from_utf8_lossy(REPORT).replace("\"tcp_count\":10", "\"tcp_count\":1.5");
        assert_eq!(
            code(r.accept(
                &parts("POST", METRICS_PATH, Some("key-a"), json),
                body(negative.as_bytes())
            )),
            Some(ErrorCode::InvalidRequest)
        );
        let blank =
            String::from_utf8_lossy(REPORT).replace("\"hostname\":\"vm\"", "\"hostname\":\" \"");
        assert_eq!(
            code(r.accept(
                &parts("POST", METRICS_PATH, Some("key-a"), json),
                body(blank.as_bytes())
            )),
            Some(ErrorCode::InvalidMetrics)
        );
        let zero = String::from_utf8_lossy(STATIC).replace(
            "\"report_interval_seconds\":3",
            "\"report_interval_seconds\":0",
        );
        assert_eq!(
            code(r.accept(
                &parts("POST", STATIC_PATH, Some("key-a"), json),
                body(zero.as_bytes())
            )),
            Some(ErrorCode::InvalidStaticPayload)
        );
    }

    #[test]
    fn keys_never_match_empty_and_windows_passes_by_default() {
        let r = receiver();
        let mut windows: NodeReport =
            serde_json::from_slice(REPORT).unwrap_or_else(|e| panic!("{e}"));
        windows.metrics.cpu.load1 = -1.0;
        let bytes = serde_json::to_vec(&windows).unwrap_or_default();
        let json = Some("application/json");
        assert!(
            r.accept(
                &parts("POST", METRICS_PATH, Some("key-a"), json),
                body(&bytes)
            )
            .is_ok()
        );
        let strict = Receiver::new(ReceiverConfig {
            checks: Checks::PresenceAndRanges,
            ..r.config().clone()
        });
        assert_eq!(
            code(strict.accept(
                &parts("POST", METRICS_PATH, Some("key-a"), json),
                body(&bytes)
            )),
            Some(ErrorCode::InvalidMetrics)
        );
    }

    #[test]
    fn identity_created_once() {
        let r = Receiver::new(ReceiverConfig {
            install_id_fresh: true,
            ..receiver().config().clone()
        });
        let accepted = Accepted {
            node: "a".into(),
            push: Push::Identity,
        };
        let first = r.respond(&accepted, None);
        assert!(String::from_utf8_lossy(first.body()).contains("\"created\":true"));
        let second = r.respond(&accepted, None);
        assert!(String::from_utf8_lossy(second.body()).contains("\"created\":false"));
    }
}
