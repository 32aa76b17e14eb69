//! A panel-side receiver for the kernel's callbacks (`POST /api/v1/kernel/events`, `/traffic`,
//! `/service-events`) on loopback, printing every node, traffic and service event.
//!
//! ```sh
//! ZNP_WEBHOOK_TOKEN=s3cret cargo run -p nodewire-examples --bin kernel-webhooks -- --listen 127.0.0.1:8080
//! ```

use clap::Parser;
use nodewire_common::Secret;
use nodewire_kernel::webhooks::Webhook;

/// Receive and print kernel callbacks.
#[derive(Parser)]
struct Args {
    /// Address to listen on (loopback unless --public).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,
    /// Allow a non-loopback --listen address.
    #[arg(long)]
    public: bool,
    /// The shared token expected in X-ZNP-Webhook-Token (none: no check, as the panel).
    #[arg(long, env = "ZNP_WEBHOOK_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Print each body as JSON too.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let listen = nodewire_examples::kernel::listen_address(args.listen, args.public)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let base = format!("http://{}", listener.local_addr()?);
    eprintln!("kernel webhooks on {base}/api/v1/kernel/{{events,traffic,service-events}}");
    if args.token.is_none() {
        eprintln!("no --token: callbacks are not authenticated");
    }
    let (sink, mut received) = tokio::sync::mpsc::unbounded_channel();
    let server = tokio::spawn(nodewire_examples::kernel::serve_webhooks(
        listener,
        args.token.map(Secret::new),
        sink,
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    ));
    while let Some(webhook) = received.recv().await {
        println!("{}", nodewire_examples::kernel::describe(&webhook));
        if args.json {
            let body = match &webhook {
                Webhook::NodeEvent(call) => serde_json::to_string(&call.body),
                Webhook::Traffic(call) => serde_json::to_string(&call.body),
                Webhook::ServiceEvent(call) => serde_json::to_string(&call.body),
            };
            println!("  {}", body.unwrap_or_default());
        }
    }
    server.await??;
    Ok(())
}
