//! `GET /v1/status`: the runtime snapshot (core.yaml:894-1151, 1440-1490) and its parts.
//!
//! [`pipeline`] holds the routing pipeline (strategies, rules, `ActionView`), [`metrics`] the
//! per-protocol counters, [`health`] the node health enum.
//!
//! ```
//! use nodewire_kernel::status::{HealthStatus, StatusResponse};
//! let body = r#"{"snapshot":{"nodes":[
//!     {"id":"edge-1","role":"listener","protocol":"vless",
//!      "health":{"status":{"Degraded":{"consecutive_failures":2}},"consecutive_failures":2}}]}}"#;
//! let status: StatusResponse = serde_json::from_str(body).unwrap();
//! let node = &status.snapshot.nodes.as_ref().unwrap()[0];
//! let health = node.health.as_ref().and_then(|h| h.status.as_ref());
//! assert_eq!(health, Some(&HealthStatus::Degraded { consecutive_failures: 2 }));
//! ```

pub mod health;
pub mod metrics;
pub mod pipeline;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use health::{HealthFormat, HealthStatus};

use self::metrics::{
    HttpProxyMetricsSnapshot, HttpStatus, QuicStatus, SocksStatus, SsMetricsSnapshot,
    SsrMetricsSnapshot, TlsStatus, VlessMetricsSnapshot,
};
use self::pipeline::PipelineStatus;
use crate::interfaces::{InterfaceAddressSummary, InterfaceKindSummary};
use crate::protocols::NodeRole;
use crate::rules::ProviderStatus;
use crate::wire::wire_struct;

wire_struct! {
    /// The body of `GET /v1/status` (core.yaml:894).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct StatusResponse {
        /// The runtime snapshot, pruned by `include` / `fields`.
        snapshot: RuntimeStatusSnapshot,
        /// Rate-limit summary, with `rate_limit_summary=true`.
        rate_limit_summary?: UserRateLimitSummary,
    }
}

wire_struct! {
    /// The runtime snapshot (core.yaml:902). Every member is optional: `include` / `fields`
    /// prune it (`nodes,metrics,users` or `all`).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct RuntimeStatusSnapshot {
        /// When the snapshot was taken, as the kernel formats it (kept as text).
        generated_at?: String,
        /// Every node (listener or connector).
        nodes?: Vec<NodeStatus>,
        /// The routing pipeline.
        pipeline?: PipelineStatus,
        /// Rule providers.
        providers?: Vec<ProviderStatus>,
        /// HTTP listener counts.
        http?: HttpStatus,
        /// SOCKS hop metrics.
        socks?: SocksStatus,
        /// VLESS metrics.
        vless?: VlessMetricsSnapshot,
        /// Shadowsocks metrics.
        ss?: SsMetricsSnapshot,
        /// ShadowsocksR metrics.
        ssr?: SsrMetricsSnapshot,
        /// TLS metrics.
        tls?: TlsStatus,
        /// QUIC metrics.
        quic?: QuicStatus,
        /// HTTP proxy request metrics.
        http_metrics?: HttpProxyMetricsSnapshot,
        /// The user registry.
        users?: UserRegistryStatus,
        /// Process memory and connections.
        system?: SystemStatus,
    }
}

wire_struct! {
    /// One node in the snapshot (core.yaml:938).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct NodeStatus {
        /// The node id (a string; the panel's binding `kernel_id`).
        id?: String,
        /// Listener or connector.
        role?: NodeRole,
        /// The node's protocol (plain string in the spec).
        protocol?: String,
        /// Tags.
        tags?: Vec<String>,
        /// Free text.
        description?: null String,
        /// Health state.
        health?: NodeHealthState,
        /// Bound interfaces.
        interfaces?: NodeInterfaceStatus,
    }
}

wire_struct! {
    /// A node's health (core.yaml:958).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct NodeHealthState {
        /// `"Healthy"` or `{"Degraded"|"Unhealthy": {...}}`.
        status?: HealthStatus,
        /// Failed probes in a row.
        consecutive_failures?: u64,
        /// Milliseconds since the last failure (`null` when none).
        last_failure_elapsed_ms?: null u64,
    }
}

wire_struct! {
    /// A node's interface bindings (core.yaml:990).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct NodeInterfaceStatus {
        /// The default binding's label.
        default_label?: null String,
        /// Every binding.
        bindings?: Vec<InterfaceBindingStatus>,
    }
}

wire_struct! {
    /// One interface binding of a node (core.yaml:1000).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct InterfaceBindingStatus {
        /// Binding label.
        label?: String,
        /// Device name.
        device?: String,
        /// MAC address.
        mac?: null String,
        /// MTU.
        mtu?: null u32,
        /// Physical or virtual.
        kind?: InterfaceKindSummary,
        /// Addresses.
        addresses?: Vec<InterfaceAddressSummary>,
    }
}

wire_struct! {
    /// Process status (core.yaml:1112).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct SystemStatus {
        /// Memory use.
        memory?: MemoryStatus,
        /// Connection counters.
        connections?: ConnectionStatus,
    }
}

wire_struct! {
    /// Memory use (core.yaml:1119).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct MemoryStatus {
        /// Resident set size in bytes.
        resident_bytes?: u64,
        /// Virtual size in bytes.
        virtual_bytes?: u64,
    }
}

wire_struct! {
    /// Connection counters (core.yaml:1126).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct ConnectionStatus {
        /// Open now.
        active?: u64,
        /// Opened since start.
        opened_total?: u64,
        /// Closed since start.
        closed_total?: u64,
        /// Per node and protocol.
        by_node_protocol?: Vec<NodeConnectionStatus>,
    }
}

wire_struct! {
    /// Connection counters of one node and protocol (core.yaml:1139).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct NodeConnectionStatus {
        /// Node id.
        node_id?: String,
        /// Protocol.
        protocol?: String,
        /// Open now.
        active?: u64,
        /// Opened since start.
        opened_total?: u64,
        /// Closed since start.
        closed_total?: u64,
    }
}

wire_struct! {
    /// The user registry (core.yaml:1440).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct UserRegistryStatus {
        /// Number of users.
        total?: u64,
        /// The users (identifiers and tags hidden with `redact_users=true`).
        users?: Vec<UserStatus>,
    }
}

wire_struct! {
    /// One user in the registry (core.yaml:1449).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct UserStatus {
        /// User id.
        id?: String,
        /// Username.
        username?: String,
        /// Tags.
        tags?: Vec<String>,
        /// Free-form string metadata.
        metadata?: BTreeMap<String, String>,
        /// Bytes allocated.
        traffic_allocated?: u64,
        /// Bytes used.
        traffic_used?: u64,
        /// Bytes remaining.
        traffic_remaining?: u64,
        /// Upload limit in bytes per second (`null`: unlimited).
        rate_up?: null u64,
        /// Download limit in bytes per second (`null`: unlimited).
        rate_down?: null u64,
    }
}

wire_struct! {
    /// Rate-limit summary over all users (core.yaml:1476).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct UserRateLimitSummary {
        /// Users in total.
        total_users?: u64,
        /// Users without any limit.
        unlimited_users?: u64,
        /// Users with at least one limit.
        limited_users?: u64,
        /// Users limited on upload only.
        limited_up_only?: u64,
        /// Users limited on download only.
        limited_down_only?: u64,
        /// Users limited both ways.
        limited_both?: u64,
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        StatusResponse,
        RuntimeStatusSnapshot,
        NodeStatus,
        NodeHealthState,
        HealthStatus,
        NodeInterfaceStatus,
        InterfaceBindingStatus,
        SystemStatus,
        MemoryStatus,
        ConnectionStatus,
        NodeConnectionStatus,
        UserRegistryStatus,
        UserStatus,
        UserRateLimitSummary,
    ]);
    pipeline::register(types);
    metrics::register(types);
}
