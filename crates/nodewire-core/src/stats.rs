//! gRPC `ReportNodeStats`: a snapshot of the node's host and services, sent on every heartbeat
//! cycle. It has no HTTP route; Core stores the latest snapshot (the document says in Redis)
//! and serves it from `GET /admin/nodes/:id/runtime-status`.

use serde_json::{Map, Value};

use crate::values::ValidationError;

/// One snapshot. Byte counts are bytes, durations whole seconds, rates bytes per second.
///
/// Build one from [`NodeStats::default`] (zeros, xray not running, no MTProto status) and a
/// setter per field.
///
/// ```
/// use nodewire_core::stats::NodeStats;
/// let stats = NodeStats::default()
///     .cpu_percent(12.5)
///     .cpu_cores(4)
///     .ram_used(1 << 30)
///     .ram_total(4 << 30)
///     .xray_running(true)
///     .xray_uptime_seconds(3600);
/// assert!(stats.validate().is_ok());
/// assert_eq!(stats.xray_uptime_seconds, Some(3600));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct NodeStats {
    /// Host uptime.
    pub uptime_seconds: u64,
    /// CPU use over all cores since the previous snapshot, `0.0..=100.0`.
    pub cpu_percent: f64,
    /// Logical cores.
    pub cpu_cores: u32,
    /// Memory in use.
    pub ram_used: u64,
    /// Total memory.
    pub ram_total: u64,
    /// Disk space in use.
    pub disk_used: u64,
    /// Total disk space.
    pub disk_total: u64,
    /// Bytes received per second, averaged since the previous snapshot.
    pub net_rx_per_sec: f64,
    /// Bytes sent per second, averaged since the previous snapshot.
    pub net_tx_per_sec: f64,
    /// Bytes received since boot.
    pub net_rx_total: u64,
    /// Bytes sent since boot.
    pub net_tx_total: u64,
    /// Whether xray runs.
    pub xray_running: bool,
    /// Seconds since xray started; `None` when it does not run.
    pub xray_uptime_seconds: Option<u64>,
    /// The MTProto (telemt) runtime status (`mtprotoJson`); `None` without an MTProto service.
    pub mtproto: Option<Map<String, Value>>,
}

nodewire_common::setters!(NodeStats {
    /// Sets the host uptime in seconds.
    uptime_seconds(value: u64) = value;
    /// Sets the CPU use, `0.0..=100.0`.
    cpu_percent(value: f64) = value;
    /// Sets the number of logical cores.
    cpu_cores(value: u32) = value;
    /// Sets the memory in use, in bytes.
    ram_used(value: u64) = value;
    /// Sets the total memory, in bytes.
    ram_total(value: u64) = value;
    /// Sets the disk space in use, in bytes.
    disk_used(value: u64) = value;
    /// Sets the total disk space, in bytes.
    disk_total(value: u64) = value;
    /// Sets the bytes received per second.
    net_rx_per_sec(value: f64) = value;
    /// Sets the bytes sent per second.
    net_tx_per_sec(value: f64) = value;
    /// Sets the bytes received since boot.
    net_rx_total(value: u64) = value;
    /// Sets the bytes sent since boot.
    net_tx_total(value: u64) = value;
    /// Sets whether xray runs.
    xray_running(value: bool) = value;
    /// Sets the seconds since xray started.
    xray_uptime_seconds(seconds: u64);
    /// Sets the MTProto (telemt) runtime status.
    mtproto(status: Map<String, Value>);
});

impl NodeStats {
    /// Checks the floating-point members: `cpuPercent` within `0..=100`, the rates finite and
    /// not negative.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !(0.0..=100.0).contains(&self.cpu_percent) {
            return Err(ValidationError::new(
                "cpuPercent",
                format!("must be within 0..=100 (got {})", self.cpu_percent),
            ));
        }
        for (field, value) in [
            ("netRxPerSec", self.net_rx_per_sec),
            ("netTxPerSec", self.net_tx_per_sec),
        ] {
            if !value.is_finite() || value < 0.0 {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "must be a finite number of bytes per second, not below 0 (got {value})"
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_checked() {
        let ok = NodeStats {
            cpu_percent: 12.5,
            net_rx_per_sec: 1e6,
            ..Default::default()
        };
        assert!(ok.validate().is_ok());
        let bad = NodeStats {
            cpu_percent: f64::NAN,
            ..Default::default()
        };
        assert_eq!(bad.validate().unwrap_err().field, "cpuPercent");
        let bad = NodeStats {
            net_tx_per_sec: -1.0,
            ..Default::default()
        };
        assert_eq!(bad.validate().unwrap_err().field, "netTxPerSec");
        let bad = NodeStats {
            net_rx_per_sec: f64::INFINITY,
            ..Default::default()
        };
        assert_eq!(bad.validate().unwrap_err().field, "netRxPerSec");
    }
}
