//! The receiver over HTTP: axum around [`nodewire_dash::server::Receiver`], filing every
//! accepted push on a [`Board`] that `GET /` shows.

use std::sync::{Arc, Mutex};

use axum::body::Body as AxumBody;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{Html, IntoResponse, Response};
use nodewire_dash::server::{Body, Peer, Receiver, ReceiverConfig};
use nodewire_dash::update::UpdateManifest;
use tokio::net::TcpListener;

use crate::dash::{Board, render_board};

struct ReceiverState {
    receiver: Receiver,
    board: Mutex<Board>,
    update: Option<UpdateManifest>,
}

async fn handle_push(
    State(state): State<Arc<ReceiverState>>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    request: Request,
) -> Response {
    let limit = state.receiver.config().body_limit;
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Body::Complete(bytes),
        Err(_) => Body::TooLarge,
    };
    let peer = Peer::new(peer.ip(), std::time::SystemTime::now());
    let handled = state.receiver.handle(
        http::Request::from_parts(parts, body),
        &peer,
        state.update.as_ref(),
    );
    if let Ok(accepted) = &handled.outcome
        && let Ok(mut board) = state.board.lock()
    {
        board.record(&accepted.node, &accepted.push);
    }
    handled.response.map(AxumBody::from)
}

async fn board_page(State(state): State<Arc<ReceiverState>>) -> Response {
    match state.board.lock() {
        Ok(board) => Html(render_board(&board)).into_response(),
        Err(_) => http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Serves the receiver on `listener` until `shutdown` resolves: `GET /` is the board,
/// everything else goes to the sans-IO receiver. `update` is offered to nodes reporting a
/// lower version.
pub async fn serve_receiver(
    listener: TcpListener,
    config: ReceiverConfig,
    update: Option<UpdateManifest>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = Arc::new(ReceiverState {
        receiver: Receiver::new(config),
        board: Mutex::new(Board::default()),
        update,
    });
    let app = axum::Router::new()
        .route("/", axum::routing::get(board_page))
        .fallback(handle_push)
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::disable());
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Binds `127.0.0.1:0`, serves a receiver in the background and returns its base URL and a
/// handle that stops it when dropped.
pub async fn spawn_receiver(
    config: ReceiverConfig,
    update: Option<UpdateManifest>,
) -> std::io::Result<(String, ReceiverHandle)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve_receiver(listener, config, update, async {
        let _ = rx.await;
    }));
    Ok((
        url,
        ReceiverHandle {
            stop: Some(tx),
            task,
        },
    ))
}

/// Stops a spawned receiver when dropped.
#[derive(Debug)]
pub struct ReceiverHandle {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl ReceiverHandle {
    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for ReceiverHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}
