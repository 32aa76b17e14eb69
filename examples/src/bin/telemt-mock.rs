//! An in-memory telemt `/v1` API server (`nodewire_telemt::mock`) on loopback.
//!
//! ```sh
//! cargo run -p nodewire-examples --bin telemt-mock -- --listen 127.0.0.1:9091 --auth "Bearer s3cret" --user alice
//! ```

use clap::Parser;
use nodewire_common::Secret;
use nodewire_telemt::mock::{GrayAction, MockConfig, MockTelemt};

/// Serve a mock telemt control API.
#[derive(Parser)]
struct Args {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:9091")]
    listen: std::net::SocketAddr,
    /// The exact Authorization header value to require (TELEMT_AUTH); none when empty.
    #[arg(long, env = "TELEMT_AUTH", default_value = "", hide_env_values = true)]
    auth: String,
    /// Allowed source networks (repeatable); default 127.0.0.0/8 as telemt. `--whitelist ''` allows all.
    #[arg(long)]
    whitelist: Vec<String>,
    /// What to do with other peers: api (403), 200 (empty page) or drop (close).
    #[arg(long, default_value = "drop")]
    gray_action: String,
    /// Refuse every mutating route with 403 read_only.
    #[arg(long)]
    read_only: bool,
    /// Request body limit in bytes.
    #[arg(long, default_value_t = 65536)]
    body_limit: usize,
    /// The telemt release to answer as (3.4.11 … 3.4.25): newer routes answer 404, newer
    /// user fields are left out.
    #[arg(long, default_value = nodewire_telemt::UPSTREAM_VERSION)]
    release: nodewire_common::version::Release,
    /// Initial users (repeatable); default `alice`.
    #[arg(long = "user")]
    users: Vec<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mut config = MockConfig {
        auth_header: Secret::new(args.auth),
        read_only: args.read_only,
        body_limit: args.body_limit,
        gray_action: match args.gray_action.as_str() {
            "api" => GrayAction::Api,
            "200" => GrayAction::Ok200,
            "drop" => GrayAction::Drop,
            other => {
                return Err(format!("--gray-action must be api, 200 or drop, not {other}").into());
            }
        },
        release: args.release,
        ..MockConfig::default()
    };
    if !args.whitelist.is_empty() {
        config.whitelist = args
            .whitelist
            .iter()
            .filter(|w| !w.is_empty())
            .map(|w| w.parse())
            .collect::<Result<_, _>>()?;
    }
    config.public_port = args.listen.port();
    let users: Vec<&str> = if args.users.is_empty() {
        vec!["alice"]
    } else {
        args.users.iter().map(String::as_str).collect()
    };
    let mock = MockTelemt::new(config, &users);
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    eprintln!("telemt mock listening on http://{}", listener.local_addr()?);
    nodewire_examples::telemt::serve_mock(listener, mock, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
