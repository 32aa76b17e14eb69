//! The gRPC channel to Core (`CORE_GRPC_URL`): TLS by default, plaintext when
//! `CORE_INSECURE=true`.

use std::path::Path;
use std::time::Duration;

use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

use super::{AgentError, FileError};

/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one call may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The gRPC endpoint for `url` (`host:port` or a URL): TLS with the web PKI roots plus
/// `ca_file` (a PEM certificate of a private CA) unless `insecure`, which forces plaintext. The
/// scheme is the one the mode implies, whatever `url` says.
///
/// ```
/// use nodewire_core::agent::grpc_endpoint;
///
/// let plain = grpc_endpoint("core.example:3002", true, None)?;
/// assert_eq!(plain.uri().to_string(), "http://core.example:3002/");
/// let tls = grpc_endpoint("http://core.example:3002/", false, None)?;
/// assert_eq!(tls.uri().scheme_str(), Some("https"));
/// # Ok::<(), nodewire_core::agent::AgentError>(())
/// ```
pub fn grpc_endpoint(
    url: &str,
    insecure: bool,
    ca_file: Option<&Path>,
) -> Result<Endpoint, AgentError> {
    let bare = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .trim_end_matches('/');
    let scheme = if insecure { "http" } else { "https" };
    let endpoint = Endpoint::from_shared(format!("{scheme}://{bare}"))?
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(CALL_TIMEOUT);
    if insecure {
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
    insecure: bool,
    ca_file: Option<&Path>,
) -> Result<Channel, AgentError> {
    Ok(grpc_endpoint(url, insecure, ca_file)?.connect().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_decides_the_scheme() {
        for (url, insecure, expected) in [
            ("127.0.0.1:3002", true, "http://127.0.0.1:3002/"),
            (
                "https://core.example:443/",
                true,
                "http://core.example:443/",
            ),
            ("core.example:3002", false, "https://core.example:3002/"),
            ("http://core.example", false, "https://core.example/"),
        ] {
            let endpoint = grpc_endpoint(url, insecure, None).unwrap();
            assert_eq!(endpoint.uri().to_string(), expected, "{url}");
        }
    }

    #[test]
    fn a_missing_ca_file_is_an_error_naming_it() {
        let path = Path::new("/nonexistent/nodewire-core-ca.pem");
        let err = grpc_endpoint("core.example:3002", false, Some(path)).unwrap_err();
        assert!(
            matches!(&err, AgentError::File(FileError::Io { path: p, .. }) if p == path),
            "{err:?}"
        );
        // Plaintext needs no certificate and does not read it.
        assert!(grpc_endpoint("core.example:3002", true, Some(path)).is_ok());
    }

    #[test]
    fn an_address_that_is_no_uri_is_an_error() {
        let err = grpc_endpoint("core example:3002", true, None).unwrap_err();
        assert!(matches!(err, AgentError::Channel(_)), "{err:?}");
    }
}
