//! The panel's side of the callbacks: the three routes behind the panel's webhook guard,
//! served under [`Limits`]. A callback is refused from its head when the head decides
//! ([`Webhook::admit`]: route, declared size, address, token, Content-Type), before a byte of
//! its body is read; then the body is read under the limit ([`read_body`]) and received
//! ([`Webhook::receive`]), and answered as the panel answers it ([`Webhook::answer`]).

use std::sync::Arc;
use std::time::SystemTime;

use axum::Extension;
use axum::body::Body as AxumBody;
use axum::extract::{Request, State};
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderValue, header};
use nodewire_common::Secret;
use nodewire_common::server::{Background, Body, BodyError, Limits, RemoteAddr, read_body, serve};
use nodewire_kernel::webhooks::{
    DEFAULT_BODY_LIMIT, Webhook, WebhookConfig, payload_too_large, unreadable_body,
};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

struct Receiver {
    guard: WebhookConfig,
    body_limit: usize,
    sink: mpsc::UnboundedSender<Webhook>,
}

/// The answer to a body that could not be read: `408` when it stopped arriving, else the
/// panel's `400 invalid webhook payload`; the connection is closed either way.
fn unread(error: BodyError) -> http::Response<Bytes> {
    match error {
        BodyError::Timeout => error.into_response(),
        _ => {
            let mut response = unreadable_body().into_response();
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    Extension(RemoteAddr(peer)): Extension<RemoteAddr>,
    request: Request,
) -> Response {
    let (head, body) = request.into_parts();
    let guard = &receiver.guard;
    let limit = receiver.body_limit;
    let now = SystemTime::now();
    let response = match Webhook::admit(&head, Some(peer.ip()), guard, limit, now) {
        Err(refused) => refused.into_response(),
        Ok(()) => match read_body(&head, body, limit).await {
            Err(error) => unread(error),
            Ok(Body::TooLarge) => payload_too_large().into_response(),
            Ok(Body::Complete(bytes)) => {
                let request = http::Request::from_parts(head, bytes);
                match Webhook::receive(&request, Some(peer.ip()), guard, now) {
                    Ok(webhook) => {
                        let response = webhook.answer();
                        let _ = receiver.sink.send(webhook);
                        response
                    }
                    Err(failure) => failure.into_response(),
                }
            }
        },
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
    server: Background,
}

impl WebhookReceiver {
    /// Stops the server and waits for it.
    pub async fn stop(self) {
        let _ = self.server.stop().await;
    }
}

/// Serves the panel's three callback routes on `listener` under `limits`, behind the panel's
/// webhook guard (`guard`: allowed networks, Stripe-style signature, shared token; then
/// go-zero's Content-Type rule), reading at most `body_limit` bytes of a body (413 beyond),
/// and passes each accepted callback to `sink`, until `shutdown` resolves.
pub async fn serve_webhooks(
    listener: TcpListener,
    guard: WebhookConfig,
    body_limit: usize,
    limits: Limits,
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
        .with_state(Arc::new(receiver));
    serve(listener, limits, app, shutdown).await
}

/// Binds `127.0.0.1:0` and serves a webhook receiver in the background under the default
/// [`Limits`], checking `token` (`X-ZNP-Webhook-Token`) when given.
pub async fn spawn_webhooks(token: Option<Secret>) -> std::io::Result<WebhookReceiver> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (sink, received) = mpsc::unbounded_channel();
    let guard = WebhookConfig::with_token(token);
    let server = Background::spawn(|shutdown| {
        serve_webhooks(
            listener,
            guard,
            DEFAULT_BODY_LIMIT,
            Limits::default(),
            sink,
            shutdown,
        )
    });
    Ok(WebhookReceiver {
        url,
        received,
        server,
    })
}
