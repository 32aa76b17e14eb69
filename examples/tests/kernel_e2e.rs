//! The kernel client against the kernel mock over HTTP on 127.0.0.1, with a panel-side webhook
//! receiver: auth, users and nodes, the status snapshot with a degraded node, both SSE streams,
//! every callback (with the shared token), and the error paths (401, 404, 400, 413).

use std::collections::BTreeSet;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http::StatusCode;
use nodewire_common::client::{Client, ClientError};
use nodewire_common::{Endpoint, Secret};
use nodewire_examples::kernel::spawn_with_panel;
use nodewire_kernel::auth::Credentials;
use nodewire_kernel::endpoints::*;
use nodewire_kernel::protocols::{NodeProfile, NodeRole, ProfileProtocol, ProtocolUpsertRequest};
use nodewire_kernel::registrations::{
    EventRegistrationRequest, NodeEventKind, ServiceEventKind, ServiceEventRegistrationRequest,
};
use nodewire_kernel::status::HealthStatus;
use nodewire_kernel::streams::{EventName, StatusFrame};
use nodewire_kernel::users::{RatePatch, TrafficPatch, User, UserCreateRequest, UserPatchRequest};
use nodewire_kernel::webhooks::{NodeEventStatus, Webhook};
use nodewire_kernel::{Error, Reply};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Generous bound on waiting for something that must arrive; never an assertion on timing.
const PATIENCE: Duration = Duration::from_secs(30);

fn status_of<T: std::fmt::Debug>(r: Result<Reply<T>, ClientError<Error>>) -> Option<StatusCode> {
    match r {
        Err(ClientError::Api(e)) => e.status(),
        _ => None,
    }
}

fn boxed(e: impl std::error::Error + 'static) -> Box<dyn std::error::Error> {
    Box::new(e)
}

#[tokio::test]
async fn kernel_and_panel_end_to_end() -> TestResult {
    let token = Secret::new("e2e-webhook-token");
    let (mut panel, kernel) = spawn_with_panel(&token).await?;
    let credentials = Credentials::basic("panel", "panel-secret");
    let auth = credentials.authorization();
    let client = Client::new(&kernel.url)?.with_header("authorization", auth)?;
    let anonymous = Client::new(&kernel.url)?;

    // Liveness needs no auth; everything else does.
    assert_eq!(anonymous.send(&GetHealthz).await?.body, "ok");
    assert_eq!(
        status_of(anonymous.send(&ListProtocols).await),
        Some(StatusCode::UNAUTHORIZED)
    );
    let wrong = Client::new(&kernel.url)?.with_header(
        "authorization",
        Credentials::basic("panel", "wrong").authorization(),
    )?;
    assert_eq!(
        status_of(wrong.send(&ListProtocols).await),
        Some(StatusCode::UNAUTHORIZED)
    );

    // Register the panel's callbacks.
    for kind in [NodeEventKind::NodeAdded, NodeEventKind::NodeDegraded] {
        let body =
            EventRegistrationRequest::new(kind, format!("{}/api/v1/kernel/events", panel.url))
                .secret(token.clone());
        client.send(&RegisterEvent::new(body)).await?;
    }
    let body = ServiceEventRegistrationRequest::new(
        ServiceEventKind::UserTrafficReported,
        format!("{}/api/v1/kernel/service-events", panel.url),
    )
    .secret(token.clone());
    client.send(&RegisterServiceEvent::new(body)).await?;
    assert_eq!(client.send(&ListEventRegistrations).await?.body.len(), 2);
    assert_eq!(
        client
            .send(&ListServiceEventRegistrations)
            .await?
            .body
            .len(),
        1
    );

    // Follow both streams before anything happens.
    let mut events = client.stream(&EventsStream::default()).await?;
    let status_call = StatusStream::new(StatusStreamQuery::default().interval(1).include("nodes"));
    let mut frames = client.stream(&status_call).await?;
    let first = tokio::time::timeout(PATIENCE, frames.next())
        .await?
        .ok_or("status stream ended")?
        .map_err(boxed)?;
    assert_eq!(first.event, "status.full");
    assert!(matches!(first.data, StatusFrame::Full(ref f) if f.snapshot.nodes == Some(vec![])));

    // A node with one user (panel user 7), and a registry user.
    let profile = NodeProfile::new("edge-1", NodeRole::Listener, ProfileProtocol::Vless);
    let upsert = ProtocolUpsertRequest::new(profile)
        .listen("0.0.0.0:443")
        .users(vec![User::new("7", "alice", "pw")]);
    let summary = client.send(&UpsertProtocol::new(upsert)).await?.body;
    assert_eq!(summary.user_count, Some(1));
    let create = UserCreateRequest::new("vip-001", "bob", "pw")
        .traffic(TrafficPatch::default().allocated(1 << 30))
        .rate(RatePatch::up_only(1 << 20));
    client.send(&CreateUser::new(create)).await?;
    let patch = UserPatchRequest::default().tags(vec!["vip".to_owned()]);
    client.send(&PatchUser::new("vip-001", patch)).await?;
    let bob = client.send(&GetUser::new("vip-001")).await?.body;
    assert_eq!(bob.tags, Some(vec!["vip".to_owned()]));
    assert_eq!(
        client
            .send(&ListProtocolUsers::new("edge-1"))
            .await?
            .body
            .len(),
        1
    );

    // The kernel sees the node degrade and the user move traffic.
    kernel
        .simulate(|m| {
            m.set_health(
                "edge-1",
                HealthStatus::Degraded {
                    consecutive_failures: 2,
                },
            )?;
            m.record_traffic("edge-1", "7", 100, 200)
        })
        .ok_or("mock")??;

    // The status decodes with the degraded node (health as an object).
    let status = client
        .send(&GetStatus::default().include("nodes"))
        .await?
        .body;
    let health = status
        .snapshot
        .nodes
        .unwrap_or_default()
        .into_iter()
        .find_map(|n| n.health.and_then(|h| h.status));
    assert_eq!(
        health,
        Some(HealthStatus::Degraded {
            consecutive_failures: 2
        })
    );
    let traffic = client.send(&GetTraffic::default()).await?.body;
    assert_eq!(
        (traffic.bytes_up, traffic.bytes_down),
        (Some(100), Some(200))
    );

    // The event stream carried node.added, node.degraded and user.traffic.reported.
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let event = tokio::time::timeout(PATIENCE, events.next())
            .await?
            .ok_or("event stream ended")?
            .map_err(boxed)?;
        seen.push(event.data.event.clone());
        if event.data.event == EventName::UserTrafficReported {
            let report = event.data.traffic_reported()?;
            assert_eq!(report.current.and_then(|c| c.used), Some(300));
        }
    }
    assert_eq!(
        seen,
        [
            EventName::NodeAdded,
            EventName::NodeDegraded,
            EventName::UserTrafficReported
        ]
    );

    // The status stream shows the change in a later frame.
    loop {
        let frame = tokio::time::timeout(PATIENCE, frames.next())
            .await?
            .ok_or("status stream ended")?
            .map_err(boxed)?;
        if let StatusFrame::Full(full) = frame.data
            && let Some(node) = full.snapshot.nodes.unwrap_or_default().into_iter().next()
            && node
                .health
                .and_then(|h| h.status)
                .is_some_and(|s| !s.is_healthy())
        {
            break;
        }
    }

    // The panel received every callback, with the token.
    let mut kinds = BTreeSet::new();
    while kinds.len() < 4 {
        let webhook = tokio::time::timeout(PATIENCE, panel.received.recv())
            .await?
            .ok_or("receiver closed")?;
        match webhook {
            Webhook::NodeEvent(call) => {
                assert_eq!(call.token.as_ref(), Some(&token));
                assert_eq!(call.body.node(), "edge-1");
                if call.body.status == Some(NodeEventStatus::Degraded) {
                    kinds.insert("node_degraded");
                } else {
                    kinds.insert("node_added");
                }
            }
            Webhook::Traffic(call) => {
                assert_eq!(call.body.records[0].user_id, Some(7));
                assert_eq!(call.body.records[0].bytes_down, 200);
                kinds.insert("traffic");
            }
            Webhook::ServiceEvent(call) => {
                assert_eq!(call.body.normalized_event(), "user_traffic_reported");
                kinds.insert("service");
            }
        }
    }

    // Error paths.
    assert_eq!(
        status_of(client.send(&GetUser::new("nobody")).await),
        Some(StatusCode::NOT_FOUND)
    );
    let raw = |path: &str, body: Vec<u8>| -> Result<http::Request<Bytes>, http::Error> {
        http::Request::builder()
            .method("POST")
            .uri(format!("{}{path}", kernel.url))
            .header("content-type", "application/json")
            .body(Bytes::from(body))
    };
    let bad = client
        .send_raw::<std::convert::Infallible>(raw(
            "/v1/protocols",
            br#"{"profile":{"id":"x","role":"relay","protocol":"http","profile":{}}}"#.to_vec(),
        )?)
        .await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let err = UpsertProtocol::try_from_http_response(&bad).err();
    assert!(err.is_some_and(|e| e.code() == Some("BAD_REQUEST") && e.to_string().contains("role")));
    let huge = client
        .send_raw::<std::convert::Infallible>(raw("/v1/users/import", vec![b' '; 2 << 20])?)
        .await?;
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // A webhook without the token is refused by the receiver.
    let forged = Client::new(&panel.url)?
        .send_raw::<std::convert::Infallible>(
            http::Request::builder()
                .method("POST")
                .uri(format!("{}/api/v1/kernel/traffic", panel.url))
                .body(Bytes::from_static(b"{\"records\":[]}"))?,
        )
        .await?;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);

    // Removing the node answers 204.
    assert_eq!(
        client.send(&DeleteProtocol::new("edge-1")).await?.status,
        StatusCode::NO_CONTENT
    );

    drop(events);
    drop(frames);
    kernel.stop().await;
    panel.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_tour_leg_runs() -> TestResult {
    nodewire_examples::kernel::tour().await
}
