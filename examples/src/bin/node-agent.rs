//! A Nexuma node agent: registers with Core over HTTP (once; the key is kept in a file), then
//! loops over gRPC: heartbeat, `GetLatestConfig` + `ConfirmConfigApplied` when Core asks for a
//! sync, `ReportUsage` (from a spool file a traffic meter fills), and `ReportNodeStats` with
//! this machine's real metrics.
//!
//! ```sh
//! NODE_CODE=fra-1 NODE_IP=203.0.113.7 CORE_INSECURE=true \
//!   cargo run -p nodewire-examples --bin node-agent -- --cycles 3 --interval 2
//! ```

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use clap::builder::BoolishValueParser;
use nodewire_core::register::RegisterNodeDto;
use nodewire_core::values::{IpAddress, RegistrationCode};
use nodewire_examples::core::{AgentConfig, run_agent};

/// Run a node agent against a Nexuma Core.
#[derive(Parser)]
struct Args {
    /// Core's HTTP base URL (registration).
    #[arg(long, env = "CORE_HTTP_URL", default_value = "http://127.0.0.1:3000")]
    core_http_url: String,
    /// Core's gRPC address (`host:port` or a URL).
    #[arg(long, env = "CORE_GRPC_URL", default_value = "127.0.0.1:3002")]
    core_grpc_url: String,
    /// Plaintext gRPC instead of TLS.
    #[arg(long, env = "CORE_INSECURE", default_value = "false", value_parser = BoolishValueParser::new(),
          num_args = 0..=1, default_missing_value = "true")]
    insecure: bool,
    /// A PEM CA certificate to trust for Core's TLS, besides the web PKI roots.
    #[arg(long, env = "CORE_CA_FILE")]
    ca_file: Option<PathBuf>,
    /// Where the key Core issues is kept.
    #[arg(long, env = "NODE_KEY_FILE", default_value = "node-key.json")]
    key_file: PathBuf,
    /// Where the applied config is written.
    #[arg(long, env = "NODE_CONFIG_FILE", default_value = "node-config.json")]
    config_file: PathBuf,
    /// A NodeUsageDto JSON spool to report (and remove) each cycle.
    #[arg(long, env = "NODE_USAGE_FILE")]
    usage_file: Option<PathBuf>,
    /// The registration code (needed only while there is no key file).
    #[arg(long, env = "NODE_CODE", hide_env_values = true)]
    code: Option<String>,
    /// The node's name.
    #[arg(long, env = "NODE_NAME")]
    name: Option<String>,
    /// The node's public IP address (registration and heartbeats).
    #[arg(long, env = "NODE_IP")]
    ip: Option<String>,
    /// The node's region.
    #[arg(long, env = "NODE_REGION", default_value = "default")]
    region: String,
    /// The agent's own HTTP port.
    #[arg(long, env = "PORT")]
    port: Option<u16>,
    /// The node's domain.
    #[arg(long, env = "NODE_DOMAIN")]
    domain: Option<String>,
    /// Seconds between cycles.
    #[arg(long, env = "NODE_INTERVAL_SECS", default_value_t = 15)]
    interval: u64,
    /// Stop after this many cycles (0: run until stopped).
    #[arg(long, default_value_t = 0)]
    cycles: u64,
    /// Also send the key in each request's authKey field.
    #[arg(long)]
    key_in_field: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args = Args::parse();
    let ip = args.ip.map(IpAddress::new).transpose()?;
    let registration = match (&args.code, &ip) {
        (Some(code), Some(ip)) => {
            let name = args
                .name
                .clone()
                .or_else(sysinfo::System::host_name)
                .unwrap_or_else(|| "node".to_owned());
            let mut dto = RegisterNodeDto::new(
                RegistrationCode::new(code.as_str())?,
                name,
                ip.clone(),
                args.region.clone(),
            );
            if let Some(port) = args.port {
                dto = dto.port(port);
            }
            if let Some(domain) = &args.domain {
                dto = dto.domain(domain.as_str());
            }
            Some(dto)
        }
        // Without an IP address there is no registration; a key file may still exist.
        _ => None,
    };
    let config = AgentConfig {
        core_http_url: args.core_http_url,
        core_grpc_url: args.core_grpc_url,
        insecure: args.insecure,
        ca_file: args.ca_file,
        key_file: args.key_file,
        config_file: args.config_file,
        usage_file: args.usage_file,
        registration,
        ip,
        interval: Duration::from_secs(args.interval),
        cycles: (args.cycles > 0).then_some(args.cycles),
        key_in_field: args.key_in_field,
    };
    tokio::select! {
        result = run_agent(&config) => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
