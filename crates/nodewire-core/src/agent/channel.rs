//! The gRPC channel to Core (`CORE_GRPC_URL`): TLS by default, plaintext when
//! `CORE_INSECURE=true`.

use std::path::Path;

use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

pub use crate::grpc::client::{CALL_TIMEOUT, CONNECT_TIMEOUT};

use super::{AgentError, FileError};

/// Whether the agent's channel to Core is encrypted (`CORE_INSECURE=true` is
/// [`Plaintext`](Self::Plaintext)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChannelSecurity {
    /// TLS with the web PKI roots (plus a private CA, if given): the default.
    #[default]
    Tls,
    /// No encryption (`CORE_INSECURE=true`): for a Core on the same host or a trusted network.
    Plaintext,
}

impl ChannelSecurity {
    /// The setting for the contract's `CORE_INSECURE` flag: `true` is plaintext.
    pub fn from_insecure_flag(insecure: bool) -> Self {
        if insecure { Self::Plaintext } else { Self::Tls }
    }
}

/// The gRPC endpoint for `url` (`host:port` or a URL): TLS with the web PKI roots plus
/// `ca_file` (a PEM certificate of a private CA), or plaintext. The scheme is the one
/// `security` implies, whatever `url` says (as the contract's agent reads `CORE_GRPC_URL`
/// and `CORE_INSECURE`); [`CoreClient::connect`](crate::grpc::client::CoreClient::connect)
/// instead follows the URL's scheme.
///
/// ```
/// use nodewire_core::agent::{ChannelSecurity, grpc_endpoint};
///
/// let plain = grpc_endpoint("core.example:3002", ChannelSecurity::Plaintext, None)?;
/// assert_eq!(plain.uri().to_string(), "http://core.example:3002/");
/// let tls = grpc_endpoint("http://core.example:3002/", ChannelSecurity::Tls, None)?;
/// assert_eq!(tls.uri().scheme_str(), Some("https"));
/// # Ok::<(), nodewire_core::agent::AgentError>(())
/// ```
pub fn grpc_endpoint(
    url: &str,
    security: ChannelSecurity,
    ca_file: Option<&Path>,
) -> Result<Endpoint, AgentError> {
    let bare = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .trim_end_matches('/');
    let scheme = match security {
        ChannelSecurity::Plaintext => "http",
        ChannelSecurity::Tls => "https",
    };
    let endpoint = Endpoint::from_shared(format!("{scheme}://{bare}"))?
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(CALL_TIMEOUT);
    if security == ChannelSecurity::Plaintext {
        return Ok(endpoint);
    }
    let mut tls = ClientTlsConfig::new().with_webpki_roots();
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|source| FileError::Io {
            path: path.to_owned(),
            source,
        })?;
        tls = tls.ca_certificate(Certificate::from_pem(pem));
    }
    Ok(endpoint.tls_config(tls)?)
}

/// Connects to Core's gRPC service (see [`grpc_endpoint`]).
pub async fn connect(
    url: &str,
    security: ChannelSecurity,
    ca_file: Option<&Path>,
) -> Result<Channel, AgentError> {
    Ok(grpc_endpoint(url, security, ca_file)?.connect().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_decides_the_scheme() {
        use ChannelSecurity::{Plaintext, Tls};
        for (url, security, expected) in [
            ("127.0.0.1:3002", Plaintext, "http://127.0.0.1:3002/"),
            (
                "https://core.example:443/",
                Plaintext,
                "http://core.example:443/",
            ),
            ("core.example:3002", Tls, "https://core.example:3002/"),
            ("http://core.example", Tls, "https://core.example/"),
        ] {
            let endpoint = grpc_endpoint(url, security, None).unwrap();
            assert_eq!(endpoint.uri().to_string(), expected, "{url}");
        }
    }

    #[test]
    fn a_missing_ca_file_is_an_error_naming_it() {
        let path = Path::new("/nonexistent/nodewire-core-ca.pem");
        let err = grpc_endpoint("core.example:3002", ChannelSecurity::Tls, Some(path)).unwrap_err();
        assert!(
            matches!(&err, AgentError::File(FileError::Io { path: p, .. }) if p == path),
            "{err:?}"
        );
        // Plaintext needs no certificate and does not read it.
        assert!(grpc_endpoint("core.example:3002", ChannelSecurity::Plaintext, Some(path)).is_ok());
    }

    #[test]
    fn an_address_that_is_no_uri_is_an_error() {
        let err = grpc_endpoint("core example:3002", ChannelSecurity::Plaintext, None).unwrap_err();
        assert!(matches!(err, AgentError::Channel(_)), "{err:?}");
    }

    #[test]
    fn the_insecure_flag_names_plaintext() {
        assert_eq!(
            ChannelSecurity::from_insecure_flag(true),
            ChannelSecurity::Plaintext
        );
        assert_eq!(
            ChannelSecurity::from_insecure_flag(false),
            ChannelSecurity::Tls
        );
        assert_eq!(ChannelSecurity::default(), ChannelSecurity::Tls);
    }
}
