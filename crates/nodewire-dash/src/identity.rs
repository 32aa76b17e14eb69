//! `POST /api/node/identity`: which Dash installation a target belongs to (contract §4).
//!
//! The agent posts the literal body `{}` with its `X-Node-Secret`; Dash authenticates the secret
//! (the body is not read) and answers `{"install_id":"server_<32 hex>","created":bool}`. The
//! id identifies the **Dash installation**, not the node: `report install` uses it to find two
//! targets that are the same Dash.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The body of `POST /api/node/identity`: always `{}`. Dash does not read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct IdentityRequest {}

/// Dash's answer (`identityResponse`, `push.go:544-547`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct IdentityResponse {
    /// The Dash installation's id; the agent trims it and refuses a blank one
    /// ("invalid identity response").
    pub install_id: InstallId,
    /// `true` when Dash created its id file for this request (informational; the agent
    /// prints `server install_id was missing; created <id>`).
    #[serde(default)]
    pub created: bool,
}

impl IdentityResponse {
    /// Dash's answer with `install_id`; `created` says whether this request created it.
    pub fn new(install_id: InstallId, created: bool) -> Self {
        Self {
            install_id,
            created,
        }
    }
}

/// A Dash installation id: any text that is not blank once trimmed (the agent's rule,
/// `reportcfg.NormalizeServerInstallID`). Dash writes `server_` and 32 lowercase hex digits.
///
/// ```
/// use nodewire_dash::identity::InstallId;
/// let id = InstallId::new(" server_0123456789abcdef0123456789abcdef ").unwrap();
/// assert_eq!(id.normalized(), "server_0123456789abcdef0123456789abcdef");
/// assert!(id.is_dash_format());
/// assert!(InstallId::new("  ").is_err());
/// assert_eq!(InstallId::from_random([0xab; 16]).as_str(), "server_abababababababababababababababab");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InstallId(String);

nodewire_common::fixed_schema!(InstallId, {
    "type": "string",
    "description": "Dash installation id; not blank. Dash writes `server_` and 32 lowercase hex digits.",
    "pattern": "\\S"
});

/// A blank install id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid identity response: install_id is empty")]
pub struct InvalidInstallId;

impl InstallId {
    /// Accepts any text that is not blank once trimmed, keeping it as sent.
    pub fn new(text: impl Into<String>) -> Result<Self, InvalidInstallId> {
        let text = text.into();
        if text.trim().is_empty() {
            Err(InvalidInstallId)
        } else {
            Ok(Self(text))
        }
    }

    /// An id in Dash's format from 16 random bytes: `server_` and 32 lowercase hex digits.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        let mut text = String::with_capacity(39);
        text.push_str("server_");
        for b in bytes {
            text.push_str(&format!("{b:02x}"));
        }
        Self(text)
    }

    /// The id as the agent stores it (trimmed).
    pub fn normalized(&self) -> &str {
        self.0.trim()
    }

    /// `true` for `server_` followed by 32 lowercase hex digits.
    pub fn is_dash_format(&self) -> bool {
        self.normalized()
            .strip_prefix("server_")
            .is_some_and(|hex| {
                hex.len() == 32
                    && hex
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            })
    }
}

nodewire_common::text_newtype!(InstallId, InvalidInstallId);

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        IdentityRequest,
        IdentityResponse,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses() -> Result<(), serde_json::Error> {
        let r: IdentityResponse = serde_json::from_str(
            r#"{"install_id":"server_0123456789abcdef0123456789abcdef","created":true}"#,
        )?;
        assert!(r.created);
        let r: IdentityResponse = serde_json::from_str(r#"{"install_id":"x","extra":1}"#)?;
        assert!(!r.created);
        assert!(serde_json::from_str::<IdentityResponse>(r#"{"install_id":" "}"#).is_err());
        assert!(serde_json::from_str::<IdentityResponse>(r#"{"created":true}"#).is_err());
        assert_eq!(serde_json::to_string(&IdentityRequest {})?, "{}");
        Ok(())
    }
}
