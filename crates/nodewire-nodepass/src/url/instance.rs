//! A typed model of `server://` and `client://` URLs, with a builder.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use nodewire_common::Secret;
use nodewire_common::secret::redact_url;

use super::go::{self, Mode, Values};
use super::process::{self, Environment, Process};
use super::{
    GoDuration, Role, UrlError, UrlPart, go_is_loopback, go_is_unspecified, parse_ip_literal,
    split_host_port,
};

nodewire_common::open_enum! {
    /// `log`: the process's log level. Unknown labels make the process log at `info`.
    #[rename_all = "snake_case"]
    pub enum LogLevel {
        /// Nothing, not even the `CHECK_POINT` lines, so the master gets no statistics.
        None,
        /// Debug.
        Debug,
        /// Info (the default).
        Info,
        /// Warnings and errors.
        Warn,
        /// Errors.
        Error,
        /// Events only (`CHECK_POINT` lines included).
        Event,
    }
}

nodewire_common::open_enum! {
    /// `tls`: the TLS code of a server's data channel (and of a master's API).
    pub enum TlsCode {
        /// No TLS.
        Off = "0",
        /// An in-memory self-signed certificate (TLS 1.3).
        SelfSigned = "1",
        /// The `crt`/`key` files (reloaded hourly); code 1 when they do not load.
        Certificate = "2",
    }
}

// `open_enum!` cannot take `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for TlsCode {
    fn default() -> Self {
        Self::Off
    }
}

nodewire_common::open_enum! {
    /// `lbs`: how several targets are used (v2). Other labels behave as `0`.
    pub enum LoadBalancing {
        /// Round robin with failover (the default).
        RoundRobin = "0",
        /// The target with the best latency, sticky, re-probed.
        OptimalLatency = "1",
        /// The first target, the others as backups (back to the first every 5 minutes).
        PrimaryBackup = "2",
    }
}

nodewire_common::open_enum! {
    /// `mode`: the run mode. Server: `1` reverse (listens on the first target), `2` forward.
    /// Client: `1` single-end forwarding, `2` dual-end handshake. Other labels behave as `0`.
    pub enum RunMode {
        /// Decide at start (the default).
        Auto = "0",
        /// Server: reverse; client: single-end forwarding.
        Mode1 = "1",
        /// Server: forward; client: dual-end handshake.
        Mode2 = "2",
    }
}

nodewire_common::open_enum! {
    /// `type`: the tunnel pool type a server uses (clients learn it in the handshake). Other
    /// labels make the server fail with "unknown pool type".
    pub enum PoolType {
        /// TCP (the default).
        Tcp = "0",
        /// QUIC over UDP (forces TLS code 1 when none is set).
        Quic = "1",
        /// WebSocket.
        WebSocket = "2",
        /// HTTP/2 (forces TLS code 1 when none is set).
        Http2 = "3",
    }
}

nodewire_common::open_enum! {
    /// An on/off parameter (`proxy`, `notcp`, `noudp`): only `1` is on.
    pub enum Flag {
        /// Off (the default).
        Off = "0",
        /// On.
        On = "1",
    }
}

/// A numeric or duration parameter: absent, accepted, or present but refused by the process
/// (which then keeps the Go zero value, not the default: `slot=0` means unlimited, `dns=abc`
/// means no DNS cache).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Param<T> {
    /// Not in the URL (or empty): the default applies.
    #[default]
    Absent,
    /// Present and accepted.
    Set(T),
    /// Present, refused by the process: the zero value applies. The text as written.
    Ignored(String),
}

impl<T> Param<T> {
    /// The accepted value.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Set(v) => Some(v),
            _ => None,
        }
    }

    /// `true` when absent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }
}

/// A protocol a process can refuse on its target side (`block`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Blocked {
    /// SOCKS4/5 (digit `1`).
    Socks,
    /// HTTP (digit `2`).
    Http,
    /// TLS (digit `3`).
    Tls,
}

/// `block`: the protocols a process refuses, as digits (`1` SOCKS4/5, `2` HTTP, `3` TLS; the
/// process tests for the digit anywhere in the text).
///
/// ```
/// use nodewire_nodepass::url::{Block, Blocked};
/// assert_eq!(Block::of([Blocked::Tls, Blocked::Socks]).as_str(), "13");
/// assert_eq!(Block::of([]).as_str(), "0");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Block(String);

impl Block {
    /// The canonical text for a selection: its digits in order, `0` when nothing is blocked.
    pub fn of(protocols: impl IntoIterator<Item = Blocked>) -> Self {
        let chosen: Vec<Blocked> = protocols.into_iter().collect();
        let mut text = String::new();
        for (protocol, digit) in [
            (Blocked::Socks, '1'),
            (Blocked::Http, '2'),
            (Blocked::Tls, '3'),
        ] {
            if chosen.contains(&protocol) {
                text.push(digit);
            }
        }
        if text.is_empty() {
            text.push('0');
        }
        Self(text)
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// SOCKS4/5 is refused.
    pub fn socks(&self) -> bool {
        self.0.contains('1')
    }

    /// HTTP is refused.
    pub fn http(&self) -> bool {
        self.0.contains('2')
    }

    /// TLS is refused.
    pub fn tls(&self) -> bool {
        self.0.contains('3')
    }
}

/// The tunnel key (the userinfo's user name): the HMAC key of the handshake and the XOR key
/// of the control channel. `Debug` is redacted; serde writes the text.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct TunnelKey(Secret);

impl TunnelKey {
    /// A key; it must not be empty (without a key, the process derives one from the port).
    pub fn new(key: impl Into<String>) -> Result<Self, UrlError> {
        let key = key.into();
        if key.is_empty() {
            return Err(UrlError::strict(
                UrlPart::TunnelKey,
                "empty: leave the key out to let the process derive it from the port",
            ));
        }
        Ok(Self(Secret::new(key)))
    }

    pub(crate) fn from_process(key: String) -> Self {
        Self(Secret::new(key))
    }

    /// The key text. Do not log it.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for TunnelKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TunnelKey(\"[redacted]\")")
    }
}

/// The host of a tunnel address or target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// Empty: every interface (a listener) or the local host (a target).
    Unspecified,
    /// An IP address.
    Ip(IpAddr),
    /// An IPv6 address with a zone (`fe80::1%eth0`).
    ScopedIpv6 {
        /// The address.
        addr: Ipv6Addr,
        /// The zone (interface name).
        zone: String,
    },
    /// A DNS name, resolved by the process (with its own cache, `dns`).
    Name(String),
}

fn valid_zone(zone: &str) -> bool {
    !zone.is_empty()
        && zone
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

fn valid_name(name: &str) -> bool {
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    !trimmed.is_empty()
        && name.len() <= 253
        && trimmed.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

impl Host {
    /// A DNS name (letters, digits, `-`, `_`, dot-separated labels of up to 63 bytes).
    pub fn name(name: impl Into<String>) -> Result<Self, UrlError> {
        let name = name.into();
        if valid_name(&name) && parse_ip_literal(&name).is_none() {
            Ok(Self::Name(name))
        } else {
            Err(UrlError::strict(
                UrlPart::Host,
                format!("`{name}` is not a host name"),
            ))
        }
    }

    /// An IPv6 address with a zone (letters, digits, `.`, `-`, `_`).
    pub fn scoped(addr: Ipv6Addr, zone: impl Into<String>) -> Result<Self, UrlError> {
        let zone = zone.into();
        if valid_zone(&zone) {
            Ok(Self::ScopedIpv6 { addr, zone })
        } else {
            Err(UrlError::strict(
                UrlPart::Host,
                format!("`{zone}` is not an IPv6 zone"),
            ))
        }
    }

    /// Reads a host (without brackets) as it appears in a URL.
    fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Ok(Self::Unspecified);
        }
        if let Some(literal) = parse_ip_literal(text) {
            return match (literal.ip, literal.zone) {
                (ip, None) => Ok(Self::Ip(ip)),
                (IpAddr::V6(addr), Some(zone)) if valid_zone(&zone) => {
                    Ok(Self::ScopedIpv6 { addr, zone })
                }
                (_, Some(zone)) => Err(format!("`{zone}` is not an IPv6 zone")),
            };
        }
        if valid_name(text) {
            Ok(Self::Name(text.to_owned()))
        } else {
            Err(format!("`{text}` is not an IP address or a host name"))
        }
    }

    fn ip(&self) -> Option<IpAddr> {
        match self {
            Self::Ip(ip) => Some(*ip),
            Self::ScopedIpv6 { addr, .. } => Some(IpAddr::V6(*addr)),
            _ => None,
        }
    }

    /// Writes the host as it appears in a URL (brackets for IPv6, zone escaped as `%25`).
    fn write(&self, out: &mut String) {
        match self {
            Self::Unspecified => {}
            Self::Ip(IpAddr::V4(v4)) => out.push_str(&v4.to_string()),
            Self::Ip(IpAddr::V6(v6)) => {
                out.push('[');
                out.push_str(&v6.to_string());
                out.push(']');
            }
            Self::ScopedIpv6 { addr, zone } => {
                out.push('[');
                out.push_str(&addr.to_string());
                out.push_str("%25");
                out.push_str(zone);
                out.push(']');
            }
            Self::Name(name) => out.push_str(name),
        }
    }
}

/// A `host:port`: the tunnel address or a target.
///
/// ```
/// use nodewire_nodepass::url::{Address, Host};
/// assert_eq!(Address::new(Host::Unspecified, 10101).to_string(), ":10101");
/// assert_eq!(Address::new(Host::Ip("::1".parse().unwrap()), 80).to_string(), "[::1]:80");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    /// The host.
    pub host: Host,
    /// The port.
    pub port: u16,
}

impl Address {
    /// `host:port`.
    pub fn new(host: Host, port: u16) -> Self {
        Self { host, port }
    }

    /// An IP address and port.
    pub fn ip(ip: impl Into<IpAddr>, port: u16) -> Self {
        Self::new(Host::Ip(ip.into()), port)
    }

    /// Every interface (listener) or the local host (target), on `port`.
    pub fn any(port: u16) -> Self {
        Self::new(Host::Unspecified, port)
    }

    /// Reads `host:port` as the process does (Go's `SplitHostPort`; brackets for IPv6).
    pub fn parse(text: &str) -> Result<Self, UrlError> {
        parse_address(text).map_err(|(e, upstream)| match upstream {
            Some(u) => UrlError::new(UrlPart::Host, e, u),
            None => UrlError::strict(UrlPart::Host, e),
        })
    }

    fn write(&self, out: &mut String) {
        self.host.write(out);
        out.push(':');
        out.push_str(&self.port.to_string());
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write(&mut s);
        f.write_str(&s)
    }
}

/// Reads `host:port`; the error is (message, upstream text when the process fails the same).
fn parse_address(text: &str) -> Result<Address, (String, Option<String>)> {
    let (host, _) = split_host_port(text).map_err(|e| (format!("`{text}`: {e}"), Some(e)))?;
    let resolved = process::resolve(text).map_err(|e| (format!("`{text}`: {e}"), Some(e)))?;
    let host = Host::parse(host).map_err(|e| (e, None))?;
    Ok(Address {
        host,
        port: resolved.port_number(),
    })
}

/// Every parameter of an instance URL, as typed values. The process reads the **first** value
/// of a repeated key; an empty value counts as absent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Params {
    /// `log`.
    pub log: Option<LogLevel>,
    /// `tls` (servers; v2 clients in single-end mode).
    pub tls: Option<TlsCode>,
    /// `crt`: certificate file (with `tls=2`).
    pub crt: Option<String>,
    /// `key`: private key file (with `tls=2`).
    pub key: Option<String>,
    /// `dns`: DNS cache TTL (default 5m; must be above zero).
    pub dns: Param<GoDuration>,
    /// `sni`: TLS server name of a client (default: the tunnel host name, or `none`).
    pub sni: Option<String>,
    /// `lbs`: load balancing over several targets (v2).
    pub lbs: Option<LoadBalancing>,
    /// `min`: a client's minimum pool capacity (default 64; above zero).
    pub min: Param<i64>,
    /// `max`: a server's maximum pool capacity (default 1024; above zero).
    pub max: Param<i64>,
    /// `mode`.
    pub mode: Option<RunMode>,
    /// `type`: the pool type of a server.
    pub pool_type: Option<PoolType>,
    /// `dial`: the source IP of outgoing connections (`auto` and absent are the default).
    pub dial: Param<IpAddr>,
    /// `read`: read timeout (default none; above zero).
    pub read: Param<GoDuration>,
    /// `rate`: bandwidth limit in Mbps (default unlimited; above zero).
    pub rate: Param<i64>,
    /// `slot`: connection limit (default 65536; above zero; `0` means unlimited).
    pub slot: Param<i64>,
    /// `proxy`: send a PROXY v1 header to the target.
    pub proxy: Option<Flag>,
    /// `block`: refused protocols.
    pub block: Option<Block>,
    /// `notcp`: disable TCP.
    pub notcp: Option<Flag>,
    /// `noudp`: disable UDP.
    pub noudp: Option<Flag>,
    /// Keys the process does not read, with their first value (a master keeps them).
    pub extra: BTreeMap<String, String>,
}

/// Every key the process reads.
pub const KNOWN_PARAMETERS: &[&str] = &[
    "log", "tls", "crt", "key", "dns", "sni", "lbs", "min", "max", "mode", "type", "dial", "read",
    "rate", "slot", "proxy", "block", "notcp", "noudp",
];

fn duration_param(raw: &str) -> Param<GoDuration> {
    match GoDuration::parse(raw) {
        Ok(d) if d.is_positive() => Param::Set(d),
        _ => Param::Ignored(raw.to_owned()),
    }
}

fn int_param(raw: &str) -> Param<i64> {
    match raw.parse::<i64>() {
        Ok(v) if v > 0 => Param::Set(v),
        _ => Param::Ignored(raw.to_owned()),
    }
}

impl Params {
    fn from_values(values: &Values<'_>) -> Self {
        let mut p = Self::default();
        let mut seen: Vec<&[u8]> = Vec::new();
        for (k, v) in values.pairs() {
            if seen.contains(&&**k) {
                continue;
            }
            seen.push(k);
            let key = String::from_utf8_lossy(k);
            let value = String::from_utf8_lossy(v).into_owned();
            if !KNOWN_PARAMETERS.contains(&&*key) {
                p.extra.insert(key.into_owned(), value);
                continue;
            }
            if value.is_empty() {
                // `Get` returns "" for an empty first value: the same as absent.
                continue;
            }
            match &*key {
                "log" => p.log = Some(LogLevel::from(value)),
                "tls" => p.tls = Some(TlsCode::from(value)),
                "crt" => p.crt = Some(value),
                "key" => p.key = Some(value),
                "dns" => p.dns = duration_param(&value),
                "sni" => p.sni = Some(value),
                "lbs" => p.lbs = Some(LoadBalancing::from(value)),
                "min" => p.min = int_param(&value),
                "max" => p.max = int_param(&value),
                "mode" => p.mode = Some(RunMode::from(value)),
                "type" => p.pool_type = Some(PoolType::from(value)),
                "dial" => {
                    p.dial = if value == "auto" {
                        Param::Absent
                    } else {
                        match value.parse::<IpAddr>() {
                            Ok(ip) => Param::Set(ip),
                            Err(_) => Param::Ignored(value),
                        }
                    }
                }
                "read" => p.read = duration_param(&value),
                "rate" => p.rate = int_param(&value),
                "slot" => p.slot = int_param(&value),
                "proxy" => p.proxy = Some(Flag::from(value)),
                "block" => p.block = Some(Block(value)),
                "notcp" => p.notcp = Some(Flag::from(value)),
                "noudp" => p.noudp = Some(Flag::from(value)),
                _ => {}
            }
        }
        p
    }

    /// The `(key, value)` pairs this set writes, in key order.
    fn pairs(&self) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
        fn param<T: fmt::Display>(p: &Param<T>) -> Option<Cow<'_, str>> {
            match p {
                Param::Absent => None,
                Param::Set(v) => Some(Cow::Owned(v.to_string())),
                Param::Ignored(raw) => Some(Cow::Borrowed(raw)),
            }
        }
        let label = |s: &'static str, v: Option<&str>| {
            v.map(|v| (Cow::Borrowed(s), Cow::Owned(v.to_owned())))
        };
        let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = [
            label("log", self.log.as_ref().map(|v| v.as_str())),
            label("tls", self.tls.as_ref().map(|v| v.as_str())),
            label("crt", self.crt.as_deref()),
            label("key", self.key.as_deref()),
            param(&self.dns).map(|v| (Cow::Borrowed("dns"), v)),
            label("sni", self.sni.as_deref()),
            label("lbs", self.lbs.as_ref().map(|v| v.as_str())),
            param(&self.min).map(|v| (Cow::Borrowed("min"), v)),
            param(&self.max).map(|v| (Cow::Borrowed("max"), v)),
            label("mode", self.mode.as_ref().map(|v| v.as_str())),
            label("type", self.pool_type.as_ref().map(|v| v.as_str())),
            param(&self.dial).map(|v| (Cow::Borrowed("dial"), v)),
            param(&self.read).map(|v| (Cow::Borrowed("read"), v)),
            param(&self.rate).map(|v| (Cow::Borrowed("rate"), v)),
            param(&self.slot).map(|v| (Cow::Borrowed("slot"), v)),
            label("proxy", self.proxy.as_ref().map(|v| v.as_str())),
            label("block", self.block.as_ref().map(Block::as_str)),
            label("notcp", self.notcp.as_ref().map(|v| v.as_str())),
            label("noudp", self.noudp.as_ref().map(|v| v.as_str())),
        ]
        .into_iter()
        .flatten()
        .collect();
        pairs.extend(
            self.extra
                .iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str()))),
        );
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs
    }

    /// Checks what a builder may write: known labels, values above zero, limits the process
    /// can hold, non-empty texts.
    fn validate(&self) -> Result<(), UrlError> {
        fn bad(name: &str, message: impl Into<String>) -> UrlError {
            UrlError::strict(UrlPart::Parameter(name.to_owned()), message)
        }
        fn known(name: &str, label: Option<&str>, is_known: bool) -> Result<(), UrlError> {
            match label {
                Some(l) if !is_known => {
                    Err(bad(name, format!("`{l}` is not a value the process knows")))
                }
                _ => Ok(()),
            }
        }
        known(
            "log",
            self.log.as_ref().map(|v| v.as_str()),
            self.log.as_ref().is_none_or(|v| v.is_known()),
        )?;
        known(
            "tls",
            self.tls.as_ref().map(|v| v.as_str()),
            self.tls.as_ref().is_none_or(|v| v.is_known()),
        )?;
        known(
            "lbs",
            self.lbs.as_ref().map(|v| v.as_str()),
            self.lbs.as_ref().is_none_or(|v| v.is_known()),
        )?;
        known(
            "mode",
            self.mode.as_ref().map(|v| v.as_str()),
            self.mode.as_ref().is_none_or(|v| v.is_known()),
        )?;
        known(
            "type",
            self.pool_type.as_ref().map(|v| v.as_str()),
            self.pool_type.as_ref().is_none_or(|v| v.is_known()),
        )?;
        known(
            "proxy",
            self.proxy.as_ref().map(|v| v.as_str()),
            self.proxy.as_ref().is_none_or(|v| v.is_known()),
        )?;
        known(
            "notcp",
            self.notcp.as_ref().map(|v| v.as_str()),
            self.notcp.as_ref().is_none_or(|v| v.is_known()),
        )?;
        known(
            "noudp",
            self.noudp.as_ref().map(|v| v.as_str()),
            self.noudp.as_ref().is_none_or(|v| v.is_known()),
        )?;
        for (name, text) in [("crt", &self.crt), ("key", &self.key), ("sni", &self.sni)] {
            if text.as_deref() == Some("") {
                return Err(bad(name, "empty (an empty value counts as absent)"));
            }
        }
        if let Some(block) = &self.block
            && (block.0.is_empty() || !block.0.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad(
                "block",
                format!("`{}` is not a string of digits", block.0),
            ));
        }
        for (name, p) in [("dns", &self.dns), ("read", &self.read)] {
            match p {
                Param::Set(d) if !d.is_positive() => return Err(bad(name, "must be above zero")),
                Param::Ignored(raw) => {
                    return Err(bad(name, format!("`{raw}` is not a duration above zero")));
                }
                _ => {}
            }
        }
        let limits: [(&str, &Param<i64>, i64); 4] = [
            ("min", &self.min, i64::MAX),
            ("max", &self.max, i64::MAX),
            ("rate", &self.rate, i64::MAX / 125_000),
            ("slot", &self.slot, i64::from(i32::MAX)),
        ];
        for (name, p, limit) in limits {
            match p {
                Param::Set(v) if *v <= 0 => return Err(bad(name, "must be above zero")),
                Param::Set(v) if *v > limit => {
                    return Err(bad(name, format!("{v} exceeds {limit}")));
                }
                Param::Ignored(raw) => {
                    return Err(bad(name, format!("`{raw}` is not a number above zero")));
                }
                _ => {}
            }
        }
        if let Param::Ignored(raw) = &self.dial {
            return Err(bad("dial", format!("`{raw}` is not an IP address")));
        }
        for key in self.extra.keys() {
            if key.is_empty() || KNOWN_PARAMETERS.contains(&key.as_str()) {
                return Err(bad(
                    key,
                    "use the typed setter for this parameter, and no empty key",
                ));
            }
        }
        Ok(())
    }
}

/// A typed `server://` or `client://` URL.
///
/// [`parse`](Self::parse) reads any URL a process can start with (structure checked as the
/// process does; parameter values kept as [`Param::Ignored`] or unknown labels when the process
/// would not accept them). The builder writes the canonical form a master stores (sorted
/// query, Go's escaping), so `parse(build(x)) == x`.
///
/// ```
/// use nodewire_nodepass::url::{Address, InstanceUrl, TlsCode, TunnelKey};
/// let url = InstanceUrl::server(Address::any(10101))
///     .key(TunnelKey::new("s3cr@t").unwrap())
///     .target(Address::ip([127, 0, 0, 1], 8080))
///     .target(Address::ip("2001:db8::10".parse::<std::net::IpAddr>().unwrap(), 8080))
///     .tls(TlsCode::SelfSigned)
///     .slot(500)
///     .build()
///     .unwrap();
/// assert_eq!(url.to_string(), "server://s3cr%40t@:10101/127.0.0.1:8080,[2001:db8::10]:8080?slot=500&tls=1");
/// assert_eq!(InstanceUrl::parse(&url.to_string()).unwrap(), url);
/// let bad = InstanceUrl::parse("server://::1:10101/127.0.0.1:8080").unwrap_err();
/// assert_eq!(bad.part().to_string(), "tunnel address");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceUrl {
    role: Role,
    key: Option<TunnelKey>,
    tunnel: Address,
    targets: Vec<Address>,
    params: Params,
}

/// Builds an [`InstanceUrl`]; [`build`](Self::build) validates.
#[derive(Debug, Clone)]
pub struct InstanceUrlBuilder {
    url: InstanceUrl,
}

impl InstanceUrl {
    /// A server listening for the tunnel on `tunnel`.
    pub fn server(tunnel: Address) -> InstanceUrlBuilder {
        Self::builder(Role::Server, tunnel)
    }

    /// A client connecting to the server at `tunnel`.
    pub fn client(tunnel: Address) -> InstanceUrlBuilder {
        Self::builder(Role::Client, tunnel)
    }

    /// A builder for `role`.
    pub fn builder(role: Role, tunnel: Address) -> InstanceUrlBuilder {
        InstanceUrlBuilder {
            url: Self {
                role,
                key: None,
                tunnel,
                targets: Vec::new(),
                params: Params::default(),
            },
        }
    }

    /// A builder starting from this URL.
    pub fn to_builder(&self) -> InstanceUrlBuilder {
        InstanceUrlBuilder { url: self.clone() }
    }

    /// Server or client.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The tunnel key from the userinfo (the process derives one from the port without it).
    pub fn key(&self) -> Option<&TunnelKey> {
        self.key.as_ref()
    }

    /// The key the process uses: the userinfo's, else FNV-1a of the tunnel port.
    pub fn effective_key(&self) -> String {
        match &self.key {
            Some(k) => k.expose().to_owned(),
            None => super::fnv1a_key(&self.tunnel.port.to_string()),
        }
    }

    /// The tunnel address.
    pub fn tunnel(&self) -> &Address {
        &self.tunnel
    }

    /// The targets (at least one).
    pub fn targets(&self) -> &[Address] {
        &self.targets
    }

    /// The parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// What a process started with this URL uses.
    pub fn process(&self, env: &Environment) -> Result<Process, UrlError> {
        Process::parse(&self.to_string(), env)
    }

    /// Parses a URL. Refused: what Go's `url.Parse` refuses, a scheme other than `server` /
    /// `client`, a tunnel address or target the process cannot use (no port, a port that is
    /// not a number, IPv6 without brackets, no target, a target on the tunnel port), and host
    /// names that are not DNS names.
    pub fn parse(text: &str) -> Result<Self, UrlError> {
        let url = go::parse(text).map_err(|e| UrlError::from_go(&e))?;
        let role = match &*url.scheme {
            "server" => Role::Server,
            "client" => Role::Client,
            other => {
                return Err(UrlError::new(
                    UrlPart::Scheme,
                    format!("`{other}` is not `server` or `client`"),
                    format!("createCore: unknown core: {text}"),
                ));
            }
        };
        // The process's own checks first, with its messages.
        let (_, _) = process::addresses(&url)?;
        let tunnel_text = String::from_utf8_lossy(&url.host);
        let tunnel = parse_address(&tunnel_text)
            .map_err(|(e, _)| UrlError::strict(UrlPart::TunnelAddress, e))?;
        let path = String::from_utf8_lossy(&url.path);
        let list = path.strip_prefix('/').unwrap_or(&path);
        let mut targets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let target = parse_address(item)
                .map_err(|(e, _)| UrlError::strict(UrlPart::Target(targets.len() + 1), e))?;
            targets.push(target);
        }
        let username = url.username();
        let key = if username.is_empty() {
            None
        } else {
            Some(TunnelKey(Secret::new(String::from_utf8_lossy(username))))
        };
        Ok(Self {
            role,
            key,
            tunnel,
            targets,
            params: Params::from_values(&Values::parse(url.raw_query)),
        })
    }

    fn write(&self, out: &mut String) {
        out.push_str(self.role.as_str());
        out.push_str("://");
        if let Some(key) = &self.key {
            let mut escaped = Vec::with_capacity(key.expose().len());
            go::escape_into(&mut escaped, key.expose().as_bytes(), Mode::UserPassword);
            out.push_str(&go::into_string(escaped));
            out.push('@');
        }
        self.tunnel.write(out);
        out.push('/');
        for (i, target) in self.targets.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            target.write(out);
        }
        let pairs = self.params.pairs();
        if !pairs.is_empty() {
            let mut query = Vec::new();
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    query.push(b'&');
                }
                go::escape_into(&mut query, k.as_bytes(), Mode::QueryComponent);
                query.push(b'=');
                go::escape_into(&mut query, v.as_bytes(), Mode::QueryComponent);
            }
            out.push('?');
            out.push_str(&go::into_string(query));
        }
    }
}

fn check_loop(tunnel: &Address, targets: &[Address]) -> Result<(), UrlError> {
    let tunnel_unspecified = tunnel.host.ip().as_ref().is_some_and(go_is_unspecified);
    for (i, target) in targets.iter().enumerate() {
        let loopback = target.host.ip().as_ref().is_some_and(go_is_loopback);
        let resolvable = !matches!(target.host, Host::Name(_));
        if resolvable && target.port == tunnel.port && (loopback || tunnel_unspecified) {
            let message = format!(
                "tunnel port {} conflicts with target address {target}",
                tunnel.port
            );
            return Err(UrlError::new(
                UrlPart::Target(i + 1),
                message.clone(),
                format!("GetAddress: {message}"),
            ));
        }
    }
    Ok(())
}

impl InstanceUrlBuilder {
    /// The tunnel key (both ends must use the same).
    pub fn key(mut self, key: TunnelKey) -> Self {
        self.url.key = Some(key);
        self
    }

    /// Adds a target.
    pub fn target(mut self, target: Address) -> Self {
        self.url.targets.push(target);
        self
    }

    /// Adds targets.
    pub fn targets(mut self, targets: impl IntoIterator<Item = Address>) -> Self {
        self.url.targets.extend(targets);
        self
    }

    /// `log`.
    pub fn log(mut self, level: LogLevel) -> Self {
        self.url.params.log = Some(level);
        self
    }

    /// `tls`.
    pub fn tls(mut self, code: TlsCode) -> Self {
        self.url.params.tls = Some(code);
        self
    }

    /// `tls=2` with the certificate and key files.
    pub fn tls_files(mut self, crt: impl Into<String>, key: impl Into<String>) -> Self {
        self.url.params.tls = Some(TlsCode::Certificate);
        self.url.params.crt = Some(crt.into());
        self.url.params.key = Some(key.into());
        self
    }

    /// `dns`: the DNS cache TTL.
    pub fn dns(mut self, ttl: GoDuration) -> Self {
        self.url.params.dns = Param::Set(ttl);
        self
    }

    /// `sni`.
    pub fn sni(mut self, name: impl Into<String>) -> Self {
        self.url.params.sni = Some(name.into());
        self
    }

    /// `lbs`.
    pub fn lbs(mut self, strategy: LoadBalancing) -> Self {
        self.url.params.lbs = Some(strategy);
        self
    }

    /// `min`.
    pub fn min(mut self, capacity: i64) -> Self {
        self.url.params.min = Param::Set(capacity);
        self
    }

    /// `max`.
    pub fn max(mut self, capacity: i64) -> Self {
        self.url.params.max = Param::Set(capacity);
        self
    }

    /// `mode`.
    pub fn mode(mut self, mode: RunMode) -> Self {
        self.url.params.mode = Some(mode);
        self
    }

    /// `type`.
    pub fn pool_type(mut self, pool: PoolType) -> Self {
        self.url.params.pool_type = Some(pool);
        self
    }

    /// `dial`.
    pub fn dial(mut self, source: IpAddr) -> Self {
        self.url.params.dial = Param::Set(source);
        self
    }

    /// `read`.
    pub fn read(mut self, timeout: GoDuration) -> Self {
        self.url.params.read = Param::Set(timeout);
        self
    }

    /// `rate` in Mbps.
    pub fn rate(mut self, mbps: i64) -> Self {
        self.url.params.rate = Param::Set(mbps);
        self
    }

    /// `slot`.
    pub fn slot(mut self, limit: i64) -> Self {
        self.url.params.slot = Param::Set(limit);
        self
    }

    /// `proxy`.
    pub fn proxy(mut self, on: bool) -> Self {
        self.url.params.proxy = Some(if on { Flag::On } else { Flag::Off });
        self
    }

    /// `block`.
    pub fn block(mut self, block: Block) -> Self {
        self.url.params.block = Some(block);
        self
    }

    /// `notcp`.
    pub fn notcp(mut self, on: bool) -> Self {
        self.url.params.notcp = Some(if on { Flag::On } else { Flag::Off });
        self
    }

    /// `noudp`.
    pub fn noudp(mut self, on: bool) -> Self {
        self.url.params.noudp = Some(if on { Flag::On } else { Flag::Off });
        self
    }

    /// A parameter the process does not read (kept by a master).
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.url.params.extra.insert(key.into(), value.into());
        self
    }

    /// Replaces every parameter.
    pub fn params(mut self, params: Params) -> Self {
        self.url.params = params;
        self
    }

    /// Validates and returns the URL: at least one target, no target on the tunnel port of a
    /// loopback or unspecified address, parameter values the process accepts.
    pub fn build(self) -> Result<InstanceUrl, UrlError> {
        let url = self.url;
        if url.targets.is_empty() {
            return Err(UrlError::new(
                UrlPart::Targets,
                "no valid target address found",
                "GetAddress: no valid target address found",
            ));
        }
        for (part, address) in std::iter::once((UrlPart::TunnelAddress, &url.tunnel)).chain(
            url.targets
                .iter()
                .enumerate()
                .map(|(i, t)| (UrlPart::Target(i + 1), t)),
        ) {
            match &address.host {
                Host::Name(n) if !valid_name(n) || parse_ip_literal(n).is_some() => {
                    return Err(UrlError::strict(part, format!("`{n}` is not a host name")));
                }
                Host::ScopedIpv6 { zone, .. } if !valid_zone(zone) => {
                    return Err(UrlError::strict(
                        part,
                        format!("`{zone}` is not an IPv6 zone"),
                    ));
                }
                _ => {}
            }
        }
        check_loop(&url.tunnel, &url.targets)?;
        url.params.validate()?;
        Ok(url)
    }
}

impl fmt::Display for InstanceUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(64);
        self.write(&mut s);
        f.write_str(&s)
    }
}

impl std::str::FromStr for InstanceUrl {
    type Err = UrlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for InstanceUrl {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for InstanceUrl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The `url` of a create or replace request.
///
/// A master accepts any URL Go's `url.Parse` accepts with scheme `client` or `server` (and
/// stores it even when its process will fail). This type also refuses, with an error naming
/// the part, a URL whose tunnel address a process cannot use (missing, no port, a port that is
/// not a number, IPv6 without brackets) or that has no target at all. Targets are not checked
/// one by one, so a URL read back from a master can be sent again; check them with
/// [`InstanceUrl::parse`] or [`Process::parse`].
///
/// `Display` writes the URL as sent; `Debug` hides its tunnel key (the user information).
///
/// ```
/// use nodewire_nodepass::url::RequestUrl;
/// assert!(RequestUrl::new("server://:10101/127.0.0.1:8080").is_ok());
/// let err = RequestUrl::new("client://x").unwrap_err();
/// assert!(err.to_string().starts_with("tunnel address"));
/// assert!(RequestUrl::new("master://h:1/x").unwrap_err().to_string().starts_with("scheme"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, derive_more::Debug)]
#[serde(try_from = "String", into = "String")]
pub struct RequestUrl(#[debug("{:?}", redact_url(_0))] String);

impl RequestUrl {
    /// Validates `url`.
    pub fn new(url: impl Into<String>) -> Result<Self, UrlError> {
        let url = url.into();
        if url.is_empty() {
            return Err(UrlError::new(UrlPart::Url, "empty", "Invalid request body"));
        }
        let parsed = go::parse(&url).map_err(|e| UrlError::from_go(&e))?;
        if parsed.scheme != "server" && parsed.scheme != "client" {
            return Err(UrlError::new(
                UrlPart::Scheme,
                format!("`{}` is not `server` or `client`", parsed.scheme),
                "Invalid URL scheme",
            ));
        }
        let tunnel = String::from_utf8_lossy(&parsed.host);
        if tunnel.is_empty() {
            return Err(UrlError::new(
                UrlPart::TunnelAddress,
                "missing: write host:port after the scheme",
                "GetAddress: no valid tunnel address found",
            ));
        }
        process::resolve(&tunnel).map_err(|e| {
            UrlError::new(
                UrlPart::TunnelAddress,
                format!("`{tunnel}`: {e}"),
                format!("GetAddress: resolveTCPAddr failed: {e}"),
            )
        })?;
        let path = String::from_utf8_lossy(&parsed.path);
        let list = path.strip_prefix('/').unwrap_or(&path);
        if list.split(',').all(|t| t.trim().is_empty()) {
            return Err(UrlError::new(
                UrlPart::Targets,
                "no target address",
                "GetAddress: no valid target address found",
            ));
        }
        Ok(Self(url))
    }
}

nodewire_common::text_newtype!(RequestUrl, UrlError);

impl From<&InstanceUrl> for RequestUrl {
    fn from(url: &InstanceUrl) -> Self {
        Self(url.to_string())
    }
}

impl From<InstanceUrl> for RequestUrl {
    fn from(url: InstanceUrl) -> Self {
        Self(url.to_string())
    }
}

nodewire_common::fixed_schema!(RequestUrl, {
    "type": "string",
    "minLength": 1,
    "pattern": "^([Ss][Ee][Rr][Vv][Ee][Rr]|[Cc][Ll][Ii][Ee][Nn][Tt])://",
    "description": "An instance URL: server:// or client://[key@]host:port/target[,target...][?query]. The tunnel address needs a numeric port (IPv6 in brackets) and at least one target.",
    "examples": ["server://:10101/127.0.0.1:8080?tls=1"]
});

impl schemars::JsonSchema for InstanceUrl {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("InstanceUrl")
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        RequestUrl::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_url_debug_hides_the_tunnel_key() {
        let url = RequestUrl::new("client://s3cr3t-k3y@example.com:10101/127.0.0.1:8080").unwrap();
        let debug = format!("{url:?}");
        assert!(!debug.contains("s3cr3t-k3y"), "{debug}");
        assert_eq!(
            debug,
            r#"RequestUrl("client://[redacted]@example.com:10101/127.0.0.1:8080")"#
        );
        assert_eq!(
            url.to_string(),
            "client://s3cr3t-k3y@example.com:10101/127.0.0.1:8080"
        );
    }
}
