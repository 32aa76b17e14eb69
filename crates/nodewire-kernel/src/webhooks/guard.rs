//! The panel's webhook guard, `WebhookMiddleware` (`internal/middleware/webhookmiddleware.go`
//! at `f6fb8d9`), and the signing side of it.
//!
//! [`WebhookConfig::check`] applies the panel's rules in the panel's order:
//!
//! 1. **Address.** With `allow_cidrs` set, the client address must be in one of the networks,
//!    else **403** `webhook access denied` (`webhookmiddleware.go:56-61`). The client address
//!    is the first `X-Forwarded-For` entry when it parses as an IP address, else the TCP peer
//!    (`accessmiddleware.go:100-120`); no address at all is refused. Entries that do not parse
//!    as CIDRs are skipped, as the panel skips them (`webhookmiddleware.go:37-43`,
//!    [`WebhookConfig::parse_cidrs`]).
//! 2. **Body.** The panel reads the whole body here (400 `invalid webhook payload` when it
//!    cannot, `webhookmiddleware.go:63-69`), before rules 3 and 4. This crate decides rules 3
//!    and 4 from the request head first, as far as they need no body (all but a signature's
//!    HMAC), so an unauthenticated callback is refused before its body is read
//!    ([`Webhook::admit`](super::Webhook::admit)); only a request that fails both ways (an
//!    unreadable body and a wrong token) is answered differently: 401 here, 400 by the panel.
//! 3. **Signature.** With a signing secret set and a non-empty `Stripe-Signature` header, the
//!    signature decides alone: the shared token is **not** checked then
//!    (`webhookmiddleware.go:91-94`). The header is split at `,`; each trimmed part is split
//!    at its first `=`; `t` is the Unix timestamp (a part that does not parse is skipped, a
//!    later `t` wins) and every `v1` is a candidate signature (`webhookmiddleware.go:140-162`).
//!    Failures, all **401**:
//!    - no usable `t` (or `t=0`) or no `v1`: `invalid stripe signature header` (164-166);
//!    - `t` more than the tolerance away from now, in either direction:
//!      `stripe signature timestamp outside tolerance` (119-125);
//!    - no `v1` equal to the lower-case hex HMAC-SHA256, keyed by the secret, of
//!      `"{t}.{body}"` (compared in constant time; any one of several `v1` may match):
//!      `stripe signature mismatch` (127-137).
//!
//!    With a signing secret set, no such header and no shared token: **401**
//!    `missing stripe signature` (95-97).
//! 4. **Shared token.** With a shared token set, `X-ZNP-Webhook-Token` (trimmed) must equal
//!    it, compared in constant time: **401** `missing webhook token` or `invalid webhook token`
//!    (100-108).
//! 5. Neither set: no authentication (110).
//!
//! The tolerance is `Webhook.Stripe.ToleranceSeconds`, 300 s when unset or not positive
//! (`internal/config/config.go:365-376`, [`DEFAULT_TOLERANCE`]). The configured secret and
//! token are trimmed, and an empty one counts as unset (`webhookmiddleware.go:47-48`).
//!
//! A kernel signs a callback with [`sign_request`] (or [`stripe_signature`] for the header
//! value alone).
//!
//! ```
//! use std::time::{Duration, SystemTime, UNIX_EPOCH};
//! use nodewire_common::Secret;
//! use nodewire_kernel::webhooks::{WebhookConfig, stripe_signature};
//! let secret = Secret::new("whsec_test");
//! let body = br#"{"records":[]}"#;
//! let header = stripe_signature(&secret, 1_700_000_000, body).unwrap();
//! assert!(header.starts_with("t=1700000000,v1="));
//!
//! let config = WebhookConfig { signing_secret: Some(secret), ..WebhookConfig::default() };
//! let mut headers = http::HeaderMap::new();
//! headers.insert("stripe-signature", header.parse().unwrap());
//! let now = UNIX_EPOCH + Duration::from_secs(1_700_000_100);
//! assert!(config.check(&headers, None, body, now).is_ok());
//! let late = UNIX_EPOCH + Duration::from_secs(1_700_000_400);
//! let refused = config.check(&headers, None, body, late).unwrap_err();
//! assert_eq!(refused.message, "stripe signature timestamp outside tolerance");
//! ```

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderValue, StatusCode};
use ipnet::IpNet;
use nodewire_common::{IntoRequestError, Secret};
use sha2::Sha256;

use super::{TOKEN_HEADER, WebhookFailure};

/// The signature header (`webhookmiddleware.go:24`).
pub const SIGNATURE_HEADER: &str = "stripe-signature";

/// The panel's default signature tolerance: 300 s (`internal/config/config.go:373-375`).
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// What the guard decided from a request head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Every rule passed (or none applies).
    Passed,
    /// A `Stripe-Signature` decides, and its HMAC needs the body.
    SignaturePending,
}

/// The panel's `Webhook` configuration (`internal/config/config.go:351-376`), as the guard
/// uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookConfig {
    /// `Webhook.AllowCIDRs`: networks callers must come from; empty allows any address.
    pub allow_cidrs: Vec<IpNet>,
    /// `Webhook.Stripe.SigningSecret`: checks `Stripe-Signature` when set.
    pub signing_secret: Option<Secret>,
    /// `Webhook.SharedToken`: the `X-ZNP-Webhook-Token` callers must send, when set.
    pub shared_token: Option<Secret>,
    /// `Webhook.Stripe.ToleranceSeconds`: how far a signature's `t` may be from now; zero
    /// means the panel's default, [`DEFAULT_TOLERANCE`].
    pub tolerance: Duration,
}

impl Default for WebhookConfig {
    /// No address rule, no signature, no token (the panel without `Webhook` settings).
    fn default() -> Self {
        Self {
            allow_cidrs: Vec::new(),
            signing_secret: None,
            shared_token: None,
            tolerance: DEFAULT_TOLERANCE,
        }
    }
}

fn configured(secret: Option<&Secret>) -> Option<&str> {
    secret.map(|s| s.expose().trim()).filter(|s| !s.is_empty())
}

fn unauthorized(message: &str) -> WebhookFailure {
    WebhookFailure::new(StatusCode::UNAUTHORIZED, message)
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<std::borrow::Cow<'a, str>> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()))
}

impl WebhookConfig {
    /// Only the shared-token rule (or nothing, for `None`).
    pub fn with_token(token: Option<Secret>) -> Self {
        Self {
            shared_token: token,
            ..Self::default()
        }
    }

    /// Parses CIDR texts as the panel does: each is trimmed, and one that does not parse
    /// (a bare address without `/prefix`, say) is skipped (`webhookmiddleware.go:37-43`).
    pub fn parse_cidrs<'a>(cidrs: impl IntoIterator<Item = &'a str>) -> Vec<IpNet> {
        cidrs
            .into_iter()
            .filter_map(|c| c.trim().parse::<IpNet>().ok())
            .collect()
    }

    /// The tolerance in effect: [`tolerance`](Self::tolerance), or [`DEFAULT_TOLERANCE`] when
    /// it is zero.
    pub fn effective_tolerance(&self) -> Duration {
        if self.tolerance.is_zero() {
            DEFAULT_TOLERANCE
        } else {
            self.tolerance
        }
    }

    /// The client address as the panel finds it: the first `X-Forwarded-For` entry when it
    /// parses as an IP address, else `peer` (`accessmiddleware.go:100-120`).
    pub fn client_ip(headers: &HeaderMap, peer: Option<IpAddr>) -> Option<IpAddr> {
        header_text(headers, "x-forwarded-for")
            .and_then(|xff| {
                xff.split(',')
                    .next()
                    .and_then(|first| first.trim().parse::<IpAddr>().ok())
            })
            .or(peer)
    }

    /// Rule 1: the address (403 `webhook access denied`).
    pub fn check_address(
        &self,
        headers: &HeaderMap,
        peer: Option<IpAddr>,
    ) -> Result<(), WebhookFailure> {
        if self.allow_cidrs.is_empty() {
            return Ok(());
        }
        let allowed = Self::client_ip(headers, peer).is_some_and(|ip| {
            let mapped = match ip {
                IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4),
                IpAddr::V4(_) => None,
            };
            self.allow_cidrs
                .iter()
                .any(|net| net.contains(&ip) || mapped.is_some_and(|v4| net.contains(&v4)))
        });
        if allowed {
            Ok(())
        } else {
            Err(WebhookFailure::new(
                StatusCode::FORBIDDEN,
                "webhook access denied",
            ))
        }
    }

    /// Rule 4: the shared token (401 `missing webhook token` / `invalid webhook token`).
    pub fn check_token(&self, headers: &HeaderMap) -> Result<(), WebhookFailure> {
        let Some(expected) = configured(self.shared_token.as_ref()) else {
            return Ok(());
        };
        let given = header_text(headers, TOKEN_HEADER).unwrap_or_default();
        let given = given.trim();
        if given.is_empty() {
            return Err(unauthorized("missing webhook token"));
        }
        if nodewire_common::secret::ct_eq(given.as_bytes(), expected.as_bytes()) {
            Ok(())
        } else {
            Err(unauthorized("invalid webhook token"))
        }
    }

    /// Rules 3 to 5 as far as the request head decides them: with a signing secret and a
    /// `Stripe-Signature` header, the header's form and its timestamp (401), leaving the HMAC
    /// over the body for later ([`Admission::SignaturePending`]); else the shared token (401).
    fn verify_head(
        &self,
        headers: &HeaderMap,
        now: SystemTime,
    ) -> Result<Admission, WebhookFailure> {
        if configured(self.signing_secret.as_ref()).is_some() {
            let header = header_text(headers, SIGNATURE_HEADER).unwrap_or_default();
            let header = header.trim();
            if !header.is_empty() {
                signature_fields(header, self.effective_tolerance(), now)?;
                return Ok(Admission::SignaturePending);
            }
            if configured(self.shared_token.as_ref()).is_none() {
                return Err(unauthorized("missing stripe signature"));
            }
        }
        self.check_token(headers)?;
        Ok(Admission::Passed)
    }

    /// The rules the request head decides, in the panel's order: the address (403), then the
    /// signature's form and timestamp or the shared token (401). What is left for the body is
    /// the signature's HMAC, when a signature decides ([`Admission::SignaturePending`]).
    pub(crate) fn admit(
        &self,
        headers: &HeaderMap,
        peer: Option<IpAddr>,
        now: SystemTime,
    ) -> Result<Admission, WebhookFailure> {
        self.check_address(headers, peer)?;
        self.verify_head(headers, now)
    }

    /// Rules 3 to 5: the signature, else the shared token (401).
    pub fn verify(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), WebhookFailure> {
        match self.verify_head(headers, now)? {
            Admission::Passed => Ok(()),
            Admission::SignaturePending => self.verify_body(headers, body),
        }
    }

    /// The HMAC of a signature that [`admit`](Self::admit) left pending: some `v1` of the
    /// `Stripe-Signature` header must equal the HMAC of `"{t}.{body}"` (401 `stripe signature
    /// mismatch`).
    pub(crate) fn verify_body(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), WebhookFailure> {
        let secret = configured(self.signing_secret.as_ref()).unwrap_or_default();
        let header = header_text(headers, SIGNATURE_HEADER).unwrap_or_default();
        let Some((timestamp, signatures)) = parse_signature(header.trim()) else {
            return Err(unauthorized("invalid stripe signature header"));
        };
        let Some(expected) = hmac_hex(secret.as_bytes(), timestamp, body) else {
            return Err(unauthorized("stripe signature mismatch"));
        };
        let mut matched = false;
        for signature in signatures {
            matched |= nodewire_common::secret::ct_eq(signature.as_bytes(), expected.as_bytes());
        }
        if matched {
            Ok(())
        } else {
            Err(unauthorized("stripe signature mismatch"))
        }
    }

    /// The whole guard, in the panel's order: [`check_address`](Self::check_address), then
    /// [`verify`](Self::verify). `peer` is the TCP peer address; `now` the clock the
    /// signature's timestamp is compared with.
    pub fn check(
        &self,
        headers: &HeaderMap,
        peer: Option<IpAddr>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), WebhookFailure> {
        self.check_address(headers, peer)?;
        self.verify(headers, body, now)
    }
}

/// `t` and the `v1` entries of a `Stripe-Signature` value, as `parseStripeSignature` reads
/// them (`webhookmiddleware.go:140-168`).
fn parse_signature(header: &str) -> Option<(i64, Vec<&str>)> {
    let mut timestamp = 0i64;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            continue;
        };
        match key {
            "t" => {
                if let Ok(t) = value.parse::<i64>() {
                    timestamp = t;
                }
            }
            "v1" => signatures.push(value),
            _ => {}
        }
    }
    (timestamp != 0 && !signatures.is_empty()).then_some((timestamp, signatures))
}

/// Nanoseconds since the Unix epoch (negative before it).
fn unix_nanos(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => i128::try_from(d.as_nanos()).unwrap_or(i128::MAX),
        Err(e) => -i128::try_from(e.duration().as_nanos()).unwrap_or(i128::MAX),
    }
}

/// Checks a `Stripe-Signature` value's form and timestamp (what needs no body): 401
/// `invalid stripe signature header` or `stripe signature timestamp outside tolerance`.
fn signature_fields(
    header: &str,
    tolerance: Duration,
    now: SystemTime,
) -> Result<(), WebhookFailure> {
    let Some((timestamp, _)) = parse_signature(header) else {
        return Err(unauthorized("invalid stripe signature header"));
    };
    let age = unix_nanos(now) - i128::from(timestamp) * 1_000_000_000;
    let limit = i128::try_from(tolerance.as_nanos()).unwrap_or(i128::MAX);
    if age > limit || age < -limit {
        return Err(unauthorized("stripe signature timestamp outside tolerance"));
    }
    Ok(())
}

/// Lower-case hex HMAC-SHA256 of `"{t}.{body}"`; `None` only if the key is refused, which
/// HMAC never does.
fn hmac_hex(key: &[u8], timestamp: i64, body: &[u8]) -> Option<String> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    Some(hex)
}

/// The `Stripe-Signature` value for `body` signed at `timestamp` (Unix seconds) with
/// `secret`: `t=<timestamp>,v1=<hex HMAC-SHA256 of "{timestamp}.{body}">`, as the panel
/// verifies it (the panel trims its configured secret; sign with the trimmed text).
pub fn stripe_signature(
    secret: &Secret,
    timestamp: i64,
    body: &[u8],
) -> Result<String, IntoRequestError> {
    let hex = hmac_hex(secret.expose().as_bytes(), timestamp, body)
        .ok_or_else(|| IntoRequestError::Invalid("HMAC-SHA256 refused the key".to_owned()))?;
    Ok(format!("t={timestamp},v1={hex}"))
}

/// Adds `Stripe-Signature` for the request's body, signed at `timestamp` (Unix seconds).
pub fn sign_request(
    request: &mut http::Request<Bytes>,
    secret: &Secret,
    timestamp: i64,
) -> Result<(), IntoRequestError> {
    let value = stripe_signature(secret, timestamp, request.body())?;
    let value = HeaderValue::from_str(&value)
        .map_err(|e| IntoRequestError::Invalid(format!("{SIGNATURE_HEADER}: {e}")))?;
    request.headers_mut().insert(
        http::header::HeaderName::from_static(SIGNATURE_HEADER),
        value,
    );
    Ok(())
}
