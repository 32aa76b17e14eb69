//! The open streams: SSE bodies and WebSocket connections, fed from the mock's status frames
//! and the events it publishes. What to send is the mock's ([`SseStream`], [`WsStream`]);
//! this only moves the text.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body as AxumBody;
use axum::extract::FromRequestParts;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::StreamExt;
use http::{HeaderValue, header};
use nodewire_kernel::mock::{SseStream, WsStream};
use nodewire_kernel::streams::EventEnvelope;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;
use tokio::time::{Interval, MissedTickBehavior};

use super::serve::Shared;

/// A ticker for a stream's period, or none for a stream that only sends events.
fn ticker(every: Option<Duration>) -> Option<Interval> {
    every.map(|every| {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        ticker
    })
}

/// The next tick, or never.
async fn tick(ticker: &mut Option<Interval>) {
    match ticker {
        Some(ticker) => {
            ticker.tick().await;
        }
        None => std::future::pending().await,
    }
}

struct SseState {
    shared: Arc<Shared>,
    stream: SseStream,
    events: broadcast::Receiver<EventEnvelope>,
    ticker: Option<Interval>,
    stopping: watch::Receiver<bool>,
}

/// `200 text/event-stream`, sending `stream`'s text until the client leaves or the server
/// stops.
pub(super) fn sse(shared: Arc<Shared>, stream: SseStream) -> Response {
    let opening = stream
        .opening()
        .map(|text| Ok(Bytes::from_static(text.as_bytes())));
    let state = SseState {
        events: shared.events.subscribe(),
        stopping: shared.stopping.clone(),
        ticker: ticker(stream.interval()),
        shared,
        stream,
    };
    let chunks = futures_util::stream::unfold(state, |mut st| async move {
        loop {
            let text = tokio::select! {
                _ = st.stopping.changed() => return None,
                () = tick(&mut st.ticker) => {
                    st.shared.with_mock(|mock| st.stream.next_chunk(mock))?
                }
                event = st.events.recv() => match event {
                    Ok(event) => st.stream.event_chunk(&event),
                    Err(RecvError::Lagged(_)) => None,
                    Err(RecvError::Closed) => return None,
                },
            };
            if let Some(text) = text {
                return Some((Ok::<_, Infallible>(Bytes::from(text)), st));
            }
        }
    });
    let body = futures_util::stream::iter(opening).chain(chunks);
    let mut response = Response::new(AxumBody::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Completes the WebSocket handshake and sends `stream`'s messages.
pub(super) async fn websocket(
    shared: Arc<Shared>,
    head: &mut http::request::Parts,
    stream: WsStream,
) -> Response {
    match WebSocketUpgrade::from_request_parts(head, &()).await {
        Ok(upgrade) => {
            // Subscribed before the `101`, so no event after the handshake is missed.
            let events = shared.events.subscribe();
            upgrade.on_upgrade(move |socket| send_messages(shared, socket, stream, events))
        }
        Err(rejection) => rejection.into_response(),
    }
}

/// Sends a WebSocket stream's messages until the client leaves or the server stops.
async fn send_messages(
    shared: Arc<Shared>,
    mut socket: WebSocket,
    mut stream: WsStream,
    mut events: broadcast::Receiver<EventEnvelope>,
) {
    let mut stopping = shared.stopping.clone();
    let mut ticker = ticker(stream.interval());
    loop {
        let text = tokio::select! {
            _ = stopping.changed() => break,
            () = tick(&mut ticker) => shared.with_mock(|mock| stream.next_message(mock)).flatten(),
            event = events.recv() => match event {
                Ok(event) => stream.event_message(&event),
                Err(RecvError::Lagged(_)) => None,
                Err(RecvError::Closed) => break,
            },
            // Pings are answered by axum; a close or an error ends the stream.
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => None,
            },
        };
        if let Some(text) = text
            && socket.send(Message::Text(text.into())).await.is_err()
        {
            break;
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}
