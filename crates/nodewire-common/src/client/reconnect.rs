//! [`Reconnecting`]: a stream endpoint followed across disconnects by the Server-Sent Events
//! rules.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;

use super::stream::{DEFAULT_RETRY, Failure, error_text};
use super::{Client, ClientError, Items, Open, StreamError};
use crate::error::DecodeError;
use crate::stream::StreamEndpoint;

/// What a [`Reconnecting`] stream yields.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Update<T> {
    /// A connection opened: the first one, or a new one after a disconnect (items sent in
    /// between are lost unless the server resumes from `Last-Event-ID`).
    Connected,
    /// One item.
    Item(T),
    /// One frame that did not decode; the stream goes on.
    Skipped(DecodeError),
    /// The connection ended or could not be opened; the next attempt comes after `retry_in`.
    Disconnected {
        /// What ended it (a clean close reads as a connection closed by the server).
        reason: StreamError,
        /// The delay before the next attempt.
        retry_in: Duration,
    },
}

type Step<E> = Result<Update<<E as StreamEndpoint>::Item>, ClientError<Failure<E>>>;

/// A stream endpoint followed across disconnects, as an `EventSource` does: after the
/// stream ends or the connection fails, it waits the server's `retry:` (else a default of
/// [`DEFAULT_RETRY`]) and opens again, with `Last-Event-ID` once the server sent an id. A
/// refusal (the server answers with a failure rather than a stream) ends it with that error,
/// as it would end an `EventSource`; a network failure (a server restarting) or a silence
/// past the client's stream idle limit is retried.
///
/// ```no_run
/// # use nodewire_common::client::{Client, Reconnecting, Update};
/// # use nodewire_common::stream::StreamEndpoint;
/// # async fn demo<E>(client: Client, endpoint: E)
/// # where E: StreamEndpoint + Clone + Send + Sync + 'static, E::Item: Send + std::fmt::Debug,
/// #     <E::Protocol as nodewire_common::Protocol>::Failure: Send,
/// #     E::Transport: nodewire_common::client::Open {
/// use futures_util::StreamExt;
/// let mut stream = Reconnecting::new(client, endpoint);
/// while let Some(Ok(update)) = stream.next().await {
///     if let Update::Item(item) = update {
///         println!("{item:?}");
///     }
/// }
/// # }
/// ```
pub struct Reconnecting<E: StreamEndpoint> {
    inner: Option<Pin<Box<dyn Stream<Item = Step<E>> + Send>>>,
    retry: Duration,
    seed: Option<(Client, E)>,
}

impl<E: StreamEndpoint> std::fmt::Debug for Reconnecting<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reconnecting")
            .field("endpoint", &E::METADATA.name)
            .finish()
    }
}

struct Follow<E: StreamEndpoint> {
    client: Client,
    endpoint: E,
    retry: Duration,
    last_event_id: Option<String>,
    items: Option<Items<E>>,
    wait: Option<Duration>,
    done: bool,
}

impl<E> Reconnecting<E>
where
    E: StreamEndpoint + Send + Sync + 'static,
    E::Item: Send,
    E::Transport: Open,
    Failure<E>: Send,
{
    /// Follows `endpoint` with `client`.
    pub fn new(client: Client, endpoint: E) -> Self {
        Self {
            inner: None,
            retry: DEFAULT_RETRY,
            seed: Some((client, endpoint)),
        }
    }

    /// The delay used until the server sends `retry:` (by default [`DEFAULT_RETRY`]).
    pub fn with_retry(mut self, retry: Duration) -> Self {
        self.retry = retry;
        self
    }
}

impl<E: StreamEndpoint> Follow<E> {
    /// The next attempt waits the current retry delay.
    fn retry_after(&mut self, reason: StreamError) -> Update<E::Item> {
        let retry_in = self.retry;
        self.wait = Some(retry_in);
        Update::Disconnected { reason, retry_in }
    }
}

async fn step<E>(mut state: Follow<E>) -> Option<(Step<E>, Follow<E>)>
where
    E: StreamEndpoint,
    E::Transport: Open,
{
    use futures_util::StreamExt;
    if state.done {
        return None;
    }
    if let Some(wait) = state.wait.take() {
        tokio::time::sleep(wait).await;
    }
    let Some(items) = &mut state.items else {
        return match state
            .client
            .open_stream(&state.endpoint, state.last_event_id.as_deref())
            .await
        {
            Ok(items) => {
                state.items = Some(items);
                Some((Ok(Update::Connected), state))
            }
            Err(ClientError::Transport(e)) => {
                let reason = StreamError::Connection(error_text(&e));
                Some((Ok(state.retry_after(reason)), state))
            }
            Err(ClientError::Idle(limit)) => {
                Some((Ok(state.retry_after(StreamError::Idle(limit))), state))
            }
            Err(e) => {
                state.done = true;
                Some((Err(e), state))
            }
        };
    };
    let next = items.next().await;
    if let Some(retry) = items.retry() {
        state.retry = retry;
    }
    if let Some(id) = items.last_event_id() {
        state.last_event_id = Some(id.to_owned());
    }
    let update = match next {
        Some(Ok(item)) => Update::Item(item),
        Some(Err(StreamError::Decode(e))) => Update::Skipped(e),
        Some(Err(reason)) => {
            state.items = None;
            state.retry_after(reason)
        }
        None => {
            state.items = None;
            state.retry_after(StreamError::Connection("closed by the server".to_owned()))
        }
    };
    Some((Ok(update), state))
}

impl<E> Stream for Reconnecting<E>
where
    E: StreamEndpoint + Send + Sync + 'static,
    E::Item: Send,
    E::Transport: Open,
    Failure<E>: Send,
{
    type Item = Step<E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some((client, endpoint)) = this.seed.take() {
            let state = Follow {
                client,
                endpoint,
                retry: this.retry,
                last_event_id: None,
                items: None,
                wait: None,
                done: false,
            };
            this.inner = Some(Box::pin(futures_util::stream::unfold(state, step)));
        }
        match &mut this.inner {
            Some(inner) => inner.as_mut().poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}

// No field is pinned: the inner stream is boxed.
impl<E: StreamEndpoint> Unpin for Reconnecting<E> {}
