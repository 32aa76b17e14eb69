//! An in-memory Core (feature `mock`): a [`CoreBackend`] for tests, demos and the example
//! `core-server`.
//!
//! [`MockCore`] keeps nodes, the published config and its revision, usage counters, session
//! events, the last error and the last stats snapshot of each node, and behaves as the
//! document describes:
//!
//! - `register` checks the code (any code when [`MockConfig::registration_codes`] is empty;
//!   an unknown one is `404`), issues a random 256-bit key, and stores only its SHA-256.
//!   Registering again with the same code rotates the node's key and keeps its id.
//! - `authenticate` compares the digest of the presented key with every node's in constant
//!   time; a disabled node is `403` / `PERMISSION_DENIED`.
//! - `heartbeat` counts the beat and answers `needSync` when the node's revision (the one it
//!   sends, else the last it confirmed) is behind the published one, or unknown.
//! - `config/applied` with the published revision marks the node `synced`; an older revision
//!   is accepted and changes nothing; a newer one is `409` / `FAILED_PRECONDITION`.
//! - `error` marks the node `error` and its sync `failed`.
//! - usage adds the deltas to per-(user, subscription), per-node-protocol and per-outbound
//!   counters (saturating).
//!
//! Serve it with [`server::handle_http`](crate::server::handle_http) and, with feature
//! `server`, [`GrpcCore`](crate::grpc::server::GrpcCore).

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use nodewire_common::Secret;
use nodewire_common::secret::ct_eq;
use sha2::{Digest, Sha256};

use crate::config::{NodeConfig, NodeConfigAppliedDto};
use crate::heartbeat::{HeartbeatResponse, NodeHeartbeatDto};
use crate::node_error::NodeErrorDto;
use crate::register::{NodeId, RegisterNodeDto, RegisterNodeResponse};
use crate::server::{CoreBackend, Failure};
use crate::session::{SessionEventEntryDto, SessionEventsDto};
use crate::stats::NodeStats;
use crate::usage::{NodeOutboundUsageDto, NodeUsageDto};
use crate::values::IpAddress;

/// How many session events the mock keeps (the oldest are dropped first).
pub const SESSION_EVENT_CAPACITY: usize = 10_000;

/// The mock's settings.
#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    /// The codes nodes may register with; empty accepts any code.
    pub registration_codes: Vec<Secret>,
    /// The config served to every node. Its `revision` is the first published revision.
    pub config: NodeConfig,
}

/// A node's state (`status` in the panel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeStatus {
    /// Registered, never heard from since.
    Registered,
    /// Heard from, no error pending.
    Online,
    /// Reported an error (`POST /node/error`) and has not confirmed a config since.
    Error,
}

/// A node's config sync state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStatus {
    /// A newer revision is published than the node confirmed.
    Pending,
    /// The node confirmed the published revision.
    Synced,
    /// The node reported an error.
    Failed,
}

/// Upload and download byte counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Traffic {
    /// Bytes up.
    pub bytes_up: u64,
    /// Bytes down.
    pub bytes_down: u64,
}

impl Traffic {
    fn add(&mut self, up: u64, down: u64) {
        self.bytes_up = self.bytes_up.saturating_add(up);
        self.bytes_down = self.bytes_down.saturating_add(down);
    }
}

/// A snapshot of one node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRecord {
    /// The node's id.
    pub id: u64,
    /// The registration as last received.
    pub registration: RegisterNodeDto,
    /// Whether the node may call Core.
    pub enabled: bool,
    /// Its state.
    pub status: NodeStatus,
    /// Its sync state.
    pub sync: SyncStatus,
    /// How many heartbeats it sent.
    pub heartbeats: u64,
    /// The IP address of its last heartbeat that carried one.
    pub last_ip: Option<IpAddress>,
    /// The revision its last heartbeat carried.
    pub reported_revision: Option<u64>,
    /// The last revision it confirmed.
    pub applied_revision: Option<u64>,
    /// Its last error report.
    pub last_error: Option<NodeErrorDto>,
    /// Its last stats snapshot.
    pub stats: Option<NodeStats>,
}

struct Node {
    record: NodeRecord,
    key_digest: [u8; 32],
    code_digest: [u8; 32],
}

#[derive(Default)]
struct State {
    config: NodeConfig,
    nodes: Vec<Node>,
    usage: BTreeMap<(u64, Option<u64>), Traffic>,
    usage_by_protocol: BTreeMap<u64, Traffic>,
    outbound: BTreeMap<String, Traffic>,
    usage_entries: u64,
    session_events: Vec<SessionEventEntryDto>,
}

/// The in-memory Core. Share it (`Arc<MockCore>`) between the HTTP and gRPC sides.
pub struct MockCore {
    codes: Vec<[u8; 32]>,
    state: Mutex<State>,
}

impl std::fmt::Debug for MockCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockCore")
            .field("codes", &self.codes.len())
            .finish_non_exhaustive()
    }
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

fn poisoned<T>(_: T) -> Failure {
    Failure::internal("state lock poisoned")
}

impl MockCore {
    /// A Core with no nodes.
    pub fn new(config: MockConfig) -> Self {
        Self {
            codes: config
                .registration_codes
                .iter()
                .map(|c| digest(c.expose()))
                .collect(),
            state: Mutex::new(State {
                config: config.config,
                ..State::default()
            }),
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>, Failure> {
        self.state.lock().map_err(poisoned)
    }

    /// Publishes a new config for every node: its revision becomes the previous one plus
    /// one (`config.revision` is ignored), and every node's sync turns `pending`. Returns the
    /// new revision.
    pub fn publish(&self, mut config: NodeConfig) -> Result<u64, Failure> {
        let mut state = self.lock()?;
        config.revision = state.config.revision.saturating_add(1);
        let revision = config.revision;
        state.config = config;
        for node in &mut state.nodes {
            node.record.sync = SyncStatus::Pending;
        }
        Ok(revision)
    }

    /// The published config.
    pub fn config(&self) -> Result<NodeConfig, Failure> {
        Ok(self.lock()?.config.clone())
    }

    /// Every node.
    pub fn nodes(&self) -> Result<Vec<NodeRecord>, Failure> {
        Ok(self
            .lock()?
            .nodes
            .iter()
            .map(|n| n.record.clone())
            .collect())
    }

    /// One node.
    pub fn node(&self, id: u64) -> Result<Option<NodeRecord>, Failure> {
        Ok(self
            .lock()?
            .nodes
            .iter()
            .find(|n| n.record.id == id)
            .map(|n| n.record.clone()))
    }

    /// Enables or disables a node; `false` when there is no such node.
    pub fn set_enabled(&self, id: u64, enabled: bool) -> Result<bool, Failure> {
        let mut state = self.lock()?;
        Ok(match state.nodes.iter_mut().find(|n| n.record.id == id) {
            Some(node) => {
                node.record.enabled = enabled;
                true
            }
            None => false,
        })
    }

    /// Traffic per (user, subscription).
    pub fn usage(&self) -> Result<BTreeMap<(u64, Option<u64>), Traffic>, Failure> {
        Ok(self.lock()?.usage.clone())
    }

    /// Traffic per node protocol.
    pub fn usage_by_protocol(&self) -> Result<BTreeMap<u64, Traffic>, Failure> {
        Ok(self.lock()?.usage_by_protocol.clone())
    }

    /// Traffic per outbound tag.
    pub fn outbound_usage(&self) -> Result<BTreeMap<String, Traffic>, Failure> {
        Ok(self.lock()?.outbound.clone())
    }

    /// How many usage entries arrived in total.
    pub fn usage_entries(&self) -> Result<u64, Failure> {
        Ok(self.lock()?.usage_entries)
    }

    /// The session events kept, oldest first.
    pub fn session_events(&self) -> Result<Vec<SessionEventEntryDto>, Failure> {
        Ok(self.lock()?.session_events.clone())
    }

    fn register_now(&self, body: RegisterNodeDto) -> Result<RegisterNodeResponse, Failure> {
        let code = digest(body.code.as_str());
        let mut known = self.codes.is_empty();
        for allowed in &self.codes {
            known |= ct_eq(allowed, &code);
        }
        if !known {
            return Err(Failure::not_found("registration code not found"));
        }
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw).map_err(|e| Failure::internal(format!("random: {e}")))?;
        let key = Secret::new(raw.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let key_digest = digest(key.expose());

        let mut state = self.lock()?;
        let existing = state
            .nodes
            .iter_mut()
            .find(|n| ct_eq(&n.code_digest, &code));
        let id = match existing {
            Some(node) => {
                node.key_digest = key_digest;
                node.record.registration = body;
                node.record.id
            }
            None => {
                let id = state
                    .nodes
                    .iter()
                    .map(|n| n.record.id)
                    .max()
                    .unwrap_or(0)
                    .saturating_add(1);
                state.nodes.push(Node {
                    record: NodeRecord {
                        id,
                        registration: body,
                        enabled: true,
                        status: NodeStatus::Registered,
                        sync: SyncStatus::Pending,
                        heartbeats: 0,
                        last_ip: None,
                        reported_revision: None,
                        applied_revision: None,
                        last_error: None,
                        stats: None,
                    },
                    key_digest,
                    code_digest: code,
                });
                id
            }
        };
        Ok(RegisterNodeResponse {
            auth_key: key,
            node_id: NodeId::Number(id),
        })
    }

    fn authenticate_now(&self, key: &Secret) -> Result<u64, Failure> {
        let presented = digest(key.expose());
        let state = self.lock()?;
        let mut found = None;
        // Every node is compared, matched or not.
        for node in &state.nodes {
            if ct_eq(&node.key_digest, &presented) {
                found = Some((node.record.id, node.record.enabled));
            }
        }
        match found {
            Some((id, true)) => Ok(id),
            Some((_, false)) => Err(Failure::permission_denied("node is disabled")),
            None => Err(Failure::unknown_key()),
        }
    }

    fn with_node<T>(
        &self,
        id: u64,
        f: impl FnOnce(&mut NodeRecord, &NodeConfig) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let mut state = self.lock()?;
        let State { config, nodes, .. } = &mut *state;
        let node = nodes
            .iter_mut()
            .find(|n| n.record.id == id)
            .ok_or_else(Failure::unknown_key)?;
        f(&mut node.record, config)
    }

    fn heartbeat_now(&self, id: u64, body: NodeHeartbeatDto) -> Result<HeartbeatResponse, Failure> {
        self.with_node(id, |node, config| {
            node.heartbeats = node.heartbeats.saturating_add(1);
            if node.status == NodeStatus::Registered {
                node.status = NodeStatus::Online;
            }
            if let Some(ip) = body.ip {
                node.last_ip = Some(ip);
            }
            if body.revision.is_some() {
                node.reported_revision = body.revision;
            }
            let running = body.revision.or(node.applied_revision);
            let need_sync = running.is_none_or(|r| r < config.revision);
            Ok(HeartbeatResponse::new(need_sync))
        })
    }

    fn config_applied_now(&self, id: u64, body: NodeConfigAppliedDto) -> Result<(), Failure> {
        self.with_node(id, |node, config| {
            if body.revision > config.revision {
                return Err(Failure::failed_precondition(format!(
                    "revision {} was never published (the latest is {})",
                    body.revision, config.revision
                )));
            }
            if body.revision == config.revision {
                node.applied_revision = Some(body.revision);
                node.sync = SyncStatus::Synced;
                node.status = NodeStatus::Online;
            }
            Ok(())
        })
    }
}

impl CoreBackend for MockCore {
    type Node = u64;

    async fn register(&self, body: RegisterNodeDto) -> Result<RegisterNodeResponse, Failure> {
        self.register_now(body)
    }

    async fn authenticate(&self, key: &Secret) -> Result<u64, Failure> {
        self.authenticate_now(key)
    }

    async fn heartbeat(
        &self,
        node: &u64,
        body: NodeHeartbeatDto,
    ) -> Result<HeartbeatResponse, Failure> {
        self.heartbeat_now(*node, body)
    }

    async fn report_usage(&self, _node: &u64, body: NodeUsageDto) -> Result<(), Failure> {
        let mut state = self.lock()?;
        for entry in &body.entries {
            let key = (entry.user_id, entry.subscription_id.value().copied());
            state
                .usage
                .entry(key)
                .or_default()
                .add(entry.bytes_up, entry.bytes_down);
            state
                .usage_by_protocol
                .entry(entry.node_protocol_id)
                .or_default()
                .add(entry.bytes_up, entry.bytes_down);
        }
        state.usage_entries = state
            .usage_entries
            .saturating_add(u64::try_from(body.entries.len()).unwrap_or(u64::MAX));
        Ok(())
    }

    async fn report_outbound_usage(
        &self,
        _node: &u64,
        body: NodeOutboundUsageDto,
    ) -> Result<(), Failure> {
        let mut state = self.lock()?;
        for item in body.items {
            state
                .outbound
                .entry(item.tag)
                .or_default()
                .add(item.bytes_up, item.bytes_down);
        }
        Ok(())
    }

    async fn report_session_events(
        &self,
        _node: &u64,
        body: SessionEventsDto,
    ) -> Result<(), Failure> {
        let mut state = self.lock()?;
        state.session_events.extend(body.events);
        let excess = state
            .session_events
            .len()
            .saturating_sub(SESSION_EVENT_CAPACITY);
        state.session_events.drain(..excess);
        Ok(())
    }

    async fn latest_config(&self, _node: &u64) -> Result<NodeConfig, Failure> {
        self.config()
    }

    async fn config_applied(&self, node: &u64, body: NodeConfigAppliedDto) -> Result<(), Failure> {
        self.config_applied_now(*node, body)
    }

    async fn report_error(&self, node: &u64, body: NodeErrorDto) -> Result<(), Failure> {
        self.with_node(*node, |node, _| {
            node.status = NodeStatus::Error;
            node.sync = SyncStatus::Failed;
            node.last_error = Some(body);
            Ok(())
        })
    }

    async fn report_node_stats(&self, node: &u64, stats: NodeStats) -> Result<(), Failure> {
        self.with_node(*node, |node, _| {
            node.stats = Some(stats);
            Ok(())
        })
    }
}
