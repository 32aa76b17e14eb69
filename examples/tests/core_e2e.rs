//! Nexuma Core end to end, on 127.0.0.1:
//!
//! - the `node-agent` binary against the Rust Core (HTTP registration, then gRPC: sync, usage,
//!   this machine's metrics; the key file reused; a refused key);
//! - interoperability with the Node.js gRPC stack a NestJS Core runs on: a grpc-js Core
//!   (loaded from `proto/node-service.proto`) serving the Rust agent, and a grpc-js node calling
//!   the Rust Core (Heartbeat, ReportUsage with 10,000 entries, GetLatestConfig with a
//!   non-trivial config, a bad key answered with UNAUTHENTICATED);
//! - the HTTP side of the Rust Core: 401 without or with a wrong key, 413 above the body limit;
//!   over a raw socket, Core's order (the body before the route and the key, as Express's body
//!   parser reads it first): a declared oversized `Content-Length` refused at once without
//!   `100 Continue`, a bad chunk 400, a stalled body 408, a wrong method Express's 404 (Core
//!   has no 405), a huge bad value quoted only in part; and a gRPC message over the body limit
//!   refused.
//!
//! The grpc-js peers live in `tests/grpc-interop`; when its `node_modules` is missing the tests
//! run `npm ci` there first (Node.js and npm must be installed).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use nodewire_common::client::Client;
use nodewire_common::server::Limits;
use nodewire_common::{Endpoint, Secret};
use nodewire_core::auth;
use nodewire_core::config::NodeConfig;
use nodewire_core::endpoints::{GetLatestConfig, Heartbeat, RegisterNode, ReportUsage};
use nodewire_core::mock::{MockConfig, MockCore, SyncStatus};
use nodewire_core::register::RegisterNodeDto;
use nodewire_core::server::DEFAULT_BODY_LIMIT;
use nodewire_core::usage::NodeUsageDto;
use nodewire_examples::core::{sample_config, spawn_core, spawn_core_with};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod binary;

use binary::Running;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/grpc-interop")
}

/// Installs the grpc-js peers' dependencies once (`npm ci`) if they are missing.
fn ensure_node_modules() -> Result<(), String> {
    static ONCE: Mutex<bool> = Mutex::new(false);
    let mut done = ONCE.lock().unwrap_or_else(|e| e.into_inner());
    if *done {
        return Ok(());
    }
    let dir = interop_dir();
    let installed = ["@grpc/grpc-js", "@grpc/proto-loader"].iter().all(|p| {
        dir.join("node_modules")
            .join(p)
            .join("package.json")
            .exists()
    });
    if !installed {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .map_err(|e| {
                format!("npm (Node.js) must be installed for the grpc-js interop tests: {e}")
            })?;
        if !status.success() {
            return Err(format!("npm ci in {} failed", dir.display()));
        }
    }
    *done = true;
    Ok(())
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> std::io::Result<Self> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "nodewire-core-e2e-{}-{}-{name}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Kills the child if the test ends before it exits.
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[derive(Clone)]
struct Agent {
    http: String,
    grpc: String,
    dir: PathBuf,
    code: Option<&'static str>,
    cycles: u64,
    extra: &'static [&'static str],
}

impl Agent {
    fn new(http: &str, grpc: &str, dir: &Scratch) -> Self {
        Self {
            http: http.to_owned(),
            grpc: grpc.to_owned(),
            dir: dir.0.clone(),
            code: None,
            cycles: 1,
            extra: &[],
        }
    }

    fn run(&self) -> std::io::Result<Output> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_node-agent"));
        command
            .env_clear()
            .env("CORE_HTTP_URL", &self.http)
            .env("CORE_GRPC_URL", &self.grpc)
            .env("CORE_INSECURE", "true")
            .env("NODE_IP", "203.0.113.7")
            .env("NODE_NAME", "e2e node")
            .env("NODE_REGION", "eu")
            .env("PORT", "8080")
            .env("NODE_KEY_FILE", self.dir.join("key.json"))
            .env("NODE_CONFIG_FILE", self.dir.join("config.json"))
            .env("NODE_USAGE_FILE", self.dir.join("usage.json"))
            .args(["--cycles", &self.cycles.to_string(), "--interval", "0"])
            .args(self.extra);
        if let Some(code) = self.code {
            command.env("NODE_CODE", code);
        }
        command.output()
    }

    /// Runs the agent off the async runtime (the Core under test runs on it).
    async fn run_blocking(&self) -> Result<Output, Box<dyn std::error::Error + Send + Sync>> {
        let agent = self.clone();
        Ok(tokio::task::spawn_blocking(move || agent.run()).await??)
    }
}

fn usage_spool(dir: &Scratch) -> Result<NodeUsageDto, Box<dyn std::error::Error + Send + Sync>> {
    let usage: NodeUsageDto = serde_json::from_value(json!({"entries": [
        {"userId": 42, "subscriptionId": 7, "nodeProtocolId": 3, "bytesUp": 1000, "bytesDown": 5000, "recordedAt": "2026-06-01T12:00:00.000Z"},
        {"userId": 42, "subscriptionId": 7, "nodeProtocolId": 3, "bytesUp": 24, "bytesDown": 120, "recordedAt": "2026-06-01T12:01:00.000Z"},
        {"userId": 43, "subscriptionId": null, "nodeProtocolId": 5, "bytesUp": 1, "bytesDown": 2, "recordedAt": "2026-06-01T12:01:00+03:00"}
    ]}))?;
    std::fs::write(dir.path("usage.json"), serde_json::to_vec(&usage)?)?;
    Ok(usage)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rust_agent_against_the_rust_core() -> TestResult {
    let core = MockCore::new(MockConfig {
        registration_codes: vec![Secret::new("fra-1")],
        config: sample_config()?,
    });
    let server = spawn_core(core, DEFAULT_BODY_LIMIT).await?;
    let http = server.http_url.clone();
    let grpc = server.grpc_addr.to_string();
    let dir = Scratch::new("rust")?;
    usage_spool(&dir)?;

    // First start: registers, syncs, reports, twice.
    let out = Agent {
        code: Some("fra-1"),
        cycles: 2,
        extra: &[],
        ..Agent::new(&http, &grpc, &dir)
    }
    .run_blocking()
    .await?;
    assert!(
        out.status.success(),
        "agent failed: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("registered"), "{stdout}");
    assert!(stdout.contains("applied revision 1"), "{stdout}");

    let nodes = server.core.nodes()?;
    assert_eq!(nodes.len(), 1);
    let node = &nodes[0];
    assert_eq!(node.heartbeats, 2);
    assert_eq!(node.sync, SyncStatus::Synced);
    assert_eq!(node.applied_revision, Some(1));
    assert_eq!(node.reported_revision, Some(1));
    assert_eq!(node.registration.port.map(|p| p.get()), Some(8080));
    assert_eq!(
        node.last_ip.as_ref().map(|ip| ip.as_str()),
        Some("203.0.113.7")
    );
    let stats = node.stats.as_ref().ok_or("no stats")?;
    assert!(
        stats.ram_total > 0 && stats.ram_used <= stats.ram_total,
        "{stats:?}"
    );
    assert!(stats.cpu_cores > 0 && stats.uptime_seconds > 0, "{stats:?}");
    assert!((0.0..=100.0).contains(&stats.cpu_percent));
    assert!(!stats.xray_running || stats.xray_uptime_seconds.is_some());

    // The spool was reported once and removed.
    let usage = server.core.usage()?;
    assert_eq!(usage[&(42, Some(7))].bytes_up, 1024);
    assert_eq!(usage[&(42, Some(7))].bytes_down, 5120);
    assert_eq!(usage[&(43, None)].bytes_down, 2);
    assert_eq!(server.core.usage_entries()?, 3);
    assert!(!dir.path("usage.json").exists());

    // The key and the config are on disk, readable by the owner only.
    let key_file: Value = serde_json::from_slice(&std::fs::read(dir.path("key.json"))?)?;
    assert_eq!(key_file["nodeId"], 1);
    assert_eq!(key_file["authKey"].as_str().map(str::len), Some(64));
    let written: NodeConfig = serde_json::from_slice(&std::fs::read(dir.path("config.json"))?)?;
    assert_eq!(written, sample_config()?);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in ["key.json", "config.json"] {
            let mode = std::fs::metadata(dir.path(file))?.permissions().mode();
            assert_eq!(mode & 0o077, 0, "{file} is readable by others: {mode:o}");
        }
    }

    // Restart after a new config was published: the key is reused, the node syncs again.
    let revision = server.core.publish(sample_config()?)?;
    let out = Agent {
        code: None,
        cycles: 1,
        extra: &["--key-in-field"],
        ..Agent::new(&http, &grpc, &dir)
    }
    .run_blocking()
    .await?;
    assert!(
        out.status.success(),
        "agent failed: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("key loaded"));
    let nodes = server.core.nodes()?;
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0].heartbeats, 3);
    assert_eq!(nodes[0].applied_revision, Some(revision));

    // A key Core does not know: the agent stops with UNAUTHENTICATED.
    std::fs::write(
        dir.path("key.json"),
        r#"{"authKey":"0000000000000000000000000000000000000000000000000000000000000000","nodeId":1}"#,
    )?;
    let out = Agent {
        code: None,
        cycles: 1,
        extra: &[],
        ..Agent::new(&http, &grpc, &dir)
    }
    .run_blocking()
    .await?;
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("refused the node's key") && stderr.contains("Unauthenticated"),
        "{stderr}"
    );
    server.stop().await;
    Ok(())
}

#[test]
fn a_grpc_js_core_serves_the_rust_agent() -> TestResult {
    ensure_node_modules()?;
    let dir = Scratch::new("js-server")?;
    let config = sample_config()?;
    std::fs::write(dir.path("served.json"), serde_json::to_vec(&config)?)?;
    let usage = usage_spool(&dir)?;

    let mut child = Reaper(
        Command::new("node")
            .arg(interop_dir().join("server.js"))
            .arg(dir.path("served.json"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?,
    );
    let stdout = child.0.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let ports: Value = serde_json::from_str(&lines.next().ok_or("server.js printed nothing")??)?;
    let http = ports["http"].as_str().ok_or("http")?;
    let grpc = ports["grpc"].as_str().ok_or("grpc")?;

    let out = Agent {
        code: Some("fra-1"),
        cycles: 2,
        ..Agent::new(http, grpc, &dir)
    }
    .run()?;
    assert!(
        out.status.success(),
        "agent failed: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    // Closing stdin makes server.js print what it received and exit.
    drop(child.0.stdin.take());
    let summary: Value = serde_json::from_str(&lines.next().ok_or("no summary")??)?;
    assert!(child.0.wait()?.success());
    let calls = summary["calls"].as_array().ok_or("calls")?;
    let methods: Vec<&str> = calls.iter().filter_map(|c| c["method"].as_str()).collect();
    assert_eq!(
        methods,
        [
            "register",
            "Heartbeat",
            "GetLatestConfig",
            "ConfirmConfigApplied",
            "ReportUsage",
            "ReportNodeStats",
            "Heartbeat",
            "ReportUsage",
            "ReportNodeStats",
        ]
    );
    assert_eq!(
        calls[0]["body"],
        json!({"code": "fra-1", "name": "e2e node", "ip": "203.0.113.7", "port": 8080, "region": "eu"})
    );
    for call in &calls[1..] {
        assert_eq!(call["via"], "metadata", "{call}");
        assert!(call.get("refused").is_none(), "{call}");
    }
    assert_eq!(calls[1]["revision"], Value::Null);
    assert_eq!(calls[1]["ip"], "203.0.113.7");
    assert_eq!(calls[3]["revision"], config.revision);
    assert_eq!(calls[6]["revision"], config.revision);
    assert_eq!(summary["appliedRevision"], config.revision);

    // Usage: every entry, the timestamps and the null subscription as sent.
    assert_eq!(calls[4]["entries"], 3);
    assert_eq!(calls[4]["bytesUp"], 1025);
    let sent: Vec<&str> = usage
        .entries
        .iter()
        .map(|e| e.recorded_at.as_str())
        .collect();
    assert_eq!(calls[4]["recordedAt"], json!(sent));
    assert_eq!(calls[4]["subscriptionIds"], json!([7, 7, null]));
    assert_eq!(calls[7]["entries"], 0);

    // Stats: this machine's, through proto-loader's numbers.
    let stats = &calls[5]["stats"];
    assert!(stats["ramTotal"].as_f64().unwrap_or(0.0) > 0.0, "{stats}");
    assert!(stats["cpuCores"].as_u64().unwrap_or(0) > 0, "{stats}");
    assert!(stats["uptimeSeconds"].as_u64().unwrap_or(0) > 0, "{stats}");

    // The config, as JSON strings built by JSON.stringify, decoded by the Rust accessors.
    let written: NodeConfig = serde_json::from_slice(&std::fs::read(dir.path("config.json"))?)?;
    assert_eq!(written, config);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_grpc_js_node_calls_the_rust_core() -> TestResult {
    ensure_node_modules()?;
    let config = sample_config()?;
    let core = MockCore::new(MockConfig {
        registration_codes: Vec::new(),
        config: config.clone(),
    });
    let server = spawn_core(core, DEFAULT_BODY_LIMIT).await?;
    let registration = RegisterNodeDto::new("js".parse()?, "js node", "203.0.113.9".parse()?, "eu");
    let identity = Client::new(&server.http_url)?
        .send(&RegisterNode::new(registration))
        .await?;
    let key = identity.auth_key.expose().to_owned();
    let grpc = server.grpc_addr.to_string();

    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(interop_dir().join("client.js"))
            .arg(grpc)
            .arg(key)
            .output()
    })
    .await??;
    assert!(
        out.status.success(),
        "client.js failed: {}",
        text(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout)?;
    const OK: u64 = 0;
    const INVALID_ARGUMENT: u64 = 3;
    const FAILED_PRECONDITION: u64 = 9;
    const UNAUTHENTICATED: u64 = 16;

    assert_eq!(r["heartbeat"]["code"], OK);
    assert_eq!(
        r["heartbeat"]["response"],
        json!({"ok": true, "needSync": true})
    );

    // 10,000 usage entries in one message, every byte counted.
    assert_eq!(r["usage"]["code"], OK, "{}", r["usage"]);
    assert_eq!(server.core.usage_entries()?, 10_000);
    let usage = server.core.usage()?;
    let up: u64 = usage.values().map(|t| t.bytes_up).sum();
    let down: u64 = usage.values().map(|t| t.bytes_down).sum();
    assert_eq!(json!(up), r["usageSent"]["bytesUp"]);
    assert_eq!(json!(down), r["usageSent"]["bytesDown"]);
    assert!(usage.contains_key(&(1, None)) && usage.contains_key(&(2, Some(2))));
    assert_eq!(server.core.usage_by_protocol()?.len(), 3);

    // The config's JSON strings, parsed by JSON.parse, are the config.
    assert_eq!(r["config"]["code"], OK);
    assert_eq!(r["config"]["parsed"], serde_json::to_value(&config)?);
    assert_eq!(r["applied"]["code"], OK);
    assert_eq!(r["heartbeatAfter"]["response"]["needSync"], false);
    assert_eq!(r["tooNew"]["code"], FAILED_PRECONDITION);
    assert_eq!(
        server.core.node(1)?.ok_or("no node")?.sync,
        SyncStatus::Synced
    );

    assert_eq!(r["stats"]["code"], OK);
    let stats = server
        .core
        .node(1)?
        .and_then(|n| n.stats)
        .ok_or("no stats")?;
    assert_eq!(stats.ram_total, 1 << 33);
    assert_eq!(stats.net_rx_total, 1 << 40);
    assert_eq!(stats.net_rx_per_sec, 1250.5);
    assert_eq!(stats.xray_uptime_seconds, Some(3600));
    assert_eq!(
        stats.mtproto.map(Value::Object),
        Some(json!({"running": true, "connections": 3}))
    );
    assert_eq!(r["events"]["code"], OK);
    let events = server.core.session_events()?;
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0].ip_address.as_ref().map(|ip| ip.as_str()),
        Some("198.51.100.4")
    );
    assert!(events[1].ip_address.is_none());

    // The key: the authKey field as fallback, UNAUTHENTICATED when wrong or missing.
    assert_eq!(r["keyInField"]["code"], OK);
    assert_eq!(r["wrongKey"]["code"], UNAUTHENTICATED);
    assert_eq!(r["noKey"]["code"], UNAUTHENTICATED);
    assert_eq!(r["wrongKeyConfig"]["code"], UNAUTHENTICATED);

    // Validation: INVALID_ARGUMENT naming the field.
    assert_eq!(r["badTimestamp"]["code"], INVALID_ARGUMENT);
    assert!(
        r["badTimestamp"]["details"]
            .as_str()
            .unwrap_or("")
            .contains("entries[0].recordedAt"),
        "{}",
        r["badTimestamp"]
    );
    assert_eq!(r["badConfigJson"]["code"], INVALID_ARGUMENT);
    assert!(
        r["badConfigJson"]["details"]
            .as_str()
            .unwrap_or("")
            .contains("mtprotoJson"),
        "{}",
        r["badConfigJson"]
    );
    server.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_http_routes_of_the_rust_core() -> TestResult {
    let core = MockCore::new(MockConfig {
        registration_codes: vec![Secret::new("http-1")],
        config: sample_config()?,
    });
    let limit = 64 * 1024;
    let server = spawn_core(core, limit).await?;
    let anonymous = Client::new(&server.http_url)?;
    let registration = RegisterNodeDto::new("http-1".parse()?, "n", "203.0.113.7".parse()?, "eu");
    let identity = anonymous.send(&RegisterNode::new(registration)).await?;

    // 401 without a key and with a wrong one.
    for client in [
        anonymous.clone(),
        auth::http_client(&server.http_url, Secret::new("wrong"))?,
    ] {
        match client.send(&GetLatestConfig).await {
            Err(nodewire_common::client::ClientError::Api(e)) => {
                assert_eq!(e.status(), Some(http::StatusCode::UNAUTHORIZED), "{e}")
            }
            other => panic!("expected 401, got {other:?}"),
        }
    }

    // With the key.
    let client = auth::http_client(&server.http_url, identity.auth_key)?;
    assert!(client.send(&Heartbeat::default()).await?.need_sync);
    assert_eq!(client.send(&GetLatestConfig).await?, sample_config()?);

    // 413 above the body limit.
    let entry = json!({"userId": 1, "nodeProtocolId": 1, "bytesUp": 1, "bytesDown": 1, "recordedAt": "2026-06-01T12:00:00.000Z"});
    let big: NodeUsageDto = serde_json::from_value(json!({"entries": vec![entry; 2000]}))?;
    let request = ReportUsage::new(big).try_into_http_request(&server.http_url)?;
    assert!(request.body().len() > limit);
    let response = client.send_raw::<nodewire_core::Error>(request).await?;
    assert_eq!(response.status(), http::StatusCode::PAYLOAD_TOO_LARGE);
    let body: nodewire_core::ErrorResponse = serde_json::from_slice(response.body())?;
    assert_eq!(body.status_code, 413);
    server.stop().await;
    Ok(())
}

/// What a raw exchange got: the status line's code, the headers, the body, and how long the
/// answer took.
struct Raw {
    status: u16,
    head: String,
    body: String,
    took: Duration,
}

/// Writes `request` on a fresh connection to `addr` (and nothing more), then reads one
/// answer: the head, and the body its `Content-Length` announces. Gives up after 10 s.
async fn raw_exchange(
    addr: &str,
    request: &[u8],
) -> Result<Raw, Box<dyn std::error::Error + Send + Sync>> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request).await?;
    let mut received = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(received.get(..end).unwrap_or_default());
                let length = head
                    .lines()
                    .filter_map(|l| l.split_once(':'))
                    .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if received.len() >= end + 4 + length {
                    return Ok::<_, std::io::Error>(end);
                }
            }
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            received.extend_from_slice(buf.get(..n).unwrap_or_default());
        }
    };
    let end = tokio::time::timeout(Duration::from_secs(10), read).await??;
    let took = started.elapsed();
    let head = String::from_utf8_lossy(received.get(..end).unwrap_or_default()).into_owned();
    let body = String::from_utf8_lossy(received.get(end + 4..).unwrap_or_default()).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line in {head:?}"))?;
    Ok(Raw {
        status,
        head,
        body,
        took,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn core_refuses_on_the_wire_in_its_order() -> TestResult {
    let core = MockCore::new(MockConfig {
        registration_codes: vec![Secret::new("wire-1")],
        config: sample_config()?,
    });
    let limit = 64 * 1024;
    let limits = Limits::default().body_timeout(Duration::from_millis(300));
    let server = spawn_core_with(core, limit, limits).await?;
    let addr = server.http_url.trim_start_matches("http://").to_owned();
    let registration = RegisterNodeDto::new("wire-1".parse()?, "n", "203.0.113.7".parse()?, "eu");
    let identity = Client::new(&server.http_url)?
        .send(&RegisterNode::new(registration))
        .await?;
    let key = identity.auth_key.expose().to_owned();

    // A declared length over the limit: Core's 413 at once, no `100 Continue`, nothing read;
    // with or without a key (the body parser runs before the key guard).
    for auth in [String::new(), format!("x-node-auth-key: {key}\r\n")] {
        let request = format!(
            "POST /node/usage HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: 2097152\r\nExpect: 100-continue\r\n{auth}\r\n"
        );
        let raw = raw_exchange(&addr, request.as_bytes()).await?;
        assert_eq!(raw.status, 413, "{}", raw.head);
        assert!(!raw.head.contains("100 Continue"), "{}", raw.head);
        let body: nodewire_core::ErrorResponse = serde_json::from_str(&raw.body)?;
        assert_eq!(body.status_code, 413);
    }

    // Broken framing: 400, not a false 413.
    let request = format!(
        "POST /node/heartbeat HTTP/1.1\r\nHost: {addr}\r\nx-node-auth-key: {key}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"
    );
    let raw = raw_exchange(&addr, request.as_bytes()).await?;
    assert_eq!(raw.status, 400, "{}", raw.head);

    // A body that stops arriving: 408 within the body timeout.
    let request = format!(
        "POST /node/heartbeat HTTP/1.1\r\nHost: {addr}\r\nx-node-auth-key: {key}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"ip\":"
    );
    let raw = raw_exchange(&addr, request.as_bytes()).await?;
    assert_eq!(raw.status, 408, "{}", raw.head);
    assert!(raw.took < Duration::from_secs(5), "took {:?}", raw.took);

    // A known path with another method: Express's 404, no 405 and no Allow.
    let request =
        format!("GET /node/heartbeat HTTP/1.1\r\nHost: {addr}\r\nx-node-auth-key: {key}\r\n\r\n");
    let raw = raw_exchange(&addr, request.as_bytes()).await?;
    assert_eq!(raw.status, 404, "{}", raw.head);
    assert!(
        !raw.head.to_ascii_lowercase().contains("\nallow:"),
        "{}",
        raw.head
    );
    assert!(
        raw.body.contains("Cannot GET /node/heartbeat"),
        "{}",
        raw.body
    );

    // A huge bad value: 400 naming the field, quoting the value only in part.
    let value = "9".repeat(60_000);
    let body = format!("{{\"ip\":\"{value}\"}}");
    let request = format!(
        "POST /node/heartbeat HTTP/1.1\r\nHost: {addr}\r\nx-node-auth-key: {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let raw = raw_exchange(&addr, request.as_bytes()).await?;
    assert_eq!(raw.status, 400, "{}", raw.head);
    assert!(raw.body.contains("ip"), "{}", raw.body);
    assert!(raw.body.len() < 2048, "{} bytes", raw.body.len());

    // gRPC: a message over the same limit is refused before it reaches Core.
    let channel = nodewire_core::agent::connect(
        &server.grpc_url(),
        nodewire_core::agent::ChannelSecurity::Plaintext,
        None,
    )
    .await?;
    let mut grpc = nodewire_core::grpc::client::CoreClient::new(channel, identity.auth_key)?;
    let entry = json!({"userId": 1, "nodeProtocolId": 1, "bytesUp": 1, "bytesDown": 1, "recordedAt": "2026-06-01T12:00:00.000Z"});
    let big: NodeUsageDto = serde_json::from_value(json!({"entries": vec![entry.clone(); 4000]}))?;
    let refused = grpc.report_usage(&big).await.err().and_then(|e| e.code());
    // tonic's decoder refuses it, with its code.
    assert_eq!(refused, Some(tonic::Code::OutOfRange));
    assert_eq!(server.core.usage_entries()?, 0);
    let small: NodeUsageDto = serde_json::from_value(json!({"entries": vec![entry; 10]}))?;
    grpc.report_usage(&small).await?;
    assert_eq!(server.core.usage_entries()?, 10);
    server.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_core_server_binary_listens_where_told() -> TestResult {
    let dir = Scratch::new("binary")?;
    std::fs::write(dir.path("codes"), "bin-1\nbin-2\n")?;
    let server = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_core-server"));
        command
            .env_clear()
            .stderr(Stdio::piped())
            .stdout(Stdio::null());
        command
    };

    // Loopback unless --public; --public only with registration codes.
    for args in [
        &["--listen", "192.0.2.1:0"][..],
        &["--host", "0.0.0.0", "--port", "0"],
        &["--listen", "0.0.0.0:0", "--public", "--grpc-port", "0"],
    ] {
        let out = server().args(args).output()?;
        assert!(!out.status.success(), "{args:?} started");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("--public") || stderr.contains("registration codes"),
            "{stderr}"
        );
    }

    let code_file = dir.path("codes");
    let code_file = code_file.to_str().ok_or("path")?;
    let mut command = server();
    command
        .args(["--listen", "127.0.0.1:0", "--grpc-port", "0"])
        .args(["--code-file", code_file, "--header-timeout", "2"]);
    let core = tokio::task::spawn_blocking(move || Running::start(&mut command)).await??;
    let client = Client::new(&core.url)?;
    for (code, registers) in [("bin-2", true), ("other", false)] {
        let registration = RegisterNodeDto::new(code.parse()?, "n", "203.0.113.7".parse()?, "eu");
        let answer = client.send(&RegisterNode::new(registration)).await;
        assert_eq!(answer.is_ok(), registers, "{code}: {answer:?}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tour_leg_runs_to_the_end() -> Result<(), Box<dyn std::error::Error>> {
    nodewire_examples::core::tour().await
}
