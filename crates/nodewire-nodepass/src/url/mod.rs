//! NodePass URLs: `server://` and `client://` instance URLs and `master://` URLs, read and
//! written by Go's `net/url` rules as a master and its processes apply them
//! (contract `nodepass-url.md`).
//!
//! - [`normalize`]: the `url` and `config` strings a master stores for an instance URL, byte
//!   for byte ([`MasterSettings`], [`Compat`]); [`normalize_text`] for URL text as a request
//!   carries it, or the 400 error text a master answers.
//! - [`Process`]: what a `nodepass` process makes of a URL: tunnel key, tunnel and target
//!   addresses, and the effective value of every parameter, Go's quirks included (first
//!   repeated value wins, a present but invalid value leaves the zero value, FNV-1a key without
//!   userinfo), or the error it exits with.
//! - [`InstanceUrl`]: a typed model of an instance URL with a builder that emits URLs a master
//!   accepts, in the canonical form a master stores.
//! - [`MasterUrl`], the URL of a master (`master://host:port[/prefix]?log=&tls=&crt=&key=`),
//!   and the base URL a client calls ([`MasterUrl::base_url`]).
//! - [`RequestUrl`]: the `url` of a create or replace request, validated.
//!
//! The `url` crate is not used on purpose: it refuses URLs every master accepts (an empty host
//! with a port, `::1:10101`, comma-separated hosts, IPv6 zones).
//!
//! ```
//! use nodewire_nodepass::url::{
//!     normalize, CertificateFiles, Compat, InstanceUrl, MasterSettings, MasterUrl, RunMode,
//! };
//! let master = MasterUrl::parse("master://127.0.0.1:9090?log=info&tls=1").unwrap();
//! assert_eq!(master.base_url().unwrap(), "https://127.0.0.1:9090/api/v1");
//! let settings = MasterSettings::from_master(&master, CertificateFiles::Load);
//! let url = InstanceUrl::parse("server://:10101/127.0.0.1:8080?mode=1").unwrap();
//! assert_eq!(url.params().mode, Some(RunMode::Mode1));
//! let stored = normalize(&settings, &url, Compat::default());
//! assert_eq!(stored.url, "server://:10101/127.0.0.1:8080?log=info&mode=1&tls=1");
//! assert_eq!(
//!     stored.config,
//!     "server://:10101/127.0.0.1:8080?block=0&dial=auto&dns=5m0s&lbs=0&log=info&max=1024\
//!      &mode=1&notcp=0&noudp=0&proxy=0&rate=0&read=0s&slot=65536&tls=1&type=0"
//! );
//! ```

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use nodewire_common::secret::redact_url;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod duration;
pub(crate) mod go;
#[cfg(test)]
pub(crate) mod go_oracle;
mod instance;
mod master;
mod normalize;
mod process;

pub use duration::{DurationError, GoDuration};
pub use instance::{
    Address, Block, Blocked, Flag, Host, InstanceUrl, InstanceUrlBuilder, KNOWN_PARAMETERS,
    LoadBalancing, LogLevel, Param, Params, PoolType, RequestUrl, RunMode, TlsCode, TunnelKey,
};
pub use master::{CertificateFiles, MasterUrl};
pub use normalize::{
    Compat, MasterSettings, NormalizeError, Normalized, normalize, normalize_text,
};
pub use process::{Effective, Environment, Process, ProcessAddress};

/// The role of an instance: its URL scheme and the `type` of its instance JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// `server://`: listens for the tunnel.
    Server,
    /// `client://`: connects to a server's tunnel.
    Client,
}

impl Role {
    /// `server` or `client`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Server => "server",
            Self::Client => "client",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The part of a URL an error is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlPart {
    /// The URL as a whole (a control character).
    Url,
    /// The scheme.
    Scheme,
    /// The userinfo (`key@`).
    Userinfo,
    /// The host of the authority.
    Host,
    /// The port of the authority.
    Port,
    /// The path.
    Path,
    /// The fragment.
    Fragment,
    /// The tunnel address (`host:port` of the authority).
    TunnelAddress,
    /// The target list (the path).
    Targets,
    /// One target, by position (1-based).
    Target(usize),
    /// A query parameter, by name.
    Parameter(String),
    /// The tunnel key.
    TunnelKey,
}

impl fmt::Display for UrlPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url => f.write_str("URL"),
            Self::Scheme => f.write_str("scheme"),
            Self::Userinfo => f.write_str("userinfo"),
            Self::Host => f.write_str("host"),
            Self::Port => f.write_str("port"),
            Self::Path => f.write_str("path"),
            Self::Fragment => f.write_str("fragment"),
            Self::TunnelAddress => f.write_str("tunnel address"),
            Self::Targets => f.write_str("targets"),
            Self::Target(n) => write!(f, "target {n}"),
            Self::Parameter(name) => write!(f, "parameter `{name}`"),
            Self::TunnelKey => f.write_str("tunnel key"),
        }
    }
}

/// A URL that does not parse, or that a master or process refuses: what, where, and the text
/// the upstream reports for it.
///
/// The upstream text may quote the whole URL (`parse "server://key@…": …`); `Debug` writes it
/// without the URL's tunnel key (user information), [`upstream_text`](Self::upstream_text)
/// gives it as the upstream reports it.
#[derive(Clone, PartialEq, Eq, thiserror::Error, derive_more::Debug)]
#[error("{part}: {message}")]
pub struct UrlError {
    part: UrlPart,
    message: String,
    #[debug("{:?}", upstream.as_deref().map(redact_url))]
    upstream: Option<String>,
}

impl UrlError {
    pub(crate) fn new(
        part: UrlPart,
        message: impl Into<String>,
        upstream: impl Into<String>,
    ) -> Self {
        Self {
            part,
            message: message.into(),
            upstream: Some(upstream.into()),
        }
    }

    /// An error of this crate's own, stricter than the upstream.
    pub(crate) fn strict(part: UrlPart, message: impl Into<String>) -> Self {
        Self {
            part,
            message: message.into(),
            upstream: None,
        }
    }

    pub(crate) fn from_go(err: &go::ParseError) -> Self {
        let part = match err.part {
            go::Part::Url => UrlPart::Url,
            go::Part::Scheme => UrlPart::Scheme,
            go::Part::Userinfo => UrlPart::Userinfo,
            go::Part::Host => UrlPart::Host,
            go::Part::Port => UrlPart::Port,
            go::Part::Path => UrlPart::Path,
            go::Part::Fragment => UrlPart::Fragment,
        };
        Self::new(part, err.kind.go_text(), err.go_text())
    }

    /// The part the error is about.
    pub fn part(&self) -> &UrlPart {
        &self.part
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The text the upstream reports: Go's `url.Parse` error, or the error a `nodepass`
    /// process exits with (`GetAddress: …`). `None` for checks this crate makes on top of
    /// the upstream's (host names, parameter ranges of the builder).
    pub fn upstream_text(&self) -> Option<&str> {
        self.upstream.as_deref()
    }
}

/// Go's `net.SplitHostPort`; the error is Go's `AddrError` text.
pub(crate) fn split_host_port(hostport: &str) -> Result<(&str, &str), String> {
    let err = |why: &str| Err(format!("address {hostport}: {why}"));
    let Some(i) = hostport.rfind(':') else {
        return err("missing port in address");
    };
    let (host, j, k) = if hostport.starts_with('[') {
        let Some(end) = hostport.find(']') else {
            return err("missing ']' in address");
        };
        if end + 1 == hostport.len() {
            return err("missing port in address");
        } else if end + 1 != i {
            if hostport.as_bytes().get(end + 1) == Some(&b':') {
                return err("too many colons in address");
            }
            return err("missing port in address");
        }
        (hostport.get(1..end).unwrap_or_default(), 1, end + 1)
    } else {
        let host = hostport.get(..i).unwrap_or_default();
        if host.contains(':') {
            return err("too many colons in address");
        }
        (host, 0, 0)
    };
    if hostport.get(j..).unwrap_or_default().contains('[') {
        return err("unexpected '[' in address");
    }
    if hostport.get(k..).unwrap_or_default().contains(']') {
        return err("unexpected ']' in address");
    }
    Ok((host, hostport.get(i + 1..).unwrap_or_default()))
}

/// An IP literal as Go's `netip.ParseAddr` reads it (IPv6 zones allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IpLiteral {
    pub(crate) ip: IpAddr,
    pub(crate) zone: Option<String>,
}

pub(crate) fn parse_ip_literal(host: &str) -> Option<IpLiteral> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Some(IpLiteral { ip, zone: None });
    }
    let (addr, zone) = host.split_once('%')?;
    if zone.is_empty() {
        return None;
    }
    let ip = addr.parse::<Ipv6Addr>().ok()?;
    Some(IpLiteral {
        ip: IpAddr::V6(ip),
        zone: Some(zone.to_owned()),
    })
}

/// Go's `net.IP.String()` (an IPv4-mapped IPv6 address prints as IPv4).
pub(crate) fn go_ip_string(ip: &IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        },
    }
}

/// Go's `IP.IsLoopback()`.
pub(crate) fn go_is_loopback(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.octets().first() == Some(&127),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.octets().first() == Some(&127),
            None => v6.is_loopback(),
        },
    }
}

/// Go's `IP.IsUnspecified()`.
pub(crate) fn go_is_unspecified(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_unspecified(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.is_unspecified(),
            None => v6.is_unspecified(),
        },
    }
}

/// Go's `net.JoinHostPort`.
pub(crate) fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// The tunnel key a process derives without userinfo: lowercase hex of FNV-1a 32 over the
/// port string of the URL's host.
///
/// ```
/// assert_eq!(nodewire_nodepass::url::fnv1a_key("8080"), "40c0f1e5");
/// assert_eq!(nodewire_nodepass::url::fnv1a_key("10101"), "e68be2b4");
/// assert_eq!(nodewire_nodepass::url::fnv1a_key(""), "811c9dc5");
/// ```
pub fn fnv1a_key(port: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for b in port.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{hash:08x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_key_the_upstream_text_quotes() {
        let instance = [
            "server://s3cr3t-k3y@h:http/127.0.0.1:8080",
            "server://s3cr3t-k3y@h:x",
            "client://s3cr3t-k3y@[::1/t",
            "server://s3cr3t-k3y@h:x/t?log=debug",
            "server://s3cr3t-k3y@h:1/t#%zz",
            "server://s3cr3t-k3y@h:1/t\n",
            "server://s3cr3t-k3y@h:x?log=debug",
            "server://s3cr3t k3y@h:1/t",
            "server://s3cr3t\"k3y@h:1/t",
            "://s3cr3t-k3y@h:1/t",
            "tcp://s3cr3t-k3y@h:1/t",
        ]
        .map(InstanceUrl::parse);
        let request = [
            "server://s3cr3t-k3y@h:1%zz/t",
            "server://s3cr3t-k3y@[1.2.3.4]:1/t",
        ]
        .map(RequestUrl::new);
        let master = ["master://s3cr3t-k3y@h:x", "server://s3cr3t-k3y@h:1/t"].map(MasterUrl::parse);
        let errors: Vec<UrlError> = (instance.into_iter().map(|r| r.map(|_| ())))
            .chain(request.into_iter().map(|r| r.map(|_| ())))
            .chain(master.into_iter().map(|r| r.map(|_| ())))
            .map(Result::unwrap_err)
            .collect();
        for err in errors {
            let upstream = err.upstream_text().unwrap();
            assert!(upstream.contains("s3cr3t"), "{upstream}");
            let debug = format!("{err:?}");
            assert!(!debug.contains("s3cr3t"), "{debug}");
            assert!(debug.contains("[redacted]@"), "{debug}");
            assert!(debug.contains(&format!("{:?}", err.message())), "{debug}");
        }
    }

    #[test]
    fn split_host_port_follows_go() {
        assert_eq!(split_host_port(":80"), Ok(("", "80")));
        assert_eq!(split_host_port("[::1]:80"), Ok(("::1", "80")));
        assert_eq!(split_host_port("h:"), Ok(("h", "")));
        assert_eq!(
            split_host_port("::1:10101").unwrap_err(),
            "address ::1:10101: too many colons in address"
        );
        assert_eq!(
            split_host_port("127.0.0.1").unwrap_err(),
            "address 127.0.0.1: missing port in address"
        );
        assert_eq!(
            split_host_port("[::1]").unwrap_err(),
            "address [::1]: missing port in address"
        );
        assert_eq!(
            split_host_port("[::1]x:1").unwrap_err(),
            "address [::1]x:1: missing port in address"
        );
        assert_eq!(
            split_host_port("a[b:1").unwrap_err(),
            "address a[b:1: unexpected '[' in address"
        );
    }

    #[test]
    fn ip_literals() {
        let z = parse_ip_literal("fe80::1%eth0").unwrap();
        assert_eq!(z.zone.as_deref(), Some("eth0"));
        assert!(parse_ip_literal("fe80::1%").is_none());
        assert!(parse_ip_literal("1.2.3.4%x").is_none());
        assert!(parse_ip_literal("01.2.3.4").is_none());
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(go_ip_string(&mapped), "127.0.0.1");
        assert!(go_is_loopback(&mapped));
    }
}
