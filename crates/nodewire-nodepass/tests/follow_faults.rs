//! `Follow` and `Watch` against a scripted master on 127.0.0.1 that fails on purpose: every
//! event split across chunk boundaries (each byte its own chunk), the connection cut in the
//! middle of an event, a restart with instances changed while it was down, and the API key
//! regenerated (an `update` of `********` with the new key, `shutdown`, then `401` for the old
//! key). After each reconnect the watcher's table equals the master's list; no cut event is
//! ever applied. The server stops by itself; waits are bounded; nothing asserts on timing.

#![cfg(feature = "client")]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use nodewire_common::Secret;
use nodewire_common::client::Client;
use nodewire_nodepass::events::{Change, FollowError};
use nodewire_nodepass::instances::Instance;
use nodewire_nodepass::watch::Watch;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

#[path = "../../../tests/raw_http.rs"]
mod raw_http;

use raw_http::read_head;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const PATIENCE: Duration = Duration::from_secs(30);
const OLD_KEY: &str = "0123456789abcdef0123456789abcdef";
const NEW_KEY: &str = "fedcba9876543210fedcba9876543210";

fn instance(id: &str, status: &str, rx: u64) -> Value {
    let (kind, url, config) = if id == "********" {
        ("", rx_key(rx), "0123456789abcdef".to_owned())
    } else {
        (
            "server",
            format!("server://:1{rx:04}/127.0.0.1:8080"),
            "c".to_owned(),
        )
    };
    json!({
        "id": id, "alias": "", "type": kind, "status": status, "url": url, "config": config,
        "restart": true, "meta": {"peer": {"sid": "", "type": "", "alias": ""}, "tags": {}},
        "mode": 0, "ping": 0, "pool": 0, "tcps": 0, "udps": 0,
        "tcprx": if id == "********" { 0 } else { rx }, "tcptx": 0, "udprx": 0, "udptx": 0
    })
}

/// The API-key instance's `url`: `rx` 0 is the old key, anything else the new one.
fn rx_key(rx: u64) -> String {
    if rx == 0 { OLD_KEY } else { NEW_KEY }.to_owned()
}

fn key_instance(new: bool) -> Value {
    instance("********", "", u64::from(new))
}

fn frame(kind: &str, instance: Option<&Value>) -> String {
    let data = json!({
        "type": kind,
        "time": "2026-11-22T08:01:40.083049891Z",
        "instance": instance,
        "logs": "",
    });
    format!("event: instance\ndata: {data}\n\n")
}

/// One `/events` connection of the script.
struct Phase {
    /// What `GET /instances` answers while this stream is the latest.
    list: Vec<Value>,
    /// The stream's bytes (written one byte per chunk), or `None` for a `401`.
    stream: Option<String>,
    /// Whether the connection is cut after the bytes (else the body ends cleanly).
    cut: bool,
}

#[derive(Default)]
struct Script {
    phases: VecDeque<Phase>,
    list: Vec<Value>,
    keys_seen: Vec<String>,
}

async fn respond(
    socket: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).await?;
    socket.write_all(body).await?;
    socket.shutdown().await
}

async fn serve(mut socket: TcpStream, script: Arc<Mutex<Script>>) -> std::io::Result<()> {
    let head = read_head(&mut socket).await?;
    let key = head
        .lines()
        .find_map(|l| l.strip_prefix("x-api-key: "))
        .unwrap_or_default()
        .to_owned();
    if head.starts_with("get /api/v1/instances ") {
        let list = script.lock().map(|s| s.list.clone()).unwrap_or_default();
        let body = serde_json::to_vec(&list)?;
        return respond(&mut socket, "200 OK", "application/json", &body).await;
    }
    let phase = script.lock().ok().and_then(|mut s| {
        s.keys_seen.push(key);
        let phase = s.phases.pop_front()?;
        s.list.clone_from(&phase.list);
        Some(phase)
    });
    let Some(Phase {
        stream: Some(stream),
        cut,
        ..
    }) = phase
    else {
        let body = br#"{"error":"Unauthorized: Invalid API key"}"#;
        return respond(&mut socket, "401 Unauthorized", "application/json", body).await;
    };
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
              Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        )
        .await?;
    for byte in stream.as_bytes() {
        socket.write_all(b"1\r\n").await?;
        socket.write_all(std::slice::from_ref(byte)).await?;
        socket.write_all(b"\r\n").await?;
        socket.flush().await?;
        tokio::task::yield_now().await;
    }
    if !cut {
        socket.write_all(b"0\r\n\r\n").await?;
    }
    socket.shutdown().await
}

/// Serves `script` on `listener` until nothing connects for a while.
async fn master(listener: TcpListener, script: Arc<Mutex<Script>>) {
    while let Ok(Ok((socket, _))) =
        tokio::time::timeout(Duration::from_secs(5), listener.accept()).await
    {
        tokio::spawn(serve(socket, script.clone()));
    }
}

fn decoded(values: &[Value]) -> Result<Vec<Instance>, serde_json::Error> {
    values
        .iter()
        .map(|v| serde_json::from_value(v.clone()))
        .filter(|i| i.as_ref().map_or(true, |i: &Instance| !i.is_api_key()))
        .collect()
}

fn rows(watch: &Watch) -> Vec<Instance> {
    watch.table().instances().cloned().collect()
}

#[tokio::test]
async fn the_watcher_equals_the_master_after_every_reconnect() -> TestResult {
    let a = instance("aaaaaaaa", "running", 0);
    let a2 = instance("aaaaaaaa", "running", 5000);
    let b = instance("bbbbbbbb", "stopped", 0);
    let c = instance("cccccccc", "stopped", 0);
    let c2 = instance("cccccccc", "running", 10);

    // Connection 1: the initial burst, a create and an update, then half an update of `b`.
    let first = [a.clone(), key_instance(false)];
    let mut stream1 = "retry: 10\n\n".to_owned();
    stream1.push_str(&frame("initial", Some(&key_instance(false))));
    stream1.push_str(&frame("initial", Some(&a)));
    stream1.push_str(&frame("create", Some(&b)));
    stream1.push_str(&frame("update", Some(&a2)));
    let half = frame("update", Some(&instance("bbbbbbbb", "running", 99)));
    stream1.push_str(half.get(..half.len() / 2).unwrap_or_default());
    // Connection 2, after a restart: `b` was deleted and `c` created while it was down. Then
    // `c` starts, and the key is regenerated: the new key's `update`, then `shutdown`.
    let second = [key_instance(false), a2.clone(), c.clone()];
    let mut stream2 = "retry: 10\n\n".to_owned();
    for i in &second {
        stream2.push_str(&frame("initial", Some(i)));
    }
    stream2.push_str(&frame("update", Some(&c2)));
    stream2.push_str(&frame("update", Some(&key_instance(true))));
    stream2.push_str(&frame("shutdown", None));
    stream2.push_str(&frame("log", Some(&c2)));

    let script = Arc::new(Mutex::new(Script {
        phases: VecDeque::from([
            Phase {
                list: first.to_vec(),
                stream: Some(stream1),
                cut: true,
            },
            Phase {
                list: second.to_vec(),
                stream: Some(stream2),
                cut: false,
            },
        ]),
        ..Script::default()
    }));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(master(listener, script.clone()));

    let client = Client::new(format!("http://{addr}/api/v1"))?
        .with_header(nodewire_nodepass::AUTH_HEADER, Secret::new(OLD_KEY))?;
    let mut watch = Watch::new(client);
    let mut log = Vec::new();
    let mut snapshots = Vec::new();
    let end = tokio::time::timeout(PATIENCE, async {
        while let Some(change) = watch.next().await {
            match change {
                Ok(Change::Disconnected { why, after, .. }) => {
                    snapshots.push(rows(&watch));
                    log.push(format!("disconnected {why:?} {after:?}"));
                }
                Ok(Change::Connected(list)) => {
                    snapshots.push(rows(&watch));
                    log.push(format!("connected {}", list.len()));
                }
                Ok(Change::Event(e)) => log.push(format!("{}", e.kind)),
                Ok(other) => log.push(format!("{other:?}")),
                Err(e) => return Some(e),
            }
        }
        None
    })
    .await?;
    server.abort();

    assert_eq!(
        log,
        [
            "connected 2",
            "initial",
            "initial",
            "create",
            "update",
            "disconnected Failed 10ms",
            "connected 3",
            "initial",
            "initial",
            "initial",
            "update",
            "update",
            "shutdown",
            "disconnected Shutdown 10ms",
        ]
    );
    // The table after each disconnect and connect: the master's instances, each once; the
    // half-sent update of `b` was never applied.
    assert_eq!(
        snapshots,
        [
            decoded(&first)?,
            decoded(&[a2.clone(), b.clone()])?,
            decoded(&second)?,
            decoded(&[a2.clone(), c2.clone()])?,
        ]
    );
    assert_eq!(rows(&watch), decoded(&[a2, c2])?);
    // The old key is refused after the regeneration; the stream had announced the new one.
    match end {
        Some(FollowError::KeyRefused {
            announced: Some(key),
        }) => assert_eq!(key.expose(), NEW_KEY),
        other => panic!("expected the key to be refused, got {other:?}"),
    }
    let keys = script
        .lock()
        .map(|s| s.keys_seen.clone())
        .unwrap_or_default();
    assert_eq!(keys, [OLD_KEY; 3]);
    Ok(())
}
