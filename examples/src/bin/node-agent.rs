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
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use clap::builder::BoolishValueParser;
use nodewire_common::client::Client;
use nodewire_common::server::Escaped;
use nodewire_core::agent::{self, Agent, AgentError, FileNode, KeyFile, Origin};
use nodewire_core::grpc::client::CoreClient;
use nodewire_core::register::RegisterNodeDto;
use nodewire_core::values::{IpAddress, RegistrationCode};
use nodewire_examples::secrets::secret_from;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

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
    /// The registration code (needed only while there is no key file). A secret: prefer the
    /// environment variable or --code-file, since command-line arguments show in `ps`.
    #[arg(long, env = "NODE_CODE", hide_env_values = true)]
    code: Option<String>,
    /// A file holding the registration code, instead of --code.
    #[arg(long, value_name = "PATH")]
    code_file: Option<PathBuf>,
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

impl Args {
    /// The registration to send when there is no key file yet: needs a code and an address.
    fn registration(&self, ip: Option<&IpAddress>) -> Result<Option<RegisterNodeDto>, BoxError> {
        let code = secret_from(self.code.clone(), self.code_file.as_deref())?;
        let (Some(code), Some(ip)) = (code, ip) else {
            return Ok(None);
        };
        let name = self
            .name
            .clone()
            .or_else(sysinfo::System::host_name)
            .unwrap_or_else(|| "node".to_owned());
        let code = RegistrationCode::new(code.expose())?;
        let mut dto = RegisterNodeDto::new(code, name, ip.clone(), self.region.clone());
        if let Some(port) = self.port {
            dto = dto.port(port);
        }
        if let Some(domain) = &self.domain {
            dto = dto.domain(domain.as_str());
        }
        Ok(Some(dto))
    }
}

async fn run(args: Args) -> Result<(), BoxError> {
    let ip = args.ip.clone().map(IpAddress::new).transpose()?;
    let key_file = KeyFile::new(&args.key_file);
    let registrar = Client::new(&args.core_http_url)?;
    let (identity, origin) = match key_file
        .load_or_register(&registrar, args.registration(ip.as_ref())?)
        .await
    {
        Err(e @ AgentError::NoRegistration(_)) => {
            return Err(format!("{e} (NODE_CODE or --code-file, and NODE_IP)").into());
        }
        other => other?,
    };
    let how = match origin {
        Origin::Loaded => "key loaded from",
        Origin::Registered => "registered, key saved to",
    };
    // The node id is Core's (a number or a string): shown escaped. The key is never shown.
    println!(
        "node {}: {how} {}",
        Escaped::new(&identity.node_id.to_string()),
        args.key_file.display()
    );

    let channel = agent::connect(
        &args.core_grpc_url,
        agent::ChannelSecurity::from_insecure_flag(args.insecure),
        args.ca_file.as_deref(),
    )
    .await?;
    let client = CoreClient::new(channel, identity.auth_key)?.with_key_in_field(args.key_in_field);
    let node = FileNode::new(&args.config_file).usage_file(args.usage_file.clone());
    let mut agent = Agent::new(client, node).with_ip(ip);
    let interval = Duration::from_secs(args.interval);
    let cycles = (args.cycles > 0).then_some(args.cycles);
    match agent
        .run(interval, cycles, |cycle| println!("{cycle}"))
        .await
    {
        Err(e @ AgentError::Refused(_)) => {
            Err(format!("{e} (the stale key is in {})", args.key_file.display()).into())
        }
        other => Ok(other?),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = tokio::select! {
        result = run(Args::parse()) => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The error may quote Core's answer: shown escaped, on one line.
            eprintln!(
                "node-agent: {}",
                Escaped::new(&e.to_string()).max_chars(2048)
            );
            ExitCode::FAILURE
        }
    }
}
