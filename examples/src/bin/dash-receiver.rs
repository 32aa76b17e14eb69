//! A Dash-compatible receiver for Ithiltir-node agents: accepts identity, static and metrics
//! pushes with Dash's checks and error bodies, keeps the latest report per node in memory,
//! and serves a live HTML board with CPU, memory and network sparklines at `/`.
//!
//! Node keys are secrets: give them in `DASH_NODES` or a `--nodes-file`, not as `--node`
//! flags, which `ps` shows.
//!
//! ```sh
//! DASH_NODES=web-1=s3cret,db-1=0ther cargo run -p nodewire-examples --bin dash-receiver
//! # Dash 0.2.0's limit on every request instead of newer Dash's on failed authentication:
//! cargo run -p nodewire-examples --bin dash-receiver -- --nodes-file nodes.txt --rate-limit 0.2.0
//! # Exposed: listen on every address, the board for one host name and behind a token:
//! DASH_BOARD_TOKEN=… cargo run -p nodewire-examples --bin dash-receiver -- \
//!     --nodes-file nodes.txt --public --listen 0.0.0.0:8080 --board-host dash.example.com
//! # then point an agent at it:
//! #   ithiltir-node report install http://127.0.0.1:8080/api/node/metrics s3cret
//! #   DASH_NODE_KEY=s3cret cargo run -p nodewire-examples --bin dash-agent -- --target http://127.0.0.1:8080/api/node/metrics
//! ```

use std::path::PathBuf;

use clap::Parser;
use nodewire_common::server::Escaped;
use nodewire_dash::ratelimit::{RateLimitMode, RateLimitOptions};
use nodewire_dash::server::ReceiverConfig;
use nodewire_dash::validate::Checks;
use nodewire_examples::dash::{BoardAccess, ReceiverOptions, parse_node_key, parse_nodes_file};
use nodewire_examples::limits::{LimitArgs, listen_address};
use nodewire_examples::secrets::secret_from;

/// Receive Ithiltir-node reports.
#[derive(Parser)]
struct Args {
    /// Address to listen on (loopback unless --public).
    #[arg(long, default_value = nodewire_examples::dash::DEFAULT_LISTEN)]
    listen: std::net::SocketAddr,
    /// Allow a --listen address that is not loopback.
    #[arg(long)]
    public: bool,
    /// A node and its key, `NAME=KEY` (repeatable; DASH_NODES takes a comma-separated list).
    /// A secret: prefer the environment variable or --nodes-file, since command-line
    /// arguments show in `ps`.
    #[arg(
        long = "node",
        env = "DASH_NODES",
        value_delimiter = ',',
        hide_env_values = true,
        required_unless_present = "nodes_file"
    )]
    nodes: Vec<String>,
    /// A file of node keys, one `NAME=KEY` a line (blank lines and `#` comments skipped); the
    /// way to give keys that should not show in `ps`. Adds to --node / DASH_NODES.
    #[arg(long, value_name = "PATH")]
    nodes_file: Option<PathBuf>,
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
    /// A host name the board answers to besides `localhost`, `127.0.0.1` and `[::1]`:
    /// `NAME` (any port) or `NAME:PORT` (repeatable). Other `Host`s get 421, which stops DNS
    /// rebinding.
    #[arg(long = "board-host", value_name = "HOST")]
    board_hosts: Vec<String>,
    /// Require the board URL to carry `?token=TOKEN`. A secret: prefer the environment
    /// variable or --board-token-file, since command-line arguments show in `ps`.
    #[arg(long, env = "DASH_BOARD_TOKEN", hide_env_values = true)]
    board_token: Option<String>,
    /// Read the board token from this file (without its trailing line break).
    #[arg(long, value_name = "PATH")]
    board_token_file: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mut keys = args
        .nodes
        .iter()
        .map(|n| parse_node_key(n))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("--node / DASH_NODES: {e}"))?;
    if let Some(path) = &args.nodes_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        keys.extend(parse_nodes_file(&text).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    if keys.is_empty() {
        return Err("no node keys: give DASH_NODES or --nodes-file".into());
    }
    let mut board = BoardAccess::default();
    for host in &args.board_hosts {
        board = board.allow_host(host)?;
    }
    if let Some(token) = secret_from(args.board_token, args.board_token_file.as_deref())? {
        if token.expose().is_empty() {
            return Err("the board token is empty".into());
        }
        board = board.with_token(token);
    }
    let names: Vec<String> = keys
        .iter()
        .map(|(n, _)| Escaped::new(n).to_string())
        .collect();
    let mut config = ReceiverConfig::new(keys);
    config.body_limit = args.body_limit;
    config.install_id = nodewire_examples::dash::random_install_id();
    config.install_id_fresh = true;
    if args.strict {
        config.checks = Checks::PresenceAndRanges;
    }
    config.rate_limit = RateLimitOptions::new(args.rate_limit);
    let listen = listen_address(args.listen, args.public)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    eprintln!("listening on http://{addr}");
    eprintln!("board at http://{addr}/, agents push to http://{addr}/api/node/metrics");
    eprintln!("nodes: {}", names.join(", "));
    eprintln!("rate limit: {}", args.rate_limit);
    let options = ReceiverOptions {
        update: None,
        board,
        log: true,
    };
    nodewire_examples::dash::serve_receiver(
        listener,
        config,
        options,
        args.limits.limits(),
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    )
    .await?;
    Ok(())
}
