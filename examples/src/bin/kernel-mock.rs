//! An in-memory zero-net-panel kernel (`nodewire_kernel::mock`) on loopback: the core.yaml API,
//! its SSE streams, and callbacks to registered URLs.
//!
//! ```sh
//! KERNEL_SECRET_KEY=panel-secret cargo run -p nodewire-examples --bin kernel-mock -- \
//!     --listen 127.0.0.1:23860 --access-key panel \
//!     --traffic-callback http://127.0.0.1:8080/api/v1/kernel/traffic --simulate 5
//! ```

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use nodewire_examples::limits::LimitArgs;
use nodewire_examples::secrets::secret_from;
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
    /// Basic auth secret key. A secret: prefer the environment variable or
    /// --secret-key-file, since command-line arguments show in `ps`.
    #[arg(
        long,
        env = "KERNEL_SECRET_KEY",
        default_value = "panel-secret",
        hide_env_values = true
    )]
    secret_key: String,
    /// Read the Basic auth secret key from this file.
    #[arg(long, value_name = "PATH")]
    secret_key_file: Option<PathBuf>,
    /// Also accept `Authorization: Bearer <token>` (the panel's control token). A secret:
    /// prefer the environment variable or --control-token-file, since command-line arguments
    /// show in `ps`.
    #[arg(long, env = "KERNEL_CONTROL_TOKEN", hide_env_values = true)]
    control_token: Option<String>,
    /// Read the control token from this file.
    #[arg(long, value_name = "PATH")]
    control_token_file: Option<PathBuf>,
    /// `api.auth.allow_insecure`: accept calls without Authorization.
    #[arg(long)]
    allow_insecure: bool,
    /// Where to post traffic batches (a panel's /api/v1/kernel/traffic).
    #[arg(long)]
    traffic_callback: Option<String>,
    /// The X-ZNP-Webhook-Token sent with traffic batches. A secret: prefer the environment
    /// variable or --traffic-token-file, since command-line arguments show in `ps`.
    #[arg(long, env = "ZNP_WEBHOOK_TOKEN", hide_env_values = true)]
    traffic_token: Option<String>,
    /// Read the traffic callback's token from this file.
    #[arg(long, value_name = "PATH")]
    traffic_token_file: Option<PathBuf>,
    /// Request body limit in bytes.
    #[arg(long, default_value_t = nodewire_kernel::server::DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// Every N seconds, move traffic for every node's users and change one node's health.
    #[arg(long)]
    simulate: Option<u64>,
    #[command(flatten)]
    limits: LimitArgs,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let listen = nodewire_examples::limits::listen_address(args.listen, args.public)?;
    let secret_key = secret_from(Some(args.secret_key), args.secret_key_file.as_deref())?;
    let config = MockConfig {
        auth: AuthConfig {
            basic: secret_key.map(|key| (args.access_key, key)),
            bearer: secret_from(args.control_token, args.control_token_file.as_deref())?,
            allow_insecure: args.allow_insecure,
        },
        body_limit: args.body_limit,
        traffic_callback: match args.traffic_callback {
            Some(url) => Some(Callback {
                url,
                token: secret_from(args.traffic_token, args.traffic_token_file.as_deref())?,
            }),
            None => None,
        },
        ..MockConfig::default()
    };
    let listener = tokio::net::TcpListener::bind(listen).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    let limits = args.limits.limits();
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let mock = MockKernel::new(config);
    match args.simulate {
        Some(secs) => {
            let every = Duration::from_secs(secs.max(1));
            nodewire_examples::kernel::serve_simulated(listener, mock, every, limits, shutdown)
                .await?
        }
        None => nodewire_examples::kernel::serve_mock(listener, mock, limits, shutdown).await?,
    }
    Ok(())
}
