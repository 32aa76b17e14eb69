//! Dash's receiving side without IO (contract §9; Dash `internal/http/api/node/*.go`,
//! EiluneKit middleware).
//!
//! Wrap [`Receiver`] in any HTTP server in two phases, so that a refused request's body is
//! never read:
//!
//! 1. **Head**: [`Receiver::admit`] with the request head and where and when it came from
//!    ([`Peer`]) runs every check Dash makes before the body. A [`Rejection`] is answered at
//!    once, with the body unread.
//! 2. **Body**: unless [`Admitted::reads_body`] is `false` (identity), read at most
//!    [`ReceiverConfig::body_limit`] bytes of the body (more is [`Body::TooLarge`]; a declared
//!    `Content-Length` over the limit needs no reading at all), then
//!    [`Receiver::handle_body`] answers, or [`Receiver::accept_body`] returns the push to store
//!    and [`Receiver::respond`] answers it.
//!
//! Each request passes the rate limiter once, in the head phase. For a request whose body is
//! already read, [`Receiver::handle`] and [`Receiver::accept_from`] do both phases, and
//! [`Receiver::accept`] both without the rate limit. The order of checks is newer Dash's,
//! with the rate limit ([`ratelimit`](crate::ratelimit)) where the configured release has it
//! ([`RateLimitOptions::mode`]):
//!
//! | phase | step | failure |
//! | --- | --- | --- |
//! | head | path is one of the three routes | `404 not_found` |
//! | head | method is `POST` | `405 method_not_allowed`, `Allow: POST` |
//! | head | a head that declares a body (`Content-Length` above 0, or `Transfer-Encoding`: Go's `r.ContentLength != 0`) says `application/json` | `415 unsupported_media_type` |
//! | head | Dash 0.2.0 ([`RateLimitMode::AllRequests`]): this request fits the client network's budget, and counts | `429 rate_limited` |
//! | head | `X-Node-Secret` is some node's key (constant time) | `401 unauthorized`; newer Dash ([`RateLimitMode::FailedAuth`]): the failure counts, and over the budget is `429 rate_limited` instead |
//! | body | identity: answered here, the body is not read | |
//! | body | the body fits the limit (1 MiB) | `413 body_too_large` |
//! | body | the body decodes | `400 invalid_request` (syntax, types), `422` (missing keys, `null`) |
//! | body | [`validate`] | `422 invalid_metrics` / `invalid_static_payload` |
//!
//! Dash 0.2.0 decodes and validates a metrics body before it looks the key up
//! (`metrics.go:108-159`); newer Dash authenticates first, and so does this receiver, so an
//! unauthenticated request is refused before its body is read.
//!
//! Dash 0.2.0 chains `RequireJSONBody`, `RateLimit`, `LimitBody` around every node route,
//! outermost first (`internal/transport/http/api/node/router.go:13-31`); newer Dash wraps
//! only its `401` answer in the limiter (`shared.go:19-32,55-62`). Responses to requests the
//! limiter saw carry `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`,
//! and a `429` also `Retry-After` (go-chi `httprate` v0.15.0 `limiter.go:79-112`).
//!
//! Error bodies are Dash's: `{"code":"…","message":"…"}` and a newline, the message fixed per
//! code (the cause is in [`Rejection::cause`] for logs, never in the body).

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, header};
use nodewire_common::Secret;
use std::sync::OnceLock;

use nodewire_common::error::from_value;

use nodewire_common::go_json::{Read, Shape};
use nodewire_common::server::{declares_body, json_response};

pub use nodewire_common::server::Body;

use crate::endpoints::{IDENTITY_PATH, METRICS_PATH, STATIC_PATH, static_ok_response};
use crate::envelope::{ErrorCode, ErrorResponse, JSON_STYLE};
use crate::identity::{IdentityResponse, InstallId};
use crate::ratelimit::{RateLimitMode, RateLimitOptions, RateLimitStatus, RateLimiter};
use crate::update::{MetricsResponse, UpdateManifest};
use crate::validate::{self, Checks};
use crate::version::NodeVersion;
use crate::{AUTH_HEADER, NodeReport, Static};

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
    /// The rate limit (default newer Dash's: failed authentication only, 600 a minute per
    /// /24 or /40). Applied by [`Receiver::admit`] (and so [`Receiver::accept_from`] and
    /// [`Receiver::handle`]), which know the peer and the time.
    pub rate_limit: RateLimitOptions,
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
            rate_limit: RateLimitOptions::default(),
        }
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
    /// The rate limiter's verdict when it saw this request (Dash 0.2.0 mode); its headers go
    /// on the response.
    pub rate_limit: Option<RateLimitStatus>,
}

/// A request whose head passed every check Dash makes before the body
/// ([`Receiver::admit`]): what the body phase ([`Receiver::accept_body`]) needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Admitted {
    node: String,
    route: Route,
    rate_limit: Option<RateLimitStatus>,
}

impl Admitted {
    /// The node whose key authenticated the request.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// Whether the body phase looks at the body: `false` for identity, whose body Dash never
    /// reads (the body phase then takes any [`Body`]).
    pub fn reads_body(&self) -> bool {
        self.route != Route::Identity
    }

    /// The rate limiter's verdict when it saw this request (Dash 0.2.0 mode); its headers go
    /// on any answer to it.
    pub fn rate_limit(&self) -> Option<&RateLimitStatus> {
        self.rate_limit.as_ref()
    }
}

/// One of the three node routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Metrics,
    Static,
    Identity,
}

impl Route {
    fn of(path: &str) -> Option<Self> {
        match path {
            METRICS_PATH => Some(Self::Metrics),
            STATIC_PATH => Some(Self::Static),
            IDENTITY_PATH => Some(Self::Identity),
            _ => None,
        }
    }
}

/// Where a request came from and when, for the rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    /// The connection's peer address (`None` when it has none, e.g. a Unix socket).
    pub remote: Option<IpAddr>,
    /// The time the request arrived.
    pub now: SystemTime,
}

impl Peer {
    /// A request from `remote` at `now`.
    pub fn new(remote: impl Into<Option<IpAddr>>, now: SystemTime) -> Self {
        Self {
            remote: remote.into(),
            now,
        }
    }
}

/// What [`Receiver::handle`] did with one request.
#[derive(Debug, Clone)]
pub struct Handled {
    /// The response to send.
    pub response: http::Response<Bytes>,
    /// The accepted push to store, or why the request was refused.
    pub outcome: Result<Accepted, Rejection>,
}

/// A refused request and Dash's answer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The error body (code and Dash's fixed message).
    pub body: ErrorResponse,
    /// `Allow` for a 405.
    pub allow: Option<&'static str>,
    /// Why, for logs; never sent.
    pub cause: Option<String>,
    /// The rate limiter's verdict when it saw this request; its headers go on the response.
    pub rate_limit: Option<Box<RateLimitStatus>>,
}

impl Rejection {
    fn new(code: ErrorCode) -> Self {
        Self {
            body: ErrorResponse::new(code),
            allow: None,
            cause: None,
            rate_limit: None,
        }
    }

    fn rate_limited(status: RateLimitStatus) -> Self {
        Self {
            rate_limit: Some(Box::new(status)),
            ..Self::because(
                ErrorCode::RateLimited,
                format!(
                    "more than {} requests in the window from {}",
                    status.limit, status.key
                ),
            )
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

    /// Dash's response (with the rate-limit headers when the limiter saw the request).
    pub fn into_response(self) -> http::Response<Bytes> {
        let mut response = self.body.into_response(self.allow);
        if let Some(status) = &self.rate_limit {
            status.apply(response.headers_mut());
        }
        response
    }
}

/// Dash's receiving side for a fixed set of node keys.
#[derive(Debug)]
pub struct Receiver {
    config: ReceiverConfig,
    announced: AtomicBool,
    limiter: Option<RateLimiter>,
}

impl Receiver {
    /// A receiver with `config`.
    pub fn new(config: ReceiverConfig) -> Self {
        Self {
            announced: AtomicBool::new(!config.install_id_fresh),
            limiter: (config.rate_limit.mode != RateLimitMode::Off)
                .then(|| RateLimiter::new(&config.rate_limit)),
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
            .get(AUTH_HEADER)
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

    /// Runs, from the request head alone, every check Dash makes before it reads the body, in
    /// Dash's order (see the module docs): route, method, content type, the rate limit, the
    /// key. A [`Rejection`] is answered without reading the body; an [`Admitted`] request goes
    /// on to [`accept_body`](Self::accept_body) or [`handle_body`](Self::handle_body) with
    /// its body. The rate limiter counts the request here, once.
    ///
    /// ```
    /// use nodewire_common::Secret;
    /// use nodewire_dash::server::{Peer, Receiver, ReceiverConfig};
    ///
    /// let receiver = Receiver::new(ReceiverConfig::new([("node-a", Secret::new("s3cret"))]));
    /// let peer = Peer::new(None, std::time::SystemTime::now());
    /// // A 60 KB push without a key: refused from its head.
    /// let (head, ()) = http::Request::post("/api/node/metrics")
    ///     .header("content-type", "application/json")
    ///     .header("content-length", "60000")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let refused = receiver.admit(&head, &peer).unwrap_err();
    /// assert_eq!(refused.status(), http::StatusCode::UNAUTHORIZED);
    /// ```
    pub fn admit(&self, head: &http::request::Parts, peer: &Peer) -> Result<Admitted, Rejection> {
        self.admit_with(head, Some(peer), declares_body(head))
    }

    /// Runs the checks Dash makes on the body of an [`admit`](Self::admit)ted request:
    /// identity is accepted as it is; otherwise `413` for [`Body::TooLarge`], then decoding
    /// and [`validate`]. A rejection carries the rate limiter's headers when it saw the
    /// request.
    pub fn accept_body(&self, admitted: Admitted, body: Body) -> Result<Accepted, Rejection> {
        let Admitted {
            node,
            route,
            rate_limit,
        } = admitted;
        match self.checks_on_body(route, body) {
            Ok(push) => Ok(Accepted {
                node,
                push,
                rate_limit,
            }),
            Err(mut rejection) => {
                rejection.rate_limit = rate_limit.map(Box::new);
                Err(rejection)
            }
        }
    }

    /// Answers the body phase of an [`admit`](Self::admit)ted request:
    /// [`accept_body`](Self::accept_body), then [`respond`](Self::respond) (offering `update`
    /// to a metrics push whose version is lower, [`offer_update`]) or the rejection's response.
    pub fn handle_body(
        &self,
        admitted: Admitted,
        body: Body,
        update: Option<&UpdateManifest>,
    ) -> Handled {
        self.handled(self.accept_body(admitted, body), update)
    }

    /// Runs every check but the rate limit on one request whose body is already read (see
    /// the module docs for the order). The content type is checked when the head declares a
    /// body or the body is not empty (a head built by hand may have neither
    /// `Content-Length` nor `Transfer-Encoding`). Use [`accept_from`](Self::accept_from) to
    /// apply the rate limit too.
    pub fn accept(&self, parts: &http::request::Parts, body: Body) -> Result<Accepted, Rejection> {
        let has_body = declares_body(parts) || !body.is_empty();
        let admitted = self.admit_with(parts, None, has_body)?;
        self.accept_body(admitted, body)
    }

    /// Runs every check on one request from `peer` whose body is already read, the rate
    /// limit included: [`admit`](Self::admit), then [`accept_body`](Self::accept_body) (the
    /// content type as [`accept`](Self::accept) checks it).
    pub fn accept_from(
        &self,
        parts: &http::request::Parts,
        body: Body,
        peer: &Peer,
    ) -> Result<Accepted, Rejection> {
        let has_body = declares_body(parts) || !body.is_empty();
        let admitted = self.admit_with(parts, Some(peer), has_body)?;
        self.accept_body(admitted, body)
    }

    /// Answers one request from `peer` whose body is already read:
    /// [`accept_from`](Self::accept_from), then [`respond`](Self::respond) (offering `update`
    /// to a metrics push whose version is lower, [`offer_update`]) or the rejection's response.
    pub fn handle(
        &self,
        request: http::Request<Body>,
        peer: &Peer,
        update: Option<&UpdateManifest>,
    ) -> Handled {
        let (parts, body) = request.into_parts();
        self.handled(self.accept_from(&parts, body, peer), update)
    }

    /// The response to `outcome`.
    fn handled(
        &self,
        outcome: Result<Accepted, Rejection>,
        update: Option<&UpdateManifest>,
    ) -> Handled {
        let response = match &outcome {
            Ok(accepted) => {
                let update = match &accepted.push {
                    Push::Metrics(report) => update.filter(|u| offer_update(&report.version, u)),
                    Push::Identity | Push::Static(_) => None,
                };
                self.respond(accepted, update)
            }
            Err(rejection) => rejection.clone().into_response(),
        };
        Handled { response, outcome }
    }

    /// The limiter to consult for `peer` in `mode`, if any.
    fn limiter_for<'a>(
        &'a self,
        peer: Option<&'a Peer>,
        mode: RateLimitMode,
    ) -> Option<(&'a RateLimiter, &'a Peer)> {
        if self.config.rate_limit.mode != mode {
            return None;
        }
        self.limiter.as_ref().zip(peer)
    }

    /// The head phase; `has_body` says whether the request carries a body, for the content
    /// type check.
    fn admit_with(
        &self,
        parts: &http::request::Parts,
        peer: Option<&Peer>,
        has_body: bool,
    ) -> Result<Admitted, Rejection> {
        let path = parts.uri.path();
        let Some(route) = Route::of(path) else {
            return Err(Rejection::because(
                ErrorCode::NotFound,
                format!("no route {path}"),
            ));
        };
        if parts.method != Method::POST {
            return Err(Rejection {
                allow: Some("POST"),
                ..Rejection::because(ErrorCode::MethodNotAllowed, parts.method.to_string())
            });
        }
        if has_body && !is_json_content_type(&parts.headers) {
            return Err(Rejection::because(
                ErrorCode::UnsupportedMediaType,
                "content-type is not application/json",
            ));
        }
        // Dash 0.2.0: RateLimit sits after RequireJSONBody (router.go:15-21,30).
        let mut rate_limit = None;
        if let Some((limiter, peer)) = self.limiter_for(peer, RateLimitMode::AllRequests) {
            let status = limiter.check(limiter.key(peer.remote, &parts.headers), peer.now);
            if !status.allowed {
                return Err(Rejection::rate_limited(status));
            }
            rate_limit = Some(status);
        }
        match self.authenticate(&parts.headers) {
            Ok(node) => Ok(Admitted {
                node: node.to_owned(),
                route,
                rate_limit,
            }),
            Err(mut rejection) => {
                // Newer Dash: only a 401 goes through the limiter (shared.go:55-62).
                if let Some((limiter, peer)) = self.limiter_for(peer, RateLimitMode::FailedAuth) {
                    let status = limiter.check(limiter.key(peer.remote, &parts.headers), peer.now);
                    if !status.allowed {
                        return Err(Rejection::rate_limited(status));
                    }
                    rate_limit = Some(status);
                }
                rejection.rate_limit = rate_limit.map(Box::new);
                Err(rejection)
            }
        }
    }

    fn checks_on_body(&self, route: Route, body: Body) -> Result<Push, Rejection> {
        if route == Route::Identity {
            return Ok(Push::Identity);
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
        if route == Route::Metrics {
            let report: NodeReport = decode(&bytes, report_shape(), ErrorCode::InvalidMetrics)?;
            validate::check_report(&report, self.config.checks)
                .map_err(|e| invalid(e, ErrorCode::InvalidMetrics))?;
            Ok(Push::Metrics(Box::new(report)))
        } else {
            let body: Static = decode(&bytes, static_shape(), ErrorCode::InvalidStaticPayload)?;
            validate::check_static(&body, self.config.checks)
                .map_err(|e| invalid(e, ErrorCode::InvalidStaticPayload))?;
            Ok(Push::Static(Box::new(body)))
        }
    }

    /// Dash's answer to an accepted push: the identity, `{"ok":true,"update":…}` with
    /// `update` when one is pending for this node, or `ok` for static; with the rate-limit
    /// headers when the limiter saw the request.
    pub fn respond(
        &self,
        accepted: &Accepted,
        update: Option<&UpdateManifest>,
    ) -> http::Response<Bytes> {
        let encoded = match &accepted.push {
            Push::Identity => {
                let created = !self.announced.swap(true, Ordering::Relaxed);
                let identity = IdentityResponse {
                    install_id: self.config.install_id.clone(),
                    created,
                };
                json_response(JSON_STYLE, StatusCode::OK, &identity)
            }
            Push::Metrics(_) => json_response(
                JSON_STYLE,
                StatusCode::OK,
                &MetricsResponse::ok(update.cloned()),
            ),
            Push::Static(_) => Ok(static_ok_response()),
        };
        let mut response = encoded
            .unwrap_or_else(|_| ErrorResponse::new(ErrorCode::InternalError).into_response(None));
        if let Some(status) = &accepted.rate_limit {
            status.apply(response.headers_mut());
        }
        response
    }
}

/// Whether Dash would offer `pending` to a node reporting `reported_version`: only while the
/// node's version is lower by SemVer precedence (`agent_update.go:50-74`). A version that
/// does not parse gets nothing.
///
/// ```
/// use nodewire_dash::server::offer_update;
/// use nodewire_dash::update::{RawManifest, UpdateManifest};
/// let m = UpdateManifest::try_from(RawManifest::new(
///     "0.2.4", "0.2.4", "https://d/x", "00".repeat(32), 1,
/// )).unwrap();
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

fn report_shape() -> &'static Shape {
    static SHAPE: OnceLock<Shape> = OnceLock::new();
    SHAPE.get_or_init(crate::go_shapes::node_report)
}

fn static_shape() -> &'static Shape {
    static SHAPE: OnceLock<Shape> = OnceLock::new();
    SHAPE.get_or_init(crate::go_shapes::static_info)
}

/// Decodes a body as Dash's `encoding/json` does ([`go_json`](nodewire_common::go_json): keys matched
/// with Unicode case folding, repeated keys applied in order, `null` clearing only pointers
/// and slices, invalid UTF-8 read as U+FFFD, exactly one JSON value), then into `T`. A Go
/// decode failure or a timestamp Go's `time.Time` refuses is `400 invalid_request`; a key
/// missing or `null` where the agent always sends a value is a semantic failure
/// (`semantic`).
fn decode<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    shape: &Shape,
    semantic: ErrorCode,
) -> Result<T, Rejection> {
    let value = nodewire_common::go_json::decode(bytes, shape, Read::Unmarshal)
        .map_err(|e| Rejection::because(ErrorCode::InvalidRequest, e))?;
    from_value(value).map_err(|e| {
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
            b = b.header(AUTH_HEADER, s);
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
            rate_limit: None,
        };
        let first = r.respond(&accepted, None);
        assert!(String::from_utf8_lossy(first.body()).contains("\"created\":true"));
        let second = r.respond(&accepted, None);
        assert!(String::from_utf8_lossy(second.body()).contains("\"created\":false"));
    }

    /// A request head with `headers`.
    fn head(method: &str, path: &str, headers: &[(&str, &str)]) -> http::request::Parts {
        let mut b = http::Request::builder().method(method).uri(path);
        for (name, value) in headers {
            b = b.header(*name, *value);
        }
        b.body(()).unwrap_or_default().into_parts().0
    }

    fn anyone() -> Peer {
        Peer::new(None, SystemTime::UNIX_EPOCH)
    }

    #[test]
    fn admit_refuses_from_the_head_alone() {
        let r = receiver();
        let json = ("content-type", "application/json");
        // A 60 KB push without a key, or with a wrong one: 401 before any body.
        for key in [None, Some("wrong")] {
            let mut headers = vec![json, ("content-length", "60000")];
            headers.extend(key.map(|k| (AUTH_HEADER, k)));
            let refused = r.admit(&head("POST", METRICS_PATH, &headers), &anyone());
            assert_eq!(
                refused.map_err(|e| e.body.code).err(),
                Some(ErrorCode::Unauthorized)
            );
        }
        // The content type is judged from what the head declares.
        let declared = [
            vec![("content-length", "2"), ("content-type", "text/plain")],
            vec![("transfer-encoding", "chunked")],
        ];
        for headers in declared {
            let refused = r.admit(&head("POST", METRICS_PATH, &headers), &anyone());
            assert_eq!(
                refused.map_err(|e| e.body.code).err(),
                Some(ErrorCode::UnsupportedMediaType)
            );
        }
        let no_body = head(
            "POST",
            IDENTITY_PATH,
            &[("content-length", "0"), ("content-type", "text/plain")],
        );
        assert_eq!(
            r.admit(&no_body, &anyone()).map_err(|e| e.body.code).err(),
            Some(ErrorCode::Unauthorized),
            "no body: no content type needed"
        );
        // Route and method come first; 405 names the method allowed.
        let get = r.admit(&head("GET", METRICS_PATH, &[]), &anyone());
        assert_eq!(get.as_ref().err().and_then(|e| e.allow), Some("POST"));
        assert_eq!(
            get.err()
                .map(|e| e.into_response().headers()[header::ALLOW].clone()),
            Some(http::HeaderValue::from_static("POST"))
        );
        let nowhere = r.admit(&head("GET", "/api/node/nope", &[]), &anyone());
        assert_eq!(
            nowhere.map_err(|e| e.body.code).err(),
            Some(ErrorCode::NotFound)
        );
    }

    #[test]
    fn the_body_phase_follows_admission() {
        let r = receiver();
        let json = ("content-type", "application/json");
        let metrics = head(
            "POST",
            METRICS_PATH,
            &[json, (AUTH_HEADER, "key-b"), ("content-length", "9999999")],
        );
        let admitted = r.admit(&metrics, &anyone());
        let admitted = admitted.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(admitted.node(), "b");
        assert!(admitted.reads_body());
        assert_eq!(
            code(r.accept_body(admitted.clone(), Body::TooLarge)),
            Some(ErrorCode::BodyTooLarge)
        );
        let accepted = r.accept_body(admitted.clone(), body(REPORT));
        assert!(
            matches!(accepted, Ok(Accepted { ref node, push: Push::Metrics(_), .. }) if node == "b")
        );
        let handled = r.handle_body(admitted, body(b"{"), None);
        assert_eq!(handled.response.status(), StatusCode::BAD_REQUEST);
        // Identity never reads its body.
        let identity = head("POST", IDENTITY_PATH, &[json, (AUTH_HEADER, "key-a")]);
        let admitted = r.admit(&identity, &anyone());
        let admitted = admitted.unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!admitted.reads_body());
        let handled = r.handle_body(admitted, Body::TooLarge, None);
        assert_eq!(handled.response.status(), StatusCode::OK);
    }

    mod rate_limit {
        use std::time::{Duration, UNIX_EPOCH};

        use super::*;
        use crate::envelope::JSON_CONTENT_TYPE;
        use crate::ratelimit::{X_RATELIMIT_LIMIT, X_RATELIMIT_REMAINING, X_RATELIMIT_RESET};

        /// A minute boundary.
        const T0: u64 = 1_799_999_940;

        fn receiver(mode: RateLimitMode) -> Receiver {
            Receiver::new(ReceiverConfig {
                rate_limit: RateLimitOptions::new(mode),
                ..super::receiver().config().clone()
            })
        }

        fn peer(ip: &str, secs: u64) -> Peer {
            Peer::new(
                ip.parse::<IpAddr>().ok(),
                UNIX_EPOCH + Duration::from_secs(T0 + secs),
            )
        }

        fn request(path: &str, secret: Option<&str>, body: &[u8]) -> http::Request<Body> {
            let mut b = http::Request::builder()
                .method("POST")
                .uri(path)
                .header(header::CONTENT_TYPE, "application/json");
            if let Some(s) = secret {
                b = b.header(AUTH_HEADER, s);
            }
            b.body(super::body(body)).unwrap()
        }

        fn identity(secret: Option<&str>) -> http::Request<Body> {
            request(IDENTITY_PATH, secret, b"{}")
        }

        fn status(r: &Receiver, req: http::Request<Body>, p: &Peer) -> StatusCode {
            r.handle(req, p, None).response.status()
        }

        #[test]
        fn dash_0_2_0_counts_every_request_per_24() {
            let r = receiver(RateLimitMode::AllRequests);
            let p = peer("192.0.2.10", 3);
            // The first 599 requests: identity answers, all counted.
            for i in 1..=599 {
                let h = r.handle(identity(Some("key-a")), &p, None);
                assert_eq!(h.response.status(), StatusCode::OK, "request {i}");
                assert_eq!(
                    h.response.headers()[X_RATELIMIT_REMAINING],
                    (600 - i).to_string().as_str()
                );
            }
            // The 600th, a real metrics push, passes and carries the headers.
            let h = r.handle(request(METRICS_PATH, Some("key-b"), REPORT), &p, None);
            assert_eq!(h.response.status(), StatusCode::OK);
            assert!(matches!(h.outcome, Ok(Accepted { ref node, .. }) if node == "b"));
            assert_eq!(h.response.headers()[X_RATELIMIT_LIMIT], "600");
            assert_eq!(h.response.headers()[X_RATELIMIT_REMAINING], "0");
            assert_eq!(
                h.response.headers()[X_RATELIMIT_RESET],
                (T0 + 60).to_string().as_str()
            );
            // The 601st is refused before the key or the body is looked at.
            let h = r.handle(request(METRICS_PATH, Some("key-b"), REPORT), &p, None);
            assert_eq!(h.response.status(), StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(
                h.response.body().as_ref(),
                b"{\"code\":\"rate_limited\",\"message\":\"too many requests\"}\n"
            );
            assert_eq!(h.response.headers()[header::RETRY_AFTER], "60");
            assert_eq!(
                h.response.headers()[header::CONTENT_TYPE],
                JSON_CONTENT_TYPE
            );
            let cause = h.outcome.err().and_then(|e| e.cause).unwrap_or_default();
            assert!(cause.contains("v4:192.0.2.0/24"), "{cause}");
            assert_eq!(
                status(&r, identity(None), &p),
                StatusCode::TOO_MANY_REQUESTS
            );
            // Another address in the same /24 shares the bucket; another /24 does not.
            assert_eq!(
                status(&r, identity(Some("key-a")), &peer("192.0.2.200", 4)),
                StatusCode::TOO_MANY_REQUESTS
            );
            assert_eq!(
                status(&r, identity(Some("key-a")), &peer("192.0.3.10", 4)),
                StatusCode::OK
            );
            // Checks before the limiter still answer first, and are not counted.
            let mut wrong_type = identity(Some("key-a"));
            wrong_type.headers_mut().insert(
                header::CONTENT_TYPE,
                http::HeaderValue::from_static("text/plain"),
            );
            let h = r.handle(wrong_type, &p, None);
            assert_eq!(h.response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
            assert!(!h.response.headers().contains_key(X_RATELIMIT_LIMIT));
            let mut get = identity(Some("key-a"));
            *get.method_mut() = Method::GET;
            assert_eq!(status(&r, get, &p), StatusCode::METHOD_NOT_ALLOWED);
            // Two windows later the bucket is empty again.
            assert_eq!(
                status(&r, identity(Some("key-a")), &peer("192.0.2.10", 120)),
                StatusCode::OK
            );
        }

        #[test]
        fn dash_0_2_0_rejections_after_the_limiter_carry_its_headers() {
            let r = receiver(RateLimitMode::AllRequests);
            let p = peer("2001:db8:1::1", 0);
            let h = r.handle(request(METRICS_PATH, Some("nope"), REPORT), &p, None);
            assert_eq!(h.response.status(), StatusCode::UNAUTHORIZED);
            assert_eq!(h.response.headers()[X_RATELIMIT_REMAINING], "599");
            let h = r.handle(request(METRICS_PATH, Some("key-a"), b"{"), &p, None);
            assert_eq!(h.response.status(), StatusCode::BAD_REQUEST);
            assert_eq!(h.response.headers()[X_RATELIMIT_REMAINING], "598");
            // Same /40.
            let h = r.handle(identity(Some("key-a")), &peer("2001:db8:ff::9", 1), None);
            assert_eq!(h.response.headers()[X_RATELIMIT_REMAINING], "597");
        }

        #[test]
        fn newer_dash_counts_only_failed_authentication() {
            let r = receiver(RateLimitMode::FailedAuth);
            let p = peer("198.51.100.20", 10);
            // Successful requests never count and carry no rate-limit headers.
            for _ in 0..700 {
                let h = r.handle(identity(Some("key-a")), &p, None);
                assert_eq!(h.response.status(), StatusCode::OK);
                assert!(!h.response.headers().contains_key(X_RATELIMIT_LIMIT));
            }
            let h = r.handle(request(STATIC_PATH, Some("key-a"), STATIC), &p, None);
            assert_eq!(h.response.status(), StatusCode::OK);
            // 600 failures (missing, empty or unknown key) get 401 with the headers.
            for i in 1..=600 {
                let secret = match i % 3 {
                    0 => None,
                    1 => Some(""),
                    _ => Some("wrong"),
                };
                let h = r.handle(identity(secret), &p, None);
                assert_eq!(h.response.status(), StatusCode::UNAUTHORIZED, "failure {i}");
                assert_eq!(
                    h.response.headers()[X_RATELIMIT_REMAINING],
                    (600 - i).to_string().as_str()
                );
            }
            // Authenticated requests that fail later are not counted either.
            assert_eq!(
                status(&r, request(METRICS_PATH, Some("key-a"), b"{"), &p),
                StatusCode::BAD_REQUEST
            );
            assert_eq!(status(&r, identity(Some("key-a")), &p), StatusCode::OK);
            // The 601st failure is 429, from any address in the /24.
            let h = r.handle(identity(Some("wrong")), &peer("198.51.100.250", 11), None);
            assert_eq!(h.response.status(), StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(h.response.headers()[header::RETRY_AFTER], "60");
            assert_eq!(
                h.outcome.err().map(|e| e.body.code),
                Some(ErrorCode::RateLimited)
            );
            // Another /24 is unaffected.
            assert_eq!(
                status(&r, identity(Some("wrong")), &peer("198.51.101.20", 11)),
                StatusCode::UNAUTHORIZED
            );
            // Halfway through the next window half the budget is back.
            let later = peer("198.51.100.20", 90);
            let passed = (0..400)
                .filter(|_| status(&r, identity(None), &later) == StatusCode::UNAUTHORIZED)
                .count();
            assert_eq!(passed, 300);
        }

        #[test]
        fn admit_and_the_body_phase_count_once() {
            let r = receiver(RateLimitMode::AllRequests);
            let p = peer("192.0.2.10", 0);
            for i in 1..=3i64 {
                let (head, body) = request(METRICS_PATH, Some("key-a"), b"{").into_parts();
                let admitted = r.admit(&head, &p);
                let admitted = admitted.unwrap_or_else(|e| panic!("{e:?}"));
                let remaining = admitted.rate_limit().map(|s| s.remaining);
                assert_eq!(remaining, Some(600 - i));
                let h = r.handle_body(admitted, body, None);
                assert_eq!(h.response.status(), StatusCode::BAD_REQUEST);
                assert_eq!(
                    h.response.headers()[X_RATELIMIT_REMAINING],
                    (600 - i).to_string().as_str(),
                    "the body phase does not count again"
                );
            }
            // Newer Dash: a failed key counts once, in admit.
            let r = receiver(RateLimitMode::FailedAuth);
            let (head, _) = identity(Some("wrong")).into_parts();
            for i in 1..=2i64 {
                let refused = r.admit(&head, &p).err();
                let remaining = refused.and_then(|e| e.rate_limit).map(|s| s.remaining);
                assert_eq!(remaining, Some(600 - i));
            }
        }

        #[test]
        fn off_and_accept_without_a_peer_never_limit() {
            let off = receiver(RateLimitMode::Off);
            let p = peer("192.0.2.1", 0);
            for _ in 0..700 {
                assert_eq!(
                    status(&off, identity(Some("x")), &p),
                    StatusCode::UNAUTHORIZED
                );
            }
            let r = receiver(RateLimitMode::AllRequests);
            for _ in 0..700 {
                let (parts, body) = identity(Some("key-a")).into_parts();
                let a = r.accept(&parts, body);
                assert!(matches!(
                    a,
                    Ok(Accepted {
                        rate_limit: None,
                        ..
                    })
                ));
            }
        }

        #[test]
        fn handle_offers_updates_only_to_older_nodes() {
            let r = receiver(RateLimitMode::Off);
            let m = crate::update::UpdateManifest::try_from(crate::update::RawManifest {
                id: "9.0.0".into(),
                version: "9.0.0".into(),
                url: "https://d/x".into(),
                sha256: "00".repeat(32),
                size: 1,
            })
            .unwrap();
            let p = peer("192.0.2.1", 0);
            let h = r.handle(request(METRICS_PATH, Some("key-a"), REPORT), &p, Some(&m));
            assert!(String::from_utf8_lossy(h.response.body()).contains("\"version\":\"9.0.0\""));
            let h = r.handle(request(STATIC_PATH, Some("key-a"), STATIC), &p, Some(&m));
            assert_eq!(h.response.body().as_ref(), b"ok");
        }
    }
}
