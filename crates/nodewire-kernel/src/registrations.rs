//! `/v1/events/registrations` and `/v1/service-events/registrations`: callback registrations
//! (core.yaml:2003-2048).
//!
//! Event names come in three spellings (contract §1.3): underscores here
//! (`node_degraded`), dots in the event stream (`node.degraded`), and dots in service events
//! (`user.traffic.reported`). core.yaml does not say how the kernel uses `secret`; the panel
//! expects it back verbatim in the `X-ZNP-Webhook-Token` header of each callback (see
//! [`webhooks`](crate::webhooks)).

use nodewire_common::{Patch, Secret};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::wire::wire_struct;

/// The node events a callback can be registered for (the inline enum at core.yaml:2008). A
/// request enum: only these labels are sent or accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum NodeEventKind {
    /// A node was added.
    #[serde(rename = "node_added")]
    NodeAdded,
    /// A node was removed.
    #[serde(rename = "node_removed")]
    NodeRemoved,
    /// A node became healthy.
    #[serde(rename = "node_healthy")]
    NodeHealthy,
    /// A node became degraded.
    #[serde(rename = "node_degraded")]
    NodeDegraded,
    /// A node became unhealthy.
    #[serde(rename = "node_unhealthy")]
    NodeUnhealthy,
}

impl NodeEventKind {
    /// Every kind, in spec order.
    pub const ALL: [Self; 5] = [
        Self::NodeAdded,
        Self::NodeRemoved,
        Self::NodeHealthy,
        Self::NodeDegraded,
        Self::NodeUnhealthy,
    ];

    /// The wire label (`node_degraded`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NodeAdded => "node_added",
            Self::NodeRemoved => "node_removed",
            Self::NodeHealthy => "node_healthy",
            Self::NodeDegraded => "node_degraded",
            Self::NodeUnhealthy => "node_unhealthy",
        }
    }

    /// The same event's name in the event stream (`node.degraded`).
    pub fn stream_name(self) -> &'static str {
        match self {
            Self::NodeAdded => "node.added",
            Self::NodeRemoved => "node.removed",
            Self::NodeHealthy => "node.healthy",
            Self::NodeDegraded => "node.degraded",
            Self::NodeUnhealthy => "node.unhealthy",
        }
    }
}

/// The service events a callback can be registered for (the inline enum at core.yaml:2031).
/// A request enum: `user_traffic_reported`, which the panel sends (contract §8 #2), is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum ServiceEventKind {
    /// A user's allowance changed.
    #[serde(rename = "user.quota.changed")]
    UserQuotaChanged,
    /// A user's traffic was measured.
    #[serde(rename = "user.traffic.reported")]
    UserTrafficReported,
}

impl ServiceEventKind {
    /// The wire label (`user.traffic.reported`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserQuotaChanged => "user.quota.changed",
            Self::UserTrafficReported => "user.traffic.reported",
        }
    }
}

wire_struct! {
    /// The body of `POST /v1/events/registrations` (core.yaml:2003).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct EventRegistrationRequest {
        /// The node event.
        event: NodeEventKind,
        /// The URL the kernel posts to.
        callback: String,
        /// Shared secret (the panel's webhook token).
        secret?: null Secret,
    }
}

impl EventRegistrationRequest {
    /// A registration of `callback` for `event`, with an optional secret.
    pub fn new(event: NodeEventKind, callback: impl Into<String>, secret: Option<Secret>) -> Self {
        Self {
            event,
            callback: callback.into(),
            secret: secret.map_or(Patch::Absent, Patch::Value),
        }
    }
}

wire_struct! {
    /// A node-event registration (core.yaml:2015).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct EventRegistrationRecord {
        /// Registration id.
        id?: String,
        /// The event (plain string in the spec; `node_degraded`).
        event?: String,
        /// The callback URL.
        callback?: String,
        /// Unix milliseconds of the registration.
        created_at_ms?: u64,
    }
}

wire_struct! {
    /// The body of `POST /v1/service-events/registrations` (core.yaml:2026).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct ServiceEventRegistrationRequest {
        /// The service event.
        event: ServiceEventKind,
        /// The URL the kernel posts to.
        callback: String,
        /// Shared secret (the panel's webhook token).
        secret?: null Secret,
    }
}

impl ServiceEventRegistrationRequest {
    /// A registration of `callback` for `event`, with an optional secret.
    pub fn new(
        event: ServiceEventKind,
        callback: impl Into<String>,
        secret: Option<Secret>,
    ) -> Self {
        Self {
            event,
            callback: callback.into(),
            secret: secret.map_or(Patch::Absent, Patch::Value),
        }
    }
}

wire_struct! {
    /// A service-event registration (core.yaml:2038).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct EventSubscriptionRecord {
        /// Registration id.
        id?: String,
        /// The event (plain string in the spec; `user.quota.changed`).
        event?: String,
        /// The callback URL.
        callback?: String,
        /// Unix milliseconds of the registration.
        created_at_ms?: u64,
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    use nodewire_common::registry::TypeEntry;
    types.extend([
        TypeEntry::of::<EventRegistrationRequest>(),
        TypeEntry::of::<EventRegistrationRecord>(),
        TypeEntry::of::<ServiceEventRegistrationRequest>(),
        TypeEntry::of::<EventSubscriptionRecord>(),
        TypeEntry::of::<NodeEventKind>(),
        TypeEntry::of::<ServiceEventKind>(),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panels_service_event_name_is_refused() {
        let body = br#"{"event":"user_traffic_reported","callback":"http://panel/api/v1/kernel/service-events"}"#;
        let err = nodewire_common::error::from_slice::<ServiceEventRegistrationRequest>(body).err();
        assert_eq!(err.map(|e| e.path).as_deref(), Some("event"));
    }
}
