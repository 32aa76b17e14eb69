//! An in-memory zero-net-panel kernel (`nodewire_kernel::mock`) on loopback: the core.yaml API,
//! its SSE streams, and callbacks to registered URLs.
//!
//! ```sh
//! cargo run -p nodewire-examples --bin kernel-mock -- --listen 127.0.0.1:23860 \
//!     --access-key panel --secret-key panel-secret \
//!     --traffic-callback http://127.0.0.1:8080/api/v1/kernel/traffic --simulate 5
//! ```

use std::time::Duration;

use clap::Parser;
use nodewire_common::Secret;
use nodewire_kernel::auth::AuthConfig;
use nodewire_kernel::mock::{Callback, MockConfig, MockKernel};

/// Serve a mock kernel control API.
#[derive(Parser)]
struct Args {
    /// Address to listen on (loopback unless --public).
    #[arg(long, default_value = "127.0.0.1:23860")]
    listen: std::net::SocketAddr,
    /// Allow a non-loopback --listen address.
    #[arg(long)]
    public: bool,
    /// Basic auth access key.
    #[arg(long, env = "KERNEL_ACCESS_KEY", default_value = "panel")]
    access_key: String,
    /// Basic auth secret key.
    #[arg(
        long,
        env = "KERNEL_SECRET_KEY",
        default_value = "panel-secret",
        hide_env_values = true
    )]
    secret_key: String,
    /// Also accept `Authorization: Bearer <token>` (the panel's control token).
    #[arg(long, env = "KERNEL_CONTROL_TOKEN", hide_env_values = true)]
    control_token: Option<String>,
    /// `api.auth.allow_insecure`: accept calls without Authorization.
    #[arg(long)]
    allow_insecure: bool,
    /// Where to post traffic batches (a panel's /api/v1/kernel/traffic).
    #[arg(long)]
    traffic_callback: Option<String>,
    /// The X-ZNP-Webhook-Token sent with traffic batches.
    #[arg(long, env = "ZNP_WEBHOOK_TOKEN", hide_env_values = true)]
    traffic_token: Option<String>,
    /// Request body limit in bytes.
    #[arg(long, default_value_t = nodewire_kernel::server::DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// Every N seconds, move traffic for every node's users and change one node's health.
    #[arg(long)]
    simulate: Option<u64>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let listen = nodewire_examples::limits::listen_address(args.listen, args.public)?;
    let config = MockConfig {
        auth: AuthConfig {
            basic: Some((args.access_key, Secret::new(args.secret_key))),
            bearer: args.control_token.map(Secret::new),
            allow_insecure: args.allow_insecure,
        },
        body_limit: args.body_limit,
        traffic_callback: args.traffic_callback.map(|url| Callback {
            url,
            token: args.traffic_token.map(Secret::new),
        }),
        ..MockConfig::default()
    };
    let listener = tokio::net::TcpListener::bind(listen).await?;
    eprintln!("kernel mock listening on http://{}", listener.local_addr()?);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let mock = MockKernel::new(config);
    match args.simulate {
        Some(secs) => {
            let every = Duration::from_secs(secs.max(1));
            nodewire_examples::kernel::serve_simulated(listener, mock, every, shutdown).await?
        }
        None => nodewire_examples::kernel::serve_mock(listener, mock, shutdown).await?,
    }
    Ok(())
}
