//! Dash over HTTP: a receiver (axum around [`nodewire_dash::receiver::Receiver`]) that keeps
//! the latest report per node and serves an HTML board with SVG sparklines, and an agent
//! that collects this machine's metrics with `sysinfo` (and `/proc` on Linux) and pushes them
//! with the rules in [`nodewire_dash::agent`] and [`nodewire_dash::target`].

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body as AxumBody;
use axum::extract::{Request, State};
use axum::response::{Html, IntoResponse, Response};
use bytes::Bytes;
use nodewire_common::Endpoint;
use nodewire_common::Secret;
use nodewire_common::client::{Client, ClientError};
use nodewire_dash::agent::{self, Delivery, FailureLog, StaticReadiness};
use nodewire_dash::collect::{self, DiskCounters, NetCounters};
use nodewire_dash::endpoints::{FetchIdentity, PushMetrics, PushStatic};
use nodewire_dash::receiver::{Body, Peer, Push, Receiver, ReceiverConfig};
use nodewire_dash::report::pressure::ReadFailure;
use nodewire_dash::report::{
    Connections, Cpu, Disk, DiskFilesystem, DiskLogical, DiskSmart, LogicalKind, Memory, NetIo,
    Pressure, PressureResource, Processes, Raid, SensorKind, Snapshot, Status, System, Thermal,
    ThermalSensor,
};
use nodewire_dash::static_info::{
    StaticCpu, StaticCpuInfo, StaticDisk, StaticDiskFilesystem, StaticDiskLogical,
    StaticDiskPhysical, StaticMemory, StaticRaid, StaticSystem,
};
use nodewire_dash::target::{CertificateProblem, Target, TransportFailure};
use nodewire_dash::update::{UpdateDecision, UpdateManifest, UpdatePlan};
use nodewire_dash::{IdentityResponse, NodeReport, Static, Timestamp};
use tokio::net::TcpListener;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

// ---------------------------------------------------------------------------------------------
// Receiver
// ---------------------------------------------------------------------------------------------

/// How many samples each sparkline shows.
pub const HISTORY: usize = 60;

/// One point of a node's sparklines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// CPU usage, ratio.
    pub cpu: f64,
    /// Memory used, ratio.
    pub memory: f64,
    /// Received bytes/s over the reported interfaces.
    pub rx: f64,
    /// Sent bytes/s over the reported interfaces.
    pub tx: f64,
}

impl Sample {
    fn of(report: &NodeReport) -> Self {
        let m = &report.metrics;
        Self {
            cpu: m.cpu.usage_ratio,
            memory: m.memory.used_ratio,
            rx: m.network.iter().map(|n| n.recv_rate_bytes_per_sec).sum(),
            tx: m.network.iter().map(|n| n.sent_rate_bytes_per_sec).sum(),
        }
    }
}

/// What the receiver knows about one node.
#[derive(Debug, Clone)]
pub struct NodeState {
    /// The latest report.
    pub report: NodeReport,
    /// The latest static body, if one arrived.
    pub static_info: Option<Static>,
    /// The last [`HISTORY`] samples, oldest first.
    pub history: VecDeque<Sample>,
    /// Reports received.
    pub reports: u64,
}

/// Every node's latest state, keyed by the node name of its key.
#[derive(Debug, Clone, Default)]
pub struct Board {
    /// The nodes, by name.
    pub nodes: BTreeMap<String, NodeState>,
    /// Static bodies of nodes that have not reported metrics yet.
    pub pending_static: BTreeMap<String, Static>,
}

impl Board {
    /// Files an accepted push.
    pub fn record(&mut self, node: &str, push: &Push) {
        match push {
            Push::Identity => {}
            Push::Metrics(report) => {
                let sample = Sample::of(report);
                let pending = self.pending_static.remove(node);
                let state = self
                    .nodes
                    .entry(node.to_owned())
                    .or_insert_with(|| NodeState {
                        report: (**report).clone(),
                        static_info: None,
                        history: VecDeque::new(),
                        reports: 0,
                    });
                state.report = (**report).clone();
                if pending.is_some() {
                    state.static_info = pending;
                }
                state.history.push_back(sample);
                while state.history.len() > HISTORY {
                    state.history.pop_front();
                }
                state.reports += 1;
            }
            Push::Static(body) => match self.nodes.get_mut(node) {
                Some(state) => state.static_info = Some((**body).clone()),
                None => {
                    self.pending_static
                        .insert(node.to_owned(), (**body).clone());
                }
            },
        }
    }
}

struct ReceiverState {
    receiver: Receiver,
    board: Mutex<Board>,
    update: Option<UpdateManifest>,
}

async fn handle_push(
    State(state): State<Arc<ReceiverState>>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    request: Request,
) -> Response {
    let limit = state.receiver.config().body_limit;
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Body::Complete(bytes),
        Err(_) => Body::TooLarge,
    };
    let peer = Peer::new(peer.ip(), std::time::SystemTime::now());
    let handled = state.receiver.handle(
        http::Request::from_parts(parts, body),
        &peer,
        state.update.as_ref(),
    );
    if let Ok(accepted) = &handled.outcome
        && let Ok(mut board) = state.board.lock()
    {
        board.record(&accepted.node, &accepted.push);
    }
    handled.response.map(AxumBody::from)
}

async fn board_page(State(state): State<Arc<ReceiverState>>) -> Response {
    match state.board.lock() {
        Ok(board) => Html(render_board(&board)).into_response(),
        Err(_) => http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Serves the receiver on `listener` until `shutdown` resolves: `GET /` is the board,
/// everything else goes to the sans-IO receiver. `update` is offered to nodes reporting a
/// lower version.
pub async fn serve_receiver(
    listener: TcpListener,
    config: ReceiverConfig,
    update: Option<UpdateManifest>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = Arc::new(ReceiverState {
        receiver: Receiver::new(config),
        board: Mutex::new(Board::default()),
        update,
    });
    let app = axum::Router::new()
        .route("/", axum::routing::get(board_page))
        .fallback(handle_push)
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::disable());
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Binds `127.0.0.1:0`, serves a receiver in the background and returns its base URL and a
/// handle that stops it when dropped.
pub async fn spawn_receiver(
    config: ReceiverConfig,
    update: Option<UpdateManifest>,
) -> std::io::Result<(String, ReceiverHandle)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve_receiver(listener, config, update, async {
        let _ = rx.await;
    }));
    Ok((
        url,
        ReceiverHandle {
            stop: Some(tx),
            task,
        },
    ))
}

/// Stops a spawned receiver when dropped.
#[derive(Debug)]
pub struct ReceiverHandle {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl ReceiverHandle {
    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for ReceiverHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// A random install id without a random-number dependency: std's per-process random hash
/// keys.
pub fn random_install_id() -> nodewire_dash::identity::InstallId {
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = [0u8; 16];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        );
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    nodewire_dash::identity::InstallId::from_random(bytes)
}

// ---------------------------------------------------------------------------------------------
// HTML board
// ---------------------------------------------------------------------------------------------

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const SPARK_W: f64 = 120.0;
const SPARK_H: f64 = 28.0;

/// The `points` of a polyline for `values` scaled to `max` (a flat line for one value).
fn points(values: &[f64], max: f64) -> String {
    let max = if max > 0.0 && max.is_finite() {
        max
    } else {
        1.0
    };
    let y = |v: f64| {
        let v = if v.is_finite() {
            v.clamp(0.0, max)
        } else {
            0.0
        };
        SPARK_H - 1.0 - v / max * (SPARK_H - 2.0)
    };
    match values {
        [] => String::new(),
        [only] => format!("0,{:.1} {SPARK_W},{:.1}", y(*only), y(*only)),
        _ => {
            let step = SPARK_W / (values.len() - 1) as f64;
            values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", i as f64 * step, y(*v)))
                .collect::<Vec<_>>()
                .join(" ")
        }
    }
}

/// One sparkline: an inline SVG with a polyline per series, labelled for the node and
/// metric.
pub fn sparkline(
    node: &str,
    metric: &str,
    label: &str,
    series: &[(&str, &[f64])],
    max: f64,
) -> String {
    let mut svg = format!(
        "<svg class=\"spark\" data-node=\"{}\" data-metric=\"{metric}\" width=\"{SPARK_W}\" height=\"{SPARK_H}\" viewBox=\"0 0 {SPARK_W} {SPARK_H}\" role=\"img\" aria-label=\"{}\">",
        escape_html(node),
        escape_html(label)
    );
    for (color, values) in series {
        let _ = write!(
            svg,
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{}\"/>",
            points(values, max)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn human_rate(bytes_per_sec: f64) -> String {
    const UNITS: [&str; 4] = ["B/s", "KiB/s", "MiB/s", "GiB/s"];
    let mut value = bytes_per_sec.max(0.0);
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS.get(unit).unwrap_or(&"B/s"))
}

/// The board: a table row per node with its latest numbers and CPU, memory and network
/// sparklines. The page refreshes itself every 3 seconds.
pub fn render_board(board: &Board) -> String {
    let mut html = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"3\">\
         <title>nodewire · Dash receiver</title><style>\
         body{font:14px system-ui,sans-serif;margin:2em;color:#222}\
         table{border-collapse:collapse}th,td{padding:.4em .8em;border-bottom:1px solid #ddd;text-align:left;vertical-align:middle}\
         th{background:#f4f4f4}.num{text-align:right;font-variant-numeric:tabular-nums}\
         svg.spark{background:#fafafa;border:1px solid #eee}</style></head><body>",
    );
    let _ = write!(
        html,
        "<h1>Nodes <small>({})</small></h1><table id=\"nodes\"><thead><tr>\
         <th>Node</th><th>Host</th><th>Agent</th><th>System</th><th>CPU</th><th>Load</th>\
         <th>Memory</th><th>Network ↓ / ↑</th><th>Uptime</th><th>Reports</th><th>Last sample</th>\
         </tr></thead><tbody>",
        board.nodes.len()
    );
    if board.nodes.is_empty() {
        html.push_str("<tr><td colspan=\"11\">No reports yet.</td></tr>");
    }
    for (name, state) in &board.nodes {
        let r = &state.report;
        let m = &r.metrics;
        let cpu: Vec<f64> = state.history.iter().map(|s| s.cpu * 100.0).collect();
        let memory: Vec<f64> = state.history.iter().map(|s| s.memory * 100.0).collect();
        let rx: Vec<f64> = state.history.iter().map(|s| s.rx).collect();
        let tx: Vec<f64> = state.history.iter().map(|s| s.tx).collect();
        let net_max = rx.iter().chain(&tx).fold(0.0_f64, |a, b| a.max(*b));
        let system = state.static_info.as_ref().map_or_else(
            || "(no static yet)".to_owned(),
            |s| {
                format!(
                    "{} {} ({})",
                    s.system.platform, s.system.platform_version, s.system.arch
                )
            },
        );
        let load = if m.cpu.has_load() {
            format!("{:.2} {:.2} {:.2}", m.cpu.load1, m.cpu.load5, m.cpu.load15)
        } else {
            "n/a".to_owned()
        };
        let latest = state
            .history
            .back()
            .copied()
            .unwrap_or_else(|| Sample::of(r));
        let _ = write!(
            html,
            "<tr class=\"node\" data-node=\"{node}\"><td>{node}</td><td>{host}</td><td>{version}</td><td>{system}</td>\
             <td class=\"num\">{cpu_now:.1}% {cpu_svg}</td><td class=\"num\">{load}</td>\
             <td class=\"num\">{mem_now:.1}% {mem_svg}</td>\
             <td class=\"num\">{rx_now} / {tx_now} {net_svg}</td><td>{uptime}</td>\
             <td class=\"num\">{reports}</td><td>{ts}</td></tr>",
            node = escape_html(name),
            host = escape_html(&r.hostname),
            version = escape_html(&r.version),
            system = escape_html(&system),
            cpu_now = latest.cpu * 100.0,
            cpu_svg = sparkline(
                name,
                "cpu",
                "CPU usage, percent",
                &[("#d9480f", &cpu)],
                100.0
            ),
            load = escape_html(&load),
            mem_now = latest.memory * 100.0,
            mem_svg = sparkline(
                name,
                "memory",
                "Memory used, percent",
                &[("#1971c2", &memory)],
                100.0
            ),
            rx_now = human_rate(latest.rx),
            tx_now = human_rate(latest.tx),
            net_svg = sparkline(
                name,
                "network",
                "Network bytes per second, received and sent",
                &[("#2f9e44", &rx), ("#862e9c", &tx)],
                net_max
            ),
            uptime = escape_html(&m.system.uptime),
            reports = state.reports,
            ts = escape_html(r.timestamp.as_str()),
        );
    }
    html.push_str("</tbody></table></body></html>\n");
    html
}

// ---------------------------------------------------------------------------------------------
// Collector
// ---------------------------------------------------------------------------------------------

/// Samples this machine: `sysinfo` everywhere, plus `/proc` and `/sys` on Linux for the
/// numbers `sysinfo` does not give (CPU times, disk IO, buffers, sockets, pressure).
pub struct Collector {
    sys: sysinfo::System,
    networks: sysinfo::Networks,
    disks: sysinfo::Disks,
    components: sysinfo::Components,
    version: String,
    interval: Duration,
    preferred_nics: Vec<String>,
    prev_at: Option<Instant>,
    prev_net: BTreeMap<String, NetCounters>,
    prev_disk: BTreeMap<String, DiskCounters>,
    samples: u64,
    processes: i64,
    last: Option<NodeReport>,
}

impl std::fmt::Debug for Collector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collector")
            .field("version", &self.version)
            .field("samples", &self.samples)
            .finish()
    }
}

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

const LINUX: bool = cfg!(target_os = "linux");

impl Collector {
    /// A collector reporting agent `version`, pushing every `interval`, limited to
    /// `preferred_nics` when not empty.
    pub fn new(
        version: impl Into<String>,
        interval: Duration,
        preferred_nics: Vec<String>,
    ) -> Self {
        let mut sys = sysinfo::System::new();
        sys.refresh_cpu_all();
        Self {
            sys,
            networks: sysinfo::Networks::new_with_refreshed_list(),
            disks: sysinfo::Disks::new_with_refreshed_list(),
            components: sysinfo::Components::new_with_refreshed_list(),
            version: version.into(),
            interval,
            preferred_nics,
            prev_at: None,
            prev_net: BTreeMap::new(),
            prev_disk: BTreeMap::new(),
            samples: 0,
            processes: 0,
            last: None,
        }
    }

    fn hostname() -> String {
        sysinfo::System::host_name()
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "unknown".to_owned())
    }

    /// Samples the machine into a report (rates against the previous sample).
    pub fn report(&mut self) -> NodeReport {
        let now = Instant::now();
        let elapsed = self
            .prev_at
            .map(|p| now.duration_since(p).as_secs_f64())
            .unwrap_or(0.0);
        self.prev_at = Some(now);
        self.samples += 1;
        let timestamp = Timestamp::now();

        self.sys.refresh_cpu_usage();
        self.sys.refresh_memory();
        let cpu = Cpu {
            usage_ratio: collect::percent_to_ratio(f64::from(self.sys.global_cpu_usage())),
            load1: Cpu::LOAD_UNAVAILABLE,
            load5: Cpu::LOAD_UNAVAILABLE,
            load15: Cpu::LOAD_UNAVAILABLE,
            times: read("/proc/stat")
                .and_then(|t| collect::proc_stat_cpu_times(&t))
                .unwrap_or_default(),
        };
        let cpu = if cfg!(windows) {
            cpu
        } else {
            let load = sysinfo::System::load_average();
            Cpu {
                load1: load.one,
                load5: load.five,
                load15: load.fifteen,
                ..cpu
            }
        };

        let total = self.sys.total_memory();
        let available = self.sys.available_memory();
        let meminfo = read("/proc/meminfo").unwrap_or_default();
        let cached = collect::proc_meminfo_bytes(&meminfo, "Cached").unwrap_or(0)
            + collect::proc_meminfo_bytes(&meminfo, "SReclaimable").unwrap_or(0);
        let swap_total = self.sys.total_swap();
        let swap_used = self.sys.used_swap();
        let memory = Memory {
            used: total.saturating_sub(available),
            available,
            buffers: collect::proc_meminfo_bytes(&meminfo, "Buffers").unwrap_or(0),
            cached,
            used_ratio: collect::ratio_from_used_free(total.saturating_sub(available), available),
            swap_used,
            swap_free: self.sys.free_swap(),
            swap_used_ratio: if swap_total == 0 {
                0.0
            } else {
                swap_used as f64 / swap_total as f64
            },
        };

        if self.samples == 1 || self.samples.is_multiple_of(8) {
            self.sys.refresh_processes_specifics(
                sysinfo::ProcessesToUpdate::All,
                true,
                sysinfo::ProcessRefreshKind::nothing(),
            );
            self.processes = i64::try_from(self.sys.processes().len()).unwrap_or(i64::MAX);
        }

        let disk = self.disk(elapsed);
        let network = self.network(elapsed);
        let report = NodeReport {
            version: self.version.clone(),
            hostname: Self::hostname(),
            timestamp,
            metrics: Snapshot {
                cpu,
                memory,
                disk,
                network,
                system: System::new(sysinfo::System::uptime()),
                processes: Processes {
                    process_count: self.processes,
                },
                connections: Self::connections(),
                pressure: Some(Self::pressure()),
                raid: Raid {
                    supported: LINUX,
                    available: false,
                    arrays: Vec::new(),
                },
                thermal: Some(self.thermal()),
            },
        };
        self.last = Some(report.clone());
        report
    }

    fn disk(&mut self, elapsed: f64) -> Disk {
        let stats = read("/proc/diskstats")
            .map(|t| collect::proc_diskstats(&t))
            .unwrap_or_default();
        let whole: Vec<&String> = stats
            .keys()
            .filter(|n| std::path::Path::new(&format!("/sys/block/{n}")).exists())
            .collect();
        let backed: Vec<&String> = whole
            .iter()
            .copied()
            .filter(|n| std::path::Path::new(&format!("/sys/block/{n}/device")).exists())
            .collect();
        let names = if backed.is_empty() { whole } else { backed };
        let physical: Vec<_> = names
            .iter()
            .filter_map(|name| {
                let curr = stats.get(*name)?;
                Some(collect::disk_physical(
                    name.as_str(),
                    self.prev_disk.get(*name),
                    curr,
                    elapsed,
                    cfg!(windows),
                ))
            })
            .collect();
        self.prev_disk = stats;

        self.disks.refresh(true);
        let mut filesystems: Vec<DiskFilesystem> = Vec::new();
        let mut logical: BTreeMap<String, DiskLogical> = BTreeMap::new();
        for d in self.disks.list() {
            let mountpoint = d.mount_point().to_string_lossy().into_owned();
            if filesystems.iter().any(|f| f.mountpoint == mountpoint) {
                continue;
            }
            let device = d.name().to_string_lossy().into_owned();
            let free = d.available_space();
            let used = d.total_space().saturating_sub(free);
            filesystems.push(DiskFilesystem {
                path: mountpoint.clone(),
                device: device.clone(),
                mountpoint,
                used,
                free,
                used_ratio: collect::ratio_from_used_free(used, free),
                ..DiskFilesystem::default()
            });
            let name = device
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(&device)
                .to_owned();
            if name.is_empty() {
                continue;
            }
            let entry = logical.entry(name.clone()).or_insert_with(|| DiskLogical {
                kind: if name.starts_with("md") {
                    LogicalKind::Raid
                } else {
                    LogicalKind::Disk
                },
                name: name.clone(),
                device_path: if device.starts_with("/dev/") {
                    device.clone()
                } else {
                    String::new()
                },
                reference: format!("disk:{name}"),
                used: 0,
                free: 0,
                used_ratio: 0.0,
                health: None,
            });
            if used + free > entry.used + entry.free {
                entry.used = used;
                entry.free = free;
                entry.used_ratio = collect::ratio_from_used_free(used, free);
            }
        }
        filesystems.sort_by(|a, b| a.mountpoint.cmp(&b.mountpoint));
        Disk {
            base_io: physical
                .iter()
                .map(collect::base_io_from_physical)
                .collect(),
            physical,
            logical: logical.into_values().collect(),
            filesystems,
            smart: Some(DiskSmart::no_cache()),
        }
    }

    fn physical_like(name: &str) -> bool {
        let base = format!("/sys/class/net/{name}");
        let path = |p: &str| std::path::Path::new(&format!("{base}/{p}")).exists();
        (path("device") || path("bonding")) && !path("bridge")
    }

    fn network(&mut self, elapsed: f64) -> Vec<NetIo> {
        self.networks.refresh(true);
        let list = self.networks.list();
        let mut names: Vec<&String> = if self.preferred_nics.is_empty() {
            let physical: Vec<&String> = list
                .keys()
                .filter(|n| LINUX && Self::physical_like(n))
                .collect();
            if physical.is_empty() {
                list.iter()
                    .filter(|(n, d)| !n.starts_with("lo") && !d.ip_networks().is_empty())
                    .map(|(n, _)| n)
                    .collect()
            } else {
                physical
            }
        } else {
            list.keys()
                .filter(|n| self.preferred_nics.contains(n))
                .collect()
        };
        names.sort();
        let mut out = Vec::with_capacity(names.len());
        let mut next = BTreeMap::new();
        for name in names {
            let Some(d) = list.get(name) else { continue };
            let curr = NetCounters {
                bytes_recv: d.total_received(),
                bytes_sent: d.total_transmitted(),
                packets_recv: d.total_packets_received(),
                packets_sent: d.total_packets_transmitted(),
                err_in: d.total_errors_on_received(),
                err_out: d.total_errors_on_transmitted(),
                drop_in: 0,
                drop_out: 0,
            };
            out.push(collect::net_io(
                name,
                self.prev_net.get(name),
                &curr,
                elapsed,
            ));
            next.insert(name.clone(), curr);
        }
        self.prev_net = next;
        out
    }

    fn connections() -> Connections {
        let count = |files: [&str; 2]| {
            files
                .iter()
                .filter_map(|f| read(f))
                .map(|t| collect::proc_net_socket_count(&t))
                .sum()
        };
        Connections {
            tcp_count: count(["/proc/net/tcp", "/proc/net/tcp6"]),
            udp_count: count(["/proc/net/udp", "/proc/net/udp6"]),
        }
    }

    fn pressure() -> Pressure {
        if !LINUX {
            return Pressure::unsupported();
        }
        let resource = |name: &str| match std::fs::read_to_string(format!("/proc/pressure/{name}"))
        {
            Ok(text) => PressureResource::from_psi(&text),
            Err(e) => PressureResource::unreadable(match e.kind() {
                std::io::ErrorKind::NotFound => ReadFailure::NotFound,
                std::io::ErrorKind::PermissionDenied => ReadFailure::PermissionDenied,
                _ => ReadFailure::Other,
            }),
        };
        Pressure {
            cpu: resource("cpu"),
            memory: resource("memory"),
            io: resource("io"),
        }
    }

    fn thermal(&mut self) -> Thermal {
        if cfg!(target_os = "macos") {
            return Thermal::initial(true);
        }
        self.components.refresh(true);
        let sensors: Vec<ThermalSensor> = self
            .components
            .list()
            .iter()
            .filter_map(|c| {
                let key = c.label().trim().to_owned();
                let temp = c.temperature()?;
                (!key.is_empty()).then(|| ThermalSensor {
                    kind: SensorKind::classify(&key),
                    name: key.clone(),
                    sensor_key: key,
                    source: "sysinfo".to_owned(),
                    status: Status::Ok,
                    temp_c: Some(f64::from(temp)),
                    high_c: c.max().map(f64::from).filter(|v| *v != 0.0),
                    critical_c: c.critical().map(f64::from).filter(|v| *v != 0.0),
                })
            })
            .collect();
        Thermal {
            status: if sensors.is_empty() {
                Status::NotFound
            } else {
                Status::Ok
            },
            updated_at: Some(Timestamp::now()),
            sensors,
        }
    }

    /// The static body (host identity, totals, inventory from the last report).
    pub fn static_info(&mut self) -> Static {
        self.sys.refresh_cpu_all();
        self.sys.refresh_memory();
        let cpus = self.sys.cpus();
        let logical = i64::try_from(cpus.len()).unwrap_or(0);
        let physical = sysinfo::System::physical_core_count()
            .and_then(|n| i64::try_from(n).ok())
            .unwrap_or(0);
        let first = cpus.first();
        let last = self.last.as_ref();
        let disk = StaticDisk {
            physical: last
                .map(|r| {
                    r.metrics
                        .disk
                        .physical
                        .iter()
                        .map(|p| StaticDiskPhysical {
                            name: p.name.clone(),
                            device_path: p.device_path.clone(),
                            reference: p.reference.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            logical: self.static_logical(),
            filesystems: self
                .disks
                .list()
                .iter()
                .map(|d| StaticDiskFilesystem {
                    path: d.mount_point().to_string_lossy().into_owned(),
                    device: d.name().to_string_lossy().into_owned(),
                    mountpoint: d.mount_point().to_string_lossy().into_owned(),
                    total: d.total_space(),
                    fs_type: d.file_system().to_string_lossy().into_owned(),
                    inodes_total: 0,
                })
                .collect(),
            base_io: Vec::new(),
        };
        let os = collect::go_os(std::env::consts::OS).to_owned();
        Static {
            version: self.version.clone(),
            timestamp: Timestamp::now(),
            report_interval_seconds: agent::report_interval_seconds(self.interval),
            cpu: StaticCpu {
                info: StaticCpuInfo {
                    model_name: first
                        .map(|c| c.brand().trim().to_owned())
                        .unwrap_or_default(),
                    vendor_id: first
                        .map(|c| c.vendor_id().trim().to_owned())
                        .unwrap_or_default(),
                    sockets: i64::from(logical > 0 || physical > 0),
                    cores_physical: physical,
                    cores_logical: logical,
                    frequency_mhz: first.map(|c| c.frequency() as f64).unwrap_or(0.0),
                },
            },
            memory: StaticMemory {
                total: self.sys.total_memory(),
                swap_total: self.sys.total_swap(),
            },
            disk,
            system: StaticSystem {
                hostname: Self::hostname(),
                platform: if LINUX {
                    sysinfo::System::distribution_id()
                } else {
                    os.clone()
                },
                os,
                platform_version: sysinfo::System::os_version().unwrap_or_default(),
                kernel_version: sysinfo::System::kernel_version().unwrap_or_default(),
                arch: collect::go_arch(std::env::consts::ARCH).to_owned(),
            },
            raid: StaticRaid {
                supported: LINUX,
                available: false,
                arrays: Vec::new(),
            },
        }
    }

    fn static_logical(&self) -> Vec<StaticDiskLogical> {
        let Some(last) = &self.last else {
            return Vec::new();
        };
        last.metrics
            .disk
            .logical
            .iter()
            .map(|l| {
                let fs = self
                    .disks
                    .list()
                    .iter()
                    .filter(|d| d.name().to_string_lossy().ends_with(l.name.as_str()))
                    .min_by_key(|d| d.mount_point().to_path_buf());
                StaticDiskLogical {
                    kind: l.kind.clone(),
                    name: l.name.clone(),
                    device_path: l.device_path.clone(),
                    reference: l.reference.clone(),
                    total: l.used + l.free,
                    mountpoint: fs
                        .map(|d| d.mount_point().to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    fs_type: fs
                        .map(|d| d.file_system().to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    devices: Vec::new(),
                }
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Agent
// ---------------------------------------------------------------------------------------------

/// What the agent does.
#[derive(Debug, Clone)]
pub struct AgentConfig {
    /// Metrics target URLs and their keys.
    pub targets: Vec<(String, Secret)>,
    /// Refuse non-`https` targets and never fall back to `http`.
    pub require_https: bool,
    /// Time between reports.
    pub interval: Duration,
    /// Delay before the first static and metrics pushes.
    pub push_delay: Duration,
    /// Stop after this many metrics rounds (`None`: run until stopped).
    pub rounds: Option<u64>,
    /// Resolve each target's Dash identity first (as `report install` does).
    pub fetch_identity: bool,
    /// Report only these interfaces (`--net`).
    pub preferred_nics: Vec<String>,
    /// The version reported (strict SemVer).
    pub version: String,
}

/// What an agent run did.
#[derive(Debug, Clone, Default)]
pub struct AgentSummary {
    /// Each target's identity, when fetched.
    pub identities: Vec<Option<IdentityResponse>>,
    /// Static pushes answered `200`, per target.
    pub static_accepted: Vec<u64>,
    /// Metrics rounds run.
    pub rounds: u64,
    /// Rounds in which at least one target answered `200`.
    pub successful_rounds: u64,
}

struct AgentTarget {
    id: i64,
    target: Target,
    secret: Secret,
    delivery: Delivery,
    static_retry_at: Option<Instant>,
}

/// Maps a client error onto the fallback rule's classes (by the error texts of hyper and
/// rustls).
pub fn classify<F: std::error::Error + 'static>(error: &ClientError<F>) -> TransportFailure {
    let mut text = String::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        text.push_str(&e.to_string());
        text.push_str(&format!(" {e:?} "));
        source = e.source();
    }
    if text.contains("onnection refused") || text.contains("ConnectionRefused") {
        TransportFailure::ConnectionRefused
    } else if text.contains("InvalidContentType")
        || text.contains("corrupt message")
        || text.contains("HTTP response to HTTPS")
    {
        TransportFailure::PlaintextServer
    } else if text.contains("UnknownIssuer") {
        TransportFailure::Certificate(CertificateProblem::UnknownAuthority)
    } else if text.contains("NotValidForName") {
        TransportFailure::Certificate(CertificateProblem::Hostname)
    } else if text.contains("Expired") {
        TransportFailure::Certificate(CertificateProblem::Expired)
    } else if text.contains("invalid peer certificate") {
        TransportFailure::Certificate(CertificateProblem::Invalid)
    } else {
        TransportFailure::Other
    }
}

type Sent = Result<http::Response<Bytes>, ClientError<std::convert::Infallible>>;

async fn send(client: &Client, request: http::Request<Bytes>) -> Sent {
    match tokio::time::timeout(agent::REQUEST_TIMEOUT, client.send_raw(request)).await {
        Ok(result) => result,
        Err(_) => Err(ClientError::Request(
            nodewire_common::IntoRequestError::Invalid(format!(
                "no answer within {:?}",
                agent::REQUEST_TIMEOUT
            )),
        )),
    }
}

/// Sends one call to a target; on a transport failure applies the fallback rule and, when the
/// target switched to `http`, retries once (static and identity do; metrics do not).
async fn call<E: Endpoint<Protocol = nodewire_dash::Dash>>(
    client: &Client,
    t: &mut AgentTarget,
    endpoint: &E,
    retry: bool,
    log: &(dyn Fn(&str) + Sync),
) -> Result<http::Response<Bytes>, TransportFailure> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let request = t.target.request(endpoint).map_err(|e| {
            log(&format!("target {}: {e}", t.id));
            TransportFailure::Other
        })?;
        match send(client, request).await {
            Ok(response) => return Ok(response),
            Err(e) => {
                let failure = classify(&e);
                let before = t.target.scheme().to_owned();
                // The expired-chain re-dial is not done here: no fallback for it.
                if t.target.handle_failure(&failure, false) {
                    log(&format!(
                        "WARN: push target {} https failed, fallback to http for {}",
                        t.id,
                        t.target.host_port()
                    ));
                    if retry && attempts == 1 {
                        continue;
                    }
                } else if before == "https"
                    && failure == TransportFailure::Certificate(CertificateProblem::Expired)
                {
                    log(&format!(
                        "ERROR: push target {} https refused fallback, cert expired but chain invalid for {}",
                        t.id,
                        t.target.host_port()
                    ));
                }
                match t
                    .delivery
                    .on_failure(failure == TransportFailure::ConnectionRefused)
                {
                    FailureLog::Log => log(&format!("push target {} error: {e}", t.id)),
                    FailureLog::PortClosed => {
                        log(&format!(
                            "push target {} error: the peer port is closed",
                            t.id
                        ));
                    }
                    FailureLog::Quiet => {}
                }
                return Err(failure);
            }
        }
    }
}

async fn push_static(
    client: &Client,
    t: &mut AgentTarget,
    body: &Static,
    log: &(dyn Fn(&str) + Sync),
) -> bool {
    if t.target.static_url().is_none() {
        return false;
    }
    let readiness = agent::static_readiness(body);
    if let StaticReadiness::NotReady(missing) = &readiness {
        log(&format!(
            "push static error target={}: static snapshot missing required fields: {}",
            t.id,
            missing.join(", ")
        ));
        t.static_retry_at = Some(Instant::now() + agent::STATIC_RETRY_DELAY);
        return false;
    }
    let call_result = call(
        client,
        t,
        &PushStatic::new(t.secret.clone(), body.clone()),
        true,
        log,
    )
    .await;
    let accepted = match call_result {
        Ok(response) => match PushStatic::try_from_http_response(&response) {
            Ok(_) => true,
            Err(e) => {
                log(&format!("push static error target={}: {e}", t.id));
                false
            }
        },
        Err(_) => false,
    };
    t.static_retry_at = match (&readiness, accepted) {
        (StaticReadiness::Complete, true) => None,
        _ => Some(Instant::now() + agent::STATIC_RETRY_DELAY),
    };
    if let (StaticReadiness::Partial(missing), true) = (&readiness, accepted) {
        log(&format!(
            "push static partial ok target={}, missing={}",
            t.id,
            missing.join(", ")
        ));
    }
    accepted
}

/// Runs the agent: identity (optional), static, then one report per interval to every target,
/// with the agent's static retry, change and recovery rules, HTTPS fallback and update plan.
/// `log` receives the agent's log lines.
pub async fn run_agent(
    config: AgentConfig,
    log: impl Fn(&str) + Sync,
) -> Result<AgentSummary, BoxError> {
    let log: &(dyn Fn(&str) + Sync) = &log;
    let mut targets = Vec::with_capacity(config.targets.len());
    for (i, (url, secret)) in config.targets.iter().enumerate() {
        let id = i64::try_from(i + 1).unwrap_or(i64::MAX);
        let target =
            Target::parse(url, config.require_https).map_err(|e| format!("target {id}: {e}"))?;
        log(&format!(
            "push target={id} url={} host_type={}",
            target.metrics_url(),
            if target.host_is_ip() { "ip" } else { "domain" }
        ));
        targets.push(AgentTarget {
            id,
            target,
            secret: Secret::new(secret.expose().trim().to_owned()),
            delivery: Delivery::default(),
            static_retry_at: None,
        });
    }
    let first = targets
        .first()
        .map(|t| t.target.metrics_url())
        .ok_or("no report targets configured")?;
    let client = Client::new(first)?;
    let mut summary = AgentSummary {
        identities: vec![None; targets.len()],
        static_accepted: vec![0; targets.len()],
        ..AgentSummary::default()
    };
    let mut collector = Collector::new(
        &config.version,
        config.interval,
        config.preferred_nics.clone(),
    );
    // A first sample so the first report has rates.
    collector.report();

    if config.fetch_identity {
        for (i, t) in targets.iter_mut().enumerate() {
            if t.target.identity_url().is_none() {
                log(&format!(
                    "target {} url must end with /metrics to resolve identity",
                    t.id
                ));
                continue;
            }
            let call_result =
                call(&client, t, &FetchIdentity::new(t.secret.clone()), true, log).await;
            if let Ok(response) = call_result {
                match FetchIdentity::try_from_http_response(&response) {
                    Ok(identity) => {
                        log(&format!(
                            "{}\t{}\t{}",
                            t.id,
                            t.target.metrics_url(),
                            identity.install_id.normalized()
                        ));
                        if let Some(slot) = summary.identities.get_mut(i) {
                            *slot = Some(identity);
                        }
                    }
                    Err(e) => log(&format!("identity target {}: {e}", t.id)),
                }
            }
        }
    }

    tokio::time::sleep(config.push_delay).await;
    let mut static_body = collector.static_info();
    let mut fingerprint = agent::static_fingerprint(&static_body);
    for (i, t) in targets.iter_mut().enumerate() {
        if push_static(&client, t, &static_body, log).await
            && let Some(n) = summary.static_accepted.get_mut(i)
        {
            *n += 1;
        }
    }
    let change_every = agent::static_change_check_interval(config.interval);
    let mut next_change_check = Instant::now() + change_every;

    let mut ticker = tokio::time::interval(config.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    loop {
        if config.rounds.is_some_and(|n| summary.rounds >= n) {
            break;
        }
        ticker.tick().await;
        let report = collector.report();
        summary.rounds += 1;

        let mut tasks = tokio::task::JoinSet::new();
        for (i, t) in targets.iter().enumerate() {
            let endpoint = PushMetrics::new(t.secret.clone(), report.clone());
            match t.target.request(&endpoint) {
                Ok(request) => {
                    let client = client.clone();
                    tasks.spawn(async move { (i, send(&client, request).await) });
                }
                Err(e) => log(&format!("push target {} error: {e}", t.id)),
            }
        }
        let mut results: Vec<(usize, Sent)> = tasks.join_all().await;
        results.sort_by_key(|(i, _)| *i);

        let mut plan = UpdatePlan::default();
        let mut success = false;
        let mut resend = Vec::new();
        for (i, result) in results {
            let Some(t) = targets.get_mut(i) else {
                continue;
            };
            match result {
                Ok(response) => {
                    let answer = t.delivery.on_response(response.status());
                    if answer.success {
                        success = true;
                        if let Ok(body) = PushMetrics::try_from_http_response(&response) {
                            plan.add(&report.version, body.update.as_ref(), &t.secret);
                        }
                    } else {
                        log(&format!(
                            "push target {} non-200 status: {}",
                            t.id,
                            response.status()
                        ));
                    }
                    if answer.resend_static {
                        log(&format!("push target {} recovered", t.id));
                        resend.push(i);
                    }
                }
                Err(e) => {
                    let failure = classify(&e);
                    if t.target.handle_failure(&failure, false) {
                        log(&format!(
                            "WARN: push target {} https failed, fallback to http for {}",
                            t.id,
                            t.target.host_port()
                        ));
                    } else {
                        match t
                            .delivery
                            .on_failure(failure == TransportFailure::ConnectionRefused)
                        {
                            FailureLog::Log => log(&format!("push target {} error: {e}", t.id)),
                            FailureLog::PortClosed => {
                                log(&format!(
                                    "push target {} error: the peer port is closed",
                                    t.id
                                ));
                            }
                            FailureLog::Quiet => {}
                        }
                    }
                }
            }
        }
        if success {
            summary.successful_rounds += 1;
        } else {
            log(&format!(
                "push round failed: all {} targets failed",
                targets.len()
            ));
        }
        match plan.decide() {
            UpdateDecision::None | UpdateDecision::AlreadyActive => {}
            UpdateDecision::Conflict => {
                log("push update skipped: conflicting manifests in one round");
            }
            UpdateDecision::Apply { manifest, .. } => {
                let exe = std::env::current_exe().unwrap_or_default();
                let runner = std::env::var("ITHILTIR_NODE_RUNNER").ok();
                if !agent::self_update_enabled(std::env::consts::OS, &exe, runner.as_deref()) {
                    log(&format!(
                        "self update is disabled (offered {}); reporting continues",
                        manifest.version
                    ));
                } else {
                    match UpdateManifest::try_from(manifest) {
                        Ok(m) => log(&format!(
                            "update {} offered; this agent does not install binaries",
                            m.version()
                        )),
                        Err(e) => log(&format!("push update failed: {e}")),
                    }
                }
            }
        }

        // Static: recovery re-sends, partial/failed retries, and change detection.
        let now = Instant::now();
        let changed = if now >= next_change_check {
            next_change_check = now + change_every;
            let fresh = collector.static_info();
            let fp = agent::static_fingerprint(&fresh);
            let changed = fp != fingerprint;
            fingerprint = fp;
            static_body = fresh;
            changed
        } else {
            false
        };
        for (i, t) in targets.iter_mut().enumerate() {
            let due =
                changed || resend.contains(&i) || t.static_retry_at.is_some_and(|at| now >= at);
            if due {
                if t.static_retry_at.is_some() || resend.contains(&i) {
                    static_body = collector.static_info();
                }
                if push_static(&client, t, &static_body, log).await
                    && let Some(n) = summary.static_accepted.get_mut(i)
                {
                    *n += 1;
                }
            }
        }
    }
    Ok(summary)
}

// ---------------------------------------------------------------------------------------------
// Tour
// ---------------------------------------------------------------------------------------------

/// The tour's Dash leg: a receiver on loopback, this machine's real metrics pushed to it
/// with the library's endpoints (identity, static, two reports), a wrong key refused, and
/// the board.
pub async fn tour() -> Result<(), Box<dyn std::error::Error>> {
    const WIDTH: usize = 160;
    let key = Secret::new("tour-node-key");
    let mut config = ReceiverConfig::new([("tour-node", key.clone())]);
    config.install_id = random_install_id();
    config.install_id_fresh = true;
    let (url, server) = spawn_receiver(config, None).await?;
    println!(
        "== Dash node protocol (agent {}), receiver on {url}\n",
        nodewire_dash::UPSTREAM_AGENT_VERSION
    );
    let client = Client::new(&url)?;
    let mut collector = Collector::new(
        env!("CARGO_PKG_VERSION"),
        agent::DEFAULT_INTERVAL,
        Vec::new(),
    );
    collector.report();

    println!("-- which Dash is this? (identity)");
    let identity = crate::exchange(&client, &FetchIdentity::new(key.clone()), WIDTH).await??;
    println!(
        "   install_id {} (created: {})",
        identity.install_id, identity.created
    );

    println!("\n-- static host information");
    let body = collector.static_info();
    println!("   {:?}", agent::static_readiness(&body));
    crate::exchange(&client, &PushStatic::new(key.clone(), body), WIDTH).await??;

    println!("\n-- two runtime reports of this machine");
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let report = collector.report();
        let answer =
            crate::exchange(&client, &PushMetrics::new(key.clone(), report), WIDTH).await??;
        println!("   update offered: {}", answer.update.is_some());
    }

    println!("\n-- a wrong X-Node-Secret: 401 with Dash's body");
    let report = collector.report();
    if let Err(e) = crate::exchange(
        &client,
        &PushMetrics::new(Secret::new("wrong"), report),
        WIDTH,
    )
    .await?
    {
        println!("   refused as expected: {e}");
    }

    let page = client
        .send_raw::<std::convert::Infallible>(
            http::Request::get(format!("{url}/")).body(Bytes::new())?,
        )
        .await?;
    let html = String::from_utf8_lossy(page.body());
    println!(
        "\n-- the board at {url}/: {} bytes, {} sparklines",
        html.len(),
        html.matches("<svg class=\"spark\"").count()
    );
    server.stop().await;
    Ok(())
}

/// The address a receiver binds by default (loopback).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Parses `NAME=KEY` node keys.
pub fn parse_node_key(text: &str) -> Result<(String, Secret), String> {
    let (name, key) = text
        .split_once('=')
        .ok_or_else(|| "expected NAME=KEY".to_owned())?;
    if name.trim().is_empty() || key.is_empty() {
        return Err("expected NAME=KEY with both parts".to_owned());
    }
    Ok((name.trim().to_owned(), Secret::new(key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape_html("<b a=\"x\" c='y'>&</b>"),
            "&lt;b a=&quot;x&quot; c=&#39;y&#39;&gt;&amp;&lt;/b&gt;"
        );
        let body = include_bytes!(
            "../../crates/nodewire-dash/tests/fixtures/live-push/003-metrics.request.json"
        );
        let mut report: NodeReport = serde_json::from_slice(body).unwrap();
        report.hostname = "<script>alert(1)</script>".into();
        let mut board = Board::default();
        board.record("n\"><img src=x>", &Push::Metrics(Box::new(report)));
        let html = render_board(&board);
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("data-node=\"n&quot;&gt;&lt;img src=x&gt;\""));
    }

    #[test]
    fn sparkline_points() {
        assert_eq!(points(&[], 1.0), "");
        assert_eq!(points(&[0.5], 1.0), "0,14.0 120,14.0");
        assert_eq!(
            points(&[0.0, 1.0, f64::NAN], 1.0),
            "0.0,27.0 60.0,1.0 120.0,27.0"
        );
        assert_eq!(points(&[5.0, 10.0], 0.0), "0.0,1.0 120.0,1.0");
        assert_eq!(human_rate(1536.0), "1.5 KiB/s");
    }

    #[test]
    fn board_keeps_a_bounded_history_and_late_static() {
        let body = include_bytes!(
            "../../crates/nodewire-dash/tests/fixtures/live-push/003-metrics.request.json"
        );
        let report: NodeReport = serde_json::from_slice(body).unwrap();
        let statik: Static = serde_json::from_slice(include_bytes!(
            "../../crates/nodewire-dash/tests/fixtures/live-push/002-static.request.json"
        ))
        .unwrap();
        let mut board = Board::default();
        board.record("a", &Push::Static(Box::new(statik)));
        for _ in 0..HISTORY + 5 {
            board.record("a", &Push::Metrics(Box::new(report.clone())));
        }
        let a = &board.nodes["a"];
        assert_eq!(a.history.len(), HISTORY);
        assert_eq!(a.reports, (HISTORY + 5) as u64);
        assert!(a.static_info.is_some());
        assert!(board.pending_static.is_empty());
    }

    #[test]
    fn node_keys() {
        assert_eq!(
            parse_node_key("web=k=1").map(|(n, k)| (n, k.expose().to_owned())),
            Ok(("web".into(), "k=1".into()))
        );
        assert!(parse_node_key("web").is_err());
        assert!(parse_node_key("=k").is_err());
    }

    #[test]
    fn collector_reports_this_machine() {
        let mut c = Collector::new("0.1.0", Duration::from_secs(3), Vec::new());
        c.report();
        let r = c.report();
        assert!(
            nodewire_dash::validate::check_report(&r, Default::default()).is_ok(),
            "{r:?}"
        );
        let s = c.static_info();
        assert!(
            nodewire_dash::validate::check_static(&s, Default::default()).is_ok(),
            "{s:?}"
        );
        assert!(s.memory.total > 0);
    }
}
