//! [`Telemt::client`]: the HTTP client for a telemt API, with its `Authorization` value, in one
//! call (feature `client`).

use nodewire_common::client::Client;
use nodewire_common::{IntoRequestError, Secret};

use crate::{AUTH_HEADER, Telemt};

#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
impl Telemt {
    /// A client for the telemt API at `base_url` (scheme, host and port:
    /// `http://127.0.0.1:9091`; the routes carry `/v1`) that sends `auth` as the
    /// `Authorization` header ([`AUTH_HEADER`], marked sensitive) with every call.
    ///
    /// `auth` is `[server.api].auth_header` as configured, sent byte for byte (telemt parses
    /// no scheme: a server configured with `"Bearer X"` expects `Bearer X`), or `None` for a
    /// server without one. The base URL is checked now ([`IntoRequestError::BaseUrl`]), and
    /// a value the server could never match (empty, or not visible ASCII) is refused
    /// ([`IntoRequestError::Invalid`], without the value): pass `None` for a server without
    /// `auth_header`.
    ///
    /// Every protocol crate has the same constructor: `NodePass::client(base, key)`,
    /// `Kernel::client(base_url, credentials)`, `Dash::client(base_url, node_key)`,
    /// `Core::client(base_url, key)`.
    ///
    /// ```
    /// use nodewire_common::Secret;
    /// use nodewire_telemt::Telemt;
    ///
    /// let client = Telemt::client("http://127.0.0.1:9091", Secret::new("Bearer s3cret"))?;
    /// assert!(client.header("authorization").is_some_and(|v| v.is_sensitive()));
    /// // A telemt without `auth_header`.
    /// let open = Telemt::client("http://127.0.0.1:9091", None)?;
    /// assert!(open.header("authorization").is_none());
    /// # Ok::<(), nodewire_common::IntoRequestError>(())
    /// ```
    pub fn client(
        base_url: impl Into<String>,
        auth: impl Into<Option<Secret>>,
    ) -> Result<Client, IntoRequestError> {
        Client::authenticated(base_url, AUTH_HEADER, auth.into())
    }
}
