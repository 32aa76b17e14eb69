//! Watches a NodePass master: lists its instances, follows `/events` with reconnects, and
//! prints a live table with traffic rates derived from the cumulative counters.
//!
//! ```sh
//! NODEPASS_API_KEY=<key> cargo run -p nodewire-examples --bin nodepass-watch -- --base http://127.0.0.1:9090/api/v1
//! ```
//!
//! What the master sends (aliases, ids, error texts) is printed escaped, so no control
//! character or escape sequence from it reaches the terminal.

use std::path::PathBuf;

use clap::Parser;
use futures_util::StreamExt;
use nodewire_common::client::Client;
use nodewire_common::server::Escaped;
use nodewire_examples::secrets::secret_from;
use nodewire_nodepass::events::{Change, FollowError};
use nodewire_nodepass::watch::Watch;

/// The widest table line printed; a longer one is cut.
const MAX_LINE: usize = 400;

/// Watch a NodePass master's instances live.
#[derive(Parser)]
struct Args {
    /// The API base: scheme, host, port, prefix and `/v1`.
    #[arg(long, default_value = "http://127.0.0.1:9090/api/v1")]
    base: String,
    /// The API key, required; a secret: prefer the environment variable or --key-file, since
    /// command-line arguments show in `ps`.
    #[arg(long, env = "NODEPASS_API_KEY", hide_env_values = true)]
    key: Option<String>,
    /// A file holding the API key (a trailing line break is not part of it).
    #[arg(long, value_name = "PATH")]
    key_file: Option<PathBuf>,
    /// Print each table below the previous one instead of redrawing the screen.
    #[arg(long)]
    scroll: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args = Args::parse();
    let key = secret_from(args.key, args.key_file.as_deref())?
        .ok_or("an API key is required: set NODEPASS_API_KEY or pass --key-file")?;
    let client = Client::new(&args.base)?.with_header(nodewire_nodepass::AUTH_HEADER, key)?;
    let mut watch = Watch::new(client);
    while let Some(change) = watch.next().await {
        match change {
            Ok(Change::Disconnected { why, after, detail }) => {
                eprintln!(
                    "disconnected ({why:?}: {}); again in {after:?}",
                    Escaped::new(&detail)
                );
            }
            Ok(_) => {
                if !args.scroll {
                    print!("\u{1b}[2J\u{1b}[H");
                }
                for line in watch.table().to_string().lines() {
                    println!("{}", Escaped::new(line).max_chars(MAX_LINE));
                }
            }
            Err(FollowError::KeyRefused { announced }) => {
                let hint = if announced.is_some() {
                    " (the stream announced a new key: read it from the API-key instance)"
                } else {
                    ""
                };
                return Err(format!("the master refuses the API key{hint}").into());
            }
            Err(e) => eprintln!("{}", Escaped::new(&e.to_string())),
        }
    }
    Ok(())
}
