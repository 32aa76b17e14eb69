//! The tour's Dash leg.

use std::time::Duration;

use bytes::Bytes;
use nodewire_common::Secret;
use nodewire_common::client::Client;
use nodewire_dash::agent;
use nodewire_dash::collect::Collector;
use nodewire_dash::endpoints::{FetchIdentity, PushMetrics, PushStatic};
use nodewire_dash::server::ReceiverConfig;

use crate::dash::{random_install_id, spawn_receiver};

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
