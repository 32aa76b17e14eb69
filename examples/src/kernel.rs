//! HTTP wiring for the kernel: serves [`MockKernel`] (its SSE and WebSocket streams included)
//! and a panel-side webhook receiver with axum, delivers the mock's callbacks, and runs the
//! tour's kernel leg. Reading the streams is the common client's (`Client::stream`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body as AxumBody;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use nodewire_common::client::Client;
use nodewire_common::{Endpoint, Secret};
use nodewire_kernel::Reply;
use nodewire_kernel::auth::Credentials;
use nodewire_kernel::mock::{Body, Delivery, EventSubscription, MockKernel, Outcome};
use nodewire_kernel::mock::{StatusSubscription, WsStream};
use nodewire_kernel::streams::{EventEnvelope, StreamEvent, render_event};
use nodewire_kernel::webhooks::{
    KernelNodeEventResponse, KernelServiceEventResponse, KernelTrafficIngestResponse,
    PostKernelEvent, PostKernelServiceEvent, PostKernelTraffic, Webhook, WebhookConfig,
};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc, watch};

struct Shared {
    mock: Mutex<MockKernel>,
    events: broadcast::Sender<EventEnvelope>,
    outbox: mpsc::UnboundedSender<Delivery>,
    stopping: watch::Receiver<bool>,
}

impl Shared {
    /// Publishes the mock's pending events and queues its callbacks.
    fn dispatch(&self, mock: &mut MockKernel) {
        let effects = mock.take_effects();
        for event in effects.events {
            // No subscriber is not an error.
            let _ = self.events.send(event);
        }
        for delivery in effects.deliveries {
            let _ = self.outbox.send(delivery);
        }
    }
}

/// Delivers callbacks one at a time, in order.
async fn deliver(mut outbox: mpsc::UnboundedReceiver<Delivery>) {
    let Ok(client) = Client::new("http://127.0.0.1") else {
        return;
    };
    while let Some(delivery) = outbox.recv().await {
        let result = match delivery.to_http() {
            Ok(request) => client
                .send_raw::<Infallible>(request)
                .await
                .map(|r| r.status())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match result {
            Ok(status) if status.is_success() => {}
            Ok(status) => eprintln!("callback {} answered {status}", delivery.callback.url),
            Err(e) => eprintln!("callback {} failed: {e}", delivery.callback.url),
        }
    }
}

fn sse_response(body: AxumBody) -> Response {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn event_frame(event: &EventEnvelope) -> Bytes {
    let frame = StreamEvent::new(event.event.as_str(), event);
    Bytes::from(render_event(&frame).unwrap_or_default())
}

struct StatusState {
    shared: Arc<Shared>,
    subscription: StatusSubscription,
    events: broadcast::Receiver<EventEnvelope>,
    ticker: tokio::time::Interval,
    stopping: watch::Receiver<bool>,
}

fn status_stream(shared: Arc<Shared>, subscription: StatusSubscription) -> Response {
    let mut ticker = tokio::time::interval(subscription.interval());
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let state = StatusState {
        events: shared.events.subscribe(),
        stopping: shared.stopping.clone(),
        shared,
        subscription,
        ticker,
    };
    let stream = futures_util::stream::unfold(state, |mut st| async move {
        loop {
            tokio::select! {
                _ = st.stopping.changed() => return None,
                _ = st.ticker.tick() => {
                    let frame = match st.shared.mock.lock() {
                        Ok(mock) => st.subscription.next_frame(&mock),
                        Err(_) => return None,
                    };
                    let text = match frame {
                        Some(frame) => render_event(&frame).unwrap_or_default(),
                        None => ": keepalive\n\n".to_owned(),
                    };
                    return Some((Ok::<_, Infallible>(Bytes::from(text)), st));
                }
                event = st.events.recv() => match event {
                    Ok(event) if st.subscription.wants(&event) => {
                        return Some((Ok(event_frame(&event)), st));
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            }
        }
    });
    sse_response(AxumBody::from_stream(stream))
}

struct EventState {
    subscription: EventSubscription,
    events: broadcast::Receiver<EventEnvelope>,
    stopping: watch::Receiver<bool>,
}

fn event_stream(shared: &Shared, subscription: EventSubscription) -> Response {
    let state = EventState {
        subscription,
        events: shared.events.subscribe(),
        stopping: shared.stopping.clone(),
    };
    // A comment first, so the client sees the stream open at once.
    let open = futures_util::stream::once(async {
        Ok::<_, Infallible>(Bytes::from_static(b": connected\n\n"))
    });
    let events = futures_util::stream::unfold(state, |mut st| async move {
        loop {
            tokio::select! {
                _ = st.stopping.changed() => return None,
                event = st.events.recv() => match event {
                    Ok(event) if st.subscription.wants(&event) => {
                        return Some((Ok(event_frame(&event)), st));
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            }
        }
    });
    use futures_util::StreamExt;
    sse_response(AxumBody::from_stream(open.chain(events)))
}

/// The next status message of a WebSocket stream, read from the mock.
fn status_message(shared: &Shared, stream: &mut WsStream) -> Option<String> {
    let mock = shared.mock.lock().ok()?;
    stream.next_message(&mock)
}

async fn tick(ticker: &mut Option<tokio::time::Interval>) {
    match ticker {
        Some(ticker) => {
            ticker.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// Sends a WebSocket stream's messages until the client leaves or the server stops.
async fn send_messages(
    shared: Arc<Shared>,
    mut socket: WebSocket,
    mut stream: WsStream,
    mut events: broadcast::Receiver<EventEnvelope>,
) {
    let mut stopping = shared.stopping.clone();
    let mut ticker = stream.interval().map(|every| {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker
    });
    loop {
        let text = tokio::select! {
            _ = stopping.changed() => break,
            () = tick(&mut ticker) => status_message(&shared, &mut stream),
            event = events.recv() => match event {
                Ok(event) => stream.event_message(&event),
                Err(broadcast::error::RecvError::Lagged(_)) => None,
                Err(broadcast::error::RecvError::Closed) => break,
            },
            // Pings are answered by axum; a close or an error ends the stream.
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => None,
            },
        };
        if let Some(text) = text
            && socket.send(Message::Text(text.into())).await.is_err()
        {
            break;
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let limit = match shared.mock.lock() {
        Ok(mock) => mock.config().body_limit,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let (mut head, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Body::Complete(bytes),
        Err(_) => Body::TooLarge,
    };
    let outcome = match shared.mock.lock() {
        Ok(mut mock) => {
            let outcome = mock.handle(&head, body);
            shared.dispatch(&mut mock);
            outcome
        }
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match outcome {
        Outcome::Respond(response) => response.map(AxumBody::from),
        Outcome::StatusStream(subscription) => status_stream(shared, subscription),
        Outcome::EventStream(subscription) => event_stream(&shared, subscription),
        Outcome::WebSocket(stream) => {
            match WebSocketUpgrade::from_request_parts(&mut head, &()).await {
                Ok(upgrade) => {
                    // Subscribed before the `101`, so no event after the handshake is missed.
                    let events = shared.events.subscribe();
                    upgrade.on_upgrade(move |socket| send_messages(shared, socket, stream, events))
                }
                Err(rejection) => rejection.into_response(),
            }
        }
    }
}

/// A running mock kernel.
pub struct KernelMock {
    /// Its base URL (`http://127.0.0.1:<port>`).
    pub url: String,
    shared: Arc<Shared>,
    stop: Option<watch::Sender<bool>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl std::fmt::Debug for KernelMock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KernelMock")
            .field("url", &self.url)
            .finish()
    }
}

impl KernelMock {
    /// Runs `f` on the mock (to change a node's health or record traffic, say), then publishes
    /// the events and queues the callbacks it caused.
    pub fn simulate<R>(&self, f: impl FnOnce(&mut MockKernel) -> R) -> Option<R> {
        let mut mock = self.shared.mock.lock().ok()?;
        let out = f(&mut mock);
        self.shared.dispatch(&mut mock);
        Some(out)
    }

    /// Stops the server (streams included) and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for KernelMock {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

/// Serves `mock` on `listener` until `stop` turns `true`; returns the handle's shared state.
fn start(
    listener: TcpListener,
    mock: MockKernel,
    stop: watch::Receiver<bool>,
) -> (Arc<Shared>, tokio::task::JoinHandle<std::io::Result<()>>) {
    let (events, _) = broadcast::channel(256);
    let (outbox, queue) = mpsc::unbounded_channel();
    tokio::spawn(deliver(queue));
    let shared = Arc::new(Shared {
        mock: Mutex::new(mock),
        events,
        outbox,
        stopping: stop.clone(),
    });
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(shared.clone())
        .layer(axum::extract::DefaultBodyLimit::disable());
    let mut stop = stop;
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await
    });
    (shared, task)
}

/// Serves `mock` on `listener` until `shutdown` resolves.
pub async fn serve_mock(
    listener: TcpListener,
    mock: MockKernel,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (tx, rx) = watch::channel(false);
    let (_, task) = start(listener, mock, rx);
    tokio::spawn(async move {
        shutdown.await;
        let _ = tx.send(true);
    });
    task.await.map_err(std::io::Error::other)?
}

/// Serves `mock` on `listener` until `shutdown` resolves, with a simulation step every
/// `every`: each node's users move some traffic and one node's health changes, so the streams
/// and callbacks have something to carry.
pub async fn serve_simulated(
    listener: TcpListener,
    mock: MockKernel,
    every: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use nodewire_kernel::status::HealthStatus;
    let url = format!("http://{}", listener.local_addr()?);
    let (stop, rx) = watch::channel(false);
    let (shared, task) = start(listener, mock, rx);
    let handle = KernelMock {
        url,
        shared,
        stop: Some(stop),
        task,
    };
    let mut ticker = tokio::time::interval(every);
    ticker.tick().await;
    tokio::pin!(shutdown);
    let mut tick: u64 = 0;
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            _ = ticker.tick() => {}
        }
        tick += 1;
        handle.simulate(|m| {
            for node in m.node_ids() {
                for user in m.node_user_ids(&node) {
                    let _ = m.record_traffic(&node, &user, 1024 * tick, 4096 * tick);
                }
            }
            let nodes = m.node_ids();
            let pick = usize::try_from(tick).unwrap_or(0) % nodes.len().max(1);
            if let Some(node) = nodes.get(pick) {
                let health = match tick % 3 {
                    0 => HealthStatus::Healthy,
                    1 => HealthStatus::Degraded {
                        consecutive_failures: tick,
                    },
                    _ => HealthStatus::Unhealthy {
                        consecutive_failures: tick,
                    },
                };
                let _ = m.set_health(node, health);
            }
        });
    }
    handle.stop().await;
    Ok(())
}

/// Binds `127.0.0.1:0` and serves `mock` in the background.
pub async fn spawn_mock(mock: MockKernel) -> std::io::Result<KernelMock> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (stop, rx) = watch::channel(false);
    let (shared, task) = start(listener, mock, rx);
    Ok(KernelMock {
        url,
        shared,
        stop: Some(stop),
        task,
    })
}

/// What the webhook receiver answers and reports for one callback.
fn answer(webhook: &Webhook) -> Response {
    let response = match webhook {
        Webhook::NodeEvent(_) => PostKernelEvent::try_into_http_response(&Reply::json(
            KernelNodeEventResponse::ignored(),
        )),
        Webhook::Traffic(call) => {
            PostKernelTraffic::try_into_http_response(&Reply::json(KernelTrafficIngestResponse {
                accepted: call.body.records.len() as u64,
                failed: 0,
            }))
        }
        Webhook::ServiceEvent(call) => {
            let used = call
                .body
                .traffic_reported()
                .ok()
                .and_then(|t| t.current)
                .and_then(|c| c.used);
            let body = if call.body.normalized_event() == "user_traffic_reported" && used.is_some()
            {
                KernelServiceEventResponse::accepted(1)
            } else {
                KernelServiceEventResponse::ignored()
            };
            PostKernelServiceEvent::try_into_http_response(&Reply::json(body))
        }
    };
    match response {
        Ok(response) => response.map(AxumBody::from),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

struct Receiver {
    guard: WebhookConfig,
    body_limit: usize,
    sink: mpsc::UnboundedSender<Webhook>,
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    request: Request,
) -> Response {
    let (head, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, receiver.body_limit).await else {
        return nodewire_kernel::webhooks::payload_too_large()
            .into_response()
            .map(AxumBody::from);
    };
    let request = http::Request::from_parts(head, bytes);
    match Webhook::receive(
        &request,
        Some(peer.ip()),
        &receiver.guard,
        std::time::SystemTime::now(),
    ) {
        Ok(webhook) => {
            let response = answer(&webhook);
            let _ = receiver.sink.send(webhook);
            response
        }
        Err(failure) => failure.into_response().map(AxumBody::from),
    }
}

/// A running webhook receiver.
#[derive(Debug)]
pub struct WebhookReceiver {
    /// Its base URL (`http://127.0.0.1:<port>`); the routes are under `/api/v1/kernel/`.
    pub url: String,
    /// Every callback accepted, in arrival order.
    pub received: mpsc::UnboundedReceiver<Webhook>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl WebhookReceiver {
    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Serves the panel's three callback routes on `listener` behind the panel's webhook guard
/// (`guard`: allowed networks, Stripe-style signature, shared token; then go-zero's
/// Content-Type rule), reading at most `body_limit` bytes (413 beyond), and passes each
/// accepted callback to `sink`, until `shutdown` resolves.
pub async fn serve_webhooks(
    listener: TcpListener,
    guard: WebhookConfig,
    body_limit: usize,
    sink: mpsc::UnboundedSender<Webhook>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = axum::Router::new()
        .fallback(receive)
        .with_state(Arc::new(Receiver {
            guard,
            body_limit,
            sink,
        }))
        .layer(axum::extract::DefaultBodyLimit::disable());
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Binds `127.0.0.1:0` and serves a webhook receiver in the background.
pub async fn spawn_webhooks(token: Option<Secret>) -> std::io::Result<WebhookReceiver> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (sink, received) = mpsc::unbounded_channel();
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let guard = WebhookConfig {
        shared_token: token,
        ..WebhookConfig::default()
    };
    let task = tokio::spawn(serve_webhooks(
        listener,
        guard,
        nodewire_kernel::webhooks::DEFAULT_BODY_LIMIT,
        sink,
        async {
            let _ = rx.await;
        },
    ));
    Ok(WebhookReceiver {
        url,
        received,
        stop: Some(stop),
        task,
    })
}

/// A callback's body as JSON text.
pub fn body_json(webhook: &Webhook) -> String {
    let value = match webhook {
        Webhook::NodeEvent(call) => serde_json::to_string(&call.body),
        Webhook::Traffic(call) => serde_json::to_string(&call.body),
        Webhook::ServiceEvent(call) => serde_json::to_string(&call.body),
    };
    value.unwrap_or_else(|e| format!("(cannot encode: {e})"))
}

/// One line describing a callback.
pub fn describe(webhook: &Webhook) -> String {
    match webhook {
        Webhook::NodeEvent(call) => {
            let b = &call.body;
            format!(
                "node event {} for {} (status {}, observed_at {})",
                b.event,
                b.node(),
                b.status.as_ref().map_or("-", |s| s.as_str()),
                b.observed_at.unwrap_or(0)
            )
        }
        Webhook::Traffic(call) => {
            let lines: Vec<String> = call
                .body
                .records
                .iter()
                .map(|r| {
                    format!(
                        "user {} subscription {} {}: up {} B, down {} B",
                        r.user_id.map_or("-".to_owned(), |u| u.to_string()),
                        r.subscription_id.map_or("-".to_owned(), |s| s.to_string()),
                        r.protocol.as_deref().unwrap_or("-"),
                        r.bytes_up,
                        r.bytes_down
                    )
                })
                .collect();
            format!("traffic: {}", lines.join("; "))
        }
        Webhook::ServiceEvent(call) => {
            let b = &call.body;
            match b.traffic_reported() {
                Ok(t) if b.normalized_event() == "user_traffic_reported" => format!(
                    "service event {}: user {} used {} B (was {} B)",
                    b.event,
                    t.user_id.map_or("-".to_owned(), |u| u.to_string()),
                    t.current.and_then(|c| c.used).unwrap_or(0),
                    t.previous.and_then(|c| c.used).unwrap_or(0)
                ),
                _ => format!(
                    "service event {}: {}",
                    b.event,
                    serde_json::to_string(&b.payload).unwrap_or_default()
                ),
            }
        }
    }
}

/// Replaces the values of `password` and `secret` members, at any depth, for printing.
fn redact(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if (key == "password" || key == "secret") && v.is_string() {
                    *v = serde_json::Value::String("[redacted]".to_owned());
                } else {
                    redact(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// Like [`exchange`](crate::exchange), for calls whose body holds passwords or secrets: the
/// printed body has them redacted.
async fn exchange_redacted<E: Endpoint>(
    client: &Client,
    endpoint: &E,
) -> Result<nodewire_common::endpoint::Outcome<E>, nodewire_common::client::ClientError<Infallible>>
{
    let request = endpoint.try_into_http_request(client.base_url())?;
    println!("→ {} {}", request.method(), request.uri().path());
    if let Ok(mut body) = serde_json::from_slice::<serde_json::Value>(request.body()) {
        redact(&mut body);
        println!("  {body}");
    }
    let response = client.send_raw(request).await?;
    println!(
        "← {}  {}",
        response.status(),
        String::from_utf8_lossy(response.body())
    );
    Ok(E::try_from_http_response(&response))
}

/// The tour's kernel leg: a mock kernel and a panel-side webhook receiver on 127.0.0.1, driven
/// with the library's client.
pub async fn tour() -> Result<(), Box<dyn std::error::Error>> {
    use nodewire_kernel::endpoints::*;
    use nodewire_kernel::mock::{Callback, MockConfig};
    use nodewire_kernel::protocols::{
        NodeProfile, NodeRole, ProfileProtocol, ProtocolUpsertRequest,
    };
    use nodewire_kernel::registrations::{
        EventRegistrationRequest, NodeEventKind, ServiceEventKind, ServiceEventRegistrationRequest,
    };
    use nodewire_kernel::status::HealthStatus;
    use nodewire_kernel::users::{RatePatch, TrafficPatch, User, UserCreateRequest};

    const WIDTH: usize = 160;
    let token = Secret::new("tour-webhook-token");
    let mut panel = spawn_webhooks(Some(token.clone())).await?;
    let config = MockConfig {
        traffic_callback: Some(Callback {
            url: format!("{}/api/v1/kernel/traffic", panel.url),
            token: Some(token.clone()),
        }),
        ..MockConfig::default()
    };
    let kernel = spawn_mock(MockKernel::new(config)).await?;
    println!(
        "== zero-net-panel kernel, core.yaml {} (mock on {}, panel webhooks on {})\n",
        nodewire_kernel::UPSTREAM_VERSION,
        kernel.url,
        panel.url
    );
    let credentials = Credentials::basic("panel", "panel-secret");
    let auth = credentials.authorization().ok_or("no credentials")?;
    let client = Client::new(&kernel.url)?.with_header("authorization", auth)?;

    println!("-- liveness (no auth), then a call without credentials: 401");
    crate::exchange(&Client::new(&kernel.url)?, &GetHealthz, WIDTH).await??;
    if let Err(e) = crate::exchange(&Client::new(&kernel.url)?, &ListProtocols, WIDTH).await? {
        println!("   refused as expected: {e}");
    }

    println!("\n-- register the panel's callbacks (the secret comes back as X-ZNP-Webhook-Token)");
    for kind in NodeEventKind::ALL {
        let body = EventRegistrationRequest::new(
            kind,
            format!("{}/api/v1/kernel/events", panel.url),
            Some(token.clone()),
        );
        exchange_redacted(&client, &RegisterEvent::new(body)).await??;
    }
    let body = ServiceEventRegistrationRequest::new(
        ServiceEventKind::UserTrafficReported,
        format!("{}/api/v1/kernel/service-events", panel.url),
        Some(token.clone()),
    );
    exchange_redacted(&client, &RegisterServiceEvent::new(body)).await??;

    println!("\n-- follow /v1/events/stream");
    let mut stream = client.stream(&EventsStream::default()).await?;

    println!("\n-- add a VLESS listener with one user (panel user 7), and a registry user");
    let profile = NodeProfile::new("edge-1", NodeRole::Listener, ProfileProtocol::Vless)
        .tags(["edge"])
        .with_profile(serde_json::json!({"flow": "xtls-rprx-vision"}));
    let upsert = ProtocolUpsertRequest::new(profile)
        .listen("0.0.0.0:443")
        .users(vec![User::new("7", "alice", "alice-password")]);
    exchange_redacted(&client, &UpsertProtocol::new(upsert)).await??;
    let user = UserCreateRequest::new("vip-001", "bob", "bob-password")
        .traffic(TrafficPatch {
            allocated: Some(1 << 30),
            used: None,
        })
        .rate(RatePatch::up_only(1 << 20));
    exchange_redacted(&client, &CreateUser::new(user)).await??;

    println!("\n-- the kernel sees edge-1 degrade and alice move traffic");
    kernel.simulate(|m| {
        let _ = m.set_health(
            "edge-1",
            HealthStatus::Degraded {
                consecutive_failures: 2,
            },
        );
        let _ = m.record_traffic("edge-1", "7", 123_456, 654_321);
    });

    println!("\n-- status (the degraded node's health is an object), protocols, users, traffic");
    let status = crate::exchange(&client, &GetStatus::include("nodes"), WIDTH).await??;
    for node in status.body.snapshot.nodes.unwrap_or_default() {
        let health = node.health.and_then(|h| h.status);
        println!(
            "   node {}: {}",
            node.id.unwrap_or_default(),
            health.map_or("-".to_owned(), |h| h.to_string())
        );
    }
    crate::exchange(&client, &ListProtocols, WIDTH).await??;
    crate::exchange(&client, &ListUsers::default(), WIDTH).await??;
    crate::exchange(&client, &GetTraffic::default(), WIDTH).await??;

    println!("\n-- what arrived on the event stream");
    for _ in 0..3 {
        let next = futures_util::StreamExt::next(&mut stream);
        match tokio::time::timeout(Duration::from_secs(5), next).await {
            Ok(Some(Ok(event))) => println!(
                "   {}  {}",
                event.event,
                serde_json::to_string(&event.data.payload).unwrap_or_default()
            ),
            Ok(Some(Err(e))) => println!("   bad event: {e}"),
            Ok(None) | Err(_) => break,
        }
    }

    println!("\n-- what the panel's webhook routes received");
    for _ in 0..4 {
        match tokio::time::timeout(Duration::from_secs(5), panel.received.recv()).await {
            Ok(Some(webhook)) => println!("   {}", describe(&webhook)),
            Ok(None) | Err(_) => break,
        }
    }

    println!("\n-- remove edge-1");
    crate::exchange(&client, &DeleteProtocol::new("edge-1"), WIDTH).await??;
    drop(stream);
    kernel.stop().await;
    panel.stop().await;
    Ok(())
}

/// The address a binary listens on, refusing a non-loopback one unless `public` is set.
pub fn listen_address(addr: SocketAddr, public: bool) -> Result<SocketAddr, String> {
    if addr.ip().is_loopback() || public {
        Ok(addr)
    } else {
        Err(format!(
            "{addr} is not a loopback address; pass --public to listen on it"
        ))
    }
}
