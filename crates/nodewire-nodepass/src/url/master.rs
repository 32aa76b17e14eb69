//! `master://host:port[/prefix]?log=&tls=&crt=&key=` (contract `nodepass.md` §2).

use super::go::{self, Values};
use super::{TlsCode, UrlError, UrlPart, split_host_port};

/// A master's URL: where it listens, its API prefix, and the settings it passes on to the
/// instances it starts.
///
/// ```
/// use nodewire_nodepass::url::{MasterUrl, TlsCode};
/// let m = MasterUrl::parse("master://0.0.0.0:9090/admin/?log=debug&tls=2&crt=/c.pem&key=/k.pem").unwrap();
/// assert_eq!(m.listen(), "0.0.0.0:9090");
/// assert_eq!(m.api_base(), "/admin/v1");
/// assert_eq!(m.mcp_path(), "/admin/v2");
/// assert_eq!(m.tls_code(true), TlsCode::Certificate);
/// assert_eq!(m.tls_code(false), TlsCode::SelfSigned);
/// assert_eq!(MasterUrl::parse("master://127.0.0.1:9090/api/v1").unwrap().api_base(), "/api/v1/v1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MasterUrl {
    listen: String,
    hostname: String,
    prefix: String,
    log: String,
    tls: String,
    crt: String,
    key: String,
    pool_type: String,
}

impl MasterUrl {
    /// Parses a master URL as `nodepass master://…` does; the listen address must have a port.
    pub fn parse(text: &str) -> Result<Self, UrlError> {
        let url = go::parse(text).map_err(|e| UrlError::from_go(&e))?;
        if url.scheme != "master" {
            return Err(UrlError::new(
                UrlPart::Scheme,
                format!("`{}` is not `master`", url.scheme),
                format!("createCore: unknown core: {text}"),
            ));
        }
        let listen = String::from_utf8_lossy(&url.host).into_owned();
        let (_, port) = split_host_port(&listen).map_err(|e| {
            UrlError::new(
                UrlPart::TunnelAddress,
                format!("listen address: {e}"),
                format!("NewMaster: resolve host failed: {e}"),
            )
        })?;
        if !port.is_empty() && port.parse::<u16>().is_err() {
            let e = format!("address {port}: invalid port");
            return Err(UrlError::new(
                UrlPart::Port,
                e.clone(),
                format!("NewMaster: resolve host failed: {e}"),
            ));
        }
        let path = String::from_utf8_lossy(&url.path);
        let prefix = if path.is_empty() || path == "/" {
            "/api".to_owned()
        } else {
            path.trim_end_matches('/').to_owned()
        };
        let query = Values::parse(url.raw_query);
        let get = |k: &str| String::from_utf8_lossy(query.get(k)).into_owned();
        let hostname = super::go::hostname(listen.as_str()).to_owned();
        Ok(Self {
            hostname,
            prefix,
            log: get("log"),
            tls: get("tls"),
            crt: get("crt"),
            key: get("key"),
            pool_type: get("type"),
            listen,
        })
    }

    /// The listen address (`0.0.0.0:9090`, `:9090`, `[::]:9090`).
    pub fn listen(&self) -> &str {
        &self.listen
    }

    /// The API prefix: the path without trailing slashes, `/api` when empty.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The API base every route hangs under: the prefix plus `/v1`, always appended.
    pub fn api_base(&self) -> String {
        format!("{}/v1", self.prefix)
    }

    /// The v2 MCP endpoint: the prefix plus `/v2`.
    pub fn mcp_path(&self) -> String {
        format!("{}/v2", self.prefix)
    }

    /// The `log` query value (empty when absent); injected into instance URLs verbatim.
    pub fn log(&self) -> &str {
        &self.log
    }

    /// The `tls` query value as written.
    pub fn tls(&self) -> &str {
        &self.tls
    }

    /// The `crt` query value.
    pub fn crt(&self) -> &str {
        &self.crt
    }

    /// The `key` query value.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The `name` of `/info` when no TLS server name is set: the listen host without brackets.
    pub fn info_name(&self) -> &str {
        &self.hostname
    }

    /// The TLS code the master runs with: `tls=1` → 1; `tls=2` → 2 when the files load, else
    /// 1; anything else → 0, except `type=1` or `type=3` → 1.
    pub fn tls_code(&self, certificates_load: bool) -> TlsCode {
        tls_code(
            &self.tls,
            &self.crt,
            &self.key,
            &self.pool_type,
            certificates_load,
        )
    }
}

/// `getTLSProtocol` (`cmd/nodepass/tls.go`), shared by masters and servers.
pub(crate) fn tls_code(
    tls: &str,
    crt: &str,
    key: &str,
    pool_type: &str,
    certificates_load: bool,
) -> TlsCode {
    match tls {
        "1" => TlsCode::SelfSigned,
        "2" if certificates_load && !crt.is_empty() && !key.is_empty() => TlsCode::Certificate,
        "2" => TlsCode::SelfSigned,
        _ if pool_type == "1" || pool_type == "3" => TlsCode::SelfSigned,
        _ => TlsCode::Off,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_errors() {
        let m = MasterUrl::parse("master://:10101/api?log=debug&tls=1").unwrap();
        assert_eq!(
            (m.listen(), m.api_base().as_str(), m.info_name()),
            (":10101", "/api/v1", "")
        );
        assert_eq!(m.tls_code(false), TlsCode::SelfSigned);
        assert_eq!(
            MasterUrl::parse("master://h:1//").unwrap().api_base(),
            "/v1"
        );
        assert_eq!(
            MasterUrl::parse("master://[::1]:1").unwrap().info_name(),
            "::1"
        );
        assert_eq!(
            MasterUrl::parse("server://h:1").unwrap_err().part(),
            &UrlPart::Scheme
        );
        assert_eq!(
            MasterUrl::parse("master://h").unwrap_err().part(),
            &UrlPart::TunnelAddress
        );
        assert_eq!(
            MasterUrl::parse("master://h:99999").unwrap_err().part(),
            &UrlPart::Port
        );
        assert_eq!(
            MasterUrl::parse("master://h:1?type=3")
                .unwrap()
                .tls_code(false),
            TlsCode::SelfSigned
        );
    }
}
