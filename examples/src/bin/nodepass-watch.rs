//! Watches a NodePass master: lists its instances, follows `/events` with reconnects, and
//! prints a live table with traffic rates derived from the cumulative counters.
//!
//! ```sh
//! cargo run -p nodewire-examples --bin nodepass-watch -- --base http://127.0.0.1:9090/api/v1 --key <key>
//! ```

use clap::Parser;
use nodewire_common::Secret;

/// Watch a NodePass master's instances live.
#[derive(Parser)]
struct Args {
    /// The API base: scheme, host, port, prefix and `/v1`.
    #[arg(long, default_value = "http://127.0.0.1:9090/api/v1")]
    base: String,
    /// The API key (NODEPASS_API_KEY).
    #[arg(long, env = "NODEPASS_API_KEY", hide_env_values = true)]
    key: String,
    /// Print each table below the previous one instead of redrawing the screen.
    #[arg(long)]
    scroll: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args = Args::parse();
    let scroll = args.scroll;
    nodewire_examples::nodepass::watch_master(&args.base, Secret::new(args.key), |table| {
        if !scroll {
            print!("\u{1b}[2J\u{1b}[H");
        }
        println!("{table}");
    })
    .await
}
