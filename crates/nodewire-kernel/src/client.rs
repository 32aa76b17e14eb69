//! [`Kernel::client`]: the HTTP client for a kernel, with its credentials, in one call (feature
//! `client`).

use nodewire_common::IntoRequestError;
use nodewire_common::client::Client;

use crate::auth::Credentials;
use crate::{AUTH_HEADER, Kernel};

#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
impl Kernel {
    /// A client for the kernel at `base_url` (scheme, host and port:
    /// [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL) is `http://127.0.0.1:23860`) that sends
    /// `credentials` as the `Authorization` header ([`AUTH_HEADER`], marked sensitive) with
    /// every call: HTTP Basic from the access and secret keys ([`Credentials::basic`]), the
    /// panel's control token ([`Credentials::control_token`]), either one as
    /// [`Credentials::resolve`] picks it, or nothing for [`Credentials::None`] (a kernel with
    /// `api.auth.allow_insecure`); by value or by reference. The
    /// client also follows the kernel's SSE and WebSocket routes with
    /// [`Client::stream`](nodewire_common::client::Client::stream), with the same header.
    ///
    /// The base URL is checked now ([`IntoRequestError::BaseUrl`]); credentials that cannot
    /// travel in a header are [`IntoRequestError::Invalid`] (without the value).
    ///
    /// Every protocol crate has the same constructor: `Telemt::client(base_url, auth)`,
    /// `NodePass::client(base, key)`, `Dash::client(base_url, node_key)`,
    /// `Core::client(base_url, key)`.
    ///
    /// ```
    /// use nodewire_kernel::Kernel;
    /// use nodewire_kernel::auth::Credentials;
    ///
    /// let client = Kernel::client(nodewire_kernel::DEFAULT_BASE_URL, Credentials::basic("panel", "s3cret"))?;
    /// let value = client.header("authorization").expect("set");
    /// assert!(value.is_sensitive());
    /// assert_eq!(value.as_bytes(), b"Basic cGFuZWw6czNjcmV0");
    /// # Ok::<(), nodewire_common::IntoRequestError>(())
    /// ```
    pub fn client(
        base_url: impl Into<String>,
        credentials: impl Into<Credentials>,
    ) -> Result<Client, IntoRequestError> {
        Client::authenticated(base_url, AUTH_HEADER, credentials.into().authorization())
    }
}
