//! Raw HTTP/1.1 on a socket, for the tests that speak to a server byte by byte (slow heads,
//! stalled bodies, broken framing) or play a server that misbehaves in ways no framework
//! would (cut streams). Included with `#[path]` from a test file, which uses what it needs.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// Reads until the peer closes or `within` passes: the bytes, and whether it closed.
pub(crate) async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (Vec<u8>, bool) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (seen, true),
            Ok(Ok(n)) => seen.extend_from_slice(buf.get(..n).unwrap_or_default()),
            Err(_) => return (seen, false),
        }
    }
}

/// The status code of an HTTP/1.1 answer's status line.
pub(crate) fn status_of(answer: impl AsRef<[u8]>) -> Option<u16> {
    let text = std::str::from_utf8(answer.as_ref()).ok()?;
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// Reads one request head (at most 64 KiB, up to the blank line) and returns it lower-cased.
pub(crate) async fn read_head(socket: &mut TcpStream) -> std::io::Result<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(buf.get(..n).unwrap_or_default());
    }
    Ok(String::from_utf8_lossy(&head).to_ascii_lowercase())
}
