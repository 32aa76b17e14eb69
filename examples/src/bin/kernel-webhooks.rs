//! A panel-side receiver for the kernel's callbacks (`POST /api/v1/kernel/events`, `/traffic`,
//! `/service-events`) on loopback, behind the panel's webhook guard (allowed networks,
//! Stripe-style signature, shared token), printing every node, traffic and service event.
//!
//! ```sh
//! ZNP_WEBHOOK_TOKEN=s3cret cargo run -p nodewire-examples --bin kernel-webhooks -- \
//!     --listen 127.0.0.1:8080 --allow-cidr 127.0.0.0/8
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Body as AxumBody;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Response};
use clap::Parser;
use nodewire_common::{Endpoint, Secret};
use nodewire_kernel::Reply;
use nodewire_kernel::webhooks::{
    DEFAULT_BODY_LIMIT, KernelNodeEventResponse, KernelServiceEventResponse,
    KernelTrafficIngestResponse, PostKernelEvent, PostKernelServiceEvent, PostKernelTraffic,
    Webhook, WebhookConfig, payload_too_large,
};

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

struct Receiver {
    guard: WebhookConfig,
    body_limit: usize,
    json: bool,
}

/// The panel's answer to an accepted callback.
fn answer(webhook: &Webhook) -> Result<http::Response<bytes::Bytes>, serde_json::Error> {
    match webhook {
        Webhook::NodeEvent(_) => PostKernelEvent::try_into_http_response(&Reply::json(
            KernelNodeEventResponse::ignored(),
        )),
        Webhook::Traffic(call) => {
            PostKernelTraffic::try_into_http_response(&Reply::json(KernelTrafficIngestResponse {
                accepted: call.body.records.len() as u64,
                failed: 0,
            }))
        }
        Webhook::ServiceEvent(_) => PostKernelServiceEvent::try_into_http_response(&Reply::json(
            KernelServiceEventResponse::accepted(1),
        )),
    }
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let (head, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, receiver.body_limit).await else {
        return payload_too_large().into_response().map(AxumBody::from);
    };
    let request = http::Request::from_parts(head, bytes);
    let webhook = match Webhook::receive(
        &request,
        Some(peer.ip()),
        &receiver.guard,
        SystemTime::now(),
    ) {
        Ok(webhook) => webhook,
        Err(failure) => {
            eprintln!("refused {peer}: {} {}", failure.status, failure.message);
            return failure.into_response().map(AxumBody::from);
        }
    };
    println!("{}", nodewire_examples::kernel::describe(&webhook));
    if receiver.json {
        println!("  {}", String::from_utf8_lossy(request.body()));
    }
    match answer(&webhook) {
        Ok(response) => response.map(AxumBody::from),
        Err(_) => http::StatusCode::INTERNAL_SERVER_ERROR
            .into_response()
            .map(AxumBody::from),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let listen = nodewire_examples::kernel::listen_address(args.listen, args.public)?;
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
    let app = axum::Router::new()
        .fallback(receive)
        .with_state(Arc::new(Receiver {
            guard,
            body_limit: args.body_limit,
            json: args.json,
        }))
        .layer(axum::extract::DefaultBodyLimit::disable());
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
