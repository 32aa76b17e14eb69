//! Go's `net/url` rules, as a NodePass master and process apply them: `url.Parse`,
//! `URL.String`, `URL.Port` / `Hostname`, `url.ParseQuery` and `Values.Encode`.
//!
//! Decoded parts are bytes, as in Go (`%FF` decodes to a byte that is not UTF-8); everything
//! this module writes is ASCII except an opaque part, which is copied from the input.

use std::borrow::Cow;

use nodewire_common::go_url;

/// Which part of a URL an escape applies to (Go's `encoding` modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    QueryComponent,
    Fragment,
}

/// The part of a URL a parse error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Url,
    Scheme,
    Userinfo,
    Host,
    Port,
    Path,
    Fragment,
}

/// Why Go's `url.Parse` refuses a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    ControlCharacter,
    MissingScheme,
    FirstSegmentColon,
    Escape(Vec<u8>),
    InvalidHost(String),
    InvalidPort(String),
    MissingBracket,
    InvalidUserinfo,
    /// A `[` that does not open the host, or brackets around an IPv4 address.
    InvalidIpLiteral,
    /// Brackets around something `netip.ParseAddr` refuses (Go's message, quoted already).
    InvalidHostAddress(String),
}

impl ErrorKind {
    /// Go's error text.
    pub(crate) fn go_text(&self) -> String {
        match self {
            Self::ControlCharacter => "net/url: invalid control character in URL".to_owned(),
            Self::MissingScheme => "missing protocol scheme".to_owned(),
            Self::FirstSegmentColon => "first path segment in URL cannot contain colon".to_owned(),
            Self::Escape(s) => format!("invalid URL escape {}", quote_bytes(s)),
            Self::InvalidHost(s) => format!("invalid character {} in host name", quote(s)),
            Self::InvalidPort(s) => format!("invalid port {} after host", quote(s)),
            Self::MissingBracket => "missing ']' in host".to_owned(),
            Self::InvalidUserinfo => "net/url: invalid userinfo".to_owned(),
            Self::InvalidIpLiteral => "invalid IP-literal".to_owned(),
            Self::InvalidHostAddress(message) => format!("invalid host: {message}"),
        }
    }
}

/// A `url.Parse` failure: the part, the reason, and the text Go would print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub(crate) part: Part,
    pub(crate) kind: ErrorKind,
    /// The string Go quotes in its message (the URL without its fragment, or all of it for a
    /// fragment error).
    pub(crate) subject: String,
}

impl ParseError {
    /// `parse "<url>": <reason>`, as Go's `*url.Error` prints.
    pub(crate) fn go_text(&self) -> String {
        format!("parse {}: {}", quote(&self.subject), self.kind.go_text())
    }
}

/// Go's `strconv.Quote`, for the ASCII and printable text error messages carry.
pub(crate) fn quote(s: &str) -> String {
    quote_bytes(s.as_bytes())
}

/// Go's `strconv.Quote` over bytes: a byte that is not part of valid UTF-8 is written `\xNN`.
pub(crate) fn quote_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        quote_chars(&mut out, chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

fn quote_chars(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                if (c as u32) <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
}

const fn should_escape_ascii(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone) && go_url::is_host_sub_delim(c) {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => return c == b'?',
            Mode::UserPassword => return matches!(c, b'@' | b'/' | b'?' | b':'),
            Mode::QueryComponent => return true,
            Mode::Fragment => return false,
            Mode::Host | Mode::Zone => {}
        },
        _ => {}
    }
    if matches!(mode, Mode::Fragment) && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

// Evaluated at compile time; `c < 128` indexes a 256-entry array.
#[allow(clippy::indexing_slicing)]
const fn table(mode: Mode) -> [bool; 256] {
    let mut t = [true; 256];
    let mut c = 0u8;
    while c < 128 {
        t[c as usize] = should_escape_ascii(c, mode);
        c += 1;
    }
    t
}

static PATH_TABLE: [bool; 256] = table(Mode::Path);
static HOST_TABLE: [bool; 256] = table(Mode::Host);
static ZONE_TABLE: [bool; 256] = table(Mode::Zone);
static USER_TABLE: [bool; 256] = table(Mode::UserPassword);
static QUERY_TABLE: [bool; 256] = table(Mode::QueryComponent);
static FRAGMENT_TABLE: [bool; 256] = table(Mode::Fragment);

fn table_of(mode: Mode) -> &'static [bool; 256] {
    match mode {
        Mode::Path => &PATH_TABLE,
        Mode::Host => &HOST_TABLE,
        Mode::Zone => &ZONE_TABLE,
        Mode::UserPassword => &USER_TABLE,
        Mode::QueryComponent => &QUERY_TABLE,
        Mode::Fragment => &FRAGMENT_TABLE,
    }
}

/// Go's `shouldEscape(c, mode)`.
#[inline]
pub(crate) fn should_escape(c: u8, mode: Mode) -> bool {
    table_of(mode).get(usize::from(c)).copied().unwrap_or(true)
}

/// Go's `unhex`: the value of an ASCII hex digit.
#[inline]
fn unhex(c: u8) -> Option<u8> {
    char::from(c)
        .to_digit(16)
        .and_then(|digit| u8::try_from(digit).ok())
}

#[inline]
fn hex_digit(n: u8) -> u8 {
    if n < 10 { b'0' + n } else { b'A' + n - 10 }
}

/// Go's `unescape(s, mode)`: validates the escapes (and, for hosts, the characters), then
/// decodes `%XX` (and `+` to space in query components).
pub(crate) fn unescape(s: &str, mode: Mode) -> Result<Cow<'_, [u8]>, ErrorKind> {
    let bytes = s.as_bytes();
    let mut escapes = 0usize;
    let mut has_plus = false;
    let mut i = 0usize;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'%' => {
                escapes += 1;
                let (h, l) = match (bytes.get(i + 1), bytes.get(i + 2)) {
                    (Some(&h), Some(&l)) => (h, l),
                    _ => {
                        return Err(ErrorKind::Escape(
                            bytes.get(i..).unwrap_or_default().to_vec(),
                        ));
                    }
                };
                let (Some(hv), Some(lv)) = (unhex(h), unhex(l)) else {
                    let end = (i + 3).min(bytes.len());
                    return Err(ErrorKind::Escape(
                        bytes.get(i..end).unwrap_or_default().to_vec(),
                    ));
                };
                let is25 = h == b'2' && l == b'5';
                if mode == Mode::Host && hv < 8 && !is25 {
                    return Err(ErrorKind::Escape(
                        bytes.get(i..i + 3).unwrap_or_default().to_vec(),
                    ));
                }
                if mode == Mode::Zone {
                    let v = (hv << 4) | lv;
                    if !is25 && v != b' ' && should_escape(v, Mode::Host) {
                        return Err(ErrorKind::Escape(
                            bytes.get(i..i + 3).unwrap_or_default().to_vec(),
                        ));
                    }
                }
                i += 3;
            }
            b'+' => {
                has_plus = mode == Mode::QueryComponent;
                i += 1;
            }
            _ => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    return Err(ErrorKind::InvalidHost(lossy(std::slice::from_ref(&c))));
                }
                i += 1;
            }
        }
    }
    if escapes == 0 && !has_plus {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0usize;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'%' => {
                let h = bytes.get(i + 1).copied().and_then(unhex).unwrap_or(0);
                let l = bytes.get(i + 2).copied().and_then(unhex).unwrap_or(0);
                out.push((h << 4) | l);
                i += 3;
            }
            b'+' if mode == Mode::QueryComponent => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(Cow::Owned(out))
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Go's `escape(s, mode)`, appended to `out`: runs of bytes kept as they are are copied
/// at once.
pub(crate) fn escape_into(out: &mut Vec<u8>, s: &[u8], mode: Mode) {
    let table = table_of(mode);
    let keep = |c: u8| !table.get(usize::from(c)).copied().unwrap_or(true);
    let mut rest = s;
    while !rest.is_empty() {
        let run = rest.iter().position(|&c| !keep(c)).unwrap_or(rest.len());
        let (plain, tail) = rest.split_at_checked(run).unwrap_or((rest, &[]));
        out.extend_from_slice(plain);
        let Some((&c, tail)) = tail.split_first() else {
            break;
        };
        if c == b' ' && mode == Mode::QueryComponent {
            out.push(b'+');
        } else {
            out.extend_from_slice(&[b'%', hex_digit(c >> 4), hex_digit(c & 15)]);
        }
        rest = tail;
    }
}

/// Go's `validEncoded(s, mode)`: `s` may be kept as written.
fn valid_encoded(s: &str, mode: Mode) -> bool {
    s.bytes().all(|c| match c {
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b':'
        | b'@' | b'[' | b']' | b'%' => true,
        c => !should_escape(c, mode),
    })
}

fn valid_optional_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
    }
}

fn valid_userinfo(s: &str) -> bool {
    s.bytes().all(go_url::is_userinfo_byte)
}

/// Decoded userinfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct User<'a> {
    pub(crate) username: Cow<'a, [u8]>,
    pub(crate) password: Option<Cow<'a, [u8]>>,
}

/// A URL as Go's `url.Parse` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct GoUrl<'a> {
    /// Lower-cased.
    pub(crate) scheme: Cow<'a, str>,
    pub(crate) opaque: &'a str,
    pub(crate) user: Option<User<'a>>,
    /// The host as written (`[::1]:80`), for `Port` and `Hostname`.
    pub(crate) raw_host: &'a str,
    /// Decoded.
    pub(crate) host: Cow<'a, [u8]>,
    pub(crate) omit_host: bool,
    /// The path as written.
    pub(crate) raw_path: &'a str,
    /// Decoded.
    pub(crate) path: Cow<'a, [u8]>,
    pub(crate) force_query: bool,
    pub(crate) raw_query: &'a str,
    /// The fragment as written.
    pub(crate) raw_fragment: &'a str,
    /// Decoded.
    pub(crate) fragment: Cow<'a, [u8]>,
}

fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// Go's `parseHost(scheme, host)`: an IP literal in brackets must be an IPv6 address
/// (`netip.ParseAddr`), and outside brackets the port starts at the last colon, except for
/// `http` and `https`, where it starts at the first (`urlstrictcolons`, Go 1.26 and later).
fn parse_host<'a>(scheme: &str, host: &'a str) -> Result<Cow<'a, [u8]>, (Part, ErrorKind)> {
    match host.rfind('[') {
        Some(open) if open > 0 => return Err((Part::Host, ErrorKind::InvalidIpLiteral)),
        Some(_) => return parse_ip_literal_host(host),
        None => {}
    }
    if let Some(first) = host.find(':') {
        let last = host.rfind(':').unwrap_or(first);
        let strict = scheme == "http" || scheme == "https";
        let i = if strict { first } else { last };
        let colon_port = host.get(i..).unwrap_or_default();
        if !valid_optional_port(colon_port) {
            return Err((Part::Port, ErrorKind::InvalidPort(colon_port.to_owned())));
        }
    }
    unescape(host, Mode::Host).map_err(|e| (Part::Host, e))
}

/// The bracketed form of `parseHost`: `[` at the start.
fn parse_ip_literal_host(host: &str) -> Result<Cow<'_, [u8]>, (Part, ErrorKind)> {
    let Some(close) = host.rfind(']') else {
        return Err((Part::Host, ErrorKind::MissingBracket));
    };
    let colon_port = host.get(close + 1..).unwrap_or_default();
    if !valid_optional_port(colon_port) {
        return Err((Part::Port, ErrorKind::InvalidPort(colon_port.to_owned())));
    }
    let hostname = host.get(1..close).unwrap_or_default();
    let unescaped: Cow<'_, [u8]> = match hostname.find("%25") {
        Some(zone) => {
            let (address, zone) = hostname.split_at_checked(zone).unwrap_or((hostname, ""));
            let address = unescape(address, Mode::Host).map_err(|e| (Part::Host, e))?;
            let zone = unescape(zone, Mode::Zone).map_err(|e| (Part::Host, e))?;
            let mut out = address.into_owned();
            out.extend_from_slice(&zone);
            Cow::Owned(out)
        }
        None => unescape(hostname, Mode::Host).map_err(|e| (Part::Host, e))?,
    };
    match parse_addr(&unescaped) {
        Err(message) => return Err((Part::Host, ErrorKind::InvalidHostAddress(message))),
        Ok(AddrKind::V4) => return Err((Part::Host, ErrorKind::InvalidIpLiteral)),
        Ok(AddrKind::V6) => {}
    }
    if unescaped.len() == hostname.len() {
        // Nothing was unescaped: the host is the input as written.
        return Ok(Cow::Borrowed(host.as_bytes()));
    }
    let mut out = Vec::with_capacity(unescaped.len() + colon_port.len() + 2);
    out.push(b'[');
    out.extend_from_slice(&unescaped);
    out.push(b']');
    out.extend_from_slice(colon_port.as_bytes());
    Ok(Cow::Owned(out))
}

/// What `netip.ParseAddr` accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AddrKind {
    V4,
    V6,
}

/// Go's `netip.ParseAddr`, reduced to the family it finds or its error message.
fn parse_addr(s: &[u8]) -> Result<AddrKind, String> {
    for &c in s {
        match c {
            b'.' => return parse_ipv4_fields(s, s).map(|()| AddrKind::V4),
            b':' => return parse_ipv6(s).map(|()| AddrKind::V6),
            b'%' => return Err(addr_error(s, "missing IPv6 address", b"")),
            _ => {}
        }
    }
    Err(addr_error(s, "unable to parse IP", b""))
}

/// `parseAddrError.Error()`.
fn addr_error(input: &[u8], message: &str, at: &[u8]) -> String {
    if at.is_empty() {
        format!("ParseAddr({}): {message}", quote_bytes(input))
    } else {
        format!(
            "ParseAddr({}): {message} (at {})",
            quote_bytes(input),
            quote_bytes(at)
        )
    }
}

/// `parseIPv4Fields` over `s`, a suffix of `input` (the text errors quote).
fn parse_ipv4_fields(input: &[u8], s: &[u8]) -> Result<(), String> {
    let mut value = 0u32;
    let mut fields = 0usize;
    let mut digits = 0usize;
    for (i, &c) in s.iter().enumerate() {
        if c.is_ascii_digit() {
            if digits == 1 && value == 0 {
                return Err(addr_error(
                    input,
                    "IPv4 field has octet with leading zero",
                    b"",
                ));
            }
            value = value * 10 + u32::from(c - b'0');
            digits += 1;
            if value > 255 {
                return Err(addr_error(input, "IPv4 field has value >255", b""));
            }
        } else if c == b'.' {
            if i == 0 || i + 1 == s.len() || s.get(i - 1) == Some(&b'.') {
                return Err(addr_error(
                    input,
                    "IPv4 field must have at least one digit",
                    s.get(i..).unwrap_or_default(),
                ));
            }
            if fields == 3 {
                return Err(addr_error(input, "IPv4 address too long", b""));
            }
            fields += 1;
            value = 0;
            digits = 0;
        } else {
            return Err(addr_error(
                input,
                "unexpected character",
                s.get(i..).unwrap_or_default(),
            ));
        }
    }
    if fields < 3 {
        return Err(addr_error(input, "IPv4 address too short", b""));
    }
    Ok(())
}

/// `parseIPv6`, validation only.
fn parse_ipv6(input: &[u8]) -> Result<(), String> {
    let mut s = input;
    let mut zone_len = None;
    if let Some(i) = input.iter().position(|&c| c == b'%') {
        let (address, zone) = input.split_at(i);
        let zone = zone.get(1..).unwrap_or_default();
        if zone.is_empty() {
            return Err(addr_error(input, "zone must be a non-empty string", b""));
        }
        s = address;
        zone_len = Some(zone.len());
    }
    let mut ellipsis: Option<usize> = None;
    if s.starts_with(b"::") {
        ellipsis = Some(0);
        s = s.get(2..).unwrap_or_default();
        if s.is_empty() {
            return Ok(());
        }
    }
    let mut i = 0usize;
    while i < 16 {
        let mut off = 0usize;
        let mut acc = 0u32;
        while let Some(&c) = s.get(off) {
            let Some(digit) = unhex(c) else {
                break;
            };
            acc = (acc << 4) + u32::from(digit);
            if off > 3 {
                return Err(addr_error(
                    input,
                    "each group must have 4 or less digits",
                    s,
                ));
            }
            if acc > 0xffff {
                return Err(addr_error(input, "IPv6 field has value >=2^16", s));
            }
            off += 1;
        }
        if off == 0 {
            return Err(addr_error(
                input,
                "each colon-separated field must have at least one digit",
                s,
            ));
        }
        if s.get(off) == Some(&b'.') {
            if ellipsis.is_none() && i != 12 {
                return Err(addr_error(
                    input,
                    "embedded IPv4 address must replace the final 2 fields of the address",
                    s,
                ));
            }
            if i + 4 > 16 {
                return Err(addr_error(
                    input,
                    "too many hex fields to fit an embedded IPv4 at the end of the address",
                    s,
                ));
            }
            let end = input.len() - zone_len.map_or(0, |z| z + 1);
            let start = end.saturating_sub(s.len());
            parse_ipv4_fields(input, input.get(start..end).unwrap_or_default())?;
            s = b"";
            i += 4;
            break;
        }
        i += 2;
        s = s.get(off..).unwrap_or_default();
        if s.is_empty() {
            break;
        }
        if s.first() != Some(&b':') {
            return Err(addr_error(input, "unexpected character, want colon", s));
        } else if s.len() == 1 {
            return Err(addr_error(
                input,
                "colon must be followed by more characters",
                s,
            ));
        }
        s = s.get(1..).unwrap_or_default();
        if s.first() == Some(&b':') {
            if ellipsis.is_some() {
                return Err(addr_error(input, "multiple :: in address", s));
            }
            ellipsis = Some(i);
            s = s.get(1..).unwrap_or_default();
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return Err(addr_error(input, "trailing garbage after address", s));
    }
    if i < 16 {
        if ellipsis.is_none() {
            return Err(addr_error(input, "address string too short", b""));
        }
    } else if ellipsis.is_some() {
        return Err(addr_error(
            input,
            "the :: must expand to at least one field of zeros",
            b"",
        ));
    }
    Ok(())
}

type AuthorityParts<'a> = (Option<User<'a>>, &'a str, Cow<'a, [u8]>);

fn parse_authority<'a>(
    scheme: &str,
    authority: &'a str,
) -> Result<AuthorityParts<'a>, (Part, ErrorKind)> {
    let (userinfo, raw_host) = match authority.rfind('@') {
        Some(i) => {
            let (u, h) = authority.split_at_checked(i).unwrap_or((authority, ""));
            (Some(u), h.get(1..).unwrap_or_default())
        }
        None => (None, authority),
    };
    let host = parse_host(scheme, raw_host)?;
    let Some(userinfo) = userinfo else {
        return Ok((None, raw_host, host));
    };
    if !valid_userinfo(userinfo) {
        return Err((Part::Userinfo, ErrorKind::InvalidUserinfo));
    }
    let user = match userinfo.split_once(':') {
        None => User {
            username: unescape(userinfo, Mode::UserPassword).map_err(|e| (Part::Userinfo, e))?,
            password: None,
        },
        Some((name, password)) => User {
            username: unescape(name, Mode::UserPassword).map_err(|e| (Part::Userinfo, e))?,
            password: Some(
                unescape(password, Mode::UserPassword).map_err(|e| (Part::Userinfo, e))?,
            ),
        },
    };
    Ok((Some(user), raw_host, host))
}

fn parse_without_fragment(raw: &str) -> Result<GoUrl<'_>, (Part, ErrorKind)> {
    if go_url::contains_ctl_byte(raw) {
        return Err((Part::Url, ErrorKind::ControlCharacter));
    }
    let mut url = GoUrl::default();
    if raw == "*" {
        url.raw_path = raw;
        url.path = Cow::Borrowed(raw.as_bytes());
        return Ok(url);
    }
    let (scheme, rest) =
        go_url::split_scheme(raw).ok_or((Part::Scheme, ErrorKind::MissingScheme))?;
    url.scheme = lower(scheme);
    let mut rest = if rest.ends_with('?') && rest.bytes().filter(|&b| b == b'?').count() == 1 {
        url.force_query = true;
        rest.get(..rest.len() - 1).unwrap_or_default()
    } else {
        match rest.split_once('?') {
            Some((r, q)) => {
                url.raw_query = q;
                r
            }
            None => rest,
        }
    };
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest;
            return Ok(url);
        }
        let segment = rest.split('/').next().unwrap_or_default();
        if segment.contains(':') {
            return Err((Part::Path, ErrorKind::FirstSegmentColon));
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let after = rest.get(2..).unwrap_or_default();
        let (authority, tail) = match after.find('/') {
            Some(i) => after.split_at_checked(i).unwrap_or((after, "")),
            None => (after, ""),
        };
        let (user, raw_host, host) = parse_authority(&url.scheme, authority)?;
        url.user = user;
        url.raw_host = raw_host;
        url.host = host;
        rest = tail;
    } else if !url.scheme.is_empty() && rest.starts_with('/') {
        url.omit_host = true;
    }
    url.path = unescape(rest, Mode::Path).map_err(|e| (Part::Path, e))?;
    url.raw_path = rest;
    Ok(url)
}

/// Go's `url.Parse`.
pub(crate) fn parse(raw: &str) -> Result<GoUrl<'_>, ParseError> {
    let (u, frag) = raw.split_once('#').unwrap_or((raw, ""));
    let mut url = parse_without_fragment(u).map_err(|(part, kind)| ParseError {
        part,
        kind,
        subject: u.to_owned(),
    })?;
    if !frag.is_empty() {
        url.fragment = unescape(frag, Mode::Fragment).map_err(|kind| ParseError {
            part: Part::Fragment,
            kind,
            subject: raw.to_owned(),
        })?;
        url.raw_fragment = frag;
    }
    Ok(url)
}

impl<'a> GoUrl<'a> {
    /// Go's `URL.Port()`.
    pub(crate) fn port(&self) -> &str {
        split_url_host(&self.host).1
    }

    /// Go's `URL.Hostname()`.
    #[cfg(test)]
    pub(crate) fn hostname(&self) -> &[u8] {
        split_url_host(&self.host).0
    }

    /// `Username()` of the userinfo (empty without one).
    pub(crate) fn username(&self) -> &[u8] {
        self.user.as_ref().map(|u| &*u.username).unwrap_or_default()
    }

    /// Go's `URL.String()` with `RawQuery` replaced by `query`.
    #[cfg(test)]
    pub(crate) fn write_with_query(&self, out: &mut Vec<u8>, query: &[u8]) {
        self.write_before_query(out);
        if self.force_query || !query.is_empty() {
            out.push(b'?');
            out.extend_from_slice(query);
        }
        self.write_fragment(out);
    }

    /// Go's `URL.String()` with `RawQuery` replaced by `values.Encode()`.
    pub(crate) fn write_with_values(&self, out: &mut Vec<u8>, values: &mut Values<'_>) {
        self.write_before_query(out);
        if self.force_query || !values.is_empty() {
            out.push(b'?');
            values.encode_into(out);
        }
        self.write_fragment(out);
    }

    /// Scheme, authority and path of `URL.String()`.
    pub(crate) fn write_before_query(&self, out: &mut Vec<u8>) {
        let start = out.len();
        if !self.scheme.is_empty() {
            out.extend_from_slice(self.scheme.as_bytes());
            out.push(b':');
        }
        if !self.opaque.is_empty() {
            out.extend_from_slice(self.opaque.as_bytes());
            return;
        }
        let has_authority = !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some();
        let omitted = self.omit_host && self.host.is_empty() && self.user.is_none();
        if has_authority && !omitted {
            if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                out.extend_from_slice(b"//");
            }
            if let Some(user) = &self.user {
                escape_into(out, &user.username, Mode::UserPassword);
                if let Some(password) = &user.password {
                    out.push(b':');
                    escape_into(out, password, Mode::UserPassword);
                }
                out.push(b'@');
            }
            if !self.host.is_empty() {
                escape_into(out, &self.host, Mode::Host);
            }
        }
        let raw_kept = valid_encoded(self.raw_path, Mode::Path);
        let first = if raw_kept {
            self.raw_path.bytes().next()
        } else {
            self.path.first().map(|&c| {
                if should_escape(c, Mode::Path) {
                    b'%'
                } else {
                    c
                }
            })
        };
        if let Some(first) = first
            && first != b'/'
            && !self.host.is_empty()
        {
            out.push(b'/');
        }
        let mut path = Vec::new();
        if raw_kept {
            path.extend_from_slice(self.raw_path.as_bytes());
        } else {
            escape_into(&mut path, &self.path, Mode::Path);
        }
        if out.len() == start {
            let segment = path.split(|&b| b == b'/').next().unwrap_or_default();
            if segment.contains(&b':') {
                out.extend_from_slice(b"./");
            }
        }
        out.extend_from_slice(&path);
    }

    /// The fragment part of `URL.String()`.
    pub(crate) fn write_fragment(&self, out: &mut Vec<u8>) {
        if !self.fragment.is_empty() {
            out.push(b'#');
            if valid_encoded(self.raw_fragment, Mode::Fragment) {
                out.extend_from_slice(self.raw_fragment.as_bytes());
            } else {
                escape_into(out, &self.fragment, Mode::Fragment);
            }
        }
    }
}

/// Go's `splitHostPort` behind `URL.Hostname()` and `URL.Port()` (Go 1.26): the port is
/// what follows the last colon when it is all digits; brackets around the rest are removed.
pub(crate) fn split_url_host(host_port: &[u8]) -> (&[u8], &str) {
    let mut host = host_port;
    let mut port = "";
    if let Some(colon) = host_port.iter().rposition(|&c| c == b':') {
        let (h, p) = host_port.split_at(colon);
        let digits = p.get(1..).unwrap_or_default();
        if digits.iter().all(u8::is_ascii_digit) {
            host = h;
            port = std::str::from_utf8(digits).unwrap_or_default();
        }
    }
    if let Some(inner) = host.strip_prefix(b"[").and_then(|h| h.strip_suffix(b"]")) {
        host = inner;
    }
    (host, port)
}

/// Go's `URL.Port()` of a host (`splitHostPort`, Go 1.26).
#[cfg(feature = "mock")]
pub(crate) fn go_port(host_port: &str) -> &str {
    split_url_host(host_port.as_bytes()).1
}

/// The host of `host[:port]` without a trailing all-digit `:port` and without IPv6 brackets
/// (`[::1]:80` → `::1`, `h:1` → `h`), as the master reads a listen address.
pub(crate) fn hostname(host: &str) -> &str {
    let host = match host.rfind(':') {
        Some(i)
            if host
                .get(i + 1..)
                .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            host.get(..i).unwrap_or_default()
        }
        _ => host,
    };
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// Converts bytes this module wrote (ASCII, or copied from a `&str`) into a `String`.
pub(crate) fn into_string(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// A decoded key/value pair.
pub(crate) type Pair<'a> = (Cow<'a, [u8]>, Cow<'a, [u8]>);

/// Go's default limit on the number of query parameters (`urlmaxqueryparams`, Go 1.24).
const MAX_QUERY_PARAMS: usize = 10_000;

/// `url.Values`: decoded key/value pairs in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Values<'a> {
    pairs: Vec<Pair<'a>>,
}

impl<'a> Values<'a> {
    /// Go's `url.ParseQuery`, errors ignored as `URL.Query()` does: pairs containing `;` and
    /// pairs with a bad escape are dropped; `+` is a space.
    pub(crate) fn parse(query: &'a str) -> Self {
        // `urlmaxqueryparams`: more than 10,000 parameters and `ParseQuery` fails before
        // reading any, so `URL.Query()` is empty.
        if query.bytes().filter(|&b| b == b'&').count() >= MAX_QUERY_PARAMS {
            return Self::default();
        }
        let mut pairs = Vec::with_capacity(query.bytes().filter(|&b| b == b'&').count() + 1);
        for piece in query.split('&') {
            if piece.is_empty() || piece.contains(';') {
                continue;
            }
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            let (Ok(k), Ok(v)) = (
                unescape(k, Mode::QueryComponent),
                unescape(v, Mode::QueryComponent),
            ) else {
                continue;
            };
            pairs.push((k, v));
        }
        Self { pairs }
    }

    /// `Get`: the first value of `key`, empty when absent.
    pub(crate) fn get(&self, key: &str) -> &[u8] {
        self.pairs
            .iter()
            .find(|(k, _)| &**k == key.as_bytes())
            .map(|(_, v)| &**v)
            .unwrap_or_default()
    }

    /// `Set`: replaces every value of `key`.
    pub(crate) fn set(&mut self, key: &'a str, value: Cow<'a, [u8]>) {
        self.pairs.retain(|(k, _)| &**k != key.as_bytes());
        self.pairs.push((Cow::Borrowed(key.as_bytes()), value));
    }

    /// Appends a pair (the caller knows `key` has no value yet).
    pub(crate) fn push(&mut self, key: &'a str, value: &'a str) {
        self.pairs.push((
            Cow::Borrowed(key.as_bytes()),
            Cow::Borrowed(value.as_bytes()),
        ));
    }

    /// Every pair, in input order.
    pub(crate) fn pairs(&self) -> &[Pair<'a>] {
        &self.pairs
    }

    /// `true` without pairs.
    pub(crate) fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// `Encode`: keys sorted by byte value (values of one key in input order), each pair
    /// `QueryEscape`d, joined with `&`.
    #[cfg(test)]
    pub(crate) fn encode(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    /// `Encode`, appended to `out`.
    pub(crate) fn encode_into(&mut self, out: &mut Vec<u8>) {
        self.pairs.sort_by(|a, b| match (a.0.first(), b.0.first()) {
            (Some(x), Some(y)) if x != y => x.cmp(y),
            _ => a.0.cmp(&b.0),
        });
        for (i, (k, v)) in self.pairs.iter().enumerate() {
            if i > 0 {
                out.push(b'&');
            }
            escape_into(out, k, Mode::QueryComponent);
            out.push(b'=');
            escape_into(out, v, Mode::QueryComponent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(raw: &str) -> String {
        let u = parse(raw).unwrap();
        let mut out = Vec::new();
        u.write_with_query(&mut out, u.raw_query.as_bytes());
        into_string(out)
    }

    #[test]
    fn round_trips_like_go() {
        for (input, output) in [
            (
                "server://:10101/127.0.0.1:8080?log=debug",
                "server://:10101/127.0.0.1:8080?log=debug",
            ),
            ("SERVER://h:1/x", "server://h:1/x"),
            ("server://s3cr%40t@h:1/x", "server://s3cr%40t@h:1/x"),
            ("server://user:pass@h:1/x", "server://user:pass@h:1/x"),
            ("client://h:1/a, b", "client://h:1/a,%20b"),
            (
                "client://[fe80::1%25eth0]:1/x",
                "client://[fe80::1%25eth0]:1/x",
            ),
            ("server:/x", "server:/x"),
            ("server:///x", "server:///x"),
            ("server://", "server:"),
            ("server:x?a", "server:x?a"),
            ("server://h:1/x?", "server://h:1/x?"),
            ("server://h:1/x#a b", "server://h:1/x#a%20b"),
            ("server://h:1/x#", "server://h:1/x"),
            ("server://@h:1/x", "server://@h:1/x"),
            ("server://a!b@h:1/x", "server://a%21b@h:1/x"),
        ] {
            assert_eq!(string(input), output, "{input}");
        }
    }

    #[test]
    fn errors_match_go() {
        let e = parse("server://0.0.0.0:http/127.0.0.1:https").unwrap_err();
        assert_eq!(
            e.go_text(),
            "parse \"server://0.0.0.0:http/127.0.0.1:https\": invalid port \":http\" after host"
        );
        assert_eq!(parse("::nope").unwrap_err().kind, ErrorKind::MissingScheme);
        assert_eq!(
            parse("server://h:1/%zz").unwrap_err().kind,
            ErrorKind::Escape(b"%zz".to_vec())
        );
        assert_eq!(
            parse("server://h%41:1/").unwrap_err().kind,
            ErrorKind::Escape(b"%41".to_vec())
        );
        assert_eq!(
            parse("server://h x:1/").unwrap_err().kind,
            ErrorKind::InvalidHost(" ".into())
        );
        assert_eq!(
            parse("server://[::1:1/").unwrap_err().kind,
            ErrorKind::MissingBracket
        );
        assert_eq!(
            parse("server://a\"b@h:1/").unwrap_err().kind,
            ErrorKind::InvalidUserinfo
        );
        assert!(parse("server://h:1/\u{1}").is_err());
    }

    #[test]
    fn queries_follow_url_values() {
        let mut v = Values::parse("b=2&a=1&a=0&x;y=1&c=%zz&d=a+b&&=e");
        assert_eq!(v.get("a"), b"1");
        assert_eq!(v.get("d"), b"a b");
        assert_eq!(v.get("missing"), b"");
        v.set("a", Cow::Borrowed(b"9"));
        assert_eq!(v.encode(), b"=e&a=9&b=2&d=a+b".to_vec());
    }

    #[test]
    fn ports() {
        assert_eq!(parse("server://[::1]:80/").unwrap().port(), "80");
        assert_eq!(parse("server://::1:80/").unwrap().port(), "80");
        assert_eq!(parse("server://[::1]/").unwrap().port(), "");
        assert_eq!(parse("server://h/").unwrap().port(), "");
    }
}
