//! A small splitter for absolute `http(s)` URLs that follows Go's `net/url.Parse` where the
//! agent's rules depend on it: control characters, the scheme grammar, `//authority`, host
//! characters, numeric ports, and `%` escapes in the host, path and fragment.
//!
//! The `url` crate is not used on purpose: it normalizes (case, trailing slashes, IDNA,
//! percent-encoding) where Go keeps the text, and it refuses some URLs Go accepts.

use nodewire_common::go_url;

/// The pieces of a URL, borrowed from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlParts<'a> {
    /// The scheme as written (Go compares it lowercased).
    pub scheme: &'a str,
    /// Everything between `//` and the path (userinfo, host, port).
    pub authority: &'a str,
    /// Host and port without userinfo (Go `URL.Host`).
    pub host_port: &'a str,
    /// The host without brackets or port (Go `URL.Hostname()`).
    pub host: &'a str,
    /// The raw (escaped) path, possibly empty.
    pub path: &'a str,
    /// The raw query after `?`.
    pub query: Option<&'a str>,
    /// The raw fragment after `#`.
    pub fragment: Option<&'a str>,
}

/// Splits `text` as Go's `url.Parse` would, returning Go's reason on failure.
pub(crate) fn parse(text: &str) -> Result<UrlParts<'_>, String> {
    if go_url::contains_ctl_byte(text) {
        return Err("net/url: invalid control character in URL".to_owned());
    }
    let (rest, fragment) = match text.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (text, None),
    };
    if let Some(fragment) = fragment {
        check_escapes(fragment)?;
    }
    let (scheme, rest) =
        go_url::split_scheme(rest).ok_or_else(|| "missing protocol scheme".to_owned())?;
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => match after.find('/') {
            Some(i) => after.split_at(i),
            None => (after, ""),
        },
        None => ("", rest),
    };
    let (host_port, host) = parse_authority(authority)?;
    check_escapes(path)?;
    Ok(UrlParts {
        scheme,
        authority,
        host_port,
        host,
        path,
        query,
        fragment,
    })
}

fn parse_authority(authority: &str) -> Result<(&str, &str), String> {
    let host_port = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => {
            if !userinfo.bytes().all(valid_userinfo_byte) {
                return Err("net/url: invalid userinfo".to_owned());
            }
            host_port
        }
        None => authority,
    };
    let (host, port) = if let Some(rest) = host_port.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| "missing ']' in host".to_owned())?;
        let port = match after {
            "" => None,
            _ => Some(
                after
                    .strip_prefix(':')
                    .ok_or_else(|| format!("invalid port {after:?} after host"))?,
            ),
        };
        (host, port)
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if let Some(port) = port
        && !port.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!("invalid port \":{port}\" after host"));
    }
    check_escapes(host)?;
    if let Some(bad) = host.bytes().find(|b| *b < 0x80 && !valid_host_byte(*b)) {
        return Err(format!(
            "invalid character {:?} in host name",
            char::from(bad)
        ));
    }
    Ok((host_port, host))
}

fn valid_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(b, b'-' | b'_' | b'.' | b'~' | b'%')
        || go_url::is_host_sub_delim(b)
}

fn valid_userinfo_byte(b: u8) -> bool {
    b >= 0x80 || go_url::is_userinfo_byte(b)
}

/// Every `%` must start a two-digit hex escape.
fn check_escapes(text: &str) -> Result<(), String> {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let ok = matches!((b.get(i + 1), b.get(i + 2)), (Some(x), Some(y)) if x.is_ascii_hexdigit() && y.is_ascii_hexdigit());
            if !ok {
                let end = (i + 3).min(b.len());
                return Err(format!(
                    "invalid URL escape {:?}",
                    String::from_utf8_lossy(b.get(i..end).unwrap_or_default())
                ));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// Decodes `%XX` escapes (Go `unescape`, path mode: `+` stays `+`).
pub(crate) fn unescape(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Escapes a decoded path as Go's `URL.EscapedPath` does when it cannot reuse the raw path
/// (`shouldEscape(c, encodePath)`): unreserved characters and `$&+,/:;=@` stay, everything
/// else becomes `%XX`.
pub(crate) fn escape_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_'
                    | b'.'
                    | b'~'
                    | b'$'
                    | b'&'
                    | b'+'
                    | b','
                    | b'/'
                    | b':'
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_go() -> Result<(), String> {
        let u = parse("https://user:pw@d.example:8443/x/api/node/metrics?t=1#top")?;
        assert_eq!(u.scheme, "https");
        assert_eq!(u.authority, "user:pw@d.example:8443");
        assert_eq!(u.host, "d.example");
        assert_eq!(u.path, "/x/api/node/metrics");
        assert_eq!(u.query, Some("t=1"));
        assert_eq!(u.fragment, Some("top"));
        let u = parse("http://[::1]:80/api")?;
        assert_eq!(u.host, "::1");
        let u = parse("http:///path")?;
        assert_eq!(u.host, "");
        let u = parse("example.com/api")?;
        assert_eq!(u.scheme, "");
        Ok(())
    }

    #[test]
    fn refuses_what_go_refuses() {
        for bad in [
            "http://a b/",
            "http://host:port/",
            "http://h/%zz",
            "http://h/\n",
            "://h/",
            "http://[::1/",
            "http://h/#%",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn path_escaping() {
        assert_eq!(escape_path("/a!b/static"), "/a%21b/static");
        assert_eq!(escape_path("/a b/ü"), "/a%20b/%C3%BC");
        assert_eq!(unescape("/api/node/%6Detrics"), "/api/node/metrics");
    }
}
