//! Serving over TCP with the limits a server exposed to the network needs (feature `serve`).
//!
//! [`serve`] runs any tower service (an axum `Router`, a `service_fn`) over HTTP/1.1 with
//! hyper, under [`Limits`]:
//!
//! | limit | default | what happens past it |
//! | --- | --- | --- |
//! | [`header_timeout`](Limits::header_timeout) | 10 s | the connection is closed |
//! | [`body_timeout`](Limits::body_timeout) | 30 s | [`read_body`] answers `408` and the connection is closed |
//! | [`max_connections`](Limits::max_connections) | 256 | new connections wait in the listen backlog |
//! | [`max_header_bytes`](Limits::max_header_bytes) | 16 KiB | `431 Request Header Fields Too Large` |
//! | [`shutdown_grace`](Limits::shutdown_grace) | 5 s | open connections are dropped |
//!
//! hyper starts the header clock whenever a connection waits for a request head: when it
//! opens, and again after each answer on a kept-alive connection. So the header timeout is
//! also the idle keep-alive timeout; hyper has no separate setting for the two.
//!
//! The body timeout is tower-http's `TimeoutBody`: it runs between two reads of the body, so
//! a body that stops arriving fails within it. With the body limit, it bounds what a slow
//! sender can hold.
//!
//! Every request carries the peer's address as a [`RemoteAddr`] extension (axum:
//! `Extension<RemoteAddr>`).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::timeout::TimeoutBody;
use tower_service::Service;

use super::{Body, declared_length};

/// The body a service served by [`serve`] receives: hyper's, under the body timeout.
pub type RequestBody = TimeoutBody<Incoming>;

/// The boxed error of a response body.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The peer's address, set on every request [`serve`] hands to the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteAddr(pub SocketAddr);

/// The limits of a server exposed to the network. Each has a sensible default and a flag in
/// the example servers (`--header-timeout`, `--body-timeout`, `--max-connections`,
/// `--max-header-bytes`).
///
/// ```
/// use std::time::Duration;
/// let limits = nodewire_common::server::Limits::default()
///     .header_timeout(Duration::from_secs(5))
///     .max_connections(64);
/// assert_eq!(limits.max_header_bytes, 16 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// How long a connection may take to send a request head, counted from when it opens or
    /// from the end of the previous answer (so it is the idle keep-alive timeout too).
    pub header_timeout: Duration,
    /// How long a request body may go without sending a byte.
    pub body_timeout: Duration,
    /// How many connections are served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// The largest request head, request line and headers together; a larger one gets `431`.
    pub max_header_bytes: usize,
    /// How long open connections may take to finish after shutdown begins.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: 256,
            max_header_bytes: 16 * 1024,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

impl Limits {
    /// The longest timeout a server applies: a longer one (up to `Duration::MAX`, which a
    /// clock could not add to the time now) counts as this, a year.
    pub const MAX_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

    /// The most connections a server counts (tokio's `Semaphore::MAX_PERMITS`); more counts as
    /// this.
    pub const MAX_CONNECTIONS: usize = Semaphore::MAX_PERMITS;

    /// Sets [`header_timeout`](Self::header_timeout) (at most [`MAX_TIMEOUT`](Self::MAX_TIMEOUT)).
    #[must_use]
    pub fn header_timeout(mut self, value: Duration) -> Self {
        self.header_timeout = value.min(Self::MAX_TIMEOUT);
        self
    }

    /// Sets [`body_timeout`](Self::body_timeout) (at most [`MAX_TIMEOUT`](Self::MAX_TIMEOUT)).
    #[must_use]
    pub fn body_timeout(mut self, value: Duration) -> Self {
        self.body_timeout = value.min(Self::MAX_TIMEOUT);
        self
    }

    /// Sets [`max_connections`](Self::max_connections) (at least 1, at most
    /// [`MAX_CONNECTIONS`](Self::MAX_CONNECTIONS)).
    #[must_use]
    pub fn max_connections(mut self, value: usize) -> Self {
        self.max_connections = value.clamp(1, Self::MAX_CONNECTIONS);
        self
    }

    /// These limits with every value in the range a server applies: the timeouts at most
    /// [`MAX_TIMEOUT`](Self::MAX_TIMEOUT) and the connections from 1 to
    /// [`MAX_CONNECTIONS`](Self::MAX_CONNECTIONS), whatever was written to the fields.
    /// [`serve`] applies this; a server built on these limits elsewhere should too.
    ///
    /// ```
    /// use std::time::Duration;
    /// use nodewire_common::server::Limits;
    /// let mut limits = Limits::default();
    /// limits.header_timeout = Duration::MAX;
    /// limits.max_connections = 0;
    /// let bounded = limits.bounded();
    /// assert_eq!(bounded.header_timeout, Limits::MAX_TIMEOUT);
    /// assert_eq!(bounded.max_connections, 1);
    /// ```
    #[must_use]
    pub fn bounded(self) -> Self {
        self.header_timeout(self.header_timeout)
            .body_timeout(self.body_timeout)
            .max_connections(self.max_connections)
            .shutdown_grace(self.shutdown_grace)
    }

    /// Sets [`max_header_bytes`](Self::max_header_bytes).
    #[must_use]
    pub fn max_header_bytes(mut self, value: usize) -> Self {
        self.max_header_bytes = value;
        self
    }

    /// Sets [`shutdown_grace`](Self::shutdown_grace) (at most
    /// [`MAX_TIMEOUT`](Self::MAX_TIMEOUT)).
    #[must_use]
    pub fn shutdown_grace(mut self, value: Duration) -> Self {
        self.shutdown_grace = value.min(Self::MAX_TIMEOUT);
        self
    }
}

/// Serves `service` on `listener` over HTTP/1.1 (upgrades such as WebSocket included) under
/// `limits`, until `shutdown` resolves; then stops accepting and gives open connections
/// [`shutdown_grace`](Limits::shutdown_grace) to finish.
///
/// Every request gets its peer as a [`RemoteAddr`] extension and its body as a
/// [`RequestBody`] under the body timeout.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use nodewire_common::server::{Limits, RequestBody, serve};
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let service = tower::service_fn(|_: http::Request<RequestBody>| async {
///     Ok::<_, std::convert::Infallible>(http::Response::new(String::from("ok")))
/// });
/// serve(listener, Limits::default(), service, std::future::pending()).await
/// # }
/// ```
pub async fn serve<S, B>(
    listener: TcpListener,
    limits: Limits,
    service: S,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    S: Service<http::Request<RequestBody>, Response = http::Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let limits = limits.bounded();
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192))
        .max_header_size(limits.max_header_bytes);
    let mut connections = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        while connections.try_join_next().is_some() {}
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = Arc::clone(&slots).acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // A connection that failed before it was accepted (reset, out of
                // descriptors): nothing to answer; try the next one after a pause.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let service = service.clone();
        let body_timeout = limits.body_timeout;
        let handler = hyper::service::service_fn(move |request: http::Request<Incoming>| {
            let (mut head, body) = request.into_parts();
            head.extensions.insert(RemoteAddr(peer));
            let request = http::Request::from_parts(head, TimeoutBody::new(body_timeout, body));
            let mut service = service.clone();
            async move {
                let ready = std::future::poll_fn(|cx| service.poll_ready(cx))
                    .await
                    .is_ok();
                let answer = match ready {
                    true => service.call(request).await.ok(),
                    false => None,
                };
                Ok::<_, Infallible>(match answer {
                    Some(response) => response
                        .map(|body| UnsyncBoxBody::new(body.map_err(|e| -> BoxError { e.into() }))),
                    // The service failed without an answer (axum's router never does).
                    None => internal_error(),
                })
            }
        });
        let connection = http
            .serve_connection(TokioIo::new(stream), handler)
            .with_upgrades();
        let mut stopped = stopped.clone();
        connections.spawn(async move {
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = async { stopped.wait_for(|stop| *stop).await.is_ok() } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(limits.shutdown_grace, drained).await;
    // Past the grace, the connections left (a stream that never ends) are dropped.
    connections.shutdown().await;
    Ok(())
}

/// `500` for a service that failed without an answer.
fn internal_error() -> http::Response<UnsyncBoxBody<Bytes, BoxError>> {
    super::text_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "text/plain; charset=utf-8",
        "internal server error\n",
    )
    .map(|body| UnsyncBoxBody::new(http_body_util::Full::new(body).map_err(|e| match e {})))
}

/// Why a request body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// The body stopped arriving for longer than the body timeout.
    #[error("the request body stopped arriving")]
    Timeout,
    /// The body's framing is broken (a bad chunk size, a connection closed mid-body).
    #[error("the request body is malformed: {0}")]
    Malformed(String),
}

impl BodyError {
    /// The answer: `408 Request Timeout` or `400 Bad Request`, plain text, with
    /// `Connection: close` (the rest of the stream cannot be trusted).
    ///
    /// ```
    /// use nodewire_common::server::BodyError;
    /// let r = BodyError::Malformed("invalid chunk size".into()).into_response();
    /// assert_eq!(r.status(), http::StatusCode::BAD_REQUEST);
    /// assert_eq!(r.headers()["connection"], "close");
    /// ```
    pub fn into_response(self) -> http::Response<Bytes> {
        let status = match self {
            Self::Timeout => StatusCode::REQUEST_TIMEOUT,
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
        };
        let mut response =
            super::text_response(status, "text/plain; charset=utf-8", format!("{self}\n"));
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        response
    }
}

/// Reads a request body under `limit`, refusing before reading where it can:
///
/// - a declared `Content-Length` over `limit` is [`Body::TooLarge`] at once: nothing is read,
///   and no `100 Continue` is sent (hyper sends it only when the body is first read);
/// - otherwise the body is read until its end or until it passes `limit`;
/// - a body that stops arriving is [`BodyError::Timeout`] (under [`serve`]'s body timeout),
///   broken framing [`BodyError::Malformed`].
///
/// Call it only once the server's checks on the head (auth, route, method) have passed.
pub async fn read_body<B>(
    head: &http::request::Parts,
    body: B,
    limit: usize,
) -> Result<Body, BodyError>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    if declared_length(head).is_some_and(|n| n > limit as u64) {
        return Ok(Body::TooLarge);
    }
    Body::collect(body, limit)
        .await
        .map_err(|e| classify(e.into()))
}

/// Names a body-reading error, looking through the error chain for tower-http's timeout.
fn classify(error: BoxError) -> BodyError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error.as_ref());
    while let Some(e) = source {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return BodyError::Timeout;
        }
        source = e.source();
    }
    BodyError::Malformed(error.to_string())
}
