//! An in-memory Nexuma Core (`nodewire_core::mock::MockCore`): `POST /node/register` and the
//! fallback HTTP routes with axum, `nodeservice.NodeService` with tonic on `GRPC_PORT`.
//! Nodes, config revisions and usage counters live in memory; a node whose revision is behind
//! gets `needSync`.
//!
//! ```sh
//! cargo run -p nodewire-examples --bin core-server -- --code fra-1
//! # HTTP on 127.0.0.1:3000, gRPC on 127.0.0.1:3002
//! ```

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;
use nodewire_common::Secret;
use nodewire_core::config::NodeConfig;
use nodewire_core::mock::{MockConfig, MockCore};

/// Serve an in-memory Nexuma Core over HTTP and gRPC.
#[derive(Parser)]
struct Args {
    /// Address to listen on (loopback by default).
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    host: IpAddr,
    /// HTTP port.
    #[arg(long, env = "PORT", default_value_t = 3000)]
    port: u16,
    /// gRPC port.
    #[arg(long, env = "GRPC_PORT", default_value_t = nodewire_core::DEFAULT_GRPC_PORT)]
    grpc_port: u16,
    /// Registration codes nodes may use (repeatable, or comma-separated in NODE_CODES); any
    /// code when none is given.
    #[arg(
        long = "code",
        env = "NODE_CODES",
        value_delimiter = ',',
        hide_env_values = true
    )]
    codes: Vec<String>,
    /// A NodeConfig JSON file to serve (default: a sample VLESS + MTProto config).
    #[arg(long)]
    config: Option<PathBuf>,
    /// HTTP request body limit in bytes.
    #[arg(long, default_value_t = nodewire_core::server::DEFAULT_BODY_LIMIT)]
    body_limit: usize,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args = Args::parse();
    let config: NodeConfig = match &args.config {
        Some(path) => nodewire_common::error::from_slice(&std::fs::read(path)?)
            .map_err(|e| format!("{}: {e}", path.display()))?,
        None => nodewire_examples::core::sample_config()?,
    };
    let core = MockCore::new(MockConfig {
        registration_codes: args.codes.into_iter().map(Secret::new).collect(),
        config,
    });
    let http = tokio::net::TcpListener::bind((args.host, args.port)).await?;
    let grpc = tokio::net::TcpListener::bind((args.host, args.grpc_port)).await?;
    eprintln!(
        "core-server: HTTP on http://{}, gRPC on {}",
        http.local_addr()?,
        grpc.local_addr()?
    );
    nodewire_examples::core::serve_core(
        std::sync::Arc::new(core),
        http,
        grpc,
        args.body_limit,
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    )
    .await
}
