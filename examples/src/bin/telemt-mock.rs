//! An in-memory telemt `/v1` API server (`nodewire_telemt::mock`) on loopback.
//!
//! ```sh
//! TELEMT_AUTH="Bearer s3cret" cargo run -p nodewire-examples --bin telemt-mock -- --listen 127.0.0.1:9091 --user alice
//! ```
//!
//! Once bound, it prints `listening on http://<address>` to stderr. It prints nothing that
//! comes from a peer, and never the Authorization value.

use std::path::PathBuf;

use clap::Parser;
use nodewire_common::Secret;
use nodewire_examples::limits::{LimitArgs, listen_address};
use nodewire_examples::secrets::secret_from;
use nodewire_telemt::mock::{GrayAction, MockConfig, MockTelemt};

/// Serve a mock telemt control API.
#[derive(Parser)]
struct Args {
    /// Address to listen on; a loopback one unless --public is given.
    #[arg(long, default_value = "127.0.0.1:9091")]
    listen: std::net::SocketAddr,
    /// Allow a --listen address that is not loopback.
    #[arg(long)]
    public: bool,
    /// The exact Authorization header value to require (none when empty or absent); a secret:
    /// prefer the environment variable or --auth-file, since command-line arguments show in
    /// `ps`.
    #[arg(long, env = "TELEMT_AUTH", hide_env_values = true)]
    auth: Option<String>,
    /// Read the Authorization header value from this file (its trailing line break dropped).
    #[arg(long, value_name = "PATH")]
    auth_file: Option<PathBuf>,
    /// Allowed source networks (repeatable); default 127.0.0.0/8 as telemt. `--whitelist ''` allows all.
    #[arg(long)]
    whitelist: Vec<String>,
    /// What to do with other peers: api (403), 200 (empty page) or drop (close).
    #[arg(long, default_value = "drop")]
    gray_action: String,
    /// Refuse every mutating route with 403 read_only.
    #[arg(long)]
    read_only: bool,
    /// Request body limit in bytes.
    #[arg(long, default_value_t = 65536)]
    body_limit: usize,
    /// The telemt release to answer as (3.4.11 … 3.4.25): newer routes answer 404, newer
    /// user fields are left out.
    #[arg(long, default_value = nodewire_telemt::UPSTREAM_VERSION)]
    release: nodewire_common::version::Release,
    /// Initial users (repeatable); default `alice`.
    #[arg(long = "user")]
    users: Vec<String>,
    #[command(flatten)]
    limits: LimitArgs,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let listen = listen_address(args.listen, args.public)?;
    let auth = secret_from(args.auth, args.auth_file.as_deref())?;
    let mut config = MockConfig {
        auth_header: auth.unwrap_or_else(|| Secret::new("")),
        read_only: args.read_only,
        body_limit: args.body_limit,
        gray_action: match args.gray_action.as_str() {
            "api" => GrayAction::Api,
            "200" => GrayAction::Ok200,
            "drop" => GrayAction::Drop,
            other => {
                return Err(format!("--gray-action must be api, 200 or drop, not {other}").into());
            }
        },
        release: args.release,
        ..MockConfig::default()
    };
    if !args.whitelist.is_empty() {
        config.whitelist = args
            .whitelist
            .iter()
            .filter(|w| !w.is_empty())
            .map(|w| w.parse())
            .collect::<Result<_, _>>()?;
    }
    config.public_port = listen.port();
    let users: Vec<&str> = if args.users.is_empty() {
        vec!["alice"]
    } else {
        args.users.iter().map(String::as_str).collect()
    };
    let mock = MockTelemt::new(config, &users);
    let listener = tokio::net::TcpListener::bind(listen).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    nodewire_examples::telemt::serve_mock(listener, mock, args.limits.limits(), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
