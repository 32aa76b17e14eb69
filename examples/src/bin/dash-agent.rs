//! An Ithiltir-node-compatible agent: collects this machine's metrics with
//! `nodewire_dash::collect::Collector` and pushes identity, static and runtime reports to Dash
//! targets with the agent's rules from `nodewire_dash::agent` and `nodewire_dash::target`
//! (start-up delay, static retries and change detection, connection-refused suppression,
//! HTTPS→HTTP fallback, `--require-https`, the update plan).
//!
//! The node key is a secret: give it in `DASH_NODE_KEY` or a `--key-file`, not as `--key`,
//! which `ps` shows.
//!
//! ```sh
//! DASH_NODE_KEY=s3cret cargo run -p nodewire-examples --bin dash-agent -- \
//!     --target http://127.0.0.1:8080/api/node/metrics --rounds 5
//! ```

use std::time::Duration;

use std::path::PathBuf;

use clap::Parser;
use nodewire_common::Secret;
use nodewire_examples::dash::{AgentConfig, run_agent};
use nodewire_examples::secrets::secret_from;

/// Push this machine's metrics to Dash.
#[derive(Parser)]
struct Args {
    /// A metrics target URL, normally `…/api/node/metrics` (repeatable).
    #[arg(long = "target", required = true)]
    targets: Vec<String>,
    /// The node key for each target, in order (DASH_NODE_KEY for one target). A secret:
    /// prefer the environment variable or --key-file, since command-line arguments show in
    /// `ps`.
    #[arg(
        long = "key",
        env = "DASH_NODE_KEY",
        hide_env_values = true,
        required_unless_present = "key_files"
    )]
    keys: Vec<String>,
    /// A file holding the node key of a target, without its trailing line break (repeatable:
    /// one per --target, in order). Replaces --key / DASH_NODE_KEY.
    #[arg(long = "key-file", value_name = "PATH")]
    key_files: Vec<PathBuf>,
    /// Seconds between reports.
    #[arg(long, default_value_t = 3.0)]
    interval: f64,
    /// Seconds before the first push (the agent waits 5).
    #[arg(long, default_value_t = 5.0)]
    delay: f64,
    /// Stop after this many reports (0: run until interrupted).
    #[arg(long, default_value_t = 0)]
    rounds: u64,
    /// Refuse non-https targets and never fall back to http.
    #[arg(long)]
    require_https: bool,
    /// Skip resolving each target's Dash installation id first.
    #[arg(long)]
    no_identity: bool,
    /// Report only these interfaces (comma-separated).
    #[arg(long, value_delimiter = ',')]
    net: Vec<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args = Args::parse();
    let keys = if args.key_files.is_empty() {
        args.keys.into_iter().map(Secret::new).collect()
    } else {
        let mut keys = Vec::with_capacity(args.key_files.len());
        for path in &args.key_files {
            keys.extend(secret_from(None, Some(path))?);
        }
        keys
    };
    if keys.len() != args.targets.len() {
        return Err(format!(
            "{} targets but {} keys: give one key per --target",
            args.targets.len(),
            keys.len()
        )
        .into());
    }
    if !(args.interval > 0.0 && args.interval.is_finite()) {
        return Err("--interval must be positive".into());
    }
    let interval = Duration::try_from_secs_f64(args.interval)
        .map_err(|e| format!("--interval {}: {e}", args.interval))?;
    let push_delay = Duration::try_from_secs_f64(args.delay.max(0.0))
        .map_err(|e| format!("--delay {}: {e}", args.delay))?;
    let config = AgentConfig {
        targets: args.targets.into_iter().zip(keys).collect(),
        require_https: args.require_https,
        interval,
        push_delay,
        rounds: (args.rounds > 0).then_some(args.rounds),
        fetch_identity: !args.no_identity,
        preferred_nics: args.net,
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    // What the targets sent back is escaped in the lines already.
    let run = run_agent(config, |line| eprintln!("{line}"));
    let summary = tokio::select! {
        summary = run => summary?,
        _ = tokio::signal::ctrl_c() => return Ok(()),
    };
    eprintln!(
        "{} rounds, {} successful; static accepted per target: {:?}",
        summary.rounds, summary.successful_rounds, summary.static_accepted
    );
    Ok(())
}
