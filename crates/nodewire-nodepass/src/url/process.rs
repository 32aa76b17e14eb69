//! What a `nodepass` process makes of an instance URL (`InitConfig`, `GetAddress` and the
//! parameter readers, `internal/common/config.go`; `getTLSProtocol`, `cmd/nodepass/tls.go`).

use std::net::IpAddr;

use serde::Serialize;

use super::go::{self, Values};
use super::{
    GoDuration, LogLevel, Role, TlsCode, TunnelKey, UrlError, UrlPart, fnv1a_key, go_ip_string,
    go_is_loopback, go_is_unspecified, join_host_port, parse_ip_literal, split_host_port,
};

/// Facts about the host a process runs on that a URL alone does not tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Environment {
    /// Whether the `crt`/`key` files of a `tls=2` URL load. When they do not (the default
    /// here, since a URL cannot tell), the process falls back to TLS code 1.
    pub certificates_load: bool,
}

/// The tunnel address or one target, as the process resolves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProcessAddress {
    /// The text as it appears (decoded, trimmed).
    pub raw: String,
    /// The host (brackets removed).
    pub host: String,
    /// The port text.
    pub port: String,
    /// The resolved address (Go's `TCPAddr.String()`), for IP literals and empty hosts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    /// `true` when the host is a name the process resolves through DNS (not done here).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub needs_dns: bool,
    #[serde(skip)]
    ip: Option<IpAddr>,
    #[serde(skip)]
    port_number: u16,
}

impl ProcessAddress {
    /// The port number.
    pub fn port_number(&self) -> u16 {
        self.port_number
    }

    /// The IP, for an IP literal.
    pub fn ip(&self) -> Option<IpAddr> {
        self.ip
    }
}

/// The effective value of every parameter, named as the process uses them. Role-specific
/// values are present only for their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Effective {
    /// `block` as written (`0` by default).
    pub block: String,
    /// `block` contains `2`: HTTP is refused.
    pub block_http: bool,
    /// `block` contains `1`: SOCKS4/5 is refused.
    pub block_socks: bool,
    /// `block` contains `3`: TLS is refused.
    pub block_tls: bool,
    /// `dial`: the source IP as written, or `auto`.
    pub dial: String,
    /// `dns`: the DNS cache TTL (0: no caching).
    pub dns_ttl: GoDuration,
    /// `lbs` as written (`0` by default; values other than `1`/`2` behave as `0`).
    pub lbs: String,
    /// The log level (`log`; anything unknown is `info`).
    pub log: LogLevel,
    /// Server: `max`, the pool capacity it announces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Client: `max`, used until the server's value arrives in the handshake.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_until_handshake: Option<i64>,
    /// Client: `min`, the minimum pool capacity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// `mode` as written (`0` by default; other values behave as auto).
    pub mode: String,
    /// `notcp` as written (`1` disables TCP).
    pub notcp: String,
    /// `noudp` as written (`1` disables UDP).
    pub noudp: String,
    /// `proxy` as written (`1` sends a PROXY v1 header).
    pub proxy: String,
    /// `rate` in bytes per second (Mbps × 125000; 0: unlimited).
    pub rate_bytes_per_s: i64,
    /// `rate` in Mbps (0: unlimited).
    pub rate_mbps: i64,
    /// `read`: the read timeout (0: none).
    pub read_timeout: GoDuration,
    /// The TLS server name: `sni`, else the tunnel host when it is a name, else `none`.
    pub server_name: String,
    /// `slot`: the connection limit (0: unlimited).
    pub slot: i64,
    /// Server: the TLS code of the data channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_code: Option<TlsCode>,
    /// Client: whether a single-end listener terminates TLS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_listener_single_end: Option<bool>,
    /// The tunnel key: the userinfo's user name, else FNV-1a of the port.
    pub tunnel_key: TunnelKey,
    /// Server: `type`, the pool type, as written (`0` by default).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub pool_type: Option<String>,
    /// Client: `type` as written; clients learn the pool type in the handshake.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_ignored_on_client: Option<String>,
}

/// A URL as a process sees it at start-up.
///
/// ```
/// use nodewire_nodepass::url::{Environment, Process};
/// let p = Process::parse("client://[::1]:10101/[::1]:8080, :9090?slot=0&dns=abc&log=debug&log=warn",
///     &Environment::default()).unwrap();
/// assert_eq!(p.effective.tunnel_key.expose(), "e68be2b4");
/// assert_eq!(p.targets.len(), 2);
/// assert_eq!(p.targets[1].resolved.as_deref(), Some(":9090"));
/// assert_eq!(p.effective.slot, 0);
/// assert_eq!(p.effective.dns_ttl.to_string(), "0s");
/// assert_eq!(p.effective.log.as_str(), "debug");
/// let err = Process::parse("server://::1:10101/127.0.0.1:8080", &Environment::default()).unwrap_err();
/// assert_eq!(err.upstream_text().unwrap(), "GetAddress: resolveTCPAddr failed: address ::1:10101: too many colons in address");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Process {
    /// Server or client.
    #[serde(skip)]
    pub role: Role,
    /// The tunnel address.
    pub tunnel: ProcessAddress,
    /// The targets, in order.
    pub targets: Vec<ProcessAddress>,
    /// The effective parameter values.
    pub effective: Effective,
}

/// A port as Go's `LookupPort` reads it: digits with an optional sign (`""` is 0), else a
/// service name.
fn lookup_port(port: &str) -> Result<u16, String> {
    let (negative, digits) = match port.strip_prefix('+') {
        Some(rest) => (false, rest),
        None => match port.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, port),
        },
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        // A service name: the process looks it up in the host's services database, which
        // this crate does not read; a name that is no service fails as Go's lookup does.
        return Err(format!("lookup tcp/{port}: unknown port"));
    }
    let value: u64 = if digits.is_empty() {
        0
    } else {
        digits.parse().unwrap_or(u64::MAX)
    };
    match u16::try_from(value) {
        Ok(p) if !negative || p == 0 => Ok(p),
        _ => Err(format!("address {port}: invalid port")),
    }
}

/// Resolves `addr` as Go's `ResolveTCPAddr` does, without DNS; the error is Go's text.
pub(crate) fn resolve(addr: &str) -> Result<ProcessAddress, String> {
    let (host, port) = split_host_port(addr)?;
    let port_number = lookup_port(port)?;
    let mut out = ProcessAddress {
        raw: addr.to_owned(),
        host: host.to_owned(),
        port: port.to_owned(),
        resolved: None,
        needs_dns: false,
        ip: None,
        port_number,
    };
    if host.is_empty() {
        out.resolved = Some(format!(":{port_number}"));
    } else if let Some(literal) = parse_ip_literal(host) {
        let mut ip = go_ip_string(&literal.ip);
        if let Some(zone) = &literal.zone {
            ip.push('%');
            ip.push_str(zone);
        }
        out.resolved = Some(join_host_port(&ip, &port_number.to_string()));
        out.ip = Some(literal.ip);
    } else {
        out.needs_dns = true;
    }
    Ok(out)
}

fn get_address_error(message: String) -> UrlError {
    let upstream = format!("GetAddress: {message}");
    UrlError::new(UrlPart::Targets, message, upstream)
}

/// `GetAddress`: the tunnel address, the targets, and the loop guard.
pub(crate) fn addresses(
    url: &go::GoUrl<'_>,
) -> Result<(ProcessAddress, Vec<ProcessAddress>), UrlError> {
    let tunnel_text = String::from_utf8_lossy(&url.host);
    if tunnel_text.is_empty() {
        return Err(UrlError::new(
            UrlPart::TunnelAddress,
            "no valid tunnel address found",
            "GetAddress: no valid tunnel address found",
        ));
    }
    let tunnel = resolve(&tunnel_text).map_err(|e| {
        UrlError::new(
            UrlPart::TunnelAddress,
            format!("`{tunnel_text}`: {e}"),
            format!("GetAddress: resolveTCPAddr failed: {e}"),
        )
    })?;
    let path = String::from_utf8_lossy(&url.path);
    let list = path.strip_prefix('/').unwrap_or(&path);
    if list.is_empty() {
        return Err(get_address_error(
            "no valid target address found".to_owned(),
        ));
    }
    let mut targets = Vec::new();
    for item in list.split(',') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let target = resolve(item).map_err(|e| {
            UrlError::new(
                UrlPart::Target(targets.len() + 1),
                format!("`{item}`: {e}"),
                format!("GetAddress: resolveTCPAddr failed for {item}: {e}"),
            )
        })?;
        targets.push(target);
    }
    if targets.is_empty() {
        return Err(get_address_error(
            "no valid target address found".to_owned(),
        ));
    }
    check_loop(&tunnel, &targets)?;
    Ok((tunnel, targets))
}

/// The loop guard: a target on the tunnel port is refused when it is a loopback address or
/// the tunnel listens on an unspecified address. Only IP literals can be checked here.
pub(crate) fn check_loop(
    tunnel: &ProcessAddress,
    targets: &[ProcessAddress],
) -> Result<(), UrlError> {
    let tunnel_unspecified = tunnel.ip.as_ref().is_some_and(go_is_unspecified);
    for (i, target) in targets.iter().enumerate() {
        let Some(resolved) = &target.resolved else {
            continue;
        };
        let loopback = target.ip.as_ref().is_some_and(go_is_loopback);
        if target.port_number == tunnel.port_number && (loopback || tunnel_unspecified) {
            let message = format!(
                "tunnel port {} conflicts with target address {resolved}",
                tunnel.port_number
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

fn text(values: &Values<'_>, key: &str) -> String {
    String::from_utf8_lossy(values.get(key)).into_owned()
}

/// Go's `strconv.Atoi` followed by the readers' `value > 0` test: `Ok(Some(v))` when
/// accepted, `Ok(None)` when absent, `Err(())` when present but refused.
fn positive_int(values: &Values<'_>, key: &str) -> Result<Option<i64>, ()> {
    let raw = values.get(key);
    if raw.is_empty() {
        return Ok(None);
    }
    match std::str::from_utf8(raw)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
    {
        Some(v) if v > 0 => Ok(Some(v)),
        _ => Err(()),
    }
}

fn positive_duration(values: &Values<'_>, key: &str, default: GoDuration) -> GoDuration {
    let raw = values.get(key);
    if raw.is_empty() {
        return default;
    }
    match std::str::from_utf8(raw).ok().map(GoDuration::parse) {
        Some(Ok(d)) if d.is_positive() => d,
        _ => GoDuration::ZERO,
    }
}

fn or_default(value: String, default: &str) -> String {
    if value.is_empty() {
        default.to_owned()
    } else {
        value
    }
}

pub(crate) fn effective(
    url: &go::GoUrl<'_>,
    role: Role,
    tunnel_host: &str,
    env: &Environment,
) -> Effective {
    let q = Values::parse(url.raw_query);
    let key = url.username();
    let tunnel_key = if key.is_empty() {
        fnv1a_key(url.port())
    } else {
        String::from_utf8_lossy(key).into_owned()
    };
    let tls = tls_code(&q, env);
    let max = match positive_int(&q, "max") {
        Ok(Some(v)) => v,
        Ok(None) => 1024,
        Err(()) => 0,
    };
    let min = match positive_int(&q, "min") {
        Ok(Some(v)) => v,
        Ok(None) => 64,
        Err(()) => 0,
    };
    let rate_bytes_per_s = match positive_int(&q, "rate") {
        Ok(Some(v)) => v.wrapping_mul(125_000),
        _ => 0,
    };
    let slot = match positive_int(&q, "slot") {
        Ok(Some(v)) => i64::from(v as i32),
        Ok(None) => 65536,
        Err(()) => 0,
    };
    let sni = text(&q, "sni");
    let server_name = if !sni.is_empty() {
        sni
    } else if tunnel_host.is_empty() || tunnel_host.parse::<IpAddr>().is_ok() {
        "none".to_owned()
    } else {
        tunnel_host.to_owned()
    };
    let dial = text(&q, "dial");
    let dial = if !dial.is_empty() && dial != "auto" && dial.parse::<IpAddr>().is_ok() {
        dial
    } else {
        "auto".to_owned()
    };
    let block = or_default(text(&q, "block"), "0");
    let pool_type = or_default(text(&q, "type"), "0");
    let log = match q.get("log") {
        b"none" => LogLevel::None,
        b"debug" => LogLevel::Debug,
        b"warn" => LogLevel::Warn,
        b"error" => LogLevel::Error,
        b"event" => LogLevel::Event,
        _ => LogLevel::Info,
    };
    let server = role == Role::Server;
    Effective {
        block_http: block.contains('2'),
        block_socks: block.contains('1'),
        block_tls: block.contains('3'),
        block,
        dial,
        dns_ttl: positive_duration(&q, "dns", GoDuration::from_secs(300)),
        lbs: or_default(text(&q, "lbs"), "0"),
        log,
        max: server.then_some(max),
        max_until_handshake: (!server).then_some(max),
        min: (!server).then_some(min),
        mode: or_default(text(&q, "mode"), "0"),
        notcp: or_default(text(&q, "notcp"), "0"),
        noudp: or_default(text(&q, "noudp"), "0"),
        proxy: or_default(text(&q, "proxy"), "0"),
        rate_bytes_per_s,
        rate_mbps: rate_bytes_per_s / 125_000,
        read_timeout: positive_duration(&q, "read", GoDuration::ZERO),
        server_name,
        slot,
        tls_code: server.then(|| tls.clone()),
        tls_listener_single_end: (!server).then_some(tls != TlsCode::Off),
        tunnel_key: TunnelKey::from_process(tunnel_key),
        pool_type: server.then(|| pool_type.clone()),
        type_ignored_on_client: (!server).then_some(pool_type),
    }
}

fn tls_code(q: &Values<'_>, env: &Environment) -> TlsCode {
    super::master::tls_code(
        &text(q, "tls"),
        &text(q, "crt"),
        &text(q, "key"),
        &text(q, "type"),
        env.certificates_load,
    )
}

impl Process {
    /// Reads `url` as a process started with it does, or returns the error it exits with
    /// ([`UrlError::upstream_text`] is the process's own message). Host names are not
    /// resolved: their addresses are reported with `needs_dns`, and checks that need the
    /// address (the loop guard) are skipped for them; a port must be a number (the process
    /// would also try the host's services database).
    pub fn parse(url: &str, env: &Environment) -> Result<Self, UrlError> {
        let parsed = go::parse(url).map_err(|e| UrlError::from_go(&e))?;
        let role = match &*parsed.scheme {
            "server" => Role::Server,
            "client" => Role::Client,
            other => {
                return Err(UrlError::new(
                    UrlPart::Scheme,
                    format!("`{other}` is not `server` or `client`"),
                    format!("createCore: unknown core: {url}"),
                ));
            }
        };
        let (tunnel, targets) = addresses(&parsed)?;
        let effective = effective(&parsed, role, &tunnel.host, env);
        Ok(Self {
            role,
            tunnel,
            targets,
            effective,
        })
    }
}

/// The host `net.SplitHostPort` finds in `host_port`, empty when it fails (the process's
/// first guess at the TLS server name).
#[cfg(test)]
pub(crate) fn split_host_port_host(host_port: &str) -> &str {
    split_host_port(host_port)
        .map(|(host, _)| host)
        .unwrap_or_default()
}
