//! A master's `/events`, followed across disconnects by the contract's rules (feature
//! `client`).

use std::collections::BTreeSet;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use futures_util::StreamExt;
use nodewire_common::client::{Client, ClientError, Items, StreamError};
use nodewire_common::{DecodeError, Secret};

use super::{Disconnect, EventType, InstanceEvent, Next, Reconnect};
use crate::Error;
use crate::endpoints::{ListInstances, SubscribeEvents};
use crate::instances::{Instance, InstanceStatus};

/// What a [`Follow`] yields.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Change {
    /// The stream opened (the first time, or again after a disconnect), and `GET /instances`,
    /// read right after it opened, gave these instances (the API-key instance included):
    /// replace what you hold with them. The events that follow are newer than the stream's
    /// opening, so applying them in order keeps the copy equal to the master's.
    Connected(Vec<Instance>),
    /// One event, in the master's order (the `initial` burst first).
    Event(Box<InstanceEvent>),
    /// The stream ended or could not be opened; the next attempt comes after `after`.
    Disconnected {
        /// Why.
        why: Disconnect,
        /// The delay before the next attempt.
        after: Duration,
        /// What failed, for logs.
        detail: String,
    },
}

/// A follow that ended, or one event that could not be used.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum FollowError {
    /// The master answers `401`: the key is wrong, or it was regenerated (the master then
    /// sends `shutdown`, closes every stream and refuses the old key). The follow ends here.
    #[error("the master refuses the API key; a new key is needed")]
    KeyRefused {
        /// The new key, when the stream announced it before closing (v2 masters send the
        /// API-key instance's `update`, whose `url` is the new key, before `shutdown`).
        announced: Option<Secret>,
    },
    /// One event did not decode; it is skipped and the stream goes on.
    #[error("event skipped: {0}")]
    Event(DecodeError),
}

impl FollowError {
    /// Whether the follow ended with this error ([`FollowError::KeyRefused`]).
    pub fn is_fatal(&self) -> bool {
        matches!(self, Self::KeyRefused { .. })
    }
}

/// Follows a master's `/events` with the client's key: connects, re-reads `GET /instances`
/// after every connect, yields the events in order, and reconnects by [`Reconnect`]'s rules
/// (the stream's `retry:`, doubling on consecutive failures; a silent connection with running
/// instances counts as dead). It ends after [`FollowError::KeyRefused`].
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use futures_util::StreamExt;
/// use nodewire_common::{Secret, client::Client};
/// use nodewire_nodepass::events::{Change, Follow};
/// let client = Client::new("http://127.0.0.1:9090/api/v1")?
///     .with_header(nodewire_nodepass::AUTH_HEADER, Secret::new("0123456789abcdef0123456789abcdef"))?;
/// let mut follow = Follow::new(client);
/// while let Some(change) = follow.next().await {
///     match change? {
///         Change::Connected(instances) => println!("{} instances", instances.len()),
///         Change::Event(event) => println!("{}", event.kind),
///         Change::Disconnected { why, after, .. } => println!("{why:?}, again in {after:?}"),
///         _ => {}
///     }
/// }
/// # Ok(()) }
/// ```
pub struct Follow {
    inner: Pin<Box<dyn Stream<Item = Result<Change, FollowError>> + Send>>,
}

impl std::fmt::Debug for Follow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Follow").finish_non_exhaustive()
    }
}

impl Follow {
    /// Follows the master `client` points at, with the default rules.
    pub fn new(client: Client) -> Self {
        Self::with_rules(client, Reconnect::default())
    }

    /// Follows with the given rules.
    pub fn with_rules(client: Client, rules: Reconnect) -> Self {
        let state = State {
            client,
            rules,
            items: None,
            running: BTreeSet::new(),
            current_key: None,
            announced: None,
            shutdown_seen: false,
            wait: None,
            done: false,
        };
        Self {
            inner: Box::pin(futures_util::stream::unfold(state, step)),
        }
    }
}

impl Stream for Follow {
    type Item = Result<Change, FollowError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

struct State {
    client: Client,
    rules: Reconnect,
    items: Option<Items<SubscribeEvents>>,
    /// The running instances (not the API-key one): the silence rule applies while any runs.
    running: BTreeSet<String>,
    /// The key the API-key instance showed when the stream opened.
    current_key: Option<Secret>,
    /// A different key the stream announced since.
    announced: Option<Secret>,
    shutdown_seen: bool,
    wait: Option<Duration>,
    done: bool,
}

async fn step(mut state: State) -> Option<(Result<Change, FollowError>, State)> {
    if state.done {
        return None;
    }
    if let Some(wait) = state.wait.take() {
        tokio::time::sleep(wait).await;
    }
    let Some(items) = &mut state.items else {
        let change = state.connect().await;
        return Some((change, state));
    };
    let limit = state.rules.silence_limit(!state.running.is_empty());
    let next = match limit {
        Some(limit) => match tokio::time::timeout(limit, items.next()).await {
            Ok(next) => next,
            Err(_) => {
                let detail = format!("no event for {limit:?} while instances run");
                let change = state.disconnect(Disconnect::Silent, detail);
                return Some((change, state));
            }
        },
        None => items.next().await,
    };
    if let Some(retry) = items.retry() {
        state.rules.set_retry(retry);
    }
    let change = match next {
        Some(Ok(event)) => {
            state.rules.connected();
            state.observe(&event);
            Ok(Change::Event(Box::new(event)))
        }
        Some(Err(StreamError::Decode(e))) => Err(FollowError::Event(e)),
        Some(Err(e)) => state.disconnect(Disconnect::Failed, e.to_string()),
        None if state.shutdown_seen => state.disconnect(
            Disconnect::Shutdown,
            "the master sent `shutdown`".to_owned(),
        ),
        None => state.disconnect(
            Disconnect::Closed,
            "the master closed the stream".to_owned(),
        ),
    };
    Some((change, state))
}

impl State {
    async fn connect(&mut self) -> Result<Change, FollowError> {
        self.shutdown_seen = false;
        // The stream first, then the list: whatever changes after the list was read arrives
        // as an event behind it.
        let items = match self.client.stream(&SubscribeEvents).await {
            Ok(items) => items,
            Err(e) => return self.failed(&e),
        };
        let instances = match self.client.send(&ListInstances).await {
            Ok(instances) => instances,
            Err(e) => return self.failed(&e),
        };
        self.items = Some(items);
        self.rules.connected();
        self.running.clear();
        for instance in &instances {
            self.track(instance, false);
        }
        Ok(Change::Connected(instances))
    }

    fn failed(&mut self, error: &ClientError<Error>) -> Result<Change, FollowError> {
        let why = match error {
            ClientError::Api(e) if e.is_unauthorized() => Disconnect::Unauthorized,
            _ => Disconnect::Failed,
        };
        self.disconnect(why, error.to_string())
    }

    fn disconnect(&mut self, why: Disconnect, detail: String) -> Result<Change, FollowError> {
        self.items = None;
        match self.rules.next(why) {
            Next::NewKeyNeeded => {
                self.done = true;
                Err(FollowError::KeyRefused {
                    announced: self.announced.take(),
                })
            }
            Next::Reconnect { after } => {
                self.wait = Some(after);
                Ok(Change::Disconnected { why, after, detail })
            }
        }
    }

    fn observe(&mut self, event: &InstanceEvent) {
        match (&event.kind, &event.instance) {
            (EventType::Shutdown, _) => self.shutdown_seen = true,
            (EventType::Delete, Some(instance)) => {
                self.running.remove(instance.id.as_str());
            }
            (kind, Some(instance)) => self.track(instance, *kind != EventType::Initial),
            (_, None) => {}
        }
    }

    /// Notes an instance's state; `live` for changes after the stream opened.
    fn track(&mut self, instance: &Instance, live: bool) {
        if instance.is_api_key() {
            let key = instance.url.as_str();
            match &self.current_key {
                Some(current) if live && !current.ct_eq_str(key) => {
                    self.announced = Some(Secret::new(key));
                }
                Some(_) => {}
                None => self.current_key = Some(Secret::new(key)),
            }
            return;
        }
        let id = instance.id.as_str().to_owned();
        if instance.status == InstanceStatus::Running {
            self.running.insert(id);
        } else {
            self.running.remove(&id);
        }
    }
}
