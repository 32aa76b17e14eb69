//! A Dash-compatible receiver for Ithiltir-node agents on loopback: accepts identity, static
//! and metrics pushes with Dash's checks and error bodies, keeps the latest report per node in
//! memory, and serves a live HTML board with CPU, memory and network sparklines at `/`.
//!
//! ```sh
//! cargo run -p nodewire-examples --bin dash-receiver -- --node web-1=s3cret --node db-1=0ther
//! # Dash 0.2.0's limit on every request instead of newer Dash's on failed authentication:
//! cargo run -p nodewire-examples --bin dash-receiver -- --node web-1=s3cret --rate-limit 0.2.0
//! # then point an agent at it:
//! #   ithiltir-node report install http://127.0.0.1:8080/api/node/metrics s3cret
//! #   cargo run -p nodewire-examples --bin dash-agent -- --target http://127.0.0.1:8080/api/node/metrics --key s3cret
//! ```

use clap::Parser;
use nodewire_dash::ratelimit::{RateLimitMode, RateLimitOptions};
use nodewire_dash::server::ReceiverConfig;
use nodewire_dash::validate::Checks;

/// Receive Ithiltir-node reports.
#[derive(Parser)]
struct Args {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = nodewire_examples::dash::DEFAULT_LISTEN)]
    listen: std::net::SocketAddr,
    /// A node and its key, `NAME=KEY` (repeatable; DASH_NODES takes a comma-separated list).
    #[arg(
        long = "node",
        env = "DASH_NODES",
        value_delimiter = ',',
        hide_env_values = true,
        required = true
    )]
    nodes: Vec<String>,
    /// Largest body accepted, bytes (Dash: 1 MiB).
    #[arg(long, default_value_t = nodewire_dash::server::DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// Also apply newer Dash's range checks (refuses Windows agents, which send load -1).
    #[arg(long)]
    strict: bool,
    /// Rate limit (600 a minute per client /24 or /40): `newer` counts failed
    /// authentication only, `0.2.0` every node request, `off` none.
    #[arg(long, default_value_t = RateLimitMode::FailedAuth)]
    rate_limit: RateLimitMode,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let keys = args
        .nodes
        .iter()
        .map(|n| nodewire_examples::dash::parse_node_key(n))
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<String> = keys.iter().map(|(n, _)| n.clone()).collect();
    let mut config = ReceiverConfig::new(keys);
    config.body_limit = args.body_limit;
    config.install_id = nodewire_examples::dash::random_install_id();
    config.install_id_fresh = true;
    if args.strict {
        config.checks = Checks::PresenceAndRanges;
    }
    config.rate_limit = RateLimitOptions::new(args.rate_limit);
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
    eprintln!(
        "Dash receiver on http://{addr}/ (board), agents push to http://{addr}/api/node/metrics"
    );
    eprintln!("nodes: {}", names.join(", "));
    eprintln!("rate limit: {}", args.rate_limit);
    nodewire_examples::dash::serve_receiver(listener, config, None, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
