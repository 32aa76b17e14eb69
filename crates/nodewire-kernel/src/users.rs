//! `/v1/users`: the kernel's user registry (core.yaml:1676-1802).
//!
//! Passwords are [`Secret`]s: sent on the wire unchanged, redacted in `Debug`.
//!
//! ```
//! use nodewire_kernel::users::{RatePatch, TrafficPatch, UserCreateRequest};
//! let body = UserCreateRequest::new("vip-001", "alice", "secret")
//!     .traffic(TrafficPatch::default().allocated(1 << 30))
//!     .rate(RatePatch::up_only(1_048_576));
//! assert_eq!(
//!     serde_json::to_value(&body).unwrap(),
//!     serde_json::json!({"id": "vip-001", "username": "alice", "password": "secret",
//!         "traffic": {"allocated": 1073741824}, "rate": {"up": 1048576, "down": null}})
//! );
//! assert!(!format!("{body:?}").contains("secret\""));
//! ```
//!
//! core.yaml types `metadata` as `map<string,string>`, but the panel sends
//! `{"subscription_id": 12}` in every user it pushes (contract §8 row 6; the panel's
//! `protocolbindings/synclogic.go:425-427`). In the request bodies ([`User`],
//! [`UserCreateRequest`], [`UserPatchRequest`]) a value is a [`MetadataValue`]: a string or a
//! JSON number, kept as sent. [`Validate`] refuses numbers in a body the library sends.
//!
//! ```
//! use nodewire_kernel::Validate;
//! use nodewire_kernel::users::{MetadataValue, User};
//! let body = br#"[{"id":"12","username":"u","password":"p","metadata":{"subscription_id":12}}]"#;
//! let users: Vec<User> = serde_json::from_slice(body).unwrap();
//! let metadata = users[0].metadata.as_ref().unwrap();
//! assert_eq!(metadata["subscription_id"].to_text(), "12");
//! assert_eq!(serde_json::to_string(&users[0].metadata).unwrap(), r#"{"subscription_id":12}"#);
//! assert_eq!(users.validate().unwrap_err().path, "[0].metadata.subscription_id");
//! ```

use std::collections::BTreeMap;

use std::borrow::Cow;

use nodewire_common::{DecodeError, Patch, Secret};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::wire::{Validate, strict_as_decoded, wire_struct};

/// A `metadata` value in a request body: a string, as core.yaml defines it, or a JSON number,
/// as the panel sends `subscription_id` (contract §8 row 6). Kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MetadataValue {
    /// A string (core.yaml).
    String(String),
    /// A number (the panel's `{"subscription_id": 12}`).
    Number(serde_json::Number),
}

impl MetadataValue {
    /// The value as text: the string, or the number's decimal form (`12`).
    pub fn to_text(&self) -> String {
        match self {
            Self::String(s) => s.clone(),
            Self::Number(n) => n.to_string(),
        }
    }

    /// The string, when the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            Self::Number(_) => None,
        }
    }
}

impl From<&str> for MetadataValue {
    fn from(text: &str) -> Self {
        Self::String(text.to_owned())
    }
}

impl From<String> for MetadataValue {
    fn from(text: String) -> Self {
        Self::String(text)
    }
}

impl Serialize for MetadataValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::String(s) => serializer.serialize_str(s),
            Self::Number(n) => n.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for MetadataValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = MetadataValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<MetadataValue, E> {
                Ok(MetadataValue::String(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<MetadataValue, E> {
                Ok(MetadataValue::String(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<MetadataValue, E> {
                Ok(MetadataValue::Number(v.into()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<MetadataValue, E> {
                Ok(MetadataValue::Number(v.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<MetadataValue, E> {
                serde_json::Number::from_f64(v)
                    .map(MetadataValue::Number)
                    .ok_or_else(|| E::custom("a metadata number must be finite"))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for MetadataValue {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("MetadataValue")
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "A string (core.yaml), or a number as the panel sends `subscription_id` (contract §8 row 6).",
            "type": ["string", "number"]
        })
    }
}

/// Request metadata: string keys, [`MetadataValue`]s.
pub type RequestMetadata = BTreeMap<String, MetadataValue>;

/// Refuses numeric values (core.yaml's `metadata` is `map<string,string>`; contract §8 row 6).
fn validate_metadata(metadata: Option<&RequestMetadata>) -> Result<(), DecodeError> {
    for (key, value) in metadata.into_iter().flatten() {
        if let MetadataValue::Number(n) = value {
            return Err(DecodeError::at(
                format!("metadata.{key}"),
                format!(
                    "core.yaml allows only string metadata values, got the number {n} (the \
                     panel's form, contract §8 row 6); send \"{n}\""
                ),
            ));
        }
    }
    Ok(())
}

/// String metadata from request metadata (numbers as their decimal text).
pub fn metadata_as_strings(metadata: &RequestMetadata) -> BTreeMap<String, String> {
    metadata
        .iter()
        .map(|(k, v)| (k.clone(), v.to_text()))
        .collect()
}

wire_struct! {
    /// A user with its password, as sent in `POST /v1/users/import` and in
    /// [`ProtocolUpsertRequest::users`](crate::protocols::ProtocolUpsertRequest) (core.yaml:1676).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct User {
        /// User id (the panel sends its numeric user id as a decimal string).
        id: String,
        /// Username.
        username: String,
        /// Password.
        password: Secret,
        /// Traffic allowance.
        traffic?: Traffic,
        /// Rate limits.
        rate?: Rate,
        /// Free-form metadata: strings in core.yaml, numbers too as the panel sends them
        /// (contract §8 row 6).
        metadata?: RequestMetadata,
        /// Tags.
        tags?: Vec<String>,
    }
}

impl User {
    /// A user without allowance, limits, metadata or tags.
    pub fn new(
        id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        Self {
            id: id.into(),
            username: username.into(),
            password: password.into(),
            traffic: None,
            rate: None,
            metadata: None,
            tags: None,
        }
    }
}

/// Request metadata holding only strings.
fn string_metadata(metadata: BTreeMap<String, String>) -> RequestMetadata {
    metadata
        .into_iter()
        .map(|(k, v)| (k, MetadataValue::String(v)))
        .collect()
}

wire_struct! {
    /// A user as the kernel shows it, without password (core.yaml:1698). With `redact=true` the
    /// username, tags and limits are hidden.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct UserView {
        /// User id.
        id?: String,
        /// Username.
        username?: String,
        /// Tags.
        tags?: Vec<String>,
        /// Free-form string metadata.
        metadata?: BTreeMap<String, String>,
        /// Traffic allowance and use.
        traffic?: Traffic,
        /// Rate limits.
        rate?: Rate,
    }
}

wire_struct! {
    /// The body of `POST /v1/users` (core.yaml:1717).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct UserCreateRequest {
        /// User id.
        id: String,
        /// Username.
        username: String,
        /// Password.
        password: Secret,
        /// Traffic allowance.
        traffic?: TrafficPatch,
        /// Rate limits.
        rate?: RatePatch,
        /// Free-form metadata (numbers too, as the panel sends them: contract §8 row 6).
        metadata?: RequestMetadata,
        /// Tags.
        tags?: Vec<String>,
    }
}

impl UserCreateRequest {
    /// A user without allowance, limits, metadata or tags.
    pub fn new(
        id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        Self {
            id: id.into(),
            username: username.into(),
            password: password.into(),
            traffic: None,
            rate: None,
            metadata: None,
            tags: None,
        }
    }
}

wire_struct! {
    /// The body of `PUT` and `PATCH /v1/users/{id}` (core.yaml:1739). Both methods take it; the
    /// spec gives no merge rules (absent members are left unchanged by the mock).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct UserPatchRequest {
        /// New password.
        password?: Secret,
        /// New allowance or use.
        traffic?: TrafficPatch,
        /// New rate limits.
        rate?: RatePatch,
        /// New metadata (numbers too, as the panel sends them: contract §8 row 6).
        metadata?: RequestMetadata,
        /// New tags.
        tags?: Vec<String>,
    }
}

nodewire_common::setters!(UserPatchRequest {
    /// Sets a new password.
    password(password: impl Into<Secret>);
});

// The members a user body carries in every form (`User`, the create and the patch request),
// with the allowance and limit types of each form.
nodewire_common::setters!(User {
    /// Sets `traffic`: the allowance (and use).
    traffic(traffic: Traffic);
    /// Sets `rate`: the rate limits.
    rate(rate: Rate);
});

nodewire_common::setters!(UserCreateRequest, UserPatchRequest {
    /// Sets `traffic`: the allowance (and use).
    traffic(traffic: TrafficPatch);
    /// Sets `rate`: the rate limits.
    rate(rate: RatePatch);
});

nodewire_common::setters!(User, UserCreateRequest, UserPatchRequest {
    /// Sets `metadata`: string metadata.
    metadata(metadata: BTreeMap<String, String>) = Some(string_metadata(metadata));
    /// Sets `tags`.
    tags<I: IntoIterator<Item = S>, S: Into<String>>(tags: I) =
        Some(tags.into_iter().map(Into::into).collect());
});

impl Validate for User {
    /// Refuses numeric `metadata` values (contract §8 row 6).
    fn validate(&self) -> Result<(), DecodeError> {
        validate_metadata(self.metadata.as_ref())
    }
}

impl Validate for UserCreateRequest {
    /// Refuses numeric `metadata` values (contract §8 row 6).
    fn validate(&self) -> Result<(), DecodeError> {
        validate_metadata(self.metadata.as_ref())
    }
}

impl Validate for UserPatchRequest {
    /// Refuses numeric `metadata` values (contract §8 row 6).
    fn validate(&self) -> Result<(), DecodeError> {
        validate_metadata(self.metadata.as_ref())
    }
}

strict_as_decoded!(TrafficPatch, RatePatch);

wire_struct! {
    /// The answer to `POST /v1/users` (core.yaml:1756).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct UserCreateResponse {
        /// The new user's id.
        id?: String,
    }
}

wire_struct! {
    /// The answer to `PUT` / `PATCH /v1/users/{id}` (core.yaml:1761).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct UserPatchResponse {
        /// The user's id.
        id?: String,
    }
}

wire_struct! {
    /// The answer to `POST /v1/users/import` (core.yaml:1766).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct UsersImportResponse {
        /// Users in the new snapshot.
        imported?: u64,
    }
}

wire_struct! {
    /// A traffic allowance and its use, in bytes (core.yaml:1771).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct Traffic {
        /// Bytes allowed.
        allocated?: u64,
        /// Bytes used.
        used?: u64,
    }
}

wire_struct! {
    /// Rate limits in bytes per second; `null` means unlimited (core.yaml:1778).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct Rate {
        /// Upload limit.
        up?: null u64,
        /// Download limit.
        down?: null u64,
    }
}

wire_struct! {
    /// A traffic allowance or use to set (core.yaml:1787).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct TrafficPatch {
        /// Bytes allowed.
        allocated?: u64,
        /// Bytes used.
        used?: u64,
    }
}

wire_struct! {
    /// Rate limits to set; `null` means unlimited (core.yaml:1794).
    ///
    /// Each setter sends a limit, each `clear_` setter sends `null` (unlimited); a limit left
    /// alone is not sent.
    ///
    /// ```
    /// use nodewire_kernel::users::RatePatch;
    /// let rate = RatePatch::default().up(1_048_576).clear_down();
    /// assert_eq!(rate, RatePatch::up_only(1_048_576));
    /// assert_eq!(serde_json::to_string(&rate).unwrap(), r#"{"up":1048576,"down":null}"#);
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct RatePatch {
        /// Upload limit.
        up?: null u64,
        /// Download limit.
        down?: null u64,
    }
}

nodewire_common::setters!(Traffic, TrafficPatch {
    /// Sets the bytes allowed.
    allocated(bytes: u64);
    /// Sets the bytes used.
    used(bytes: u64);
});

nodewire_common::setters!(Rate, RatePatch {
    /// Sets the upload limit (bytes per second).
    up(bytes_per_second: u64) nullable:
        /// Sends `up: null`: upload unlimited.
        clear_up;
    /// Sets the download limit (bytes per second).
    down(bytes_per_second: u64) nullable:
        /// Sends `down: null`: download unlimited.
        clear_down;
});

impl RatePatch {
    /// An upload limit, download unlimited (`down: null`).
    pub fn up_only(bytes_per_second: u64) -> Self {
        Self {
            up: Patch::Value(bytes_per_second),
            down: Patch::Null,
        }
    }

    /// Both limits (`None` = unlimited, sent as `null`).
    pub fn both(up: Option<u64>, down: Option<u64>) -> Self {
        Self {
            up: up.into(),
            down: down.into(),
        }
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        User,
        UserView,
        UserCreateRequest,
        UserPatchRequest,
        UserCreateResponse,
        UserPatchResponse,
        UsersImportResponse,
        Traffic,
        Rate,
        TrafficPatch,
        RatePatch,
        MetadataValue,
    ]);
}
