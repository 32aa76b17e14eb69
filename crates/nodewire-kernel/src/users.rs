//! `/v1/users`: the kernel's user registry (core.yaml:1676-1802).
//!
//! Passwords are [`Secret`]s: sent on the wire unchanged, redacted in `Debug`.
//!
//! ```
//! use nodewire_kernel::users::{RatePatch, TrafficPatch, UserCreateRequest};
//! let body = UserCreateRequest::new("vip-001", "alice", "secret")
//!     .traffic(TrafficPatch { allocated: Some(1 << 30), used: None })
//!     .rate(RatePatch::up_only(1_048_576));
//! assert_eq!(
//!     serde_json::to_value(&body).unwrap(),
//!     serde_json::json!({"id": "vip-001", "username": "alice", "password": "secret",
//!         "traffic": {"allocated": 1073741824}, "rate": {"up": 1048576, "down": null}})
//! );
//! assert!(!format!("{body:?}").contains("secret\""));
//! ```

use std::collections::BTreeMap;

use nodewire_common::{Patch, Secret};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::wire::wire_struct;

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
        /// Free-form string metadata (string values only: the panel's numeric
        /// `subscription_id` does not fit; contract §8 #6).
        metadata?: BTreeMap<String, String>,
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
        /// Free-form string metadata.
        metadata?: BTreeMap<String, String>,
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

    /// Sets the traffic allowance.
    pub fn traffic(mut self, traffic: TrafficPatch) -> Self {
        self.traffic = Some(traffic);
        self
    }

    /// Sets the rate limits.
    pub fn rate(mut self, rate: RatePatch) -> Self {
        self.rate = Some(rate);
        self
    }

    /// Sets the tags.
    pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tags: I) -> Self {
        self.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the metadata.
    pub fn metadata(mut self, metadata: BTreeMap<String, String>) -> Self {
        self.metadata = Some(metadata);
        self
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
        /// New metadata.
        metadata?: BTreeMap<String, String>,
        /// New tags.
        tags?: Vec<String>,
    }
}

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
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct RatePatch {
        /// Upload limit.
        up?: null u64,
        /// Download limit.
        down?: null u64,
    }
}

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
    use nodewire_common::registry::TypeEntry;
    types.extend([
        TypeEntry::of::<User>(),
        TypeEntry::of::<UserView>(),
        TypeEntry::of::<UserCreateRequest>(),
        TypeEntry::of::<UserPatchRequest>(),
        TypeEntry::of::<UserCreateResponse>(),
        TypeEntry::of::<UserPatchResponse>(),
        TypeEntry::of::<UsersImportResponse>(),
        TypeEntry::of::<Traffic>(),
        TypeEntry::of::<Rate>(),
        TypeEntry::of::<TrafficPatch>(),
        TypeEntry::of::<RatePatch>(),
    ]);
}
