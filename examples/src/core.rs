//! Nexuma Core: the in-memory Core served over HTTP (axum) and gRPC (tonic) for `core-server`,
//! and the tour leg.
//!
//! Everything protocol-specific is in `nodewire-core`: the HTTP pipeline
//! (`server::handle_http`), the gRPC service (`grpc::server::GrpcCore`), the in-memory backend
//! (`mock::MockCore`), the typed gRPC client (`grpc::client::CoreClient`), the node agent
//! (`agent`) and this machine's metrics (`collect`). This module binds sockets and moves bytes.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body as AxumBody;
use axum::extract::{Request, State};
use axum::response::Response;
use nodewire_common::Secret;
use nodewire_common::client::Client;
use nodewire_core::agent;
use nodewire_core::auth;
use nodewire_core::collect::Collector;
use nodewire_core::config::NodeConfig;
use nodewire_core::endpoints::{GetLatestConfig, Heartbeat, RegisterNode};
use nodewire_core::grpc::client::CoreClient;
use nodewire_core::grpc::server::GrpcCore;
use nodewire_core::heartbeat::NodeHeartbeatDto;
use nodewire_core::mock::{MockConfig, MockCore};
use nodewire_core::register::RegisterNodeDto;
use nodewire_core::server::{self, Failure};
use nodewire_core::usage::{NodeUsageDto, UsageEntryDto};
use nodewire_core::values::Timestamp;
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone)]
struct HttpState {
    core: Arc<MockCore>,
    body_limit: usize,
}

async fn handle(State(state): State<HttpState>, request: Request) -> Response {
    let (head, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, state.body_limit).await else {
        return Failure::payload_too_large(state.body_limit)
            .to_http_response()
            .map(AxumBody::from);
    };
    let request = http::Request::from_parts(head, bytes);
    server::handle_http(&*state.core, &request)
        .await
        .map(AxumBody::from)
}

/// Serves `core` over HTTP on `http` and over gRPC on `grpc` until `shutdown` resolves. HTTP
/// bodies above `body_limit` bytes get `413`.
pub async fn serve_core(
    core: Arc<MockCore>,
    http: TcpListener,
    grpc: TcpListener,
    body_limit: usize,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), BoxError> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let state = HttpState {
        core: core.clone(),
        body_limit,
    };
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::disable());
    let mut http_stop = stop_rx.clone();
    let http_server = axum::serve(http, app).with_graceful_shutdown(async move {
        let _ = http_stop.wait_for(|stop| *stop).await;
    });
    let mut grpc_stop = stop_rx;
    let grpc_server = tonic::transport::Server::builder()
        .add_service(GrpcCore::from_arc(core).into_service())
        .serve_with_incoming_shutdown(TcpIncoming::from(grpc), async move {
            let _ = grpc_stop.wait_for(|stop| *stop).await;
        });
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let (http_result, grpc_result) = tokio::join!(http_server, grpc_server);
    http_result?;
    grpc_result?;
    Ok(())
}

/// A Core running in the background; stops when dropped.
#[derive(Debug)]
pub struct CoreHandle {
    /// The HTTP base URL (`http://127.0.0.1:<port>`).
    pub http_url: String,
    /// The gRPC address.
    pub grpc_addr: SocketAddr,
    /// The state, to inspect or change while it runs.
    pub core: Arc<MockCore>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), BoxError>>,
}

impl CoreHandle {
    /// The gRPC URL (`http://127.0.0.1:<port>`).
    pub fn grpc_url(&self) -> String {
        format!("http://{}", self.grpc_addr)
    }

    /// Stops both servers and waits for them.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for CoreHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds HTTP and gRPC on `127.0.0.1:0` and serves `core` there in the background.
pub async fn spawn_core(core: MockCore, body_limit: usize) -> std::io::Result<CoreHandle> {
    let http = TcpListener::bind("127.0.0.1:0").await?;
    let grpc = TcpListener::bind("127.0.0.1:0").await?;
    let http_url = format!("http://{}", http.local_addr()?);
    let grpc_addr = grpc.local_addr()?;
    let core = Arc::new(core);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve_core(core.clone(), http, grpc, body_limit, async {
        let _ = rx.await;
    }));
    Ok(CoreHandle {
        http_url,
        grpc_addr,
        core,
        stop: Some(tx),
        task,
    })
}

/// A config with some substance (`core_sample_config.json`): two xray clients and a VLESS +
/// REALITY inbound, routing and outbounds, and an MTProto inbound with one user.
pub fn sample_config() -> Result<NodeConfig, nodewire_common::DecodeError> {
    nodewire_common::error::from_slice(include_bytes!("core_sample_config.json"))
}

const WIDTH: usize = 160;

/// The Core leg of the tour: an in-memory Core on 127.0.0.1 (HTTP and gRPC), a node
/// registering over HTTP, then syncing, reporting usage and this machine's metrics over gRPC,
/// and the refusals of a wrong key on both transports.
pub async fn tour() -> Result<(), Box<dyn std::error::Error>> {
    let core = MockCore::new(MockConfig {
        registration_codes: vec![Secret::new("tour-node")],
        config: sample_config()?,
    });
    let server = spawn_core(core, server::DEFAULT_BODY_LIMIT).await?;
    println!(
        "== Nexuma Core ⇄ node (in-memory Core: HTTP on {}, gRPC nodeservice.NodeService on {})\n",
        server.http_url, server.grpc_addr
    );

    println!("-- register over HTTP (the only public route)");
    let anonymous = Client::new(&server.http_url)?;
    let registration = RegisterNodeDto::new(
        "tour-node".parse()?,
        "Tour node",
        "203.0.113.7".parse()?,
        "eu",
    )
    .port(8080);
    let identity = crate::exchange(&anonymous, &RegisterNode::new(registration), WIDTH).await??;
    let key = identity.auth_key;

    println!("\n-- heartbeat over HTTP, with the key in x-node-auth-key");
    let http = auth::http_client(&server.http_url, key.clone())?;
    crate::exchange(&http, &Heartbeat::default(), WIDTH).await??;

    println!("\n-- the same node over gRPC");
    let channel = agent::connect(&server.grpc_url(), true, None).await?;
    let mut grpc = CoreClient::new(channel.clone(), key.clone())?;
    let beat = grpc.heartbeat(&NodeHeartbeatDto::default()).await?;
    println!("→ Heartbeat {{}}\n← needSync={}", beat.need_sync);
    let config = grpc.latest_config().await?;
    let inbounds: Vec<&str> = config
        .services
        .xray
        .as_ref()
        .map(|x| x.inbound_tags().collect())
        .unwrap_or_default();
    println!(
        "→ GetLatestConfig\n← revision {}, {} xray clients, {} MTProto clients, xray inbounds {inbounds:?} (JSON strings decoded into NodeConfig)",
        config.revision,
        config.client_map.len(),
        config.mtproto_client_map.len(),
    );
    grpc.confirm_config_applied(config.revision).await?;
    println!(
        "→ ConfirmConfigApplied {{revision: {}}}\n← ok",
        config.revision
    );
    let now = Timestamp::now();
    let usage = NodeUsageDto::new(config.client_map.values().map(|owner| {
        let entry = UsageEntryDto::new(owner.user_id, 3, 1 << 20, 64 << 20, now.clone());
        match owner.subscription_id {
            Some(id) => entry.subscription_id(id),
            None => entry.clear_subscription_id(),
        }
    }));
    grpc.report_usage(&usage).await?;
    println!("→ ReportUsage {{{} entries}}\n← ok", usage.entries.len());
    let stats = Collector::new().sample();
    grpc.report_node_stats(&stats).await?;
    println!(
        "→ ReportNodeStats {{cpu {:.1}% of {} cores, ram {}/{} MiB, uptime {} s}}\n← ok",
        stats.cpu_percent,
        stats.cpu_cores,
        stats.ram_used >> 20,
        stats.ram_total >> 20,
        stats.uptime_seconds
    );
    let beat = NodeHeartbeatDto::default().revision(config.revision);
    let answer = grpc.heartbeat(&beat).await?;
    println!(
        "→ Heartbeat {{revision: {}}}\n← needSync={}",
        config.revision, answer.need_sync
    );
    for ((user, subscription), traffic) in server.core.usage()? {
        println!(
            "   Core counted user {user} (subscription {subscription:?}): {} B up, {} B down",
            traffic.bytes_up, traffic.bytes_down
        );
    }

    println!("\n-- a wrong key: 401 over HTTP, UNAUTHENTICATED over gRPC");
    let wrong = auth::http_client(&server.http_url, Secret::new("wrong-key"))?;
    if let Err(e) = crate::exchange(&wrong, &GetLatestConfig, WIDTH).await? {
        println!("   refused as expected: {e}");
    }
    let mut wrong = CoreClient::new(channel, Secret::new("wrong-key"))?;
    if let Err(e) = wrong.heartbeat(&NodeHeartbeatDto::default()).await {
        println!("→ Heartbeat (wrong key)\n   refused as expected: {e}");
    }
    server.stop().await;
    Ok(())
}
