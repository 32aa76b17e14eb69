//! Reading raw HTTP/1.1 answers from a socket, for the tests that speak to a server byte by
//! byte (slow heads, stalled bodies, broken framing). Included with `#[path]` from a test file.

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
