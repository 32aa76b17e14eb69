//! The panel's side of the callbacks with axum: the three routes behind the panel's webhook
//! guard ([`Webhook::receive`]), answered as the panel answers them ([`Webhook::answer`]).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body as AxumBody;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::Response;
use nodewire_common::Secret;
use nodewire_kernel::webhooks::{DEFAULT_BODY_LIMIT, Webhook, WebhookConfig, payload_too_large};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

struct Receiver {
    guard: WebhookConfig,
    body_limit: usize,
    sink: mpsc::UnboundedSender<Webhook>,
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
    let now = std::time::SystemTime::now();
    let response = match Webhook::receive(&request, Some(peer.ip()), &receiver.guard, now) {
        Ok(webhook) => {
            let response = webhook.answer();
            let _ = receiver.sink.send(webhook);
            response
        }
        Err(failure) => failure.into_response(),
    };
    response.map(AxumBody::from)
}

/// A running webhook receiver.
#[derive(Debug)]
pub struct WebhookReceiver {
    /// Its base URL (`http://127.0.0.1:<port>`); the routes are under `/api/v1/kernel/`.
    pub url: String,
    /// Every callback accepted, in arrival order.
    pub received: mpsc::UnboundedReceiver<Webhook>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl WebhookReceiver {
    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Serves the panel's three callback routes on `listener` behind the panel's webhook guard
/// (`guard`: allowed networks, Stripe-style signature, shared token; then go-zero's
/// Content-Type rule), reading at most `body_limit` bytes (413 beyond), and passes each
/// accepted callback to `sink`, until `shutdown` resolves.
pub async fn serve_webhooks(
    listener: TcpListener,
    guard: WebhookConfig,
    body_limit: usize,
    sink: mpsc::UnboundedSender<Webhook>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let receiver = Receiver {
        guard,
        body_limit,
        sink,
    };
    let app = axum::Router::new()
        .fallback(receive)
        .with_state(Arc::new(receiver))
        .layer(axum::extract::DefaultBodyLimit::disable());
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Binds `127.0.0.1:0` and serves a webhook receiver in the background, checking `token`
/// (`X-ZNP-Webhook-Token`) when given.
pub async fn spawn_webhooks(token: Option<Secret>) -> std::io::Result<WebhookReceiver> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (sink, received) = mpsc::unbounded_channel();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve_webhooks(
        listener,
        WebhookConfig::with_token(token),
        DEFAULT_BODY_LIMIT,
        sink,
        async {
            let _ = stopped.await;
        },
    ));
    Ok(WebhookReceiver {
        url,
        received,
        stop: Some(stop),
        task,
    })
}
