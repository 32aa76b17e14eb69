//! [`Dash::client`]: an agent's HTTP client for a Dash, with the node's key, in one call
//! (feature `client`).

use nodewire_common::client::Client;
use nodewire_common::{IntoRequestError, Secret};

use crate::{AUTH_HEADER, Dash};

#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
impl Dash {
    /// An agent's client for the Dash at `base_url` (scheme, host, port and any path in
    /// front of `/api/node/…`: `https://dash.example`) that sends the node's key as
    /// `X-Node-Secret` ([`AUTH_HEADER`], marked sensitive) with every push.
    ///
    /// The push endpoints carry a key of their own
    /// ([`PushMetrics::new`](crate::endpoints::PushMetrics::new) and the others); the client's
    /// replaces it, so every call from this client presents `node_key`. An agent configured
    /// with a full target URL (path and query of its own) uses
    /// [`Target::request`](crate::target::Target::request) and `Client::send_raw` instead.
    ///
    /// The base URL is checked now ([`IntoRequestError::BaseUrl`]); a key that cannot travel
    /// in a header is [`IntoRequestError::Invalid`] (without the key). `https://` needs the
    /// `rustls` feature.
    ///
    /// Every protocol crate has the same constructor: `Telemt::client(base_url, auth)`,
    /// `NodePass::client(base, key)`, `Kernel::client(base_url, credentials)`,
    /// `Core::client(base_url, key)`.
    ///
    /// ```
    /// use nodewire_common::Secret;
    /// use nodewire_dash::Dash;
    ///
    /// let client = Dash::client("http://127.0.0.1:8080", Secret::new("node-key"))?;
    /// assert!(client.header("x-node-secret").is_some_and(|v| v.is_sensitive()));
    /// // let answer = client.send(&PushMetrics::new(key, report)).await?;
    /// # Ok::<(), nodewire_common::IntoRequestError>(())
    /// ```
    pub fn client(
        base_url: impl Into<String>,
        node_key: Secret,
    ) -> Result<Client, IntoRequestError> {
        Client::authenticated(base_url, AUTH_HEADER, Some(node_key))
    }
}

#[cfg(test)]
mod tests {
    use nodewire_common::Endpoint;

    use super::*;
    use crate::endpoints::FetchIdentity;

    /// The client's base and an endpoint's own request agree on where the routes are.
    #[test]
    fn the_endpoints_target_the_clients_base() {
        let client = Dash::client("https://dash.example:8443/x", Secret::new("k-1")).unwrap();
        let request = FetchIdentity::new(Secret::new("k-1"))
            .try_into_http_request(client.base_url())
            .unwrap();
        assert_eq!(
            request.uri(),
            "https://dash.example:8443/x/api/node/identity"
        );
    }
}
