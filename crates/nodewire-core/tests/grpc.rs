//! The gRPC service end to end on 127.0.0.1: the typed client against `GrpcCore` over the
//! in-memory Core. The key in metadata, in the `authKey` field as fallback, missing or wrong
//! (`UNAUTHENTICATED`), a disabled node (`PERMISSION_DENIED`), validation (`INVALID_ARGUMENT`
//! naming the field), an unpublished revision (`FAILED_PRECONDITION`), and a malformed
//! config JSON string from a peer (a typed error, no panic).
#![cfg(all(feature = "client", feature = "server", feature = "mock"))]

use std::sync::Arc;

use nodewire_common::Secret;
use nodewire_core::config::NodeConfig;
use nodewire_core::grpc::client::{CallError, CoreClient};
use nodewire_core::grpc::server::GrpcCore;
use nodewire_core::heartbeat::NodeHeartbeatDto;
use nodewire_core::mock::{MockConfig, MockCore, SyncStatus};
use nodewire_core::node_error::NodeErrorDto;
use nodewire_core::proto;
use nodewire_core::proto::node_service_client::NodeServiceClient;
use nodewire_core::proto::node_service_server::{NodeService, NodeServiceServer};
use nodewire_core::register::RegisterNodeDto;
use nodewire_core::server::CoreBackend;
use nodewire_core::session::{SessionEventEntryDto, SessionEventsDto};
use nodewire_core::stats::NodeStats;
use nodewire_core::usage::{NodeUsageDto, UsageEntryDto};
use tonic::transport::{Channel, Server, server::TcpIncoming};
use tonic::{Code, Request, Response, Status};

type TestResult = Result<(), Box<dyn std::error::Error>>;

struct Running {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

async fn serve<S>(service: S) -> Result<Running, Box<dyn std::error::Error>>
where
    S: NodeService,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(
        Server::builder()
            .add_service(NodeServiceServer::new(service))
            .serve_with_incoming_shutdown(TcpIncoming::from(listener), async {
                let _ = rx.await;
            }),
    );
    Ok(Running {
        url,
        stop: Some(tx),
    })
}

async fn channel(url: &str) -> Result<Channel, Box<dyn std::error::Error>> {
    Ok(tonic::transport::Endpoint::from_shared(url.to_owned())?
        .connect()
        .await?)
}

fn code_of<T: std::fmt::Debug>(r: Result<T, CallError>) -> Option<Code> {
    r.err().and_then(|e| e.code())
}

#[tokio::test]
async fn the_typed_client_against_the_mock() -> TestResult {
    let mut config = NodeConfig::new(5);
    config.client_map.insert(
        "6f1c7a52-1111-4c43-9a4e-9d0c7f3b2a10".into(),
        serde_json::from_str(r#"{"userId":42,"subscriptionId":null}"#)?,
    );
    let core = Arc::new(MockCore::new(MockConfig {
        registration_codes: Vec::new(),
        config: config.clone(),
    }));
    let registered = core
        .register(RegisterNodeDto::new(
            "n1".parse()?,
            "n1",
            "10.0.0.1".parse()?,
            "eu",
        ))
        .await
        .map_err(|f| f.message)?;
    let key = registered.auth_key;
    let server = serve(GrpcCore::from_arc(core.clone())).await?;
    let channel = channel(&server.url).await?;
    let mut client = CoreClient::new(channel.clone(), key.clone())?;

    let beat = client.heartbeat(&NodeHeartbeatDto::default()).await?;
    assert!(beat.need_sync);
    let got = client.latest_config().await?;
    assert_eq!(got, config);
    client.confirm_config_applied(got.revision).await?;
    assert_eq!(core.node(1)?.ok_or("no node")?.sync, SyncStatus::Synced);
    let beat = client
        .heartbeat(&NodeHeartbeatDto::default().revision(5))
        .await?;
    assert!(!beat.need_sync);
    assert_eq!(
        code_of(client.confirm_config_applied(6).await),
        Some(Code::FailedPrecondition)
    );

    let entries = (0..1000u64)
        .map(|i| -> Result<UsageEntryDto, Box<dyn std::error::Error>> {
            Ok(
                UsageEntryDto::new(i % 10, 1, i, 1, "2026-06-01T12:00:00.000Z".parse()?)
                    .subscription_id(i % 10),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    client.report_usage(&NodeUsageDto::new(entries)).await?;
    assert_eq!(core.usage_entries()?, 1000);
    assert_eq!(core.usage_by_protocol()?[&1].bytes_up, 999 * 1000 / 2);

    let mut stats = NodeStats::default();
    stats.uptime_seconds = 100;
    stats.cpu_percent = 12.5;
    stats.cpu_cores = 2;
    stats.ram_used = 1;
    stats.ram_total = 2;
    stats.xray_running = true;
    stats.xray_uptime_seconds = Some(30);
    client.report_node_stats(&stats).await?;
    assert_eq!(core.node(1)?.ok_or("no node")?.stats, Some(stats));
    let mut bad_stats = NodeStats::default();
    bad_stats.cpu_percent = 101.0;
    let err = client
        .report_node_stats(&bad_stats)
        .await
        .err()
        .ok_or("accepted")?;
    assert_eq!(err.code(), Some(Code::InvalidArgument));
    assert!(err.to_string().contains("cpuPercent"), "{err}");

    let events: SessionEventsDto = serde_json::from_str(
        r#"{"events":[{"userId":1,"protocol":"mtproto","eventType":"offline","occurredAt":"2026-06-01T12:00:00Z"}]}"#,
    )?;
    client.report_session_events(&events).await?;
    let kept: Vec<SessionEventEntryDto> = core.session_events()?;
    assert_eq!(kept, events.events);
    client.report_error(&NodeErrorDto::new("boom")).await?;
    assert_eq!(core.node(1)?.ok_or("no node")?.sync, SyncStatus::Failed);

    // A message the typed client would never build: validation names the field.
    let mut raw = NodeServiceClient::new(channel.clone());
    let mut request = Request::new(proto::ReportUsageRequest {
        auth_key: None,
        entries: vec![proto::UsageEntry {
            recorded_at: "last tuesday".into(),
            ..Default::default()
        }],
    });
    nodewire_core::auth::attach_key(&mut request, &key)?;
    let status = raw.report_usage(request).await.err().ok_or("accepted")?;
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("entries[0].recordedAt"),
        "{status:?}"
    );

    // The key in the field only (no metadata) is accepted.
    let request = Request::new(proto::GetLatestConfigRequest {
        auth_key: Some(key.expose().to_owned()),
    });
    let message = raw.get_latest_config(request).await?.into_inner();
    assert_eq!(message.to_node_config()?, config);

    // Also through the typed client's option.
    let mut both = CoreClient::new(channel.clone(), key.clone())?.with_key_in_field(true);
    both.heartbeat(&NodeHeartbeatDto::default()).await?;

    // No key, an empty key, a wrong key: UNAUTHENTICATED.
    let status = raw
        .get_latest_config(proto::GetLatestConfigRequest::default())
        .await
        .err()
        .ok_or("accepted")?;
    assert_eq!(status.code(), Code::Unauthenticated);
    let status = raw
        .get_latest_config(proto::GetLatestConfigRequest {
            auth_key: Some(String::new()),
        })
        .await
        .err()
        .ok_or("accepted")?;
    assert_eq!(status.code(), Code::Unauthenticated);
    let mut wrong = CoreClient::new(channel.clone(), Secret::new("wrong-key"))?;
    assert_eq!(
        code_of(wrong.heartbeat(&NodeHeartbeatDto::default()).await),
        Some(Code::Unauthenticated)
    );
    // The metadata wins over the field: a wrong metadata key is refused even with the right
    // field.
    let mut request = Request::new(proto::GetLatestConfigRequest {
        auth_key: Some(key.expose().to_owned()),
    });
    nodewire_core::auth::attach_key(&mut request, &Secret::new("wrong"))?;
    let status = raw
        .get_latest_config(request)
        .await
        .err()
        .ok_or("accepted")?;
    assert_eq!(status.code(), Code::Unauthenticated);

    // A disabled node.
    core.set_enabled(1, false)?;
    assert_eq!(
        code_of(client.latest_config().await),
        Some(Code::PermissionDenied)
    );
    Ok(())
}

/// A Core that answers `GetLatestConfig` with whatever JSON it was given.
struct Raw(proto::GetLatestConfigResponse);

#[tonic::async_trait]
impl NodeService for Raw {
    async fn heartbeat(
        &self,
        _: Request<proto::HeartbeatRequest>,
    ) -> Result<Response<proto::HeartbeatResponse>, Status> {
        Err(Status::unimplemented("heartbeat"))
    }
    async fn report_usage(
        &self,
        _: Request<proto::ReportUsageRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        Err(Status::unimplemented("usage"))
    }
    async fn report_outbound_usage(
        &self,
        _: Request<proto::ReportOutboundUsageRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        Err(Status::unimplemented("outbound"))
    }
    async fn get_latest_config(
        &self,
        _: Request<proto::GetLatestConfigRequest>,
    ) -> Result<Response<proto::GetLatestConfigResponse>, Status> {
        Ok(Response::new(self.0.clone()))
    }
    async fn confirm_config_applied(
        &self,
        _: Request<proto::ConfirmConfigAppliedRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        Err(Status::unimplemented("applied"))
    }
    async fn report_node_stats(
        &self,
        _: Request<proto::ReportNodeStatsRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        Err(Status::unimplemented("stats"))
    }
    async fn report_session_events(
        &self,
        _: Request<proto::ReportSessionEventsRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        Err(Status::unimplemented("events"))
    }
    async fn report_error(
        &self,
        _: Request<proto::ReportErrorRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        Err(Status::unimplemented("error"))
    }
}

#[tokio::test]
async fn a_malformed_config_from_a_peer_is_a_typed_error() -> TestResult {
    for (field, message) in [
        (
            "clientMapJson",
            proto::GetLatestConfigResponse {
                revision: 1,
                client_map_json: r#"{"a":{"userId":-1,"subscriptionId":null}}"#.into(),
                ..Default::default()
            },
        ),
        (
            "mtprotoClientMapJson",
            proto::GetLatestConfigResponse {
                revision: 1,
                mtproto_client_map_json: "not json".into(),
                ..Default::default()
            },
        ),
        (
            "servicesJson",
            proto::GetLatestConfigResponse {
                revision: 1,
                services_json: r#"{"xray":[]}"#.into(),
                ..Default::default()
            },
        ),
    ] {
        let server = serve(Raw(message)).await?;
        let mut client = CoreClient::new(channel(&server.url).await?, Secret::new("k"))?;
        match client.latest_config().await {
            Err(CallError::Json(e)) => assert_eq!(e.field, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    Ok(())
}
