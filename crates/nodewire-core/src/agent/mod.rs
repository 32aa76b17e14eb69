//! The node agent (feature `agent`): the client side of the protocol as the contract's node
//! agent runs it. Register once over HTTP and keep the key ([`KeyFile`]), connect to Core's
//! gRPC service ([`connect`]: TLS unless `CORE_INSECURE`), then cycle ([`Agent`]): heartbeat
//! with the applied revision; when Core asks for a sync, fetch the config, apply it and
//! confirm it (or report why it could not be applied); report pending usage; report this
//! machine's stats.
//!
//! What applying a config, metering usage and measuring the host mean is the node's business:
//! the [`Node`] trait. [`FileNode`] is a node kept in files (the applied config in one, a
//! usage spool in another) with this machine's metrics.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//!
//! use nodewire_core::Core;
//! use nodewire_core::agent::{Agent, ChannelSecurity, FileNode, KeyFile, connect};
//! use nodewire_core::grpc::client::CoreClient;
//!
//! let registration = None; // Some(RegisterNodeDto::new(..)) on the first start
//! let (identity, _) = KeyFile::new("node-key.json")
//!     .load_or_register(&Core::client("https://core.example", None)?, registration)
//!     .await?;
//! let channel = connect("core.example:3002", ChannelSecurity::Tls, None).await?;
//! let client = CoreClient::new(channel, identity.auth_key)?;
//! let mut agent = Agent::new(client, FileNode::new("node-config.json"));
//! agent
//!     .run(Duration::from_secs(15), None, |cycle| println!("{cycle}"))
//!     .await?;
//! # Ok(()) }
//! ```

mod channel;
mod files;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use tonic::codegen::{Body, Bytes, StdError};

pub use channel::{CALL_TIMEOUT, CONNECT_TIMEOUT, ChannelSecurity, connect, grpc_endpoint};
pub use files::{FileError, FileNode, KeyFile, Origin, write_private};

use crate::auth::InvalidKey;
use crate::config::NodeConfig;
use crate::grpc::client::{CallError, CoreClient};
use crate::heartbeat::NodeHeartbeatDto;
use crate::node_error::NodeErrorDto;
use crate::stats::NodeStats;
use crate::usage::NodeUsageDto;
use crate::values::IpAddress;

/// `NodeErrorDto.code` when the config Core sent does not decode (a JSON-string member).
pub const CONFIG_INVALID: &str = "CONFIG_INVALID";
/// `NodeErrorDto.code` when [`FileNode`] cannot write the config.
pub const CONFIG_WRITE_FAILED: &str = "CONFIG_WRITE_FAILED";

/// Why the agent stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AgentError {
    /// Core answered `UNAUTHENTICATED`: the key was rotated or the node removed. The key file
    /// is stale; registering again needs a new code.
    #[error("Core refused the node's key ({0}); register again with a new code")]
    Refused(CallError),
    /// Any other failed gRPC call.
    #[error(transparent)]
    Call(CallError),
    /// `POST /node/register` failed.
    #[error("registration failed: {0}")]
    Register(#[from] nodewire_common::client::ClientError<crate::Error>),
    /// There is no key file, and no registration to get a key with.
    #[error("no key in {} and no registration to get one", .0.display())]
    NoRegistration(PathBuf),
    /// A file of the agent.
    #[error(transparent)]
    File(#[from] FileError),
    /// The gRPC address or TLS setup is not usable, or connecting failed.
    #[error("gRPC channel: {0}")]
    Channel(#[from] tonic::transport::Error),
    /// The key cannot travel in a header.
    #[error(transparent)]
    InvalidKey(#[from] InvalidKey),
    /// The [`Node`] failed.
    #[error("the node: {0}")]
    Node(Box<dyn std::error::Error + Send + Sync>),
}

impl From<CallError> for AgentError {
    fn from(e: CallError) -> Self {
        if e.code() == Some(tonic::Code::Unauthenticated) {
            Self::Refused(e)
        } else {
            Self::Call(e)
        }
    }
}

/// The node's side of the agent.
///
/// Methods are synchronous: an implementation that restarts a service blocks the cycle until
/// it is done, which is what the agent needs before it confirms a revision.
pub trait Node {
    /// A failure that stops the agent.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The revision the node runs, read once when the agent starts (`None`: nothing applied
    /// yet, the node syncs).
    fn applied_revision(&self) -> Option<u64>;

    /// Applies `config` (validate, swap, reload). A failure is reported to Core as the
    /// returned `NodeErrorDto` and the old config keeps running.
    fn apply_config(&mut self, config: &NodeConfig) -> Result<(), NodeErrorDto>;

    /// The usage metered since the last report.
    fn pending_usage(&mut self) -> Result<NodeUsageDto, Self::Error>;

    /// Core accepted `usage`: forget it, so it is not reported twice.
    fn usage_reported(&mut self, usage: &NodeUsageDto) -> Result<(), Self::Error>;

    /// A snapshot of the host and its services.
    fn stats(&mut self) -> NodeStats;
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SyncOutcome {
    /// The config was applied and confirmed.
    Applied {
        /// Its revision.
        revision: u64,
        /// Entries of its `clientMap`.
        xray_clients: usize,
        /// Entries of its `mtprotoClientMap`.
        mtproto_clients: usize,
    },
    /// It was not applied; Core got this report.
    Reported(NodeErrorDto),
}

/// What one cycle did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Cycle {
    /// 1 for the first cycle.
    pub number: u64,
    /// The revision the heartbeat carried.
    pub revision: Option<u64>,
    /// Core's `needSync`.
    pub need_sync: bool,
    /// The sync, when Core asked for one.
    pub sync: Option<SyncOutcome>,
    /// Usage entries reported.
    pub usage_entries: usize,
    /// The stats reported.
    pub stats: NodeStats,
}

impl fmt::Display for Cycle {
    /// One line per step, each starting with `cycle <n>:`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.number;
        let revision = self
            .revision
            .map_or_else(|| "none".to_owned(), |r| r.to_string());
        writeln!(
            f,
            "cycle {n}: heartbeat (revision {revision}): needSync={}",
            self.need_sync
        )?;
        match &self.sync {
            Some(SyncOutcome::Applied {
                revision,
                xray_clients,
                mtproto_clients,
            }) => writeln!(
                f,
                "cycle {n}: applied revision {revision} ({xray_clients} xray clients, \
                 {mtproto_clients} MTProto clients)"
            )?,
            Some(SyncOutcome::Reported(report)) => writeln!(
                f,
                "cycle {n}: {}",
                nodewire_common::server::Escaped::new(&report.message)
            )?,
            None => {}
        }
        writeln!(f, "cycle {n}: usage: {} entries", self.usage_entries)?;
        let s = &self.stats;
        write!(
            f,
            "cycle {n}: stats: cpu {:.1}% of {} cores, ram {}/{} MiB, disk {}/{} GiB, \
             rx {:.0} B/s, tx {:.0} B/s, xray {}",
            s.cpu_percent,
            s.cpu_cores,
            s.ram_used >> 20,
            s.ram_total >> 20,
            s.disk_used >> 30,
            s.disk_total >> 30,
            s.net_rx_per_sec,
            s.net_tx_per_sec,
            if s.xray_running {
                "running"
            } else {
                "not running"
            }
        )
    }
}

/// The agent: a [`CoreClient`] and a [`Node`], and the revision the node runs.
pub struct Agent<T, N> {
    client: CoreClient<T>,
    node: N,
    ip: Option<IpAddress>,
    applied: Option<u64>,
    cycles: u64,
}

impl<T, N: fmt::Debug> fmt::Debug for Agent<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Agent")
            .field("client", &self.client)
            .field("node", &self.node)
            .field("ip", &self.ip)
            .field("applied", &self.applied)
            .field("cycles", &self.cycles)
            .finish()
    }
}

impl<T, N> Agent<T, N>
where
    N: Node,
    T: tonic::client::GrpcService<tonic::body::Body>,
    T::Error: Into<StdError>,
    T::ResponseBody: Body<Data = Bytes> + Send + 'static,
    <T::ResponseBody as Body>::Error: Into<StdError> + Send,
{
    /// An agent for `node`, starting from the revision the node reports.
    pub fn new(client: CoreClient<T>, node: N) -> Self {
        let applied = node.applied_revision();
        Self {
            client,
            node,
            ip: None,
            applied,
            cycles: 0,
        }
    }

    /// The IP address heartbeats carry.
    pub fn with_ip(mut self, ip: Option<IpAddress>) -> Self {
        self.ip = ip;
        self
    }

    /// The revision the node runs.
    pub fn applied_revision(&self) -> Option<u64> {
        self.applied
    }

    /// The node.
    pub fn node(&self) -> &N {
        &self.node
    }

    /// The client, to call Core outside the cycle (`ReportSessionEvents`, `ReportError`).
    pub fn client_mut(&mut self) -> &mut CoreClient<T> {
        &mut self.client
    }

    /// One cycle: `Heartbeat`; when Core answers `needSync`, `GetLatestConfig`, apply,
    /// `ConfirmConfigApplied` (or `ReportError` when the config does not decode or cannot be
    /// applied, keeping the old revision); `ReportUsage`; `ReportNodeStats`.
    pub async fn cycle(&mut self) -> Result<Cycle, AgentError> {
        self.cycles += 1;
        let beat = NodeHeartbeatDto {
            ip: self.ip.clone(),
            revision: self.applied,
        };
        let answer = self.client.heartbeat(&beat).await?;
        let sync = if answer.need_sync {
            Some(self.sync().await?)
        } else {
            None
        };
        let usage = self.node.pending_usage().map_err(node_error)?;
        self.client.report_usage(&usage).await?;
        self.node.usage_reported(&usage).map_err(node_error)?;
        let stats = self.node.stats();
        self.client.report_node_stats(&stats).await?;
        Ok(Cycle {
            number: self.cycles,
            revision: beat.revision,
            need_sync: answer.need_sync,
            sync,
            usage_entries: usage.entries.len(),
            stats,
        })
    }

    async fn sync(&mut self) -> Result<SyncOutcome, AgentError> {
        let applied = match self.client.latest_config().await {
            Ok(latest) => self.node.apply_config(&latest).map(|()| latest),
            Err(CallError::Json(e)) => {
                Err(NodeErrorDto::new(format!("invalid config: {e}")).code(CONFIG_INVALID))
            }
            Err(e) => return Err(e.into()),
        };
        match applied {
            Ok(config) => {
                self.client.confirm_config_applied(config.revision).await?;
                self.applied = Some(config.revision);
                Ok(SyncOutcome::Applied {
                    revision: config.revision,
                    xray_clients: config.client_map.len(),
                    mtproto_clients: config.mtproto_client_map.len(),
                })
            }
            Err(report) => {
                self.client.report_error(&report).await?;
                Ok(SyncOutcome::Reported(report))
            }
        }
    }

    /// Cycles every `interval` until a cycle fails or, with `Some(n)`, after `n` cycles;
    /// `each` sees every cycle.
    pub async fn run(
        &mut self,
        interval: Duration,
        cycles: Option<u64>,
        mut each: impl FnMut(&Cycle),
    ) -> Result<(), AgentError> {
        loop {
            let cycle = self.cycle().await?;
            each(&cycle);
            if cycles.is_some_and(|n| cycle.number >= n) {
                return Ok(());
            }
            tokio::time::sleep(interval).await;
        }
    }
}

fn node_error(e: impl std::error::Error + Send + Sync + 'static) -> AgentError {
    AgentError::Node(Box::new(e))
}

#[cfg(test)]
mod tests;
