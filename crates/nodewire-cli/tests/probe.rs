//! `nodewire probe` end to end: the binary against every mock on 127.0.0.1 (clean), and
//! against a proxy in front of the telemt mock that makes its answers drift (an unknown field,
//! a changed type, a missing required field, an unknown enum label), each reported at its
//! route and JSON pointer.
#![cfg(feature = "probe")]

use std::process::{Command, Output};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use serde_json::{Value, json};
use tokio::net::TcpListener;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Runs `nodewire probe <args>` off the runtime's threads.
async fn probe(args: Vec<String>) -> Result<Output, Box<dyn std::error::Error + Send + Sync>> {
    Ok(tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_nodewire"))
            .arg("probe")
            .args(&args)
            .output()
    })
    .await??)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The JSON report and the exit code of a `--json` probe.
async fn probe_json(
    args: &[&str],
) -> Result<(Option<i32>, Value, String), Box<dyn std::error::Error + Send + Sync>> {
    let mut args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    args.push("--json".to_owned());
    let out = probe(args).await?;
    let stdout = text(&out.stdout);
    let report = serde_json::from_str(&stdout)
        .map_err(|e| format!("not a JSON report ({e}): {stdout}{}", text(&out.stderr)))?;
    Ok((out.status.code(), report, text(&out.stderr)))
}

fn rows_of(report: &Value) -> Vec<Value> {
    report
        .get("routes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn row<'a>(rows: &'a [Value], route: &str) -> Option<&'a Value> {
    rows.iter().find(|r| r.get("route") == Some(&json!(route)))
}

fn verdict(rows: &[Value], route: &str) -> Option<String> {
    row(rows, route)
        .and_then(|r| r.get("verdict"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Every row is `ok` or `skipped`, and at least `called` rows were called.
fn assert_clean(report: &Value, called: usize) {
    let rows = rows_of(report);
    let bad: Vec<&Value> = rows
        .iter()
        .filter(|r| !matches!(r["verdict"].as_str(), Some("ok" | "skipped")))
        .collect();
    assert!(bad.is_empty(), "rows not ok: {bad:#?}");
    let ok = rows.iter().filter(|r| r["verdict"] == "ok").count();
    assert!(ok >= called, "only {ok} routes called: {rows:#?}");
}

const TELEMT_AUTH: &str = "Bearer probe-token";

async fn telemt_mock() -> Result<(String, nodewire_examples::telemt::MockHandle), std::io::Error> {
    use nodewire_telemt::mock::{MockConfig, MockTelemt};
    let config = MockConfig {
        auth_header: nodewire_common::Secret::new(TELEMT_AUTH),
        ..MockConfig::default()
    };
    nodewire_examples::telemt::spawn_mock(MockTelemt::new(config, &["alice"])).await
}

#[tokio::test(flavor = "multi_thread")]
async fn telemt_mock_is_clean() -> TestResult {
    let (url, server) = telemt_mock().await?;
    let header = format!("Authorization: {TELEMT_AUTH}");
    let (code, report, stderr) = probe_json(&["telemt", &url, "--header", &header]).await?;
    assert_eq!(code, Some(0), "{report:#}{stderr}");
    assert_clean(&report, 25);
    assert_eq!(report["version"], "3.4.25");
    let rows = rows_of(&report);
    let user = row(&rows, "GET /v1/users/{username}").ok_or("no user row")?;
    assert_eq!(user["path"], "/v1/users/alice");
    assert_eq!(
        verdict(&rows, "GET /v1/system/reload/{id}").as_deref(),
        Some("skipped")
    );

    // The table form says the same, with a summary line.
    let out = probe(vec![
        "telemt".into(),
        url.clone(),
        "--header".into(),
        header.clone(),
    ])
    .await?;
    let table = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{table}");
    assert!(table.contains("reports version 3.4.25"), "{table}");
    assert!(table.contains(" 0 drift, 0 error"), "{table}");

    // Without the key every route answers 401: an error, exit 1, nothing panics.
    let (code, report, _) = probe_json(&["telemt", &url]).await?;
    assert_eq!(code, Some(1));
    let rows = rows_of(&report);
    let health = row(&rows, "GET /v1/health").ok_or("no health row")?;
    assert_eq!(health["status"], 401);
    assert_eq!(health["verdict"], "error");
    server.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn nodepass_mock_is_clean() -> TestResult {
    use nodewire_nodepass::mock::{MockConfig, MockMaster};
    const KEY: &str = "0123456789abcdef0123456789abcdef";
    let server = nodewire_examples::nodepass::spawn_mock(
        MockMaster::new(MockConfig {
            api_key: nodewire_common::Secret::new(KEY),
            ..MockConfig::default()
        }),
        None,
    )
    .await?;
    // One instance, so `/instances/{id}` has an id to call.
    let created = reqwest::Client::new()
        .post(format!("{}/instances", server.base_url))
        .header(nodewire_nodepass::AUTH_HEADER, KEY)
        .header("content-type", "application/json")
        .body(json!({"alias": "probe", "url": "server://:10101/127.0.0.1:8080"}).to_string())
        .send()
        .await?;
    assert_eq!(created.status(), 201);

    let header = format!("X-API-Key: {KEY}");
    let (code, report, stderr) =
        probe_json(&["nodepass", &server.base_url, "--header", &header]).await?;
    assert_eq!(code, Some(0), "{report:#}{stderr}");
    assert_clean(&report, 5);
    assert!(report["version"].is_string(), "{report:#}");
    let rows = rows_of(&report);
    assert_eq!(verdict(&rows, "GET /instances/{id}").as_deref(), Some("ok"));
    assert_eq!(verdict(&rows, "GET /events").as_deref(), Some("ok"));
    let tcping = row(&rows, "GET /tcping").ok_or("no tcping row")?;
    assert_eq!(tcping["verdict"], "skipped");
    assert!(tcping.get("status").is_none(), "tcping was called");
    server.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn kernel_mock_is_clean() -> TestResult {
    use nodewire_kernel::mock::{MockConfig, MockKernel};
    let kernel =
        nodewire_examples::kernel::spawn_mock(MockKernel::new(MockConfig::default())).await?;
    let credentials = nodewire_kernel::auth::Credentials::basic("panel", "panel-secret");
    let auth = credentials.authorization();
    let auth = auth.expose().to_owned();
    // A protocol binding and a user, from the spec's own examples.
    let fixtures = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../nodewire-kernel/tests/fixtures"
    );
    let http = reqwest::Client::new();
    for (path, file) in [
        (
            "/v1/protocols",
            "ProtocolUpsertRequest--POST_v1_protocols--request.json",
        ),
        (
            "/v1/users",
            "UserCreateRequest--POST_v1_users--request.json",
        ),
    ] {
        let body = std::fs::read(format!("{fixtures}/{file}"))?;
        let answer = http
            .post(format!("{}{path}", kernel.url))
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?;
        assert!(answer.status().is_success(), "{path}: {}", answer.status());
    }

    let header = format!("Authorization: {auth}");
    let (code, report, stderr) = probe_json(&[
        "kernel",
        &kernel.url,
        "--header",
        &header,
        "--stream-secs",
        "1",
    ])
    .await?;
    assert_eq!(code, Some(0), "{report:#}{stderr}");
    assert_clean(&report, 10);
    assert!(report.get("version").is_none(), "{report:#}");
    let rows = rows_of(&report);
    assert_eq!(verdict(&rows, "GET /v1/users/{id}").as_deref(), Some("ok"));
    assert_eq!(
        verdict(&rows, "GET /v1/protocols/{id}/users").as_deref(),
        Some("ok")
    );
    assert_eq!(
        verdict(&rows, "GET /v1/events/ws").as_deref(),
        Some("skipped")
    );
    kernel.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn core_mock_is_clean() -> TestResult {
    use nodewire_core::endpoints::RegisterNode;
    use nodewire_core::mock::{MockConfig, MockCore};
    use nodewire_core::register::RegisterNodeDto;
    let core = MockCore::new(MockConfig {
        registration_codes: Vec::new(),
        config: nodewire_examples::core::sample_config()?,
    });
    let server = nodewire_examples::core::spawn_core(core, 1 << 20).await?;
    let registration =
        RegisterNodeDto::new("probe".parse()?, "probe node", "203.0.113.9".parse()?, "eu");
    let identity = nodewire_common::client::Client::new(&server.http_url)?
        .send(&RegisterNode::new(registration))
        .await?;
    let header = format!("x-node-auth-key: {}", identity.auth_key.expose());
    let (code, report, stderr) =
        probe_json(&["core", &server.http_url, "--header", &header]).await?;
    assert_eq!(code, Some(0), "{report:#}{stderr}");
    assert_clean(&report, 1);
    server.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn dash_and_unreachable_servers_are_usage_errors() -> TestResult {
    let out = probe(vec!["dash".into(), "http://127.0.0.1:9".into()]).await?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no GET route"),
        "{}",
        text(&out.stderr)
    );

    // A port nobody listens on: bind one, then close it.
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    drop(listener);
    let out = probe(vec!["telemt".into(), url]).await?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot reach"),
        "{}",
        text(&out.stderr)
    );

    let out = probe(vec![
        "telemt".into(),
        "http://127.0.0.1:9".into(),
        "--header".into(),
        "Bearer s3cr3t".into(),
    ])
    .await?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("Name: value"),
        "{}",
        text(&out.stderr)
    );
    // The line is likely a credential without its name: it is not echoed.
    assert!(
        !text(&out.stderr).contains("s3cr3t"),
        "{}",
        text(&out.stderr)
    );
    Ok(())
}

/// How the proxy changes one answer: the path it applies to and the edit.
type Edit = (&'static str, fn(&mut Value));

struct Proxy {
    upstream: String,
    http: reqwest::Client,
    edits: Vec<Edit>,
}

async fn forward(
    State(proxy): State<Arc<Proxy>>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let path = request.uri().path().to_owned();
    let url = format!("{}{}", proxy.upstream, request.uri());
    let mut outgoing = proxy.http.request(request.method().clone(), url);
    for (name, value) in request.headers() {
        if name != http::header::HOST {
            outgoing = outgoing.header(name, value);
        }
    }
    let Ok(answer) = outgoing.send().await else {
        let mut response = axum::response::Response::new(Body::empty());
        *response.status_mut() = http::StatusCode::BAD_GATEWAY;
        return response;
    };
    let status = answer.status();
    let body = answer.bytes().await.unwrap_or_default();
    let body = match proxy.edits.iter().find(|(p, _)| *p == path) {
        Some((_, edit)) => match serde_json::from_slice::<Value>(&body) {
            Ok(mut value) => {
                edit(&mut value);
                bytes::Bytes::from(value.to_string())
            }
            Err(_) => body,
        },
        None => body,
    };
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap_or_default()
}

async fn spawn_proxy(upstream: String, edits: Vec<Edit>) -> Result<String, std::io::Error> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let state = Arc::new(Proxy {
        upstream,
        http: reqwest::Client::new(),
        edits,
    });
    let app = axum::Router::new().fallback(forward).with_state(state);
    // Stops with the test's runtime.
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

#[tokio::test(flavor = "multi_thread")]
async fn telemt_drift_is_reported_at_its_route_and_pointer() -> TestResult {
    let (url, server) = telemt_mock().await?;
    let proxy = spawn_proxy(
        url,
        vec![
            // An unknown field.
            ("/v1/system/info", |v| {
                if let Some(data) = v.get_mut("data").and_then(Value::as_object_mut) {
                    data.insert("build_flavor".into(), json!("lts"));
                }
            }),
            // A changed type.
            ("/v1/stats/summary", |v| {
                if let Some(data) = v.get_mut("data").and_then(Value::as_object_mut) {
                    data.insert("uptime_seconds".into(), json!("eleven"));
                }
            }),
            // A missing required field.
            ("/v1/users/alice", |v| {
                if let Some(data) = v.get_mut("data").and_then(Value::as_object_mut) {
                    data.remove("username");
                }
            }),
            // An unknown enum label.
            ("/v1/health", |v| {
                if let Some(data) = v.get_mut("data").and_then(Value::as_object_mut) {
                    data.insert("status".into(), json!("draining"));
                }
            }),
        ],
    )
    .await?;
    let header = format!("Authorization: {TELEMT_AUTH}");
    let (code, report, stderr) = probe_json(&["telemt", &proxy, "--header", &header]).await?;
    assert_eq!(code, Some(1), "{report:#}{stderr}");
    let rows = rows_of(&report);

    let info = row(&rows, "GET /v1/system/info").ok_or("no info row")?;
    assert_eq!(info["verdict"], "drift");
    assert_eq!(info["lost"], json!(["/data/build_flavor"]));

    let summary = row(&rows, "GET /v1/stats/summary").ok_or("no summary row")?;
    assert_eq!(summary["verdict"], "error");
    let error = summary["error"].as_str().unwrap_or_default();
    assert!(error.contains("data.uptime_seconds"), "{error}");

    let user = row(&rows, "GET /v1/users/{username}").ok_or("no user row")?;
    assert_eq!(user["verdict"], "error");
    let error = user["error"].as_str().unwrap_or_default();
    assert!(error.contains("username"), "{error}");

    let health = row(&rows, "GET /v1/health").ok_or("no health row")?;
    assert_eq!(health["verdict"], "drift");
    assert_eq!(
        health["unknown_labels"],
        json!([{"pointer": "/data/status", "enum": "HealthStatus", "label": "draining"}])
    );

    // Everything else stays clean.
    let others: Vec<&Value> = rows
        .iter()
        .filter(|r| {
            ![
                "GET /v1/system/info",
                "GET /v1/stats/summary",
                "GET /v1/users/{username}",
                "GET /v1/health",
            ]
            .contains(&r["route"].as_str().unwrap_or_default())
        })
        .filter(|r| !matches!(r["verdict"].as_str(), Some("ok" | "skipped")))
        .collect();
    assert!(others.is_empty(), "{others:#?}");

    // The table names the same places.
    let out = probe(vec!["telemt".into(), proxy, "--header".into(), header]).await?;
    let table = text(&out.stdout);
    println!("{table}");
    assert_eq!(out.status.code(), Some(1), "{table}");
    for expected in [
        "lost /data/build_flavor",
        "unknown HealthStatus label `draining` at /data/status",
        "data.uptime_seconds",
        "2 drift, 2 error",
    ] {
        assert!(table.contains(expected), "{expected}: {table}");
    }
    server.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_older_release_is_not_drift() -> TestResult {
    use nodewire_telemt::mock::{MockConfig, MockTelemt};
    let config = MockConfig {
        auth_header: nodewire_common::Secret::new(TELEMT_AUTH),
        release: "3.4.11".parse()?,
        ..MockConfig::default()
    };
    let (url, server) =
        nodewire_examples::telemt::spawn_mock(MockTelemt::new(config, &["alice"])).await?;
    let header = format!("Authorization: {TELEMT_AUTH}");
    let (code, report, stderr) = probe_json(&["telemt", &url, "--header", &header]).await?;
    assert_eq!(code, Some(0), "{report:#}{stderr}");
    assert_eq!(report["version"], "3.4.11");
    let rows = rows_of(&report);
    for (route, added) in [
        ("GET /v1/config", "3.4.16"),
        ("GET /v1/stats/users/quota", "3.4.13"),
        ("GET /v1/runtime/tls-fingerprints", "3.4.14"),
    ] {
        let row = row(&rows, route).ok_or(route)?;
        assert_eq!(row["verdict"], "not_in_release", "{row}");
        assert_eq!(
            row["error"],
            format!("added in release {added}; the server runs 3.4.11")
        );
        assert!(row.get("status").is_none(), "{route} was called");
    }
    // The user routes decode without the fields 3.4.11 lacks.
    assert_eq!(verdict(&rows, "GET /v1/users").as_deref(), Some("ok"));
    assert_eq!(
        verdict(&rows, "GET /v1/users/{username}").as_deref(),
        Some("ok")
    );
    assert_eq!(
        verdict(&rows, "GET /v1/runtime/me_pool_state").as_deref(),
        Some("ok")
    );
    server.stop().await;
    Ok(())
}
