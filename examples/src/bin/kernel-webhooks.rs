//! A panel-side receiver for the kernel's callbacks (`POST /api/v1/kernel/events`, `/traffic`,
//! `/service-events`) on loopback, behind the panel's webhook guard (allowed networks,
//! Stripe-style signature, shared token), printing every node, traffic and service event.
//!
//! What a callback carries is printed escaped (no control character or line break reaches
//! the terminal) and with its credentials (`password`, `secret`, `token` members) redacted.
//!
//! ```sh
//! ZNP_WEBHOOK_TOKEN=s3cret cargo run -p nodewire-examples --bin kernel-webhooks -- \
//!     --listen 127.0.0.1:8080 --allow-cidr 127.0.0.0/8
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use nodewire_examples::limits::LimitArgs;
use nodewire_examples::secrets::secret_from;
use nodewire_kernel::webhooks::{DEFAULT_BODY_LIMIT, Webhook, WebhookConfig};

/// The most characters of a body printed with --json.
const JSON_CHARS: usize = 8 * 1024;

/// Receive and print kernel callbacks.
#[derive(Parser)]
struct Args {
    /// Address to listen on (loopback unless --public).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Allow a non-loopback --listen address.
    #[arg(long)]
    public: bool,
    /// The shared token expected in X-ZNP-Webhook-Token (`Webhook.SharedToken`). A secret:
    /// prefer the environment variable or --token-file, since command-line arguments show in
    /// `ps`.
    #[arg(long, env = "ZNP_WEBHOOK_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Read the shared token from this file.
    #[arg(long, value_name = "PATH")]
    token_file: Option<PathBuf>,
    /// The Stripe-Signature signing secret (`Webhook.Stripe.SigningSecret`). A secret: prefer
    /// the environment variable or --signing-secret-file, since command-line arguments show
    /// in `ps`.
    #[arg(long, env = "ZNP_WEBHOOK_SIGNING_SECRET", hide_env_values = true)]
    signing_secret: Option<String>,
    /// Read the signing secret from this file.
    #[arg(long, value_name = "PATH")]
    signing_secret_file: Option<PathBuf>,
    /// Signature timestamp tolerance in seconds (`Webhook.Stripe.ToleranceSeconds`).
    #[arg(long, default_value_t = 300)]
    tolerance_seconds: u64,
    /// A network callers may come from (`Webhook.AllowCIDRs`); repeat for more. None: any.
    #[arg(long = "allow-cidr")]
    allow_cidrs: Vec<String>,
    /// Request body limit in bytes (go-zero's `MaxBytes`: a larger declared body gets 413
    /// before it is read).
    #[arg(long, default_value_t = DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// Print each body as JSON too (escaped, credentials redacted).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let listen = nodewire_examples::limits::listen_address(args.listen, args.public)?;
    let guard = WebhookConfig {
        allow_cidrs: WebhookConfig::parse_cidrs(args.allow_cidrs.iter().map(String::as_str)),
        signing_secret: secret_from(args.signing_secret, args.signing_secret_file.as_deref())?,
        shared_token: secret_from(args.token, args.token_file.as_deref())?,
        tolerance: Duration::from_secs(args.tolerance_seconds),
    };
    if guard.allow_cidrs.len() != args.allow_cidrs.len() {
        eprintln!("some --allow-cidr values do not parse and are ignored, as the panel does");
    }
    if guard.shared_token.is_none() && guard.signing_secret.is_none() {
        eprintln!("no --token or --signing-secret: callbacks are not authenticated");
    }
    let listener = tokio::net::TcpListener::bind(listen).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    eprintln!(
        "routes: POST /api/v1/kernel/events, /api/v1/kernel/traffic, /api/v1/kernel/service-events"
    );
    let (sink, mut received) = tokio::sync::mpsc::unbounded_channel::<Webhook>();
    let json = args.json;
    tokio::spawn(async move {
        while let Some(webhook) = received.recv().await {
            // `Display` and `to_log_json` escape the peer's text and redact credentials.
            println!("{webhook}");
            if json {
                println!("  {}", webhook.to_log_json(JSON_CHARS));
            }
        }
    });
    nodewire_examples::kernel::serve_webhooks(
        listener,
        guard,
        args.body_limit,
        args.limits.limits(),
        sink,
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    )
    .await?;
    Ok(())
}
