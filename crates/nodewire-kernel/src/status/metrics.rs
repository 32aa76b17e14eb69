//! Per-protocol counters in the snapshot (core.yaml:1152-1439). Every counter is a `u64`;
//! every member is optional.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::wire::wire_struct;

wire_struct! {
    /// HTTP listener counts (core.yaml:1152).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct HttpStatus {
        /// Total nodes.
        total_nodes?: u64,
        /// Tcp nodes.
        tcp_nodes?: u64,
        /// Quic nodes.
        quic_nodes?: u64,
        /// Webtransport nodes.
        webtransport_nodes?: u64,
    }
}

wire_struct! {
    /// SOCKS metrics (core.yaml:1163).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct SocksStatus {
        /// Per-hop counters, keyed by hop.
        hop_metrics?: BTreeMap<String, HopMetricsSnapshot>,
    }
}

wire_struct! {
    /// Counters of one SOCKS hop (core.yaml:1170).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct HopMetricsSnapshot {
        /// Attempts.
        attempts?: u64,
        /// Successes.
        successes?: u64,
        /// Failures.
        failures?: u64,
        /// Retry successes.
        retry_successes?: u64,
        /// Prefix fallbacks.
        prefix_fallbacks?: u64,
        /// Direct fallbacks.
        direct_fallbacks?: u64,
    }
}

wire_struct! {
    /// QUIC metrics (core.yaml:1185).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct QuicStatus {
        /// Handshake success.
        handshake_success?: u64,
        /// Handshake failure.
        handshake_failure?: u64,
        /// Zero rtt enabled.
        zero_rtt_enabled?: u64,
        /// Active connections.
        active_connections?: u64,
        /// Completed connections.
        completed_connections?: u64,
        /// Connections per ALPN protocol.
        alpn?: BTreeMap<String, u64>,
        /// Counts per REALITY short id.
        reality_short_ids?: BTreeMap<String, u64>,
        /// Counts per REALITY target.
        reality_targets?: BTreeMap<String, u64>,
        /// Session errors.
        session_errors?: u64,
        /// Session errors per kind.
        session_error_kinds?: BTreeMap<String, u64>,
    }
}

wire_struct! {
    /// TLS handshake metrics (core.yaml:1216).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct TlsStatus {
        /// Handshake attempts.
        handshake_attempts?: u64,
        /// Handshake successes.
        handshake_successes?: u64,
        /// Handshake failures.
        handshake_failures?: u64,
        /// Counts per REALITY short id.
        reality_short_ids?: Vec<RealityShortIdSnapshot>,
        /// Handshakes per REALITY target.
        reality_handshake_targets?: Vec<RealityHandshakeTargetSnapshot>,
    }
}

wire_struct! {
    /// HTTP proxy request metrics (core.yaml:1233).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct HttpProxyMetricsSnapshot {
        /// Requests total.
        requests_total?: u64,
        /// Requests connect.
        requests_connect?: u64,
        /// Requests plain.
        requests_plain?: u64,
        /// Auth required.
        auth_required?: u64,
        /// Auth success.
        auth_success?: u64,
        /// Auth failed.
        auth_failed?: u64,
        /// Bad method.
        bad_method?: u64,
        /// Bad request.
        bad_request?: u64,
    }
}

wire_struct! {
    /// VLESS metrics (core.yaml:1252).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct VlessMetricsSnapshot {
        /// Handshake attempts.
        handshake_attempts?: u64,
        /// Handshake successes.
        handshake_successes?: u64,
        /// Handshake failures.
        handshake_failures?: u64,
        /// Tcp sessions.
        tcp_sessions?: u64,
        /// Udp sessions.
        udp_sessions?: u64,
        /// Failures per reason.
        failure_reasons?: Vec<FailureReasonSnapshot>,
        /// Outbound connector metrics.
        connector?: VlessConnectorMetricsSnapshot,
        /// Udp client chunks.
        udp_client_chunks?: u64,
        /// Udp client failures.
        udp_client_failures?: u64,
        /// Udp remote packets.
        udp_remote_packets?: u64,
        /// Udp client packets.
        udp_client_packets?: u64,
        /// Udp socket errors.
        udp_socket_errors?: u64,
        /// Counts per REALITY short id.
        reality_short_ids?: Vec<RealityShortIdSnapshot>,
        /// Handshakes per REALITY target.
        reality_handshake_targets?: Vec<RealityHandshakeTargetSnapshot>,
        /// Sessions per flow.
        flow_totals?: Vec<FlowSnapshot>,
        /// Reality failure total.
        reality_failure_total?: u64,
        /// REALITY failures per reason.
        reality_failure_reasons?: Vec<FailureReasonSnapshot>,
        /// Reality short id failures.
        reality_short_id_failures?: u64,
        /// Reality target mismatch failures.
        reality_target_mismatch_failures?: u64,
        /// Reality zero rtt failures.
        reality_zero_rtt_failures?: u64,
    }
}

wire_struct! {
    /// VLESS connector (outbound) metrics (core.yaml:1305).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct VlessConnectorMetricsSnapshot {
        /// Attempts.
        attempts?: u64,
        /// Successes.
        successes?: u64,
        /// Failures.
        failures?: u64,
        /// Per endpoint.
        endpoints?: Vec<EndpointStatsSnapshot>,
        /// Failures per kind.
        failure_kinds?: Vec<FailureKindSnapshot>,
    }
}

wire_struct! {
    /// Shadowsocks metrics (core.yaml:1322).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct SsMetricsSnapshot {
        /// Handshake attempts.
        handshake_attempts?: u64,
        /// Handshake successes.
        handshake_successes?: u64,
        /// Handshake failures.
        handshake_failures?: u64,
        /// Tcp sessions.
        tcp_sessions?: u64,
        /// Udp sessions.
        udp_sessions?: u64,
        /// Failures per reason.
        failure_reasons?: Vec<FailureReasonSnapshot>,
        /// Outbound connector metrics.
        connector?: SsConnectorMetricsSnapshot,
    }
}

wire_struct! {
    /// Shadowsocks connector (outbound) metrics (core.yaml:1341).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct SsConnectorMetricsSnapshot {
        /// Attempts.
        attempts?: u64,
        /// Successes.
        successes?: u64,
        /// Failures.
        failures?: u64,
        /// Per endpoint.
        endpoints?: Vec<EndpointStatsSnapshot>,
        /// Failures per kind.
        failure_kinds?: Vec<FailureKindSnapshot>,
    }
}

wire_struct! {
    /// ShadowsocksR metrics (core.yaml:1358).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct SsrMetricsSnapshot {
        /// Handshake attempts.
        handshake_attempts?: u64,
        /// Handshake successes.
        handshake_successes?: u64,
        /// Handshake failures.
        handshake_failures?: u64,
        /// Tcp sessions.
        tcp_sessions?: u64,
        /// Udp sessions.
        udp_sessions?: u64,
        /// Failures per reason.
        failure_reasons?: Vec<FailureReasonSnapshot>,
        /// Outbound connector metrics.
        connector?: SsrConnectorMetricsSnapshot,
    }
}

wire_struct! {
    /// ShadowsocksR connector (outbound) metrics (core.yaml:1377).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct SsrConnectorMetricsSnapshot {
        /// Attempts.
        attempts?: u64,
        /// Successes.
        successes?: u64,
        /// Failures.
        failures?: u64,
        /// Per endpoint.
        endpoints?: Vec<EndpointStatsSnapshot>,
        /// Failures per kind.
        failure_kinds?: Vec<FailureKindSnapshot>,
    }
}

wire_struct! {
    /// A failure reason and its count (core.yaml:1394).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct FailureReasonSnapshot {
        /// The reason.
        reason?: String,
        /// Count.
        total?: u64,
    }
}

wire_struct! {
    /// A failure kind and its count (core.yaml:1401).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct FailureKindSnapshot {
        /// The kind.
        kind?: String,
        /// Count.
        total?: u64,
    }
}

wire_struct! {
    /// Counters of one upstream endpoint (core.yaml:1408).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct EndpointStatsSnapshot {
        /// The endpoint address.
        endpoint?: String,
        /// Attempts.
        attempts?: u64,
        /// Successes.
        successes?: u64,
        /// Failures.
        failures?: u64,
    }
}

wire_struct! {
    /// Handshakes per REALITY short id (core.yaml:1419).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct RealityShortIdSnapshot {
        /// The REALITY short id.
        short_id?: String,
        /// Count.
        total?: u64,
    }
}

wire_struct! {
    /// Handshakes per REALITY target (core.yaml:1426).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct RealityHandshakeTargetSnapshot {
        /// The REALITY target.
        target?: String,
        /// Count.
        total?: u64,
    }
}

wire_struct! {
    /// Sessions per VLESS flow (core.yaml:1433).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct FlowSnapshot {
        /// The flow name.
        flow?: String,
        /// Count.
        total?: u64,
    }
}

pub(super) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        HttpStatus,
        SocksStatus,
        HopMetricsSnapshot,
        QuicStatus,
        TlsStatus,
        HttpProxyMetricsSnapshot,
        VlessMetricsSnapshot,
        VlessConnectorMetricsSnapshot,
        SsMetricsSnapshot,
        SsConnectorMetricsSnapshot,
        SsrMetricsSnapshot,
        SsrConnectorMetricsSnapshot,
        FailureReasonSnapshot,
        FailureKindSnapshot,
        EndpointStatsSnapshot,
        RealityShortIdSnapshot,
        RealityHandshakeTargetSnapshot,
        FlowSnapshot,
    ]);
}
