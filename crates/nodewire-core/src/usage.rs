//! `POST /node/usage` and `POST /node/outbound-usage` (gRPC `ReportUsage`,
//! `ReportOutboundUsage`): traffic deltas since the previous report.
//!
//! Core stores per-minute usage rows and adds the deltas to subscription counters (usage), and
//! to `node_outbounds.traffic_bytes_up/down` (outbound usage). All counts are bytes.
//!
//! ```
//! use nodewire_core::usage::UsageEntryDto;
//! let entry = UsageEntryDto::new(42, 3, 1024, 8192, "2026-06-01T12:00:00.000Z".parse()?)
//!     .clear_subscription_id();
//! assert_eq!(
//!     serde_json::to_string(&entry)?,
//!     r#"{"userId":42,"subscriptionId":null,"nodeProtocolId":3,"bytesUp":1024,"bytesDown":8192,"recordedAt":"2026-06-01T12:00:00.000Z"}"#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use nodewire_common::Patch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::values::Timestamp;

/// `UsageEntryDto`: one user's traffic through one node protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UsageEntryDto {
    /// The user.
    #[serde(rename = "userId")]
    pub user_id: u64,
    /// The subscription (`subscriptionId?: number | null`): absent, `null`, or an id.
    #[serde(
        rename = "subscriptionId",
        default,
        skip_serializing_if = "Patch::is_absent"
    )]
    #[schemars(with = "Option<u64>")]
    pub subscription_id: Patch<u64>,
    /// The node protocol (inbound) the traffic went through.
    #[serde(rename = "nodeProtocolId")]
    pub node_protocol_id: u64,
    /// Bytes from the user.
    #[serde(rename = "bytesUp")]
    pub bytes_up: u64,
    /// Bytes to the user.
    #[serde(rename = "bytesDown")]
    pub bytes_down: u64,
    /// When the delta was measured.
    #[serde(rename = "recordedAt")]
    pub recorded_at: Timestamp,
}

impl UsageEntryDto {
    /// `bytes_up` and `bytes_down` of `user_id` through `node_protocol_id`, measured at
    /// `recorded_at`; `subscriptionId` is not sent.
    pub fn new(
        user_id: u64,
        node_protocol_id: u64,
        bytes_up: u64,
        bytes_down: u64,
        recorded_at: Timestamp,
    ) -> Self {
        Self {
            user_id,
            subscription_id: Patch::Absent,
            node_protocol_id,
            bytes_up,
            bytes_down,
            recorded_at,
        }
    }

    nodewire_common::setters! {
        /// Sets `subscriptionId`.
        subscription_id(id: u64) nullable:
            /// Sends `subscriptionId: null` (the traffic is not tied to a subscription).
            clear_subscription_id;
    }
}

/// `NodeUsageDto`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NodeUsageDto {
    /// The deltas.
    pub entries: Vec<UsageEntryDto>,
}

impl NodeUsageDto {
    /// A report of `entries`.
    pub fn new(entries: impl IntoIterator<Item = UsageEntryDto>) -> Self {
        Self {
            entries: entries.into_iter().collect(),
        }
    }
}

/// `OutboundUsageItem`: one xray outbound's traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OutboundUsageItem {
    /// The outbound's tag.
    pub tag: String,
    /// Bytes sent through the outbound.
    #[serde(rename = "bytesUp")]
    pub bytes_up: u64,
    /// Bytes received through the outbound.
    #[serde(rename = "bytesDown")]
    pub bytes_down: u64,
}

impl OutboundUsageItem {
    /// `bytes_up` and `bytes_down` through the outbound tagged `tag`.
    pub fn new(tag: impl Into<String>, bytes_up: u64, bytes_down: u64) -> Self {
        Self {
            tag: tag.into(),
            bytes_up,
            bytes_down,
        }
    }
}

/// `NodeOutboundUsageDto`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NodeOutboundUsageDto {
    /// The deltas.
    pub items: Vec<OutboundUsageItem>,
}

impl NodeOutboundUsageDto {
    /// A report of `items`.
    pub fn new(items: impl IntoIterator<Item = OutboundUsageItem>) -> Self {
        Self {
            items: items.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_id_keeps_absent_null_and_value_apart() {
        for text in [
            r#"{"userId":1,"nodeProtocolId":2,"bytesUp":3,"bytesDown":4,"recordedAt":"2026-06-01T00:00:00Z"}"#,
            r#"{"userId":1,"subscriptionId":null,"nodeProtocolId":2,"bytesUp":3,"bytesDown":4,"recordedAt":"2026-06-01T00:00:00Z"}"#,
            r#"{"userId":1,"subscriptionId":9,"nodeProtocolId":2,"bytesUp":3,"bytesDown":4,"recordedAt":"2026-06-01T00:00:00Z"}"#,
        ] {
            let entry: UsageEntryDto = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&entry).unwrap(), text);
        }
    }

    #[test]
    fn bad_entries_say_where() {
        let text = r#"{"entries":[{"userId":1,"nodeProtocolId":2,"bytesUp":3,"bytesDown":4,"recordedAt":"2026-06-01T00:00:00Z"},{"userId":1,"nodeProtocolId":2,"bytesUp":-3,"bytesDown":4,"recordedAt":"2026-06-01T00:00:00Z"}]}"#;
        let err = nodewire_common::error::from_slice::<NodeUsageDto>(text.as_bytes()).unwrap_err();
        assert_eq!(err.path, "entries[1].bytesUp");
        let text = r#"{"entries":[{"userId":1,"nodeProtocolId":2,"bytesUp":3,"bytesDown":4,"recordedAt":"now"}]}"#;
        let err = nodewire_common::error::from_slice::<NodeUsageDto>(text.as_bytes()).unwrap_err();
        assert_eq!(err.path, "entries[0].recordedAt");
    }
}
