//! The crates' stream clients against the example servers on 127.0.0.1 when the server goes
//! away: the kernel's SSE and WebSocket streams followed across a restart (`Reconnecting`),
//! and the NodePass watcher across a master restart whose instances changed meanwhile (its
//! table equals the new master's list, each instance once). Also the kernel mock's WebSocket
//! routes. Servers stop by themselves; every wait is bounded; nothing asserts on timing.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::StreamExt;
use nodewire_common::Secret;
use nodewire_common::client::{Client, Reconnecting, Update};
use nodewire_kernel::auth::Credentials;
use nodewire_kernel::endpoints::{
    EventsStream, EventsWs, StatusStreamQuery, StatusWs, UpsertProtocol,
};
use nodewire_kernel::mock::{MockConfig, MockKernel};
use nodewire_kernel::protocols::{NodeProfile, NodeRole, ProfileProtocol, ProtocolUpsertRequest};
use nodewire_kernel::streams::{EventName, StatusFrame};
use nodewire_nodepass::endpoints::{CreateInstance, DeleteInstance, ListInstances};
use nodewire_nodepass::events::Change;
use nodewire_nodepass::instances::{CreateInstanceRequest, Instance};
use nodewire_nodepass::mock::MockMaster;
use nodewire_nodepass::url::RequestUrl;
use nodewire_nodepass::watch::Watch;
use tokio::net::TcpListener;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const PATIENCE: Duration = Duration::from_secs(30);

fn kernel_client(url: &str) -> Result<Client, Box<dyn std::error::Error + Send + Sync>> {
    let auth = Credentials::basic("panel", "panel-secret").authorization();
    Ok(Client::new(url)?.with_header("authorization", auth)?)
}

fn add_node(id: &str) -> UpsertProtocol {
    let profile = NodeProfile::new(id, NodeRole::Listener, ProfileProtocol::Vless);
    UpsertProtocol::new(ProtocolUpsertRequest::new(profile).listen("0.0.0.0:443"))
}

/// A loopback address with a port that was free a moment ago, to serve on (and serve on again).
async fn free_addr() -> std::io::Result<SocketAddr> {
    TcpListener::bind("127.0.0.1:0").await?.local_addr()
}

/// What a served mock hands back: the sender that stops it, and its task.
type Served = (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
);

/// Binds `addr` and runs `serve(listener, stopped)` on a task until the returned sender fires
/// (`stopped` resolves then).
async fn serve_on<F, Fut>(addr: SocketAddr, serve: F) -> std::io::Result<Served>
where
    F: FnOnce(TcpListener, tokio::sync::oneshot::Receiver<()>) -> Fut,
    Fut: Future<Output = std::io::Result<()>> + Send + 'static,
{
    let listener = TcpListener::bind(addr).await?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = serve(listener, stopped);
    let task = tokio::spawn(async move {
        let _ = served.await;
    });
    Ok((stop, task))
}

/// Serves a fresh kernel mock on `addr` until the returned sender fires.
async fn kernel_on(addr: SocketAddr) -> std::io::Result<Served> {
    serve_on(addr, |listener, stopped| {
        nodewire_examples::kernel::serve_mock(
            listener,
            MockKernel::new(MockConfig::default()),
            nodewire_common::server::Limits::default(),
            async {
                let _ = stopped.await;
            },
        )
    })
    .await
}

/// Reads a followed stream until it has disconnected and connected again.
async fn reconnected<S, T, E>(stream: &mut S) -> Result<(), String>
where
    S: futures_util::Stream<Item = Result<Update<T>, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut disconnected = false;
    while let Some(update) = stream.next().await {
        match update {
            Ok(Update::Disconnected { .. }) => disconnected = true,
            Ok(Update::Connected) if disconnected => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Err("the stream ended".to_owned())
}

/// Reads a followed stream until an item satisfies `found`.
async fn until<S, T, E>(stream: &mut S, found: impl Fn(&T) -> bool) -> Result<Vec<String>, String>
where
    S: futures_util::Stream<Item = Result<Update<T>, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut log = Vec::new();
    while let Some(update) = stream.next().await {
        match update {
            Ok(Update::Item(item)) if found(&item) => return Ok(log),
            Ok(Update::Item(_)) => log.push("item".to_owned()),
            Ok(Update::Connected) => log.push("connected".to_owned()),
            Ok(Update::Disconnected { .. }) => log.push("disconnected".to_owned()),
            Ok(_) => log.push("other".to_owned()),
            Err(e) => return Err(e.to_string()),
        }
    }
    Err("the stream ended".to_owned())
}

#[tokio::test]
async fn kernel_streams_follow_a_restarted_kernel() -> TestResult {
    let addr = free_addr().await?;
    let url = format!("http://{addr}");
    let client = kernel_client(&url)?;
    let retry = Duration::from_millis(50);

    let (stop, task) = kernel_on(addr).await?;
    let mut sse = Reconnecting::new(client.clone(), EventsStream::default()).with_retry(retry);
    let mut ws = Reconnecting::new(client.clone(), EventsWs::default()).with_retry(retry);
    // Both connected before the first change.
    let first = tokio::time::timeout(PATIENCE, sse.next()).await?;
    assert!(matches!(first, Some(Ok(Update::Connected))));
    let first = tokio::time::timeout(PATIENCE, ws.next()).await?;
    assert!(matches!(first, Some(Ok(Update::Connected))));
    client.send(&add_node("edge-1")).await?;
    let added = |id: &'static str| {
        move |e: &nodewire_kernel::streams::EventEnvelope| {
            e.event == EventName::NodeAdded && e.node_payload().is_ok_and(|p| p.node_id == id)
        }
    };
    tokio::time::timeout(PATIENCE, until(&mut sse, |e| added("edge-1")(&e.data))).await??;
    tokio::time::timeout(PATIENCE, until(&mut ws, added("edge-1"))).await??;

    // The kernel restarts (a fresh one on the same port): both streams reconnect and carry
    // the new kernel's events.
    let _ = stop.send(());
    task.await?;
    let (stop, task) = kernel_on(addr).await?;
    tokio::time::timeout(PATIENCE, reconnected(&mut sse)).await??;
    tokio::time::timeout(PATIENCE, reconnected(&mut ws)).await??;
    client.send(&add_node("edge-2")).await?;
    // The first item after the reconnect is the new kernel's event.
    let sse_log =
        tokio::time::timeout(PATIENCE, until(&mut sse, |e| added("edge-2")(&e.data))).await??;
    let ws_log = tokio::time::timeout(PATIENCE, until(&mut ws, added("edge-2"))).await??;
    assert!(sse_log.is_empty(), "{sse_log:?}");
    assert!(ws_log.is_empty(), "{ws_log:?}");
    let _ = stop.send(());
    task.await?;
    Ok(())
}

#[tokio::test]
async fn the_kernel_mock_serves_its_websocket_routes() -> TestResult {
    let kernel =
        nodewire_examples::kernel::spawn_mock(MockKernel::new(MockConfig::default())).await?;
    let client = kernel_client(&kernel.url)?;
    let status = StatusWs::new(
        StatusStreamQuery::default()
            .interval(1)
            .include("nodes")
            .events("runtime,node"),
    );
    let mut frames = client.stream(&status).await?;
    let first = tokio::time::timeout(PATIENCE, frames.next())
        .await?
        .ok_or("ended")??;
    assert!(matches!(first, StatusFrame::Full(ref f) if f.snapshot.nodes == Some(vec![])));
    client.send(&add_node("edge-1")).await?;
    // The `events=node` filter puts the node event on the status stream too.
    let event = tokio::time::timeout(PATIENCE, async {
        while let Some(frame) = frames.next().await {
            if let StatusFrame::Other(map) = frame? {
                return Ok(map);
            }
        }
        Err::<_, Box<dyn std::error::Error + Send + Sync>>("ended".into())
    })
    .await??;
    assert_eq!(
        event.get("event").and_then(|e| e.as_str()),
        Some("node.added")
    );
    frames.close().await;
    // Without credentials the upgrade is refused with the kernel's error.
    let anonymous = Client::new(&kernel.url)?;
    assert!(matches!(
        anonymous.stream(&EventsWs::default()).await,
        Err(nodewire_common::client::ClientError::Api(e)) if e.status() == Some(http::StatusCode::UNAUTHORIZED)
    ));
    kernel.stop().await;
    Ok(())
}

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn master() -> MockMaster {
    MockMaster::new(nodewire_nodepass::mock::MockConfig {
        api_key: Secret::new(KEY),
        ..Default::default()
    })
}

/// Serves a NodePass mock on `addr` until the returned sender fires.
async fn master_on(addr: SocketAddr) -> std::io::Result<Served> {
    serve_on(addr, |listener, stopped| {
        nodewire_examples::nodepass::serve_mock(
            listener,
            master(),
            None,
            nodewire_common::server::Limits::default(),
            async {
                let _ = stopped.await;
            },
        )
    })
    .await
}

async fn create(
    client: &Client,
    url: &str,
) -> Result<Instance, Box<dyn std::error::Error + Send + Sync>> {
    let request = CreateInstanceRequest::new(RequestUrl::new(url)?);
    Ok(client.send(&CreateInstance::new(request)).await?)
}

/// The master's instances without the API-key one, by id.
async fn listed(
    client: &Client,
) -> Result<Vec<Instance>, Box<dyn std::error::Error + Send + Sync>> {
    let mut list: Vec<Instance> = client
        .send(&ListInstances)
        .await?
        .into_iter()
        .filter(|i| !i.is_api_key())
        .collect();
    list.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    Ok(list)
}

fn rows(watch: &Watch) -> Vec<Instance> {
    watch.table().instances().cloned().collect()
}

/// Reads the watch until its table equals `expected`.
async fn settle(watch: &mut Watch, expected: &[Instance]) -> Result<Vec<String>, String> {
    let mut log = Vec::new();
    if rows(watch) == expected {
        return Ok(log);
    }
    while let Some(change) = watch.next().await {
        match change {
            Ok(Change::Connected(_)) => log.push("connected".to_owned()),
            Ok(Change::Disconnected { why, .. }) => log.push(format!("{why:?}")),
            Ok(_) => {}
            Err(e) if e.is_fatal() => return Err(e.to_string()),
            Err(_) => {}
        }
        if rows(watch) == expected {
            return Ok(log);
        }
    }
    Err("the watch ended".to_owned())
}

#[tokio::test]
async fn the_nodepass_watcher_equals_a_restarted_master() -> TestResult {
    let addr = free_addr().await?;
    let base = format!("http://{addr}/api/v1");
    let client =
        Client::new(&base)?.with_header(nodewire_nodepass::AUTH_HEADER, Secret::new(KEY))?;

    let (stop, task) = master_on(addr).await?;
    create(&client, "server://:10101/127.0.0.1:8080").await?;
    let doomed = create(&client, "server://:10102/127.0.0.1:8080").await?;
    client.send(&DeleteInstance::new(doomed.id)?).await?;
    let mut watch = Watch::new(client.clone());
    let first = listed(&client).await?;
    let log = tokio::time::timeout(PATIENCE, settle(&mut watch, &first)).await??;
    assert_eq!(log, ["connected"]);
    create(&client, "client://127.0.0.1:10101/127.0.0.1:8081").await?;
    let grown = listed(&client).await?;
    assert_eq!(grown.len(), 2);
    tokio::time::timeout(PATIENCE, settle(&mut watch, &grown)).await??;

    // The master stops (`shutdown` on the stream) and a new one with other instances takes
    // its port: after the reconnect the table is the new master's list, each instance once.
    let _ = stop.send(());
    task.await?;
    let (stop, task) = master_on(addr).await?;
    create(&client, "server://:10201/127.0.0.1:9090").await?;
    let after = listed(&client).await?;
    assert_eq!(after.len(), 1);
    let log = tokio::time::timeout(PATIENCE, settle(&mut watch, &after)).await??;
    assert_eq!(log.first().map(String::as_str), Some("Shutdown"), "{log:?}");
    assert_eq!(log.last().map(String::as_str), Some("connected"), "{log:?}");
    assert_eq!(rows(&watch), after);
    let _ = stop.send(());
    task.await?;
    Ok(())
}
