//! HTTP wiring for NodePass: serves [`MockMaster`] with axum under
//! [`nodewire_common::server::serve`]'s limits (its event streams included) and runs the
//! tour's NodePass leg. Following a master's `/events` is the crate's
//! ([`Follow`](nodewire_nodepass::events::Follow), [`Watch`](nodewire_nodepass::watch::Watch)).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body as AxumBody;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::StreamExt;
use nodewire_common::Secret;
use nodewire_common::client::Client;
use nodewire_common::server::{Background, Limits, read_body, serve};
use nodewire_nodepass::endpoints::*;
use nodewire_nodepass::instances::{
    CreateInstanceRequest, InstanceId, MetaUpdate, PutInstanceRequest, TagKey, TagValue,
    UpdateInstanceRequest,
};
use nodewire_nodepass::mock::{Body, MockMaster, Outcome, SubscriberId};
use nodewire_nodepass::url::{Address, InstanceUrl, LogLevel, RunMode, TunnelKey};
use tokio::net::TcpListener;
use tokio::sync::watch;

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
    let (head, body) = request.into_parts();
    // The master's checks on the head come first: a refusal is sent without reading a byte
    // of the body.
    let admitted = shared
        .mock
        .lock()
        .map(|m| (m.admit(&head), m.config().body_limit))
        .ok();
    let Some((admitted, limit)) = admitted else {
        return http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let body = match admitted {
        Err(refusal) => return refusal.into_response().map(AxumBody::from),
        Ok(admitted) if !admitted.reads_body => Body::Complete(Bytes::new()),
        Ok(_) => match read_body(&head, body, limit).await {
            Ok(body) => body,
            Err(e) => return e.into_response().map(AxumBody::from),
        },
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

/// Serves `mock` on `listener` under `limits` until `shutdown` resolves; every `tick` (if
/// any) is a `CHECK_POINT` of the running instances.
///
/// Each request goes through [`MockMaster::admit`] before its body is read, so a refusal
/// (`401`, `404`, `405` with `Allow`, `403`) comes without reading it; a body is read only
/// for the handlers that decode one, under the mock's body limit (a declared
/// `Content-Length` over it is `413` at once; broken framing `400`; a stalled body `408`).
///
/// At shutdown, event streams get `shutdown` and end, so their connections finish within
/// [`Limits::shutdown_grace`]; a connection still open after it is dropped.
pub async fn serve_mock(
    listener: TcpListener,
    mock: MockMaster,
    tick: Option<Duration>,
    limits: Limits,
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
    let result = serve(listener, limits, app, async move {
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
    server: Background,
}

impl MockHandle {
    /// Stops the server (streams get `shutdown`) and waits for it.
    pub async fn stop(self) {
        let _ = self.server.stop().await;
    }
}

/// Binds `127.0.0.1:0` and serves `mock` in the background under the default [`Limits`].
pub async fn spawn_mock(mock: MockMaster, tick: Option<Duration>) -> std::io::Result<MockHandle> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}{}", mock.config().api_base);
    let server =
        Background::spawn(|shutdown| serve_mock(listener, mock, tick, Limits::default(), shutdown));
    Ok(MockHandle {
        base_url,
        addr,
        server,
    })
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
    let client = Client::new(&base)?.with_header(nodewire_nodepass::AUTH_HEADER, key.clone())?;

    println!("-- what a master stores for a URL, computed locally (master://…?log=info)");
    let settings = nodewire_nodepass::url::MasterSettings {
        log: "info".to_owned(),
        ..Default::default()
    };
    let raw = "client://127.0.0.1:19111/127.0.0.1:19103, 127.0.0.1:19104?mode=1&lbs=1&rate=10";
    let stored = nodewire_nodepass::url::normalize_text(&settings, raw, Default::default())?;
    println!(
        "   {raw}\n   url    {}\n   config {}",
        stored.url, stored.config
    );

    println!("\n-- the event stream, followed in the background");
    let mut events = client.stream(&SubscribeEvents).await?;
    let reader = tokio::spawn(async move {
        let mut seen = Vec::new();
        // The stream ends after `shutdown`.
        while let Some(Ok(e)) = events.next().await {
            let id = e
                .instance
                .as_ref()
                .map(|i| i.id.to_string())
                .unwrap_or_default();
            seen.push(format!("{} {id}", e.kind));
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
    let patch = UpdateInstanceRequest::default()
        .alias(nodewire_nodepass::instances::InstanceAlias::new(
            "tour-server-2",
        )?)
        .meta(MetaUpdate::default().tags([(TagKey::new("env")?, TagValue::new("tour")?)]));
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
    let put = PutInstance::new(other.id.clone(), PutInstanceRequest::new(&client_url))?;
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
    let client = Client::new(&base)?.with_header(nodewire_nodepass::AUTH_HEADER, new_key)?;
    crate::exchange(&client, &GetInstance::new(created.id.clone()), WIDTH).await??;
    server.stop().await;
    Ok(())
}
