//! `POST /node/session-events` (gRPC `ReportSessionEvents`): users going online and offline.
//!
//! Core stores them in `session_events`. The document names the enums `VpnProtocol` and
//! `SessionEventType` but not their values; the labels here are this crate's reading (Nexuma's
//! protocol list, lowercase; `online` / `offline` from the route's description). Both are open
//! enums, so any other label decodes and re-encodes unchanged.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::values::{IpAddress, Timestamp};

nodewire_common::open_enum! {
    /// `VpnProtocol`: the protocol a session used.
    #[rename_all = "snake_case"]
    pub enum VpnProtocol {
        /// VLESS (xray).
        Vless,
        /// VMess (xray).
        Vmess,
        /// Trojan (xray).
        Trojan,
        /// Shadowsocks (xray).
        Shadowsocks,
        /// Hysteria2.
        Hysteria2,
        /// MTProto (telemt).
        Mtproto,
    }
}

nodewire_common::open_enum! {
    /// `SessionEventType`: what happened to the session.
    #[rename_all = "snake_case"]
    pub enum SessionEventType {
        /// The user came online.
        Online,
        /// The user went offline.
        Offline,
    }
}

/// `SessionEventEntryDto`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SessionEventEntryDto {
    /// The user.
    #[serde(rename = "userId")]
    pub user_id: u64,
    /// The protocol.
    pub protocol: VpnProtocol,
    /// The event.
    #[serde(rename = "eventType")]
    pub event_type: SessionEventType,
    /// When it happened.
    #[serde(rename = "occurredAt")]
    pub occurred_at: Timestamp,
    /// The user's IP address.
    #[serde(rename = "ipAddress", default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<IpAddress>,
}

impl SessionEventEntryDto {
    /// `event_type` for `user_id` over `protocol` at `occurred_at`, without an IP address.
    ///
    /// ```
    /// use nodewire_core::session::{SessionEventEntryDto, SessionEventType, VpnProtocol};
    /// let event = SessionEventEntryDto::new(
    ///     5,
    ///     VpnProtocol::Vless,
    ///     SessionEventType::Online,
    ///     "2026-06-01T00:00:00Z".parse()?,
    /// )
    /// .ip_address("198.51.100.4".parse()?);
    /// assert_eq!(
    ///     serde_json::to_string(&event)?,
    ///     r#"{"userId":5,"protocol":"vless","eventType":"online","occurredAt":"2026-06-01T00:00:00Z","ipAddress":"198.51.100.4"}"#
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        user_id: u64,
        protocol: VpnProtocol,
        event_type: SessionEventType,
        occurred_at: Timestamp,
    ) -> Self {
        Self {
            user_id,
            protocol,
            event_type,
            occurred_at,
            ip_address: None,
        }
    }

    /// Sets the user's IP address.
    #[must_use]
    pub fn ip_address(mut self, ip: IpAddress) -> Self {
        self.ip_address = Some(ip);
        self
    }
}

/// `SessionEventsDto`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SessionEventsDto {
    /// The events, oldest first.
    pub events: Vec<SessionEventEntryDto>,
}

impl SessionEventsDto {
    /// A report of `events`, oldest first.
    pub fn new(events: impl IntoIterator<Item = SessionEventEntryDto>) -> Self {
        Self {
            events: events.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_labels_pass_through() {
        let text = r#"{"userId":5,"protocol":"tuic","eventType":"connected","occurredAt":"2026-06-01T00:00:00Z","ipAddress":"198.51.100.4"}"#;
        let event: SessionEventEntryDto = serde_json::from_str(text).unwrap();
        assert_eq!(event.protocol.as_str(), "tuic");
        assert!(!event.event_type.is_known());
        assert_eq!(serde_json::to_string(&event).unwrap(), text);
        let known: SessionEventEntryDto = serde_json::from_str(
            r#"{"userId":5,"protocol":"vless","eventType":"online","occurredAt":"2026-06-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(known.protocol, VpnProtocol::Vless);
        assert_eq!(known.event_type, SessionEventType::Online);
        assert!(known.ip_address.is_none());
    }
}
