//! An in-memory Nexuma Core (`nodewire_core::mock::MockCore`): `POST /node/register` and the
//! fallback HTTP routes over HTTP/1.1, `nodeservice.NodeService` with tonic on `GRPC_PORT`.
//! Nodes, config revisions and usage counters live in memory; a node whose revision is behind
//! gets `needSync`.
//!
//! ```sh
//! NODE_CODES=fra-1 cargo run -p nodewire-examples --bin core-server
//! # HTTP on 127.0.0.1:3000, gRPC on 127.0.0.1:3002
//! ```
//!
//! It listens on loopback unless `--public` is given (and then only with registration codes:
//! without any, anyone could register a node). The connection limits are the shared flags
//! (`--header-timeout`, `--body-timeout`, `--max-connections`, `--max-header-bytes`); see
//! `nodewire_examples::core` for how they apply to the gRPC side.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Parser;
use nodewire_common::Secret;
use nodewire_core::config::NodeConfig;
use nodewire_core::mock::{MockConfig, MockCore};
use nodewire_examples::limits::{LimitArgs, listen_address};
use nodewire_examples::secrets::secret_from;

/// Serve an in-memory Nexuma Core over HTTP and gRPC.
#[derive(Parser)]
struct Args {
    /// Address to listen on (loopback unless --public).
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    host: IpAddr,
    /// HTTP port.
    #[arg(long, env = "PORT", default_value_t = 3000)]
    port: u16,
    /// The HTTP address, host and port together (overrides --host and --port; gRPC listens
    /// on its host).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// gRPC port (0: any free port).
    #[arg(long, env = "GRPC_PORT", default_value_t = nodewire_core::DEFAULT_GRPC_PORT)]
    grpc_port: u16,
    /// Listen on a non-loopback address.
    #[arg(long)]
    public: bool,
    /// Registration codes nodes may use (repeatable, or comma-separated in NODE_CODES); any
    /// code when none is given (loopback only: --public needs codes). A secret: prefer the environment variable or --code-file,
    /// since command-line arguments show in `ps`.
    #[arg(
        long = "code",
        env = "NODE_CODES",
        value_delimiter = ',',
        hide_env_values = true
    )]
    codes: Vec<String>,
    /// A file of registration codes, one per line (or comma-separated), instead of --code.
    #[arg(long, value_name = "PATH")]
    code_file: Option<PathBuf>,
    /// A NodeConfig JSON file to serve (default: a sample VLESS + MTProto config).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Request body limit in bytes, for HTTP bodies and gRPC messages alike.
    #[arg(long, default_value_t = nodewire_core::server::DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    #[command(flatten)]
    limits: LimitArgs,
}

impl Args {
    /// The registration codes, from --code-file when given.
    fn codes(&self) -> std::io::Result<Vec<Secret>> {
        let Some(file) = secret_from(None, self.code_file.as_deref())? else {
            return Ok(self.codes.iter().cloned().map(Secret::new).collect());
        };
        Ok(file
            .expose()
            .split(['\n', ','])
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(|code| Secret::new(code.to_owned()))
            .collect())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args = Args::parse();
    let http_addr = listen_address(
        args.listen
            .unwrap_or_else(|| SocketAddr::new(args.host, args.port)),
        args.public,
    )?;
    let grpc_addr = SocketAddr::new(http_addr.ip(), args.grpc_port);
    let codes = args.codes()?;
    if args.public && codes.is_empty() {
        return Err(
            "--public needs registration codes (NODE_CODES or --code-file): \
                    without any, anyone could register a node"
                .into(),
        );
    }
    let config: NodeConfig = match &args.config {
        Some(path) => nodewire_common::error::from_slice(&std::fs::read(path)?)
            .map_err(|e| format!("{}: {e}", path.display()))?,
        None => nodewire_examples::core::sample_config()?,
    };
    let core = MockCore::new(MockConfig {
        registration_codes: codes,
        config,
    });
    let http = tokio::net::TcpListener::bind(http_addr).await?;
    let grpc = tokio::net::TcpListener::bind(grpc_addr).await?;
    eprintln!(
        "listening on http://{} (gRPC nodeservice.NodeService on {})",
        http.local_addr()?,
        grpc.local_addr()?
    );
    nodewire_examples::core::serve_core(
        std::sync::Arc::new(core),
        http,
        grpc,
        args.body_limit,
        args.limits.limits(),
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    )
    .await
}
