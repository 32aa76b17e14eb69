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

#[cfg(test)]
mod tests {
    use nodewire_common::Secret;

    use super::*;

    #[test]
    fn each_credential_sets_its_header() {
        let credentials = Credentials::basic("panel", "s3cret");
        let basic = Kernel::client("http://127.0.0.1:23860", &credentials).unwrap();
        assert_eq!(credentials.access_key(), "panel");
        let value = basic.header(AUTH_HEADER).unwrap();
        assert_eq!(value.as_bytes(), b"Basic cGFuZWw6czNjcmV0");
        assert!(value.is_sensitive());
        assert!(!format!("{basic:?}").contains("cGFuZWw6czNjcmV0"));

        let token = Kernel::client("http://k:23860", Credentials::control_token("abc")).unwrap();
        let value = token.header(AUTH_HEADER).unwrap();
        assert_eq!(value.as_bytes(), b"Bearer abc");
        assert!(value.is_sensitive());

        let open = Kernel::client("http://k:23860", &Credentials::None).unwrap();
        assert!(open.header(AUTH_HEADER).is_none());
        assert_eq!(open.base_url(), "http://k:23860");
    }

    #[test]
    fn errors_are_clear() {
        let err = Kernel::client("127.0.0.1:23860", &Credentials::None).unwrap_err();
        assert!(matches!(err, IntoRequestError::BaseUrl { .. }), "{err:?}");
        let bad = Credentials::control_token(Secret::new("a\nb"));
        let err = Kernel::client("http://k:23860", &bad).unwrap_err();
        assert!(matches!(err, IntoRequestError::Invalid(_)), "{err:?}");
        assert!(!err.to_string().contains("a\nb"), "{err}");
    }
}
