//! The NodePass client against the NodePass mock master over HTTP on 127.0.0.1: the instance
//! lifecycle and the error paths (401, 403, 404, 409, 400 texts, the mux's plain 404), the
//! event stream (initial burst, live events, `shutdown` and close on key regeneration), and
//! the watch table's rates; refusals made from the request head before the body (401, 405
//! with `Allow`, a declared oversize 413), bad framing 400, and shutdown with streams open.

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http::StatusCode;
use nodewire_common::client::{Client, ClientError};
use nodewire_common::{Endpoint, Secret};
use nodewire_examples::nodepass::spawn_mock;
use nodewire_nodepass::Error;
use nodewire_nodepass::endpoints::*;
use nodewire_nodepass::events::{Change, EventType, FollowError};
use nodewire_nodepass::instances::{
    Action, CreateInstanceRequest, InstanceAlias, InstanceId, InstanceStatus, MetaUpdate,
    PeerUpdate, PutInstanceRequest, TagKey, TagValue, UpdateInstanceRequest,
};
use nodewire_nodepass::mock::{MockConfig, MockMaster};
use nodewire_nodepass::url::{Address, InstanceUrl, MasterSettings, RequestUrl};
use nodewire_nodepass::watch::Watch;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn mock() -> MockMaster {
    MockMaster::new(MockConfig {
        api_key: Secret::new(KEY),
        settings: MasterSettings {
            log: "info".to_owned(),
            ..MasterSettings::default()
        },
        subscriber_buffer: 1024,
        ..MockConfig::default()
    })
}

fn api<T: std::fmt::Debug>(r: Result<T, ClientError<Error>>) -> Option<(StatusCode, String)> {
    match r {
        Err(ClientError::Api(e)) => Some((e.status()?, e.message()?.into_owned())),
        _ => None,
    }
}

async fn raw(
    client: &Client,
    method: &str,
    path: &str,
    body: impl Into<String>,
) -> Result<http::Response<Bytes>, Box<dyn std::error::Error + Send + Sync>> {
    let mut r = http::Request::new(Bytes::from(body.into()));
    *r.method_mut() = http::Method::from_bytes(method.as_bytes())?;
    *r.uri_mut() = format!("{}{path}", client.base_url()).parse()?;
    Ok(client.send_raw::<Error>(r).await?)
}

#[tokio::test]
async fn lifecycle_and_errors() -> TestResult {
    let server = spawn_mock(mock(), None).await?;
    let client = Client::new(&server.base_url)?
        .with_header(nodewire_nodepass::AUTH_HEADER, Secret::new(KEY))?;

    // 401 without the key and with a wrong one; the public routes need none.
    let anonymous = Client::new(&server.base_url)?;
    assert_eq!(
        api(anonymous.send(&ListInstances).await),
        Some((
            StatusCode::UNAUTHORIZED,
            "Unauthorized: API key required".into()
        ))
    );
    let wrong = Client::new(&server.base_url)?
        .with_header(nodewire_nodepass::AUTH_HEADER, Secret::new("x"))?;
    assert_eq!(
        api(wrong.send(&GetMasterInfo).await),
        Some((
            StatusCode::UNAUTHORIZED,
            "Unauthorized: Invalid API key".into()
        ))
    );
    let spec = anonymous.send(&GetOpenApiSpec).await?;
    assert_eq!(spec["servers"][0]["url"], "/api/v1");
    assert!(anonymous.send(&GetDocs).await?.contains("openapi.json"));

    // Create from the typed model: 201, stopped, normalized with the master's log.
    let url = InstanceUrl::server(Address::any(10101))
        .target(Address::ip([127, 0, 0, 1], 8080))
        .build()?;
    let created = client
        .send(&CreateInstance::new(
            CreateInstanceRequest::new(&url).alias("web"),
        ))
        .await?;
    assert_eq!(created.status, InstanceStatus::Stopped);
    assert_eq!(created.url, "server://:10101/127.0.0.1:8080?log=info");
    assert!(created.config.contains("&lbs=0&"));
    let got = client.send(&GetInstance::new(created.id.clone())).await?;
    assert_eq!(got.status, InstanceStatus::Running);

    // A URL whose process fails is stored, then goes to `error`.
    let broken = RequestUrl::new("server://127.0.0.1:19141/127.0.0.1")?;
    let broken = client
        .send(&CreateInstance::new(CreateInstanceRequest::new(broken)))
        .await?;
    let broken = client.send(&GetInstance::new(broken.id)).await?;
    assert_eq!(broken.status, InstanceStatus::Error);

    // What the library refuses client-side, the master refuses with its own texts.
    let bad = raw(&client, "POST", "/instances", r#"{"url":"master://h:1/x"}"#).await?;
    assert_eq!(
        (bad.status(), &bad.body()[..]),
        (
            StatusCode::BAD_REQUEST,
            &b"{\"error\":\"Invalid URL scheme\"}\n"[..]
        )
    );
    let path = format!("/instances/{}", created.id);
    let long = raw(
        &client,
        "PATCH",
        &path,
        format!(r#"{{"alias":"{}"}}"#, "a".repeat(257)),
    )
    .await?;
    assert_eq!(long.status(), StatusCode::BAD_REQUEST);
    let ignored = raw(&client, "PATCH", &path, r#"{"alias":"#).await?;
    assert_eq!(ignored.status(), StatusCode::OK);

    // PATCH: alias, peer, tags; a stop answers the status before it.
    let patch = UpdateInstanceRequest::default()
        .alias(InstanceAlias::new("web-2")?)
        .meta(
            MetaUpdate::default()
                .peer(PeerUpdate::default().kind(nodewire_nodepass::instances::PeerType::new("2")?))
                .tags([(TagKey::new("env")?, TagValue::new("test")?)]),
        );
    let patched = client
        .send(&UpdateInstance::new(created.id.clone(), patch))
        .await?;
    assert_eq!(patched.alias, "web-2");
    assert_eq!(patched.meta.peer.kind, "2");
    assert_eq!(
        patched.meta.tags().get("env").map(String::as_str),
        Some("test")
    );
    let stopping = client
        .send(&UpdateInstance::new(
            created.id.clone(),
            UpdateInstanceRequest::action(Action::Stop),
        ))
        .await?;
    assert_eq!(stopping.status, InstanceStatus::Running);
    let stopped = client.send(&GetInstance::new(created.id.clone())).await?;
    assert_eq!(stopped.status, InstanceStatus::Stopped);

    // PUT the same URL: 409; a new one: 200, stopped, restarted.
    let same = PutInstance::new(created.id.clone(), PutInstanceRequest::new(&url))?;
    assert_eq!(
        api(client.send(&same).await),
        Some((StatusCode::CONFLICT, "Instance URL conflict".into()))
    );
    let other = url.to_builder().slot(100).build()?;
    let put = PutInstance::new(created.id.clone(), PutInstanceRequest::new(other))?;
    let replaced = client.send(&put).await?;
    assert_eq!(replaced.status, InstanceStatus::Stopped);
    assert!(replaced.url.contains("slot=100"));

    // The API-key instance: readable, not deletable; the client refuses before sending.
    let key_instance = client
        .send(&GetInstance::new(InstanceId::api_key()))
        .await?;
    assert_eq!(
        key_instance.api_key().map(|k| k.key),
        Some(Secret::new(KEY))
    );
    assert!(DeleteInstance::new(InstanceId::api_key()).is_err());
    let forbidden = raw(&client, "DELETE", "/instances/********", "").await?;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);

    // DELETE: 204, then 404.
    client
        .send(&DeleteInstance::new(created.id.clone())?)
        .await?;
    assert_eq!(
        api(client.send(&GetInstance::new(created.id.clone())).await),
        Some((StatusCode::NOT_FOUND, "Instance not found".into()))
    );

    // The mux: a trailing slash is a plain-text 404; OPTIONS needs no key.
    let unrouted = raw(&client, "GET", "/info/", "").await?;
    assert_eq!(unrouted.status(), StatusCode::NOT_FOUND);
    assert!(matches!(
        GetMasterInfo::try_from_http_response(&unrouted),
        Err(Error::Unexpected { .. })
    ));
    let preflight = raw(&anonymous, "OPTIONS", "/instances", "").await?;
    assert_eq!(preflight.status(), StatusCode::OK);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");

    // /tcping: the mock's own port connects, port 1 does not (still 200).
    let ok = client.send(&Tcping::new(server.addr.to_string())?).await?;
    assert!(ok.connected && ok.error.is_none());
    let refused = client.send(&Tcping::new("127.0.0.1:1")?).await?;
    assert!(!refused.connected && refused.error.is_some());

    // /info and the alias.
    let info = client
        .send(&UpdateMasterAlias::new(
            nodewire_nodepass::info::UpdateMasterAliasRequest::new(
                nodewire_nodepass::instances::MasterAlias::new("e2e")?,
            ),
        ))
        .await?;
    assert_eq!(info.alias, "e2e");
    assert!(info.noc.is_some());
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn events_follow_changes_and_close_on_key_regeneration() -> TestResult {
    let server = spawn_mock(mock(), Some(Duration::from_millis(50))).await?;
    let key = Secret::new(KEY);
    let client =
        Client::new(&server.base_url)?.with_header(nodewire_nodepass::AUTH_HEADER, key.clone())?;
    let mut source = client.stream(&SubscribeEvents).await?;
    let url = RequestUrl::new("client://127.0.0.1:10101/127.0.0.1:8080?mode=2")?;
    client
        .send(&CreateInstance::new(CreateInstanceRequest::new(url)))
        .await?;

    // Read until a CHECK_POINT update with traffic arrives (the stream never ends by itself).
    let mut kinds = Vec::new();
    let guard = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(Ok(e)) = source.next().await {
            let traffic = e.instance.as_ref().map(|i| i.tcprx).unwrap_or(0);
            kinds.push(e.kind.clone());
            if e.kind == EventType::Update && traffic > 0 {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(guard, Ok(true));
    assert_eq!(kinds.first(), Some(&EventType::Initial));
    assert!(kinds.contains(&EventType::Create));

    // Key regeneration: an update for `********`, then `shutdown`, then the stream closes.
    let regenerated = client.send(&UpdateInstance::regenerate_api_key()).await?;
    let new_key = regenerated.api_key().ok_or("key")?.key;
    assert_ne!(new_key, key);
    let mut tail = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match source.next().await {
                Some(Ok(event)) => tail.push(event),
                None => return !source.is_open(),
                Some(Err(_)) => return false,
            }
        }
    })
    .await;
    assert_eq!(ended, Ok(true));
    assert_eq!(
        tail.last().map(|e| e.kind.clone()),
        Some(EventType::Shutdown)
    );
    assert!(tail.iter().any(|e| {
        e.instance
            .as_ref()
            .is_some_and(|i| i.is_api_key() && i.url == new_key.expose())
    }));
    assert!(matches!(
        client.stream(&SubscribeEvents).await,
        Err(ClientError::Api(e)) if e.is_unauthorized()
    ));
    let renewed =
        Client::new(&server.base_url)?.with_header(nodewire_nodepass::AUTH_HEADER, new_key)?;
    assert!(renewed.stream(&SubscribeEvents).await.is_ok());
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_watch_table_has_rates_and_stops_when_the_key_changes() -> TestResult {
    let server = spawn_mock(mock(), Some(Duration::from_millis(50))).await?;
    let key = Secret::new(KEY);
    let client =
        Client::new(&server.base_url)?.with_header(nodewire_nodepass::AUTH_HEADER, key.clone())?;
    let url = RequestUrl::new("server://:10101/127.0.0.1:8080")?;
    let created = client
        .send(&CreateInstance::new(CreateInstanceRequest::new(url)))
        .await?;
    let mut watch = Watch::new(client.clone());
    let seen = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(change) = watch.next().await {
            change?;
            let table = watch.table();
            if let Some(rate) = table.rows().first().and_then(|r| r.rates.tcprx) {
                return Ok((table.rows().len(), rate, table.to_string()));
            }
        }
        Err(FollowError::Event(nodewire_common::DecodeError::root(
            "ended",
        )))
    })
    .await??;
    let (rows, rate, text) = seen;
    assert_eq!(rows, 1);
    assert!(rate > 0.0);
    assert!(text.contains(created.id.as_str()));
    // After a key regeneration the watcher reconnects, is refused, and stops, with the new
    // key the stream announced before `shutdown`.
    let regenerated = client.send(&UpdateInstance::regenerate_api_key()).await?;
    let new_key = regenerated.api_key().ok_or("key")?.key;
    let end = tokio::time::timeout(Duration::from_secs(60), async {
        let mut shutdown = false;
        while let Some(change) = watch.next().await {
            match change {
                Ok(Change::Disconnected { why, .. }) => {
                    shutdown |= why == nodewire_nodepass::events::Disconnect::Shutdown;
                }
                Ok(_) => {}
                Err(e) => return Some((shutdown, e)),
            }
        }
        None
    })
    .await?;
    match end {
        Some((true, FollowError::KeyRefused { announced: Some(k) })) => assert_eq!(k, new_key),
        other => panic!("expected shutdown, then the key refused: {other:?}"),
    }
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_tour_leg_runs() -> Result<(), Box<dyn std::error::Error>> {
    nodewire_examples::nodepass::tour().await
}

/// Sends `head` (and `body`) on a fresh connection and returns what the server answers
/// before it closes the connection or goes quiet for a second.
async fn exchange_raw(
    addr: std::net::SocketAddr,
    head: &str,
    body: &[u8],
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await
    {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(buf.get(..n).unwrap_or_default());
    }
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn refusals_come_from_the_head_before_the_body() -> TestResult {
    let server = spawn_mock(mock(), None).await?;
    let addr = server.addr;
    let oversize = |key: &str| {
        format!(
            "POST /api/v1/instances HTTP/1.1\r\nHost: m\r\nConnection: close\r\n{key}Content-Type: application/json\r\n\
             Content-Length: 2097152\r\nExpect: 100-continue\r\n\r\n"
        )
    };
    // No key: 401, without a `100 Continue` and without a byte of the body sent.
    let answer = exchange_raw(addr, &oversize(""), b"").await?;
    assert!(answer.starts_with("HTTP/1.1 401 "), "{answer}");
    assert!(answer.contains("API key required"), "{answer}");
    // With the key: the declared length is over the limit, so 413 at once.
    let answer = exchange_raw(addr, &oversize(&format!("X-API-Key: {KEY}\r\n")), b"").await?;
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(!answer.contains("100 Continue"), "{answer}");
    // A body the handler never reads is not read: GET /info answers with a body pending.
    let head = format!(
        "GET /api/v1/info HTTP/1.1\r\nHost: m\r\nConnection: close\r\nX-API-Key: {KEY}\r\nContent-Length: 2097152\r\n\r\n"
    );
    let answer = exchange_raw(addr, &head, b"").await?;
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    // Broken chunk framing is 400, not a false 413.
    let head = format!(
        "POST /api/v1/instances HTTP/1.1\r\nHost: m\r\nConnection: close\r\nX-API-Key: {KEY}\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    );
    let answer = exchange_raw(addr, &head, b"zz\r\n{}\r\n0\r\n\r\n").await?;
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    // Every 405 carries Allow, the key checked first.
    for (method, path, allow) in [
        ("DELETE", "/api/v1/instances", "GET, POST, OPTIONS"),
        ("POST", "/api/v1/events", "GET, OPTIONS"),
        (
            "POST",
            "/api/v1/instances/********",
            "GET, PATCH, PUT, DELETE, OPTIONS",
        ),
        ("GET", "/api/v2", "POST, OPTIONS"),
    ] {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: m\r\nConnection: close\r\nX-API-Key: {KEY}\r\n\r\n"
        );
        let answer = exchange_raw(addr, &head, b"").await?;
        assert!(
            answer.starts_with("HTTP/1.1 405 "),
            "{method} {path}: {answer}"
        );
        assert!(
            answer
                .to_ascii_lowercase()
                .contains(&format!("\r\nallow: {}\r\n", allow.to_ascii_lowercase())),
            "{method} {path}: {answer}"
        );
        let head = format!("{method} {path} HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n");
        let answer = exchange_raw(addr, &head, b"").await?;
        assert!(
            answer.starts_with("HTTP/1.1 401 "),
            "{method} {path}: {answer}"
        );
    }
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn shutdown_ends_open_event_streams_within_the_grace() -> TestResult {
    let server = spawn_mock(mock(), None).await?;
    let client = Client::new(&server.base_url)?
        .with_header(nodewire_nodepass::AUTH_HEADER, Secret::new(KEY))?;
    let mut events = client.stream(&SubscribeEvents).await?;
    let first = tokio::time::timeout(Duration::from_secs(5), events.next()).await?;
    assert!(matches!(first, Some(Ok(_))), "{first:?}");
    let started = std::time::Instant::now();
    server.stop().await;
    // Stopping returns once the stream, sent `shutdown`, has ended: before the 5 s grace.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let mut kinds = Vec::new();
    while let Ok(Some(Ok(event))) =
        tokio::time::timeout(Duration::from_secs(5), events.next()).await
    {
        kinds.push(event.kind);
    }
    assert_eq!(kinds.last(), Some(&EventType::Shutdown), "{kinds:?}");
    Ok(())
}
