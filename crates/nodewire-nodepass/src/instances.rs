//! Instances: the instance JSON with its `meta`, the API-key instance `********`, and the
//! create / update (PATCH) / replace (PUT) bodies (contract §3–§5).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use nodewire_common::Secret;
use nodewire_common::secret::{REDACTED, redact_url};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::url::{InstanceUrl, RequestUrl};

/// The id of the instance that holds the API key and the master identity.
pub const API_KEY_ID: &str = "********";

/// The longest alias, peer field, tag key or tag value the master accepts, in bytes.
pub const MAX_VALUE_LEN: usize = 256;

/// An instance id: 8 lowercase hex characters (4 random bytes), or [`API_KEY_ID`].
///
/// Decoding keeps any text the master sends; [`InstanceId::new`] refuses ids a master can
/// never route (empty, or containing `/`).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct InstanceId(String);

/// An id a master cannot route.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("instance id `{0}`: must be non-empty and contain no `/`")]
pub struct InvalidInstanceId(pub String);

impl InstanceId {
    /// Validates an id.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidInstanceId> {
        let id = id.into();
        if id.is_empty() || id.contains('/') {
            return Err(InvalidInstanceId(id));
        }
        Ok(Self(id))
    }

    /// An id as the wire carries it (no validation).
    pub(crate) fn from_wire(id: String) -> Self {
        Self(id)
    }

    /// The API-key instance's id, `********`.
    pub fn api_key() -> Self {
        Self(API_KEY_ID.to_owned())
    }

    /// `true` for `********`.
    pub fn is_api_key(&self) -> bool {
        self.0 == API_KEY_ID
    }

    /// The id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InstanceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

nodewire_common::open_enum! {
    /// `type`: the instance's role (its URL scheme); empty for the API-key instance.
    #[rename_all = "snake_case"]
    pub enum InstanceType {
        /// A client instance.
        Client,
        /// A server instance.
        Server,
        /// The API-key instance `********`.
        ApiKey = "",
    }
}

nodewire_common::open_enum! {
    /// `status`: the state of the instance's process; empty for the API-key instance.
    #[rename_all = "snake_case"]
    pub enum InstanceStatus {
        /// The process runs (and, after its first `CHECK_POINT`, reports statistics).
        Running,
        /// Not running.
        Stopped,
        /// The process exited with an error, logged `Server error:` / `Client error:`, or sent
        /// no `CHECK_POINT` for 15 s.
        Error,
        /// The API-key instance `********`.
        ApiKey = "",
    }
}

/// `meta.peer`: free text a panel keeps about the other end (the master checks only the
/// 256-byte limit; the docs' UUID and `0|1|2` rules are not enforced).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Peer {
    /// Service id (panels use a UUID).
    #[serde(default)]
    pub sid: String,
    /// Service type (docs: `0` single-end, `1` NAT traversal, `2` tunnel forwarding;
    /// NodePassDash uses `0`..`7`).
    #[serde(default, rename = "type")]
    pub kind: String,
    /// Service alias.
    #[serde(default)]
    pub alias: String,
}

impl Peer {
    /// A peer with every field given.
    pub fn new(sid: impl Into<String>, kind: impl Into<String>, alias: impl Into<String>) -> Self {
        Self {
            sid: sid.into(),
            kind: kind.into(),
            alias: alias.into(),
        }
    }
}

/// Tags: a string map, sent with sorted keys.
pub type Tags = BTreeMap<String, String>;

fn some_empty_tags() -> Option<Tags> {
    Some(Tags::new())
}

/// `meta`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Meta {
    /// The peer.
    #[serde(default)]
    pub peer: Peer,
    /// The tags: `{}` normally, `null` only after a v2 MCP import with `"tags": null`.
    #[serde(default = "some_empty_tags")]
    pub tags: Option<Tags>,
}

impl Default for Meta {
    fn default() -> Self {
        Self {
            peer: Peer::default(),
            tags: some_empty_tags(),
        }
    }
}

impl Meta {
    /// The tags (empty when `null`).
    pub fn tags(&self) -> &Tags {
        const EMPTY: &Tags = &Tags::new();
        self.tags.as_ref().unwrap_or(EMPTY)
    }
}

/// An instance (`Instance`, v2 `types.go:41-83`): every field is always sent.
///
/// For the API-key instance (`id` `********`, [`Instance::api_key`]) `url` is the API key and
/// `config` the master id; its `Debug` hides the key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, derive_more::Debug)]
#[non_exhaustive]
pub struct Instance {
    /// 8 hex characters, or `********`.
    pub id: InstanceId,
    /// Free text (≤ 256 bytes when set by PATCH; not checked on create).
    pub alias: String,
    /// `client` / `server` (the URL scheme), empty for the API-key instance.
    #[serde(rename = "type")]
    pub kind: InstanceType,
    /// The process state.
    pub status: InstanceStatus,
    /// The stored (normalized) instance URL; the API key for `********`.
    // `Debug` hides the API key (the API-key instance's `url`) whole, and the tunnel key (user
    // information) of any other instance's `url`.
    #[debug("{:?}", if self.is_api_key() { Cow::Borrowed(REDACTED) } else { redact_url(url) })]
    pub url: String,
    /// `url` with every default parameter; the master id (16 hex) for `********`.
    // `Debug` hides the tunnel key (user information).
    #[debug("{:?}", redact_url(config))]
    pub config: String,
    /// Start with the master.
    pub restart: bool,
    /// Peer and tags (a missing `meta` decodes as empty).
    #[serde(default)]
    pub meta: Meta,
    /// `0` until the first `CHECK_POINT`, then the mode the process settled on (1 or 2).
    pub mode: i32,
    /// Milliseconds: tunnel round trip (dual-end), best target TCP ping (single-end client).
    pub ping: i32,
    /// Active pool connections (0 in single-end mode).
    pub pool: i32,
    /// Active TCP connections.
    pub tcps: i32,
    /// Active UDP sessions.
    pub udps: i32,
    /// TCP bytes received, cumulative across restarts of the instance and the master.
    pub tcprx: u64,
    /// TCP bytes sent, cumulative.
    pub tcptx: u64,
    /// UDP bytes received, cumulative.
    pub udprx: u64,
    /// UDP bytes sent, cumulative.
    pub udptx: u64,
}

impl Instance {
    /// A `Instance` with the given `id`, `kind` and `status`; every other field starts zero,
    /// `false`, empty or absent (set it on the returned value).
    pub fn new(id: InstanceId, kind: InstanceType, status: InstanceStatus) -> Self {
        Self {
            id,
            alias: String::new(),
            kind,
            status,
            url: String::new(),
            config: String::new(),
            restart: false,
            meta: Default::default(),
            mode: 0,
            ping: 0,
            pool: 0,
            tcps: 0,
            udps: 0,
            tcprx: 0,
            tcptx: 0,
            udprx: 0,
            udptx: 0,
        }
    }
}

/// The API-key instance, read: the key, the master id and the master alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyInstance {
    /// The API key (`X-API-Key`), 32 lowercase hex.
    pub key: Secret,
    /// The master id, 16 hex characters.
    pub master_id: String,
    /// The master alias.
    pub alias: String,
}

impl ApiKeyInstance {
    /// A `ApiKeyInstance` with every field given.
    pub fn new(key: Secret, master_id: impl Into<String>, alias: impl Into<String>) -> Self {
        Self {
            key,
            master_id: master_id.into(),
            alias: alias.into(),
        }
    }
}

/// Replaces, in a JSON instance or a list of instances as the master sends them, the API key
/// that the API-key instance ([`API_KEY_ID`]) carries as its `url` with `"[redacted]"` (its
/// `config` is the master id, and stays), and the tunnel keys in other instances' URLs
/// ([`redact_secrets`](nodewire_common::secret::redact_secrets)), so a body can be printed or
/// logged.
///
/// ```
/// use nodewire_nodepass::instances::redact_instances;
/// let mut list = serde_json::json!([
///     {"id": "********", "url": "7ae6a542d2a87735", "config": "d989fbf8"},
///     {"id": "4abf2548", "url": "server://k3y@:10101/127.0.0.1:8080"},
/// ]);
/// redact_instances(&mut list);
/// assert_eq!(list[0]["url"], "[redacted]");
/// assert_eq!(list[0]["config"], "d989fbf8");
/// assert_eq!(list[1]["url"], "server://[redacted]@:10101/127.0.0.1:8080");
/// ```
pub fn redact_instances(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Array(items) => items.iter_mut().for_each(redact_instances),
        Value::Object(object) => {
            if object.get("id").and_then(Value::as_str) == Some(API_KEY_ID)
                && let Some(url) = object.get_mut("url").filter(|v| v.is_string())
            {
                *url = Value::String(REDACTED.to_owned());
            }
            nodewire_common::secret::redact_secrets(value);
        }
        _ => nodewire_common::secret::redact_secrets(value),
    }
}

impl Instance {
    /// `true` for the API-key instance (`id` `********`; its `type` is empty), which a panel
    /// filters out of lists and event streams.
    pub fn is_api_key(&self) -> bool {
        self.id.is_api_key()
    }

    /// The API key, the master id and alias, for the API-key instance.
    pub fn api_key(&self) -> Option<ApiKeyInstance> {
        self.is_api_key().then(|| ApiKeyInstance {
            key: Secret::new(self.url.clone()),
            master_id: self.config.clone(),
            alias: self.alias.clone(),
        })
    }

    /// The stored URL as a typed [`InstanceUrl`] (not for the API-key instance).
    pub fn instance_url(&self) -> Option<Result<InstanceUrl, crate::url::UrlError>> {
        (!self.is_api_key()).then(|| InstanceUrl::parse(&self.url))
    }

    /// The four traffic counters, for rate computations.
    pub fn counters(&self) -> [u64; 4] {
        [self.tcprx, self.tcptx, self.udprx, self.udptx]
    }
}

macro_rules! bounded_string {
    ($(#[doc = $doc:literal])* $name:ident, $field:literal) => {
        $(#[doc = $doc])*
        #[doc = ""]
        #[doc = concat!("At most 256 bytes; a longer value is refused with the master's text (`", $field, " exceeds maximum length 256`).")]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The field name the master uses in its error.
            pub const FIELD: &'static str = $field;

            /// Validates the length.
            pub fn new(text: impl Into<String>) -> Result<Self, TooLong> {
                let text = text.into();
                if text.len() > MAX_VALUE_LEN {
                    return Err(TooLong { field: $field, len: text.len() });
                }
                Ok(Self(text))
            }
        }

        nodewire_common::text_newtype!($name, TooLong);

        nodewire_common::fixed_schema!($name, {
            "type": "string",
            "description": concat!($field, ", at most 256 bytes (UTF-8)."),
            "maxLength": 256
        });
    };
}

/// A text over the master's 256-byte limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} exceeds maximum length 256 ({len} bytes)")]
pub struct TooLong {
    /// The field, as the master names it.
    pub field: &'static str,
    /// Its length in bytes.
    pub len: usize,
}

bounded_string!(
    /// An instance alias in a PATCH.
    InstanceAlias, "Instance alias"
);
bounded_string!(
    /// `meta.peer.sid` in a PATCH.
    PeerSid, "Meta peer.sid"
);
bounded_string!(
    /// `meta.peer.type` in a PATCH.
    PeerType, "Meta peer.type"
);
bounded_string!(
    /// `meta.peer.alias` in a PATCH.
    PeerAlias, "Meta peer.alias"
);
bounded_string!(
    /// A tag key in a PATCH.
    TagKey, "Meta tag key"
);
bounded_string!(
    /// A tag value in a PATCH.
    TagValue, "Meta tag value"
);
bounded_string!(
    /// The master alias (`POST /info`).
    MasterAlias, "Master alias"
);

/// `POST /instances` body (`CreateInstanceRequest`). Answers `201` with the instance in
/// status `stopped`; the start follows asynchronously (SSE `create`, then `update`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CreateInstanceRequest {
    /// The alias (the master does not check its length on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// The instance URL.
    pub url: RequestUrl,
}

impl CreateInstanceRequest {
    /// A request for `url`.
    pub fn new(url: impl Into<RequestUrl>) -> Self {
        Self {
            alias: None,
            url: url.into(),
        }
    }

    /// Sets the alias.
    #[must_use]
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.alias = Some(alias.into());
        self
    }
}

/// `PUT /instances/{id}` body (`PutInstanceRequest`): a new URL; the instance restarts.
/// `409 Instance URL conflict` when the normalized URL equals the current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PutInstanceRequest {
    /// The new instance URL.
    pub url: RequestUrl,
}

impl PutInstanceRequest {
    /// A request for `url`.
    pub fn new(url: impl Into<RequestUrl>) -> Self {
        Self { url: url.into() }
    }
}

/// The PATCH `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Action {
    /// Start, if `stopped` (an `error` instance is not started: use `Restart`).
    Start,
    /// Stop, unless `stopped` (SIGTERM, 5 s grace, then kill).
    Stop,
    /// Stop, wait 100 ms, start (from any status). On `********`: regenerate the API key.
    Restart,
    /// Zero the four traffic counters; the process is not touched.
    Reset,
}

impl Action {
    /// The wire label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Restart => "restart",
            Self::Reset => "reset",
        }
    }
}

/// An action the master does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid action: {0} (expected start, stop, restart or reset)")]
pub struct InvalidAction(pub String);

impl TryFrom<String> for Action {
    type Error = InvalidAction;
    fn try_from(text: String) -> Result<Self, InvalidAction> {
        match text.as_str() {
            "start" => Ok(Self::Start),
            "stop" => Ok(Self::Stop),
            "restart" => Ok(Self::Restart),
            "reset" => Ok(Self::Reset),
            _ => Err(InvalidAction(text)),
        }
    }
}

impl From<Action> for &'static str {
    fn from(action: Action) -> Self {
        action.as_str()
    }
}

nodewire_common::fixed_schema!(Action, {
    "type": "string",
    "enum": ["start", "stop", "restart", "reset"],
    "description": "A PATCH action."
});

/// `meta.peer` in a PATCH: the whole peer is replaced (an absent field becomes empty, so
/// `{}` clears it). Build one from [`PeerUpdate::default`] and the setters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PeerUpdate {
    /// `sid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<PeerSid>,
    /// `type`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<PeerType>,
    /// `alias`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<PeerAlias>,
}

impl PeerUpdate {
    nodewire_common::setters! {
        /// Sets `sid`.
        sid(sid: PeerSid);

        /// Sets `type`.
        kind(kind: PeerType);

        /// Sets `alias`.
        alias(alias: PeerAlias);
    }
}

/// `meta` in a PATCH. Build one from [`MetaUpdate::default`] and the setters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MetaUpdate {
    /// Replaces the peer when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<PeerUpdate>,
    /// Replaces every tag when present (`{}` clears them); keys are unique by construction.
    /// Keys are at most 256 bytes (the schema states 256 characters, exact for ASCII keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("propertyNames" = { "maxLength": 256 }))]
    pub tags: Option<BTreeMap<TagKey, TagValue>>,
}

impl MetaUpdate {
    /// Replaces the peer.
    #[must_use]
    pub fn peer(mut self, peer: PeerUpdate) -> Self {
        self.peer = Some(peer);
        self
    }

    /// Replaces every tag (an empty iterator clears them).
    #[must_use]
    pub fn tags(mut self, tags: impl IntoIterator<Item = (TagKey, TagValue)>) -> Self {
        self.tags = Some(tags.into_iter().collect());
        self
    }
}

/// `PATCH /instances/{id}` body (`UpdateInstanceRequest`).
///
/// The master applies the fields in order (alias, action, restart, meta), each at once, so
/// a later 400 leaves earlier changes applied; a body that does not decode is ignored (200,
/// unchanged). An alias cannot be cleared (empty means "not given"). On `********` only
/// `{"action": "restart"}` has an effect: it regenerates the API key
/// ([`UpdateInstance::regenerate_api_key`](crate::endpoints::UpdateInstance::regenerate_api_key)).
///
/// Build one from [`UpdateInstanceRequest::action`] or [`UpdateInstanceRequest::default`]
/// and the setters:
///
/// ```
/// use nodewire_nodepass::instances::{
///     Action, InstanceAlias, MetaUpdate, PeerSid, PeerUpdate, TagKey, TagValue,
///     UpdateInstanceRequest,
/// };
/// let patch = UpdateInstanceRequest::action(Action::Restart)
///     .alias(InstanceAlias::new("web")?)
///     .meta(
///         MetaUpdate::default()
///             .peer(PeerUpdate::default().sid(PeerSid::new("svc-1")?))
///             .tags([(TagKey::new("env")?, TagValue::new("prod")?)]),
///     );
/// assert_eq!(
///     serde_json::to_string(&patch)?,
///     r#"{"alias":"web","action":"restart","meta":{"peer":{"sid":"svc-1"},"tags":{"env":"prod"}}}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UpdateInstanceRequest {
    /// A new alias (applied when non-empty and different).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<InstanceAlias>,
    /// An action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// The auto-start policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<bool>,
    /// Peer and tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<MetaUpdate>,
}

impl UpdateInstanceRequest {
    /// A request with an action (and the setters for the other fields).
    pub fn action(action: Action) -> Self {
        Self {
            action: Some(action),
            ..Self::default()
        }
    }

    nodewire_common::setters! {
        /// Sets a new alias.
        alias(alias: InstanceAlias);
        /// Sets the auto-start policy.
        restart(restart: bool);
        /// Sets the peer and tags.
        meta(meta: MetaUpdate);
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        Instance,
        Meta,
        Peer,
        CreateInstanceRequest,
        UpdateInstanceRequest,
        PutInstanceRequest,
        MetaUpdate,
        PeerUpdate,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_key_instance_is_typed_and_hidden() -> Result<(), serde_json::Error> {
        let i: Instance = serde_json::from_str(
            r#"{"id":"********","alias":"m","type":"","status":"","url":"7ae6a542d2a87735801e6c925da4f771","config":"d989fbf8347b1bb0","restart":false,"meta":{"peer":{"sid":"","type":"","alias":""},"tags":{}},"mode":0,"ping":0,"pool":0,"tcps":0,"udps":0,"tcprx":0,"tcptx":0,"udprx":0,"udptx":0}"#,
        )?;
        assert!(i.is_api_key());
        assert_eq!(i.kind, InstanceType::ApiKey);
        let key = i.api_key().map(|k| k.master_id);
        assert_eq!(key.as_deref(), Some("d989fbf8347b1bb0"));
        assert!(!format!("{i:?}").contains("7ae6a542"));
        Ok(())
    }

    #[test]
    fn debug_hides_the_tunnel_key() {
        let mut i = Instance::new(
            InstanceId("0a1b2c3d".to_owned()),
            InstanceType::Server,
            InstanceStatus::Running,
        );
        i.alias = "edge".to_owned();
        i.url = "server://s3cr3t-k3y@:10101/127.0.0.1:8080?log=info".to_owned();
        i.config = "server://s3cr3t-k3y@:10101/127.0.0.1:8080?log=info&mode=0".to_owned();
        let debug = format!("{i:?}");
        assert!(!debug.contains("s3cr3t-k3y"), "{debug}");
        assert!(debug.contains("server://[redacted]@:10101/127.0.0.1:8080?log=info&mode=0"));
        assert!(debug.contains("0a1b2c3d") && debug.contains("edge"));
    }

    #[test]
    fn meta_defaults_and_null_tags() -> Result<(), serde_json::Error> {
        let m: Meta = serde_json::from_str("{}")?;
        assert_eq!(m, Meta::default());
        let m: Meta = serde_json::from_str(r#"{"tags":null}"#)?;
        assert_eq!(m.tags, None);
        assert!(m.tags().is_empty());
        assert_eq!(
            serde_json::to_string(&m)?,
            r#"{"peer":{"sid":"","type":"","alias":""},"tags":null}"#
        );
        Ok(())
    }

    #[test]
    fn patch_limits_and_actions() {
        let long = "a".repeat(257);
        let e = serde_json::from_str::<UpdateInstanceRequest>(&format!(r#"{{"alias":"{long}"}}"#))
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("Instance alias exceeds maximum length 256")
        );
        let e = serde_json::from_str::<UpdateInstanceRequest>(r#"{"action":"pause"}"#).unwrap_err();
        assert!(e.to_string().contains("Invalid action: pause"));
        assert!(InstanceAlias::new("a".repeat(256)).is_ok());
        assert!(TagKey::new("é".repeat(129)).is_err());
        assert!(InstanceId::new("a/b").is_err());
    }
}
