//! `GET /v1/traffic`: traffic totals (core.yaml:1491-1514).

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_millis;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::wire::wire_struct;

wire_struct! {
    /// The body of `GET /v1/traffic` (core.yaml:1491).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct TrafficSummaryResponse {
        /// Unix milliseconds when the summary was taken.
        generated_at_ms?: u64,
        /// Bytes sent upstream, all nodes (after the `node` / `protocol` filters).
        bytes_up?: u64,
        /// Bytes sent downstream, all nodes.
        bytes_down?: u64,
        /// Per node and protocol.
        by_node_protocol?: Vec<NodeProtocolTrafficSummary>,
    }
}

impl TrafficSummaryResponse {
    /// When the summary was taken: `generated_at_ms` as a date-time; `None` when absent.
    pub fn generated_at_utc(&self) -> Option<DateTime<Utc>> {
        self.generated_at_ms.and_then(from_unix_millis)
    }
}

wire_struct! {
    /// Traffic of one node and protocol (core.yaml:1504).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct NodeProtocolTrafficSummary {
        /// Node id.
        node_id?: String,
        /// Protocol.
        protocol?: String,
        /// Bytes up.
        bytes_up?: u64,
        /// Bytes down.
        bytes_down?: u64,
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        TrafficSummaryResponse,
        NodeProtocolTrafficSummary,
    ]);
}
