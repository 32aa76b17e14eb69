//! `/v1/protocols`: the kernel's nodes (listeners and connectors) and their profiles
//! (core.yaml:1580-1675).
//!
//! ```
//! use nodewire_kernel::protocols::{NodeProfile, NodeRole, ProfileProtocol, ProtocolUpsertRequest};
//! let profile = NodeProfile::new("http-api", NodeRole::Listener, ProfileProtocol::Http)
//!     .profile(serde_json::json!({"server": {"allow_plain_http": false}}));
//! let body = ProtocolUpsertRequest::new(profile).listen("0.0.0.0:35580");
//! assert_eq!(
//!     serde_json::to_value(&body).unwrap(),
//!     serde_json::json!({"listen": "0.0.0.0:35580", "profile": {"id": "http-api",
//!         "role": "listener", "protocol": "http",
//!         "profile": {"server": {"allow_plain_http": false}}}})
//! );
//! ```

use nodewire_common::Patch;
use nodewire_common::secret::redacted;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::users::User;
use crate::wire::wire_struct;

nodewire_common::open_enum! {
    /// A node's role (core.yaml:1596). Requests must carry a known label; responses keep any.
    #[rename_all = "snake_case"]
    pub enum NodeRole {
        /// Accepts client connections.
        Listener,
        /// Connects out to an upstream.
        Connector,
    }
}

crate::wire::labels!(NodeRole);

/// The protocols a [`NodeProfile`] or [`UpstreamProfile`] may name (the inline enum at
/// core.yaml:1641 and 1665). A request enum: the library sends only these, and refuses other
/// labels when decoding a request (the panel sends any lower-cased binding protocol, such as
/// `trojan`, which a validating kernel rejects; contract §8 #13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum ProfileProtocol {
    /// `http`.
    #[serde(rename = "http")]
    Http,
    /// `socks`.
    #[serde(rename = "socks")]
    Socks,
    /// `ss` (Shadowsocks).
    #[serde(rename = "ss")]
    Ss,
    /// `ssr` (ShadowsocksR).
    #[serde(rename = "ssr")]
    Ssr,
    /// `vless`.
    #[serde(rename = "vless")]
    Vless,
    /// `direct`.
    #[serde(rename = "direct")]
    Direct,
    /// `mixed` (HTTP and SOCKS on one port).
    #[serde(rename = "mixed")]
    Mixed,
    /// `any_tls`.
    #[serde(rename = "any_tls")]
    AnyTls,
}

impl ProfileProtocol {
    /// Every label, in spec order.
    pub const KNOWN: &'static [&'static str] = &[
        "http", "socks", "ss", "ssr", "vless", "direct", "mixed", "any_tls",
    ];

    /// The wire label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Socks => "socks",
            Self::Ss => "ss",
            Self::Ssr => "ssr",
            Self::Vless => "vless",
            Self::Direct => "direct",
            Self::Mixed => "mixed",
            Self::AnyTls => "any_tls",
        }
    }
}

impl std::fmt::Display for ProfileProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ProfileProtocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        serde_json::from_value(Value::String(s.to_owned())).map_err(|_| {
            format!(
                "unknown protocol `{s}`, expected one of: {}",
                Self::KNOWN.join(", ")
            )
        })
    }
}

wire_struct! {
    /// The body of `POST /v1/protocols` (core.yaml:1580): creates or replaces a node.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct ProtocolUpsertRequest {
        /// Listen address (`0.0.0.0:35580`).
        listen?: null String,
        /// Upstream address, for connectors.
        connect?: null String,
        /// The node's users.
        users?: Vec<User>,
        /// The node's profile.
        profile: NodeProfile,
    }
}

impl ProtocolUpsertRequest {
    /// An upsert of `profile` with no listen or connect address and no users.
    pub fn new(profile: NodeProfile) -> Self {
        Self {
            listen: Patch::Absent,
            connect: Patch::Absent,
            users: None,
            profile,
        }
    }

    nodewire_common::setters! {
        /// Sets the listen address.
        listen(address: impl Into<String>) nullable:
            /// Sends the listen address as `null`.
            clear_listen;
        /// Sets the upstream address.
        connect(address: impl Into<String>) nullable:
            /// Sends the upstream address as `null`.
            clear_connect;
        /// Sets the users.
        users(users: Vec<User>);
    }
}

impl crate::wire::Validate for ProtocolUpsertRequest {
    /// A known `profile.role`, and each user (numeric `metadata` is refused: contract §8
    /// row 6).
    fn validate(&self) -> Result<(), nodewire_common::DecodeError> {
        use crate::wire::Within;
        crate::wire::known_label("profile.role", &self.profile.role)?;
        match &self.users {
            Some(users) => users.validate().map_err(|e| e.within("users")),
            None => Ok(()),
        }
    }
}

wire_struct! {
    /// A node as `GET /v1/protocols` lists it (core.yaml:1599).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct ProtocolSummary {
        /// Node id.
        id?: String,
        /// Listener or connector.
        role?: NodeRole,
        /// Protocol (plain string in the spec).
        protocol?: String,
        /// Tags.
        tags?: Vec<String>,
        /// Free text.
        description?: null String,
        /// Listen address.
        listen?: null String,
        /// Upstream address.
        connect?: null String,
        /// Number of users.
        user_count?: u64,
    }
}

wire_struct! {
    /// A node's configuration (core.yaml:1623). `profile`, `stack` and `interface_policy` are
    /// protocol-specific objects the spec leaves free-form (their shape is in the kernel's
    /// `docs/config_schema.md`, which is not public), kept as JSON objects.
    // `Debug` writes `profile` with its credentials redacted (a password, a private key).
    #[derive(derive_more::Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct NodeProfile {
        /// Node id.
        id: String,
        /// Listener or connector (a known label).
        #[serde(deserialize_with = "crate::wire::known")]
        role: NodeRole,
        /// Tags.
        tags?: Vec<String>,
        /// Free text.
        description?: null String,
        /// The protocol.
        protocol: ProfileProtocol,
        /// Protocol settings.
        #[debug("{:?}", redacted(profile))]
        profile: Map<String, Value>,
        /// Network stack settings.
        stack?: null Map<String, Value>,
        /// Interface selection policy.
        interface_policy?: null Map<String, Value>,
        /// Upstream chain.
        upstream?: Vec<UpstreamProfile>,
    }
}

impl NodeProfile {
    /// A profile with empty protocol settings.
    pub fn new(id: impl Into<String>, role: NodeRole, protocol: ProfileProtocol) -> Self {
        Self {
            id: id.into(),
            role,
            tags: None,
            description: Patch::Absent,
            protocol,
            profile: Map::new(),
            stack: Patch::Absent,
            interface_policy: Patch::Absent,
            upstream: None,
        }
    }

    /// Sets the protocol settings; a value that is not an object leaves them empty.
    #[must_use]
    pub fn profile(mut self, profile: Value) -> Self {
        self.profile = match profile {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        self
    }

    /// Sets the network stack settings (a value that is not an object is ignored).
    #[must_use]
    pub fn stack(mut self, stack: Value) -> Self {
        if let Value::Object(map) = stack {
            self.stack = Patch::Value(map);
        }
        self
    }

    /// Sets the interface selection policy (a value that is not an object is ignored).
    #[must_use]
    pub fn interface_policy(mut self, policy: Value) -> Self {
        if let Value::Object(map) = policy {
            self.interface_policy = Patch::Value(map);
        }
        self
    }

    /// Sends the network stack settings as `null`.
    #[must_use]
    pub fn clear_stack(mut self) -> Self {
        self.stack = Patch::Null;
        self
    }

    /// Sends the interface selection policy as `null`.
    #[must_use]
    pub fn clear_interface_policy(mut self) -> Self {
        self.interface_policy = Patch::Null;
        self
    }
}

nodewire_common::setters!(NodeProfile, UpstreamProfile {
    /// Sets the tags.
    tags<I: IntoIterator<Item = S>, S: Into<String>>(tags: I) =
        Some(tags.into_iter().map(Into::into).collect());
    /// Sets the description.
    description(text: impl Into<String>) nullable:
        /// Sends the description as `null`.
        clear_description;
});

nodewire_common::setters!(NodeProfile {
    /// Sets the upstream chain.
    upstream(hops: impl IntoIterator<Item = UpstreamProfile>) = Some(hops.into_iter().collect());
});

nodewire_common::setters!(UpstreamProfile {
    /// Sets the further hops.
    upstream(hops: impl IntoIterator<Item = UpstreamProfile>) = Some(hops.into_iter().collect());
});

wire_struct! {
    /// One hop of an upstream chain (core.yaml:1654).
    // `Debug` writes `profile` with its credentials redacted.
    #[derive(derive_more::Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct UpstreamProfile {
        /// Hop id.
        id?: null String,
        /// Tags.
        tags?: Vec<String>,
        /// Free text.
        description?: null String,
        /// The hop's protocol.
        protocol?: ProfileProtocol,
        /// Protocol settings.
        #[debug("{:?}", profile.as_ref().map(redacted))]
        profile?: Map<String, Value>,
        /// Further hops.
        upstream?: Vec<UpstreamProfile>,
    }
}

impl UpstreamProfile {
    /// A hop speaking `protocol`, with no other settings.
    ///
    /// ```
    /// use nodewire_kernel::protocols::{ProfileProtocol, UpstreamProfile};
    /// let hop = UpstreamProfile::new(ProfileProtocol::Socks)
    ///     .id("exit-1")
    ///     .profile(serde_json::json!({"server": "198.51.100.1:1080"}));
    /// assert_eq!(
    ///     serde_json::to_value(&hop).unwrap(),
    ///     serde_json::json!({"id": "exit-1", "protocol": "socks",
    ///         "profile": {"server": "198.51.100.1:1080"}})
    /// );
    /// ```
    pub fn new(protocol: ProfileProtocol) -> Self {
        Self {
            protocol: Some(protocol),
            ..Self::default()
        }
    }

    nodewire_common::setters! {
        /// Sets the hop id.
        id(id: impl Into<String>) nullable:
            /// Sends the hop id as `null`.
            clear_id;
    }

    /// Sets the protocol settings (a value that is not an object is ignored).
    #[must_use]
    pub fn profile(mut self, profile: Value) -> Self {
        if let Value::Object(map) = profile {
            self.profile = Some(map);
        }
        self
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        ProtocolUpsertRequest,
        NodeRole,
        ProtocolSummary,
        NodeProfile,
        UpstreamProfile,
        ProfileProtocol,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn debug_hides_the_profiles_credentials() {
        let hop = UpstreamProfile::new(ProfileProtocol::Ss)
            .profile(json!({"server": "198.51.100.7", "password": "s3cr3t-k3y"}));
        let node = NodeProfile::new("edge-1", NodeRole::Listener, ProfileProtocol::Ss)
            .profile(json!({"port": 8388, "password": "s3cr3t-k3y", "private_key": "s3cr3t-k3y"}))
            .upstream([hop]);
        let tls = crate::tls::TlsNodePatchRequest::default()
            .tls(json!({"mode": "server", "reality": {"private_key": "s3cr3t-k3y"}}))
            .inner(json!({"protocol": "anytls", "password": "s3cr3t-k3y"}));
        for (text, shown) in [
            (format!("{node:?}"), "198.51.100.7"),
            (
                format!("{:?}", ProtocolUpsertRequest::new(node.clone())),
                "8388",
            ),
            (format!("{tls:?}"), "anytls"),
        ] {
            assert!(
                !text.contains("s3cr3t-k3y") && text.contains(shown),
                "{text}"
            );
        }
        assert_eq!(
            serde_json::to_value(&node)
                .ok()
                .map(|v| v["profile"]["password"].clone()),
            Some(json!("s3cr3t-k3y"))
        );
    }

    #[test]
    fn requests_refuse_unknown_labels() {
        let body = json!({"profile": {"id": "a", "role": "listener", "protocol": "trojan", "profile": {}}});
        let err = nodewire_common::error::from_value::<ProtocolUpsertRequest>(body).err();
        assert_eq!(err.map(|e| e.path).as_deref(), Some("profile.protocol"));
        let body =
            json!({"profile": {"id": "a", "role": "relay", "protocol": "http", "profile": {}}});
        let err = nodewire_common::error::from_value::<ProtocolUpsertRequest>(body).err();
        assert_eq!(err.as_ref().map(|e| e.path.as_str()), Some("profile.role"));
        assert!(err.is_some_and(|e| e.message.contains("listener, connector")));
    }

    #[test]
    fn responses_keep_unknown_roles() -> Result<(), serde_json::Error> {
        let s: ProtocolSummary = serde_json::from_value(json!({"id": "a", "role": "relay"}))?;
        assert_eq!(s.role.as_ref().map(NodeRole::as_str), Some("relay"));
        Ok(())
    }
}
