//! The user API: validated names, secrets and tags, the create / patch / rotate requests, and
//! the user views (`model.rs:465-625`, `users.rs`; contract §8).

use std::num::NonZeroU64;

use chrono::{DateTime, FixedOffset, Utc};
use nodewire_common::secret::{redact_url, redact_urls};
use nodewire_common::{Patch, Secret, fixed_schema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A request value that fails the server's validation rules; its `message` is the server's
/// own (the `RULE` of the type), which names the field.
pub use nodewire_common::ValidationError;

/// A username: 1..=64 bytes of `[A-Za-z0-9_.-]` (`model.rs:603-617`). Applied to the body's
/// `username` and to the `{username}` path segment (which the server never percent-decodes).
///
/// ```
/// use nodewire_telemt::users::Username;
/// assert!(Username::new("alice.b-2_c").is_ok());
/// assert!(Username::new("bad$name").is_err());
/// assert!(Username::new("").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

fixed_schema!(Username, {
    "type": "string",
    "description": "1..=64 characters of [A-Za-z0-9_.-].",
    "pattern": "^[A-Za-z0-9_.\\-]{1,64}$",
    "minLength": 1,
    "maxLength": 64
});

impl Username {
    /// The server's message for an invalid username.
    pub const RULE: &'static str = "username must match [A-Za-z0-9_.-] and be 1..64 chars";

    /// Validates a username.
    pub fn new(name: impl Into<String>) -> Result<Self, ValidationError> {
        let name = name.into();
        if is_valid_username(&name) {
            Ok(Self(name))
        } else {
            Err(ValidationError::new("username", Self::RULE))
        }
    }
}

nodewire_common::text_newtype!(Username, ValidationError);

/// The server's username rule as a predicate.
pub fn is_valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn is_hex32(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A user secret: exactly 32 ASCII hex digits, either case (kept as given: the server stores,
/// returns and puts it into links without lower-casing). `Debug` is redacted and equality is
/// constant-time.
///
/// ```
/// use nodewire_telemt::users::UserSecret;
/// let s = UserSecret::new("0123456789ABCDEF0123456789abcdef").unwrap();
/// assert_eq!(format!("{s:?}"), "UserSecret([redacted])");
/// assert!(UserSecret::new("00").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserSecret(Secret);

fixed_schema!(UserSecret, {
    "type": "string",
    "description": "Exactly 32 hex digits (either case).",
    "pattern": "^[0-9A-Fa-f]{32}$"
});

impl UserSecret {
    /// The server's message for an invalid secret.
    pub const RULE: &'static str = "secret must be exactly 32 hex characters";

    /// Validates a secret.
    pub fn new(text: impl Into<String>) -> Result<Self, ValidationError> {
        let text = text.into();
        if is_hex32(&text) {
            Ok(Self(Secret::new(text)))
        } else {
            Err(ValidationError::new("secret", Self::RULE))
        }
    }

    /// The secret text. Do not log it.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl std::fmt::Debug for UserSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserSecret([redacted])")
    }
}

impl TryFrom<String> for UserSecret {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<UserSecret> for String {
    fn from(value: UserSecret) -> Self {
        value.0.into_inner()
    }
}

/// A user's ad tag: exactly 32 ASCII hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AdTag(String);

fixed_schema!(AdTag, {
    "type": "string",
    "description": "Exactly 32 hex digits (either case).",
    "pattern": "^[0-9A-Fa-f]{32}$"
});

impl AdTag {
    /// The server's message for an invalid tag.
    pub const RULE: &'static str = "user_ad_tag must be exactly 32 hex characters";

    /// Validates a tag.
    pub fn new(text: impl Into<String>) -> Result<Self, ValidationError> {
        let text = text.into();
        if is_hex32(&text) {
            Ok(Self(text))
        } else {
            Err(ValidationError::new("user_ad_tag", Self::RULE))
        }
    }
}

nodewire_common::text_newtype!(AdTag, ValidationError);

/// An expiration time as sent in a request: RFC 3339 with an offset (`Z` or `±hh:mm`),
/// accepted exactly when the server's `DateTime::parse_from_rfc3339` accepts it. The text is
/// kept as given, so a decoded request re-encodes unchanged;
/// [`to_server_form`](Self::to_server_form) gives what the server will report back (UTC,
/// `+00:00`, not `Z`).
///
/// Build one from a date-time with [`from_utc`](Self::from_utc) (or `From`), which writes the
/// server's own form, or from text with [`new`](Self::new); read it back as a date-time with
/// [`to_utc`](Self::to_utc) or [`to_datetime`](Self::to_datetime).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use nodewire_telemt::users::Expiration;
/// let e = Expiration::new("2031-06-01T00:00:00+03:00").unwrap();
/// assert_eq!(e.to_server_form(), "2031-05-31T21:00:00+00:00");
/// assert_eq!(e.to_utc(), Utc.with_ymd_and_hms(2031, 5, 31, 21, 0, 0).unwrap());
/// assert_eq!(e.as_str(), "2031-06-01T00:00:00+03:00");
/// assert!(Expiration::new("2030-01-02 03:04:05").is_err());
///
/// let at = Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap();
/// assert_eq!(Expiration::from_utc(at).as_str(), "2030-01-02T03:04:05+00:00");
/// assert_eq!(Expiration::from(at).to_utc(), at);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Expiration(String);

fixed_schema!(Expiration, {
    "type": "string",
    "description": "An RFC 3339 time with an offset (`Z` or `+hh:mm`).",
    "format": "date-time"
});

impl Expiration {
    /// The server's message for an invalid expiration.
    pub const RULE: &'static str = "expiration_rfc3339 must be valid RFC3339";

    /// Validates an RFC 3339 time.
    pub fn new(text: impl Into<String>) -> Result<Self, ValidationError> {
        let text = text.into();
        match chrono::DateTime::parse_from_rfc3339(&text) {
            Ok(_) => Ok(Self(text)),
            Err(_) => Err(ValidationError::new("expiration_rfc3339", Self::RULE)),
        }
    }

    /// The instant, written as the server writes it (UTC, `+00:00`, fractional seconds only
    /// when there are some). An instant outside the years 0000 to 9999, which RFC 3339 cannot
    /// write, is moved to the nearest one inside.
    pub fn from_utc(at: DateTime<Utc>) -> Self {
        let first = DateTime::parse_from_rfc3339("0000-01-01T00:00:00Z");
        let last = DateTime::parse_from_rfc3339("9999-12-31T23:59:59.999999999Z");
        let at = match (first, last) {
            (Ok(first), Ok(last)) => at.clamp(first.to_utc(), last.to_utc()),
            _ => at,
        };
        Self(at.to_rfc3339())
    }

    /// The instant with the offset it was written with.
    pub fn to_datetime(&self) -> DateTime<FixedOffset> {
        // Validated at construction; the fallback is never taken.
        DateTime::parse_from_rfc3339(&self.0).unwrap_or_default()
    }

    /// The instant in UTC, as the server stores it.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.to_datetime().to_utc()
    }

    /// The form the server stores and reports: converted to UTC and printed by chrono's
    /// `to_rfc3339` (`+00:00`; fractional seconds kept, e.g. `.500`).
    pub fn to_server_form(&self) -> String {
        self.to_utc().to_rfc3339()
    }
}

nodewire_common::text_newtype!(Expiration, ValidationError);

impl From<DateTime<Utc>> for Expiration {
    /// [`Expiration::from_utc`].
    fn from(at: DateTime<Utc>) -> Self {
        Self::from_utc(at)
    }
}

/// `POST /v1/users` body (`CreateUserRequest`, `model.rs:538-550`).
///
/// For every optional field `null` and absent mean the same to the server; [`Patch`] keeps
/// which one was sent so a captured request re-encodes unchanged. Build one with
/// [`CreateUserRequest::new`] and the setters.
///
/// **Zero rate limits are unrepresentable**: a create with `rate_limit_up_bps` or
/// `rate_limit_down_bps` equal to 0 is accepted by telemt 3.4.25 but writes a row its own
/// config loader rejects, after which every request that reloads the config answers 500
/// (contract §14.1). The two fields are `NonZeroU64`, so such a body is refused when decoded
/// and cannot be built. To have no limit in a direction, leave the field out.
///
/// ```
/// use nodewire_telemt::users::{CreateUserRequest, Username};
/// let req = CreateUserRequest::new(Username::new("alice").unwrap())
///     .data_quota_bytes(1 << 30)
///     .enabled(false);
/// assert_eq!(
///     serde_json::to_string(&req).unwrap(),
///     r#"{"username":"alice","data_quota_bytes":1073741824,"enabled":false}"#
/// );
/// assert!(serde_json::from_str::<CreateUserRequest>(r#"{"username":"a","rate_limit_up_bps":0}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CreateUserRequest {
    /// Required.
    pub username: Username,
    /// 32 hex; null or absent → the server generates one (16 random bytes, lowercase hex).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub secret: Patch<UserSecret>,
    /// 32 hex.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub user_ad_tag: Patch<AdTag>,
    /// Per-user TCP connection limit (`access.user_max_tcp_conns`; 0 is stored and reported as
    /// the global fallback).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub max_tcp_conns: Patch<u64>,
    /// When the user expires (RFC 3339).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub expiration_rfc3339: Patch<Expiration>,
    /// Traffic quota in bytes (`access.user_data_quota`).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub data_quota_bytes: Patch<u64>,
    /// Upload rate limit in bytes/s; never 0 (see the type docs). When only one direction is
    /// sent, the server stores 0 for the other. Since 3.4.12: an older release ignores it, so
    /// leave it unset for such a server.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[schemars(range(min = 1))]
    pub rate_limit_up_bps: Patch<NonZeroU64>,
    /// Download rate limit in bytes/s; never 0.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[schemars(range(min = 1))]
    pub rate_limit_down_bps: Patch<NonZeroU64>,
    /// Per-user unique IP limit (`access.user_max_unique_ips`; 0 allowed).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub max_unique_ips: Patch<u64>,
    /// Only `false` is persisted (`access.user_enabled[u] = false`, which also cancels live
    /// sessions); `true` and null mean enabled. Since 3.4.14: an older release ignores it.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub enabled: Patch<bool>,
}

impl CreateUserRequest {
    /// A request that creates `username` with a generated secret and no limits.
    pub fn new(username: Username) -> Self {
        Self {
            username,
            secret: Patch::Absent,
            user_ad_tag: Patch::Absent,
            max_tcp_conns: Patch::Absent,
            expiration_rfc3339: Patch::Absent,
            data_quota_bytes: Patch::Absent,
            rate_limit_up_bps: Patch::Absent,
            rate_limit_down_bps: Patch::Absent,
            max_unique_ips: Patch::Absent,
            enabled: Patch::Absent,
        }
    }

    /// Sets the secret.
    #[must_use]
    pub fn secret(mut self, secret: UserSecret) -> Self {
        self.secret = Patch::Value(secret);
        self
    }

    /// Sets the ad tag.
    #[must_use]
    pub fn user_ad_tag(mut self, tag: AdTag) -> Self {
        self.user_ad_tag = Patch::Value(tag);
        self
    }

    /// Sets the TCP connection limit.
    #[must_use]
    pub fn max_tcp_conns(mut self, n: u64) -> Self {
        self.max_tcp_conns = Patch::Value(n);
        self
    }

    /// Sets the expiration: an [`Expiration`] or a `chrono::DateTime<Utc>`.
    #[must_use]
    pub fn expiration_rfc3339(mut self, at: impl Into<Expiration>) -> Self {
        self.expiration_rfc3339 = Patch::Value(at.into());
        self
    }

    /// Sets the expiration; the same as [`expiration_rfc3339`](Self::expiration_rfc3339).
    #[must_use]
    pub fn expiration(self, at: impl Into<Expiration>) -> Self {
        self.expiration_rfc3339(at)
    }

    /// Sets the quota in bytes.
    #[must_use]
    pub fn data_quota_bytes(mut self, bytes: u64) -> Self {
        self.data_quota_bytes = Patch::Value(bytes);
        self
    }

    /// Sets the upload rate limit (bytes/s).
    #[must_use]
    pub fn rate_limit_up_bps(mut self, bps: NonZeroU64) -> Self {
        self.rate_limit_up_bps = Patch::Value(bps);
        self
    }

    /// Sets the download rate limit (bytes/s).
    #[must_use]
    pub fn rate_limit_down_bps(mut self, bps: NonZeroU64) -> Self {
        self.rate_limit_down_bps = Patch::Value(bps);
        self
    }

    /// Sets the unique IP limit.
    #[must_use]
    pub fn max_unique_ips(mut self, n: u64) -> Self {
        self.max_unique_ips = Patch::Value(n);
        self
    }

    /// Sets whether the user is enabled.
    #[must_use]
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Patch::Value(enabled);
        self
    }
}

/// `PATCH /v1/users/{username}` body: a JSON Merge Patch (`PatchUserRequest`,
/// `model.rs:552-571`, `patch.rs:1-40`).
///
/// Absent leaves a field unchanged, a value sets it (0 included), and `null` removes the
/// per-user entry, with the server's exceptions:
///
/// | field | `null` means |
/// | --- | --- |
/// | `secret` | **unchanged** (a secret cannot be removed) |
/// | `rate_limit_up_bps`, `rate_limit_down_bps` | that direction becomes 0; when both end at 0 the row is removed |
/// | `enabled` | **enabled** (the override is removed); `true` also removes it, `false` disables and cancels sessions |
/// | the others | the per-user override is removed |
///
/// The server refuses an empty body (`Invalid JSON body`); `{}` is a valid no-op that keeps
/// the revision.
///
/// Build one from [`PatchUserRequest::default`] (`{}`): each setter named after a field sends
/// that value, each `clear_` setter sends `null`, and a field no setter touched is left out.
/// `secret` has no `clear_` setter: the server reads its `null` as absent.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use nodewire_telemt::users::PatchUserRequest;
/// let p = PatchUserRequest::default().data_quota_bytes(2_097_152).clear_max_tcp_conns();
/// assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"max_tcp_conns":null,"data_quota_bytes":2097152}"#);
///
/// let p = PatchUserRequest::default().max_tcp_conns(5).clear_expiration();
/// assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"max_tcp_conns":5,"expiration_rfc3339":null}"#);
///
/// let p = PatchUserRequest::default().expiration(Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap());
/// assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"expiration_rfc3339":"2031-01-01T00:00:00+00:00"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PatchUserRequest {
    /// Sets the secret (32 hex); `null` is the same as absent.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub secret: Patch<UserSecret>,
    /// Sets or removes the ad tag.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub user_ad_tag: Patch<AdTag>,
    /// Sets or removes the TCP connection limit override.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub max_tcp_conns: Patch<u64>,
    /// Sets or removes the expiration.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub expiration_rfc3339: Patch<Expiration>,
    /// Sets (0 included, reported as `0`) or removes the quota in bytes.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub data_quota_bytes: Patch<u64>,
    /// Sets the upload limit (bytes/s); `null` sets it to 0.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub rate_limit_up_bps: Patch<u64>,
    /// Sets the download limit (bytes/s); `null` sets it to 0.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub rate_limit_down_bps: Patch<u64>,
    /// Sets or removes the unique IP limit override.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub max_unique_ips: Patch<u64>,
    /// `false` disables (and cancels sessions); `true` and `null` enable.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub enabled: Patch<bool>,
}

impl PatchUserRequest {
    /// `true` when the patch touches nothing (`{}`).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Sets the secret.
    #[must_use]
    pub fn secret(mut self, value: UserSecret) -> Self {
        self.secret = Patch::Value(value);
        self
    }

    nodewire_common::setters! {
        /// Sets the ad tag.
        user_ad_tag(value: AdTag) nullable:
            /// Removes the ad tag (`null`).
            clear_user_ad_tag;
        /// Sets the TCP connection limit override.
        max_tcp_conns(value: u64) nullable:
            /// Removes the TCP connection limit override (`null`).
            clear_max_tcp_conns;
        /// Sets the expiration: an [`Expiration`] or a `chrono::DateTime<Utc>`.
        expiration_rfc3339(value: impl Into<Expiration>) nullable:
            /// Removes the expiration (`null`).
            clear_expiration_rfc3339;
    }

    /// Sets the expiration; the same as [`expiration_rfc3339`](Self::expiration_rfc3339).
    #[must_use]
    pub fn expiration(self, value: impl Into<Expiration>) -> Self {
        self.expiration_rfc3339(value)
    }

    /// Removes the expiration (`null`); the same as
    /// [`clear_expiration_rfc3339`](Self::clear_expiration_rfc3339).
    #[must_use]
    pub fn clear_expiration(self) -> Self {
        self.clear_expiration_rfc3339()
    }

    nodewire_common::setters! {
        /// Sets the quota in bytes (0 included).
        data_quota_bytes(value: u64) nullable:
            /// Removes the quota (`null`).
            clear_data_quota_bytes;
        /// Sets the upload limit (bytes/s).
        rate_limit_up_bps(value: u64) nullable:
            /// Sets the upload limit to 0 (`null`; with both limits at 0 the row is removed).
            clear_rate_limit_up_bps;
        /// Sets the download limit (bytes/s).
        rate_limit_down_bps(value: u64) nullable:
            /// Sets the download limit to 0 (`null`; with both limits at 0 the row is removed).
            clear_rate_limit_down_bps;
        /// Sets the unique IP limit override.
        max_unique_ips(value: u64) nullable:
            /// Removes the unique IP limit override (`null`).
            clear_max_unique_ips;
        /// Enables (`true`, removing the override) or disables (`false`, cancelling sessions) the user.
        enabled(value: bool) nullable:
            /// Removes the override (`null`): the user is enabled.
            clear_enabled;
    }
}

/// `POST /v1/users/{username}/rotate-secret` body (`RotateSecretRequest`, `model.rs:573-576`).
/// The body is optional: no body, `{}` and `{"secret": null}` all generate a new secret.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RotateSecretRequest {
    /// The new secret (32 hex); null or absent → generated.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub secret: Patch<UserSecret>,
}

impl RotateSecretRequest {
    /// A body that sets `secret` (the default body, `{}`, has the server generate one).
    pub fn new(secret: UserSecret) -> Self {
        Self {
            secret: Patch::Value(secret),
        }
    }
}

/// Connection links of a user (`UserLinks`, `model.rs:465-471`). An array is empty when its
/// mode (`general.modes.classic|secure|tls`) is off.
// Every link carries the user's secret: `Debug` writes each with its `secret=` value redacted.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema, derive_more::Debug)]
#[non_exhaustive]
pub struct UserLinks {
    /// `tg://proxy?server=<host>&port=<port>&secret=<secret>`.
    #[debug("{:?}", redact_urls(classic))]
    pub classic: Vec<String>,
    /// `…&secret=dd<secret>`.
    #[debug("{:?}", redact_urls(secure))]
    pub secure: Vec<String>,
    /// `…&secret=ee<secret><hex(domain)>`, one per host × TLS domain.
    #[debug("{:?}", redact_urls(tls))]
    pub tls: Vec<String>,
    /// Links for the extra TLS domains only (not the primary).
    pub tls_domains: Vec<TlsDomainLink>,
}

/// A link for one extra TLS domain (`TlsDomainLink`, `model.rs:473-477`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, derive_more::Debug)]
#[non_exhaustive]
pub struct TlsDomainLink {
    /// The domain.
    pub domain: String,
    /// The `tg://proxy` link.
    #[debug("{:?}", redact_url(link))]
    pub link: String,
}

impl TlsDomainLink {
    /// A `TlsDomainLink` with every field given.
    pub fn new(domain: impl Into<String>, link: impl Into<String>) -> Self {
        Self {
            domain: domain.into(),
            link: link.into(),
        }
    }
}

/// One user as the server reports it (`UserInfo`, `model.rs:479-498`). Every field is always
/// present in 3.4.25; optional ones are `null`. The secret is never included (only inside the
/// links).
///
/// Older releases lack some fields (found with `git diff` between the release tags): `enabled`
/// came in 3.4.14, `rate_limit_up_bps` and `rate_limit_down_bps` in 3.4.12. Those decode as
/// absent when a release does not send them, and re-encode absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UserInfo {
    /// The username.
    pub username: String,
    /// `access.user_enabled[u]`, default `true`. Since 3.4.14; `None` when an older release
    /// answered (those have no per-user switch: every user is enabled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Whether the username is in the *running* config (not whether the latest change is live).
    pub in_runtime: bool,
    /// The ad tag.
    pub user_ad_tag: Option<String>,
    /// Effective TCP connection limit: per-user if > 0, else the global per-user default if
    /// > 0, else null.
    pub max_tcp_conns: Option<u64>,
    /// Expiration in UTC, `+00:00` form.
    pub expiration_rfc3339: Option<String>,
    /// Raw per-user quota in bytes (0 is reported as 0, not null).
    pub data_quota_bytes: Option<u64>,
    /// Upload limit in bytes/s; `null` when 0 or unset. Since 3.4.12: absent from older
    /// releases (which have no rate limits).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub rate_limit_up_bps: Patch<u64>,
    /// Download limit in bytes/s; `null` when 0 or unset. Since 3.4.12, like the upload limit.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub rate_limit_down_bps: Patch<u64>,
    /// Effective unique IP limit (per-user if > 0, else global if > 0, else null).
    pub max_unique_ips: Option<u64>,
    /// Live connections.
    pub current_connections: u64,
    /// Number of active unique IPs (the length of the list).
    pub active_unique_ips: u64,
    /// Active IPs (`"1.2.3.4"`, `"2001:db8::1"`).
    pub active_unique_ips_list: Vec<String>,
    /// Number of recently seen unique IPs.
    pub recent_unique_ips: u64,
    /// Recently seen IPs.
    pub recent_unique_ips_list: Vec<String>,
    /// Total traffic in bytes.
    pub total_octets: u64,
    /// Connection links.
    pub links: UserLinks,
}

impl UserInfo {
    /// [`expiration_rfc3339`](Self::expiration_rfc3339) as a date-time: `None` when the user
    /// has no expiration, or when the text is not RFC 3339 (which telemt never writes; the
    /// text stays in the field).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use nodewire_telemt::users::UserInfo;
    /// let mut user = UserInfo::new("alice");
    /// assert_eq!(user.expiration(), None);
    /// user.expiration_rfc3339 = Some("2030-01-02T03:04:05.500+00:00".into());
    /// let at = Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap() + chrono::Duration::milliseconds(500);
    /// assert_eq!(user.expiration(), Some(at));
    /// ```
    pub fn expiration(&self) -> Option<DateTime<Utc>> {
        let text = self.expiration_rfc3339.as_deref()?;
        Expiration::new(text).ok().map(|e| e.to_utc())
    }

    /// `username` as the current release reports a new user: enabled, not yet in the running
    /// config, no limits (`null`, the rate limits included), no connections, traffic or
    /// links. Set the other fields on the returned value.
    ///
    /// ```
    /// use nodewire_telemt::users::UserInfo;
    /// let mut user = UserInfo::new("alice");
    /// user.in_runtime = true;
    /// user.data_quota_bytes = Some(1 << 30);
    /// let json = serde_json::to_value(&user).unwrap();
    /// assert_eq!(json["rate_limit_up_bps"], serde_json::Value::Null);
    /// assert_eq!(json["data_quota_bytes"], 1_073_741_824);
    /// ```
    pub fn new(username: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            enabled: Some(true),
            in_runtime: false,
            user_ad_tag: None,
            max_tcp_conns: None,
            expiration_rfc3339: None,
            data_quota_bytes: None,
            rate_limit_up_bps: Patch::Null,
            rate_limit_down_bps: Patch::Null,
            max_unique_ips: None,
            current_connections: 0,
            active_unique_ips: 0,
            active_unique_ips_list: Vec::new(),
            recent_unique_ips: 0,
            recent_unique_ips_list: Vec::new(),
            total_octets: 0,
            links: UserLinks::default(),
        }
    }
}

/// `POST /v1/users` and rotate-secret response (`CreateUserResponse`, `model.rs:506-510`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CreateUserResponse {
    /// The user after the write.
    pub user: UserInfo,
    /// The effective (possibly generated) secret. Secrets are returned only here.
    pub secret: Secret,
}

impl CreateUserResponse {
    /// A `CreateUserResponse` with every field given.
    pub fn new(user: UserInfo, secret: Secret) -> Self {
        Self { user, secret }
    }
}

/// `DELETE /v1/users/{username}` response (`DeleteUserResponse`, `model.rs:512-516`).
/// The status is 200 when the user is no longer in the running config, 202 while it still is
/// (the inverse of the other mutators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DeleteUserResponse {
    /// The deleted user.
    pub username: String,
    /// Whether the running config still has the user.
    pub in_runtime: bool,
}

impl DeleteUserResponse {
    /// A `DeleteUserResponse` with every field given.
    pub fn new(username: impl Into<String>, in_runtime: bool) -> Self {
        Self {
            username: username.into(),
            in_runtime,
        }
    }
}

/// `POST /v1/users/{username}/reset-quota` response (`ResetUserQuotaResponse`,
/// `model.rs:518-523`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ResetUserQuotaResponse {
    /// The user.
    pub username: String,
    /// Bytes used since the reset (0 right after it).
    pub used_bytes: u64,
    /// When the quota was reset (Unix seconds).
    pub last_reset_epoch_secs: u64,
}

impl ResetUserQuotaResponse {
    /// A `ResetUserQuotaResponse` with every field given.
    pub fn new(username: impl Into<String>, used_bytes: u64, last_reset_epoch_secs: u64) -> Self {
        Self {
            username: username.into(),
            used_bytes,
            last_reset_epoch_secs,
        }
    }
}

/// `GET /v1/stats/users/quota` data (`UserQuotaListData`, `model.rs:525-528`): only users
/// with a quota above 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UserQuotaListData {
    /// One entry per user with a quota.
    pub users: Vec<UserQuotaEntry>,
}

impl UserQuotaListData {
    /// A `UserQuotaListData` with every field given.
    pub fn new(users: Vec<UserQuotaEntry>) -> Self {
        Self { users }
    }
}

/// One user's quota state (`UserQuotaEntry`, `model.rs:530-536`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UserQuotaEntry {
    /// The user.
    pub username: String,
    /// The quota in bytes.
    pub data_quota_bytes: u64,
    /// Bytes used since the last reset.
    pub used_bytes: u64,
    /// Last reset (Unix seconds; 0 when never reset).
    pub last_reset_epoch_secs: u64,
}

impl UserQuotaEntry {
    /// A `UserQuotaEntry` with every field given.
    pub fn new(
        username: impl Into<String>,
        data_quota_bytes: u64,
        used_bytes: u64,
        last_reset_epoch_secs: u64,
    ) -> Self {
        Self {
            username: username.into(),
            data_quota_bytes,
            used_bytes,
            last_reset_epoch_secs,
        }
    }
}

/// One user's active IPs (`UserActiveIps`, `model.rs:500-504`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UserActiveIps {
    /// The user.
    pub username: String,
    /// Active source IPs.
    pub active_ips: Vec<String>,
}

impl UserActiveIps {
    /// A `UserActiveIps` with every field given.
    pub fn new(username: impl Into<String>, active_ips: Vec<String>) -> Self {
        Self {
            username: username.into(),
            active_ips,
        }
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        CreateUserRequest,
        PatchUserRequest,
        RotateSecretRequest,
        UserInfo,
        UserLinks,
        TlsDomainLink,
        CreateUserResponse,
        DeleteUserResponse,
        ResetUserQuotaResponse,
        UserQuotaListData,
        UserQuotaEntry,
        UserActiveIps,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::round_trip;

    #[test]
    fn responses_round_trip() -> Result<(), Box<dyn std::error::Error>> {
        round_trip::<UserActiveIps>(
            r#"{"username":"alice","active_ips":["203.0.113.7","2001:db8::1"]}"#,
        )?;
        round_trip::<Vec<UserActiveIps>>(r#"[]"#)?;
        round_trip::<UserQuotaListData>(
            r#"{"users":[{"username":"bob","data_quota_bytes":1073741824,"used_bytes":5,"last_reset_epoch_secs":0}]}"#,
        )?;
        round_trip::<ResetUserQuotaResponse>(
            r#"{"username":"bob","used_bytes":0,"last_reset_epoch_secs":1795334730}"#,
        )?;
        round_trip::<DeleteUserResponse>(r#"{"username":"bob","in_runtime":true}"#)?;
        Ok(())
    }

    #[test]
    fn requests_round_trip_and_keep_null() -> Result<(), Box<dyn std::error::Error>> {
        round_trip::<PatchUserRequest>(
            r#"{"secret":null,"user_ad_tag":null,"max_tcp_conns":0,"expiration_rfc3339":"2030-01-02T03:04:05.5Z","data_quota_bytes":null,"rate_limit_up_bps":null,"rate_limit_down_bps":0,"max_unique_ips":2,"enabled":null}"#,
        )?;
        round_trip::<RotateSecretRequest>(r#"{"secret":null}"#)?;
        round_trip::<RotateSecretRequest>(r#"{}"#)?;
        round_trip::<CreateUserRequest>(
            r#"{"username":"a.b-c_d","secret":"0123456789ABCDEF0123456789abcdef","user_ad_tag":"0123456789abcdef0123456789abcdef","expiration_rfc3339":"2031-06-01T00:00:00+03:00","rate_limit_up_bps":1,"enabled":null}"#,
        )?;
        round_trip::<crate::config::ConfigPatch>(
            r#"{"upstreams":[{"address":"127.0.0.1:1","type":"socks5"}],"general":{"links":{"public_port":443}}}"#,
        )?;
        Ok(())
    }

    #[test]
    fn validation_names_the_field() {
        let cases = [
            (r#"{"username":"bad name!"}"#, "username"),
            (r#"{"username":"a","secret":"00"}"#, "secret"),
            (r#"{"username":"a","user_ad_tag":"zz"}"#, "user_ad_tag"),
            (
                r#"{"username":"a","expiration_rfc3339":"2030-01-02 03:04:05"}"#,
                "expiration_rfc3339",
            ),
            (
                r#"{"username":"a","rate_limit_down_bps":0}"#,
                "rate_limit_down_bps",
            ),
            (r#"{"username":"a","max_tcp_conns":-1}"#, "max_tcp_conns"),
        ];
        for (text, field) in cases {
            let err =
                nodewire_common::error::from_slice::<CreateUserRequest>(text.as_bytes()).err();
            assert_eq!(err.map(|e| e.path), Some(field.to_owned()), "{text}");
        }
        assert!(Username::new("x".repeat(64)).is_ok());
        assert!(Username::new("x".repeat(65)).is_err());
        assert!(Username::new("ä").is_err());
    }

    #[test]
    fn expirations_are_date_times() -> Result<(), Box<dyn std::error::Error>> {
        use chrono::TimeZone;
        let at = Utc
            .with_ymd_and_hms(2030, 1, 2, 3, 4, 5)
            .single()
            .ok_or("date")?
            + chrono::Duration::milliseconds(500);
        let e = Expiration::from_utc(at);
        assert_eq!(e.as_str(), "2030-01-02T03:04:05.500+00:00");
        assert_eq!(e.to_server_form(), e.as_str());
        assert_eq!(Expiration::new(e.as_str())?, e);
        assert_eq!(e.to_utc(), at);
        // The text stays as given, the instant is read from it.
        let given = Expiration::new("2030-01-02T06:04:05.5+03:00")?;
        assert_eq!(given.to_utc(), at);
        assert_eq!(
            serde_json::to_string(&given)?,
            r#""2030-01-02T06:04:05.5+03:00""#
        );
        // Beyond what RFC 3339 writes: the nearest instant that it does.
        let last = Expiration::from_utc(DateTime::<Utc>::MAX_UTC);
        assert!(Expiration::new(last.as_str()).is_ok());
        assert!(last.as_str().starts_with("9999-12-31T23:59:59.999999999"));
        Ok(())
    }

    #[test]
    fn patch_setters_set_clear_or_leave() -> Result<(), Box<dyn std::error::Error>> {
        let p = PatchUserRequest::default()
            .max_tcp_conns(5)
            .clear_expiration()
            .user_ad_tag(AdTag::new("0123456789abcdef0123456789abcdef")?)
            .clear_user_ad_tag()
            .enabled(false);
        assert_eq!(p.max_tcp_conns, Patch::Value(5));
        assert_eq!(p.expiration_rfc3339, Patch::Null);
        assert_eq!(p.user_ad_tag, Patch::Null);
        assert_eq!(p.data_quota_bytes, Patch::Absent);
        assert_eq!(
            serde_json::to_string(&p)?,
            r#"{"user_ad_tag":null,"max_tcp_conns":5,"expiration_rfc3339":null,"enabled":false}"#
        );
        assert!(PatchUserRequest::default().is_empty());
        Ok(())
    }

    #[test]
    fn secrets_stay_out_of_debug() -> Result<(), Box<dyn std::error::Error>> {
        let created: CreateUserResponse = serde_json::from_str(&format!(
            r#"{{"user":{},"secret":"0123456789abcdef0123456789abcdef"}}"#,
            r#"{"username":"a","enabled":true,"in_runtime":false,"user_ad_tag":null,"max_tcp_conns":null,"expiration_rfc3339":null,"data_quota_bytes":null,"rate_limit_up_bps":null,"rate_limit_down_bps":null,"max_unique_ips":null,"current_connections":0,"active_unique_ips":0,"active_unique_ips_list":[],"recent_unique_ips":0,"recent_unique_ips_list":[],"total_octets":0,"links":{"classic":[],"secure":[],"tls":[],"tls_domains":[]}}"#
        ))?;
        assert!(!format!("{created:?}").contains("0123456789abcdef0123456789abcdef"));

        // The links carry the secret too (`dd`/`ee` prefixed, the TLS ones with the domain).
        let secret = "5ec7e75ec7e75ec7e75ec7e75ec7e700";
        let base = "tg://proxy?server=proxy.example&port=443&secret=";
        let mut user = UserInfo::new("alice");
        user.links = UserLinks {
            classic: vec![format!("{base}{secret}")],
            secure: vec![format!("{base}dd{secret}")],
            tls: vec![format!("{base}ee{secret}6578616d706c652e636f6d")],
            tls_domains: vec![TlsDomainLink::new(
                "cdn.example",
                format!("{base}ee{secret}63646e2e6578616d706c65"),
            )],
        };
        let created = CreateUserResponse::new(user, Secret::new(secret));
        for shown in [
            format!("{created:?}"),
            format!("{:?}", created.user),
            format!("{:?}", created.user.links),
            format!("{:?}", created.user.links.tls_domains),
        ] {
            assert!(!shown.contains(secret), "{shown}");
            assert!(
                shown.contains("tg://proxy?server=proxy.example&port=443&secret=[redacted]"),
                "{shown}"
            );
        }
        assert!(format!("{created:?}").contains("\"alice\""));
        assert!(format!("{:?}", created.user.links).contains("\"cdn.example\""));
        // The wire keeps the links as they are.
        let json = serde_json::to_value(&created.user.links)?;
        assert_eq!(json["classic"][0], format!("{base}{secret}"));

        let req = CreateUserRequest::new(Username::new("a")?)
            .secret(UserSecret::new("0123456789abcdef0123456789abcdef")?);
        assert!(!format!("{req:?}").contains("0123456789abcdef"));
        Ok(())
    }
}
