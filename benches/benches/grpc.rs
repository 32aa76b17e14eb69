#![allow(missing_docs)] // criterion_group! generates undocumented items
#![allow(clippy::expect_used)] // a bench aborts when its loopback servers cannot start
//! A tonic loopback `Heartbeat` round trip through nodewire's stack (`CoreClient` attaching
//! the key and converting the DTO, `GrpcCore` checking the key and converting back, the
//! in-memory Core answering) against a bare tonic echo of the same RPC (the generated client
//! and a `NodeService` that answers at once) on the same single-threaded runtime and the
//! same loopback.
//!
//! Both servers listen on 127.0.0.1 with an ephemeral port and stop with the runtime.

use std::net::SocketAddr;

use criterion::{Criterion, criterion_group, criterion_main};
use nodewire_common::Secret;
use nodewire_core::config::NodeConfig;
use nodewire_core::grpc::client::CoreClient;
use nodewire_core::grpc::server::GrpcCore;
use nodewire_core::heartbeat::NodeHeartbeatDto;
use nodewire_core::mock::{MockConfig, MockCore};
use nodewire_core::proto;
use nodewire_core::proto::node_service_client::NodeServiceClient;
use nodewire_core::proto::node_service_server::{NodeService, NodeServiceServer};
use nodewire_core::register::RegisterNodeDto;
use nodewire_core::server::CoreBackend;
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Server};
use tonic::{Request, Response, Status};

/// The baseline: a `NodeService` that answers `Heartbeat` at once and nothing else.
struct Echo;

type Answer<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl NodeService for Echo {
    async fn heartbeat(
        &self,
        _: Request<proto::HeartbeatRequest>,
    ) -> Answer<proto::HeartbeatResponse> {
        Ok(Response::new(proto::HeartbeatResponse {
            ok: true,
            need_sync: false,
        }))
    }
    async fn report_usage(
        &self,
        _: Request<proto::ReportUsageRequest>,
    ) -> Answer<proto::OkResponse> {
        Err(Status::unimplemented("echo"))
    }
    async fn report_outbound_usage(
        &self,
        _: Request<proto::ReportOutboundUsageRequest>,
    ) -> Answer<proto::OkResponse> {
        Err(Status::unimplemented("echo"))
    }
    async fn get_latest_config(
        &self,
        _: Request<proto::GetLatestConfigRequest>,
    ) -> Answer<proto::GetLatestConfigResponse> {
        Err(Status::unimplemented("echo"))
    }
    async fn confirm_config_applied(
        &self,
        _: Request<proto::ConfirmConfigAppliedRequest>,
    ) -> Answer<proto::OkResponse> {
        Err(Status::unimplemented("echo"))
    }
    async fn report_node_stats(
        &self,
        _: Request<proto::ReportNodeStatsRequest>,
    ) -> Answer<proto::OkResponse> {
        Err(Status::unimplemented("echo"))
    }
    async fn report_session_events(
        &self,
        _: Request<proto::ReportSessionEventsRequest>,
    ) -> Answer<proto::OkResponse> {
        Err(Status::unimplemented("echo"))
    }
    async fn report_error(
        &self,
        _: Request<proto::ReportErrorRequest>,
    ) -> Answer<proto::OkResponse> {
        Err(Status::unimplemented("echo"))
    }
}

async fn loopback() -> (TcpIncoming, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    (TcpIncoming::from(listener), addr)
}

async fn channel(addr: SocketAddr) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .expect("loopback URL")
        .connect()
        .await
        .expect("connect to the loopback server")
}

fn heartbeat(c: &mut Criterion) {
    // One thread for client and servers: each round trip is the CPU work of both stacks and
    // the loopback, without cross-thread wake-ups (whose latency on an idle VM dwarfs it).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");

    let (mut ours, mut bare) = runtime.block_on(async {
        let core = MockCore::new(MockConfig {
            registration_codes: vec![Secret::new("bench-node")],
            config: NodeConfig::new(1),
        });
        let registration = RegisterNodeDto::new(
            "bench-node".parse().expect("registration code"),
            "Bench node",
            "203.0.113.7".parse().expect("ip"),
            "eu",
        );
        let key = core
            .register(registration)
            .await
            .expect("the in-memory Core registers the node")
            .auth_key;

        let (incoming, ours_addr) = loopback().await;
        tokio::spawn(
            Server::builder()
                .add_service(GrpcCore::new(core).into_service())
                .serve_with_incoming(incoming),
        );
        let (incoming, bare_addr) = loopback().await;
        tokio::spawn(
            Server::builder()
                .add_service(NodeServiceServer::new(Echo))
                .serve_with_incoming(incoming),
        );
        let ours = CoreClient::new(channel(ours_addr).await, key).expect("key is a header value");
        let bare = NodeServiceClient::new(channel(bare_addr).await);
        (ours, bare)
    });

    let beat = NodeHeartbeatDto::default().revision(1);
    let answer = runtime
        .block_on(ours.heartbeat(&beat))
        .expect("heartbeat through nodewire");
    assert!(!answer.need_sync, "the node runs the current revision");

    let mut group = c.benchmark_group("core/heartbeat-loopback");
    group.bench_function("nodewire", |b| {
        b.iter(|| runtime.block_on(ours.heartbeat(&beat)).ok())
    });
    group.bench_function("bare-echo", |b| {
        b.iter(|| {
            let request = Request::new(proto::HeartbeatRequest {
                auth_key: None,
                ip: None,
                revision: Some(1),
            });
            runtime.block_on(bare.heartbeat(request)).ok()
        })
    });
    group.finish();
}

criterion_group!(benches, heartbeat);
criterion_main!(benches);
