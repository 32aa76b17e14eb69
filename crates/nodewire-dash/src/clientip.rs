//! The client address Dash keys its rate limit on (EiluneKit v0.1.8 `clientip/ip.go`, used
//! by `http/middleware/ratelimit.go:70-89`).
//!
//! Without trusted proxies the client is the connection's peer address (`ip.go:46-54`).
//! With trusted proxies, and only when the peer is one of them, the forwarded headers are read
//! (`ip.go:56-103`): the first of `Forwarded`, `X-Forwarded-For`, `True-Client-IP`,
//! `CF-Connecting-IP`, `X-Real-IP` that yields an address, walked from the right, and the
//! first address that is not a trusted proxy is the client. Dash 0.2.0 passes its
//! `http.trusted_proxies` configuration here (Dash `internal/transport/http/api/node/router.go:13-21`,
//! `internal/config/proxies.go:9-30`).

use std::net::{IpAddr, Ipv6Addr};

use http::HeaderMap;
use ipnet::IpNet;

/// An address as Go's `netip.ParseAddr` reads it: IPv6 may carry a zone (`fe80::1%eth0`),
/// and a zoned address never lies in a prefix (`netip.Prefix.Contains`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Addr {
    ip: IpAddr,
    zoned: bool,
}

/// The client address of a request, as EiluneKit's `clientip.FromRequest` finds it
/// (`clientip/ip.go:46-81`).
///
/// `remote` is the connection's peer (`None` when it has no IP address, e.g. a Unix socket;
/// the rate limit then files the request under one shared `unknown` key). An IPv4 peer seen
/// on a dual-stack socket as `::ffff:a.b.c.d` counts as IPv4, as Go reports it. Addresses
/// taken from headers are used as written: `::ffff:a.b.c.d` there stays IPv6, as in Go.
///
/// ```
/// use nodewire_dash::clientip::from_request;
/// let mut headers = http::HeaderMap::new();
/// headers.insert("x-forwarded-for", "198.51.100.7, 10.0.0.2".parse().unwrap());
/// let proxy = "10.0.0.1".parse().ok();
/// // Headers are ignored unless the peer is a trusted proxy.
/// assert_eq!(from_request(proxy, &headers, &[]), proxy);
/// let trusted = ["10.0.0.0/8".parse().unwrap()];
/// assert_eq!(from_request(proxy, &headers, &trusted), "198.51.100.7".parse().ok());
/// ```
pub fn from_request(
    remote: Option<IpAddr>,
    headers: &HeaderMap,
    trusted_proxies: &[IpNet],
) -> Option<IpAddr> {
    let remote = remote.map(|ip| ip.to_canonical())?;
    if trusted_proxies.is_empty()
        || !is_trusted(
            Addr {
                ip: remote,
                zoned: false,
            },
            trusted_proxies,
        )
    {
        return Some(remote);
    }
    let candidates = forwarded_candidates(headers);
    Some(
        candidates
            .iter()
            .rev()
            .find(|a| !is_trusted(**a, trusted_proxies))
            .map_or(remote, |a| a.ip),
    )
}

/// `forwardedCandidates` (`ip.go:83-103`): the first header that yields any address.
fn forwarded_candidates(headers: &HeaderMap) -> Vec<Addr> {
    let forwarded = parse_forwarded_for_list(&header(headers, "forwarded"));
    if !forwarded.is_empty() {
        return forwarded;
    }
    let xff = parse_x_forwarded_for_list(&header(headers, "x-forwarded-for"));
    if !xff.is_empty() {
        return xff;
    }
    ["true-client-ip", "cf-connecting-ip", "x-real-ip"]
        .iter()
        .find_map(|name| parse_addr(header(headers, name).trim()))
        .map(|a| vec![a])
        .unwrap_or_default()
}

/// Go's `Header.Get`: the first value, or empty.
fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

/// `parseForwardedForList` (`ip.go:105-137`): per comma-separated element, the first
/// `for=` parameter that parses (quotes and brackets trimmed, a port stripped).
fn parse_forwarded_for_list(raw: &str) -> Vec<Addr> {
    let mut out = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        for param in part.split(';').map(str::trim) {
            let Some((name, value)) = param.split_at_checked(4) else {
                continue;
            };
            if !name.eq_ignore_ascii_case("for=") {
                continue;
            }
            let value = value.trim().trim_matches('"');
            let value = value.strip_prefix('[').unwrap_or(value);
            let value = value.strip_suffix(']').unwrap_or(value);
            let value = split_host_port(value).unwrap_or(value);
            if let Some(addr) = parse_addr(value) {
                out.push(addr);
                break;
            }
        }
    }
    out
}

/// `parseXForwardedForList` (`ip.go:139-155`): every comma-separated address that parses.
fn parse_x_forwarded_for_list(raw: &str) -> Vec<Addr> {
    raw.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .filter_map(parse_addr)
        .collect()
}

/// Go's `netip.ParseAddr`, zones included (dropped from the address, remembered).
fn parse_addr(text: &str) -> Option<Addr> {
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(Addr { ip, zoned: false });
    }
    let (ip, zone) = text.split_once('%')?;
    if zone.is_empty() {
        return None;
    }
    ip.parse::<Ipv6Addr>().ok().map(|ip| Addr {
        ip: IpAddr::V6(ip),
        zoned: true,
    })
}

/// The host part of Go's `net.SplitHostPort`, `None` where Go returns an error
/// (`ip.go:169-177` keeps the text unchanged then).
fn split_host_port(hostport: &str) -> Option<&str> {
    let colon = hostport.rfind(':')?;
    let (host, inner_from, outer_from) = if let Some(rest) = hostport.strip_prefix('[') {
        let end = rest.find(']')?;
        // `]` must be followed by the last colon.
        if end.checked_add(2)? != colon {
            return None;
        }
        (rest.get(..end)?, 1, end.checked_add(2)?)
    } else {
        let host = hostport.get(..colon)?;
        if host.contains(':') {
            return None;
        }
        (host, 0, 0)
    };
    if hostport.get(inner_from..)?.contains('[') || hostport.get(outer_from..)?.contains(']') {
        return None;
    }
    Some(host)
}

/// `isTrustedIP` (`ip.go:179-189`).
fn is_trusted(addr: Addr, trusted: &[IpNet]) -> bool {
    !addr.zoned && trusted.iter().any(|net| net.contains(&addr.ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        text.parse().ok()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn peer_without_trusted_proxies() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            from_request(ip("192.0.2.1"), &h, &[]),
            ip("192.0.2.1"),
            "headers are ignored without trusted proxies"
        );
        assert_eq!(
            from_request(ip("::ffff:192.0.2.1"), &h, &[]),
            ip("192.0.2.1")
        );
        assert_eq!(from_request(None, &h, &nets(&["0.0.0.0/0"])), None);
        // An untrusted peer's headers are ignored.
        assert_eq!(
            from_request(ip("192.0.2.1"), &h, &nets(&["10.0.0.0/8"])),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn trusted_proxy_headers_in_upstream_order() {
        let trusted = nets(&["10.0.0.0/8", "fd00::/8"]);
        let proxy = ip("10.1.1.1");
        // Rightmost untrusted address wins.
        let h = headers(&[("x-forwarded-for", "198.51.100.1, 203.0.113.5, 10.2.2.2")]);
        assert_eq!(from_request(proxy, &h, &trusted), ip("203.0.113.5"));
        // Forwarded beats X-Forwarded-For; quotes, brackets and ports are stripped.
        let h = headers(&[
            (
                "forwarded",
                "for=\"[2001:db8::7]\";proto=https, For=192.0.2.60:4711",
            ),
            ("x-forwarded-for", "198.51.100.1"),
        ]);
        assert_eq!(from_request(proxy, &h, &trusted), ip("192.0.2.60"));
        // A bracketed IPv6 address with a port does not parse in Go, so it is skipped.
        let h = headers(&[("forwarded", "for=\"[2001:db8::7]:4711\"")]);
        assert_eq!(from_request(proxy, &h, &trusted), proxy);
        let h = headers(&[("forwarded", "for=\"[2001:db8::7]\"")]);
        assert_eq!(from_request(proxy, &h, &trusted), ip("2001:db8::7"));
        // Single-address headers, in order.
        let h = headers(&[
            ("x-real-ip", "198.51.100.3"),
            ("cf-connecting-ip", " 198.51.100.2 "),
        ]);
        assert_eq!(from_request(proxy, &h, &trusted), ip("198.51.100.2"));
        let h = headers(&[("true-client-ip", "bogus"), ("x-real-ip", "198.51.100.3")]);
        assert_eq!(from_request(proxy, &h, &trusted), ip("198.51.100.3"));
        // Every forwarded address trusted, or none parses: the peer.
        let h = headers(&[("x-forwarded-for", "10.9.9.9, fd00::1")]);
        assert_eq!(from_request(proxy, &h, &trusted), proxy);
        let h = headers(&[("x-forwarded-for", "nonsense, ")]);
        assert_eq!(from_request(proxy, &h, &trusted), proxy);
        // A zoned address is never trusted; a mapped address stays IPv6.
        let h = headers(&[("x-forwarded-for", "fd00::5%eth0, fd00::1")]);
        assert_eq!(from_request(proxy, &h, &trusted), ip("fd00::5"));
        let h = headers(&[("x-forwarded-for", "::ffff:192.0.2.4")]);
        assert_eq!(from_request(proxy, &h, &trusted), ip("::ffff:192.0.2.4"));
    }

    #[test]
    fn go_split_host_port() {
        assert_eq!(split_host_port("1.2.3.4:80"), Some("1.2.3.4"));
        assert_eq!(split_host_port("1.2.3.4:"), Some("1.2.3.4"));
        assert_eq!(split_host_port("[::1]:80"), Some("::1"));
        assert_eq!(split_host_port("::1"), None);
        assert_eq!(split_host_port("1.2.3.4"), None);
        assert_eq!(split_host_port("[::1]"), None);
        assert_eq!(split_host_port("[::1]x:80"), None);
        assert_eq!(split_host_port("a]:80"), None);
        assert_eq!(split_host_port("[a[b]:80"), None);
    }
}
