//! Serving [`MockKernel`] with axum under [`Limits`]: the request pipeline (authentication
//! and routing from the head before the body is read, [`MockKernel::admit`]), the streams it
//! asks for, and the delivery of its callbacks.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body as AxumBody;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use nodewire_common::client::Client;
use nodewire_common::server::{Escaped, Limits, read_body, serve};
use nodewire_kernel::mock::{Delivery, MockKernel, Outcome};
use nodewire_kernel::streams::EventEnvelope;
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc, watch};

/// What the handlers and the stream tasks share.
pub(super) struct Shared {
    mock: Mutex<MockKernel>,
    /// Every event the mock emits, for the open streams.
    pub(super) events: broadcast::Sender<EventEnvelope>,
    outbox: mpsc::UnboundedSender<Delivery>,
    /// Turns `true` when the server stops; the streams end then.
    pub(super) stopping: watch::Receiver<bool>,
}

impl Shared {
    /// Runs `f` on the mock, then publishes the events and queues the callbacks it caused;
    /// `None` when the lock is poisoned.
    pub(super) fn with_mock<R>(&self, f: impl FnOnce(&mut MockKernel) -> R) -> Option<R> {
        let mut mock = self.mock.lock().ok()?;
        let out = f(&mut mock);
        let effects = mock.take_effects();
        for event in effects.events {
            // No subscriber is not an error.
            let _ = self.events.send(event);
        }
        for delivery in effects.deliveries {
            let _ = self.outbox.send(delivery);
        }
        Some(out)
    }
}

/// Delivers callbacks one at a time, in order.
async fn deliver(mut outbox: mpsc::UnboundedReceiver<Delivery>) {
    let Ok(client) = Client::new("http://127.0.0.1") else {
        return;
    };
    while let Some(delivery) = outbox.recv().await {
        let result = match delivery.to_http() {
            Ok(request) => client
                .send_raw::<Infallible>(request)
                .await
                .map(|r| r.status())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        // The URL was registered by a peer, and the error may quote it: escaped.
        let url = Escaped::new(&delivery.callback.url);
        match result {
            Ok(status) if status.is_success() => {}
            Ok(status) => eprintln!("callback {url} answered {status}"),
            Err(e) => eprintln!("callback {url} failed: {}", Escaped::new(&e)),
        }
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (mut head, body) = request.into_parts();
    // Authentication and routing from the head: a refused request's body is never read.
    let Some(admitted) =
        shared.with_mock(|mock| mock.admit(&head).map(|()| mock.config().body_limit))
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let limit = match admitted {
        Ok(limit) => limit,
        Err(refused) => return refused.into_response().map(AxumBody::from),
    };
    let body = match read_body(&head, body, limit).await {
        Ok(body) => body,
        Err(error) => return error.into_response().map(AxumBody::from),
    };
    let Some(outcome) = shared.with_mock(|mock| mock.handle(&head, body)) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match outcome {
        Outcome::Respond(response) => response.map(AxumBody::from),
        Outcome::StatusStream(subscription) => super::streams::sse(shared, subscription.into()),
        Outcome::EventStream(subscription) => super::streams::sse(shared, subscription.into()),
        Outcome::WebSocket(stream) => super::streams::websocket(shared, &mut head, stream).await,
    }
}

/// A running mock kernel.
pub struct KernelMock {
    /// Its base URL (`http://127.0.0.1:<port>`).
    pub url: String,
    shared: Arc<Shared>,
    stop: Option<watch::Sender<bool>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl std::fmt::Debug for KernelMock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KernelMock")
            .field("url", &self.url)
            .finish()
    }
}

impl KernelMock {
    /// Serves `mock` on `listener` under `limits` in the background.
    fn start(listener: TcpListener, mock: MockKernel, limits: Limits) -> std::io::Result<Self> {
        let url = format!("http://{}", listener.local_addr()?);
        let (stop, stopping) = watch::channel(false);
        let (events, _) = broadcast::channel(256);
        let (outbox, queue) = mpsc::unbounded_channel();
        tokio::spawn(deliver(queue));
        let shared = Arc::new(Shared {
            mock: Mutex::new(mock),
            events,
            outbox,
            stopping: stopping.clone(),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let mut stopping = stopping;
        let shutdown = async move {
            let _ = stopping.wait_for(|s| *s).await;
        };
        let task = tokio::spawn(serve(listener, limits, app, shutdown));
        Ok(Self {
            url,
            shared,
            stop: Some(stop),
            task,
        })
    }

    /// Runs `f` on the mock (to change a node's health or record traffic, say), then publishes
    /// the events and queues the callbacks it caused.
    pub fn simulate<R>(&self, f: impl FnOnce(&mut MockKernel) -> R) -> Option<R> {
        self.shared.with_mock(f)
    }

    /// Stops the server (streams included) and waits for it.
    pub async fn stop(mut self) {
        let _ = self.finish().await;
    }

    async fn finish(&mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        (&mut self.task).await.map_err(std::io::Error::other)?
    }
}

impl Drop for KernelMock {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

/// Serves `mock` on `listener` under `limits` until `shutdown` resolves.
pub async fn serve_mock(
    listener: TcpListener,
    mock: MockKernel,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut server = KernelMock::start(listener, mock, limits)?;
    tokio::select! {
        result = &mut server.task => return result.map_err(std::io::Error::other)?,
        () = shutdown => {}
    }
    server.finish().await
}

/// Serves `mock` on `listener` under `limits` until `shutdown` resolves, with a simulation
/// step ([`MockKernel::simulate_tick`]) every `every`: each node's users move some traffic and
/// one node's health changes, so the streams and callbacks have something to carry.
pub async fn serve_simulated(
    listener: TcpListener,
    mock: MockKernel,
    every: Duration,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let server = KernelMock::start(listener, mock, limits)?;
    let mut ticker = tokio::time::interval(every);
    ticker.tick().await;
    tokio::pin!(shutdown);
    for tick in 1.. {
        tokio::select! {
            () = &mut shutdown => break,
            _ = ticker.tick() => {}
        }
        server.simulate(|m| m.simulate_tick(tick));
    }
    server.stop().await;
    Ok(())
}

/// Binds `127.0.0.1:0` and serves `mock` in the background under the default [`Limits`].
pub async fn spawn_mock(mock: MockKernel) -> std::io::Result<KernelMock> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    KernelMock::start(listener, mock, Limits::default())
}
