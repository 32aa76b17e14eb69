//! Nexuma Core: the in-memory Core served over HTTP (axum) and gRPC (tonic) for `core-server`,
//! and the tour leg.
//!
//! Everything protocol-specific is in `nodewire-core`: the HTTP pipeline
//! (`server::handle_read`), the gRPC service (`grpc::server::GrpcCore`), the in-memory backend
//! (`mock::MockCore`), the typed gRPC client (`grpc::client::CoreClient`), the node agent
//! (`agent`) and this machine's metrics (`collect`). This module binds sockets and moves bytes.
//!
//! # Limits
//!
//! The HTTP side is served by `nodewire_common::server::serve` under [`Limits`] (HTTP/1.1
//! only), in Core's order: the body first, as Express's body parser reads it before routing and
//! the key guard (see `nodewire_core::server`), so a declared `Content-Length` over the body
//! limit gets Core's `413` at once, broken framing `400`, a stalled body `408`.
//!
//! The gRPC side needs HTTP/2, so it stays on tonic, with the settings tonic has that match
//! the same limits:
//!
//! | tonic setting | value | what it bounds |
//! | --- | --- | --- |
//! | connections | `max_connections` (a slot held per connection) | connections served at once; more wait in the listen backlog |
//! | `timeout` | `body_timeout` | one call, message read and answer included (`CANCELLED` past it) |
//! | `concurrency_limit_per_connection`, `max_concurrent_streams` | 32 | calls at once on one connection |
//! | `max_decoding_message_size` | the body limit | one request message, as the HTTP body limit (tonic's decoder answers `OUT_OF_RANGE` past it) |
//! | `http2_max_header_list_size` | `max_header_bytes` | a request's metadata |
//! | `http2_keepalive_interval`, `http2_keepalive_timeout` | 60 s, `header_timeout` | a peer that stops answering pings is dropped |
//! | TCP keepalive | 60 s | a peer that vanished is dropped |
//! | `max_connection_age`, `max_connection_age_grace` | 5 min, `body_timeout` | any connection's life: clients reconnect (a gRPC channel does so by itself) |
//!
//! hyper's HTTP/2 server has no timeout for the connection preface, so a connection that
//! never starts HTTP/2 holds its slot until the connection age and its grace run out. On
//! shutdown, open gRPC connections get `shutdown_grace` to finish, as HTTP ones do.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body as AxumBody;
use axum::extract::{Request, State};
use axum::response::Response;
use futures_util::{Stream, StreamExt};
use nodewire_common::Secret;
use nodewire_common::client::Client;
use nodewire_common::server::{Background, Limits, read_body, serve};
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
use nodewire_core::server;
use nodewire_core::usage::{NodeUsageDto, UsageEntryDto};
use nodewire_core::values::Timestamp;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tonic::transport::server::{Connected, TcpConnectInfo, TcpIncoming};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Calls at once on one gRPC connection (HTTP/2 streams, and handlers running).
const GRPC_CALLS_PER_CONNECTION: u32 = 32;
/// How often an idle gRPC connection is pinged, and the TCP keepalive time.
const GRPC_KEEPALIVE: Duration = Duration::from_secs(60);
/// How long a gRPC connection lives before Core asks the client to reconnect.
const GRPC_MAX_CONNECTION_AGE: Duration = Duration::from_secs(5 * 60);

#[derive(Clone)]
struct HttpState {
    core: Arc<MockCore>,
    body_limit: usize,
}

async fn handle(State(state): State<HttpState>, request: Request) -> Response {
    let (head, body) = request.into_parts();
    // Core's order: the body first (Express's body parser runs before routing and the key
    // guard); a declared length over the limit is refused without reading.
    let answer = match read_body(&head, body, state.body_limit).await {
        Ok(body) => server::handle_read(&*state.core, &head, body, state.body_limit).await,
        Err(e) => e.into_response(),
    };
    answer.map(AxumBody::from)
}

/// tonic's settings for `limits` (see the [module docs](self)).
fn grpc_server(limits: &Limits) -> tonic::transport::Server {
    tonic::transport::Server::builder()
        .timeout(limits.body_timeout)
        .concurrency_limit_per_connection(GRPC_CALLS_PER_CONNECTION as usize)
        .max_concurrent_streams(GRPC_CALLS_PER_CONNECTION)
        .http2_max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX))
        .http2_keepalive_interval(Some(GRPC_KEEPALIVE))
        .http2_keepalive_timeout(Some(limits.header_timeout))
        .max_connection_age(GRPC_MAX_CONNECTION_AGE)
        .max_connection_age_grace(limits.body_timeout)
}

/// A gRPC connection holding one of the server's connection slots until it closes.
struct Held {
    stream: TcpStream,
    _slot: OwnedSemaphorePermit,
}

impl AsyncRead for Held {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Held {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

impl Connected for Held {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> TcpConnectInfo {
        self.stream.connect_info()
    }
}

/// The connections of `listener`, at most `max` at once: the next one is accepted only once
/// a slot is free (the others wait in the listen backlog, as on the HTTP side).
fn held_connections(
    listener: TcpListener,
    max: usize,
) -> impl Stream<Item = std::io::Result<Held>> {
    let incoming = TcpIncoming::from(listener).with_keepalive(Some(GRPC_KEEPALIVE));
    let slots = Arc::new(Semaphore::new(max.clamp(1, Limits::MAX_CONNECTIONS)));
    futures_util::stream::unfold((incoming, slots), |(mut incoming, slots)| async move {
        let slot = Arc::clone(&slots).acquire_owned().await.ok()?;
        let accepted = incoming.next().await?;
        let held = accepted.map(|stream| Held {
            stream,
            _slot: slot,
        });
        Some((held, (incoming, slots)))
    })
}

/// Resolves once `stop` turns `true` (or its sender is gone).
async fn stopped(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Serves `core` over HTTP on `http` and over gRPC on `grpc` under `limits` until `shutdown`
/// resolves. HTTP bodies and gRPC messages above `body_limit` bytes are refused (`413`, and
/// tonic's `OUT_OF_RANGE`).
pub async fn serve_core(
    core: Arc<MockCore>,
    http: TcpListener,
    grpc: TcpListener,
    body_limit: usize,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), BoxError> {
    let limits = limits.bounded();
    let (stop_tx, stop_rx) = watch::channel(false);
    let state = HttpState {
        core: core.clone(),
        body_limit,
    };
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::disable());
    let http_server = serve(http, limits, app, stopped(stop_rx.clone()));
    let service = GrpcCore::from_arc(core)
        .into_service()
        .max_decoding_message_size(body_limit);
    let grpc_server = grpc_server(&limits)
        .add_service(service)
        .serve_with_incoming_shutdown(
            held_connections(grpc, limits.max_connections),
            stopped(stop_rx.clone()),
        );
    // tonic waits for every connection to close, even one that never started HTTP/2: give
    // them the grace, then stop waiting.
    let grpc_server = async move {
        tokio::select! {
            result = grpc_server => result.map_err(BoxError::from),
            () = async {
                stopped(stop_rx).await;
                tokio::time::sleep(limits.shutdown_grace).await;
            } => Ok(()),
        }
    };
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
    server: Background<BoxError>,
}

impl CoreHandle {
    /// The gRPC URL (`http://127.0.0.1:<port>`).
    pub fn grpc_url(&self) -> String {
        format!("http://{}", self.grpc_addr)
    }

    /// Stops both servers and waits for them.
    pub async fn stop(self) {
        let _ = self.server.stop().await;
    }
}

/// Binds HTTP and gRPC on `127.0.0.1:0` and serves `core` there in the background, under the
/// default [`Limits`].
pub async fn spawn_core(core: MockCore, body_limit: usize) -> std::io::Result<CoreHandle> {
    spawn_core_with(core, body_limit, Limits::default()).await
}

/// [`spawn_core`] under `limits`.
pub async fn spawn_core_with(
    core: MockCore,
    body_limit: usize,
    limits: Limits,
) -> std::io::Result<CoreHandle> {
    let http = TcpListener::bind("127.0.0.1:0").await?;
    let grpc = TcpListener::bind("127.0.0.1:0").await?;
    let http_url = format!("http://{}", http.local_addr()?);
    let grpc_addr = grpc.local_addr()?;
    let core = Arc::new(core);
    let serving = core.clone();
    let server =
        Background::spawn(|shutdown| serve_core(serving, http, grpc, body_limit, limits, shutdown));
    Ok(CoreHandle {
        http_url,
        grpc_addr,
        core,
        server,
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
    let channel =
        agent::connect(&server.grpc_url(), agent::ChannelSecurity::Plaintext, None).await?;
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
