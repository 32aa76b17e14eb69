//! The example servers as an operator exposes them, attacked as a hostile client would, on
//! loopback: `dash-receiver`, `kernel-webhooks` and `telemt-mock` run as their own processes
//! (so their logs and memory are theirs), with short timeouts given by their flags.
//!
//! - slow headers, unfinished bodies and idle connections are closed within the timeouts;
//! - 200 stalled connections with large heads keep the server's RSS within [`RSS_BOUND`];
//! - a declared oversize gets `413` before the body is sent, an unauthenticated request its
//!   `401` before the body is sent, a bad chunk `400`;
//! - every `405` carries `Allow`;
//! - a `text/plain` webhook gets the panel's refusal;
//! - control characters and secrets in a payload never reach the log raw;
//! - the Dash board refuses a foreign `Host`.

use std::net::SocketAddr;
use std::process::Command;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[path = "../../tests/raw_http.rs"]
mod raw_http;

use raw_http::{read_until_closed, status_of};

mod binary;

use binary::Running;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// The header and body timeouts the servers run with here.
const TIMEOUT: &str = "0.5";
/// How long past a timeout a close may take before it counts as missed.
const CLOSE_WITHIN: Duration = Duration::from_secs(4);
/// The RSS growth 200 stalled connections with 15 KB heads may cost a server.
const RSS_BOUND: u64 = 24 * 1024 * 1024;

const DASH_KEY: &str = "dash-node-key-5f0c";
const WEBHOOK_TOKEN: &str = "webhook-token-9a1e";
const TELEMT_AUTH: &str = "Bearer telemt-secret-77b2";

/// The process's resident set size, from `/proc`.
fn rss(server: &Running) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Starts `bin` on `127.0.0.1:0` with the short timeouts, `args` and `envs`.
fn start(bin: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<Running, String> {
    Running::start(
        Command::new(bin)
            .args(["--listen", "127.0.0.1:0", "--header-timeout", TIMEOUT])
            .args(["--body-timeout", TIMEOUT])
            .args(args)
            .envs(envs.iter().copied()),
    )
}

fn dash() -> Result<Running, String> {
    start(
        env!("CARGO_BIN_EXE_dash-receiver"),
        &[],
        &[("DASH_NODES", &format!("web-1={DASH_KEY}"))],
    )
}

fn webhooks() -> Result<Running, String> {
    start(
        env!("CARGO_BIN_EXE_kernel-webhooks"),
        &["--json"],
        &[("ZNP_WEBHOOK_TOKEN", WEBHOOK_TOKEN)],
    )
}

fn telemt() -> Result<Running, String> {
    start(
        env!("CARGO_BIN_EXE_telemt-mock"),
        &[],
        &[("TELEMT_AUTH", TELEMT_AUTH)],
    )
}

/// A request that passes each server's checks before the body: path and headers.
struct Authorized {
    path: &'static str,
    headers: String,
}

fn dash_push() -> Authorized {
    Authorized {
        path: "/api/node/metrics",
        headers: format!("X-Node-Secret: {DASH_KEY}\r\nContent-Type: application/json\r\n"),
    }
}

fn webhook_push() -> Authorized {
    Authorized {
        path: "/api/v1/kernel/events",
        headers: format!(
            "X-ZNP-Webhook-Token: {WEBHOOK_TOKEN}\r\nContent-Type: application/json\r\n"
        ),
    }
}

fn telemt_create() -> Authorized {
    Authorized {
        path: "/v1/users",
        headers: format!("Authorization: {TELEMT_AUTH}\r\nContent-Type: application/json\r\n"),
    }
}

/// Reads one response head (the bytes up to the blank line), within `within`.
async fn read_head(stream: &mut TcpStream, within: Duration) -> Result<String, String> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) => return Err(format!("closed after {:?}", String::from_utf8_lossy(&seen))),
            Ok(Ok(n)) => seen.extend_from_slice(buf.get(..n).unwrap_or_default()),
            Ok(Err(e)) => return Err(e.to_string()),
            Err(_) => return Err(format!("no head within {within:?}")),
        }
    }
    Ok(String::from_utf8_lossy(&seen).into_owned())
}

/// Sends `raw` on a new connection and reads the whole answer until the server closes it.
async fn exchange(addr: SocketAddr, raw: &[u8]) -> Result<String, String> {
    let mut s = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    s.write_all(raw).await.map_err(|e| e.to_string())?;
    let (answer, _) = read_until_closed(&mut s, Duration::from_secs(10)).await;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

async fn timeouts_close(server: &Running, push: &Authorized) -> TestResult {
    let addr = server.addr;
    let mut slow = TcpStream::connect(addr).await?;
    slow.write_all(b"POST / HT").await?;
    let mut idle = TcpStream::connect(addr).await?;
    let mut unfinished = TcpStream::connect(addr).await?;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\n{}Content-Length: 100\r\n\r\n{{\"a\":",
        push.path, push.headers
    );
    unfinished.write_all(head.as_bytes()).await?;
    let started = Instant::now();
    let (_, closed) = read_until_closed(&mut slow, CLOSE_WITHIN).await;
    assert!(closed, "a slow head is closed");
    let (_, closed) = read_until_closed(&mut idle, CLOSE_WITHIN).await;
    assert!(closed, "an idle connection is closed");
    let (answer, closed) = read_until_closed(&mut unfinished, CLOSE_WITHIN).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(closed, "an unfinished body is closed");
    assert_eq!(status_of(answer.as_bytes()), Some(408), "{answer}");
    assert!(started.elapsed() < CLOSE_WITHIN);
    Ok(())
}

async fn stalled_heads_stay_small(server: &Running) -> TestResult {
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = rss(server).ok_or("no RSS")?;
    let filler = format!("X-Filler: {}\r\n", "a".repeat(15_000));
    let mut stalled = Vec::new();
    for _ in 0..200 {
        let mut s = TcpStream::connect(server.addr).await?;
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await?;
        s.write_all(filler.as_bytes()).await?;
        stalled.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let during = rss(server).ok_or("no RSS")?;
    eprintln!("RSS with 200 stalled heads: {before} → {during} bytes");
    assert!(
        during.saturating_sub(before) < RSS_BOUND,
        "RSS grew from {before} to {during} bytes"
    );
    for s in &mut stalled {
        let (_, closed) = read_until_closed(s, CLOSE_WITHIN).await;
        assert!(
            closed,
            "each stalled connection is closed by the header timeout"
        );
    }
    Ok(())
}

async fn oversize_is_refused_before_the_body(server: &Running, push: &Authorized) -> TestResult {
    let mut s = TcpStream::connect(server.addr).await?;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\n{}Content-Length: 2097152\r\nExpect: 100-continue\r\n\r\n",
        push.path, push.headers
    );
    s.write_all(head.as_bytes()).await?;
    let answer = read_head(&mut s, Duration::from_secs(5)).await?;
    assert_eq!(status_of(&answer), Some(413), "{answer}");
    Ok(())
}

async fn unauthenticated_is_refused_before_the_body(server: &Running, path: &str) -> TestResult {
    let mut s = TcpStream::connect(server.addr).await?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: 60000\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await?;
    let answer = read_head(&mut s, Duration::from_secs(5)).await?;
    assert_eq!(status_of(&answer), Some(401), "{answer}");
    Ok(())
}

async fn bad_chunk_is_400(server: &Running, push: &Authorized) -> TestResult {
    let raw = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\n{}Transfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n",
        push.path, push.headers
    );
    let answer = exchange(server.addr, raw.as_bytes()).await?;
    assert_eq!(status_of(&answer), Some(400), "{answer}");
    Ok(())
}

async fn method_not_allowed_has_allow(server: &Running, push: &Authorized) -> TestResult {
    let raw = format!(
        "PUT {} HTTP/1.1\r\nHost: x\r\n{}Content-Length: 2\r\nConnection: close\r\n\r\n{{}}",
        push.path, push.headers
    );
    let answer = exchange(server.addr, raw.as_bytes()).await?;
    assert_eq!(status_of(&answer), Some(405), "{answer}");
    let allow = answer
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("allow:"))
        .ok_or(format!("no Allow in {answer}"))?;
    assert!(allow.contains("POST"), "{allow}");
    Ok(())
}

#[tokio::test]
async fn dash_receiver_holds_its_limits() -> TestResult {
    let server = dash()?;
    timeouts_close(&server, &dash_push()).await?;
    oversize_is_refused_before_the_body(&server, &dash_push()).await?;
    unauthenticated_is_refused_before_the_body(&server, "/api/node/metrics").await?;
    bad_chunk_is_400(&server, &dash_push()).await?;
    method_not_allowed_has_allow(&server, &dash_push()).await?;
    stalled_heads_stay_small(&server).await?;
    Ok(())
}

#[tokio::test]
async fn kernel_webhooks_hold_their_limits() -> TestResult {
    let server = webhooks()?;
    timeouts_close(&server, &webhook_push()).await?;
    oversize_is_refused_before_the_body(&server, &webhook_push()).await?;
    bad_chunk_is_400(&server, &webhook_push()).await?;
    method_not_allowed_has_allow(&server, &webhook_push()).await?;
    stalled_heads_stay_small(&server).await?;
    Ok(())
}

#[tokio::test]
async fn telemt_mock_holds_its_limits() -> TestResult {
    let server = telemt()?;
    timeouts_close(&server, &telemt_create()).await?;
    oversize_is_refused_before_the_body(&server, &telemt_create()).await?;
    unauthenticated_is_refused_before_the_body(&server, "/v1/users").await?;
    bad_chunk_is_400(&server, &telemt_create()).await?;
    method_not_allowed_has_allow(&server, &telemt_create()).await?;
    stalled_heads_stay_small(&server).await?;
    Ok(())
}

#[tokio::test]
async fn kernel_webhooks_refuse_text_plain_and_log_nothing_raw() -> TestResult {
    let server = webhooks()?;
    let addr = server.addr;
    // A browser may send this label cross-site without a preflight.
    for label in ["text/plain", "text/plain; x=application/json"] {
        let body = r#"{"records":[]}"#;
        let raw = format!(
            "POST /api/v1/kernel/traffic HTTP/1.1\r\nHost: x\r\nX-ZNP-Webhook-Token: \
             {WEBHOOK_TOKEN}\r\nContent-Type: {label}\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        );
        let answer = exchange(addr, raw.as_bytes()).await?;
        assert_eq!(status_of(&answer), Some(400), "{label}: {answer}");
        assert!(
            answer.contains(r#"{"message":"#),
            "the panel's body: {answer}"
        );
    }
    let body = r#"{"event":"user.created\n2026-01-01 forged line","event_id":"e\u001b[31m",
        "payload":{"username":"alice\r\u009b2J","password":"hunter2-pw","api_token":"tok-123x"}}"#
        .replace('\n', "");
    let raw = format!(
        "POST /api/v1/kernel/service-events HTTP/1.1\r\nHost: x\r\nX-ZNP-Webhook-Token: \
         {WEBHOOK_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = exchange(addr, raw.as_bytes()).await?;
    assert_eq!(status_of(&answer), Some(200), "{answer}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.log().contains("forged line") && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = server.log();
    assert!(log.contains("forged line"), "the event was printed: {log}");
    let raw_control = log.chars().any(|c| c.is_control() && c != '\n');
    assert!(!raw_control, "no raw control character: {log:?}");
    assert!(
        !log.lines().any(|l| l.starts_with("2026-01-01 forged line")),
        "no forged line: {log}"
    );
    for secret in ["hunter2-pw", "tok-123x", WEBHOOK_TOKEN] {
        assert!(!log.contains(secret), "{secret} in {log}");
    }
    Ok(())
}

#[tokio::test]
async fn the_dash_board_refuses_a_foreign_host() -> TestResult {
    let server = dash()?;
    let ask = |host: &str| {
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").into_bytes()
    };
    let answer = exchange(server.addr, &ask("attacker.example")).await?;
    assert_eq!(status_of(&answer), Some(421), "{answer}");
    let answer = exchange(server.addr, &ask(&server.addr.to_string())).await?;
    assert_eq!(status_of(&answer), Some(200), "{answer}");
    Ok(())
}
