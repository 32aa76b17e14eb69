//! [`Client::stream`]: opens a [`StreamEndpoint`] with the client's headers and yields its typed
//! items as they arrive.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use http::{HeaderName, HeaderValue, header};

use super::{Client, ClientError};
use crate::endpoint::{Endpoint, Protocol};
use crate::error::{DecodeError, IntoRequestError};
use crate::sse;
use crate::stream::{Frame, Sse, StreamEndpoint, Transport, TransportKind};

/// A stream has no total timeout, not even one set on a supplied `reqwest::Client`: its
/// request carries this one, which replaces the client's, instead.
const STREAM_TIMEOUT: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// The delay before reconnecting when the server sent no `retry:` (what browsers use).
pub const DEFAULT_RETRY: Duration = Duration::from_secs(3);

pub(super) type Failure<E> = <<E as Endpoint>::Protocol as Protocol>::Failure;

/// A stream that broke, or one frame that did not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The connection failed or was cut: the stream ends. An event it cut in half is dropped,
    /// never yielded.
    #[error("stream connection: {0}")]
    Connection(String),
    /// An SSE line or event exceeded the limit (the client's body limit): the stream ends.
    #[error(transparent)]
    TooLong(sse::Error),
    /// The WebSocket broke its protocol or a message exceeded the limit: the stream ends.
    #[error("websocket: {0}")]
    WebSocket(String),
    /// Nothing arrived, not even a keep-alive, for the client's stream idle limit
    /// ([`Client::with_stream_idle_limit`]): the stream ends.
    #[error("the stream sent nothing for {0:?}")]
    Idle(Duration),
    /// One frame did not decode as the endpoint's item: it is skipped, the stream goes on.
    #[error("stream item: {0}")]
    Decode(DecodeError),
}

impl StreamError {
    /// Whether the stream ended with this error (everything but [`StreamError::Decode`]).
    pub fn is_fatal(&self) -> bool {
        !matches!(self, Self::Decode(_))
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::stream::Sse {}
    #[cfg(feature = "websocket")]
    impl Sealed for crate::stream::WebSocket {}
}

/// The transports this build of the client can open: [`Sse`] always,
/// [`WebSocket`](crate::stream::WebSocket) with the `websocket` feature.
pub trait Open: Transport + sealed::Sealed {}

impl Open for Sse {}

#[cfg(feature = "websocket")]
impl Open for crate::stream::WebSocket {}

/// Why opening failed before the endpoint's protocol could read an answer.
enum OpenError {
    Request(IntoRequestError),
    Transport(reqwest::Error),
    TooLarge(usize),
    NotAStream(String),
    Idle(Duration),
}

impl<F: std::error::Error + 'static> From<OpenError> for ClientError<F> {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::Request(e) => Self::Request(e),
            OpenError::Transport(e) => Self::Transport(e),
            OpenError::TooLarge(n) => Self::TooLarge(n),
            OpenError::NotAStream(text) => Self::NotAStream(text),
            OpenError::Idle(limit) => Self::Idle(limit),
        }
    }
}

impl From<reqwest::Error> for OpenError {
    fn from(e: reqwest::Error) -> Self {
        Self::Transport(e)
    }
}

/// The server's answer to an open: a stream, or a refusal to decode with the protocol.
enum Opened {
    Source(Source),
    Refused(http::Response<Bytes>),
}

impl Client {
    /// Opens a stream endpoint with the client's headers (the API key and the like) and
    /// yields its items as they arrive: SSE events are decoded incrementally, whatever the
    /// chunk boundaries, and only whole events are yielded; WebSocket text and binary
    /// messages are yielded one by one (pings are answered).
    ///
    /// The stream has no total timeout: it ends when the server closes it, after an item the
    /// endpoint marks as last ([`StreamEndpoint::ends_stream`]), after a fatal
    /// [`StreamError`], or, with an idle limit
    /// ([`with_stream_idle_limit`](Self::with_stream_idle_limit)), after that long without a
    /// byte. A refusal is decoded
    /// as the protocol's failure ([`ClientError::Api`]), like [`send`](Self::send): a NodePass
    /// master that regenerated its key sends `shutdown`, closes the stream, and refuses the
    /// old key with `401` from then on.
    ///
    /// ```no_run
    /// # use nodewire_common::client::{Client, ClientError};
    /// # use nodewire_common::stream::StreamEndpoint;
    /// # async fn demo<E>(client: Client, endpoint: E) -> Result<(), Box<dyn std::error::Error>>
    /// # where E: StreamEndpoint, E::Item: std::fmt::Debug,
    /// #     <E::Protocol as nodewire_common::Protocol>::Failure: Send + Sync,
    /// #     E::Transport: nodewire_common::client::Open {
    /// use futures_util::StreamExt;
    /// let mut items = client.stream(&endpoint).await?;
    /// while let Some(item) = items.next().await {
    ///     match item {
    ///         Ok(item) => println!("{item:?}"),
    ///         Err(e) if e.is_fatal() => return Err(e.into()),
    ///         Err(e) => eprintln!("skipped: {e}"),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn stream<E>(&self, endpoint: &E) -> Result<Items<E>, ClientError<Failure<E>>>
    where
        E: StreamEndpoint,
        E::Transport: Open,
    {
        self.open_stream(endpoint, None).await
    }

    /// [`stream`](Self::stream), sending `Last-Event-ID` when given.
    pub(super) async fn open_stream<E>(
        &self,
        endpoint: &E,
        last_event_id: Option<&str>,
    ) -> Result<Items<E>, ClientError<Failure<E>>>
    where
        E: StreamEndpoint,
        E::Transport: Open,
    {
        self.check_release::<E>()?;
        let mut request = endpoint.try_into_http_request(&self.base_url)?;
        if let Some(value) = last_event_id.and_then(|id| HeaderValue::from_str(id).ok()) {
            request
                .headers_mut()
                .insert(HeaderName::from_static("last-event-id"), value);
        }
        self.apply_headers(&mut request);
        let opened = match <E::Transport as Transport>::KIND {
            TransportKind::Sse => self.open_sse(request).await?,
            TransportKind::WebSocket => self.open_websocket(request).await?,
        };
        match opened {
            Opened::Source(source) => Ok(Items::new(source, self.idle_limit)),
            Opened::Refused(response) => {
                self.check_route_found::<E>(&response)?;
                match E::try_from_http_response(&response) {
                    Err(failure) => Err(ClientError::Api(failure)),
                    Ok(_) => Err(ClientError::NotAStream(format!(
                        "the server answered {}",
                        response.status()
                    ))),
                }
            }
        }
    }

    async fn open_sse(&self, mut request: http::Request<Bytes>) -> Result<Opened, OpenError> {
        let headers = request.headers_mut();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        let mut request = reqwest::Request::try_from(request)?;
        *request.timeout_mut() = Some(STREAM_TIMEOUT);
        let response = self
            .within_idle_limit(async { Ok(self.http.execute(request).await?) })
            .await?;
        if !response.status().is_success() {
            return self.within_idle_limit(self.refused(response)).await;
        }
        // A peer that names no type is taken at its word; one that names another type is not
        // an event stream.
        if let Some(kind) = response.headers().get(header::CONTENT_TYPE) {
            let essence = kind
                .to_str()
                .unwrap_or_default()
                .split(';')
                .next()
                .unwrap_or_default()
                .trim();
            if !essence.eq_ignore_ascii_case("text/event-stream") {
                return Err(OpenError::NotAStream(format!(
                    "the server answered {} with `{essence}`, not `text/event-stream`",
                    response.status()
                )));
            }
        }
        Ok(Opened::Source(Source::Sse(Box::new(SseBody {
            state: BodyState::Idle(response),
            decoder: sse::Decoder::with_limit(self.max_body),
        }))))
    }

    #[cfg(feature = "websocket")]
    async fn open_websocket(&self, request: http::Request<Bytes>) -> Result<Opened, OpenError> {
        ws::open(self, request).await
    }

    #[cfg(not(feature = "websocket"))]
    async fn open_websocket(&self, _request: http::Request<Bytes>) -> Result<Opened, OpenError> {
        Err(OpenError::NotAStream(
            "WebSocket streams need the `websocket` feature".to_owned(),
        ))
    }

    /// Runs one step of opening a stream within the idle limit, if one is set.
    async fn within_idle_limit<T>(
        &self,
        step: impl Future<Output = Result<T, OpenError>>,
    ) -> Result<T, OpenError> {
        match self.idle_limit {
            Some(limit) => tokio::time::timeout(limit, step)
                .await
                .map_err(|_| OpenError::Idle(limit))?,
            None => step.await,
        }
    }

    async fn refused(&self, response: reqwest::Response) -> Result<Opened, OpenError> {
        match self
            .read_response::<std::convert::Infallible>(response)
            .await
        {
            Ok(response) => Ok(Opened::Refused(response)),
            Err(ClientError::Transport(e)) => Err(OpenError::Transport(e)),
            Err(ClientError::TooLarge(n)) => Err(OpenError::TooLarge(n)),
            Err(ClientError::Request(e)) => Err(OpenError::Request(e)),
            Err(other) => Err(OpenError::NotAStream(other.to_string())),
        }
    }
}

impl From<IntoRequestError> for OpenError {
    fn from(e: IntoRequestError) -> Self {
        Self::Request(e)
    }
}

/// Where frames come from.
enum Source {
    Sse(Box<SseBody>),
    #[cfg(feature = "websocket")]
    WebSocket(Box<ws::Body>),
}

/// What one read gave (frames: possibly none, for a keep-alive).
enum Read {
    Frames(Vec<Frame>),
    End,
    Failed(StreamError),
}

type ChunkFuture =
    Pin<Box<dyn Future<Output = (reqwest::Response, reqwest::Result<Option<Bytes>>)> + Send>>;

enum BodyState {
    Idle(reqwest::Response),
    Reading(ChunkFuture),
    Gone,
}

struct SseBody {
    state: BodyState,
    decoder: sse::Decoder,
}

impl SseBody {
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<reqwest::Result<Option<Bytes>>> {
        loop {
            match std::mem::replace(&mut self.state, BodyState::Gone) {
                BodyState::Idle(mut response) => {
                    self.state = BodyState::Reading(Box::pin(async move {
                        let chunk = response.chunk().await;
                        (response, chunk)
                    }));
                }
                BodyState::Reading(mut future) => match future.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.state = BodyState::Reading(future);
                        return Poll::Pending;
                    }
                    Poll::Ready((response, chunk)) => {
                        self.state = BodyState::Idle(response);
                        return Poll::Ready(chunk);
                    }
                },
                BodyState::Gone => return Poll::Ready(Ok(None)),
            }
        }
    }

    fn poll_read(&mut self, cx: &mut Context<'_>) -> Poll<Read> {
        let read = match std::task::ready!(self.poll_chunk(cx)) {
            Ok(Some(chunk)) => match self.decoder.try_push(&chunk) {
                Ok(events) => Read::Frames(events.into_iter().map(Frame::Event).collect()),
                Err(e) => Read::Failed(StreamError::TooLong(e)),
            },
            Ok(None) => {
                let events = self.decoder.finish();
                if events.is_empty() {
                    Read::End
                } else {
                    self.state = BodyState::Gone;
                    Read::Frames(events.into_iter().map(Frame::Event).collect())
                }
            }
            // The decoder holds a cut-off event until a blank line that never comes: it is
            // dropped with the decoder.
            Err(e) => Read::Failed(StreamError::Connection(error_text(&e))),
        };
        Poll::Ready(read)
    }
}

/// An error with its causes, one line.
pub(super) fn error_text(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl Source {
    fn poll_read(&mut self, cx: &mut Context<'_>) -> Poll<Read> {
        match self {
            Self::Sse(body) => body.poll_read(cx),
            #[cfg(feature = "websocket")]
            Self::WebSocket(body) => body.poll_read(cx),
        }
    }
}

/// The deadline of a stream with an idle limit, moved on by every read.
struct IdleDeadline {
    limit: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl IdleDeadline {
    fn new(limit: Duration) -> Self {
        Self {
            limit,
            sleep: Box::pin(tokio::time::sleep(limit)),
        }
    }

    fn reset(&mut self) {
        // A limit too long to add to now never comes: the old, as distant, deadline stays.
        if let Some(at) = tokio::time::Instant::now().checked_add(self.limit) {
            self.sleep.as_mut().reset(at);
        }
    }
}

/// The typed items of one open stream ([`Client::stream`]): a `futures` [`Stream`] of
/// `Result<E::Item, StreamError>`.
pub struct Items<E: StreamEndpoint> {
    source: Option<Source>,
    pending: VecDeque<Result<E::Item, StreamError>>,
    retry: Option<u64>,
    last_event_id: Option<String>,
    idle: Option<IdleDeadline>,
}

impl<E: StreamEndpoint> std::fmt::Debug for Items<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("endpoint", &E::METADATA.name)
            .field("open", &self.source.is_some())
            .field("pending", &self.pending.len())
            .field("retry", &self.retry)
            .field("last_event_id", &self.last_event_id)
            .field("idle_limit", &self.idle.as_ref().map(|idle| idle.limit))
            .finish()
    }
}

// No field is pinned: the source's futures and the idle timer are boxed.
impl<E: StreamEndpoint> Unpin for Items<E> {}

impl<E: StreamEndpoint> Items<E> {
    fn new(source: Source, idle_limit: Option<Duration>) -> Self {
        Self {
            source: Some(source),
            pending: VecDeque::new(),
            retry: None,
            last_event_id: None,
            idle: idle_limit.map(IdleDeadline::new),
        }
    }

    /// The server's `retry:` (SSE), the delay it asks for before a reconnect.
    pub fn retry(&self) -> Option<Duration> {
        self.retry.map(Duration::from_millis)
    }

    /// The id of the last whole event (SSE), to resume from with `Last-Event-ID`.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// Whether the connection is still open (items may still be buffered after it closed).
    pub fn is_open(&self) -> bool {
        self.source.is_some()
    }

    /// Ends the stream: a WebSocket is closed with a close frame, an SSE response dropped.
    pub async fn close(mut self) {
        #[cfg(feature = "websocket")]
        if let Some(Source::WebSocket(body)) = self.source.take() {
            body.close().await;
        }
        self.source = None;
    }

    fn take_frames(&mut self, frames: Vec<Frame>) {
        if let Some(Source::Sse(body)) = &self.source {
            self.retry = body.decoder.retry();
        }
        for frame in frames {
            // The id of the last whole event: an `id:` in an event cut off does not count.
            if let Frame::Event(event) = &frame
                && event.id.is_some()
            {
                self.last_event_id.clone_from(&event.id);
            }
            let item = E::decode_frame(frame).map_err(StreamError::Decode);
            let last = item.as_ref().is_ok_and(|item| E::ends_stream(item));
            self.pending.push_back(item);
            if last {
                self.source = None;
                return;
            }
        }
    }
}

impl<E: StreamEndpoint> Stream for Items<E> {
    type Item = Result<E::Item, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.pending.pop_front() {
                return Poll::Ready(Some(item));
            }
            let Some(source) = &mut this.source else {
                return Poll::Ready(None);
            };
            let read = match source.poll_read(cx) {
                Poll::Ready(read) => read,
                Poll::Pending => {
                    if let Some(idle) = &mut this.idle
                        && idle.sleep.as_mut().poll(cx).is_ready()
                    {
                        this.source = None;
                        return Poll::Ready(Some(Err(StreamError::Idle(idle.limit))));
                    }
                    return Poll::Pending;
                }
            };
            if let Some(idle) = &mut this.idle {
                idle.reset();
            }
            match read {
                Read::Frames(frames) => this.take_frames(frames),
                Read::End => this.source = None,
                Read::Failed(error) => {
                    this.source = None;
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }
}

#[cfg(feature = "websocket")]
mod ws;
