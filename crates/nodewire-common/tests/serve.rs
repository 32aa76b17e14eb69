//! `server::serve` under hostile clients, on loopback: every limit closes what it should,
//! within its time, and `read_body` answers honestly.
#![cfg(feature = "serve")]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::StatusCode;
use nodewire_common::server::{Body, Limits, RemoteAddr, RequestBody, read_body, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[path = "../../../tests/raw_http.rs"]
mod raw_http;

use raw_http::{read_until_closed, status_of};

const LIMIT: usize = 1024;

/// Reads the body under [`LIMIT`] and answers what it got: `200 <n> bytes from <peer>`, the
/// `413`, or `read_body`'s own answer.
async fn echo(request: http::Request<RequestBody>) -> Result<http::Response<String>, Infallible> {
    let (head, body) = request.into_parts();
    let peer = head.extensions.get::<RemoteAddr>().map(|p| p.0.ip());
    let answer = match read_body(&head, body, LIMIT).await {
        Ok(Body::Complete(bytes)) => {
            let mut r = http::Response::new(format!("{} bytes from {peer:?}", bytes.len()));
            *r.status_mut() = StatusCode::OK;
            r
        }
        Ok(Body::TooLarge) => {
            let mut r = http::Response::new(String::from("too large"));
            *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            r
        }
        Err(e) => e
            .into_response()
            .map(|b: Bytes| String::from_utf8_lossy(&b).into_owned()),
    };
    Ok(answer)
}

struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start(limits: Limits) -> std::io::Result<Server> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve(listener, limits, tower::service_fn(echo), async {
        let _ = stopped.await;
    }));
    Ok(Server {
        addr,
        stop: Some(stop),
    })
}

fn quick() -> Limits {
    Limits::default()
        .header_timeout(Duration::from_millis(300))
        .body_timeout(Duration::from_millis(300))
}

#[tokio::test]
async fn a_whole_request_is_answered_with_the_peer() -> std::io::Result<()> {
    let server = start(quick()).await?;
    let mut s = TcpStream::connect(server.addr).await?;
    s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
        .await?;
    let (answer, closed) = read_until_closed(&mut s, Duration::from_secs(5)).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(closed && status_of(&answer) == Some(200), "{text}");
    assert!(text.ends_with("3 bytes from Some(127.0.0.1)"), "{text}");
    Ok(())
}

#[tokio::test]
async fn slow_headers_and_idle_connections_are_closed() -> std::io::Result<()> {
    let server = start(quick()).await?;
    // Half a request line, never finished.
    let mut slow = TcpStream::connect(server.addr).await?;
    slow.write_all(b"GET / HT").await?;
    // A connection that never sends a byte.
    let mut silent = TcpStream::connect(server.addr).await?;
    // A kept-alive connection after one answer.
    let mut idle = TcpStream::connect(server.addr).await?;
    idle.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await?;
    let started = Instant::now();
    for stream in [&mut slow, &mut silent, &mut idle] {
        let (_, closed) = read_until_closed(stream, Duration::from_secs(5)).await;
        assert!(closed, "closed by the header timeout");
    }
    assert!(started.elapsed() < Duration::from_secs(5));
    Ok(())
}

#[tokio::test]
async fn an_unfinished_body_gets_408_and_the_connection_closes() -> std::io::Result<()> {
    let server = start(quick()).await?;
    let mut s = TcpStream::connect(server.addr).await?;
    s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this")
        .await?;
    let (answer, closed) = read_until_closed(&mut s, Duration::from_secs(5)).await;
    assert_eq!(
        status_of(&answer),
        Some(408),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(closed);
    Ok(())
}

#[tokio::test]
async fn a_declared_oversize_is_refused_before_the_body_and_without_100_continue()
-> std::io::Result<()> {
    let server = start(quick()).await?;
    let mut s = TcpStream::connect(server.addr).await?;
    s.write_all(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\nExpect: 100-continue\r\n\r\n",
    )
    .await?;
    let mut buf = [0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await??;
    let answer = buf.get(..n).unwrap_or_default();
    assert_eq!(
        status_of(answer),
        Some(413),
        "{}",
        String::from_utf8_lossy(answer)
    );
    Ok(())
}

#[tokio::test]
async fn a_bad_chunk_is_400_not_413() -> std::io::Result<()> {
    let server = start(quick()).await?;
    let mut s = TcpStream::connect(server.addr).await?;
    s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n")
        .await?;
    let (answer, _) = read_until_closed(&mut s, Duration::from_secs(5)).await;
    assert_eq!(
        status_of(&answer),
        Some(400),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    Ok(())
}

#[tokio::test]
async fn a_head_over_the_cap_gets_431() -> std::io::Result<()> {
    let server = start(quick().max_header_bytes(8192)).await?;
    let mut s = TcpStream::connect(server.addr).await?;
    let big = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    let _ = s.write_all(big.as_bytes()).await;
    let (answer, closed) = read_until_closed(&mut s, Duration::from_secs(5)).await;
    assert_eq!(
        status_of(&answer),
        Some(431),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(closed);
    Ok(())
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_a_slot_frees() -> std::io::Result<()> {
    let server = start(quick().max_connections(1)).await?;
    let mut first = TcpStream::connect(server.addr).await?;
    first.write_all(b"GET / HT").await?;
    // The second connection is accepted by the kernel's backlog but not served until the
    // first is closed by its header timeout.
    let mut second = TcpStream::connect(server.addr).await?;
    second
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await?;
    let started = Instant::now();
    let (answer, _) = read_until_closed(&mut second, Duration::from_secs(5)).await;
    assert_eq!(status_of(&answer), Some(200));
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "waited for the slot"
    );
    let (_, closed) = read_until_closed(&mut first, Duration::from_secs(1)).await;
    assert!(closed);
    Ok(())
}

#[tokio::test]
async fn shutdown_drops_a_stalled_connection_after_the_grace() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let limits = Limits::default()
        .body_timeout(Duration::from_secs(60))
        .shutdown_grace(Duration::from_millis(200));
    let server = tokio::spawn(serve(listener, limits, tower::service_fn(echo), async {
        let _ = stopped.await;
    }));
    let mut s = TcpStream::connect(addr).await?;
    s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        .await?;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = stop.send(());
    let finished = tokio::time::timeout(Duration::from_secs(5), server).await;
    assert!(matches!(finished, Ok(Ok(Ok(())))));
    let (_, closed) = read_until_closed(&mut s, Duration::from_secs(5)).await;
    assert!(closed);
    Ok(())
}
