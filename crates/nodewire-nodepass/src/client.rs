//! [`NodePass::client`]: the HTTP client for a master, with its API key, in one call
//! (feature `client`).

use nodewire_common::client::Client;
use nodewire_common::{IntoRequestError, Secret};

use crate::url::MasterUrl;
use crate::{AUTH_HEADER, NodePass};

/// Where [`NodePass::client`] sends its calls: the API base URL as panels store it
/// (`http://host:9090/api/v1`: scheme, host, port, prefix and `/v1`), or a master URL (a
/// [`MasterUrl`], or text starting with `master://`), whose
/// [`base_url`](MasterUrl::base_url) it is.
pub trait ApiBase {
    /// The API base URL, or why there is none (a master URL with no host to call).
    fn api_base_url(&self) -> Result<String, IntoRequestError>;
}

impl ApiBase for str {
    fn api_base_url(&self) -> Result<String, IntoRequestError> {
        let is_master = self
            .get(..9)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("master://"));
        if !is_master {
            return Ok(self.to_owned());
        }
        let master = MasterUrl::parse(self).map_err(|e| IntoRequestError::BaseUrl {
            url: self.to_owned(),
            reason: e.to_string(),
        })?;
        master.base_url().map_err(|e| IntoRequestError::BaseUrl {
            url: self.to_owned(),
            reason: e.to_string(),
        })
    }
}

impl ApiBase for String {
    fn api_base_url(&self) -> Result<String, IntoRequestError> {
        self.as_str().api_base_url()
    }
}

impl ApiBase for MasterUrl {
    fn api_base_url(&self) -> Result<String, IntoRequestError> {
        self.base_url().map_err(|e| IntoRequestError::BaseUrl {
            url: format!("master://{}{}", self.listen(), self.prefix()),
            reason: e.to_string(),
        })
    }
}

impl<T: ApiBase + ?Sized> ApiBase for &T {
    fn api_base_url(&self) -> Result<String, IntoRequestError> {
        (**self).api_base_url()
    }
}

impl NodePass {
    /// A client for the master at `base` that sends `key` as `X-API-Key`
    /// ([`AUTH_HEADER`], marked sensitive) with every call: the API base URL
    /// (`http://host:9090/api/v1`) or the master's URL (a [`MasterUrl`], or its
    /// `master://…` text), see [`ApiBase`].
    ///
    /// The base URL is checked now: an absolute `http://` or `https://` URL with no query
    /// ([`IntoRequestError::BaseUrl`] otherwise), and a master URL must name a host to call
    /// (`master://:9090` listens on every address: give
    /// [`MasterUrl::base_url_at`]`(host)` instead). A master with `tls=1` presents a
    /// self-signed certificate: `https://` needs `nodewire-common`'s `rustls` feature, and a
    /// `reqwest::Client` that trusts the certificate
    /// ([`Client::with_http_client`], then
    /// [`with_header`](Client::with_header)`(AUTH_HEADER, key)`).
    ///
    /// Every protocol crate has the same constructor: `Telemt::client(base_url, auth)`,
    /// `Kernel::client(base_url, credentials)`, `Dash::client(base_url, node_key)`,
    /// `Core::client(base_url, key)`.
    ///
    /// ```
    /// use nodewire_common::Secret;
    /// use nodewire_nodepass::NodePass;
    /// use nodewire_nodepass::url::MasterUrl;
    ///
    /// let master = MasterUrl::parse("master://127.0.0.1:9090?log=info")?;
    /// let client = NodePass::client(&master, Secret::new("0123456789abcdef0123456789abcdef"))?;
    /// assert_eq!(client.base_url(), "http://127.0.0.1:9090/api/v1");
    /// assert!(client.header("x-api-key").is_some_and(|v| v.is_sensitive()));
    ///
    /// // A master on every address: say which host to reach.
    /// let everywhere = MasterUrl::parse("master://:9090/admin")?;
    /// let err = NodePass::client(&everywhere, Secret::new("k")).unwrap_err();
    /// assert!(err.to_string().contains("base_url_at"), "{err}");
    /// let client = NodePass::client(everywhere.base_url_at("10.0.0.2")?, Secret::new("k"))?;
    /// assert_eq!(client.base_url(), "http://10.0.0.2:9090/admin/v1");
    ///
    /// // Or the base URL a panel stores, or the master URL as text.
    /// let client = NodePass::client("http://10.0.0.2:9090/api/v1", Secret::new("k"))?;
    /// let same = NodePass::client("master://10.0.0.2:9090", Secret::new("k"))?;
    /// assert_eq!(client.base_url(), same.base_url());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn client(base: impl ApiBase, key: Secret) -> Result<Client, IntoRequestError> {
        Client::authenticated(base.api_base_url()?, AUTH_HEADER, Some(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_master_url_gives_its_base() {
        for (master, base) in [
            ("master://127.0.0.1:9090", "http://127.0.0.1:9090/api/v1"),
            ("master://h:9090/admin/?tls=1", "https://h:9090/admin/v1"),
            ("master://[::1]:9090/api/v1", "http://[::1]:9090/api/v1/v1"),
        ] {
            let m = MasterUrl::parse(master).unwrap();
            let client = NodePass::client(&m, Secret::new("k")).unwrap();
            assert_eq!(client.base_url(), base, "{master}");
            let owned = NodePass::client(m.base_url().unwrap(), Secret::new("k")).unwrap();
            assert_eq!(owned.base_url(), base);
            let text = NodePass::client(master, Secret::new("k")).unwrap();
            assert_eq!(text.base_url(), base);
        }
    }

    #[test]
    fn errors_say_what_to_do() {
        let m = MasterUrl::parse("master://0.0.0.0:9090").unwrap();
        let err = NodePass::client(&m, Secret::new("k")).unwrap_err();
        let IntoRequestError::BaseUrl { url, reason } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(url, "master://0.0.0.0:9090/api");
        assert!(reason.contains("every address"), "{reason}");
        assert!(reason.contains("base_url_at(host)"), "{reason}");

        for bad in [
            "127.0.0.1:9090",
            "master://:9090",
            "master://h",
            "http://h:1/api/v1?x=1",
        ] {
            let err = NodePass::client(bad, Secret::new("k")).unwrap_err();
            assert!(
                matches!(err, IntoRequestError::BaseUrl { .. }),
                "{bad}: {err:?}"
            );
        }
        let err = NodePass::client("http://h:1/api/v1", Secret::new("bad\nkey")).unwrap_err();
        assert!(matches!(err, IntoRequestError::Invalid(_)), "{err:?}");
        assert!(!err.to_string().contains("bad\nkey"), "{err}");
    }
}
