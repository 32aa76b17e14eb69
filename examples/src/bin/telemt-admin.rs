//! Manage the users of a telemt proxy through its `/v1` API.
//!
//! ```sh
//! export TELEMT_URL=http://127.0.0.1:9091 TELEMT_AUTH="Bearer s3cret"
//! telemt-admin health
//! telemt-admin create bob --quota 1073741824
//! telemt-admin patch bob '{"data_quota_bytes": null, "max_tcp_conns": 8}'
//! telemt-admin rotate-secret bob
//! telemt-admin delete bob --if-match <revision>
//! ```

use std::num::NonZeroU64;

use clap::{Parser, Subcommand};
use nodewire_common::client::Client;
use nodewire_common::server::Escaped;
use nodewire_examples::secrets::secret_from;
use nodewire_telemt::endpoints::*;
use nodewire_telemt::users::{
    CreateUserRequest, Expiration, PatchUserRequest, UserSecret, Username,
};
use nodewire_telemt::{Revision, Success};
use serde::Serialize;

/// telemt user administration.
#[derive(Parser)]
struct Args {
    /// The API base URL.
    #[arg(long, env = "TELEMT_URL", default_value = "http://127.0.0.1:9091")]
    url: String,
    /// The Authorization header value, exactly as configured in `[server.api].auth_header`; a
    /// secret: prefer the environment variable or --auth-file, since command-line arguments
    /// show in `ps`.
    #[arg(long, env = "TELEMT_AUTH", hide_env_values = true)]
    auth: Option<String>,
    /// Read the Authorization header value from this file (its trailing line break dropped).
    #[arg(long, value_name = "PATH")]
    auth_file: Option<std::path::PathBuf>,
    /// Make a write conditional on this config revision (If-Match).
    #[arg(long, global = true)]
    if_match: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Liveness and readiness.
    Health,
    /// List users.
    List,
    /// Show one user.
    Get { user: String },
    /// Create a user.
    Create {
        user: String,
        /// 32 hex digits; generated when absent.
        #[arg(long)]
        secret: Option<String>,
        /// Quota in bytes.
        #[arg(long)]
        quota: Option<u64>,
        /// TCP connection limit.
        #[arg(long)]
        max_tcp_conns: Option<u64>,
        /// Unique IP limit.
        #[arg(long)]
        max_unique_ips: Option<u64>,
        /// Expiration (RFC 3339).
        #[arg(long)]
        expires: Option<String>,
        /// Upload limit in bytes/s (never 0).
        #[arg(long)]
        rate_up: Option<NonZeroU64>,
        /// Download limit in bytes/s (never 0).
        #[arg(long)]
        rate_down: Option<NonZeroU64>,
        /// Create the user disabled.
        #[arg(long)]
        disabled: bool,
    },
    /// Apply a JSON Merge Patch (null removes a per-user setting).
    Patch { user: String, json: String },
    /// Rotate the secret (generated unless given).
    RotateSecret {
        user: String,
        #[arg(long)]
        secret: Option<String>,
    },
    /// Reset the traffic quota counter.
    ResetQuota { user: String },
    /// Enable a user.
    Enable { user: String },
    /// Disable a user (cancels live sessions).
    Disable { user: String },
    /// Delete a user.
    Delete { user: String },
}

#[derive(Serialize)]
struct Printed<T> {
    status: u16,
    revision: Revision,
    data: T,
}

fn print<T: Serialize>(s: Success<T>) -> Result<(), Box<dyn std::error::Error>> {
    let printed = Printed {
        status: s.status.as_u16(),
        revision: s.revision,
        data: s.data,
    };
    println!("{}", serde_json::to_string_pretty(&printed)?);
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The error may quote the server's answer: nothing from it reaches the terminal raw.
            eprintln!("telemt-admin: {}", Escaped::new(&e.to_string()));
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut client = Client::new(&args.url)?;
    if let Some(auth) = secret_from(args.auth, args.auth_file.as_deref())? {
        client = client.with_header("authorization", auth)?;
    }
    // Which release answers decides which routes and fields exist; every release reports it.
    nodewire_telemt::system::detect_release(&client).await?;
    let rev = args.if_match.map(Revision::new);
    let name = |u: &str| Username::new(u);
    match args.command {
        Command::Health => {
            print(client.send(&GetHealth).await?)?;
            print(client.send(&GetHealthReady).await?)?;
        }
        Command::List => print(client.send(&ListUsers).await?)?,
        Command::Get { user } => print(client.send(&GetUser::new(name(&user)?)).await?)?,
        Command::Create {
            user,
            secret,
            quota,
            max_tcp_conns,
            max_unique_ips,
            expires,
            rate_up,
            rate_down,
            disabled,
        } => {
            let mut body = CreateUserRequest::new(name(&user)?);
            if let Some(s) = secret {
                body = body.secret(UserSecret::new(s)?);
            }
            if let Some(q) = quota {
                body = body.data_quota_bytes(q);
            }
            if let Some(n) = max_tcp_conns {
                body = body.max_tcp_conns(n);
            }
            if let Some(n) = max_unique_ips {
                body = body.max_unique_ips(n);
            }
            if let Some(e) = expires {
                body = body.expiration(Expiration::new(e)?);
            }
            if let Some(r) = rate_up {
                body = body.rate_limit_up_bps(r);
            }
            if let Some(r) = rate_down {
                body = body.rate_limit_down_bps(r);
            }
            if disabled {
                body = body.enabled(false);
            }
            let call = CreateUser {
                body,
                if_match: rev,
            };
            print(client.send(&call).await?)?;
        }
        Command::Patch { user, json } => {
            let body: PatchUserRequest = nodewire_common::error::from_slice(json.as_bytes())?;
            let call = PatchUser {
                username: name(&user)?,
                body,
                if_match: rev,
            };
            print(client.send(&call).await?)?;
        }
        Command::RotateSecret { user, secret } => {
            let mut call = RotateSecret::new(name(&user)?);
            if let Some(s) = secret {
                call = call.to(UserSecret::new(s)?);
            }
            call.if_match = rev;
            print(client.send(&call).await?)?;
        }
        Command::ResetQuota { user } => {
            let call = ResetUserQuota {
                username: name(&user)?,
                if_match: rev,
            };
            print(client.send(&call).await?)?;
        }
        Command::Enable { user } => {
            let call = EnableUser {
                username: name(&user)?,
                if_match: rev,
            };
            print(client.send(&call).await?)?;
        }
        Command::Disable { user } => {
            let call = DisableUser {
                username: name(&user)?,
                if_match: rev,
            };
            print(client.send(&call).await?)?;
        }
        Command::Delete { user } => {
            let call = DeleteUser {
                username: name(&user)?,
                if_match: rev,
            };
            print(client.send(&call).await?)?;
        }
    }
    Ok(())
}
