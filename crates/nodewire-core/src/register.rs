//! `POST /node/register`: the only public route. The node presents the code the panel gave
//! it and receives its auth key and id.
//!
//! ```
//! use nodewire_core::register::RegisterNodeDto;
//! let dto = RegisterNodeDto::new("fra-1".parse()?, "Frankfurt 1", "203.0.113.7".parse()?, "eu")
//!     .port(8080)
//!     .domain("fra1.example.net");
//! assert_eq!(
//!     serde_json::to_string(&dto)?,
//!     r#"{"code":"fra-1","name":"Frankfurt 1","ip":"203.0.113.7","port":8080,"region":"eu","domain":"fra1.example.net"}"#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::num::NonZeroU16;

use nodewire_common::Secret;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::values::{IpAddress, RegistrationCode};

/// `RegisterNodeDto`.
///
/// Two versions of the document exist: the first has `host`; the newer one drops `host` and
/// adds `port` (the agent's own HTTP port, from `PORT` on the node) and an optional `domain`.
/// This type accepts both: `host` and `port` are optional, and each is sent only when set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RegisterNodeDto {
    /// The registration code the panel issued for this node.
    pub code: RegistrationCode,
    /// The node's display name.
    pub name: String,
    /// The node's host name (first version of the document only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The node's public IP address.
    pub ip: IpAddress,
    /// The agent's HTTP port (newer version of the document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<NonZeroU16>,
    /// The node's region.
    pub region: String,
    /// The node's domain name, if it has one (newer version; usually set later in the panel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}

impl RegisterNodeDto {
    /// A registration in the newer form, without `port`, `domain` or `host`.
    pub fn new(
        code: RegistrationCode,
        name: impl Into<String>,
        ip: IpAddress,
        region: impl Into<String>,
    ) -> Self {
        Self {
            code,
            name: name.into(),
            host: None,
            ip,
            port: None,
            region: region.into(),
            domain: None,
        }
    }

    /// Sets `port` (0 is not a port and leaves it unset).
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = NonZeroU16::new(port);
        self
    }

    nodewire_common::setters! {
        /// Sets `domain`.
        domain(domain: impl Into<String>);
        /// Sets `host` (the first version of the document).
        host(host: impl Into<String>);
    }
}

/// A node id. The document does not say whether it is a number or a string, so both are
/// accepted and kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NodeId {
    /// A numeric id (a database serial).
    Number(u64),
    /// A textual id (a UUID, say).
    Text(String),
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Text(t) => f.write_str(t),
        }
    }
}

/// The answer to `POST /node/register`: `{ authKey, nodeId }`. The node persists both; every
/// later call presents the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RegisterNodeResponse {
    /// The node's auth key (`x-node-auth-key`).
    #[serde(rename = "authKey")]
    pub auth_key: Secret,
    /// The node's id.
    #[serde(rename = "nodeId")]
    pub node_id: NodeId,
}

impl RegisterNodeResponse {
    /// The answer that hands `auth_key` to node `node_id`.
    pub fn new(auth_key: impl Into<Secret>, node_id: NodeId) -> Self {
        Self {
            auth_key: auth_key.into(),
            node_id,
        }
    }
}

/// Replaces the registration's one-time `code` (a member of a registration body at the top
/// level) and every credential ([`redact_secrets`](nodewire_common::secret::redact_secrets):
/// the `authKey` Core answers with) with `"[redacted]"`, so a body can be printed or logged.
///
/// ```
/// let mut body = serde_json::json!({"code": "fra-1", "name": "Frankfurt 1"});
/// nodewire_core::register::redact_registration(&mut body);
/// assert_eq!(body, serde_json::json!({"code": "[redacted]", "name": "Frankfurt 1"}));
/// let mut answer = serde_json::json!({"nodeId": 1, "authKey": "k"});
/// nodewire_core::register::redact_registration(&mut answer);
/// assert_eq!(answer["authKey"], "[redacted]");
/// ```
pub fn redact_registration(body: &mut serde_json::Value) {
    if let Some(code) = body.get_mut("code").filter(|code| code.is_string()) {
        *code = serde_json::Value::String(nodewire_common::secret::REDACTED.to_owned());
    }
    nodewire_common::secret::redact_secrets(body);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_versions_of_the_dto_decode_and_re_encode() {
        let old = r#"{"code":"c","name":"n","host":"h.example","ip":"10.0.0.1","region":"eu"}"#;
        let dto: RegisterNodeDto = serde_json::from_str(old).unwrap();
        assert_eq!(dto.host.as_deref(), Some("h.example"));
        assert_eq!(
            serde_json::to_value(&dto).unwrap(),
            serde_json::from_str::<serde_json::Value>(old).unwrap()
        );
        let new = r#"{"code":"c","name":"n","ip":"10.0.0.1","port":3000,"region":"eu"}"#;
        let dto: RegisterNodeDto = serde_json::from_str(new).unwrap();
        assert_eq!(dto.port.map(NonZeroU16::get), Some(3000));
        for bad in [
            r#"{"code":"","name":"n","ip":"10.0.0.1","region":"eu"}"#,
            r#"{"code":"c","name":"n","ip":"nope","region":"eu"}"#,
            r#"{"code":"c","name":"n","ip":"10.0.0.1","port":0,"region":"eu"}"#,
            r#"{"code":"c","name":"n","ip":"10.0.0.1","port":70000,"region":"eu"}"#,
            r#"{"code":"c","name":"n","ip":"10.0.0.1"}"#,
        ] {
            assert!(
                serde_json::from_str::<RegisterNodeDto>(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn node_ids_keep_their_type() {
        let r: RegisterNodeResponse =
            serde_json::from_str(r#"{"authKey":"k","nodeId":7}"#).unwrap();
        assert_eq!(r.node_id, NodeId::Number(7));
        assert!(!format!("{r:?}").contains("\"k\""));
        let r: RegisterNodeResponse =
            serde_json::from_str(r#"{"authKey":"k","nodeId":"a1"}"#).unwrap();
        assert_eq!(r.node_id.to_string(), "a1");
    }
}
