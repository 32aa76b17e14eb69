//! `Client::stream` and `Reconnecting` against loopback servers that misbehave on purpose: an
//! event split across every chunk boundary, the connection cut in the middle of an event, a
//! server that restarts, a refusal, a WebSocket that is dropped, a stream that outlives the
//! send timeout, a silent one under an idle limit. Each server stops by itself and every wait
//! is bounded; nothing asserts on timing beyond margins of ten times.

#![cfg(feature = "client")]

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http::Method;
use nodewire_common::client::{Client, ClientError, Reconnecting, StreamError, Update};
use nodewire_common::endpoint::{IncomingParts, NoBody, Streaming, Unary};
use nodewire_common::stream::{Frame, Sse, StreamEndpoint};
use nodewire_common::{BodyKind, DecodeError, Endpoint, FromRequestError, Metadata, Secret};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[path = "../../../tests/raw_http.rs"]
mod raw_http;
mod support;

use raw_http::read_head;
use support::Demo;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Generous bound on anything that must happen; never an assertion on timing.
const PATIENCE: Duration = Duration::from_secs(30);

const KEY: &str = "stream-test-key";

macro_rules! demo_stream {
    ($name:ident, $path:literal, $transport:ty) => {
        #[derive(Debug, Clone, Copy)]
        struct $name;

        impl Endpoint for $name {
            type Protocol = Demo;
            type Exchange = Streaming;
            type Request = NoBody;
            type Response = Vec<Value>;
            const METADATA: Metadata = Metadata {
                name: stringify!($name),
                method: Method::GET,
                path: $path,
                aliases: &[],
                body: BodyKind::None,
                description: "",
            };

            fn from_parts(_: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
                Ok(Self)
            }
        }

        impl StreamEndpoint for $name {
            type Transport = $transport;
            type Item = Value;

            fn decode_frame(frame: Frame) -> Result<Value, DecodeError> {
                frame.json()
            }

            fn ends_stream(item: &Value) -> bool {
                item == "bye"
            }
        }
    };
}

demo_stream!(Ticks, "/ticks", Sse);
#[cfg(feature = "websocket")]
demo_stream!(TicksWs, "/ticks/ws", nodewire_common::stream::WebSocket);

/// `GET /once`: one JSON answer (what `send` reads).
#[derive(Debug, Clone, Copy)]
struct Once;

impl Endpoint for Once {
    type Protocol = Demo;
    type Exchange = Unary;
    type Request = NoBody;
    type Response = Value;
    const METADATA: Metadata = Metadata {
        name: "Once",
        method: Method::GET,
        path: "/once",
        aliases: &[],
        body: BodyKind::None,
        description: "",
    };

    fn from_parts(_: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
        Ok(Self)
    }
}

fn client(addr: std::net::SocketAddr) -> Result<Client, nodewire_common::IntoRequestError> {
    Client::new(format!("http://{addr}"))?.with_header("x-api-key", Secret::new(KEY))
}

/// How a scripted response ends.
#[derive(Clone, Copy)]
enum End {
    /// The chunked body's terminator, then the socket closes.
    Clean,
    /// The socket closes in the middle of the body.
    Cut,
}

/// Accepts one connection and answers it with `status`, `content_type` and `chunks` (each its
/// own HTTP chunk, written and flushed apart), ending as `end`; returns the request head.
async fn answer(
    listener: &TcpListener,
    status: &str,
    content_type: &str,
    chunks: &[&[u8]],
    end: End,
) -> std::io::Result<String> {
    let (mut socket, _) = listener.accept().await?;
    let head = read_head(&mut socket).await?;
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n"
    );
    socket.write_all(response.as_bytes()).await?;
    for chunk in chunks {
        write_chunk(&mut socket, chunk).await?;
        tokio::task::yield_now().await;
    }
    if let End::Clean = end {
        socket.write_all(b"0\r\n\r\n").await?;
    }
    socket.shutdown().await?;
    Ok(head)
}

/// Writes `chunk` as one HTTP chunk (none when empty) and flushes it.
async fn write_chunk(socket: &mut TcpStream, chunk: &[u8]) -> std::io::Result<()> {
    if chunk.is_empty() {
        return Ok(());
    }
    socket
        .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
        .await?;
    socket.write_all(chunk).await?;
    socket.write_all(b"\r\n").await?;
    socket.flush().await
}

const EVENT_STREAM_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
    Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";

/// Accepts one connection and answers it with an event stream of `chunks`, each written
/// `gap` after the one before, then ends it cleanly.
async fn drip(listener: &TcpListener, chunks: &[&[u8]], gap: Duration) -> std::io::Result<()> {
    let (mut socket, _) = listener.accept().await?;
    read_head(&mut socket).await?;
    socket.write_all(EVENT_STREAM_HEAD).await?;
    for chunk in chunks {
        tokio::time::sleep(gap).await;
        write_chunk(&mut socket, chunk).await?;
    }
    socket.write_all(b"0\r\n\r\n").await?;
    socket.shutdown().await
}

/// Accepts one connection and answers it with nothing at all (`first` is `None`) or with an
/// event stream's head and the chunk `first`, then says nothing more until the client goes
/// away.
async fn hold(listener: &TcpListener, first: Option<&[u8]>) -> std::io::Result<()> {
    let (mut socket, _) = listener.accept().await?;
    read_head(&mut socket).await?;
    if let Some(chunk) = first {
        socket.write_all(EVENT_STREAM_HEAD).await?;
        write_chunk(&mut socket, chunk).await?;
    }
    let mut buf = [0u8; 256];
    while socket.read(&mut buf).await? > 0 {}
    Ok(())
}

const STREAM: &[u8] = b"retry: 10\r\n: a comment\r\nid: 1\r\nevent: tick\r\ndata: {\"n\":1,\r\ndata: \"text\":\"a\\nb\"}\r\n\r\ndata: \"nope\r\n\r\nid: 2\ndata: 2\n\n";

fn expected() -> Vec<Result<Value, bool>> {
    // `Err(false)`: a frame that did not decode (skipped, not fatal).
    vec![
        Ok(json!({"n": 1, "text": "a\nb"})),
        Err(false),
        Ok(json!(2)),
    ]
}

/// Collects everything a stream yields, mapping errors to whether they were fatal.
async fn collect(mut items: nodewire_common::client::Items<Ticks>) -> Vec<Result<Value, bool>> {
    let mut out = Vec::new();
    while let Some(item) = items.next().await {
        out.push(item.map_err(|e| e.is_fatal()));
    }
    out
}

#[tokio::test]
async fn events_split_at_every_boundary_are_whole() -> TestResult {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        // One connection per split point, then one with every byte its own chunk.
        for split in 0..=STREAM.len() {
            let (a, b) = STREAM.split_at(split);
            answer(
                &listener,
                "200 OK",
                "text/event-stream",
                &[a, b],
                End::Clean,
            )
            .await?;
        }
        let bytes: Vec<&[u8]> = STREAM.chunks(1).collect();
        answer(&listener, "200 OK", "text/event-stream", &bytes, End::Clean).await
    });
    let client = client(addr)?;
    tokio::time::timeout(PATIENCE, async {
        for split in 0..=STREAM.len() + 1 {
            let items = client.stream(&Ticks).await?;
            assert_eq!(collect(items).await, expected(), "split at {split}");
        }
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })
    .await??;
    let head = server.await??;
    assert!(head.starts_with("get /ticks http/1.1"), "{head}");
    assert!(head.contains(&format!("x-api-key: {KEY}")), "{head}");
    assert!(head.contains("accept: text/event-stream"), "{head}");
    Ok(())
}

#[tokio::test]
async fn a_cut_event_is_never_yielded() -> TestResult {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let whole: &[u8] = b"data: 1\n\n";
    let half: &[u8] = b"data: {\"n\":2,";
    let server = tokio::spawn(async move {
        // Cut mid-event, the chunked body unfinished; then mid-event with a clean end; then
        // a line cut before its end.
        answer(
            &listener,
            "200 OK",
            "text/event-stream",
            &[whole, half],
            End::Cut,
        )
        .await?;
        answer(
            &listener,
            "200 OK",
            "text/event-stream",
            &[whole, half],
            End::Clean,
        )
        .await?;
        answer(
            &listener,
            "200 OK",
            "text/event-stream",
            &[whole, b"data: 3"],
            End::Clean,
        )
        .await
    });
    let client = client(addr)?;
    tokio::time::timeout(PATIENCE, async {
        let cut = collect(client.stream(&Ticks).await?).await;
        assert_eq!(cut, vec![Ok(json!(1)), Err(true)]);
        let clean = collect(client.stream(&Ticks).await?).await;
        assert_eq!(clean, vec![Ok(json!(1))]);
        let unterminated = collect(client.stream(&Ticks).await?).await;
        assert_eq!(unterminated, vec![Ok(json!(1))]);
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })
    .await??;
    server.await??;
    Ok(())
}

#[tokio::test]
async fn the_last_item_ends_the_stream_and_refusals_are_the_protocols() -> TestResult {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        answer(
            &listener,
            "200 OK",
            "text/event-stream; charset=utf-8",
            &[b"data: 1\n\ndata: \"bye\"\n\ndata: 2\n\n"],
            End::Cut,
        )
        .await?;
        answer(
            &listener,
            "401 Unauthorized",
            "application/json",
            &[b"{\"error\":\"Unauthorized\"}"],
            End::Clean,
        )
        .await?;
        answer(
            &listener,
            "200 OK",
            "application/json",
            &[b"[]"],
            End::Clean,
        )
        .await
    });
    let client = client(addr)?;
    tokio::time::timeout(PATIENCE, async {
        let items = client.stream(&Ticks).await?;
        assert_eq!(collect(items).await, vec![Ok(json!(1)), Ok(json!("bye"))]);
        match client.stream(&Ticks).await {
            Err(ClientError::Api(e)) => assert!(e.message.contains("401"), "{e}"),
            other => panic!("expected the protocol's failure, got {other:?}"),
        }
        assert!(matches!(
            client.stream(&Ticks).await,
            Err(ClientError::NotAStream(_))
        ));
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })
    .await??;
    server.await??;
    Ok(())
}

#[tokio::test]
async fn a_restarted_server_is_followed_with_last_event_id() -> TestResult {
    let first = TcpListener::bind("127.0.0.1:0").await?;
    let addr = first.local_addr()?;
    let server = tokio::spawn(async move {
        answer(
            &first,
            "200 OK",
            "text/event-stream",
            &[b"retry: 20\n\nid: 1\ndata: 1\n\nid: 2\ndata: 2\n\nid: 3\ndata: 3"],
            End::Cut,
        )
        .await?;
        // Down for a while (connections are refused), then up again on the same port.
        drop(first);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let second = TcpListener::bind(addr).await?;
        let head = answer(
            &second,
            "200 OK",
            "text/event-stream",
            &[b"id: 3\ndata: 3\n\nid: 4\ndata: 4\n\n"],
            End::Clean,
        )
        .await?;
        // A third connection is refused: the follower then reports the refusal and stops.
        let _ = answer(
            &second,
            "403 Forbidden",
            "text/plain",
            &[b"gone"],
            End::Clean,
        )
        .await?;
        Ok::<_, std::io::Error>(head)
    });
    let stream = Reconnecting::new(client(addr)?, Ticks).with_retry(Duration::from_millis(20));
    let updates: Vec<_> = tokio::time::timeout(PATIENCE, stream.collect::<Vec<_>>()).await?;
    let head = server.await??;
    assert!(head.contains("last-event-id: 2"), "{head}");
    assert!(head.contains(&format!("x-api-key: {KEY}")), "{head}");
    let items: Vec<Value> = updates
        .iter()
        .filter_map(|u| match u {
            Ok(Update::Item(v)) => Some(v.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(items, vec![json!(1), json!(2), json!(3), json!(4)]);
    let connected = updates
        .iter()
        .filter(|u| matches!(u, Ok(Update::Connected)))
        .count();
    assert_eq!(connected, 2);
    assert!(updates.iter().any(|u| matches!(
        u,
        Ok(Update::Disconnected { reason: StreamError::Connection(_), retry_in })
            if *retry_in == Duration::from_millis(20)
    )));
    assert!(matches!(updates.last(), Some(Err(ClientError::Api(_)))));
    Ok(())
}

#[cfg(feature = "websocket")]
#[tokio::test]
async fn websocket_messages_with_the_clients_headers() -> TestResult {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let mut seen = Vec::new();
        for cut in [false, true] {
            let (socket, _) = listener.accept().await?;
            // The handshake request, read without consuming it.
            let mut head = vec![0u8; 4096];
            let mut seen_len = 0;
            for _ in 0..1000 {
                seen_len = socket.peek(&mut head).await?;
                if head
                    .get(..seen_len)
                    .is_some_and(|h| h.windows(4).any(|w| w == b"\r\n\r\n"))
                {
                    break;
                }
                tokio::task::yield_now().await;
            }
            let head = String::from_utf8_lossy(head.get(..seen_len).unwrap_or_default())
                .to_ascii_lowercase();
            seen.push(head.contains(&format!("x-api-key: {KEY}\r\n")));
            let mut ws = tokio_tungstenite::accept_async(socket)
                .await
                .map_err(std::io::Error::other)?;
            let messages = [
                Message::text("{\"n\":1}"),
                Message::Ping(Bytes::from_static(b"p")),
                Message::text("not json"),
                Message::Binary(Bytes::from_static(b"[2]")),
            ];
            for message in messages {
                ws.send(message).await.map_err(std::io::Error::other)?;
            }
            if cut {
                // Dropped without a close frame.
                drop(ws);
            } else {
                // The client stops reading at `bye` and goes away: what follows may fail.
                let _ = ws.send(Message::text("\"bye\"")).await;
                let _ = ws.send(Message::text("3")).await;
                while let Some(Ok(_)) = ws.next().await {}
            }
        }
        Ok::<_, std::io::Error>(seen)
    });
    let client = client(addr)?;
    let results = tokio::time::timeout(PATIENCE, async {
        let mut results = Vec::new();
        for _ in 0..2 {
            let mut items = client.stream(&TicksWs).await?;
            let mut out = Vec::new();
            while let Some(item) = items.next().await {
                out.push(item.map_err(|e| e.is_fatal()));
            }
            items.close().await;
            results.push(out);
        }
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(results)
    })
    .await??;
    let seen = server.await??;
    assert_eq!(
        results,
        vec![
            vec![
                Ok(json!({"n": 1})),
                Err(false),
                Ok(json!([2])),
                Ok(json!("bye"))
            ],
            vec![Ok(json!({"n": 1})), Err(false), Ok(json!([2])), Err(true)],
        ]
    );
    assert_eq!(seen, [true, true]);
    Ok(())
}

#[tokio::test]
async fn a_stream_outlives_the_send_timeout() -> TestResult {
    let timeout = Duration::from_millis(200);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        // Never answered: `send` gives up after its timeout.
        hold(&listener, None).await?;
        // Five events 150 ms apart: the stream lasts at least three send timeouts.
        let events: [&[u8]; 5] = [
            b"data: 1\n\n",
            b"data: 2\n\n",
            b"data: 3\n\n",
            b"data: 4\n\n",
            b"data: \"bye\"\n\n",
        ];
        drip(&listener, &events, Duration::from_millis(150)).await
    });
    let client = client(addr)?.with_timeout(timeout);
    tokio::time::timeout(PATIENCE, async {
        match client.send(&Once).await {
            Err(ClientError::Transport(e)) => assert!(e.is_timeout(), "{e}"),
            other => panic!("expected the send timeout, got {other:?}"),
        }
        let items = collect(client.stream(&Ticks).await?).await;
        assert_eq!(
            items,
            vec![
                Ok(json!(1)),
                Ok(json!(2)),
                Ok(json!(3)),
                Ok(json!(4)),
                Ok(json!("bye"))
            ]
        );
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })
    .await??;
    server.await??;
    Ok(())
}

#[tokio::test]
async fn an_idle_limit_ends_a_silent_stream_and_keep_alives_hold_it() -> TestResult {
    let limit = Duration::from_secs(1);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        // No answer at all; then one event and silence; then keep-alive comments every
        // 100 ms for one and a half limits, and an event.
        hold(&listener, None).await?;
        hold(&listener, Some(b"data: 1\n\n")).await?;
        let mut chunks: Vec<&[u8]> = vec![b": keep-alive\n\n"; 15];
        chunks.push(b"data: 2\n\n");
        drip(&listener, &chunks, Duration::from_millis(100)).await
    });
    let client = client(addr)?.with_stream_idle_limit(limit);
    tokio::time::timeout(PATIENCE, async {
        match client.stream(&Ticks).await {
            Err(ClientError::Idle(idle)) => assert_eq!(idle, limit),
            other => panic!("expected no answer within the idle limit, got {other:?}"),
        }
        let mut silent = client.stream(&Ticks).await?;
        assert_eq!(silent.next().await, Some(Ok(json!(1))));
        assert_eq!(silent.next().await, Some(Err(StreamError::Idle(limit))));
        assert!(!silent.is_open());
        assert_eq!(silent.next().await, None);
        let kept = collect(client.stream(&Ticks).await?).await;
        assert_eq!(kept, vec![Ok(json!(2))]);
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })
    .await??;
    server.await??;
    Ok(())
}
