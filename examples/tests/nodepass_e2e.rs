//! The NodePass client against the NodePass mock master over HTTP on 127.0.0.1: the instance
//! lifecycle and the error paths (401, 403, 404, 409, 400 texts, the mux's plain 404), the
//! event stream (initial burst, live events, `shutdown` and close on key regeneration), and
//! the watch table's rates.

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
        Err(ClientError::Api(e)) => Some((e.status()?, e.message()?.to_owned())),
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
