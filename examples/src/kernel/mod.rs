//! HTTP wiring for the kernel: serves [`MockKernel`](nodewire_kernel::mock::MockKernel) (its
//! SSE and WebSocket streams included) and a panel-side webhook receiver with axum, delivers
//! the mock's callbacks, and runs the tour's kernel leg. What to answer, what to stream and
//! what the panel replies are the crate's; reading the streams is the common client's
//! (`Client::stream`).

mod serve;
mod streams;
mod tour;
mod webhooks;

pub use serve::{KernelMock, serve_mock, serve_simulated, spawn_mock};
pub use tour::tour;
pub use webhooks::{WebhookReceiver, serve_webhooks, spawn_webhooks};

/// A panel-side webhook receiver expecting `token`, and a mock kernel (default config) whose
/// traffic callback posts to it with that token, both on 127.0.0.1.
pub async fn spawn_with_panel(
    token: &nodewire_common::Secret,
) -> std::io::Result<(WebhookReceiver, KernelMock)> {
    let panel = spawn_webhooks(Some(token.clone())).await?;
    let config = nodewire_kernel::mock::MockConfig {
        traffic_callback: Some(nodewire_kernel::mock::Callback {
            url: format!("{}/api/v1/kernel/traffic", panel.url),
            token: Some(token.clone()),
        }),
        ..nodewire_kernel::mock::MockConfig::default()
    };
    let kernel = spawn_mock(nodewire_kernel::mock::MockKernel::new(config)).await?;
    Ok((panel, kernel))
}
