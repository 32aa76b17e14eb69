//! HTTP wiring for NodePass: serves [`MockMaster`] with axum (its event streams included),
//! follows a master's `/events` for the watch example, and runs the tour's NodePass leg.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body as AxumBody;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use nodewire_common::client::Client;
use nodewire_common::{Endpoint, Secret};
use nodewire_nodepass::endpoints::*;
use nodewire_nodepass::events::{Disconnect, EventStream, InstanceEvent, Next, Reconnect};
use nodewire_nodepass::instances::{
    CreateInstanceRequest, InstanceId, MetaUpdate, PutInstanceRequest, TagKey, TagValue,
    UpdateInstanceRequest,
};
use nodewire_nodepass::mock::{Body, MockMaster, Outcome, SubscriberId};
use nodewire_nodepass::url::{Address, InstanceUrl, LogLevel, RunMode, TunnelKey};
use nodewire_nodepass::watch::Table;
use tokio::net::TcpListener;
use tokio::sync::watch;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Shared {
    mock: Mutex<MockMaster>,
    changed: watch::Sender<u64>,
}

impl Shared {
    /// Runs `f` on the mock, then wakes every event stream.
    fn with<T>(&self, f: impl FnOnce(&mut MockMaster) -> T) -> Option<T> {
        let out = self.mock.lock().ok().map(|mut m| f(&mut m));
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
        out
    }
}

/// Forgets a subscriber when its connection goes away.
struct Subscription {
    shared: Arc<Shared>,
    id: SubscriberId,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Ok(mut m) = self.shared.mock.lock() {
            m.unsubscribe(self.id);
        }
    }
}

async fn next_chunk(sub: &Subscription, rx: &mut watch::Receiver<u64>) -> Option<Bytes> {
    loop {
        rx.borrow_and_update();
        let frames = sub.shared.mock.lock().ok()?.take_events(sub.id)?;
        if !frames.is_empty() {
            return Some(frames.concat().into());
        }
        rx.changed().await.ok()?;
    }
}

async fn tcping(target: &str) -> Result<Duration, String> {
    let start = tokio::time::Instant::now();
    match tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::TcpStream::connect(target),
    )
    .await
    {
        Ok(Ok(_)) => Ok(start.elapsed()),
        Ok(Err(e)) => Err(format!("dial tcp {target}: {e}")),
        Err(_) => Err(format!("dial tcp {target}: i/o timeout")),
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let limit = shared
        .mock
        .lock()
        .map(|m| m.config().body_limit)
        .unwrap_or(0);
    let (head, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Body::Complete(bytes),
        Err(_) => Body::TooLarge,
    };
    let Some(outcome) = shared.with(|m| m.handle(&head, body)) else {
        return http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match outcome {
        Outcome::Respond(response) => response.map(AxumBody::from),
        Outcome::Tcping { target } => {
            MockMaster::tcping_response(&target, tcping(&target).await).map(AxumBody::from)
        }
        Outcome::Stream {
            subscriber,
            head,
            prelude,
        } => {
            let sub = Subscription {
                shared: shared.clone(),
                id: subscriber,
            };
            let rx = shared.changed.subscribe();
            let first = futures_util::stream::once(async move { Ok::<_, std::io::Error>(prelude) });
            let rest = futures_util::stream::unfold((sub, rx), |(sub, mut rx)| async move {
                let chunk = next_chunk(&sub, &mut rx).await?;
                Some((Ok(chunk), (sub, rx)))
            });
            let body = AxumBody::from_stream(futures_util::StreamExt::chain(first, rest));
            head.map(|()| body)
        }
    }
}

/// Serves `mock` on `listener` until `shutdown` resolves; every `tick` (if any) is a
/// `CHECK_POINT` of the running instances. At shutdown, event streams get `shutdown`.
pub async fn serve_mock(
    listener: TcpListener,
    mock: MockMaster,
    tick: Option<Duration>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (changed, _) = watch::channel(0u64);
    let shared = Arc::new(Shared {
        mock: Mutex::new(mock),
        changed,
    });
    let ticker = tick.map(|every| {
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(every);
            interval.tick().await;
            loop {
                interval.tick().await;
                shared.with(MockMaster::tick);
            }
        })
    });
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(shared.clone())
        .layer(axum::extract::DefaultBodyLimit::disable());
    let stopping = shared.clone();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            stopping.with(MockMaster::shutdown);
        })
        .await;
    if let Some(t) = ticker {
        t.abort();
    }
    result
}

/// A mock served in the background.
#[derive(Debug)]
pub struct MockHandle {
    /// The API base URL (`http://127.0.0.1:PORT/api/v1`).
    pub base_url: String,
    /// The listening address.
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl MockHandle {
    /// Stops the server (streams get `shutdown`) and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for MockHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds `127.0.0.1:0` and serves `mock` in the background.
pub async fn spawn_mock(mock: MockMaster, tick: Option<Duration>) -> std::io::Result<MockHandle> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}{}", mock.config().api_base);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve_mock(listener, mock, tick, async {
        let _ = rx.await;
    }));
    Ok(MockHandle {
        base_url,
        addr,
        stop: Some(tx),
        task,
    })
}

/// An open `/events` response, read incrementally.
pub struct EventSource {
    response: reqwest::Response,
    stream: EventStream,
}

/// Why opening or reading `/events` stopped.
#[derive(Debug)]
pub enum StreamEnd {
    /// `401`: the key is missing or no longer valid.
    Unauthorized,
    /// A transport or HTTP failure.
    Failed(String),
}

impl EventSource {
    /// `GET {base}/events` with `key`.
    pub async fn open(http: &reqwest::Client, base: &str, key: &Secret) -> Result<Self, StreamEnd> {
        let mut request = SubscribeEvents
            .try_into_http_request(base)
            .map_err(|e| StreamEnd::Failed(e.to_string()))?;
        let mut value = http::HeaderValue::from_str(key.expose())
            .map_err(|e| StreamEnd::Failed(e.to_string()))?;
        value.set_sensitive(true);
        request.headers_mut().insert(API_KEY_HEADER, value);
        let request =
            reqwest::Request::try_from(request).map_err(|e| StreamEnd::Failed(e.to_string()))?;
        let response = http
            .execute(request)
            .await
            .map_err(|e| StreamEnd::Failed(e.to_string()))?;
        match response.status() {
            http::StatusCode::OK => Ok(Self {
                response,
                stream: EventStream::new(),
            }),
            http::StatusCode::UNAUTHORIZED => Err(StreamEnd::Unauthorized),
            other => Err(StreamEnd::Failed(format!("HTTP {other}"))),
        }
    }

    /// The next chunk's events; `Ok(None)` when the stream ended (after `shutdown`, or the
    /// connection closed).
    pub async fn next(&mut self) -> Result<Option<Vec<InstanceEvent>>, String> {
        if self.stream.is_finished() {
            return Ok(None);
        }
        match self.response.chunk().await {
            Ok(Some(chunk)) => self
                .stream
                .push(&chunk)
                .into_iter()
                .map(|r| r.map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    /// `true` once `shutdown` arrived.
    pub fn is_finished(&self) -> bool {
        self.stream.is_finished()
    }

    /// The stream's `retry:`.
    pub fn retry(&self) -> Duration {
        self.stream.retry()
    }
}

/// Follows a master: `GET /instances`, then `/events` with the crate's reconnect rules,
/// calling `show` with the table after every change. Returns when the key is refused.
pub async fn watch_master(
    base: &str,
    key: Secret,
    mut show: impl FnMut(&Table),
) -> Result<(), BoxError> {
    let client = Client::new(base)?.with_header(API_KEY_HEADER, key.clone())?;
    let http = reqwest::Client::new();
    let mut table = Table::new();
    let mut rules = Reconnect::default();
    loop {
        let why = match client.send(&ListInstances).await {
            Ok(instances) => {
                table.reset(instances);
                show(&table);
                follow(&http, base, &key, &mut table, &mut rules, &mut show).await
            }
            Err(nodewire_common::client::ClientError::Api(e)) if e.is_unauthorized() => {
                Disconnect::Unauthorized
            }
            Err(_) => Disconnect::Failed,
        };
        match rules.next(why) {
            Next::NewKeyNeeded => return Err("the master refuses the API key".into()),
            Next::Reconnect { after } => tokio::time::sleep(after).await,
        }
    }
}

async fn follow(
    http: &reqwest::Client,
    base: &str,
    key: &Secret,
    table: &mut Table,
    rules: &mut Reconnect,
    show: &mut impl FnMut(&Table),
) -> Disconnect {
    let mut source = match EventSource::open(http, base, key).await {
        Ok(s) => s,
        Err(StreamEnd::Unauthorized) => return Disconnect::Unauthorized,
        Err(StreamEnd::Failed(_)) => return Disconnect::Failed,
    };
    loop {
        let read = source.next();
        let next = match rules.silence_limit(table.any_running()) {
            Some(limit) => match tokio::time::timeout(limit, read).await {
                Ok(r) => r,
                Err(_) => return Disconnect::Silent,
            },
            None => read.await,
        };
        match next {
            Ok(Some(events)) => {
                rules.set_retry(source.retry());
                if !events.is_empty() {
                    rules.connected();
                }
                for event in &events {
                    table.apply(event);
                }
                show(table);
            }
            Ok(None) if source.is_finished() => return Disconnect::Shutdown,
            Ok(None) => return Disconnect::Closed,
            Err(_) => return Disconnect::Failed,
        }
    }
}

const WIDTH: usize = 200;

/// The tour's NodePass leg: a mock master on 127.0.0.1, driven with the library's client.
pub async fn tour() -> Result<(), Box<dyn std::error::Error>> {
    let key = Secret::new("0123456789abcdef0123456789abcdef");
    let config = nodewire_nodepass::mock::MockConfig {
        api_key: key.clone(),
        settings: nodewire_nodepass::url::MasterSettings {
            log: "info".to_owned(),
            ..Default::default()
        },
        subscriber_buffer: 256,
        ..Default::default()
    };
    let server = spawn_mock(MockMaster::new(config), None).await?;
    let base = server.base_url.clone();
    println!(
        "== NodePass {} master API (mock on {base})\n",
        nodewire_nodepass::UPSTREAM_VERSION
    );
    let client = Client::new(&base)?.with_header(API_KEY_HEADER, key.clone())?;

    println!("-- what a master stores for a URL, computed locally (master://…?log=info)");
    let settings = nodewire_nodepass::url::MasterSettings {
        log: "info".to_owned(),
        ..Default::default()
    };
    let raw = "client://127.0.0.1:19111/127.0.0.1:19103, 127.0.0.1:19104?mode=1&lbs=1&rate=10";
    let stored = nodewire_nodepass::url::normalize(&settings, raw, Default::default())?;
    println!(
        "   {raw}\n   url    {}\n   config {}",
        stored.url, stored.config
    );

    println!("\n-- the event stream, followed in the background");
    let http = reqwest::Client::new();
    let mut source = EventSource::open(&http, &base, &key)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let reader = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Ok(Some(events)) = source.next().await {
            for e in events {
                let id = e
                    .instance
                    .as_ref()
                    .map(|i| i.id.to_string())
                    .unwrap_or_default();
                seen.push(format!("{} {id}", e.kind));
            }
        }
        seen
    });

    println!("\n-- master info");
    crate::exchange(&client, &GetMasterInfo, WIDTH).await??;

    println!("\n-- create a server and a client, built with the typed URL model");
    let server_url = InstanceUrl::server(Address::any(10101))
        .key(TunnelKey::new("tour-secret")?)
        .target(Address::ip([127, 0, 0, 1], 8080))
        .mode(RunMode::Mode2)
        .build()?;
    let created = crate::exchange(
        &client,
        &CreateInstance::new(CreateInstanceRequest::new(&server_url).alias("tour-server")),
        WIDTH,
    )
    .await??;
    let client_url = InstanceUrl::client(Address::ip([127, 0, 0, 1], 10101))
        .key(TunnelKey::new("tour-secret")?)
        .target(Address::ip([127, 0, 0, 1], 18080))
        .log(LogLevel::Debug)
        .build()?;
    let other = crate::exchange(
        &client,
        &CreateInstance::new(CreateInstanceRequest::new(&client_url)),
        WIDTH,
    )
    .await??;

    println!("\n-- list (the API-key instance `********` is in it; panels filter it out)");
    let list = crate::exchange(&client, &ListInstances, WIDTH).await??;
    println!(
        "   {} instances besides the key",
        list.iter().filter(|i| !i.is_api_key()).count()
    );

    println!("\n-- rename, tag, and reset the counters of the server");
    let patch = UpdateInstanceRequest {
        alias: Some(nodewire_nodepass::instances::InstanceAlias::new(
            "tour-server-2",
        )?),
        meta: Some(MetaUpdate {
            peer: None,
            tags: Some([(TagKey::new("env")?, TagValue::new("tour")?)].into()),
        }),
        ..Default::default()
    };
    crate::exchange(
        &client,
        &UpdateInstance::new(created.id.clone(), patch),
        WIDTH,
    )
    .await??;
    crate::exchange(
        &client,
        &UpdateInstance::new(
            created.id.clone(),
            UpdateInstanceRequest::action(nodewire_nodepass::instances::Action::Reset),
        ),
        WIDTH,
    )
    .await??;

    println!("\n-- replace the client's URL with the one it already has: 409");
    let put = PutInstance::new(
        other.id.clone(),
        PutInstanceRequest {
            url: (&client_url).into(),
        },
    )?;
    if let Err(e) = crate::exchange(&client, &put, WIDTH).await? {
        println!("   refused as expected: {e}");
    }

    println!("\n-- tcping the mock's own port from the master");
    crate::exchange(&client, &Tcping::new(server.addr.to_string())?, WIDTH).await??;

    println!("\n-- delete the client");
    crate::exchange(&client, &DeleteInstance::new(other.id.clone())?, WIDTH).await??;

    println!("\n-- regenerate the API key: the event stream gets `shutdown` and closes");
    let key_instance =
        crate::exchange(&client, &UpdateInstance::regenerate_api_key(), WIDTH).await??;
    let events = reader.await?;
    println!("   events seen: {}", events.join(", "));
    if let Err(e) =
        crate::exchange(&client, &GetInstance::new(InstanceId::api_key()), WIDTH).await?
    {
        println!("   the old key is refused: {e}");
    }
    let new_key = key_instance.api_key().ok_or("no key")?.key;
    let client = Client::new(&base)?.with_header(API_KEY_HEADER, new_key)?;
    crate::exchange(&client, &GetInstance::new(created.id.clone()), WIDTH).await??;
    server.stop().await;
    Ok(())
}
