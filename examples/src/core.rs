//! Nexuma Core: the in-memory Core served over HTTP (axum) and gRPC (tonic) for `core-server`,
//! the node agent loop of `node-agent`, and the tour leg.
//!
//! Everything protocol-specific is in `nodewire-core`: the HTTP pipeline
//! (`server::handle_http`), the gRPC service (`grpc::server::GrpcCore`), the typed gRPC
//! client (`grpc::client::CoreClient`) and the in-memory backend (`mock::MockCore`). This
//! module binds sockets, moves bytes, reads this machine's metrics and touches files.

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body as AxumBody;
use axum::extract::{Request, State};
use axum::response::Response;
use nodewire_common::Secret;
use nodewire_common::client::Client;
use nodewire_core::auth;
use nodewire_core::config::NodeConfig;
use nodewire_core::endpoints::{GetLatestConfig, Heartbeat, RegisterNode};
use nodewire_core::grpc::client::{CallError, CoreClient};
use nodewire_core::grpc::server::GrpcCore;
use nodewire_core::heartbeat::NodeHeartbeatDto;
use nodewire_core::mock::{MockConfig, MockCore};
use nodewire_core::node_error::NodeErrorDto;
use nodewire_core::register::{RegisterNodeDto, RegisterNodeResponse};
use nodewire_core::server::{self, Failure};
use nodewire_core::stats::NodeStats;
use nodewire_core::usage::{NodeUsageDto, UsageEntryDto};
use nodewire_core::values::{IpAddress, Timestamp};
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

// ============================================================================ server

#[derive(Clone)]
struct HttpState {
    core: Arc<MockCore>,
    body_limit: usize,
}

async fn handle(State(state): State<HttpState>, request: Request) -> Response {
    let (head, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, state.body_limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return Failure::payload_too_large(state.body_limit)
                .to_http_response()
                .map(AxumBody::from);
        }
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
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(HttpState {
            core: core.clone(),
            body_limit,
        })
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

/// A config with some substance: two xray clients and a VLESS + REALITY inbound, routing and
/// outbounds, and an MTProto inbound with one user.
pub fn sample_config() -> Result<NodeConfig, serde_json::Error> {
    serde_json::from_value(serde_json::json!({
        "revision": 1,
        "clientMap": {
            "6f1c7a52-1111-4c43-9a4e-9d0c7f3b2a10": {"userId": 42, "subscriptionId": 7},
            "0d9e4b3a-2222-4f0e-8c1a-5b6d7e8f9a01": {"userId": 43, "subscriptionId": null}
        },
        "mtprotoClientMap": {
            "a3c5e7f9-3333-4b2d-9e8f-0a1b2c3d4e5f": {"userId": 42, "subscriptionId": 7}
        },
        "services": {
            "xray": {
                "log": {"loglevel": "warning"},
                "api": {"tag": "api", "services": ["StatsService"]},
                "stats": {},
                "policy": {"levels": {"0": {"statsUserUplink": true, "statsUserDownlink": true}}},
                "inbounds": [{
                    "tag": "vless-3",
                    "listen": "0.0.0.0",
                    "port": 443,
                    "protocol": "vless",
                    "settings": {
                        "clients": [
                            {"id": "6f1c7a52-1111-4c43-9a4e-9d0c7f3b2a10", "email": "6f1c7a52-1111-4c43-9a4e-9d0c7f3b2a10", "flow": "xtls-rprx-vision"},
                            {"id": "0d9e4b3a-2222-4f0e-8c1a-5b6d7e8f9a01", "email": "0d9e4b3a-2222-4f0e-8c1a-5b6d7e8f9a01", "flow": "xtls-rprx-vision"}
                        ],
                        "decryption": "none"
                    },
                    "streamSettings": {
                        "network": "tcp",
                        "security": "reality",
                        "realitySettings": {
                            "dest": "www.example.com:443",
                            "serverNames": ["www.example.com"],
                            "privateKey": "kD1tExAmPlEpRiVaTeKeY0000000000000000000000",
                            "shortIds": ["a1b2c3d4"]
                        }
                    }
                }],
                "outbounds": [
                    {"tag": "direct", "protocol": "freedom"},
                    {"tag": "block", "protocol": "blackhole"}
                ],
                "routing": {
                    "domainStrategy": "IPIfNonMatch",
                    "rules": [
                        {"type": "field", "inboundTag": ["api"], "outboundTag": "api"},
                        {"type": "field", "protocol": ["bittorrent"], "outboundTag": "block"}
                    ]
                }
            },
            "mtproto": {
                "inbounds": [{
                    "port": 8443,
                    "tlsDomain": "www.example.com",
                    "users": {"a3c5e7f9-3333-4b2d-9e8f-0a1b2c3d4e5f": "0123456789abcdef0123456789abcdef"}
                }]
            }
        }
    }))
}

// ============================================================================ agent

/// What the node agent needs.
#[derive(Debug, Clone)]
pub struct AgentConfig {
    /// Core's HTTP base URL, for registration (`CORE_HTTP_URL`).
    pub core_http_url: String,
    /// Core's gRPC address, `host:port` or a URL (`CORE_GRPC_URL`).
    pub core_grpc_url: String,
    /// Plaintext gRPC instead of TLS (`CORE_INSECURE=true`).
    pub insecure: bool,
    /// A PEM CA certificate to trust besides the web PKI roots (a private Core CA).
    pub ca_file: Option<PathBuf>,
    /// Where the key Core issued is kept (`{authKey, nodeId}`, mode 0600).
    pub key_file: PathBuf,
    /// Where the applied config is written (mode 0600); its `revision` is the node's.
    pub config_file: PathBuf,
    /// A JSON `NodeUsageDto` spool that a traffic meter fills; sent and removed each cycle.
    pub usage_file: Option<PathBuf>,
    /// The registration to send when there is no key file yet.
    pub registration: Option<RegisterNodeDto>,
    /// The IP address heartbeats carry.
    pub ip: Option<IpAddress>,
    /// Pause between cycles.
    pub interval: Duration,
    /// Stop after this many cycles (`None`: run until stopped).
    pub cycles: Option<u64>,
    /// Also send the key in each request's `authKey` field.
    pub key_in_field: bool,
}

/// The gRPC endpoint for `url`: TLS (web PKI roots plus `ca_file`) unless `insecure`, which
/// forces plaintext. A bare `host:port` gets the scheme the mode implies.
pub fn grpc_endpoint(
    url: &str,
    insecure: bool,
    ca_file: Option<&Path>,
) -> Result<Endpoint, BoxError> {
    let bare = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .trim_end_matches('/');
    let scheme = if insecure { "http" } else { "https" };
    let endpoint = Endpoint::from_shared(format!("{scheme}://{bare}"))?
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30));
    if insecure {
        return Ok(endpoint);
    }
    let mut tls = ClientTlsConfig::new().with_webpki_roots();
    if let Some(path) = ca_file {
        tls = tls.ca_certificate(Certificate::from_pem(std::fs::read(path)?));
    }
    Ok(endpoint.tls_config(tls)?)
}

/// Writes `bytes` to `path` through a temporary file and a rename, readable only by the owner.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}

async fn load_or_register(config: &AgentConfig) -> Result<RegisterNodeResponse, BoxError> {
    match std::fs::read(&config.key_file) {
        Ok(bytes) => {
            let identity: RegisterNodeResponse = nodewire_common::error::from_slice(&bytes)
                .map_err(|e| format!("{}: {e}", config.key_file.display()))?;
            println!(
                "node {}: key loaded from {}",
                identity.node_id,
                config.key_file.display()
            );
            Ok(identity)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let registration = config.registration.clone().ok_or_else(|| {
                format!(
                    "no key in {} and no registration to get one (NODE_CODE and NODE_IP)",
                    config.key_file.display()
                )
            })?;
            let client = Client::new(&config.core_http_url)?;
            let identity = client.send(&RegisterNode::new(registration)).await?;
            write_private(&config.key_file, &serde_json::to_vec_pretty(&identity)?)?;
            println!(
                "node {}: registered, key saved to {}",
                identity.node_id,
                config.key_file.display()
            );
            Ok(identity)
        }
        Err(e) => Err(format!("{}: {e}", config.key_file.display()).into()),
    }
}

fn applied_revision(path: &Path) -> Option<u64> {
    let bytes = std::fs::read(path).ok()?;
    nodewire_common::error::from_slice::<NodeConfig>(&bytes)
        .ok()
        .map(|c| c.revision)
}

fn pending_usage(path: Option<&Path>) -> Result<NodeUsageDto, BoxError> {
    let Some(path) = path else {
        return Ok(NodeUsageDto::default());
    };
    match std::fs::read(path) {
        Ok(bytes) => Ok(nodewire_common::error::from_slice(&bytes)
            .map_err(|e| format!("{}: {e}", path.display()))?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(NodeUsageDto::default()),
        Err(e) => Err(format!("{}: {e}", path.display()).into()),
    }
}

fn refused(e: &CallError, key_file: &Path) -> Option<String> {
    (e.code() == Some(tonic::Code::Unauthenticated)).then(|| {
        format!(
            "Core refused the node's key ({e}); remove {} and register again with a new code",
            key_file.display()
        )
    })
}

/// Runs the agent: registers (or loads the key), then each cycle sends a heartbeat, fetches,
/// applies and confirms the config when Core asks for a sync, reports pending usage and this
/// machine's metrics.
pub async fn run_agent(config: &AgentConfig) -> Result<(), BoxError> {
    let identity = load_or_register(config).await?;
    let endpoint = grpc_endpoint(
        &config.core_grpc_url,
        config.insecure,
        config.ca_file.as_deref(),
    )?;
    let channel: Channel = endpoint.connect().await?;
    let mut core =
        CoreClient::new(channel, identity.auth_key)?.with_key_in_field(config.key_in_field);
    let mut applied = applied_revision(&config.config_file);
    let mut metrics = Metrics::new();
    let mut cycle = 0u64;
    loop {
        cycle += 1;
        let beat = NodeHeartbeatDto {
            ip: config.ip.clone(),
            revision: applied,
        };
        let answer = match core.heartbeat(&beat).await {
            Ok(answer) => answer,
            Err(e) => {
                return Err(refused(&e, &config.key_file)
                    .unwrap_or(e.to_string())
                    .into());
            }
        };
        println!(
            "cycle {cycle}: heartbeat (revision {}): needSync={}",
            applied.map_or("none".to_owned(), |r| r.to_string()),
            answer.need_sync
        );
        if answer.need_sync {
            match core.latest_config().await {
                Ok(latest) => match serde_json::to_vec_pretty(&latest)
                    .map_err(BoxError::from)
                    .and_then(|bytes| Ok(write_private(&config.config_file, &bytes)?))
                {
                    Ok(()) => {
                        core.confirm_config_applied(latest.revision).await?;
                        applied = Some(latest.revision);
                        println!(
                            "cycle {cycle}: applied revision {} ({} xray clients, {} MTProto clients) to {}",
                            latest.revision,
                            latest.client_map.len(),
                            latest.mtproto_client_map.len(),
                            config.config_file.display()
                        );
                    }
                    Err(e) => {
                        let report = NodeErrorDto::new(format!("cannot write the config: {e}"))
                            .code("CONFIG_WRITE_FAILED");
                        core.report_error(&report).await?;
                        println!("cycle {cycle}: {}", report.message);
                    }
                },
                Err(CallError::Json(e)) => {
                    let report =
                        NodeErrorDto::new(format!("invalid config: {e}")).code("CONFIG_INVALID");
                    core.report_error(&report).await?;
                    println!("cycle {cycle}: {}", report.message);
                }
                Err(e) => return Err(e.into()),
            }
        }
        let usage = pending_usage(config.usage_file.as_deref())?;
        core.report_usage(&usage).await?;
        if let Some(path) = &config.usage_file
            && !usage.entries.is_empty()
        {
            std::fs::remove_file(path)?;
        }
        println!("cycle {cycle}: usage: {} entries", usage.entries.len());
        let stats = metrics.sample();
        core.report_node_stats(&stats).await?;
        println!(
            "cycle {cycle}: stats: cpu {:.1}% of {} cores, ram {}/{} MiB, disk {}/{} GiB, rx {:.0} B/s, tx {:.0} B/s, xray {}",
            stats.cpu_percent,
            stats.cpu_cores,
            stats.ram_used >> 20,
            stats.ram_total >> 20,
            stats.disk_used >> 30,
            stats.disk_total >> 30,
            stats.net_rx_per_sec,
            stats.net_tx_per_sec,
            if stats.xray_running {
                "running"
            } else {
                "not running"
            }
        );
        if config.cycles.is_some_and(|n| cycle >= n) {
            return Ok(());
        }
        tokio::time::sleep(config.interval).await;
    }
}

/// This machine's metrics, sampled with `sysinfo`.
pub struct Metrics {
    system: sysinfo::System,
    disks: sysinfo::Disks,
    networks: sysinfo::Networks,
    previous: Option<(Instant, u64, u64)>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Starts sampling (the first CPU and network rates are measured from here).
    pub fn new() -> Self {
        use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind};
        let system = sysinfo::System::new_with_specifics(
            RefreshKind::nothing()
                .with_cpu(CpuRefreshKind::nothing().with_cpu_usage())
                .with_memory(MemoryRefreshKind::nothing().with_ram()),
        );
        Self {
            system,
            disks: sysinfo::Disks::new_with_refreshed_list(),
            networks: sysinfo::Networks::new_with_refreshed_list(),
            previous: None,
        }
    }

    /// A snapshot: host uptime, CPU use since the previous sample, memory, local disks
    /// (each device once), non-loopback network totals and rates, and the xray and telemt
    /// processes.
    pub fn sample(&mut self) -> NodeStats {
        self.system.refresh_cpu_usage();
        self.system.refresh_memory();
        self.system.refresh_processes_specifics(
            sysinfo::ProcessesToUpdate::All,
            true,
            sysinfo::ProcessRefreshKind::nothing(),
        );
        self.disks.refresh(true);
        self.networks.refresh(true);

        let mut devices = std::collections::BTreeSet::new();
        let (mut disk_total, mut disk_free) = (0u64, 0u64);
        for disk in self.disks.list() {
            if devices.insert(disk.name().to_owned()) {
                disk_total = disk_total.saturating_add(disk.total_space());
                disk_free = disk_free.saturating_add(disk.available_space());
            }
        }
        let (mut rx, mut tx) = (0u64, 0u64);
        for (name, data) in self.networks.iter() {
            if name != "lo" && !name.starts_with("lo0") {
                rx = rx.saturating_add(data.total_received());
                tx = tx.saturating_add(data.total_transmitted());
            }
        }
        let now = Instant::now();
        let (rx_rate, tx_rate) = match self.previous {
            Some((then, prx, ptx)) => {
                let secs = now.duration_since(then).as_secs_f64();
                if secs > 0.0 {
                    (
                        rx.saturating_sub(prx) as f64 / secs,
                        tx.saturating_sub(ptx) as f64 / secs,
                    )
                } else {
                    (0.0, 0.0)
                }
            }
            None => (0.0, 0.0),
        };
        self.previous = Some((now, rx, tx));

        let uptime_of = |name: &str| {
            self.system
                .processes_by_exact_name(name.as_ref())
                .map(sysinfo::Process::run_time)
                .max()
        };
        let xray = uptime_of("xray");
        let telemt = uptime_of("telemt");
        let mtproto = telemt.map(|uptime| {
            let mut status = serde_json::Map::new();
            status.insert("running".into(), true.into());
            status.insert("uptimeSeconds".into(), uptime.into());
            status
        });
        let cpu = f64::from(self.system.global_cpu_usage());
        NodeStats {
            uptime_seconds: sysinfo::System::uptime(),
            cpu_percent: if cpu.is_finite() {
                cpu.clamp(0.0, 100.0)
            } else {
                0.0
            },
            cpu_cores: u32::try_from(self.system.cpus().len()).unwrap_or(u32::MAX),
            ram_used: self.system.used_memory(),
            ram_total: self.system.total_memory(),
            disk_used: disk_total.saturating_sub(disk_free),
            disk_total,
            net_rx_per_sec: rx_rate,
            net_tx_per_sec: tx_rate,
            net_rx_total: rx,
            net_tx_total: tx,
            xray_running: xray.is_some(),
            xray_uptime_seconds: xray,
            mtproto,
        }
    }
}

// ============================================================================ tour

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
    let endpoint = grpc_endpoint(&server.grpc_url(), true, None)
        .map_err(|e| -> Box<dyn std::error::Error> { e })?;
    let channel = endpoint.connect().await?;
    let mut grpc = CoreClient::new(channel.clone(), key.clone())?;
    let beat = grpc.heartbeat(&NodeHeartbeatDto::default()).await?;
    println!("→ Heartbeat {{}}\n← needSync={}", beat.need_sync);
    let config = grpc.latest_config().await?;
    println!(
        "→ GetLatestConfig\n← revision {}, {} xray clients, {} MTProto clients, xray inbounds {:?} (JSON strings decoded into NodeConfig)",
        config.revision,
        config.client_map.len(),
        config.mtproto_client_map.len(),
        config
            .services
            .xray
            .as_ref()
            .map(|x| x.inbound_tags().collect::<Vec<_>>())
            .unwrap_or_default()
    );
    grpc.confirm_config_applied(config.revision).await?;
    println!(
        "→ ConfirmConfigApplied {{revision: {}}}\n← ok",
        config.revision
    );
    let now = Timestamp::now();
    let usage = NodeUsageDto {
        entries: config
            .client_map
            .values()
            .map(|owner| UsageEntryDto {
                user_id: owner.user_id,
                subscription_id: owner.subscription_id.into(),
                node_protocol_id: 3,
                bytes_up: 1 << 20,
                bytes_down: 64 << 20,
                recorded_at: now.clone(),
            })
            .collect(),
    };
    grpc.report_usage(&usage).await?;
    println!("→ ReportUsage {{{} entries}}\n← ok", usage.entries.len());
    let mut metrics = Metrics::new();
    let stats = metrics.sample();
    grpc.report_node_stats(&stats).await?;
    println!(
        "→ ReportNodeStats {{cpu {:.1}% of {} cores, ram {}/{} MiB, uptime {} s}}\n← ok",
        stats.cpu_percent,
        stats.cpu_cores,
        stats.ram_used >> 20,
        stats.ram_total >> 20,
        stats.uptime_seconds
    );
    let beat = grpc
        .heartbeat(&NodeHeartbeatDto {
            ip: None,
            revision: Some(config.revision),
        })
        .await?;
    println!(
        "→ Heartbeat {{revision: {}}}\n← needSync={}",
        config.revision, beat.need_sync
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
