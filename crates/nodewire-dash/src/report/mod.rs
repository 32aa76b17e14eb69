//! `NodeReport`: the runtime metrics an agent posts to `/api/node/metrics`
//! (Ithiltir-node `internal/metrics/types.go`, contract §2).
//!
//! The ten metric groups of [`Snapshot`] live in one module each. Field docs give the unit of
//! every number: bytes, bytes/s, ops/s, ratio `0..=1`, percent `0..=100`, milliseconds,
//! microseconds, CPU-seconds.
//!
//! Presence follows the 0.2.3 agent exactly: keys it always writes are plain fields (arrays it
//! writes as `[]`, never `null`); keys under Go's `omitempty` are omitted when zero or empty;
//! pointer fields are `Option`s omitted when absent. `pressure`, `thermal` and `disk.smart` are
//! always written by 0.2.3 but missing from older agents, so they are `Option`s too.

pub mod cpu;
pub mod disk;
pub mod memory;
pub mod network;
pub mod pressure;
pub mod raid;
pub mod system;
pub mod thermal;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use cpu::{Cpu, CpuTimes};
pub use disk::{
    BaseIoKind, BaseIoRole, Disk, DiskBaseIo, DiskFilesystem, DiskLogical, DiskPhysical, DiskSmart,
    DiskSmartAttr, DiskSmartDevice, LogicalKind, SmartHealth,
};
pub use memory::Memory;
pub use network::NetIo;
pub use pressure::{Pressure, PressureResource, PressureStats};
pub use raid::{Health, MemberState, Raid, RaidArray, RaidMember};
pub use system::{Connections, Processes, System};
pub use thermal::{SensorKind, Thermal, ThermalSensor};

use crate::Timestamp;

nodewire_common::open_enum! {
    /// The collection state of a section (SMART, a SMART device, thermal, a thermal sensor, a
    /// pressure resource), `types.go:10-22`. It says whether data could be read, not whether the
    /// hardware is healthy.
    #[rename_all = "snake_case"]
    pub enum Status {
        /// Read successfully.
        Ok,
        /// Part of the data was read.
        Partial,
        /// Not available on this platform (all pressure resources off Linux, thermal on macOS).
        Unsupported,
        /// Nothing to report (no sensors, no PSI lines, no SMART devices).
        NotFound,
        /// The agent lacks the permission to read it.
        NoPermission,
        /// Reading timed out.
        Timeout,
        /// Reading failed.
        Error,
        /// SMART: the root-written cache file does not exist.
        NoCache,
        /// SMART: the cache expired; the last devices are kept.
        Stale,
        /// SMART: `smartctl` is not installed.
        NoTool,
        /// SMART: the disk is spun down.
        Standby,
    }
}

/// The body of `POST /api/node/metrics` (`metrics.NodeReport`, `types.go:310-315`).
///
/// ```
/// let body = std::fs::read("tests/fixtures/live-push/003-metrics.request.json").unwrap();
/// let report: nodewire_dash::NodeReport = serde_json::from_slice(&body).unwrap();
/// assert_eq!(report.hostname, "vm");
/// assert_eq!(report.metrics.network[0].name, "eth0");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NodeReport {
    /// The agent version, strict SemVer without `v` (`0.2.3`). Dash refuses anything else
    /// with `422 invalid_metrics`.
    pub version: String,
    /// Host name (`host.Info().Hostname` trimmed, then `os.Hostname()`, then `unknown`);
    /// Dash refuses a blank one.
    #[schemars(extend("pattern" = "\\S"))]
    pub hostname: String,
    /// Time of the last fast sample (not the send time). Dash replaces it with its receive
    /// time and keeps this one as `sent_at`.
    pub timestamp: Timestamp,
    /// The ten metric groups.
    pub metrics: Snapshot,
}

impl NodeReport {
    /// A report of `metrics` from agent `version` on `hostname`, sampled at `timestamp`.
    ///
    /// ```
    /// use nodewire_dash::report::{NodeReport, Snapshot, System};
    /// use nodewire_dash::Timestamp;
    /// let mut metrics = Snapshot::default();
    /// metrics.system = System::new(664);
    /// let report = NodeReport::new("0.2.3", "vm", Timestamp::now(), metrics);
    /// assert_eq!(report.metrics.system.uptime, "0d 0h 11m");
    /// ```
    pub fn new(
        version: impl Into<String>,
        hostname: impl Into<String>,
        timestamp: Timestamp,
        metrics: Snapshot,
    ) -> Self {
        Self {
            version: version.into(),
            hostname: hostname.into(),
            timestamp,
            metrics,
        }
    }
}

/// The ten metric groups, in the agent's key order (`Snapshot`, `types.go:297-308`).
///
/// [`Default`] gives every group at zero, empty arrays, and no `pressure` or `thermal`; set
/// the groups on it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Snapshot {
    /// Usage, load averages, cumulative CPU times.
    pub cpu: Cpu,
    /// Memory and swap in bytes.
    pub memory: Memory,
    /// Block devices, capacity views, filesystems, the IO view and SMART.
    pub disk: Disk,
    /// Selected interfaces, sorted by name; `[]` when none.
    pub network: Vec<NetIo>,
    /// Liveness and uptime.
    pub system: System,
    /// Process count.
    pub processes: Processes,
    /// TCP and UDP socket counts.
    pub connections: Connections,
    /// Linux pressure stall information; every resource `unsupported` elsewhere. Sent by 0.2.3,
    /// absent from older agents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pressure: Option<Pressure>,
    /// Software RAID (md, ZFS); `supported: false` off Linux.
    pub raid: Raid,
    /// Temperature sensors. Sent by 0.2.3, absent from older agents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thermal: Option<Thermal>,
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        NodeReport,
        Snapshot,
        Cpu,
        CpuTimes,
        Memory,
        Disk,
        DiskPhysical,
        DiskLogical,
        DiskFilesystem,
        DiskBaseIo,
        DiskSmart,
        DiskSmartDevice,
        DiskSmartAttr,
        NetIo,
        System,
        Processes,
        Connections,
        Pressure,
        PressureResource,
        PressureStats,
        Raid,
        RaidArray,
        RaidMember,
        Thermal,
        ThermalSensor,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_captured_report_reads_in_units_and_re_encodes_unchanged()
    -> Result<(), Box<dyn std::error::Error>> {
        let body = include_str!("../../tests/fixtures/live-push/003-metrics.request.json");
        let report: NodeReport = serde_json::from_str(body)?;
        let m = &report.metrics;
        assert_eq!(m.memory.used_bytes(), 1_343_033_344);
        assert_eq!(m.memory.available_bytes(), 23_624_245_248);
        assert!((m.memory.used_percent() - 5.313_459_237_967_018).abs() < 1e-9);
        assert!((m.cpu.usage_percent() - 60.869_565_217_392_8).abs() < 1e-9);
        let vda = m.disk.base_io.first().ok_or("no base_io")?;
        assert_eq!(vda.write_bytes_per_second(), 2_367_597.0);
        assert_eq!(vda.ops_per_second(), 23.0);
        let root = m.disk.filesystems.first().ok_or("no filesystem")?;
        assert_eq!(root.free_bytes(), 83_590_299_648);
        assert!((root.inodes_used_percent() - 2.637_112_140_655_517_6).abs() < 1e-9);
        let eth0 = m.network.first().ok_or("no interface")?;
        assert_eq!(eth0.recv_bytes(), 268_310_747);
        assert_eq!(eth0.recv_bytes_per_second(), 0.0);
        let io = m
            .pressure
            .as_ref()
            .and_then(|p| p.io.full)
            .ok_or("no io pressure")?;
        assert_eq!(io.total_stall_time().as_micros(), 2_237_876);
        assert_eq!(io.avg300_percent(), 0.1);

        let at = report.timestamp.to_utc();
        assert_eq!(at.timestamp(), 1_795_334_038);
        assert_eq!(at.timestamp_subsec_nanos(), 7_408_323);
        assert_eq!(report.timestamp.as_str(), "2026-11-22T07:53:58.007408323Z");
        let input: serde_json::Value = serde_json::from_str(body)?;
        let again = nodewire_common::lossless::compare(&input, &serde_json::to_value(&report)?);
        assert!(again.is_lossless(), "{again:?}");
        Ok(())
    }
}
