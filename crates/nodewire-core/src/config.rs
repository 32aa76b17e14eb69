//! `GET /node/config/latest` (gRPC `GetLatestConfig`) and `POST /node/config/applied`
//! (gRPC `ConfirmConfigApplied`): the node's config and its acknowledgement.
//!
//! Over HTTP the config is one JSON object, [`NodeConfig`]. Over gRPC its three members travel
//! as JSON strings (`clientMapJson`, `mtprotoClientMapJson`, `servicesJson`); the accessors on
//! [`GetLatestConfigResponse`](crate::proto::GetLatestConfigResponse) decode them into these
//! same types.
//!
//! The document does not publish the shapes of `XrayServiceConfig` and
//! `MtProtoServiceConfig`; it says only that the first holds the node's Xray inbounds, routing
//! and outbounds, and the second the MTProto inbounds for telemt. Both are therefore kept as
//! JSON objects, verbatim, with accessors for those documented members.
//!
//! ```
//! use nodewire_core::config::NodeConfig;
//! let config: NodeConfig = serde_json::from_str(r#"{
//!     "revision": 12,
//!     "clientMap": {"0b7e…": {"userId": 42, "subscriptionId": 7}},
//!     "mtprotoClientMap": {},
//!     "services": {"xray": {"inbounds": [{"tag": "vless-3", "port": 443}]}}
//! }"#)?;
//! assert_eq!(config.client_map["0b7e…"].user_id, 42);
//! let xray = config.services.xray.as_ref().unwrap();
//! assert_eq!(xray.inbound_tags().collect::<Vec<_>>(), ["vless-3"]);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use nodewire_common::secret::{REDACTED, is_secret_member};
use schemars::JsonSchema;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Who a link belongs to: `{ userId, subscriptionId }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ClientRef {
    /// The user.
    #[serde(rename = "userId")]
    pub user_id: u64,
    /// The subscription, `null` when the link is not tied to one. Always present.
    #[serde(rename = "subscriptionId", deserialize_with = "Option::deserialize")]
    #[schemars(with = "NullableId")]
    pub subscription_id: Option<u64>,
}

impl ClientRef {
    /// A link of `user_id`, tied to `subscription_id` (`None` is sent as `null`).
    pub fn new(user_id: u64, subscription_id: Option<u64>) -> Self {
        Self {
            user_id,
            subscription_id,
        }
    }
}

/// The schema of an id that is always present and may be `null`.
struct NullableId;

nodewire_common::fixed_schema!(NullableId, inline, {
    "type": ["integer", "null"],
    "format": "uint64",
    "minimum": 0
});

/// Link UUID → owner. In `clientMap` the keys are subscription-link UUIDs (the xray client
/// ids, used to attribute xray traffic); in `mtprotoClientMap` they are MTProto-link UUIDs
/// (used to attribute telemt traffic).
pub type ClientMap = BTreeMap<String, ClientRef>;

/// A link map printed (`Debug`) and serialized with every key replaced by `"[redacted]"`: the
/// keys of `clientMap` are the xray client ids, which are the users' credentials.
pub(crate) struct RedactedKeys<'a, V>(pub(crate) &'a BTreeMap<String, V>);

impl<V: fmt::Debug> fmt::Debug for RedactedKeys<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.values().map(|value| (REDACTED, value)))
            .finish()
    }
}

impl<V: Serialize> Serialize for RedactedKeys<'_, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for value in self.0.values() {
            map.serialize_entry(REDACTED, value)?;
        }
        map.end()
    }
}

/// Whether a member of a service config holds a credential that [`is_secret_member`] does not
/// name (it names `privateKey`, `preSharedKey` and a certificate's `key`): a `psk`, a SOCKS or
/// HTTP account's `pass`.
fn is_key_member(name: &str) -> bool {
    name.eq_ignore_ascii_case("psk") || name.eq_ignore_ascii_case("pass")
}

/// Replaces, at any depth, every credential of a service config (Xray or MTProto) with
/// `"[redacted]"`, for `Debug` and logs:
///
/// - credential members ([`is_secret_member`]: `password`, `secretKey`, `privateKey`, ...)
///   and `psk`, `pass`;
/// - the `id` and `email` of each entry of a `clients` or `users` array (the VLESS and VMess
///   user id, which Core also uses as the client's stats email);
/// - the text values of a `users` object (MTProto: user name → 32-hex secret); the names stay.
///
/// Everything else stays: tags, ports, protocols, the number of clients and users.
pub(crate) fn redact_service_config(object: &mut Map<String, Value>) {
    for (name, member) in object.iter_mut() {
        if member.is_null() {
            continue;
        }
        if is_secret_member(name) || is_key_member(name) {
            *member = Value::String(REDACTED.to_owned());
            continue;
        }
        match member {
            Value::Object(users) if name == "users" => {
                for user in users.values_mut() {
                    if user.is_string() {
                        *user = Value::String(REDACTED.to_owned());
                    } else {
                        redact_value(user);
                    }
                }
            }
            Value::Array(entries) if name == "clients" || name == "users" => {
                for entry in entries.iter_mut() {
                    if let Value::Object(entry) = entry {
                        for id in ["id", "email"] {
                            if let Some(value) = entry.get_mut(id)
                                && !value.is_null()
                            {
                                *value = Value::String(REDACTED.to_owned());
                            }
                        }
                    }
                    redact_value(entry);
                }
            }
            _ => redact_value(member),
        }
    }
}

/// [`redact_service_config`] for any JSON value (objects inside arrays included).
pub(crate) fn redact_value(value: &mut Value) {
    match value {
        Value::Object(object) => redact_service_config(object),
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

macro_rules! json_object_type {
    ($(#[doc = $doc:literal])* $name:ident) => {
        $(#[doc = $doc])*
        #[derive(Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
        #[serde(transparent)]
        pub struct $name(pub Map<String, Value>);

        /// The object with its credentials (keys, passwords, user ids and secrets) replaced by
        /// `"[redacted]"`; tags, ports and the number of clients stay.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut object = self.0.clone();
                redact_service_config(&mut object);
                f.debug_tuple(stringify!($name)).field(&object).finish()
            }
        }

        impl $name {
            /// The object, as received.
            pub fn as_object(&self) -> &Map<String, Value> {
                &self.0
            }

            /// Consumes the wrapper, returning the object.
            pub fn into_object(self) -> Map<String, Value> {
                self.0
            }

            /// The `inbounds` array (empty when absent or not an array).
            pub fn inbounds(&self) -> &[Value] {
                array(&self.0, "inbounds")
            }

            /// The `tag` of every inbound that has one, in order.
            pub fn inbound_tags(&self) -> impl Iterator<Item = &str> {
                self.inbounds()
                    .iter()
                    .filter_map(|i| i.get("tag").and_then(Value::as_str))
            }
        }

        impl From<Map<String, Value>> for $name {
            fn from(object: Map<String, Value>) -> Self {
                Self(object)
            }
        }
    };
}

fn array<'a>(object: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

json_object_type!(
    /// `XrayServiceConfig`: the node's Xray configuration (inbounds, routing, outbounds), kept
    /// as the JSON object Core sent.
    XrayServiceConfig
);

impl XrayServiceConfig {
    /// The `outbounds` array (empty when absent or not an array).
    pub fn outbounds(&self) -> &[Value] {
        array(&self.0, "outbounds")
    }

    /// The `routing` object, if present.
    pub fn routing(&self) -> Option<&Map<String, Value>> {
        self.0.get("routing").and_then(Value::as_object)
    }
}

json_object_type!(
    /// `MtProtoServiceConfig`: the MTProto inbounds for telemt, kept as the JSON object Core
    /// sent.
    MtProtoServiceConfig
);

/// `services`: the configuration of each service the node runs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NodeServices {
    /// Xray, when the node runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xray: Option<XrayServiceConfig>,
    /// MTProto (telemt), when the node runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtproto: Option<MtProtoServiceConfig>,
}

impl NodeServices {
    nodewire_common::setters! {
        /// Sets the Xray configuration.
        xray(config: impl Into<XrayServiceConfig>);
        /// Sets the MTProto configuration.
        mtproto(config: impl Into<MtProtoServiceConfig>);
    }
}

/// `NodeConfig`: what `GET /node/config/latest` returns.
// `Debug` hides the credentials: the keys of `client_map` (the xray client ids) and those
// inside the service configs ([`XrayServiceConfig`]).
#[derive(Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema, derive_more::Debug)]
#[non_exhaustive]
pub struct NodeConfig {
    /// The config revision.
    pub revision: u64,
    /// Subscription-link UUID → owner, for xray traffic attribution.
    #[serde(rename = "clientMap")]
    #[debug("{:?}", RedactedKeys(client_map))]
    pub client_map: ClientMap,
    /// MTProto-link UUID → owner, for telemt traffic attribution.
    #[serde(rename = "mtprotoClientMap")]
    pub mtproto_client_map: ClientMap,
    /// Per-service configuration.
    pub services: NodeServices,
}

impl NodeConfig {
    /// Revision `revision` with empty client maps and no services (set them on it).
    ///
    /// ```
    /// use nodewire_core::config::{ClientRef, NodeConfig, NodeServices};
    /// let mut config = NodeConfig::new(12);
    /// config.client_map.insert("0b7e…".into(), ClientRef::new(42, Some(7)));
    /// config.services = NodeServices::default()
    ///     .xray(serde_json::json!({"inbounds": []}).as_object().cloned().unwrap_or_default());
    /// assert_eq!(config.services.xray.unwrap().inbounds().len(), 0);
    /// ```
    pub fn new(revision: u64) -> Self {
        Self {
            revision,
            ..Self::default()
        }
    }
}

/// `NodeConfigAppliedDto`: the revision the node now runs. Core marks the node's sync status
/// `synced`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NodeConfigAppliedDto {
    /// The applied revision.
    pub revision: u64,
}

impl NodeConfigAppliedDto {
    /// Revision `revision` is applied.
    pub fn new(revision: u64) -> Self {
        Self { revision }
    }
}

/// The credentials in the `GET /node/config/latest` fixture: the Reality private key, an
/// MTProto secret and two VLESS client ids.
#[cfg(test)]
pub(crate) const FIXTURE_CREDENTIALS: [&str; 4] = [
    "kD1tExAmPlEkEy",
    "0123456789abcdef0123456789abcdef",
    "6f1c7a52-1111-4c43-9a4e-9d0c7f3b2a10",
    "0d9e4b3a-2222-4f0e-8c1a-5b6d7e8f9a01",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_are_kept_verbatim() {
        let text = r#"{"revision":3,"clientMap":{"u1":{"userId":1,"subscriptionId":null}},"mtprotoClientMap":{"m1":{"userId":2,"subscriptionId":5}},"services":{"xray":{"log":{"loglevel":"warning"},"inbounds":[{"tag":"a","port":443},{"port":80}],"outbounds":[{"protocol":"freedom"}],"routing":{"rules":[]}},"mtproto":{"inbounds":[{"port":8443,"tag":"mt"}],"future":1.5}}}"#;
        let config: NodeConfig = serde_json::from_str(text).unwrap();
        let back = serde_json::to_value(&config).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
        let xray = config.services.xray.as_ref().unwrap();
        assert_eq!(xray.inbound_tags().collect::<Vec<_>>(), ["a"]);
        assert_eq!(xray.outbounds().len(), 1);
        assert!(xray.routing().is_some());
        let mtproto = config.services.mtproto.as_ref().unwrap();
        assert_eq!(mtproto.inbound_tags().collect::<Vec<_>>(), ["mt"]);
        assert_eq!(config.client_map["u1"].subscription_id, None);
    }

    const FIXTURE: &str = include_str!("../tests/fixtures/GET_node_config_latest.response.json");

    /// Whether `text` holds each of `visible` and none of `hidden`.
    fn shows_only(text: &str, visible: &[&str], hidden: &[&str]) -> bool {
        visible.iter().all(|v| text.contains(v)) && !hidden.iter().any(|h| text.contains(h))
    }

    #[test]
    fn debug_hides_keys_user_ids_and_secrets() {
        let config: NodeConfig = serde_json::from_str(FIXTURE).unwrap();
        let text = format!("{config:?}");
        let visible = [
            "revision: 12",
            "user_id: 42",
            "\"vless-3\"",
            "Number(443)",
            "\"xtls-rprx-vision\"",
            "\"www.example.com:443\"",
            "Number(8443)",
            // The MTProto user's name and its link (not credentials) stay.
            "a3c5e7f9-3333-4b2d-9e8f-0a1b2c3d4e5f",
        ];
        assert!(shows_only(&text, &visible, &FIXTURE_CREDENTIALS), "{text}");

        let xray = XrayServiceConfig::from(
            serde_json::json!({
                "inbounds": [{"tag": "ss", "port": 8388, "settings": {
                    "password": "s3cr3t-k3y",
                    "clients": [{"password": "s3cr3t-k3y", "email": "a@b"}, {"id": null}]}}],
                "outbounds": [{"protocol": "wireguard", "settings": {
                    "secretKey": "s3cr3t-k3y", "peers": [{"publicKey": "pub", "preSharedKey": "s3cr3t-k3y"}]}},
                    {"protocol": "socks", "settings": {"servers": [{"users": [{"user": "u", "pass": "s3cr3t-k3y"}]}]}}],
                "certificates": [{"certificate": ["cert"], "key": ["s3cr3t-k3y"]}]
            })
            .as_object()
            .cloned()
            .unwrap(),
        );
        let text = format!("{xray:?}");
        assert!(text.starts_with("XrayServiceConfig({"), "{text}");
        let visible = [
            "\"ss\"",
            "Number(8388)",
            "\"wireguard\"",
            "\"u\"",
            "\"cert\"",
            "\"id\": Null",
        ];
        assert!(
            shows_only(&text, &visible, &["s3cr3t-k3y", "a@b"]),
            "{text}"
        );
        // The wire form is untouched.
        assert_eq!(
            serde_json::to_value(&config).unwrap(),
            serde_json::from_str::<Value>(FIXTURE).unwrap()
        );
    }

    #[test]
    fn redacted_keys_serialize_as_json() {
        let mut map = ClientMap::new();
        map.insert("s3cr3t-k3y".into(), ClientRef::new(1, None));
        assert_eq!(
            serde_json::to_string(&RedactedKeys(&map)).unwrap(),
            r#"{"[redacted]":{"userId":1,"subscriptionId":null}}"#
        );
    }

    #[test]
    fn client_refs_need_both_members() {
        assert!(serde_json::from_str::<ClientRef>(r#"{"userId":1}"#).is_err());
        assert!(
            serde_json::from_str::<ClientRef>(r#"{"userId":"1","subscriptionId":null}"#).is_err()
        );
    }
}
