//! An in-memory NodePass master (`nodewire_nodepass::mock`) on loopback.
//!
//! ```sh
//! NODEPASS_API_KEY=0123456789abcdef0123456789abcdef \
//!     cargo run -p nodewire-examples --bin nodepass-mock -- --master 'master://127.0.0.1:9090?log=info'
//! ```
//!
//! The API key comes from `NODEPASS_API_KEY` or `--key-file` (a `--key` flag shows in
//! `ps`); it is never printed. The server holds connections to the limits of
//! [`nodewire_examples::limits::LimitArgs`] (`--header-timeout`,
//! `--body-timeout`, `--max-connections`, `--max-header-bytes`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use nodewire_examples::limits::{LimitArgs, listen_address};
use nodewire_examples::secrets::secret_from;
use nodewire_nodepass::mock::{MockConfig, MockMaster};
use nodewire_nodepass::url::{Compat, MasterUrl};

/// Serve a mock NodePass master API.
#[derive(Parser)]
struct Args {
    /// The master URL: listen address (an empty host means 127.0.0.1), API prefix, and the
    /// log/tls/crt/key settings passed on to instances. TLS is not served.
    #[arg(long, default_value = "master://127.0.0.1:9090?log=info")]
    master: String,
    /// Listen on this address instead of the master URL's (loopback unless --public).
    #[arg(long)]
    listen: Option<String>,
    /// Allow a non-loopback listen address.
    #[arg(long)]
    public: bool,
    /// The API key, required; a secret: prefer the environment variable or --key-file, since
    /// command-line arguments show in `ps`.
    #[arg(long, env = "NODEPASS_API_KEY", hide_env_values = true)]
    key: Option<String>,
    /// A file holding the API key (a trailing line break is not part of it).
    #[arg(long, value_name = "PATH")]
    key_file: Option<PathBuf>,
    /// Seconds between the simulated CHECK_POINT reports of running instances (0: none).
    #[arg(long, default_value_t = 5)]
    tick: u64,
    /// Reproduce v1.14 (no `lbs` default, no `noc`) instead of v2.0.0-b10.
    #[arg(long)]
    v1_14: bool,
    /// The master alias.
    #[arg(long, default_value = "")]
    alias: String,
    /// Request body limit in bytes.
    #[arg(long, default_value_t = nodewire_nodepass::server::DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    #[command(flatten)]
    limits: LimitArgs,
}

/// The address to bind: `--listen`, else the master URL's (an empty host is 127.0.0.1).
async fn bind_address(args: &Args, master: &MasterUrl) -> Result<SocketAddr, String> {
    let listen = match &args.listen {
        Some(listen) => listen.clone(),
        None => match master.listen().strip_prefix(':') {
            Some(port) => format!("127.0.0.1:{port}"),
            None => master.listen().to_owned(),
        },
    };
    let addr = match listen.parse::<SocketAddr>() {
        Ok(addr) => addr,
        Err(_) => tokio::net::lookup_host(listen.as_str())
            .await
            .map_err(|e| format!("{listen}: {e}"))?
            .next()
            .ok_or_else(|| format!("{listen}: no address"))?,
    };
    listen_address(addr, args.public)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let key = secret_from(args.key.clone(), args.key_file.as_deref())?
        .filter(|key| !key.expose().is_empty())
        .ok_or("an API key is required: set NODEPASS_API_KEY or pass --key-file")?;
    let master = MasterUrl::parse(&args.master)?;
    let listen = bind_address(&args, &master).await?;
    let config = MockConfig {
        api_key: key,
        alias: args.alias,
        body_limit: args.body_limit,
        compat: if args.v1_14 {
            Compat::V1_14_0
        } else {
            Compat::V2_0_0B10
        },
        ..MockConfig::from_master_url(&master)
    };
    let mock = MockMaster::new(config);
    let listener = tokio::net::TcpListener::bind(listen).await?;
    eprintln!(
        "listening on http://{}{} (NodePass mock master)",
        listener.local_addr()?,
        master.api_base()
    );
    let tick = (args.tick > 0).then(|| Duration::from_secs(args.tick));
    nodewire_examples::nodepass::serve_mock(listener, mock, tick, args.limits.limits(), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
