//! The tour's kernel leg: a mock kernel and a panel-side webhook receiver on 127.0.0.1, driven
//! with the library's client.

use std::time::Duration;

use nodewire_common::Secret;
use nodewire_common::client::Client;
use nodewire_kernel::auth::Credentials;
use nodewire_kernel::endpoints::*;
use nodewire_kernel::protocols::{NodeProfile, NodeRole, ProfileProtocol, ProtocolUpsertRequest};
use nodewire_kernel::registrations::{
    EventRegistrationRequest, NodeEventKind, ServiceEventKind, ServiceEventRegistrationRequest,
};
use nodewire_kernel::status::HealthStatus;
use nodewire_kernel::users::{RatePatch, TrafficPatch, User, UserCreateRequest};

use super::spawn_with_panel;

/// The tour's kernel leg: a mock kernel and a panel-side webhook receiver on 127.0.0.1, driven
/// with the library's client.
pub async fn tour() -> Result<(), Box<dyn std::error::Error>> {
    const WIDTH: usize = 160;
    let token = Secret::new("tour-webhook-token");
    let (mut panel, kernel) = spawn_with_panel(&token).await?;
    println!(
        "== zero-net-panel kernel, core.yaml {} (mock on {}, panel webhooks on {})\n",
        nodewire_kernel::UPSTREAM_VERSION,
        kernel.url,
        panel.url
    );
    let credentials = Credentials::basic("panel", "panel-secret");
    let auth = credentials.authorization();
    let client = Client::new(&kernel.url)?.with_header("authorization", auth)?;

    println!("-- liveness (no auth), then a call without credentials: 401");
    crate::exchange(&Client::new(&kernel.url)?, &GetHealthz, WIDTH).await??;
    if let Err(e) = crate::exchange(&Client::new(&kernel.url)?, &ListProtocols, WIDTH).await? {
        println!("   refused as expected: {e}");
    }

    println!("\n-- register the panel's callbacks (the secret comes back as X-ZNP-Webhook-Token)");
    for kind in NodeEventKind::ALL {
        let body =
            EventRegistrationRequest::new(kind, format!("{}/api/v1/kernel/events", panel.url))
                .secret(token.clone());
        crate::exchange(&client, &RegisterEvent::new(body), WIDTH).await??;
    }
    let body = ServiceEventRegistrationRequest::new(
        ServiceEventKind::UserTrafficReported,
        format!("{}/api/v1/kernel/service-events", panel.url),
    )
    .secret(token.clone());
    crate::exchange(&client, &RegisterServiceEvent::new(body), WIDTH).await??;

    println!("\n-- follow /v1/events/stream");
    let mut stream = client.stream(&EventsStream::default()).await?;

    println!("\n-- add a VLESS listener with one user (panel user 7), and a registry user");
    let profile = NodeProfile::new("edge-1", NodeRole::Listener, ProfileProtocol::Vless)
        .tags(["edge"])
        .profile(serde_json::json!({"flow": "xtls-rprx-vision"}));
    let upsert = ProtocolUpsertRequest::new(profile)
        .listen("0.0.0.0:443")
        .users(vec![User::new("7", "alice", "alice-password")]);
    crate::exchange(&client, &UpsertProtocol::new(upsert), WIDTH).await??;
    let user = UserCreateRequest::new("vip-001", "bob", "bob-password")
        .traffic(TrafficPatch::default().allocated(1 << 30))
        .rate(RatePatch::up_only(1 << 20));
    crate::exchange(&client, &CreateUser::new(user), WIDTH).await??;

    println!("\n-- the kernel sees edge-1 degrade and alice move traffic");
    kernel.simulate(|m| {
        let _ = m.set_health(
            "edge-1",
            HealthStatus::Degraded {
                consecutive_failures: 2,
            },
        );
        let _ = m.record_traffic("edge-1", "7", 123_456, 654_321);
    });

    println!("\n-- status (the degraded node's health is an object), protocols, users, traffic");
    let status = crate::exchange(&client, &GetStatus::default().include("nodes"), WIDTH).await??;
    for node in status.body.snapshot.nodes.unwrap_or_default() {
        let health = node.health.and_then(|h| h.status);
        println!(
            "   node {}: {}",
            node.id.unwrap_or_default(),
            health.map_or("-".to_owned(), |h| h.to_string())
        );
    }
    crate::exchange(&client, &ListProtocols, WIDTH).await??;
    crate::exchange(&client, &ListUsers::default(), WIDTH).await??;
    crate::exchange(&client, &GetTraffic::default(), WIDTH).await??;

    println!("\n-- what arrived on the event stream");
    for _ in 0..3 {
        let next = futures_util::StreamExt::next(&mut stream);
        match tokio::time::timeout(Duration::from_secs(5), next).await {
            Ok(Some(Ok(event))) => println!(
                "   {}  {}",
                event.event,
                serde_json::to_string(&event.data.payload).unwrap_or_default()
            ),
            Ok(Some(Err(e))) => println!("   bad event: {e}"),
            Ok(None) | Err(_) => break,
        }
    }

    println!("\n-- what the panel's webhook routes received");
    for _ in 0..4 {
        match tokio::time::timeout(Duration::from_secs(5), panel.received.recv()).await {
            Ok(Some(webhook)) => println!("   {webhook}"),
            Ok(None) | Err(_) => break,
        }
    }

    println!("\n-- remove edge-1");
    crate::exchange(&client, &DeleteProtocol::new("edge-1"), WIDTH).await??;
    drop(stream);
    kernel.stop().await;
    panel.stop().await;
    Ok(())
}
