//! The receiver over HTTP: [`nodewire_dash::server::Receiver`] behind axum, served by
//! [`nodewire_common::server::serve`] under [`Limits`], filing every accepted push on a
//! [`Board`] that `GET /` shows to the hosts [`BoardAccess`] allows.
//!
//! A push is handled in the receiver's two phases: [`Receiver::admit`] judges the request head
//! (route, method, content type, rate limit, key) and a refusal is answered with the body
//! unread; only then is the body read under the limit ([`read_body`]: a declared oversize is
//! `413` at once, a stalled body `408`, broken framing `400`) and handed to
//! [`Receiver::handle_body`].

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::Body as AxumBody;
use axum::extract::{Request, State};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Router};
use bytes::Bytes;
use nodewire_common::server::{Background, Escaped, Limits, RemoteAddr, read_body, serve};
use nodewire_dash::server::{Body, Peer, Push, Receiver, ReceiverConfig};
use nodewire_dash::update::UpdateManifest;
use tokio::net::TcpListener;

use crate::dash::{Board, BoardAccess, render_board};

/// What a receiver serves besides Dash's checks.
#[derive(Debug, Clone, Default)]
pub struct ReceiverOptions {
    /// Offered to nodes that report a lower version.
    pub update: Option<UpdateManifest>,
    /// Who may see the board (by default: loopback host names, no token).
    pub board: BoardAccess,
    /// Print a line to stderr for every refused request and every identity or static push
    /// (metrics pushes are the board's). What the peer sent is escaped; no key is printed.
    pub log: bool,
}

struct ReceiverState {
    receiver: Receiver,
    board: Mutex<Board>,
    options: ReceiverOptions,
}

impl ReceiverState {
    fn log(&self, line: impl FnOnce() -> String) {
        if self.options.log {
            eprintln!("{}", line());
        }
    }
}

/// A log line about the request `head` from `peer`: `what`, then the method and path as the
/// peer sent them (escaped), then `detail` (escaped: it may quote the peer).
fn log_line(what: &str, head: &http::request::Parts, peer: SocketAddr, detail: &str) -> String {
    format!(
        "{what} {} {} from {peer}: {}",
        Escaped::new(head.method.as_str()).max_chars(16),
        Escaped::new(head.uri.path()).max_chars(80),
        Escaped::new(detail).max_chars(200),
    )
}

async fn handle_push(
    State(state): State<Arc<ReceiverState>>,
    Extension(RemoteAddr(remote)): Extension<RemoteAddr>,
    request: Request,
) -> Response {
    let (head, body) = request.into_parts();
    let peer = Peer::new(remote.ip(), SystemTime::now());
    let admitted = match state.receiver.admit(&head, &peer) {
        Ok(admitted) => admitted,
        Err(rejection) => {
            let status = rejection.status();
            state.log(|| {
                let cause = rejection.cause.as_deref().unwrap_or_default();
                log_line(
                    &format!("refused {}", status.as_u16()),
                    &head,
                    remote,
                    cause,
                )
            });
            return rejection.into_response().map(AxumBody::from);
        }
    };
    let body = if admitted.reads_body() {
        match read_body(&head, body, state.receiver.config().body_limit).await {
            Ok(body) => body,
            Err(error) => {
                let mut response = error.clone().into_response();
                if let Some(status) = admitted.rate_limit() {
                    status.apply(response.headers_mut());
                }
                state.log(|| {
                    let what = format!("refused {}", response.status().as_u16());
                    log_line(&what, &head, remote, &error.to_string())
                });
                return response.map(AxumBody::from);
            }
        }
    } else {
        // Identity: Dash never reads the body.
        Body::Complete(Bytes::new())
    };
    let handled = state
        .receiver
        .handle_body(admitted, body, state.options.update.as_ref());
    match &handled.outcome {
        Ok(accepted) => {
            if let Ok(mut board) = state.board.lock() {
                board.record(&accepted.node, &accepted.push);
            }
            let kind = match accepted.push {
                Push::Identity => Some("identity"),
                Push::Static(_) => Some("static"),
                Push::Metrics(_) => None,
            };
            if let Some(kind) = kind {
                state.log(|| {
                    format!(
                        "node {} pushed {kind} from {remote}",
                        Escaped::new(&accepted.node)
                    )
                });
            }
        }
        Err(rejection) => state.log(|| {
            let what = format!("refused {}", rejection.status().as_u16());
            let cause = rejection.cause.as_deref().unwrap_or_default();
            log_line(&what, &head, remote, cause)
        }),
    }
    handled.response.map(AxumBody::from)
}

async fn board_page(
    State(state): State<Arc<ReceiverState>>,
    Extension(RemoteAddr(remote)): Extension<RemoteAddr>,
    request: Request,
) -> Response {
    let (head, _) = request.into_parts();
    if let Err(refused) = state.options.board.check(&head) {
        state.log(|| {
            let host = head
                .headers
                .get(http::header::HOST)
                .map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned())
                .unwrap_or_default();
            let what = format!("board refused {}", refused.status().as_u16());
            log_line(&what, &head, remote, &format!("Host {host}"))
        });
        return refused.into_response().map(AxumBody::from);
    }
    match state.board.lock() {
        Ok(board) => Html(render_board(&board)).into_response(),
        Err(_) => http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The receiver's routes: `GET /` is the board, everything else goes to the receiver.
fn router(config: ReceiverConfig, options: ReceiverOptions) -> Router {
    let state = Arc::new(ReceiverState {
        receiver: Receiver::new(config),
        board: Mutex::new(Board::default()),
        options,
    });
    Router::new()
        .route("/", axum::routing::get(board_page))
        .fallback(handle_push)
        .with_state(state)
}

/// Serves the receiver on `listener` under `limits` until `shutdown` resolves: `GET /` is the
/// board (for the hosts `options.board` allows), everything else goes to the sans-IO
/// receiver, head first.
pub async fn serve_receiver(
    listener: TcpListener,
    config: ReceiverConfig,
    options: ReceiverOptions,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve(listener, limits, router(config, options), shutdown).await
}

/// Binds `127.0.0.1:0`, serves a receiver in the background (offering `update`, the board on
/// loopback without a token, default limits, no log) and returns its base URL and a handle
/// that stops it when dropped.
pub async fn spawn_receiver(
    config: ReceiverConfig,
    update: Option<UpdateManifest>,
) -> std::io::Result<(String, ReceiverHandle)> {
    let options = ReceiverOptions {
        update,
        ..ReceiverOptions::default()
    };
    spawn_receiver_with(config, options, Limits::default()).await
}

/// [`spawn_receiver`] with every option and the limits.
pub async fn spawn_receiver_with(
    config: ReceiverConfig,
    options: ReceiverOptions,
    limits: Limits,
) -> std::io::Result<(String, ReceiverHandle)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let server =
        Background::spawn(|shutdown| serve_receiver(listener, config, options, limits, shutdown));
    Ok((url, ReceiverHandle { server }))
}

/// Stops a spawned receiver when dropped.
#[derive(Debug)]
pub struct ReceiverHandle {
    server: Background,
}

impl ReceiverHandle {
    /// Stops the server and waits for it.
    pub async fn stop(self) {
        let _ = self.server.stop().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_escape_what_the_peer_sent() {
        let (head, ()) = http::Request::post("/api/node/x%0a")
            .body(())
            .unwrap()
            .into_parts();
        let peer: SocketAddr = ([192, 0, 2, 1], 4000).into();
        let line = log_line(
            "refused 404",
            &head,
            peer,
            "no route /a\n\u{1b}[31mforged line",
        );
        assert_eq!(
            line,
            "refused 404 POST /api/node/x%0a from 192.0.2.1:4000: no route /a\\n\\u{1b}[31mforged line"
        );
        assert!(!line.chars().any(char::is_control));
        let long = "x".repeat(10_000);
        assert!(log_line("refused 400", &head, peer, &long).len() < 400);
    }
}
