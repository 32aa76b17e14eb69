//! Watches a NodePass master: lists its instances, follows `/events` with reconnects, and
//! prints a live table with traffic rates derived from the cumulative counters.
//!
//! ```sh
//! cargo run -p nodewire-examples --bin nodepass-watch -- --base http://127.0.0.1:9090/api/v1 --key <key>
//! ```

use clap::Parser;
use futures_util::StreamExt;
use nodewire_common::Secret;
use nodewire_common::client::Client;
use nodewire_nodepass::events::{Change, FollowError};
use nodewire_nodepass::watch::Watch;

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
    let client = Client::new(&args.base)?
        .with_header(nodewire_nodepass::AUTH_HEADER, Secret::new(args.key))?;
    let mut watch = Watch::new(client);
    while let Some(change) = watch.next().await {
        match change {
            Ok(Change::Disconnected { why, after, detail }) => {
                eprintln!("disconnected ({why:?}: {detail}); again in {after:?}");
            }
            Ok(_) => {
                if !args.scroll {
                    print!("\u{1b}[2J\u{1b}[H");
                }
                println!("{}", watch.table());
            }
            Err(FollowError::KeyRefused { announced }) => {
                let hint = if announced.is_some() {
                    " (the stream announced a new key: read it from the API-key instance)"
                } else {
                    ""
                };
                return Err(format!("the master refuses the API key{hint}").into());
            }
            Err(e) => eprintln!("{e}"),
        }
    }
    Ok(())
}
