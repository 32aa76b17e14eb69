//! Serving Core: one transport-neutral backend, answered over HTTP and gRPC alike.
//!
//! Implement [`CoreBackend`] once (registration, key lookup, and one method per call, taking
//! and returning the HTTP body types), then:
//!
//! - HTTP: read the request body under a limit of your choice and answer with
//!   [`handle_read`] (or, with a body read whole, [`handle_http`]). Core's order of checks is
//!   Express's (see below); [`handle_read`] and [`handle_http`] apply the part after the body:
//!   routing (`404 Cannot POST /x`, as Express), the `x-node-auth-key` header on every route
//!   but `POST /node/register` (401), the body (400, with NestJS's validation-pipe body), then
//!   your backend; `POST`s answer 201 and `GET`s 200, as NestJS does by default.
//! - gRPC (feature `server`): serve
//!   [`GrpcCore::new(backend).into_service()`](crate::grpc::server::GrpcCore) with tonic. It
//!   reads the key from the metadata or the `authKey` field, converts each message into its
//!   HTTP twin with the same validation, and maps [`Failure`]s to status codes.
//!
//! Nothing here does I/O, and nothing panics on any input.
//!
//! # The order of checks over HTTP
//!
//! A NestJS Core parses JSON bodies with Express's body parser, an application-wide
//! middleware that runs before routing and before any guard. So Core reads the body first,
//! and only then routes the request and checks its key:
//!
//! 1. **The body**, up to the limit. A declared `Content-Length` over it is refused at once
//!    with `413`, nothing read (the body parser's `raw-body` compares the declared length
//!    first), so a client waiting on `Expect: 100-continue` gets no `100 Continue`; a longer
//!    body gets `413` once the limit passes, broken framing (a bad chunk) `400`, and a body that
//!    stops arriving `408`, the answers of Node's HTTP server. `nodewire_common`'s
//!    `server::read_body` (feature `serve`) does all of this; [`handle_read`] turns its
//!    [`Body::TooLarge`] into Core's `413`.
//! 2. **The route**: `404 Cannot POST /x`. A known path with another method is a `404` too:
//!    Express has no `405`, so Core never answers `405` (and no `Allow`).
//! 3. **The key** (`x-node-auth-key`) on every route but `POST /node/register`: `401` when
//!    missing or unknown, `403` for a disabled node.
//! 4. **The body's content**: `400`, naming the field.
//!
//! The body is therefore read before an unauthenticated request is refused. This is the
//! upstream's order, kept on purpose: answering `401` before reading would change which of
//! two faults a client is told about (a missing key and an oversized body answer `413`, as a
//! NestJS Core does). The body limit and the server's body timeout bound what such a request
//! holds. (Express's parser reads only `application/json` bodies; this crate decodes every
//! body as JSON, so its order is that of a JSON request.)
//!
//! Error bodies quote the peer's input (a path, a bad value) only as a bounded excerpt, and
//! a [`Failure`]'s message is cut after [`Failure::MAX_MESSAGE_CHARS`] characters.

use std::future::Future;

use bytes::Bytes;
use http::{Method, StatusCode};
use nodewire_common::server::{
    Body, RequestEnum, Routing, excerpt, request_from_parts, text_response,
};
use nodewire_common::{DecodeError, Endpoint, FromRequestError, Secret};

use crate::auth;
use crate::config::{NodeConfig, NodeConfigAppliedDto};
use crate::endpoints::*;
use crate::envelope::{self, ErrorMessage, ErrorResponse, OkResponse};
use crate::heartbeat::{HeartbeatResponse, NodeHeartbeatDto};
use crate::node_error::NodeErrorDto;
use crate::register::{RegisterNodeDto, RegisterNodeResponse};
use crate::session::SessionEventsDto;
use crate::stats::NodeStats;
use crate::usage::{NodeOutboundUsageDto, NodeUsageDto};

/// The HTTP body limit of the example servers and the mock: 4 MiB, the same as gRPC's
/// default message limit, so a batch that fits one transport fits the other. (Express's own
/// default, which a stock NestJS Core keeps unless configured, is 100 KiB.)
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The kind of a [`Failure`], which decides the HTTP status and the gRPC code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// A body or field failed validation: 400, `INVALID_ARGUMENT`.
    InvalidArgument,
    /// The key is missing or unknown: 401, `UNAUTHENTICATED`.
    Unauthenticated,
    /// The node is known but disabled: 403, `PERMISSION_DENIED`.
    PermissionDenied,
    /// No such route or registration code: 404, `NOT_FOUND`.
    NotFound,
    /// The call contradicts Core's state (confirming an unpublished revision): 409,
    /// `FAILED_PRECONDITION`.
    FailedPrecondition,
    /// The body exceeds the limit: 413, `RESOURCE_EXHAUSTED`.
    PayloadTooLarge,
    /// Anything else: 500, `INTERNAL`.
    Internal,
}

impl FailureKind {
    /// The HTTP status.
    pub fn http_status(self) -> StatusCode {
        match self {
            Self::InvalidArgument => StatusCode::BAD_REQUEST,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::PermissionDenied => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::FailedPrecondition => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A call Core refuses, on either transport.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?}: {message}")]
pub struct Failure {
    /// What kind of failure.
    pub kind: FailureKind,
    /// What went wrong.
    pub message: String,
}

impl Failure {
    /// The longest message a failure carries, in characters: a longer one is cut (with `…`),
    /// so no answer echoes more than a bounded piece of what the peer sent.
    pub const MAX_MESSAGE_CHARS: usize = 1024;

    /// A failure of `kind`; `message` is cut after [`MAX_MESSAGE_CHARS`](Self::MAX_MESSAGE_CHARS).
    ///
    /// ```
    /// use nodewire_core::server::{Failure, FailureKind};
    /// let f = Failure::new(FailureKind::InvalidArgument, "x".repeat(5000));
    /// assert_eq!(f.message.chars().count(), Failure::MAX_MESSAGE_CHARS + 1);
    /// assert!(f.message.ends_with('…'));
    /// ```
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        let message = message.into();
        let message = match message.chars().nth(Self::MAX_MESSAGE_CHARS) {
            Some(_) => excerpt(&message, Self::MAX_MESSAGE_CHARS).into_owned(),
            None => message,
        };
        Self { kind, message }
    }

    /// A validation failure.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(FailureKind::InvalidArgument, message)
    }

    /// The key is missing (`x-node-auth-key` absent or empty, and no `authKey` field).
    pub fn missing_key() -> Self {
        Self::new(
            FailureKind::Unauthenticated,
            format!("missing node auth key ({})", crate::AUTH_HEADER),
        )
    }

    /// The key matches no node.
    pub fn unknown_key() -> Self {
        Self::new(FailureKind::Unauthenticated, "invalid node auth key")
    }

    /// The node is disabled.
    pub fn permission_denied(message: impl Into<String>) -> Self {
        Self::new(FailureKind::PermissionDenied, message)
    }

    /// Something does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(FailureKind::NotFound, message)
    }

    /// The call contradicts Core's state.
    pub fn failed_precondition(message: impl Into<String>) -> Self {
        Self::new(FailureKind::FailedPrecondition, message)
    }

    /// The body is larger than `limit` bytes.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            FailureKind::PayloadTooLarge,
            format!("request entity too large (limit {limit} bytes)"),
        )
    }

    /// An unexpected fault.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Internal, message)
    }

    /// The NestJS error body: validation failures carry `message` as a list (the validation
    /// pipe's shape), others as one string; 500 has no `error` member.
    pub fn to_error_response(&self) -> ErrorResponse {
        let status = self.kind.http_status();
        let message = match self.kind {
            FailureKind::InvalidArgument => ErrorMessage::Many(vec![self.message.clone()]),
            FailureKind::Internal => ErrorMessage::One("Internal server error".to_owned()),
            _ => ErrorMessage::One(self.message.clone()),
        };
        ErrorResponse {
            message,
            error: match self.kind {
                FailureKind::Internal => None,
                _ => status.canonical_reason().map(str::to_owned),
            },
            status_code: status.as_u16(),
        }
    }

    /// The HTTP response.
    pub fn to_http_response(&self) -> http::Response<Bytes> {
        let status = self.kind.http_status();
        match envelope::encode(status, &self.to_error_response()) {
            Ok(response) => response,
            // Serializing this plain struct cannot fail; answer a bare status anyway.
            Err(_) => text_response(status, envelope::CONTENT_TYPE, Bytes::new()),
        }
    }

    /// The gRPC status.
    #[cfg(feature = "server")]
    pub fn to_status(&self) -> tonic::Status {
        let code = match self.kind {
            FailureKind::InvalidArgument => tonic::Code::InvalidArgument,
            FailureKind::Unauthenticated => tonic::Code::Unauthenticated,
            FailureKind::PermissionDenied => tonic::Code::PermissionDenied,
            FailureKind::NotFound => tonic::Code::NotFound,
            FailureKind::FailedPrecondition => tonic::Code::FailedPrecondition,
            FailureKind::PayloadTooLarge => tonic::Code::ResourceExhausted,
            FailureKind::Internal => tonic::Code::Internal,
        };
        tonic::Status::new(code, self.message.clone())
    }
}

/// Core's logic, independent of the transport. Each method receives a validated body; every
/// method but [`register`](Self::register) also receives the node [`authenticate`](Self::authenticate)
/// found for the presented key.
///
/// Implementations compare keys in constant time (see [`auth::verify`]).
pub trait CoreBackend: Send + Sync + 'static {
    /// What `authenticate` yields: the node's identity.
    type Node: Send + Sync;

    /// `POST /node/register`.
    fn register(
        &self,
        body: RegisterNodeDto,
    ) -> impl Future<Output = Result<RegisterNodeResponse, Failure>> + Send;

    /// Finds the node a key belongs to ([`Failure::unknown_key`] when none;
    /// [`Failure::permission_denied`] for a disabled node).
    fn authenticate(
        &self,
        key: &Secret,
    ) -> impl Future<Output = Result<Self::Node, Failure>> + Send;

    /// `POST /node/heartbeat`, `Heartbeat`.
    fn heartbeat(
        &self,
        node: &Self::Node,
        body: NodeHeartbeatDto,
    ) -> impl Future<Output = Result<HeartbeatResponse, Failure>> + Send;

    /// `POST /node/usage`, `ReportUsage`.
    fn report_usage(
        &self,
        node: &Self::Node,
        body: NodeUsageDto,
    ) -> impl Future<Output = Result<(), Failure>> + Send;

    /// `POST /node/outbound-usage`, `ReportOutboundUsage`.
    fn report_outbound_usage(
        &self,
        node: &Self::Node,
        body: NodeOutboundUsageDto,
    ) -> impl Future<Output = Result<(), Failure>> + Send;

    /// `POST /node/session-events`, `ReportSessionEvents`.
    fn report_session_events(
        &self,
        node: &Self::Node,
        body: SessionEventsDto,
    ) -> impl Future<Output = Result<(), Failure>> + Send;

    /// `GET /node/config/latest`, `GetLatestConfig`.
    fn latest_config(
        &self,
        node: &Self::Node,
    ) -> impl Future<Output = Result<NodeConfig, Failure>> + Send;

    /// `POST /node/config/applied`, `ConfirmConfigApplied`.
    fn config_applied(
        &self,
        node: &Self::Node,
        body: NodeConfigAppliedDto,
    ) -> impl Future<Output = Result<(), Failure>> + Send;

    /// `POST /node/error`, `ReportError`.
    fn report_error(
        &self,
        node: &Self::Node,
        body: NodeErrorDto,
    ) -> impl Future<Output = Result<(), Failure>> + Send;

    /// `ReportNodeStats` (gRPC only).
    fn report_node_stats(
        &self,
        node: &Self::Node,
        stats: NodeStats,
    ) -> impl Future<Output = Result<(), Failure>> + Send;
}

macro_rules! core_requests {
    ($($e:ident,)*) => {
        nodewire_common::request_enum! {
            /// One decoded HTTP request of any route. [`Request::route`](RequestEnum::route)
            /// finds a request's route (Express's rules: case-insensitive, one trailing `/`
            /// ignored); its `public` arm, [`RegisterNode`], is the one a node calls
            /// without its key, to get one.
            pub enum Request { $($e,)* }
        }
    };
}

crate::__with_core_endpoints!(core_requests);

/// The characters of a request path an error message quotes.
const PATH_CHARS: usize = 200;
/// The characters of a method an error message quotes (hyper accepts any token).
const METHOD_CHARS: usize = 16;
/// The characters of a decoding error's message (which may quote a bad value) an error
/// message quotes.
const DETAIL_CHARS: usize = 300;

fn not_found(method: &Method, path: &str) -> Failure {
    // Express's text for an unrouted request; a wrong method is a 404 too.
    Failure::not_found(format!(
        "Cannot {} {}",
        excerpt(method.as_str(), METHOD_CHARS),
        excerpt(path, PATH_CHARS)
    ))
}

/// `e` with its place and message cut to bounded excerpts (serde quotes the bad value).
fn bounded(mut e: DecodeError) -> DecodeError {
    e.path = excerpt(&e.path, PATH_CHARS).into_owned();
    e.message = excerpt(&e.message, DETAIL_CHARS).into_owned();
    e
}

fn failure_for(err: FromRequestError) -> Failure {
    match err {
        FromRequestError::Path(path) => {
            Failure::not_found(format!("Cannot route {}", excerpt(&path, PATH_CHARS)))
        }
        FromRequestError::Body(e) => Failure::invalid_argument(bounded(e).to_string()),
        other => Failure::invalid_argument(other.to_string()),
    }
}

/// Answers a request whose body the HTTP layer read under `limit` bytes (with
/// `nodewire_common::server::read_body`, say): a [`Body::TooLarge`] is Core's `413` (the body
/// parser refuses it before routing and the key, see the [module docs](self)), a complete
/// body goes on to [`handle_http`].
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// # #[cfg(feature = "mock")] {
/// use nodewire_common::server::Body;
/// use nodewire_core::mock::{MockConfig, MockCore};
/// let core = MockCore::new(MockConfig::default());
/// // No key, and a body past the limit: the body parser's 413 comes first.
/// let (head, ()) = http::Request::post("/node/usage").body(()).unwrap().into_parts();
/// let answer = nodewire_core::server::handle_read(&core, &head, Body::TooLarge, 1024).await;
/// assert_eq!(answer.status(), http::StatusCode::PAYLOAD_TOO_LARGE);
/// let answer = nodewire_core::server::handle_read(&core, &head, Body::Complete("{}".into()), 1024).await;
/// assert_eq!(answer.status(), http::StatusCode::UNAUTHORIZED);
/// # }
/// # });
/// ```
pub async fn handle_read<B: CoreBackend + ?Sized>(
    backend: &B,
    head: &http::request::Parts,
    body: Body,
    limit: usize,
) -> http::Response<Bytes> {
    match body {
        Body::Complete(bytes) => handle_http(backend, &request_from_parts(head, bytes)).await,
        Body::TooLarge => Failure::payload_too_large(limit).to_http_response(),
    }
}

/// Answers one HTTP request whose body was read whole with `backend`: routing, the key, the
/// body, the call.
pub async fn handle_http<B: CoreBackend + ?Sized>(
    backend: &B,
    request: &http::Request<Bytes>,
) -> http::Response<Bytes> {
    match dispatch(backend, request).await {
        Ok(response) => response,
        Err(failure) => failure.to_http_response(),
    }
}

fn respond<E: Endpoint>(body: &E::Response) -> Result<http::Response<Bytes>, Failure> {
    let status = if E::METADATA.method == Method::POST {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    envelope::encode(status, body).map_err(|e| Failure::internal(e.to_string()))
}

async fn dispatch<B: CoreBackend + ?Sized>(
    backend: &B,
    request: &http::Request<Bytes>,
) -> Result<http::Response<Bytes>, Failure> {
    let (method, path) = (request.method(), request.uri().path());
    let Routing::Found(arm) = Request::route(method, path) else {
        return Err(not_found(method, path));
    };
    let node = if !arm.public {
        let key = auth::key_from_headers(request.headers()).ok_or_else(Failure::missing_key)?;
        Some(backend.authenticate(&key).await?)
    } else {
        None
    };
    let call = arm.decode(request).map_err(failure_for)?;
    match (call, node) {
        (Request::RegisterNode(call), _) => {
            respond::<RegisterNode>(&backend.register(call.body).await?)
        }
        (call, Some(node)) => answer(backend, &node, call).await,
        (_, None) => Err(not_found(method, path)),
    }
}

/// One call of a node that presented its key.
async fn answer<B: CoreBackend + ?Sized>(
    backend: &B,
    node: &B::Node,
    call: Request,
) -> Result<http::Response<Bytes>, Failure> {
    let ok = OkResponse::default();
    match call {
        Request::RegisterNode(call) => respond::<RegisterNode>(&backend.register(call.body).await?),
        Request::Heartbeat(call) => {
            respond::<Heartbeat>(&backend.heartbeat(node, call.body).await?)
        }
        Request::ReportUsage(call) => {
            backend.report_usage(node, call.body).await?;
            respond::<ReportUsage>(&ok)
        }
        Request::ReportOutboundUsage(call) => {
            backend.report_outbound_usage(node, call.body).await?;
            respond::<ReportOutboundUsage>(&ok)
        }
        Request::ReportSessionEvents(call) => {
            backend.report_session_events(node, call.body).await?;
            respond::<ReportSessionEvents>(&ok)
        }
        Request::GetLatestConfig(_) => {
            respond::<GetLatestConfig>(&backend.latest_config(node).await?)
        }
        Request::ConfirmConfigApplied(call) => {
            backend.config_applied(node, call.body).await?;
            respond::<ConfirmConfigApplied>(&ok)
        }
        Request::ReportError(call) => {
            backend.report_error(node, call.body).await?;
            respond::<ReportError>(&ok)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_render_as_nest_bodies() {
        let body = Failure::invalid_argument("revision: bad").to_error_response();
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"message":["revision: bad"],"error":"Bad Request","statusCode":400}"#
        );
        let body = Failure::unknown_key().to_error_response();
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"message":"invalid node auth key","error":"Unauthorized","statusCode":401}"#
        );
        let response = Failure::internal("db down").to_http_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.body().as_ref(),
            br#"{"message":"Internal server error","statusCode":500}"#
        );
    }

    #[test]
    fn routes_follow_express() {
        let route = |method: Method, path: &str| Request::route(&method, path);
        let path = |method: Method, p: &str| route(method, p).map_found(|arm| arm.metadata.path);
        assert_eq!(
            path(Method::POST, "/node/heartbeat"),
            Routing::Found("/node/heartbeat")
        );
        assert_eq!(
            path(Method::POST, "/Node/Heartbeat/"),
            Routing::Found("/node/heartbeat")
        );
        assert_eq!(
            path(Method::GET, "/node/config/latest"),
            Routing::Found("/node/config/latest")
        );
        assert!(matches!(
            route(Method::GET, "/node/heartbeat"),
            Routing::MethodNotAllowed(_)
        ));
        assert!(matches!(
            route(Method::POST, "/node/unknown"),
            Routing::NotFound
        ));
        let keyless: Vec<&str> = Request::ARMS
            .iter()
            .filter(|arm| arm.public)
            .map(|arm| arm.metadata.path)
            .collect();
        assert_eq!(keyless, ["/node/register"]);
    }

    #[test]
    fn messages_are_bounded() {
        let long = "é".repeat(Failure::MAX_MESSAGE_CHARS * 3);
        let failure = Failure::invalid_argument(long);
        assert_eq!(
            failure.message.chars().count(),
            Failure::MAX_MESSAGE_CHARS + 1
        );
        let short = Failure::invalid_argument("revision: bad");
        assert_eq!(short.message, "revision: bad");
        let path = format!("/{}", "a".repeat(100_000));
        let failure = not_found(&Method::POST, &path);
        assert!(failure.message.len() < 300, "{}", failure.message);
        assert!(failure.message.starts_with("Cannot POST /aaa"));
    }

    #[cfg(feature = "mock")]
    mod order {
        use super::*;
        use crate::mock::{MockConfig, MockCore};
        use crate::register::RegisterNodeDto;

        type TestResult = Result<(), Box<dyn std::error::Error>>;

        fn head(
            method: Method,
            path: &str,
            key: Option<&str>,
        ) -> Result<http::request::Parts, http::Error> {
            let mut builder = http::Request::builder().method(method).uri(path);
            if let Some(key) = key {
                builder = builder.header(crate::AUTH_HEADER, key);
            }
            Ok(builder.body(())?.into_parts().0)
        }

        async fn registered(core: &MockCore) -> Result<String, Box<dyn std::error::Error>> {
            let dto = RegisterNodeDto::new("c".parse()?, "n", "203.0.113.7".parse()?, "eu");
            let body = serde_json::to_vec(&dto)?;
            let head = head(Method::POST, "/node/register", None)?;
            let answer = handle_read(core, &head, Body::Complete(body.into()), 1024).await;
            let v: serde_json::Value = serde_json::from_slice(answer.body())?;
            Ok(v.get("authKey")
                .and_then(|k| k.as_str())
                .ok_or("no authKey")?
                .to_owned())
        }

        fn error(answer: &http::Response<Bytes>) -> Result<ErrorResponse, serde_json::Error> {
            serde_json::from_slice(answer.body())
        }

        #[tokio::test]
        async fn the_body_comes_before_the_route_and_the_key() -> TestResult {
            let core = MockCore::new(MockConfig::default());
            // Express's body parser runs first: a body past the limit is 413 whatever the
            // route or the key.
            for head in [
                head(Method::POST, "/node/usage", None)?,
                head(Method::POST, "/node/usage", Some("wrong"))?,
                head(Method::POST, "/node/nothing", None)?,
                head(Method::GET, "/node/heartbeat", None)?,
            ] {
                let answer = handle_read(&core, &head, Body::TooLarge, 64).await;
                assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE, "{head:?}");
                assert_eq!(error(&answer)?.status_code, 413);
            }
            // Then the route, then the key, then the body's content.
            let bad = Body::Complete(Bytes::from_static(b"{\"entries\":1}"));
            let nothing = head(Method::POST, "/node/nothing", None)?;
            let answer = handle_read(&core, &nothing, bad.clone(), 64).await;
            assert_eq!(answer.status(), StatusCode::NOT_FOUND);
            let usage = head(Method::POST, "/node/usage", None)?;
            let answer = handle_read(&core, &usage, bad.clone(), 64).await;
            assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
            let key = registered(&core).await?;
            let usage = head(Method::POST, "/node/usage", Some(&key))?;
            let answer = handle_read(&core, &usage, bad, 64).await;
            assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
            assert!(error(&answer)?.message.joined().contains("entries"));
            Ok(())
        }

        #[tokio::test]
        async fn a_wrong_method_is_express_404_without_allow() -> TestResult {
            let core = MockCore::new(MockConfig::default());
            let key = registered(&core).await?;
            for (method, path) in [
                (Method::GET, "/node/heartbeat"),
                (Method::DELETE, "/node/register"),
                (Method::POST, "/node/config/latest"),
            ] {
                let head = head(method.clone(), path, Some(&key))?;
                let answer = handle_read(&core, &head, Body::Complete(Bytes::new()), 64).await;
                assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{method} {path}");
                assert!(answer.headers().get(http::header::ALLOW).is_none());
                assert_eq!(
                    error(&answer)?.message.joined(),
                    format!("Cannot {method} {path}")
                );
            }
            Ok(())
        }

        #[tokio::test]
        async fn errors_quote_the_input_only_in_part() -> TestResult {
            let core = MockCore::new(MockConfig::default());
            let key = registered(&core).await?;
            let huge = "x".repeat(900_000);
            let body = format!("{{\"ip\":\"{huge}\"}}");
            let beat = head(Method::POST, "/node/heartbeat", Some(&key))?;
            let answer = handle_read(&core, &beat, Body::Complete(body.into()), 1 << 20).await;
            assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
            assert!(answer.body().len() < 2048, "{} bytes", answer.body().len());
            let message = error(&answer)?.message.joined();
            assert!(message.contains("ip"), "{message}");
            let body = format!("{{\"revision\":\"{huge}\",\"{huge}\":[true]}}");
            let applied = head(Method::POST, "/node/config/applied", Some(&key))?;
            let answer = handle_read(&core, &applied, Body::Complete(body.into()), 1 << 20).await;
            assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
            assert!(answer.body().len() < 2048, "{} bytes", answer.body().len());
            let path = format!("/node/{}", huge.get(..60_000).unwrap_or_default());
            let long = head(Method::POST, &path, None)?;
            let answer = handle_read(&core, &long, Body::Complete(Bytes::new()), 64).await;
            assert_eq!(answer.status(), StatusCode::NOT_FOUND);
            assert!(answer.body().len() < 1024, "{} bytes", answer.body().len());
            Ok(())
        }
    }
}
