//! Serves [`MockTelemt`] over HTTP/1.1 with axum, under the common server layer's limits.
//!
//! Each request goes through telemt's order: [`MockTelemt::admit`] on the head (whitelist,
//! `Authorization`, routing, read-only mode), a refusal answered without reading the body;
//! then the body, read only on the routes that take one and up to the mock's body limit (a
//! declared `Content-Length` over it gets telemt's `413` at once, broken framing telemt's
//! `400 Invalid request body`, a stalled body `408`); then [`MockTelemt::handle`].

use nodewire_common::secret::redact_url;
use std::sync::{Arc, Mutex};

use axum::Extension;
use axum::body::Body as AxumBody;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use nodewire_common::Secret;
use nodewire_common::client::Client;
use nodewire_common::server::{Background, BodyError, Limits, RemoteAddr, read_body, serve};
use nodewire_telemt::endpoints::*;
use nodewire_telemt::mock::{Body, MockConfig, MockTelemt, Outcome};
use nodewire_telemt::users::{CreateUserRequest, PatchUserRequest, Username};
use std::num::NonZeroU64;
use tokio::net::TcpListener;

use crate::exchange;

const WIDTH: usize = 160;

type Shared = Arc<Mutex<MockTelemt>>;

async fn handle(
    State(mock): State<Shared>,
    Extension(RemoteAddr(peer)): Extension<RemoteAddr>,
    request: Request,
) -> Response {
    let (head, body) = request.into_parts();
    let admitted = match mock.lock() {
        Ok(mut m) => m
            .admit(peer.ip(), &head)
            .map(|a| (a, m.config().body_limit)),
        Err(_) => return http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let body = match admitted {
        Err(refusal) => return answer(refusal),
        // telemt never reads the body of a route that takes none.
        Ok((admitted, _)) if !admitted.reads_body() => Body::Complete(Bytes::new()),
        Ok((_, limit)) => match read_body(&head, body, limit).await {
            Ok(body) => body,
            Err(timeout @ BodyError::Timeout) => {
                return timeout.into_response().map(AxumBody::from);
            }
            Err(_) => {
                return match mock.lock() {
                    Ok(mut m) => m.invalid_body().map(AxumBody::from),
                    Err(_) => http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                };
            }
        },
    };
    match mock.lock() {
        Ok(mut m) => answer(m.handle(peer.ip(), &head, body)),
        Err(_) => http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The response for the mock's outcome.
///
/// `gray_action = "drop"`: telemt reads the request head, then its handler fails and hyper
/// closes the connection without writing a byte. A response whose body fails on its first
/// read does the same here: hyper has only buffered the head when the body fails, so it drops
/// the connection with nothing sent. (The connection is accepted first, as telemt accepts it;
/// the peer sees an empty reply.)
fn answer(outcome: Outcome) -> Response {
    match outcome {
        Outcome::Respond(response) => response.map(AxumBody::from),
        Outcome::Drop => Response::new(AxumBody::from_stream(futures_util::stream::iter([Err::<
            Bytes,
            _,
        >(
            std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "request dropped by gray_action=drop",
            ),
        )]))),
    }
}

/// Serves `mock` on `listener` under `limits` until `shutdown` resolves.
pub async fn serve_mock(
    listener: TcpListener,
    mock: MockTelemt,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let shared: Shared = Arc::new(Mutex::new(mock));
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(shared)
        .layer(axum::extract::DefaultBodyLimit::disable());
    serve(listener, limits, app, shutdown).await
}

/// Binds `127.0.0.1:0`, serves `mock` in the background and returns its base URL and a handle
/// that stops it when dropped.
pub async fn spawn_mock(mock: MockTelemt) -> std::io::Result<(String, MockHandle)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let server =
        Background::spawn(|shutdown| serve_mock(listener, mock, Limits::default(), shutdown));
    Ok((url, MockHandle { server }))
}

/// Stops a spawned mock when dropped.
#[derive(Debug)]
pub struct MockHandle {
    server: Background,
}

impl MockHandle {
    /// Stops the server and waits for it.
    pub async fn stop(self) {
        let _ = self.server.stop().await;
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
        created
            .data
            .user
            .links
            .classic
            .first()
            .map(|link| redact_url(link))
            .unwrap_or_default()
    );

    println!("\n-- get bob");
    let got = exchange(&client, &GetUser::new(bob.clone()), WIDTH).await??;

    println!("\n-- patch bob, conditional on the revision: 3 unique IPs, remove the quota (null)");
    let patch = PatchUserRequest::default()
        .max_unique_ips(3)
        .clear_data_quota_bytes();
    let call = PatchUser::new(bob.clone(), patch).if_match(&got.revision);
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
