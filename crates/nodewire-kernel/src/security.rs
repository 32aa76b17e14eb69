//! `/v1/security/rate-limits`: API rate-limit overrides (core.yaml:1803-1835).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::wire::wire_struct;

nodewire_common::open_enum! {
    /// What an override applies to (core.yaml:1833). Requests must carry a known label.
    #[rename_all = "snake_case"]
    pub enum RateLimitOverrideScope {
        /// An API path (`/v1/users`).
        Endpoint,
        /// A caller (`ip:127.0.0.1`).
        Identity,
    }
}

crate::wire::labels!(RateLimitOverrideScope);

wire_struct! {
    /// The body of `POST /v1/security/rate-limits` (core.yaml:1803).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
    pub struct RateLimitOverrideRequest {
        /// Endpoint or identity (a known label).
        #[serde(deserialize_with = "crate::wire::known")]
        scope: RateLimitOverrideScope,
        /// The path or identity.
        key: String,
        /// Requests per minute allowed.
        max_requests_per_minute: u64,
    }
}

impl RateLimitOverrideRequest {
    /// An override of `max_requests_per_minute` for `key` (an API path or a caller).
    ///
    /// ```
    /// use nodewire_kernel::security::{RateLimitOverrideRequest, RateLimitOverrideScope};
    /// let body = RateLimitOverrideRequest::new(RateLimitOverrideScope::Endpoint, "/v1/users", 120);
    /// assert_eq!(
    ///     serde_json::to_string(&body).unwrap(),
    ///     r#"{"scope":"endpoint","key":"/v1/users","max_requests_per_minute":120}"#
    /// );
    /// ```
    pub fn new(
        scope: RateLimitOverrideScope,
        key: impl Into<String>,
        max_requests_per_minute: u64,
    ) -> Self {
        Self {
            scope,
            key: key.into(),
            max_requests_per_minute,
        }
    }
}

wire_struct! {
    /// The answer to `POST /v1/security/rate-limits` (core.yaml:1813).
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct RateLimitOverrideResponse {
        /// Endpoint or identity.
        scope?: RateLimitOverrideScope,
        /// The path or identity.
        key?: String,
        /// Requests per minute allowed.
        max_requests_per_minute?: u64,
    }
}

wire_struct! {
    /// Every override (core.yaml:1822).
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct RateLimitOverridesSnapshot {
        /// Requests per minute, by API path.
        endpoints?: BTreeMap<String, u64>,
        /// Requests per minute, by caller.
        identities?: BTreeMap<String, u64>,
    }
}

impl crate::wire::Validate for RateLimitOverrideRequest {
    /// A known `scope`.
    fn validate(&self) -> Result<(), nodewire_common::DecodeError> {
        crate::wire::known_label("scope", &self.scope)
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        RateLimitOverrideRequest,
        RateLimitOverrideResponse,
        RateLimitOverridesSnapshot,
        RateLimitOverrideScope,
    ]);
}
