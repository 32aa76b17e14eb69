//! The agent against the in-memory Core, served by `GrpcCore` without a socket.
#![cfg(all(feature = "server", feature = "mock"))]

use std::sync::Arc;

use nodewire_common::Secret;
use tonic::{Request, Response, Status};

use super::files::tests::Scratch;
use super::*;
use crate::grpc::server::GrpcCore;
use crate::mock::{MockConfig, MockCore, SyncStatus};
use crate::proto;
use crate::proto::node_service_server::{NodeService, NodeServiceServer};
use crate::register::RegisterNodeDto;
use crate::server::CoreBackend;

/// A node in memory: applies configs unless told to refuse, meters what the test queues.
#[derive(Debug, Default)]
struct MemoryNode {
    applied: Option<NodeConfig>,
    refuse: bool,
    pending: NodeUsageDto,
}

#[derive(Debug, thiserror::Error)]
#[error("never")]
struct Never;

impl Node for MemoryNode {
    type Error = Never;

    fn applied_revision(&self) -> Option<u64> {
        self.applied.as_ref().map(|c| c.revision)
    }

    fn apply_config(&mut self, config: &NodeConfig) -> Result<(), NodeErrorDto> {
        if self.refuse {
            return Err(NodeErrorDto::new("xray exited with status 23").code("XRAY_START_FAILED"));
        }
        self.applied = Some(config.clone());
        Ok(())
    }

    fn pending_usage(&mut self) -> Result<NodeUsageDto, Never> {
        Ok(self.pending.clone())
    }

    fn usage_reported(&mut self, usage: &NodeUsageDto) -> Result<(), Never> {
        self.pending.entries.drain(..usage.entries.len());
        Ok(())
    }

    fn stats(&mut self) -> NodeStats {
        NodeStats {
            cpu_percent: 12.5,
            cpu_cores: 4,
            ram_total: 1 << 30,
            ..NodeStats::default()
        }
    }
}

fn sample_config() -> NodeConfig {
    serde_json::from_value(serde_json::json!({
        "revision": 1,
        "clientMap": {"6f1c7a52": {"userId": 42, "subscriptionId": 7}, "0d9e4b3a": {"userId": 43, "subscriptionId": null}},
        "mtprotoClientMap": {"a3c5e7f9": {"userId": 42, "subscriptionId": 7}},
        "services": {"xray": {"inbounds": [{"tag": "vless-3"}]}}
    }))
    .unwrap()
}

fn usage(entries: usize) -> NodeUsageDto {
    let entry = serde_json::json!({"userId": 42, "subscriptionId": 7, "nodeProtocolId": 3,
        "bytesUp": 10, "bytesDown": 20, "recordedAt": "2026-06-01T12:00:00.000Z"});
    serde_json::from_value(serde_json::json!({ "entries": vec![entry; entries] })).unwrap()
}

/// A Core with one registered node, and that node's key.
async fn core() -> (Arc<MockCore>, Secret) {
    let core = Arc::new(MockCore::new(MockConfig {
        registration_codes: Vec::new(),
        config: sample_config(),
    }));
    let registration = RegisterNodeDto::new(
        "c".parse().unwrap(),
        "n",
        "203.0.113.7".parse().unwrap(),
        "eu",
    );
    let identity = core.register(registration).await.unwrap();
    (core, identity.auth_key)
}

fn agent<S: NodeService>(
    service: S,
    key: Secret,
    node: MemoryNode,
) -> Agent<NodeServiceServer<S>, MemoryNode> {
    let client = CoreClient::new(NodeServiceServer::new(service), key).unwrap();
    Agent::new(client, node).with_ip(Some("203.0.113.7".parse().unwrap()))
}

#[tokio::test]
async fn the_first_cycle_syncs_and_the_next_one_does_not() {
    let (core, key) = core().await;
    let mut agent = agent(GrpcCore::from_arc(core.clone()), key, MemoryNode::default());
    assert_eq!(agent.applied_revision(), None);

    let first = agent.cycle().await.unwrap();
    assert_eq!(
        (first.number, first.revision, first.need_sync),
        (1, None, true)
    );
    assert_eq!(
        first.sync,
        Some(SyncOutcome::Applied {
            revision: 1,
            xray_clients: 2,
            mtproto_clients: 1
        })
    );
    assert_eq!(agent.node().applied, Some(sample_config()));
    assert_eq!(agent.applied_revision(), Some(1));
    let text = first.to_string();
    assert!(
        text.contains("cycle 1: applied revision 1 (2 xray clients, 1 MTProto clients)"),
        "{text}"
    );

    let second = agent.cycle().await.unwrap();
    assert_eq!(
        (second.number, second.revision, second.need_sync),
        (2, Some(1), false)
    );
    assert_eq!(second.sync, None);

    let node = core.node(1).unwrap().unwrap();
    assert_eq!(node.heartbeats, 2);
    assert_eq!(node.sync, SyncStatus::Synced);
    assert_eq!(node.applied_revision, Some(1));
    assert_eq!(
        node.last_ip.map(|ip| ip.as_str().to_owned()).as_deref(),
        Some("203.0.113.7")
    );
    assert_eq!(node.stats.map(|s| s.cpu_cores), Some(4));

    // A new revision: the next heartbeat carries the old one and the node syncs again.
    let revision = core.publish(sample_config()).unwrap();
    let third = agent.cycle().await.unwrap();
    assert_eq!((third.revision, third.need_sync), (Some(1), true));
    assert!(matches!(third.sync, Some(SyncOutcome::Applied { revision: r, .. }) if r == revision));
}

#[tokio::test]
async fn usage_is_reported_once() {
    let (core, key) = core().await;
    let node = MemoryNode {
        pending: usage(3),
        ..MemoryNode::default()
    };
    let mut agent = agent(GrpcCore::from_arc(core.clone()), key, node);
    assert_eq!(agent.cycle().await.unwrap().usage_entries, 3);
    assert!(agent.node().pending.entries.is_empty());
    assert_eq!(agent.cycle().await.unwrap().usage_entries, 0);
    assert_eq!(core.usage_entries().unwrap(), 3);
    let counted = core.usage().unwrap();
    assert_eq!(
        counted
            .get(&(42, Some(7)))
            .map(|t| (t.bytes_up, t.bytes_down)),
        Some((30, 60))
    );
}

#[tokio::test]
async fn a_config_the_node_cannot_apply_is_reported_and_not_confirmed() {
    let (core, key) = core().await;
    let node = MemoryNode {
        refuse: true,
        ..MemoryNode::default()
    };
    let mut agent = agent(GrpcCore::from_arc(core.clone()), key, node);
    let cycle = agent.cycle().await.unwrap();
    let Some(SyncOutcome::Reported(report)) = &cycle.sync else {
        panic!("{cycle:?}")
    };
    assert_eq!(report.code.as_deref(), Some("XRAY_START_FAILED"));
    assert!(
        cycle
            .to_string()
            .contains("cycle 1: xray exited with status 23")
    );
    assert_eq!(agent.applied_revision(), None);
    let node = core.node(1).unwrap().unwrap();
    assert_eq!(
        node.last_error.and_then(|e| e.code).as_deref(),
        Some("XRAY_START_FAILED")
    );
    assert_eq!(node.applied_revision, None);
    // Still behind: the next heartbeat asks for a sync again.
    assert!(agent.cycle().await.unwrap().need_sync);
}

/// The in-memory Core, except that its config arrives with a malformed `clientMapJson`.
struct BrokenConfig(GrpcCore<MockCore>);

#[tonic::async_trait]
impl NodeService for BrokenConfig {
    async fn heartbeat(
        &self,
        r: Request<proto::HeartbeatRequest>,
    ) -> Result<Response<proto::HeartbeatResponse>, Status> {
        self.0.heartbeat(r).await
    }
    async fn report_usage(
        &self,
        r: Request<proto::ReportUsageRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        self.0.report_usage(r).await
    }
    async fn report_outbound_usage(
        &self,
        r: Request<proto::ReportOutboundUsageRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        self.0.report_outbound_usage(r).await
    }
    async fn get_latest_config(
        &self,
        r: Request<proto::GetLatestConfigRequest>,
    ) -> Result<Response<proto::GetLatestConfigResponse>, Status> {
        let mut config = self.0.get_latest_config(r).await?;
        config.get_mut().client_map_json = r#"{"a":{"userId":"x"}}"#.into();
        Ok(config)
    }
    async fn confirm_config_applied(
        &self,
        r: Request<proto::ConfirmConfigAppliedRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        self.0.confirm_config_applied(r).await
    }
    async fn report_node_stats(
        &self,
        r: Request<proto::ReportNodeStatsRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        self.0.report_node_stats(r).await
    }
    async fn report_session_events(
        &self,
        r: Request<proto::ReportSessionEventsRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        self.0.report_session_events(r).await
    }
    async fn report_error(
        &self,
        r: Request<proto::ReportErrorRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        self.0.report_error(r).await
    }
}

#[tokio::test]
async fn a_config_that_does_not_decode_is_reported_as_invalid() {
    let (core, key) = core().await;
    let service = BrokenConfig(GrpcCore::from_arc(core.clone()));
    let mut agent = agent(service, key, MemoryNode::default());
    let cycle = agent.cycle().await.unwrap();
    let Some(SyncOutcome::Reported(report)) = &cycle.sync else {
        panic!("{cycle:?}")
    };
    assert_eq!(report.code.as_deref(), Some(CONFIG_INVALID));
    assert!(
        report.message.contains("clientMapJson"),
        "{}",
        report.message
    );
    assert!(agent.node().applied.is_none());
    let last = core.node(1).unwrap().unwrap().last_error;
    assert_eq!(last.and_then(|e| e.code).as_deref(), Some(CONFIG_INVALID));
}

#[tokio::test]
async fn an_unknown_key_stops_the_agent_as_refused() {
    let (core, _) = core().await;
    let mut agent = agent(
        GrpcCore::from_arc(core.clone()),
        Secret::new("not-the-key"),
        MemoryNode::default(),
    );
    let err = agent.cycle().await.unwrap_err();
    assert!(
        matches!(&err, AgentError::Refused(e) if e.code() == Some(tonic::Code::Unauthenticated)),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("refused the node's key") && text.contains("Unauthenticated"),
        "{text}"
    );
    assert!(!text.contains("not-the-key"), "{text}");
    // A disabled node is a different failure: the key is fine.
    let (core, key) = self::core().await;
    core.set_enabled(1, false).unwrap();
    let mut agent = agent_for(&core, key);
    let err = agent.cycle().await.unwrap_err();
    assert!(
        matches!(&err, AgentError::Call(e) if e.code() == Some(tonic::Code::PermissionDenied)),
        "{err:?}"
    );
}

fn agent_for(
    core: &Arc<MockCore>,
    key: Secret,
) -> Agent<NodeServiceServer<GrpcCore<MockCore>>, MemoryNode> {
    agent(GrpcCore::from_arc(core.clone()), key, MemoryNode::default())
}

#[tokio::test]
async fn run_stops_after_the_cycles_asked_for() {
    let (core, key) = core().await;
    let mut agent = agent_for(&core, key);
    let mut seen = Vec::new();
    agent
        .run(Duration::ZERO, Some(3), |cycle| seen.push(cycle.number))
        .await
        .unwrap();
    assert_eq!(seen, [1, 2, 3]);
    assert_eq!(core.node(1).unwrap().unwrap().heartbeats, 3);
}

#[tokio::test]
async fn a_file_node_restarts_from_its_config_file() {
    let (core, key) = core().await;
    let dir = Scratch::new();
    let client = CoreClient::new(
        NodeServiceServer::new(GrpcCore::from_arc(core.clone())),
        key.clone(),
    )
    .unwrap();
    let mut agent = Agent::new(client, FileNode::new(dir.path("config.json")));
    assert!(agent.cycle().await.unwrap().need_sync);

    // A restart reads the revision back and does not sync again.
    let client = CoreClient::new(
        NodeServiceServer::new(GrpcCore::from_arc(core.clone())),
        key,
    )
    .unwrap();
    let mut agent = Agent::new(client, FileNode::new(dir.path("config.json")));
    assert_eq!(agent.applied_revision(), Some(1));
    let cycle = agent.cycle().await.unwrap();
    assert!(!cycle.need_sync);
    assert!(cycle.stats.validate().is_ok());
}
