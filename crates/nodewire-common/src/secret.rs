//! Keys and secrets that stay out of logs: [`Secret`], and the redacted printable forms of
//! JSON bodies ([`redact_secrets`]) and URLs ([`redact_url`]) that carry credentials.

mod redact;

pub use redact::{
    REDACTED, SECRET_MEMBERS, is_secret_member, redact_query, redact_secrets, redact_url,
    redact_urls, redacted,
};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

/// A secret string: an auth key, a node secret, an API key, a user secret.
///
/// Its `Debug` is redacted, it has no `Display`, and equality is constant-time. The text is
/// still sent on the wire (serde passes it through unchanged); read it with
/// [`expose`](Self::expose).
///
/// ```
/// use nodewire_common::Secret;
/// let key = Secret::new("hunter2");
/// assert_eq!(format!("{key:?}"), "Secret(\"[redacted]\")");
/// assert!(key.ct_eq_str("hunter2"));
/// assert_eq!(key.expose(), "hunter2");
/// ```
#[derive(Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The secret text. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Consumes the wrapper, returning the text.
    pub fn into_inner(self) -> String {
        self.0
    }

    /// Compares with `other` in time that does not depend on where the two differ.
    pub fn ct_eq_str(&self, other: &str) -> bool {
        ct_eq(self.0.as_bytes(), other.as_bytes())
    }
}

/// Constant-time comparison of two byte strings (the length is not hidden).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(\"[redacted]\")")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        ct_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl Eq for Secret {}

impl From<String> for Secret {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}
