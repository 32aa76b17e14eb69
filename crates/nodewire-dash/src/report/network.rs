//! `metrics.network[]` (`NetIO`, `types.go:207-221`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One network interface (`NetIO`). All thirteen keys are always sent.
///
/// The agent reports the interfaces named with `--net a,b`, else the "physical-like" up,
/// non-loopback ones (on Linux: with `/sys/class/net/X/device` or bonding, not bridges), else
/// the up interfaces with addresses, sorted by name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[doc(alias = "NetIO")]
#[non_exhaustive]
pub struct NetIo {
    /// Interface name (`eth0`, `en0`, `Ethernet`).
    pub name: String,
    /// Bytes received since boot (cumulative).
    pub bytes_recv: u64,
    /// Bytes sent since boot (cumulative).
    pub bytes_sent: u64,
    /// Receive rate, bytes/s, rounded up to an integer; 0 on the first sample.
    pub recv_rate_bytes_per_sec: f64,
    /// Send rate, bytes/s, rounded up to an integer; 0 on the first sample.
    pub sent_rate_bytes_per_sec: f64,
    /// Packets received since boot (cumulative).
    pub packets_recv: u64,
    /// Packets sent since boot (cumulative).
    pub packets_sent: u64,
    /// Receive rate, packets/s, rounded up.
    pub recv_rate_packets_per_sec: f64,
    /// Send rate, packets/s, rounded up.
    pub sent_rate_packets_per_sec: f64,
    /// Receive errors since boot (cumulative).
    pub err_in: u64,
    /// Send errors since boot (cumulative).
    pub err_out: u64,
    /// Dropped incoming packets since boot (cumulative).
    pub drop_in: u64,
    /// Dropped outgoing packets since boot (cumulative).
    pub drop_out: u64,
}

impl NetIo {
    /// The interface `name` with every counter and rate at zero.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Bytes received since boot (`bytes_recv`).
    pub fn recv_bytes(&self) -> u64 {
        self.bytes_recv
    }

    /// Bytes sent since boot (`bytes_sent`).
    pub fn sent_bytes(&self) -> u64 {
        self.bytes_sent
    }

    /// Receive rate, in bytes per second (`recv_rate_bytes_per_sec`; 0 on the first sample).
    ///
    /// ```
    /// use nodewire_dash::report::NetIo;
    /// let mut eth0 = NetIo::new("eth0");
    /// eth0.recv_rate_bytes_per_sec = 125_000.0;
    /// assert_eq!(eth0.recv_bytes_per_second(), 125_000.0);
    /// ```
    pub fn recv_bytes_per_second(&self) -> f64 {
        self.recv_rate_bytes_per_sec
    }

    /// Send rate, in bytes per second (`sent_rate_bytes_per_sec`; 0 on the first sample).
    pub fn sent_bytes_per_second(&self) -> f64 {
        self.sent_rate_bytes_per_sec
    }

    /// Receive rate, in packets per second (`recv_rate_packets_per_sec`).
    pub fn recv_packets_per_second(&self) -> f64 {
        self.recv_rate_packets_per_sec
    }

    /// Send rate, in packets per second (`sent_rate_packets_per_sec`).
    pub fn sent_packets_per_second(&self) -> f64 {
        self.sent_rate_packets_per_sec
    }
}
