//! Who may see the board: a request whose `Host` names this server (so a page on another site
//! cannot read it through DNS rebinding), carrying the board token when one is set.

use bytes::Bytes;
use http::{StatusCode, header};
use nodewire_common::Secret;
use nodewire_common::server::text_response;

/// The host names the board always answers to, with any port.
const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// Who may see the board.
///
/// - **Host.** The request's `Host` (or, without one, the authority of its target) must be a
///   loopback name (`localhost`, `127.0.0.1`, `[::1]`, any port) or one added with
///   [`allow_host`](Self::allow_host); otherwise `421 Misdirected Request`. A page on another
///   site that rebinds its own name to this server's address sends its own name as `Host`,
///   so it is refused.
/// - **Token.** With [`with_token`](Self::with_token), the board URL must carry it as
///   `?token=…` (compared in constant time); otherwise `403 Forbidden`. A query parameter
///   rather than a header, so a browser can open the board (and its refresh keeps it); it is a
///   read-only token for the board, separate from the node keys, and it shows in the
///   browser's history.
///
/// ```
/// use nodewire_examples::dash::BoardAccess;
/// let access = BoardAccess::default().allow_host("dash.example.com").unwrap();
/// let head = |host: &str| {
///     http::Request::get("/").header("host", host).body(()).unwrap().into_parts().0
/// };
/// assert!(access.check(&head("localhost:8080")).is_ok());
/// assert!(access.check(&head("dash.example.com")).is_ok());
/// assert_eq!(access.check(&head("rebound.example.net:8080")).unwrap_err().status(), 421);
/// ```
#[derive(Debug, Clone, Default)]
pub struct BoardAccess {
    hosts: Vec<(String, Option<u16>)>,
    token: Option<Secret>,
}

impl BoardAccess {
    /// Also answers to `host`: a name or address (`dash.example.com`, `192.0.2.7`,
    /// `[2001:db8::7]`), with any port, or with `:PORT` only on that port. Names compare
    /// without regard to case.
    pub fn allow_host(mut self, host: &str) -> Result<Self, String> {
        let (name, port) = split_authority(host)
            .filter(|(name, _)| !name.is_empty())
            .ok_or_else(|| {
                format!("board host {host:?} is not NAME or NAME:PORT (no scheme, no path)")
            })?;
        self.hosts.push((name.to_ascii_lowercase(), port));
        Ok(self)
    }

    /// Requires `?token=<token>` on the board.
    #[must_use]
    pub fn with_token(mut self, token: Secret) -> Self {
        self.token = Some(token);
        self
    }

    /// Whether the request with this head may see the board: `Ok`, or the refusal.
    pub fn check(&self, head: &http::request::Parts) -> Result<(), BoardRefused> {
        if !self.host_allowed(head) {
            return Err(BoardRefused {
                status: StatusCode::MISDIRECTED_REQUEST,
                reason: "this board answers only to its own host names (see --board-host)\n",
            });
        }
        if let Some(token) = &self.token {
            let given = query_value(&head.uri, "token").unwrap_or_default();
            if !token.ct_eq_str(&given) {
                return Err(BoardRefused {
                    status: StatusCode::FORBIDDEN,
                    reason: "the board needs its token: open /?token=<board token>\n",
                });
            }
        }
        Ok(())
    }

    fn host_allowed(&self, head: &http::request::Parts) -> bool {
        let authority = match head.headers.get(header::HOST) {
            Some(value) => value.to_str().ok(),
            None => head.uri.authority().map(|a| a.as_str()),
        };
        let Some((name, port)) = authority.and_then(split_authority) else {
            return false;
        };
        LOOPBACK.iter().any(|l| l.eq_ignore_ascii_case(name))
            || self.hosts.iter().any(|(allowed, allowed_port)| {
                allowed.eq_ignore_ascii_case(name) && allowed_port.is_none_or(|p| port == Some(p))
            })
    }
}

/// `host[:port]` split into the host (an IPv6 address keeps its brackets) and the port;
/// `None` when it is not of that form.
fn split_authority(authority: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let close = rest.find(']')?;
            let (name, after) = authority.split_at(close + 2);
            (name, after)
        }
        None => match authority.find(':') {
            Some(at) => authority.split_at(at),
            None => (authority, ""),
        },
    };
    let port = match port {
        "" => None,
        port => {
            let digits = port.strip_prefix(':')?;
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some(digits.parse().ok()?)
        }
    };
    let plain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':');
    let inner = name.trim_start_matches('[').trim_end_matches(']');
    inner.bytes().all(plain).then_some((name, port))
}

/// The first value of query parameter `name`, percent-decoded.
fn query_value(uri: &http::Uri, name: &str) -> Option<String> {
    let mut url = reqwest::Url::parse("http://board.invalid/").ok()?;
    url.set_query(Some(uri.query()?));
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Why [`BoardAccess::check`] refused a request: `421` for a foreign `Host`, `403` for a
/// missing or wrong token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoardRefused {
    status: StatusCode,
    reason: &'static str,
}

impl BoardRefused {
    /// The status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer: the status and a short plain-text reason (never the request's own text).
    pub fn into_response(self) -> http::Response<Bytes> {
        text_response(self.status, "text/plain; charset=utf-8", self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(uri: &str, host: Option<&str>) -> http::request::Parts {
        let mut b = http::Request::get(uri);
        if let Some(host) = host {
            b = b.header(header::HOST, host);
        }
        b.body(()).unwrap_or_default().into_parts().0
    }

    fn status(access: &BoardAccess, uri: &str, host: Option<&str>) -> u16 {
        match access.check(&head(uri, host)) {
            Ok(()) => 200,
            Err(refused) => refused.status().as_u16(),
        }
    }

    #[test]
    fn loopback_names_by_default() {
        let access = BoardAccess::default();
        for host in [
            "localhost",
            "LOCALHOST:8080",
            "127.0.0.1:1",
            "[::1]",
            "[::1]:8080",
        ] {
            assert_eq!(status(&access, "/", Some(host)), 200, "{host}");
        }
        for host in [
            "attacker.example",
            "attacker.example:8080",
            "localhost.attacker.example",
            "127.0.0.1.nip.io",
            "localhost:80:80",
            "localhost:",
            "[::1]x",
            "local host",
            "",
        ] {
            assert_eq!(status(&access, "/", Some(host)), 421, "{host:?}");
        }
        assert_eq!(status(&access, "/", None), 421, "no Host at all");
        let absolute = status(&access, "http://localhost:9/", None);
        assert_eq!(absolute, 200, "the target's authority without a Host");
        let refused = access.check(&head("/", Some("evil.example")));
        let body = refused
            .err()
            .map(|r| r.into_response().into_body())
            .unwrap_or_default();
        assert!(!String::from_utf8_lossy(&body).contains("evil"), "no echo");
    }

    #[test]
    fn configured_hosts_with_and_without_port() {
        let access = BoardAccess::default()
            .allow_host("Dash.Example.com")
            .and_then(|a| a.allow_host("192.0.2.7:8080"))
            .and_then(|a| a.allow_host("[2001:db8::7]"))
            .unwrap();
        assert_eq!(status(&access, "/", Some("dash.example.com:443")), 200);
        assert_eq!(status(&access, "/", Some("192.0.2.7:8080")), 200);
        assert_eq!(status(&access, "/", Some("192.0.2.7:8081")), 421);
        assert_eq!(status(&access, "/", Some("192.0.2.7")), 421);
        assert_eq!(status(&access, "/", Some("[2001:db8::7]:80")), 200);
        assert_eq!(status(&access, "/", Some("localhost")), 200);
        for bad in [
            "http://dash.example.com",
            "dash.example.com/",
            "",
            ":80",
            "a b",
        ] {
            assert!(BoardAccess::default().allow_host(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_token_is_a_query_parameter() {
        let access = BoardAccess::default().with_token(Secret::new("b0ard t&ken"));
        let host = Some("localhost");
        assert_eq!(status(&access, "/", host), 403);
        assert_eq!(status(&access, "/?token=wrong", host), 403);
        assert_eq!(status(&access, "/?token=", host), 403);
        assert_eq!(status(&access, "/?token=b0ard%20t%26ken", host), 200);
        assert_eq!(status(&access, "/?x=1&token=b0ard+t%26ken", host), 200);
        // The Host is checked first, token or not.
        let foreign = status(&access, "/?token=b0ard%20t%26ken", Some("evil.example"));
        assert_eq!(foreign, 421);
    }
}
