//! The Dash receiver and agent over HTTP on 127.0.0.1: the agent's identity, static and
//! reports are accepted, a captured Ithiltir-node body is accepted, a wrong secret gets 401
//! with Dash's body, an oversized body gets 413, and the HTML board lists every node with its
//! sparklines. Refusals come before the body is read, every 405 carries `Allow`, and the
//! board answers only to its own hosts and, when it has one, its token.

use std::time::Duration;

use bytes::Bytes;
use http::{StatusCode, header};
use nodewire_common::Secret;
use nodewire_common::client::Client;
use nodewire_common::server::Limits;
use nodewire_dash::identity::InstallId;
use nodewire_dash::server::ReceiverConfig;
use nodewire_dash::update::{RawManifest, UpdateManifest};
use nodewire_examples::dash::{
    AgentConfig, BoardAccess, ReceiverOptions, run_agent, spawn_receiver, spawn_receiver_with,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod common;
use common::run_agent_logged;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A body captured from a live Ithiltir-node 0.2.3 agent.
const CAPTURED_REPORT: &[u8] =
    include_bytes!("../../crates/nodewire-dash/tests/fixtures/live-push/003-metrics.request.json");
const CAPTURED_STATIC: &[u8] =
    include_bytes!("../../crates/nodewire-dash/tests/fixtures/live-push/002-static.request.json");

const AGENT_KEY: &str = "agent-node-key";
const CAPTURED_KEY: &str = "captured-node-key";

/// A request as the Go agent sends it.
fn push(
    url: &str,
    path: &str,
    secret: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
) -> http::Request<Bytes> {
    let mut builder = http::Request::post(format!("{url}{path}"))
        .header(header::CONTENT_TYPE, content_type)
        .header(header::USER_AGENT, "Go-http-client/1.1");
    if let Some(secret) = secret {
        builder = builder.header("X-Node-Secret", secret);
    }
    builder.body(Bytes::from(body)).unwrap_or_default()
}

async fn send(
    client: &Client,
    request: http::Request<Bytes>,
) -> Result<http::Response<Bytes>, Box<dyn std::error::Error + Send + Sync>> {
    Ok(client.send_raw::<std::convert::Infallible>(request).await?)
}

fn pending_update() -> Result<UpdateManifest, nodewire_dash::update::ManifestError> {
    UpdateManifest::try_from(RawManifest::new(
        "0.2.4",
        "0.2.4",
        "https://dash.example.com/deploy/linux/node_linux_amd64",
        "3f1c0d7e9b2a4c6d8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f",
        12_345_678,
    ))
}

#[tokio::test]
async fn agent_and_captured_bodies_reach_the_board() -> TestResult {
    let mut config = ReceiverConfig::new([
        ("agent-node", Secret::new(AGENT_KEY)),
        ("captured-node", Secret::new(CAPTURED_KEY)),
    ]);
    config.install_id = InstallId::from_random([0x5a; 16]);
    config.install_id_fresh = true;
    let (url, server) = spawn_receiver(config, Some(pending_update()?)).await?;
    let client = Client::new(&url)?;

    // The agent: identity, static, three reports of this machine.
    let (summary, log) = run_agent_logged(AgentConfig {
        targets: vec![(format!("{url}/api/node/metrics"), Secret::new(AGENT_KEY))],
        require_https: false,
        interval: Duration::from_millis(100),
        push_delay: Duration::ZERO,
        rounds: Some(3),
        fetch_identity: true,
        preferred_nics: Vec::new(),
        version: "0.1.0".to_owned(),
    })
    .await?;
    let identity = summary
        .identities
        .first()
        .cloned()
        .flatten()
        .ok_or(log.clone())?;
    assert_eq!(
        identity.install_id.as_str(),
        "server_5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
    );
    assert!(
        identity.created,
        "the first identity answer announces a new id"
    );
    assert!(
        summary.static_accepted.first().is_some_and(|n| *n >= 1),
        "{log}"
    );
    assert_eq!((summary.rounds, summary.successful_rounds), (3, 3), "{log}");
    // The receiver offered 0.2.4 to the 0.1.0 agent, which is not a managed install.
    assert!(
        log.contains("self update is disabled (offered 0.2.4)"),
        "{log}"
    );

    // A captured Ithiltir-node body, exactly as the Go agent sent it.
    let r = send(
        &client,
        push(
            &url,
            "/api/node/static",
            Some(CAPTURED_KEY),
            "application/json",
            CAPTURED_STATIC.to_vec(),
        ),
    )
    .await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.body().as_ref(), b"ok");
    let r = send(
        &client,
        push(
            &url,
            "/api/node/metrics",
            Some(CAPTURED_KEY),
            "application/json",
            CAPTURED_REPORT.to_vec(),
        ),
    )
    .await?;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.body());
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/json; charset=utf-8"
    );
    let answer: serde_json::Value = serde_json::from_slice(r.body())?;
    assert_eq!(answer["ok"], true);
    assert_eq!(
        answer["update"]["version"], "0.2.4",
        "0.2.3 < 0.2.4: the update is offered"
    );

    // A wrong secret: 401 with Dash's body; a missing one too.
    for secret in [Some("wrong-key"), None] {
        let r = send(
            &client,
            push(
                &url,
                "/api/node/metrics",
                secret,
                "application/json",
                CAPTURED_REPORT.to_vec(),
            ),
        )
        .await?;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "application/json; charset=utf-8"
        );
        assert_eq!(
            r.body().as_ref(),
            b"{\"code\":\"unauthorized\",\"message\":\"unauthorized\"}\n"
        );
    }

    // An oversized body: 413 with Dash's body.
    let mut huge = CAPTURED_REPORT.to_vec();
    huge.resize(nodewire_dash::server::DEFAULT_BODY_LIMIT + 1, b' ');
    let r = send(
        &client,
        push(
            &url,
            "/api/node/metrics",
            Some(CAPTURED_KEY),
            "application/json",
            huge,
        ),
    )
    .await?;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        r.body().as_ref(),
        b"{\"code\":\"body_too_large\",\"message\":\"request body too large\"}\n"
    );
    // Exactly at the limit is read (and this one is valid JSON with trailing spaces).
    let mut at_limit = CAPTURED_REPORT.to_vec();
    at_limit.resize(nodewire_dash::server::DEFAULT_BODY_LIMIT, b' ');
    let r = send(
        &client,
        push(
            &url,
            "/api/node/metrics",
            Some(CAPTURED_KEY),
            "application/json",
            at_limit,
        ),
    )
    .await?;
    assert_eq!(r.status(), StatusCode::OK);

    // The other refusals Dash makes on these routes.
    let r = send(
        &client,
        push(
            &url,
            "/api/node/metrics",
            Some(CAPTURED_KEY),
            "text/plain",
            CAPTURED_REPORT.to_vec(),
        ),
    )
    .await?;
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = send(
        &client,
        push(
            &url,
            "/api/node/metrics",
            Some(CAPTURED_KEY),
            "application/json",
            b"{\"version\":".to_vec(),
        ),
    )
    .await?;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        r.body().as_ref(),
        b"{\"code\":\"invalid_request\",\"message\":\"invalid request\"}\n"
    );
    let get = http::Request::get(format!("{url}/api/node/metrics")).body(Bytes::new())?;
    let r = send(&client, get).await?;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers()[header::ALLOW], "POST");

    // The board lists both nodes, each with CPU, memory and network sparklines.
    let page = send(
        &client,
        http::Request::get(format!("{url}/")).body(Bytes::new())?,
    )
    .await?;
    assert_eq!(page.status(), StatusCode::OK);
    let html = String::from_utf8(page.body().to_vec())?;
    for node in ["agent-node", "captured-node"] {
        assert!(
            html.contains(&format!("<tr class=\"node\" data-node=\"{node}\">")),
            "{html}"
        );
        for metric in ["cpu", "memory", "network"] {
            let svg = format!("<svg class=\"spark\" data-node=\"{node}\" data-metric=\"{metric}\"");
            assert_eq!(html.matches(&svg).count(), 1, "{node} {metric}");
        }
    }
    assert_eq!(
        html.matches("<polyline").count(),
        8,
        "cpu + memory + rx + tx per node"
    );
    assert!(html.contains("<td>vm</td>"), "the captured host name");
    assert!(
        html.contains("debian 12.11 (amd64)"),
        "the captured static body"
    );
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn agent_refuses_http_with_require_https_and_falls_back_without() -> TestResult {
    let (url, server) =
        spawn_receiver(ReceiverConfig::new([("n", Secret::new("k"))]), None).await?;
    let config = AgentConfig {
        targets: vec![(format!("{url}/api/node/metrics"), Secret::new("k"))],
        require_https: true,
        interval: Duration::from_millis(50),
        push_delay: Duration::ZERO,
        rounds: Some(1),
        fetch_identity: false,
        preferred_nics: Vec::new(),
        version: "0.1.0".to_owned(),
    };
    let refused = run_agent(config.clone(), |_| {}).await;
    assert!(
        refused
            .as_ref()
            .err()
            .is_some_and(|e| e.to_string().contains("must use https")),
        "{refused:?}"
    );

    // The receiver speaks plain HTTP: an https target falls back to http and keeps going.
    let https = url.replacen("http://", "https://", 1);
    let (summary, log) = run_agent_logged(AgentConfig {
        targets: vec![(format!("{https}/api/node/metrics"), Secret::new("k"))],
        require_https: false,
        rounds: Some(2),
        ..config
    })
    .await?;
    assert!(
        log.contains("https failed, fallback to http for 127.0.0.1:"),
        "{log}"
    );
    assert!(
        summary.static_accepted.first().is_some_and(|n| *n >= 1),
        "{log}"
    );
    assert!(summary.successful_rounds >= 1, "{log}");
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_tour_leg_runs() -> Result<(), Box<dyn std::error::Error>> {
    nodewire_examples::dash::tour().await
}

/// Sends `raw` on a new connection to the server at `url` and reads the answer until the
/// server closes the connection or `within` passes.
async fn raw_exchange(url: &str, raw: &str, within: Duration) -> Result<String, std::io::Error> {
    let addr = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(raw.as_bytes()).await?;
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => seen.extend_from_slice(buf.get(..n).unwrap_or_default()),
        }
    }
    Ok(String::from_utf8_lossy(&seen).into_owned())
}

/// The status code of a raw HTTP/1.1 answer.
fn status_of(answer: &str) -> Option<u16> {
    answer.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// The value of header `name` in a raw answer.
fn header_of<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    answer.lines().take_while(|l| !l.is_empty()).find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

#[tokio::test]
async fn refusals_come_before_the_body() -> TestResult {
    let (url, server) =
        spawn_receiver(ReceiverConfig::new([("n", Secret::new("k"))]), None).await?;
    let within = Duration::from_secs(5);
    // No key, 60 KB declared and none sent: 401 at once.
    let answer = raw_exchange(
        &url,
        "POST /api/node/metrics HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: 60000\r\n\r\n",
        within,
    )
    .await?;
    assert_eq!(status_of(&answer), Some(401), "{answer}");
    // A declared oversize: 413 without a 100 Continue and without the body.
    let answer = raw_exchange(
        &url,
        "POST /api/node/metrics HTTP/1.1\r\nHost: localhost\r\nX-Node-Secret: k\r\n\
         Content-Type: application/json\r\nContent-Length: 2097152\r\n\
         Expect: 100-continue\r\n\r\n",
        within,
    )
    .await?;
    assert_eq!(status_of(&answer), Some(413), "{answer}");
    assert!(!answer.contains("100 Continue"), "{answer}");
    // Broken chunked framing is 400, not a false 413.
    let answer = raw_exchange(
        &url,
        "POST /api/node/metrics HTTP/1.1\r\nHost: localhost\r\nX-Node-Secret: k\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n",
        within,
    )
    .await?;
    assert_eq!(status_of(&answer), Some(400), "{answer}");
    // A chunked body needs the JSON content type, as Go's r.ContentLength != 0 reads it.
    let answer = raw_exchange(
        &url,
        "POST /api/node/metrics HTTP/1.1\r\nHost: localhost\r\nX-Node-Secret: k\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        within,
    )
    .await?;
    assert_eq!(status_of(&answer), Some(415), "{answer}");
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn every_405_carries_allow() -> TestResult {
    let (url, server) =
        spawn_receiver(ReceiverConfig::new([("n", Secret::new("k"))]), None).await?;
    let within = Duration::from_secs(5);
    for (method, path, allowed) in [
        ("GET", "/api/node/metrics", "POST"),
        ("PUT", "/api/node/static", "POST"),
        ("DELETE", "/api/node/identity", "POST"),
        ("POST", "/", "GET"),
        ("DELETE", "/", "GET"),
    ] {
        let raw = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n"
        );
        let answer = raw_exchange(&url, &raw, within).await?;
        assert_eq!(status_of(&answer), Some(405), "{method} {path}: {answer}");
        let allow = header_of(&answer, "allow").unwrap_or_default();
        assert!(allow.contains(allowed), "{method} {path}: {answer}");
    }
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_board_answers_only_its_hosts_and_token() -> TestResult {
    let board = BoardAccess::default()
        .allow_host("dash.example.com")?
        .with_token(Secret::new("b0ard-t0ken"));
    let options = ReceiverOptions {
        board,
        ..ReceiverOptions::default()
    };
    let config = ReceiverConfig::new([("n", Secret::new("k"))]);
    let (url, server) = spawn_receiver_with(config, options, Limits::default()).await?;
    let port = url.rsplit(':').next().unwrap_or_default();
    let within = Duration::from_secs(5);
    let get = |target: &str, host: &str| {
        format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
    };
    let cases = [
        // A rebound name, even with the token: 421.
        (
            "/?token=b0ard-t0ken",
            format!("rebound.example.net:{port}"),
            421,
        ),
        (
            "/?token=b0ard-t0ken",
            "localhost.example.net".to_owned(),
            421,
        ),
        // A known host without the token, or with a wrong one: 403.
        ("/", format!("127.0.0.1:{port}"), 403),
        ("/?token=guess", "dash.example.com".to_owned(), 403),
        // A known host with the token.
        ("/?token=b0ard-t0ken", "dash.example.com".to_owned(), 200),
        ("/?token=b0ard-t0ken", format!("localhost:{port}"), 200),
        ("/?token=b0ard-t0ken", format!("[::1]:{port}"), 200),
    ];
    for (target, host, status) in cases {
        let answer = raw_exchange(&url, &get(target, &host), within).await?;
        assert_eq!(
            status_of(&answer),
            Some(status),
            "{target} {host}: {answer}"
        );
        if status != 200 {
            assert_eq!(
                header_of(&answer, "content-type"),
                Some("text/plain; charset=utf-8")
            );
            assert!(!answer.contains("b0ard-t0ken"), "{answer}");
        }
    }
    // Pushes never need the board's host or token.
    let push = "POST /api/node/identity HTTP/1.1\r\nHost: agents.example.org\r\n\
                X-Node-Secret: k\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let answer = raw_exchange(&url, push, within).await?;
    assert_eq!(status_of(&answer), Some(200), "{answer}");
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_default_board_refuses_a_foreign_host() -> TestResult {
    let (url, server) =
        spawn_receiver(ReceiverConfig::new([("n", Secret::new("k"))]), None).await?;
    let raw = "GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n";
    let answer = raw_exchange(&url, raw, Duration::from_secs(5)).await?;
    assert_eq!(status_of(&answer), Some(421), "{answer}");
    server.stop().await;
    Ok(())
}
