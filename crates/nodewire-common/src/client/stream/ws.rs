//! WebSocket streams over the client's own HTTP connection: the upgrade request goes
//! through reqwest (headers, TLS, proxies as configured), then tungstenite frames the
//! upgraded connection.

use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::StreamExt;
use http::{HeaderValue, StatusCode, header};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error, Message, error::ProtocolError};

use super::{OpenError, Opened, Read, STREAM_TIMEOUT, Source, StreamError, error_text};
use crate::client::Client;
use crate::stream::Frame;

pub(super) struct Body {
    socket: WebSocketStream<reqwest::Upgraded>,
}

pub(super) async fn open(
    client: &Client,
    mut request: http::Request<Bytes>,
) -> Result<Opened, OpenError> {
    let key = generate_key();
    let headers = request.headers_mut();
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(
        header::SEC_WEBSOCKET_VERSION,
        HeaderValue::from_static("13"),
    );
    headers.insert(
        header::SEC_WEBSOCKET_KEY,
        HeaderValue::from_str(&key).map_err(|e| OpenError::NotAStream(e.to_string()))?,
    );
    *request.version_mut() = http::Version::HTTP_11;
    let mut request = reqwest::Request::try_from(request)?;
    *request.timeout_mut() = Some(STREAM_TIMEOUT);
    let response = client
        .within_idle_limit(async { Ok(client.http.execute(request).await?) })
        .await?;
    if response.status() != StatusCode::SWITCHING_PROTOCOLS {
        return client.within_idle_limit(client.refused(response)).await;
    }
    let expected = derive_accept_key(key.as_bytes());
    let accepted = response
        .headers()
        .get(header::SEC_WEBSOCKET_ACCEPT)
        .is_some_and(|v| v.as_bytes() == expected.as_bytes());
    if !accepted {
        return Err(OpenError::NotAStream(
            "the WebSocket handshake's Sec-WebSocket-Accept does not match".to_owned(),
        ));
    }
    let upgraded = client
        .within_idle_limit(async { Ok(response.upgrade().await?) })
        .await?;
    let config = WebSocketConfig::default()
        .max_message_size(Some(client.max_body))
        .max_frame_size(Some(client.max_body));
    let socket = WebSocketStream::from_raw_socket(upgraded, Role::Client, Some(config)).await;
    Ok(Opened::Source(Source::WebSocket(Box::new(Body { socket }))))
}

impl Body {
    pub(super) fn poll_read(&mut self, cx: &mut Context<'_>) -> Poll<Read> {
        let read = match std::task::ready!(self.socket.poll_next_unpin(cx)) {
            Some(Ok(Message::Text(text))) => {
                Read::Frames(vec![Frame::Text(text.as_str().to_owned())])
            }
            Some(Ok(Message::Binary(bytes))) => Read::Frames(vec![Frame::Binary(bytes)]),
            // Pings are answered by the protocol layer as it reads; they carry no frame, but
            // count as traffic for the idle limit.
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {
                Read::Frames(Vec::new())
            }
            Some(Ok(Message::Close(_)))
            | Some(Err(Error::ConnectionClosed | Error::AlreadyClosed))
            | None => Read::End,
            Some(Err(Error::Protocol(ProtocolError::ResetWithoutClosingHandshake))) => {
                Read::Failed(StreamError::Connection(
                    "the connection closed without a close frame".to_owned(),
                ))
            }
            Some(Err(Error::Io(e))) => Read::Failed(StreamError::Connection(error_text(&e))),
            Some(Err(e)) => Read::Failed(StreamError::WebSocket(error_text(&e))),
        };
        Poll::Ready(read)
    }

    pub(super) async fn close(mut self) {
        let _ = self.socket.close(None).await;
        // Read until the server's close frame (or the connection's end).
        while let Some(Ok(_)) = self.socket.next().await {}
    }
}
