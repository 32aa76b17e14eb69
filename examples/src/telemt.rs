//! Serves [`MockTelemt`] over HTTP/1.1 with axum.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body as AxumBody;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Response};
use nodewire_common::Secret;
use nodewire_common::client::Client;
use nodewire_telemt::endpoints::*;
use nodewire_telemt::mock::{Body, MockConfig, MockTelemt, Outcome};
use nodewire_telemt::users::{CreateUserRequest, PatchUserRequest, Username};
use std::num::NonZeroU64;
use tokio::net::{TcpListener, TcpStream};

use crate::exchange;

const WIDTH: usize = 160;

type Shared = Arc<Mutex<MockTelemt>>;

/// Accepts connections, closing at once those the mock would drop (`gray_action = "drop"`),
/// as telemt does: the peer sees a TCP close and no HTTP response.
struct FilteringListener {
    inner: TcpListener,
    mock: Shared,
}

impl axum::serve::Listener for FilteringListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (stream, addr) = match self.inner.accept().await {
                Ok(accepted) => accepted,
                Err(_) => {
                    // Out of file descriptors and the like: back off briefly, as axum does.
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            };
            let admitted = self
                .mock
                .lock()
                .map(|m| m.admits(addr.ip()))
                .unwrap_or(false);
            if admitted {
                return (stream, addr);
            }
            drop(stream);
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// The TCP peer of a connection.
#[derive(Debug, Clone, Copy)]
struct Peer(SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, FilteringListener>>
    for Peer
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, FilteringListener>) -> Self {
        Peer(*stream.remote_addr())
    }
}

async fn handle(
    State(mock): State<Shared>,
    ConnectInfo(Peer(peer)): ConnectInfo<Peer>,
    request: Request,
) -> Response {
    let limit = mock.lock().map(|m| m.config().body_limit).unwrap_or(0);
    let (head, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Body::Complete(bytes),
        Err(_) => Body::TooLarge,
    };
    let outcome = match mock.lock() {
        Ok(mut m) => m.handle(peer.ip(), &head, body),
        Err(_) => return http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match outcome {
        Outcome::Respond(response) => response.map(AxumBody::from),
        // Filtered at accept; a keep-alive connection cannot reach here with a new peer.
        Outcome::Drop => http::StatusCode::FORBIDDEN.into_response(),
    }
}

/// Serves `mock` on `listener` until `shutdown` resolves.
pub async fn serve_mock(
    listener: TcpListener,
    mock: MockTelemt,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let shared: Shared = Arc::new(Mutex::new(mock));
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(shared.clone())
        .layer(axum::extract::DefaultBodyLimit::disable());
    let listener = FilteringListener {
        inner: listener,
        mock: shared,
    };
    axum::serve(listener, app.into_make_service_with_connect_info::<Peer>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Binds `127.0.0.1:0`, serves `mock` in the background and returns its base URL and a handle
/// that stops it when dropped.
pub async fn spawn_mock(mock: MockTelemt) -> std::io::Result<(String, MockHandle)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve_mock(listener, mock, async {
        let _ = rx.await;
    }));
    Ok((
        url,
        MockHandle {
            stop: Some(tx),
            task,
        },
    ))
}

/// Stops a spawned mock when dropped.
#[derive(Debug)]
pub struct MockHandle {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl MockHandle {
    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for MockHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// The telemt leg of the tour: a user's whole lifecycle against the mock.
pub async fn tour() -> Result<(), Box<dyn std::error::Error>> {
    let auth = "Bearer tour-token";
    let config = MockConfig {
        auth_header: Secret::new(auth),
        ..MockConfig::default()
    };
    let (url, server) = spawn_mock(MockTelemt::new(config, &["alice"])).await?;
    println!(
        "== telemt {} /v1 API (mock on {url})\n",
        nodewire_telemt::UPSTREAM_VERSION
    );
    let client = Client::new(&url)?.with_header("authorization", Secret::new(auth))?;
    let bob = Username::new("bob")?;

    println!("-- health");
    exchange(&client, &GetHealth, WIDTH).await??;

    println!("\n-- create bob with a 1 GiB quota and a 16 kB/s download limit");
    let body = CreateUserRequest::new(bob.clone())
        .data_quota_bytes(1 << 30)
        .rate_limit_down_bps(NonZeroU64::new(16_000).ok_or("zero")?);
    let created = exchange(&client, &CreateUser::new(body), WIDTH).await??;
    println!(
        "   bob's first link: {}",
        created.data.user.links.classic.join(" ")
    );

    println!("\n-- get bob");
    let got = exchange(&client, &GetUser::new(bob.clone()), WIDTH).await??;

    println!("\n-- patch bob, conditional on the revision: 3 unique IPs, remove the quota (null)");
    let patch = PatchUserRequest::default()
        .max_unique_ips(3)
        .clear_data_quota_bytes();
    let call = PatchUser::new(bob.clone(), patch).if_match(got.revision.clone());
    exchange(&client, &call, WIDTH).await??;

    println!("\n-- the same patch again with the now stale revision: 409");
    if let Err(e) = exchange(&client, &call, WIDTH).await? {
        println!("   refused as expected: {e}");
    }

    println!("\n-- rotate bob's secret, reset his quota, disable and enable him");
    exchange(&client, &RotateSecret::new(bob.clone()), WIDTH).await??;
    exchange(&client, &ResetUserQuota::new(bob.clone()), WIDTH).await??;
    exchange(&client, &DisableUser::new(bob.clone()), WIDTH).await??;
    exchange(&client, &EnableUser::new(bob.clone()), WIDTH).await??;

    println!("\n-- list users, then delete bob");
    exchange(&client, &ListUsers, WIDTH).await??;
    exchange(&client, &DeleteUser::new(bob.clone()), WIDTH).await??;

    println!("\n-- bob is gone: 404");
    if let Err(e) = exchange(&client, &GetUser::new(bob), WIDTH).await? {
        println!("   refused as expected: {e}");
    }

    println!("\n-- without the Authorization value: 401");
    let anonymous = Client::new(&url)?;
    if let Err(e) = exchange(&anonymous, &ListUsers, WIDTH).await? {
        println!("   refused as expected: {e}");
    }
    server.stop().await;
    Ok(())
}
