//! The flags every example server shares: where it listens and the limits it holds
//! connections to ([`nodewire_common::server::Limits`]).

use std::net::SocketAddr;
use std::time::Duration;

use nodewire_common::server::Limits;

/// The connection limits of an example server, as flags (`#[command(flatten)]`).
#[derive(Debug, Clone, clap::Args)]
pub struct LimitArgs {
    /// Seconds a connection may take to send a request head, from when it opens or from the
    /// previous answer (so also the idle keep-alive timeout).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub header_timeout: f64,
    /// Seconds a request body may go without sending a byte.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub body_timeout: f64,
    /// Connections served at once; more wait in the listen backlog.
    #[arg(long, default_value_t = 256)]
    pub max_connections: usize,
    /// The largest request head (request line and headers), in bytes; larger gets 431.
    #[arg(long, default_value_t = 16 * 1024)]
    pub max_header_bytes: usize,
}

impl LimitArgs {
    /// The limits these flags set (a negative or unreadable number of seconds counts as 0).
    pub fn limits(&self) -> Limits {
        let seconds = |s: f64| Duration::try_from_secs_f64(s).unwrap_or_default();
        Limits::default()
            .header_timeout(seconds(self.header_timeout))
            .body_timeout(seconds(self.body_timeout))
            .max_connections(self.max_connections)
            .max_header_bytes(self.max_header_bytes)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Args {
        #[command(flatten)]
        limits: LimitArgs,
    }

    #[test]
    fn flags_set_the_limits() {
        let args = Args::parse_from(["x", "--header-timeout", "0.5", "--max-connections", "3"]);
        let limits = args.limits.limits();
        assert_eq!(limits.header_timeout, Duration::from_millis(500));
        assert_eq!(limits.max_connections, 3);
        assert_eq!(
            limits,
            Limits::default()
                .header_timeout(Duration::from_millis(500))
                .max_connections(3)
        );
        let args = Args::parse_from(["x", "--body-timeout=-1"]);
        assert_eq!(args.limits.limits().body_timeout, Duration::ZERO);
    }

    #[test]
    fn loopback_unless_public() {
        let public: SocketAddr = ([192, 0, 2, 1], 80).into();
        assert!(listen_address(public, false).is_err());
        assert_eq!(listen_address(public, true), Ok(public));
        let local: SocketAddr = ([127, 0, 0, 1], 80).into();
        assert_eq!(listen_address(local, false), Ok(local));
    }
}
