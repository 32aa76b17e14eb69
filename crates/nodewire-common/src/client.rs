//! A client that runs any endpoint of any protocol (feature `client`, reqwest).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use nodewire_common::client::Client;
//! # struct ListUsers;
//! # impl nodewire_common::Endpoint for ListUsers {
//! #     type Protocol = P; type Request = nodewire_common::endpoint::NoBody; type Response = ();
//! #     type Exchange = nodewire_common::endpoint::Unary;
//! #     const METADATA: nodewire_common::Metadata = nodewire_common::Metadata {
//! #         name: "ListUsers", method: http::Method::GET, path: "/v1/users", aliases: &[],
//! #         body: nodewire_common::BodyKind::None, description: "" };
//! #     fn from_parts(_: nodewire_common::endpoint::IncomingParts<'_, Self::Request>)
//! #         -> Result<Self, nodewire_common::FromRequestError> { Ok(Self) }
//! # }
//! # struct P;
//! # impl nodewire_common::Protocol for P {
//! #     const NAME: &'static str = "p"; type Success<T> = T; type Failure = nodewire_common::DecodeError;
//! #     fn decode_response<T: serde::de::DeserializeOwned>(_: http::StatusCode, _: &http::HeaderMap, b: &[u8])
//! #         -> Result<T, Self::Failure> { nodewire_common::error::from_slice(b) }
//! #     fn encode_response<T: serde::Serialize>(_: &T) -> Result<http::Response<bytes::Bytes>, serde_json::Error> { unimplemented!() }
//! # }
//! let client = Client::new("http://127.0.0.1:9091")?
//!     .with_header("authorization", nodewire_common::Secret::new("Bearer token"))?;
//! let users = client.send(&ListUsers).await?;
//! # Ok(()) }
//! ```
//!
//! Stream routes ([`StreamEndpoint`](crate::stream::StreamEndpoint)s: Server-Sent Events, and
//! WebSocket with the `websocket` feature) are opened with [`Client::stream`], which sends the
//! same headers and yields the route's typed items as they arrive; [`Reconnecting`] follows one
//! across disconnects. [`Client::send`] refuses them at compile time (their
//! [`Endpoint::Exchange`] is [`Streaming`](crate::endpoint::Streaming)), since it reads one
//! whole answer under a total timeout.
//!
//! Timeouts: a `send` has a total one ([`Client::with_timeout`], 30 s by default), from
//! connecting to the answer's last byte. A stream has none: only connecting is bounded, and,
//! where the upstream sends keep-alives, an idle limit the caller sets
//! ([`Client::with_stream_idle_limit`]).

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue};

use std::sync::{Arc, RwLock};

use crate::endpoint::{Endpoint, OneAnswer, Protocol};
use crate::error::IntoRequestError;
use crate::secret::Secret;
use crate::version::{Release, VersioningDecision};

mod call;
mod failure;
mod reconnect;
mod stream;

pub use call::Answered;
/// The extension trait a stream's items are read with (`items.next().await`), re-exported so
/// a caller needs no `futures` dependency of its own.
pub use futures_util::StreamExt;
pub use reconnect::{Reconnecting, Update};
pub use stream::{DEFAULT_RETRY, Items, Open, StreamError};

/// A failed call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError<F: std::error::Error + 'static> {
    /// The request could not be built or failed validation.
    #[error(transparent)]
    Request(#[from] IntoRequestError),
    /// Connecting, sending or reading failed.
    #[error("transport: {0}")]
    Transport(#[from] reqwest::Error),
    /// The response body exceeded the client's limit.
    #[error("response body exceeds {0} bytes")]
    TooLarge(usize),
    /// The server answered with a failure (or a body that did not decode).
    #[error(transparent)]
    Api(F),
    /// The route is newer than the server: the server answered its "route not found" failure
    /// (or the client knew the server's release and did not send), and the endpoint declares
    /// the release that added the route.
    #[error("{}", unsupported_text(route, added, server.as_ref()))]
    RouteNotInRelease {
        /// `"<METHOD> <path template>"`.
        route: String,
        /// The upstream release that added the route.
        added: &'static str,
        /// The release the server reports, when the client has seen it.
        server: Option<Release>,
    },
    /// A stream route answered without opening a stream: a success that is not
    /// `text/event-stream`, or a WebSocket handshake that did not complete.
    #[error("no stream: {0}")]
    NotAStream(String),
    /// A stream route did not answer within the client's stream idle limit
    /// ([`Client::with_stream_idle_limit`]).
    #[error("no answer within the stream idle limit of {0:?}")]
    Idle(Duration),
}

/// Whether `text` can be a credential header's value: not empty, and only visible ASCII,
/// space and tab (what `http::HeaderValue::from_str` takes).
fn is_header_text(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

fn unsupported_text(route: &str, added: &str, server: Option<&Release>) -> String {
    match server {
        Some(server) => {
            format!("`{route}` needs release {added} or later; the server runs {server}")
        }
        None => format!(
            "`{route}` is not on this server: the route came in release {added}, so the server \
             is probably older"
        ),
    }
}

/// The total timeout of a `send` for a client from [`Client::new`], and its connect timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends endpoints to one upstream.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    max_body: usize,
    /// The total timeout of one `send` (`None`: the `reqwest::Client`'s own).
    timeout: Option<Duration>,
    /// The longest a stream may stay silent.
    idle_limit: Option<Duration>,
    /// The server's release, once known (shared by clones).
    server_release: Arc<RwLock<Option<Release>>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("idle_limit", &self.idle_limit)
            .finish()
    }
}

impl Client {
    /// A client for `base_url` (scheme, host, port and any API prefix), with a 64 MiB response
    /// limit, a 30 s connect timeout, and a 30 s total timeout on each `send`
    /// ([`DEFAULT_TIMEOUT`]); streams have no total timeout.
    pub fn new(base_url: impl Into<String>) -> Result<Self, IntoRequestError> {
        let http = reqwest::Client::builder()
            .connect_timeout(DEFAULT_TIMEOUT)
            .build()
            .map_err(|e| IntoRequestError::Invalid(format!("HTTP client: {e}")))?;
        Ok(Self::with_http_client(http, base_url).with_timeout(DEFAULT_TIMEOUT))
    }

    /// A client using a preconfigured `reqwest::Client`, whose timeouts apply to `send` unless
    /// [`with_timeout`](Self::with_timeout) sets one. Streams are never cut by its total
    /// timeout (their requests carry their own); its connect and read timeouts apply to them.
    pub fn with_http_client(http: reqwest::Client, base_url: impl Into<String>) -> Self {
        Self {
            http,
            base_url: base_url.into(),
            headers: Vec::new(),
            max_body: 64 * 1024 * 1024,
            timeout: None,
            idle_limit: None,
            server_release: Arc::new(RwLock::new(None)),
        }
    }

    /// Sets the total timeout of each [`send`](Self::send) (and [`send_raw`](Self::send_raw)),
    /// from connecting to the answer's last byte. Streams are not bound by it.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Ends a stream ([`stream`](Self::stream), [`Reconnecting`]) that receives nothing for
    /// `limit`: no answer to the request ([`ClientError::Idle`]), then no bytes at all, not even
    /// a keep-alive ([`StreamError::Idle`]). Without it, a stream waits for as long as the
    /// connection lives.
    ///
    /// Set it only for an upstream that sends keep-alives (SSE comments, WebSocket pings) more
    /// often than `limit`, or items at a known rate (the kernel's status stream, at its
    /// `interval`). A NodePass master sends none: with every instance stopped it is silent for
    /// as long as nothing happens, and that is no fault.
    ///
    /// ```
    /// use std::time::Duration;
    /// use nodewire_common::client::Client;
    /// let client = Client::new("http://127.0.0.1:8080")?
    ///     .with_stream_idle_limit(Duration::from_secs(45));
    /// # Ok::<(), nodewire_common::IntoRequestError>(())
    /// ```
    pub fn with_stream_idle_limit(mut self, limit: Duration) -> Self {
        self.idle_limit = Some(limit);
        self
    }

    /// Adds a header sent with every call (an auth key, say). The value is marked sensitive.
    pub fn with_header(mut self, name: &str, value: Secret) -> Result<Self, IntoRequestError> {
        let name = HeaderName::try_from(name)
            .map_err(|e| IntoRequestError::Invalid(format!("header name `{name}`: {e}")))?;
        let mut value = HeaderValue::try_from(value.expose())
            .map_err(|e| IntoRequestError::Invalid(format!("header `{name}`: {e}")))?;
        value.set_sensitive(true);
        self.headers.push((name, value));
        Ok(self)
    }

    /// A client for `base_url` that sends `key`, when given, in the header `name` with every
    /// call (marked sensitive, as [`with_header`](Self::with_header) does). Unlike
    /// [`new`](Self::new), the base URL is checked now rather than at the first call: an
    /// absolute `http://` or `https://` URL with no query or fragment
    /// ([`IntoRequestError::BaseUrl`] says what is wrong). A key no server could ever match,
    /// empty or with a byte outside visible ASCII, space and tab, is
    /// [`IntoRequestError::Invalid`] (the message names the header, never the key). Each
    /// protocol crate's `client` constructor (`Telemt::client`, `NodePass::client`, …) is
    /// this call with its header.
    ///
    /// ```
    /// use nodewire_common::{IntoRequestError, Secret, client::Client};
    /// let client = Client::authenticated("http://127.0.0.1:9091", "authorization", Some(Secret::new("k")))?;
    /// assert!(client.header("Authorization").is_some_and(|v| v.is_sensitive()));
    /// let err = Client::authenticated("127.0.0.1:9091", "authorization", None).unwrap_err();
    /// assert!(matches!(err, IntoRequestError::BaseUrl { .. }), "{err}");
    /// let err = Client::authenticated("http://h:1", "x-api-key", Some(Secret::new(""))).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid request: the `x-api-key` value is empty or not visible ASCII, so the server can never match it"
    /// );
    /// # Ok::<(), IntoRequestError>(())
    /// ```
    pub fn authenticated(
        base_url: impl Into<String>,
        name: &str,
        key: Option<Secret>,
    ) -> Result<Self, IntoRequestError> {
        let base_url = base_url.into();
        crate::endpoint::parse_base_url(&base_url)?;
        let client = Self::new(base_url)?;
        match key {
            Some(key) if !is_header_text(key.expose()) => Err(IntoRequestError::Invalid(format!(
                "the `{name}` value is empty or not visible ASCII, so the server can never match it"
            ))),
            Some(key) => client.with_header(name, key),
            None => Ok(client),
        }
    }

    /// The value of a header this client adds to every call
    /// ([`with_header`](Self::with_header)), if set. It is marked sensitive, so its `Debug`
    /// prints `Sensitive`; its bytes are the secret as sent.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .rev()
            .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// Sets the largest response body accepted.
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Records the server's release (read from the upstream's version route), shared by every
    /// clone of this client. From then on, a call to a route newer than the server fails with
    /// [`ClientError::RouteNotInRelease`] without being sent.
    pub fn note_server_release(&self, release: Release) {
        let mut slot = self
            .server_release
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *slot = Some(release);
    }

    /// The server's release, when recorded.
    pub fn server_release(&self) -> Option<Release> {
        self.server_release
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Sends one call and decodes the answer, within the client's total timeout
    /// ([`with_timeout`](Self::with_timeout)).
    ///
    /// Only routes answered with one response ([`Endpoint::Exchange`] is
    /// [`Unary`](crate::endpoint::Unary)) can be sent: a stream route is refused at compile
    /// time, and opened with [`stream`](Self::stream). Generic code over sendable endpoints
    /// bounds them with `E: Endpoint<Exchange = Unary>`.
    ///
    /// A route the endpoint declares as added in some release ([`Endpoint::HISTORY`]) that the
    /// server answers with its "route not found" failure gives
    /// [`ClientError::RouteNotInRelease`], naming the release it needs (and the server's, when
    /// recorded with [`note_server_release`](Self::note_server_release)).
    pub async fn send<E>(
        &self,
        endpoint: &E,
    ) -> Result<
        <E::Protocol as Protocol>::Success<E::Response>,
        ClientError<<E::Protocol as Protocol>::Failure>,
    >
    where
        E: Endpoint,
        E::Exchange: OneAnswer<E>,
    {
        let response = self.exchange(endpoint).await?;
        E::try_from_http_response(&response).map_err(ClientError::Api)
    }

    /// Sends `endpoint` and returns the raw answer, after the release checks of
    /// [`send`](Self::send) on both sides.
    async fn exchange<E: Endpoint>(
        &self,
        endpoint: &E,
    ) -> Result<http::Response<Bytes>, ClientError<<E::Protocol as Protocol>::Failure>> {
        self.check_release::<E>()?;
        let response = self
            .send_raw(endpoint.try_into_http_request(&self.base_url)?)
            .await?;
        self.check_route_found::<E>(&response)?;
        Ok(response)
    }

    /// Refuses a route newer than the server's recorded release.
    fn check_release<E: Endpoint>(
        &self,
    ) -> Result<(), ClientError<<E::Protocol as Protocol>::Failure>> {
        let server = self.server_release();
        if let Some(release) = &server
            && let VersioningDecision::Unsupported { added } = E::HISTORY.decision_for(release)
        {
            return Err(ClientError::RouteNotInRelease {
                route: format!("{} {}", E::METADATA.method, E::METADATA.path),
                added,
                server,
            });
        }
        Ok(())
    }

    /// Maps the upstream's "route not found" answer to a route that declares its release.
    fn check_route_found<E: Endpoint>(
        &self,
        response: &http::Response<Bytes>,
    ) -> Result<(), ClientError<<E::Protocol as Protocol>::Failure>> {
        if let Some(added) = E::HISTORY.added
            && <E::Protocol as Protocol>::is_route_not_found(response.status(), response.body())
        {
            return Err(ClientError::RouteNotInRelease {
                route: format!("{} {}", E::METADATA.method, E::METADATA.path),
                added,
                server: self.server_release(),
            });
        }
        Ok(())
    }

    /// Adds the client's headers to a request.
    fn apply_headers(&self, request: &mut http::Request<Bytes>) {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name.clone(), value.clone());
        }
    }

    /// Sends a prepared request with the client's headers, within its total timeout, and
    /// returns the raw response, read whole.
    pub async fn send_raw<F: std::error::Error + 'static>(
        &self,
        mut request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, ClientError<F>> {
        self.apply_headers(&mut request);
        let mut request = reqwest::Request::try_from(request)?;
        if let Some(timeout) = self.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        let response = self.http.execute(request).await?;
        self.read_response(response).await
    }

    /// Reads a whole response, within the body limit.
    async fn read_response<F: std::error::Error + 'static>(
        &self,
        mut response: reqwest::Response,
    ) -> Result<http::Response<Bytes>, ClientError<F>> {
        let mut builder = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > self.max_body {
                return Err(ClientError::TooLarge(self.max_body));
            }
            body.extend_from_slice(&chunk);
        }
        builder
            .body(Bytes::from(body))
            .map_err(|e| ClientError::Request(IntoRequestError::Http(e)))
    }
}
