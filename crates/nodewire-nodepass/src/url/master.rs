//! `master://host:port[/prefix]?log=&tls=&crt=&key=` (contract `nodepass.md` §2).

use std::net::IpAddr;

use super::go::{self, Values};
use super::{TlsCode, UrlError, UrlPart, join_host_port, split_host_port};

/// Whether a `tls=2` master's (or process's) `crt` and `key` files load. When they do not, it
/// falls back to TLS code `1` (an in-memory self-signed certificate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateFiles {
    /// The files load: `tls=2` runs with code `2`.
    Load,
    /// The files are missing or unreadable: `tls=2` runs with code `1`.
    DoNotLoad,
}

/// A master's URL: where it listens, its API prefix, and the settings it passes on to the
/// instances it starts.
///
/// ```
/// use nodewire_nodepass::url::{CertificateFiles, MasterUrl, TlsCode};
/// let m = MasterUrl::parse("master://0.0.0.0:9090/admin/?log=debug&tls=2&crt=/c.pem&key=/k.pem").unwrap();
/// assert_eq!(m.listen(), "0.0.0.0:9090");
/// assert_eq!(m.api_base(), "/admin/v1");
/// assert_eq!(m.mcp_path(), "/admin/v2");
/// assert_eq!(m.tls_code(CertificateFiles::Load), TlsCode::Certificate);
/// assert_eq!(m.tls_code(CertificateFiles::DoNotLoad), TlsCode::SelfSigned);
/// assert_eq!(MasterUrl::parse("master://127.0.0.1:9090/api/v1").unwrap().api_base(), "/api/v1/v1");
///
/// // The URL a client calls. A master listening on every address names no host to reach.
/// assert_eq!(m.base_url_at("nodepass.example")?, "https://nodepass.example:9090/admin/v1");
/// assert!(m.base_url().unwrap_err().to_string().contains("base_url_at"));
/// let local = MasterUrl::parse("master://127.0.0.1:9090")?;
/// assert_eq!(local.base_url()?, "http://127.0.0.1:9090/api/v1");
/// # Ok::<(), nodewire_nodepass::url::UrlError>(())
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

    /// The base URL a client calls (what panels store): `http://host:port` plus
    /// [`api_base`](Self::api_base), `https://` when the master runs TLS (a
    /// [`tls_code`](Self::tls_code) other than `0`). With `tls=1` (and `tls=2` whose files do not
    /// load) the master presents a self-signed certificate, which the client must be told to
    /// trust.
    ///
    /// A master listening on every address (`master://:9090`, `0.0.0.0`, `[::]`) has no host a
    /// client can call: that is an error (part [`UrlPart::Host`]) that points to
    /// [`base_url_at`](Self::base_url_at), which takes the host to reach.
    pub fn base_url(&self) -> Result<String, UrlError> {
        let listen_host = listen_host(&self.listen);
        if is_every_address(listen_host) {
            let shown = if listen_host.is_empty() {
                "no host"
            } else {
                "an address that stands for all of them"
            };
            return Err(UrlError::strict(
                UrlPart::Host,
                format!(
                    "the master listens on every address (`{}`: {shown}), so there is no host to \
                     call; name the one to reach with `MasterUrl::base_url_at(host)`",
                    self.listen
                ),
            ));
        }
        self.base_url_at(listen_host)
    }

    /// [`base_url`](Self::base_url) with `host` (a name, an IPv4 address, or an IPv6 address
    /// with or without brackets) in place of the listen host, keeping the master's port,
    /// prefix and TLS: for a master listening on every address, or one reached through
    /// another name.
    ///
    /// ```
    /// use nodewire_nodepass::url::MasterUrl;
    /// let m = MasterUrl::parse("master://:9090/admin?tls=1")?;
    /// assert_eq!(m.base_url_at("10.0.0.2")?, "https://10.0.0.2:9090/admin/v1");
    /// assert_eq!(m.base_url_at("::1")?, "https://[::1]:9090/admin/v1");
    /// assert!(m.base_url_at("").is_err());
    /// assert!(m.base_url_at("h/x").is_err());
    /// # Ok::<(), nodewire_nodepass::url::UrlError>(())
    /// ```
    pub fn base_url_at(&self, host: &str) -> Result<String, UrlError> {
        let host = callable_host(host)?;
        let (_, port) = split_host_port(&self.listen).map_err(|e| {
            UrlError::strict(UrlPart::TunnelAddress, format!("listen address: {e}"))
        })?;
        if port.is_empty() {
            return Err(UrlError::strict(
                UrlPart::Port,
                format!(
                    "the master listens on a port the system picks (`{}`), so there is no port \
                     to call",
                    self.listen
                ),
            ));
        }
        let scheme = if self.tls_code(CertificateFiles::Load) == TlsCode::Off {
            "http"
        } else {
            "https"
        };
        Ok(format!(
            "{scheme}://{}{}",
            join_host_port(host, port),
            escape_path(&self.api_base())
        ))
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
    pub fn tls_code(&self, certificates: CertificateFiles) -> TlsCode {
        tls_code(
            &self.tls,
            &self.crt,
            &self.key,
            &self.pool_type,
            certificates == CertificateFiles::Load,
        )
    }
}

/// The host part of a listen address (brackets removed; empty for `:9090`).
fn listen_host(listen: &str) -> &str {
    let host = split_host_port(listen).map_or(listen, |(host, _)| host);
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// An empty host or an unspecified address (`0.0.0.0`, `::`): listening on every address.
fn is_every_address(host: &str) -> bool {
    host.is_empty()
        || host
            .parse::<IpAddr>()
            .is_ok_and(|ip| super::go_is_unspecified(&ip))
}

/// A host a client can put in a URL: a name or an IP address (an IPv6 one without a zone),
/// neither empty nor an unspecified address. Brackets around an IPv6 address are removed.
fn callable_host(host: &str) -> Result<&str, UrlError> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let refuse = |why: &str| {
        Err(UrlError::strict(
            UrlPart::Host,
            format!("`{host}` is no host to call: {why}"),
        ))
    };
    if bare.is_empty() {
        return refuse("it is empty");
    }
    if is_every_address(bare) {
        return refuse("it stands for every address of the machine");
    }
    if bare.contains(':') {
        if bare.parse::<std::net::Ipv6Addr>().is_err() {
            return refuse("a host with `:` must be an IPv6 address (without a zone)");
        }
        return Ok(bare);
    }
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_');
    if !bare.bytes().all(allowed) {
        return refuse("only letters, digits, `-`, `.` and `_` can name a host here");
    }
    Ok(bare)
}

/// Percent-encodes what a URL path cannot carry as is (the prefix is stored decoded).
fn escape_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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
        assert_eq!(m.tls_code(CertificateFiles::DoNotLoad), TlsCode::SelfSigned);
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
                .tls_code(CertificateFiles::DoNotLoad),
            TlsCode::SelfSigned
        );
    }

    fn base(text: &str) -> Result<String, UrlError> {
        MasterUrl::parse(text)?.base_url()
    }

    #[test]
    fn base_urls_follow_the_prefix_and_tls() {
        for (master, expected) in [
            ("master://127.0.0.1:9090", "http://127.0.0.1:9090/api/v1"),
            ("master://127.0.0.1:9090/", "http://127.0.0.1:9090/api/v1"),
            ("master://h:9090/admin/", "http://h:9090/admin/v1"),
            ("master://h:9090/api/v1", "http://h:9090/api/v1/v1"),
            ("master://h:9090?tls=1", "https://h:9090/api/v1"),
            (
                "master://h:9090?tls=2&crt=/c&key=/k",
                "https://h:9090/api/v1",
            ),
            ("master://h:9090?tls=2", "https://h:9090/api/v1"),
            ("master://h:9090?tls=0", "http://h:9090/api/v1"),
            ("master://h:9090?tls=x", "http://h:9090/api/v1"),
            ("master://[::1]:9090", "http://[::1]:9090/api/v1"),
            ("master://h:9090/a%20b", "http://h:9090/a%20b/v1"),
            ("master://h:9090/%3F", "http://h:9090/%3F/v1"),
        ] {
            assert_eq!(base(master).unwrap(), expected, "{master}");
        }
    }

    #[test]
    fn a_master_on_every_address_names_no_host() {
        for master in [
            "master://:9090",
            "master://0.0.0.0:9090",
            "master://[::]:9090",
        ] {
            let err = base(master).unwrap_err();
            assert_eq!(err.part(), &UrlPart::Host, "{master}");
            assert!(err.message().contains("every address"), "{err}");
            assert!(err.message().contains("base_url_at(host)"), "{err}");
            assert_eq!(err.upstream_text(), None);
            let m = MasterUrl::parse(master).unwrap();
            assert_eq!(
                m.base_url_at("panel.example").unwrap(),
                "http://panel.example:9090/api/v1"
            );
        }
        let m = MasterUrl::parse("master://:9090").unwrap();
        assert!(
            base("master://:9090")
                .unwrap_err()
                .message()
                .contains("`:9090`: no host")
        );
        assert_eq!(m.base_url_at("[::1]").unwrap(), "http://[::1]:9090/api/v1");
        for bad in [
            "",
            "[]",
            "0.0.0.0",
            "::",
            "fe80::1%eth0",
            "a b",
            "h/x",
            "u@h",
            "h:1",
        ] {
            let err = m.base_url_at(bad).unwrap_err();
            assert_eq!(err.part(), &UrlPart::Host, "{bad}");
        }
    }

    #[test]
    fn a_port_the_system_picks_is_no_port_to_call() {
        let err = base("master://h:").unwrap_err();
        assert_eq!(err.part(), &UrlPart::Port);
        assert!(err.message().contains("`h:`"), "{err}");
    }
}
