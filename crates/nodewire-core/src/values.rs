//! Validated values shared by several bodies: [`Timestamp`], [`IpAddress`],
//! [`RegistrationCode`], and the [`ValidationError`] they fail with.
//!
//! Each is a newtype that cannot hold a bad value and keeps the exact text it was built from,
//! so a decoded body re-encodes unchanged (`+03:00` stays `+03:00`, `::1` stays `::1`).

use std::fmt;

use nodewire_common::fixed_schema;
use serde::{Deserialize, Serialize};

pub use nodewire_common::ValidationError;
use nodewire_common::timestamp::Rfc3339;

/// An ISO 8601 date-time with a time zone (the RFC 3339 profile), kept as text:
/// `recordedAt` and `occurredAt`.
///
/// JavaScript's `Date.prototype.toISOString()` (`2026-06-01T12:00:00.000Z`) is the form a
/// Node.js agent sends, and the form [`from_utc`](nodewire_common::Timestamp::from_utc) and
/// [`now`](nodewire_common::Timestamp::now) write; any offset (`+03:00`) and any number of
/// fraction digits are accepted ([`Rfc3339`]). A date alone or a time without a zone is
/// refused: it names no instant.
///
/// ```
/// use nodewire_core::values::Timestamp;
/// let t = Timestamp::new("2026-06-01T15:00:00+03:00").unwrap();
/// assert_eq!(t.as_str(), "2026-06-01T15:00:00+03:00");
/// assert_eq!(t.to_utc().to_rfc3339(), "2026-06-01T12:00:00+00:00");
/// assert!(Timestamp::new("2026-06-01").is_err());
/// assert!(Timestamp::new("2026-02-30T00:00:00Z").is_err());
/// ```
pub type Timestamp = nodewire_common::Timestamp<Rfc3339>;

/// An IPv4 or IPv6 address, kept as text (`ip`, `ipAddress`).
///
/// ```
/// use nodewire_core::values::IpAddress;
/// assert_eq!(IpAddress::new("2001:db8::1").unwrap().addr().to_string(), "2001:db8::1");
/// assert!(IpAddress::new("example.com").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IpAddress(String);

fixed_schema!(IpAddress, {
    "type": "string",
    "description": "An IPv4 or IPv6 address.",
    "anyOf": [{ "format": "ipv4" }, { "format": "ipv6" }]
});

nodewire_common::text_newtype!(IpAddress, ValidationError);

impl IpAddress {
    /// The rule, as the error message states it.
    pub const RULE: &'static str = "must be an IPv4 or IPv6 address";

    /// Validates an address.
    pub fn new(text: impl Into<String>) -> Result<Self, ValidationError> {
        Self::for_field("ip", text)
    }

    /// Validates an address, naming `field` in the error.
    pub fn for_field(
        field: &'static str,
        text: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let text = text.into();
        if text.parse::<std::net::IpAddr>().is_ok() {
            Ok(Self(text))
        } else {
            Err(ValidationError::new(
                field,
                format!("{} (got `{text}`)", Self::RULE),
            ))
        }
    }

    /// The parsed address.
    pub fn addr(&self) -> std::net::IpAddr {
        // Validated at construction; the fallback is never taken.
        self.0
            .parse()
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
    }
}

impl From<std::net::IpAddr> for IpAddress {
    fn from(addr: std::net::IpAddr) -> Self {
        Self(addr.to_string())
    }
}

/// The code a node registers with (`RegisterNodeDto.code`): not empty, no surrounding
/// whitespace.
///
/// ```
/// use nodewire_core::values::RegistrationCode;
/// assert!(RegistrationCode::new("fra-1").is_ok());
/// assert!(RegistrationCode::new(" ").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegistrationCode(String);

fixed_schema!(RegistrationCode, {
    "type": "string",
    "description": "The registration code the panel issued for the node.",
    "minLength": 1,
    "pattern": "^\\S(.*\\S)?$"
});

impl RegistrationCode {
    /// The rule, as the error message states it.
    pub const RULE: &'static str = "must not be empty or start or end with whitespace";

    /// The code, as received or built. The code is a credential: it has no `Display`, and its
    /// `Debug` is redacted.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Validates a code.
    pub fn new(text: impl Into<String>) -> Result<Self, ValidationError> {
        let text = text.into();
        if text.is_empty() || text.trim() != text {
            Err(ValidationError::new("code", Self::RULE))
        } else {
            Ok(Self(text))
        }
    }
}

// `text_newtype!`'s conversions without its `Display`, which would print the code.
impl AsRef<str> for RegistrationCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<RegistrationCode> for String {
    fn from(code: RegistrationCode) -> String {
        code.0
    }
}

impl TryFrom<String> for RegistrationCode {
    type Error = ValidationError;
    fn try_from(text: String) -> Result<Self, ValidationError> {
        Self::new(text)
    }
}

impl TryFrom<&str> for RegistrationCode {
    type Error = ValidationError;
    fn try_from(text: &str) -> Result<Self, ValidationError> {
        Self::new(text)
    }
}

impl std::str::FromStr for RegistrationCode {
    type Err = ValidationError;
    fn from_str(text: &str) -> Result<Self, ValidationError> {
        Self::new(text)
    }
}

impl fmt::Debug for RegistrationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RegistrationCode")
            .field(&nodewire_common::secret::REDACTED)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_keep_their_text_and_refuse_what_names_no_instant() {
        for good in [
            "2026-06-01T12:00:00.000Z",
            "2026-06-01T12:00:00Z",
            "2026-06-01T12:00:00.123456789+03:00",
            "2026-06-01t12:00:00z",
        ] {
            let t = Timestamp::new(good).unwrap();
            assert_eq!(t.as_str(), good);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{good}\""));
        }
        for bad in [
            "",
            "2026-06-01",
            "2026-06-01T12:00:00",
            "2026-13-01T00:00:00Z",
            "2026-06-01T25:00:00Z",
            "yesterday",
            "1780315200",
        ] {
            let err = Timestamp::for_field("recordedAt", bad).unwrap_err();
            assert_eq!(err.field, "recordedAt");
            assert!(err.to_string().contains("ISO 8601"), "{err}");
        }
        let err = serde_json::from_str::<Timestamp>("\"2026-06-01\"").unwrap_err();
        assert!(err.to_string().contains("ISO 8601"));
    }

    #[test]
    fn timestamps_from_instants_look_like_to_iso_string() {
        let instant = chrono::DateTime::from_timestamp(1_780_315_200, 5_000_000).unwrap();
        let t = Timestamp::from_utc(instant);
        assert_eq!(t.as_str(), "2026-06-01T12:00:00.005Z");
        assert_eq!(t.to_utc().timestamp(), 1_780_315_200);
        assert!(Timestamp::new(Timestamp::now().as_str()).is_ok());
    }

    #[test]
    fn ip_addresses_and_codes() {
        assert!(IpAddress::new("10.0.0.1").is_ok());
        assert!(IpAddress::new("::ffff:10.0.0.1").is_ok());
        assert!(IpAddress::new("10.0.0.256").is_err());
        assert!(IpAddress::new("[::1]").is_err());
        assert!(IpAddress::new("").is_err());
        assert_eq!(
            IpAddress::for_field("ipAddress", "x").unwrap_err().field,
            "ipAddress"
        );
        assert!(RegistrationCode::new("").is_err());
        assert!(RegistrationCode::new("a b").is_ok());
        assert!(RegistrationCode::new("a ").is_err());
        let code = RegistrationCode::new("s3cr3t-c0de").unwrap();
        assert_eq!(format!("{code:?}"), "RegistrationCode(\"[redacted]\")");
        assert_eq!(code.as_str(), "s3cr3t-c0de");
        let parsed: RegistrationCode = "s3cr3t-c0de".parse().unwrap();
        assert_eq!(String::from(parsed), "s3cr3t-c0de");
        assert!(RegistrationCode::try_from(" x").is_err());
    }
}
