//! Authentication: HTTP Basic from an access key and a secret key (core.yaml:11-12, 871-874),
//! and the panel's control-token alternative (contract §6.1). [`redact_secrets`] keeps the
//! credentials request bodies carry out of printed bodies.
//!
//! Every operation except `GET /healthz` requires Basic auth. A kernel started with
//! `api.auth.allow_insecure=true` accepts calls without `Authorization` (core.yaml:4-7, prose
//! only: the spec has no optional security requirement); use [`Credentials::None`] for it.
//!
//! [`Credentials::basic`] and [`Credentials::control_token`] give the header value directly
//! ([`BasicCredentials::authorization`], [`ControlToken::authorization`]); only the
//! [`Credentials`] choice, which may be none, answers with an `Option`. Both convert into
//! [`Credentials`] (by value or by reference) where one is expected.
//!
//! ```
//! use nodewire_kernel::auth::Credentials;
//! let basic = Credentials::basic("panel", "s3cret");
//! assert_eq!(basic.authorization().expose(), "Basic cGFuZWw6czNjcmV0");
//! // The panel's `control_token`: sent as is with a scheme, else as a bearer token.
//! let token = Credentials::control_token("abc");
//! assert_eq!(token.authorization().expose(), "Bearer abc");
//! assert_eq!(format!("{basic:?}"), "BasicCredentials { access_key: \"panel\", secret_key: Secret(\"[redacted]\") }");
//! // Either one, or none, as the panel's settings resolve it.
//! let chosen = Credentials::from(basic);
//! assert_eq!(chosen.authorization().map(|v| v.expose().to_owned()).as_deref(), Some("Basic cGFuZWw6czNjcmV0"));
//! assert_eq!(Credentials::None.authorization(), None);
//! ```

use http::{HeaderMap, header};
use nodewire_common::Secret;

/// HTTP Basic credentials: `Authorization: Basic base64(access_key:secret_key)`, the scheme
/// core.yaml defines (the panel's node `control_access_key` and `control_secret_key`).
/// `Debug` redacts the secret key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    access_key: String,
    secret_key: Secret,
}

impl BasicCredentials {
    /// Credentials from the access key (user part) and the secret key.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<Secret>) -> Self {
        Self {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
        }
    }

    /// The access key.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The secret key.
    pub fn secret_key(&self) -> &Secret {
        &self.secret_key
    }

    /// The `Authorization` value: `Basic base64(access_key:secret_key)`.
    pub fn authorization(&self) -> Secret {
        let pair = format!("{}:{}", self.access_key, self.secret_key.expose());
        Secret::new(format!("Basic {}", base64(pair.as_bytes())))
    }
}

/// The panel's `control_token`: an `Authorization` value sent verbatim when it starts with
/// `Bearer ` or `Basic ` (any case), else as `Bearer <token>`. core.yaml does not define
/// bearer tokens; only a kernel that accepts them will. `Debug` redacts the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlToken(Secret);

impl ControlToken {
    /// The token as the panel stores it.
    pub fn new(token: impl Into<Secret>) -> Self {
        Self(token.into())
    }

    /// The token as given.
    pub fn token(&self) -> &Secret {
        &self.0
    }

    /// The `Authorization` value: the token itself when it carries a scheme, else
    /// `Bearer <token>` (surrounding whitespace trimmed).
    pub fn authorization(&self) -> Secret {
        let token = self.0.expose().trim();
        let lower = token.get(..7).map(str::to_ascii_lowercase);
        let lower6 = token.get(..6).map(str::to_ascii_lowercase);
        if lower.as_deref() == Some("bearer ") || lower6.as_deref() == Some("basic ") {
            Secret::new(token)
        } else {
            Secret::new(format!("Bearer {token}"))
        }
    }
}

/// How a client authenticates to the kernel: Basic credentials, a control token, or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// `Authorization: Basic …` ([`BasicCredentials`]).
    Basic(BasicCredentials),
    /// The panel's `control_token` ([`ControlToken`]).
    Token(ControlToken),
    /// No `Authorization` header: for a kernel with `api.auth.allow_insecure=true`, and for
    /// `GET /healthz`.
    #[default]
    None,
}

impl Credentials {
    /// Basic credentials, whose [`authorization`](BasicCredentials::authorization) is the
    /// header value itself; `.into()` (or `From`) makes them a [`Credentials`].
    pub fn basic(access_key: impl Into<String>, secret_key: impl Into<Secret>) -> BasicCredentials {
        BasicCredentials::new(access_key, secret_key)
    }

    /// A control token, whose [`authorization`](ControlToken::authorization) is the header
    /// value itself; `.into()` (or `From`) makes it a [`Credentials`].
    pub fn control_token(token: impl Into<Secret>) -> ControlToken {
        ControlToken::new(token)
    }

    /// The panel's precedence (contract §6.1): access key and secret key when both are set,
    /// else the control token when set, else none.
    pub fn resolve(
        access_key: Option<&str>,
        secret_key: Option<&Secret>,
        control_token: Option<&Secret>,
    ) -> Self {
        match (access_key, secret_key, control_token) {
            (Some(ak), Some(sk), _) if !ak.is_empty() && !sk.expose().is_empty() => {
                Self::Basic(BasicCredentials::new(ak, sk.clone()))
            }
            (_, _, Some(token)) if !token.expose().trim().is_empty() => {
                Self::Token(ControlToken::new(token.clone()))
            }
            _ => Self::None,
        }
    }

    /// The `Authorization` value to send: `None` only for [`Credentials::None`].
    pub fn authorization(&self) -> Option<Secret> {
        match self {
            Self::Basic(basic) => Some(basic.authorization()),
            Self::Token(token) => Some(token.authorization()),
            Self::None => None,
        }
    }
}

impl From<BasicCredentials> for Credentials {
    fn from(basic: BasicCredentials) -> Self {
        Self::Basic(basic)
    }
}

impl From<&BasicCredentials> for Credentials {
    fn from(basic: &BasicCredentials) -> Self {
        Self::Basic(basic.clone())
    }
}

impl From<ControlToken> for Credentials {
    fn from(token: ControlToken) -> Self {
        Self::Token(token)
    }
}

impl From<&ControlToken> for Credentials {
    fn from(token: &ControlToken) -> Self {
        Self::Token(token.clone())
    }
}

impl From<&Credentials> for Credentials {
    /// A copy, so a call that takes `impl Into<Credentials>` also takes `&credentials`.
    fn from(credentials: &Credentials) -> Self {
        credentials.clone()
    }
}

/// What a kernel accepts (server side).
#[derive(Debug, Clone, Default)]
pub struct AuthConfig {
    /// Accepted Basic credentials.
    pub basic: Option<(String, Secret)>,
    /// An accepted bearer token: the panel sends a bare `control_token` as
    /// `Authorization: Bearer <token>` (contract §8 row 8; core.yaml defines only Basic).
    pub bearer: Option<Secret>,
    /// `api.auth.allow_insecure`: accept calls without `Authorization`.
    pub allow_insecure: bool,
}

/// Why a call was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No `Authorization` header.
    #[error("missing Authorization header")]
    Missing,
    /// Credentials that do not match.
    #[error("invalid credentials")]
    Invalid,
}

impl AuthConfig {
    /// Checks the `Authorization` header: the scheme is matched case-insensitively, the
    /// credentials are compared in constant time. Without a header, only `allow_insecure` lets
    /// the call through; with one, it must be valid.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), AuthError> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return if self.allow_insecure {
                Ok(())
            } else {
                Err(AuthError::Missing)
            };
        };
        let value = String::from_utf8_lossy(value.as_bytes());
        let (scheme, rest) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
        let rest = rest.trim();
        let ok = if scheme.eq_ignore_ascii_case("basic") {
            self.basic.as_ref().is_some_and(|(ak, sk)| {
                let expected = base64(format!("{ak}:{}", sk.expose()).as_bytes());
                Secret::new(expected).ct_eq_str(rest)
            })
        } else if scheme.eq_ignore_ascii_case("bearer") {
            self.bearer.as_ref().is_some_and(|t| t.ct_eq_str(rest))
        } else {
            false
        };
        if ok { Ok(()) } else { Err(AuthError::Invalid) }
    }
}

/// Standard base64 with padding (RFC 4648 §4).
pub(crate) fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let symbol = |i: u32| char::from(ALPHABET.get((i & 63) as usize).copied().unwrap_or(b'='));
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(symbol(n >> 18));
        out.push(symbol(n >> 12));
        out.push(if chunk.len() > 1 { symbol(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { symbol(n) } else { '=' });
    }
    out
}

/// Decodes standard base64 with padding (RFC 4648 §4); ASCII whitespace is skipped, as Go's
/// `encoding/json` does for `[]byte`. The error says what is wrong and at which character.
pub(crate) fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let symbols: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !symbols.len().is_multiple_of(4) {
        return Err(format!(
            "base64 text of {} symbols is not a multiple of 4",
            symbols.len()
        ));
    }
    let value = |c: u8, at: usize| -> Result<u32, String> {
        match c {
            b'A'..=b'Z' => Ok(u32::from(c - b'A')),
            b'a'..=b'z' => Ok(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Ok(u32::from(c - b'0') + 52),
            b'+' => Ok(62),
            b'/' => Ok(63),
            _ => Err(format!(
                "`{}` at symbol {at} is not standard base64",
                char::from(c)
            )),
        }
    };
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let count = symbols.len() / 4;
    for (index, chunk) in symbols.chunks(4).enumerate() {
        let at = index * 4;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && index + 1 != count) {
            return Err(format!("misplaced `=` padding near symbol {at}"));
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = if i >= 4 - pad { 0 } else { value(c, at + i)? };
            n = (n << 6) | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend(bytes.iter().take(3 - pad));
    }
    Ok(out)
}

pub use nodewire_common::secret::{SECRET_MEMBERS, is_secret_member, redact_secrets};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
        for input in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            assert_eq!(
                base64_decode(&base64(input.as_bytes())).ok(),
                Some(input.as_bytes().to_vec())
            );
        }
        assert!(base64_decode("Zm9").is_err());
        assert!(base64_decode("Zm=v").is_err());
        assert!(base64_decode("Z!9v").is_err());
    }

    #[test]
    fn tokens_keep_their_scheme() {
        let t = |s: &str| {
            Credentials::control_token(s)
                .authorization()
                .expose()
                .to_owned()
        };
        assert_eq!(t("bearer X"), "bearer X");
        assert_eq!(t("Basic Zm9v"), "Basic Zm9v");
        assert_eq!(t(" tok "), "Bearer tok");
        assert_eq!(Credentials::None.authorization(), None);
        let token = Credentials::from(&Credentials::control_token("tok"));
        assert_eq!(
            token.authorization().map(|v| v.expose().to_owned()),
            Some("Bearer tok".to_owned())
        );
        assert!(!format!("{token:?}").contains("tok\""));
    }

    #[test]
    fn precedence_follows_the_panel() {
        let sk = Secret::new("s");
        let tok = Secret::new("t");
        assert_eq!(
            Credentials::resolve(Some("a"), Some(&sk), Some(&tok)),
            Credentials::basic("a", "s").into()
        );
        assert!(matches!(
            Credentials::resolve(Some("a"), None, Some(&tok)),
            Credentials::Token(_)
        ));
        assert_eq!(Credentials::resolve(None, None, None), Credentials::None);
    }

    #[test]
    fn servers_check_in_constant_time() {
        let config = AuthConfig {
            basic: Some(("panel".into(), Secret::new("s3cret"))),
            bearer: Some(Secret::new("tok")),
            allow_insecure: false,
        };
        let mut h = HeaderMap::new();
        assert_eq!(config.check(&h), Err(AuthError::Missing));
        let good = Credentials::basic("panel", "s3cret").authorization();
        h.insert(header::AUTHORIZATION, good.expose().parse().unwrap());
        assert_eq!(config.check(&h), Ok(()));
        h.insert(
            header::AUTHORIZATION,
            "basic cGFuZWw6czNjcmV0".parse().unwrap(),
        );
        assert_eq!(config.check(&h), Ok(()));
        h.insert(
            header::AUTHORIZATION,
            "Basic cGFuZWw6d3Jvbmc=".parse().unwrap(),
        );
        assert_eq!(config.check(&h), Err(AuthError::Invalid));
        h.insert(header::AUTHORIZATION, "Bearer tok".parse().unwrap());
        assert_eq!(config.check(&h), Ok(()));
        let open = AuthConfig {
            allow_insecure: true,
            ..AuthConfig::default()
        };
        assert_eq!(open.check(&HeaderMap::new()), Ok(()));
    }
}
