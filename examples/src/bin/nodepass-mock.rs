//! An in-memory NodePass master (`nodewire_nodepass::mock`) on loopback.
//!
//! ```sh
//! cargo run -p nodewire-examples --bin nodepass-mock -- --master 'master://127.0.0.1:9090?log=info' --key 0123456789abcdef0123456789abcdef
//! ```

use std::time::Duration;

use clap::Parser;
use nodewire_common::Secret;
use nodewire_nodepass::mock::{MockConfig, MockMaster};
use nodewire_nodepass::url::{Compat, MasterUrl};

/// Serve a mock NodePass master API.
#[derive(Parser)]
struct Args {
    /// The master URL: listen address (an empty host means 127.0.0.1), API prefix, and the
    /// log/tls/crt/key settings passed on to instances. TLS is not served.
    #[arg(long, default_value = "master://127.0.0.1:9090?log=info")]
    master: String,
    /// The API key (NODEPASS_API_KEY); a random one is generated and printed when empty.
    #[arg(
        long,
        env = "NODEPASS_API_KEY",
        default_value = "",
        hide_env_values = true
    )]
    key: String,
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
    #[arg(long, default_value_t = 1024 * 1024)]
    body_limit: usize,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if args.key.is_empty() {
        return Err("--key must not be empty".into());
    }
    let master = MasterUrl::parse(&args.master)?;
    let listen = match master.listen().strip_prefix(':') {
        Some(port) => format!("127.0.0.1:{port}"),
        None => master.listen().to_owned(),
    };
    let config = MockConfig {
        api_key: Secret::new(args.key),
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
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    eprintln!(
        "NodePass mock master on http://{}{}",
        listener.local_addr()?,
        master.api_base()
    );
    let tick = (args.tick > 0).then(|| Duration::from_secs(args.tick));
    nodewire_examples::nodepass::serve_mock(listener, mock, tick, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
