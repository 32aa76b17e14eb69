//! `/v1/events/registrations` and `/v1/service-events/registrations`: callback registrations
//! (core.yaml:2003-2048).
//!
//! Event names come in three spellings (contract §1.3): underscores here
//! (`node_degraded`), dots in the event stream (`node.degraded`), and dots in service events
//! (`user.traffic.reported`). core.yaml does not say how the kernel uses `secret`; the panel
//! expects it back verbatim in the `X-ZNP-Webhook-Token` header of each callback (see
//! [`webhooks`](crate::webhooks)).
//!
//! The panel registers its service-event callback as `user_traffic_reported`, a label
//! core.yaml's enum does not list (contract §8 row 2; the panel's
//! `internal/logic/admin/protocolbindings/synclogic.go:281`). [`ServiceEventName`] accepts it
//! (and any spelling that normalizes as the panel normalizes event names), keeps the text as
//! sent, and compares equal to core.yaml's `user.traffic.reported`;
//! [`Validate`] refuses it in a request the library sends.
//!
//! ```
//! use nodewire_kernel::Validate;
//! use nodewire_kernel::registrations::{ServiceEventKind, ServiceEventRegistrationRequest};
//! let body = br#"{"event":"user_traffic_reported","callback":"http://panel/api/v1/kernel/service-events"}"#;
//! let request: ServiceEventRegistrationRequest = serde_json::from_slice(body).unwrap();
//! assert_eq!(request.event, ServiceEventKind::UserTrafficReported);
//! assert_eq!(serde_json::to_value(&request.event).unwrap(), "user_traffic_reported");
//! assert!(request.validate().is_err());
//! ```

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_millis;
use nodewire_common::{DecodeError, Patch, Secret};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::wire::{Validate, strict_as_decoded, wire_struct};

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
/// In a registration body the event travels as a [`ServiceEventName`], which also accepts the
/// panel's spelling `user_traffic_reported` (contract §8 row 2).
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

    /// The label as the panel normalizes event names: lower case, `.` and `-` turned into
    /// `_` (`user_traffic_reported`; the panel's `serviceeventlogic.go:34-89`).
    pub fn normalized(self) -> &'static str {
        match self {
            Self::UserQuotaChanged => "user_quota_changed",
            Self::UserTrafficReported => "user_traffic_reported",
        }
    }

    /// The kind whose normalized label `text` normalizes to (`User.Traffic-Reported` →
    /// [`UserTrafficReported`](Self::UserTrafficReported)).
    pub fn from_any_spelling(text: &str) -> Option<Self> {
        let normalized = normalize_event(text);
        [Self::UserQuotaChanged, Self::UserTrafficReported]
            .into_iter()
            .find(|kind| kind.normalized() == normalized)
    }
}

/// The panel's normalization of an event name: lower case, `.` and `-` turned into `_`.
pub fn normalize_event(text: &str) -> String {
    text.trim().to_ascii_lowercase().replace(['.', '-'], "_")
}

/// The `event` of a service-event registration: its [`ServiceEventKind`] and the label as it
/// was sent.
///
/// core.yaml lists `user.quota.changed` and `user.traffic.reported`; the panel sends
/// `user_traffic_reported` (contract §8 row 2). Decoding accepts any label that
/// [normalizes](normalize_event) to a known kind and keeps its text, so re-encoding reproduces
/// it; names compare (and hash) by kind, so `user_traffic_reported` equals
/// `user.traffic.reported`. [`new`](Self::new) and `From<ServiceEventKind>` use core.yaml's
/// label, the only one [`Validate`] lets a request carry.
#[derive(Debug, Clone)]
pub struct ServiceEventName {
    kind: ServiceEventKind,
    label: String,
}

impl ServiceEventName {
    /// core.yaml's label for `kind` (`user.traffic.reported`).
    pub fn new(kind: ServiceEventKind) -> Self {
        Self {
            kind,
            label: kind.as_str().to_owned(),
        }
    }

    /// The panel's label for `kind` (`user_traffic_reported`), as a real panel registers it.
    pub fn panel(kind: ServiceEventKind) -> Self {
        Self {
            kind,
            label: kind.normalized().to_owned(),
        }
    }

    /// Reads a label in any spelling that normalizes to a known kind; the error lists the
    /// accepted labels.
    pub fn parse(label: &str) -> Result<Self, String> {
        match ServiceEventKind::from_any_spelling(label) {
            Some(kind) => Ok(Self {
                kind,
                label: label.to_owned(),
            }),
            None => Err(format!(
                "unknown service event `{label}`, expected one of: user.quota.changed, \
                 user.traffic.reported (the panel's user_quota_changed and \
                 user_traffic_reported are read as the same events)"
            )),
        }
    }

    /// The event.
    pub fn kind(&self) -> ServiceEventKind {
        self.kind
    }

    /// The label as sent.
    pub fn as_str(&self) -> &str {
        &self.label
    }

    /// `true` when the label is core.yaml's own (`user.traffic.reported`), `false` for
    /// another spelling (the panel's `user_traffic_reported`).
    pub fn is_documented(&self) -> bool {
        self.label == self.kind.as_str()
    }
}

impl From<ServiceEventKind> for ServiceEventName {
    fn from(kind: ServiceEventKind) -> Self {
        Self::new(kind)
    }
}

impl PartialEq for ServiceEventName {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Eq for ServiceEventName {}

impl Hash for ServiceEventName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.kind.hash(state);
    }
}

impl PartialEq<ServiceEventKind> for ServiceEventName {
    fn eq(&self, other: &ServiceEventKind) -> bool {
        self.kind == *other
    }
}

impl std::fmt::Display for ServiceEventName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

impl Serialize for ServiceEventName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.label)
    }
}

impl<'de> Deserialize<'de> for ServiceEventName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let label = Cow::<'de, str>::deserialize(deserializer)?;
        Self::parse(&label).map_err(serde::de::Error::custom)
    }
}

nodewire_common::fixed_schema!(ServiceEventName, {
    "type": "string",
    "description": "A service event: core.yaml's `user.quota.changed` or `user.traffic.reported`, or the panel's `user_quota_changed` / `user_traffic_reported` (contract §8 row 2). Any spelling that lower-cases and maps `.` and `-` to `_` onto one of these is read as that event.",
    "enum": [
        "user.quota.changed",
        "user.traffic.reported",
        "user_quota_changed",
        "user_traffic_reported"
    ]
});

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
    /// A registration of `callback` for `event`, without a secret.
    pub fn new(event: NodeEventKind, callback: impl Into<String>) -> Self {
        Self {
            event,
            callback: callback.into(),
            secret: Patch::Absent,
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

impl EventRegistrationRecord {
    /// When it was registered: `created_at_ms` as a date-time; `None` when absent.
    pub fn created_at_utc(&self) -> Option<DateTime<Utc>> {
        self.created_at_ms.and_then(from_unix_millis)
    }
}

wire_struct! {
    /// The body of `POST /v1/service-events/registrations` (core.yaml:2026).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct ServiceEventRegistrationRequest {
        /// The service event (core.yaml's label, or the panel's; contract §8 row 2).
        event: ServiceEventName,
        /// The URL the kernel posts to.
        callback: String,
        /// Shared secret (the panel's webhook token).
        secret?: null Secret,
    }
}

impl ServiceEventRegistrationRequest {
    /// A registration of `callback` for `event`, without a secret.
    pub fn new(event: ServiceEventKind, callback: impl Into<String>) -> Self {
        Self {
            event: ServiceEventName::new(event),
            callback: callback.into(),
            secret: Patch::Absent,
        }
    }
}

nodewire_common::setters!(EventRegistrationRequest, ServiceEventRegistrationRequest {
    /// Sets the shared secret (the panel's webhook token, sent back as
    /// `X-ZNP-Webhook-Token`).
    secret(secret: impl Into<Secret>) nullable:
        /// Sends the secret as `null`.
        clear_secret;
});

impl Validate for ServiceEventRegistrationRequest {
    /// Refuses an `event` spelled otherwise than core.yaml spells it (the panel's
    /// `user_traffic_reported`, accepted when decoding: contract §8 row 2).
    fn validate(&self) -> Result<(), DecodeError> {
        if self.event.is_documented() {
            Ok(())
        } else {
            Err(DecodeError::at(
                "event",
                format!(
                    "`{}` is the panel's spelling (contract §8 row 2); core.yaml allows only \
                     user.quota.changed and user.traffic.reported (send `{}`)",
                    self.event.as_str(),
                    self.event.kind().as_str()
                ),
            ))
        }
    }
}

strict_as_decoded!(EventRegistrationRequest);

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

impl EventSubscriptionRecord {
    /// When it was registered: `created_at_ms` as a date-time; `None` when absent.
    pub fn created_at_utc(&self) -> Option<DateTime<Utc>> {
        self.created_at_ms.and_then(from_unix_millis)
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        EventRegistrationRequest,
        EventRegistrationRecord,
        ServiceEventRegistrationRequest,
        EventSubscriptionRecord,
        NodeEventKind,
        ServiceEventKind,
        ServiceEventName,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panels_service_event_name_decodes_and_fails_validation() {
        let body = br#"{"event":"user_traffic_reported","callback":"http://panel/api/v1/kernel/service-events"}"#;
        let decoded = nodewire_common::error::from_slice::<ServiceEventRegistrationRequest>(body);
        let Ok(request) = decoded else {
            panic!("{decoded:?}")
        };
        assert_eq!(request.event, ServiceEventKind::UserTrafficReported);
        assert_eq!(
            request.event,
            ServiceEventName::new(ServiceEventKind::UserTrafficReported)
        );
        assert_eq!(request.event.as_str(), "user_traffic_reported");
        let reencoded = serde_json::to_value(&request).ok();
        let original = serde_json::from_slice::<serde_json::Value>(body).ok();
        assert_eq!(reencoded, original);
        assert_eq!(
            request.validate().err().map(|e| e.path),
            Some("event".into())
        );
        let strict = ServiceEventRegistrationRequest::new(
            ServiceEventKind::UserTrafficReported,
            "http://panel/",
        );
        assert_eq!(strict.validate(), Ok(()));
    }

    #[test]
    fn any_normalizing_spelling_is_read_and_others_refused() {
        for label in [
            "User.Traffic-Reported",
            "user_quota_changed",
            "user.quota.changed",
        ] {
            assert!(ServiceEventName::parse(label).is_ok(), "{label}");
        }
        let body = br#"{"event":"user.deleted","callback":"http://panel/"}"#;
        let err = nodewire_common::error::from_slice::<ServiceEventRegistrationRequest>(body).err();
        assert_eq!(err.map(|e| e.path).as_deref(), Some("event"));
    }
}
