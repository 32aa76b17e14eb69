//! HTTP wiring for the kernel: serves [`MockKernel`](nodewire_kernel::mock::MockKernel) (its
//! SSE and WebSocket streams included) and a panel-side webhook receiver with axum, delivers
//! the mock's callbacks, and runs the tour's kernel leg. What to answer, what to stream and
//! what the panel replies are the crate's; reading the streams is the common client's
//! (`Client::stream`).

mod serve;
mod streams;
mod tour;
mod webhooks;

use std::net::SocketAddr;

pub use serve::{KernelMock, serve_mock, serve_simulated, spawn_mock};
pub use tour::tour;
pub use webhooks::{WebhookReceiver, serve_webhooks, spawn_webhooks};

/// The address a binary listens on, refusing a non-loopback one unless `public` is set.
pub fn listen_address(addr: SocketAddr, public: bool) -> Result<SocketAddr, String> {
    if addr.ip().is_loopback() || public {
        Ok(addr)
    } else {
        Err(format!(
            "{addr} is not a loopback address; pass --public to listen on it"
        ))
    }
}
