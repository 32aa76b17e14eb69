//! A client of the kernel's core.yaml API: status, protocols, users and traffic, then it
//! follows `/v1/events/stream` (or `/v1/events/ws` with `--websocket`), reconnecting when the
//! connection drops.
//!
//! ```sh
//! KERNEL_SECRET_KEY=panel-secret cargo run -p nodewire-examples --bin kernel-client -- \
//!     --url http://127.0.0.1:23860 --access-key panel [status|protocols|users|traffic|follow|all]
//! ```

use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use futures_util::StreamExt;
use nodewire_common::client::{Client, Reconnecting, Update};
use nodewire_common::server::Escaped;
use nodewire_examples::secrets::secret_from;
use nodewire_kernel::auth::{Credentials, redact_secrets};
use nodewire_kernel::endpoints::{
    EventsStream, EventsWs, GetStatus, GetTraffic, ListProtocols, ListUsers,
};
use nodewire_kernel::streams::EventEnvelope;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Command {
    /// GET /v1/status.
    Status,
    /// GET /v1/protocols.
    Protocols,
    /// GET /v1/users.
    Users,
    /// GET /v1/traffic.
    Traffic,
    /// Follow GET /v1/events/stream until interrupted.
    Follow,
    /// Everything above, in order.
    All,
}

/// Query a zero-net-panel kernel.
#[derive(Parser)]
struct Args {
    /// The kernel's API base URL.
    #[arg(long, default_value = nodewire_kernel::DEFAULT_BASE_URL)]
    url: String,
    /// Basic auth access key (the node's control_access_key).
    #[arg(long, env = "KERNEL_ACCESS_KEY")]
    access_key: Option<String>,
    /// Basic auth secret key (the node's control_secret_key). A secret: prefer the environment
    /// variable or --secret-key-file, since command-line arguments show in `ps`.
    #[arg(long, env = "KERNEL_SECRET_KEY", hide_env_values = true)]
    secret_key: Option<String>,
    /// Read the Basic auth secret key from this file.
    #[arg(long, value_name = "PATH")]
    secret_key_file: Option<PathBuf>,
    /// The node's control_token, used when no access and secret key are given. A secret:
    /// prefer the environment variable or --control-token-file, since command-line arguments
    /// show in `ps`.
    #[arg(long, env = "KERNEL_CONTROL_TOKEN", hide_env_values = true)]
    control_token: Option<String>,
    /// Read the control token from this file.
    #[arg(long, value_name = "PATH")]
    control_token_file: Option<PathBuf>,
    /// `events=` filter of the stream (node,service,runtime).
    #[arg(long)]
    events: Option<String>,
    /// Follow the WebSocket route instead of the SSE one.
    #[arg(long)]
    websocket: bool,
    /// What to do.
    #[arg(value_enum, default_value = "all")]
    command: Command,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let secret_key = secret_from(args.secret_key, args.secret_key_file.as_deref())?;
    let token = secret_from(args.control_token, args.control_token_file.as_deref())?;
    let credentials = Credentials::resolve(
        args.access_key.as_deref(),
        secret_key.as_ref(),
        token.as_ref(),
    );
    let mut client = Client::new(&args.url)?;
    if let Some(auth) = credentials.authorization() {
        client = client.with_header("authorization", auth)?;
    }
    let all = args.command == Command::All;
    let width = 400;
    if all || args.command == Command::Status {
        println!("-- status");
        let status = nodewire_examples::exchange(&client, &GetStatus::default(), width).await??;
        for node in status.body.snapshot.nodes.unwrap_or_default() {
            let health = node.health.and_then(|h| h.status);
            // Everything the kernel sends is escaped before it reaches the terminal.
            println!(
                "   {} ({}, {}): {}",
                Escaped::new(&node.id.unwrap_or_default()),
                Escaped::new(&node.role.map(|r| r.to_string()).unwrap_or_default()),
                Escaped::new(&node.protocol.unwrap_or_default()),
                Escaped::new(&health.map_or("-".to_owned(), |h| h.to_string()))
            );
        }
    }
    if all || args.command == Command::Protocols {
        println!("-- protocols");
        nodewire_examples::exchange(&client, &ListProtocols, width).await??;
    }
    if all || args.command == Command::Users {
        println!("-- users");
        nodewire_examples::exchange(&client, &ListUsers::default(), width).await??;
    }
    if all || args.command == Command::Traffic {
        println!("-- traffic");
        nodewire_examples::exchange(&client, &GetTraffic::default(), width).await??;
    }
    if all || args.command == Command::Follow {
        if args.websocket {
            println!("-- following /v1/events/ws (Ctrl-C to stop)");
            let call = EventsWs {
                events: args.events,
            };
            follow(Reconnecting::new(client, call), |event| event).await;
        } else {
            println!("-- following /v1/events/stream (Ctrl-C to stop)");
            let call = EventsStream {
                events: args.events,
            };
            follow(Reconnecting::new(client, call), |event| event.data).await;
        }
    }
    Ok(())
}

/// Prints a followed stream's events until Ctrl-C or a refusal.
async fn follow<S, T, E>(mut stream: S, envelope: impl Fn(T) -> EventEnvelope)
where
    S: futures_util::Stream<Item = Result<Update<T>, E>> + Unpin,
    E: std::fmt::Display,
{
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            next = stream.next() => match next {
                Some(Ok(Update::Item(item))) => {
                    let event = envelope(item);
                    let mut payload = serde_json::to_value(&event.payload).unwrap_or_default();
                    redact_secrets(&mut payload);
                    println!(
                        "{}  id={} at={}  {}",
                        Escaped::new(event.event.as_str()),
                        Escaped::new(event.event_id.as_deref().unwrap_or("-")),
                        event.occurred_at_ms.unwrap_or(0),
                        Escaped::new(&payload.to_string())
                    );
                }
                Some(Ok(Update::Connected)) => eprintln!("connected"),
                Some(Ok(Update::Disconnected { reason, retry_in })) => {
                    let reason = reason.to_string();
                    eprintln!("disconnected ({}); again in {retry_in:?}", Escaped::new(&reason));
                }
                Some(Ok(Update::Skipped(e))) => {
                    eprintln!("bad event: {}", Escaped::new(&e.to_string()));
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    eprintln!("the kernel refused the stream: {}", Escaped::new(&e.to_string()));
                    break;
                }
                None => break,
            },
        }
    }
}
