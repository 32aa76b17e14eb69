//! A panel-side receiver for the kernel's callbacks (`POST /api/v1/kernel/events`, `/traffic`,
//! `/service-events`) on loopback, behind the panel's webhook guard (allowed networks,
//! Stripe-style signature, shared token), printing every node, traffic and service event.
//!
//! ```sh
//! ZNP_WEBHOOK_TOKEN=s3cret cargo run -p nodewire-examples --bin kernel-webhooks -- \
//!     --listen 127.0.0.1:8080 --allow-cidr 127.0.0.0/8
//! ```

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use nodewire_common::Secret;
use nodewire_kernel::webhooks::{DEFAULT_BODY_LIMIT, Webhook, WebhookConfig};

/// Receive and print kernel callbacks.
#[derive(Parser)]
struct Args {
    /// Address to listen on (loopback unless --public).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Allow a non-loopback --listen address.
    #[arg(long)]
    public: bool,
    /// The shared token expected in X-ZNP-Webhook-Token (`Webhook.SharedToken`).
    #[arg(long, env = "ZNP_WEBHOOK_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// The Stripe-Signature signing secret (`Webhook.Stripe.SigningSecret`).
    #[arg(long, env = "ZNP_WEBHOOK_SIGNING_SECRET", hide_env_values = true)]
    signing_secret: Option<String>,
    /// Signature timestamp tolerance in seconds (`Webhook.Stripe.ToleranceSeconds`).
    #[arg(long, default_value_t = 300)]
    tolerance_seconds: u64,
    /// A network callers may come from (`Webhook.AllowCIDRs`); repeat for more. None: any.
    #[arg(long = "allow-cidr")]
    allow_cidrs: Vec<String>,
    /// Request body limit in bytes.
    #[arg(long, default_value_t = DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// Print each body as JSON too.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let listen = nodewire_examples::limits::listen_address(args.listen, args.public)?;
    let guard = WebhookConfig {
        allow_cidrs: WebhookConfig::parse_cidrs(args.allow_cidrs.iter().map(String::as_str)),
        signing_secret: args.signing_secret.map(Secret::new),
        shared_token: args.token.map(Secret::new),
        tolerance: Duration::from_secs(args.tolerance_seconds),
    };
    if guard.allow_cidrs.len() != args.allow_cidrs.len() {
        eprintln!("some --allow-cidr values do not parse and are ignored, as the panel does");
    }
    if guard.shared_token.is_none() && guard.signing_secret.is_none() {
        eprintln!("no --token or --signing-secret: callbacks are not authenticated");
    }
    let listener = tokio::net::TcpListener::bind(listen).await?;
    eprintln!(
        "kernel webhooks on http://{}/api/v1/kernel/{{events,traffic,service-events}}",
        listener.local_addr()?
    );
    let (sink, mut received) = tokio::sync::mpsc::unbounded_channel::<Webhook>();
    let json = args.json;
    tokio::spawn(async move {
        while let Some(webhook) = received.recv().await {
            println!("{webhook}");
            if json {
                match webhook.to_json() {
                    Ok(body) => println!("  {body}"),
                    Err(e) => println!("  (cannot encode: {e})"),
                }
            }
        }
    });
    nodewire_examples::kernel::serve_webhooks(listener, guard, args.body_limit, sink, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
