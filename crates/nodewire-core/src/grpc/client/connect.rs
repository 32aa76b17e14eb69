//! [`CoreClient::connect`]: a tonic channel to Core's gRPC service from a URL, and the client
//! over it presenting the node's key, in one call.

use std::time::Duration;

use nodewire_common::Secret;
use tonic::transport::{Channel, Endpoint};

use super::CoreClient;
use crate::auth::{self, InvalidKey};

/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one call may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Why [`CoreClient::connect`] could not give a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The URL is not one a gRPC channel can use.
    #[error("Core's gRPC URL `{url}`: {reason}")]
    Url {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An `https://` URL, and this build has no TLS (enable feature `rustls`).
    #[error(
        "Core's gRPC URL `{url}` asks for TLS, and nodewire-core was built without it: enable \
         its `rustls` feature, or use `http://` for a plaintext Core"
    )]
    TlsNotEnabled {
        /// The URL as given.
        url: String,
    },
    /// The key cannot travel in metadata.
    #[error(transparent)]
    InvalidKey(#[from] InvalidKey),
    /// Setting up the channel or connecting failed.
    #[error("connecting to Core's gRPC service: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// The channel settings for Core's gRPC service at `url`: `http://host:port` for plaintext,
/// `https://host:port` for TLS with the web PKI roots (feature `rustls`), with
/// [`CONNECT_TIMEOUT`] and [`CALL_TIMEOUT`]. The URL needs a scheme and a host, and no path,
/// query or fragment: calls go to `/nodeservice.NodeService/…` on the host.
///
/// For another trust store (a private CA), start from this endpoint and set
/// `tls_config` (`nodewire_core::grpc::ClientTlsConfig`).
///
/// ```
/// use nodewire_core::grpc::client::endpoint;
/// let plain = endpoint("http://core.example:3002")?;
/// assert_eq!(plain.uri().to_string(), "http://core.example:3002/");
/// let err = endpoint("core.example:3002").unwrap_err();
/// assert!(err.to_string().contains("http://core.example:3002"), "{err}");
/// # Ok::<(), nodewire_core::grpc::client::ConnectError>(())
/// ```
pub fn endpoint(url: &str) -> Result<Endpoint, ConnectError> {
    let refuse = |reason: String| ConnectError::Url {
        url: url.to_owned(),
        reason,
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(refuse(format!(
            "no scheme: write `http://{url}` for a plaintext Core, `https://{url}` for TLS"
        )));
    };
    let tls = match scheme.to_ascii_lowercase().as_str() {
        "http" => false,
        "https" => true,
        _ => {
            return Err(refuse(format!(
                "the scheme `{scheme}` is neither `http` (plaintext) nor `https` (TLS)"
            )));
        }
    };
    let uri: http::Uri = url
        .parse()
        .map_err(|e: http::uri::InvalidUri| refuse(e.to_string()))?;
    if uri.host().is_none_or(str::is_empty) {
        return Err(refuse("no host".to_owned()));
    }
    let path_and_more = rest
        .find(['/', '?', '#'])
        .map_or("", |i| rest.get(i..).unwrap_or(""));
    if !path_and_more.is_empty() && path_and_more != "/" {
        return Err(refuse(format!(
            "`{path_and_more}` is not used: gRPC calls go to `/nodeservice.NodeService/…` on \
             the host; give only the scheme, host and port"
        )));
    }
    let endpoint = Endpoint::from(uri)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(CALL_TIMEOUT);
    if tls {
        with_tls(endpoint, url)
    } else {
        Ok(endpoint)
    }
}

#[cfg(feature = "rustls")]
fn with_tls(endpoint: Endpoint, _url: &str) -> Result<Endpoint, ConnectError> {
    let tls = tonic::transport::ClientTlsConfig::new().with_webpki_roots();
    Ok(endpoint.tls_config(tls)?)
}

#[cfg(not(feature = "rustls"))]
fn with_tls(_endpoint: Endpoint, url: &str) -> Result<Endpoint, ConnectError> {
    Err(ConnectError::TlsNotEnabled {
        url: url.to_owned(),
    })
}

#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
impl CoreClient<Channel> {
    /// Connects to Core's gRPC service at `url` ([`endpoint`]: `http://core.example:3002`
    /// plaintext, `https://…` TLS with feature `rustls`) and returns a client that presents
    /// `key` as `x-node-auth-key` metadata (marked sensitive) on every call, as Core expects
    /// (see [`auth`]; [`with_key_in_field`](CoreClient::with_key_in_field) adds
    /// the `authKey` field for Cores that read only that).
    ///
    /// The key is checked before anything is sent ([`ConnectError::InvalidKey`]); a Core that
    /// cannot be reached within [`CONNECT_TIMEOUT`] is [`ConnectError::Transport`]. For a
    /// custom channel (another trust store, a Unix socket), build it and use
    /// [`CoreClient::new`].
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use nodewire_common::Secret;
    /// use nodewire_core::grpc::Code;
    /// use nodewire_core::grpc::client::CoreClient;
    /// use nodewire_core::heartbeat::NodeHeartbeatDto;
    ///
    /// let mut core = CoreClient::connect("http://127.0.0.1:3002", Secret::new("k-7f3a9c")).await?;
    /// match core.heartbeat(&NodeHeartbeatDto::default().revision(3)).await {
    ///     Ok(beat) => println!("sync needed: {}", beat.need_sync),
    ///     Err(e) if e.code() == Some(Code::Unauthenticated) => println!("the key was revoked"),
    ///     Err(e) => return Err(e.into()),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str, key: Secret) -> Result<Self, ConnectError> {
        auth::header_value(&key)?;
        let channel = endpoint(url)?.connect().await?;
        Ok(Self::new(channel, key)?)
    }

    /// [`connect`](Self::connect) without waiting: the channel connects on the first call
    /// (and reconnects after a failure), so a node can start before Core is up. Needs a tokio
    /// runtime.
    pub fn connect_lazy(url: &str, key: Secret) -> Result<Self, ConnectError> {
        auth::header_value(&key)?;
        let channel = endpoint(url)?.connect_lazy();
        Ok(Self::new(channel, key)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_need_a_scheme_and_a_host_only() {
        for (url, expected) in [
            ("http://core.example:3002", "http://core.example:3002/"),
            ("http://core.example:3002/", "http://core.example:3002/"),
            ("HTTP://127.0.0.1:3002", "http://127.0.0.1:3002/"),
            ("http://[::1]:3002", "http://[::1]:3002/"),
        ] {
            assert_eq!(endpoint(url).unwrap().uri().to_string(), expected, "{url}");
        }
        for (url, hint) in [
            ("core.example:3002", "no scheme"),
            ("grpc://core.example:3002", "neither `http`"),
            ("http://", "http://"),
            ("http://core.example:3002/api", "`/api` is not used"),
            ("http://core.example:3002?x=1", "`?x=1` is not used"),
            ("http://core example:3002", "core example"),
        ] {
            let err = endpoint(url).unwrap_err();
            assert!(matches!(err, ConnectError::Url { .. }), "{url}: {err:?}");
            assert!(err.to_string().contains(hint), "{url}: {err}");
        }
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn https_is_tls() {
        let tls = endpoint("https://core.example:443").unwrap();
        assert_eq!(tls.uri().scheme_str(), Some("https"));
    }

    #[cfg(not(feature = "rustls"))]
    #[test]
    fn https_without_tls_says_which_feature() {
        let err = endpoint("https://core.example:443").unwrap_err();
        assert!(err.to_string().contains("`rustls` feature"), "{err}");
    }

    #[tokio::test]
    async fn a_bad_key_is_refused_before_connecting() {
        // Nothing listens on port 9 of the test machine; the key is refused first.
        let err = CoreClient::connect("http://127.0.0.1:9", Secret::new("bad key"))
            .await
            .unwrap_err();
        assert!(matches!(err, ConnectError::InvalidKey(_)), "{err:?}");
        assert!(!err.to_string().contains("bad key"), "{err}");
    }

    #[tokio::test]
    async fn an_unreachable_core_is_a_transport_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let err = CoreClient::connect(&format!("http://127.0.0.1:{port}"), Secret::new("k"))
            .await
            .unwrap_err();
        assert!(matches!(err, ConnectError::Transport(_)), "{err:?}");
    }
}
