//! [`Core::client`]: the HTTP client for Core, with the node's key, in one call (feature
//! `client`). The gRPC client is [`CoreClient::connect`](crate::grpc::client::CoreClient::connect).

use nodewire_common::client::Client;
use nodewire_common::{IntoRequestError, Secret};

use crate::{AUTH_HEADER, Core, auth};

#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
impl Core {
    /// A client for Core's HTTP routes at `base_url` (scheme, host and port:
    /// `https://core.example`; the routes carry `/node/…`) that sends the node's `key` as
    /// `x-node-auth-key` ([`AUTH_HEADER`], marked sensitive) with every call, or `None` for a
    /// client that only registers (`POST /node/register` is the one route without a key).
    ///
    /// The base URL is checked now ([`IntoRequestError::BaseUrl`]); a key Core could never
    /// read (empty, or other than visible ASCII) is [`IntoRequestError::Invalid`] (without the
    /// key). `https://` needs feature `rustls`. Over gRPC, the same key goes with
    /// [`CoreClient::connect`](crate::grpc::client::CoreClient::connect).
    ///
    /// Every protocol crate has the same constructor: `Telemt::client(base_url, auth)`,
    /// `NodePass::client(base, key)`, `Kernel::client(base_url, credentials)`,
    /// `Dash::client(base_url, node_key)`.
    ///
    /// ```
    /// use nodewire_common::Secret;
    /// use nodewire_core::Core;
    ///
    /// let register = Core::client("http://127.0.0.1:3000", None)?;
    /// assert!(register.header("x-node-auth-key").is_none());
    /// let node = Core::client("http://127.0.0.1:3000", Secret::new("k-7f3a9c"))?;
    /// assert!(node.header("x-node-auth-key").is_some_and(|v| v.is_sensitive()));
    /// # Ok::<(), nodewire_common::IntoRequestError>(())
    /// ```
    pub fn client(
        base_url: impl Into<String>,
        key: impl Into<Option<Secret>>,
    ) -> Result<Client, IntoRequestError> {
        let key = key.into();
        if let Some(key) = &key {
            auth::header_value(key).map_err(|e| IntoRequestError::Invalid(e.to_string()))?;
        }
        Client::authenticated(base_url, AUTH_HEADER, key)
    }
}
