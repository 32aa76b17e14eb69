//! What an OS layer reads from the machine, as plain data for the
//! [`Sampler`](crate::collect::Sampler).

use std::collections::BTreeMap;

use crate::Timestamp;
use crate::collect::{DiskCounters, NetCounters};
use crate::report::{Connections, CpuTimes, Pressure, Thermal};

/// One reading of the machine's counters and gauges.
/// [`Sampler::report`](crate::collect::Sampler::report) turns successive readings into
/// reports; counters are cumulative, the sampler derives the rates.
///
/// ```
/// use nodewire_dash::Timestamp;
/// use nodewire_dash::collect::{HostSample, Mount};
///
/// let mut sample = HostSample::new("web-1", Timestamp::now());
/// sample.cpu_usage_percent = 12.5;
/// sample.load = Some([0.5, 0.25, 0.125]);
/// sample.memory.total = 8 << 30;
/// sample.memory.available = 6 << 30;
/// let mut root = Mount::new("/dev/vda1", "/");
/// root.total = 100 << 30;
/// root.available = 60 << 30;
/// sample.mounts.push(root);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct HostSample {
    /// The host name as the OS gives it (trimmed by the sampler; `unknown` when blank).
    pub hostname: String,
    /// When the sample was taken: the report's `timestamp`.
    pub timestamp: Timestamp,
    /// CPU usage over all cores, percent.
    pub cpu_usage_percent: f64,
    /// Cumulative CPU times (all zero where they cannot be read).
    pub cpu_times: CpuTimes,
    /// The 1, 5 and 15 minute load averages; `None` where the OS has none (Windows), which
    /// the report sends as [`Cpu::LOAD_UNAVAILABLE`](crate::report::Cpu::LOAD_UNAVAILABLE).
    pub load: Option<[f64; 3]>,
    /// Memory and swap.
    pub memory: MemorySample,
    /// Cumulative counters of the physical disks to report, by device name (chosen with
    /// [`physical_disks`](crate::collect::physical_disks)).
    pub disks: BTreeMap<String, DiskCounters>,
    /// `true` on Windows, where physical disks get no `/dev/` device path.
    pub windows: bool,
    /// The mounted filesystems.
    pub mounts: Vec<Mount>,
    /// Cumulative counters of the interfaces to report, by name (chosen with
    /// [`select_interfaces`](crate::collect::select_interfaces)).
    pub interfaces: BTreeMap<String, NetCounters>,
    /// Seconds since boot.
    pub uptime_seconds: u64,
    /// Number of processes.
    pub process_count: i64,
    /// TCP and UDP socket counts.
    pub connections: Connections,
    /// Pressure stall information (every resource `unsupported` off Linux).
    pub pressure: Pressure,
    /// Temperature sensors (see [`thermal_from_sensors`](crate::collect::thermal_from_sensors));
    /// `None` leaves the section out, as agents before 0.2.3 do.
    pub thermal: Option<Thermal>,
    /// Software RAID is collected on this platform (Linux).
    pub raid_supported: bool,
}

impl HostSample {
    /// An empty reading of `hostname` at `timestamp`: no disks, interfaces or mounts, zero
    /// counters, no load average, pressure `unsupported`, no thermal section.
    pub fn new(hostname: impl Into<String>, timestamp: Timestamp) -> Self {
        Self {
            hostname: hostname.into(),
            timestamp,
            cpu_usage_percent: 0.0,
            cpu_times: CpuTimes::default(),
            load: None,
            memory: MemorySample::default(),
            disks: BTreeMap::new(),
            windows: false,
            mounts: Vec::new(),
            interfaces: BTreeMap::new(),
            uptime_seconds: 0,
            process_count: 0,
            connections: Connections::default(),
            pressure: Pressure::unsupported(),
            thermal: None,
            raid_supported: false,
        }
    }
}

/// Memory and swap, bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct MemorySample {
    /// Installed memory.
    pub total: u64,
    /// Memory available to new programs without swapping.
    pub available: u64,
    /// Kernel buffers (`Buffers` of `/proc/meminfo`; 0 elsewhere).
    pub buffers: u64,
    /// Page cache (`Cached` + `SReclaimable`; 0 elsewhere).
    pub cached: u64,
    /// Swap space.
    pub swap_total: u64,
    /// Swap in use.
    pub swap_used: u64,
    /// Swap free.
    pub swap_free: u64,
}

/// One mounted filesystem.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Mount {
    /// The device (`/dev/vda1`, `C:`).
    pub device: String,
    /// Where it is mounted.
    pub mountpoint: String,
    /// The filesystem type (`ext4`).
    pub fs_type: String,
    /// Size, bytes.
    pub total: u64,
    /// Space available to unprivileged users, bytes.
    pub available: u64,
}

impl Mount {
    /// `device` mounted at `mountpoint`, sizes 0 and no type until set.
    pub fn new(device: impl Into<String>, mountpoint: impl Into<String>) -> Self {
        Self {
            device: device.into(),
            mountpoint: mountpoint.into(),
            ..Self::default()
        }
    }

    /// The device's last path component (`/dev/vda1` → `vda1`), the name of its logical
    /// disk.
    pub fn device_name(&self) -> &str {
        self.device
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&self.device)
    }
}

/// One temperature sensor as the OS reports it.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct SensorReading {
    /// The sensor's label (its key in the report).
    pub label: String,
    /// Temperature, °C; `None` when it could not be read.
    pub temp_c: Option<f64>,
    /// High threshold, °C (0 means none).
    pub high_c: Option<f64>,
    /// Critical threshold, °C (0 means none).
    pub critical_c: Option<f64>,
}

impl SensorReading {
    /// A sensor `label` reading `temp_c`, without thresholds.
    pub fn new(label: impl Into<String>, temp_c: Option<f64>) -> Self {
        Self {
            label: label.into(),
            temp_c,
            high_c: None,
            critical_c: None,
        }
    }
}

/// What the static body says about the host, as the OS gives it.
/// [`Sampler::static_info`](crate::collect::Sampler::static_info) adds the disk inventory
/// of the last report.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StaticHost {
    /// The host name (trimmed; `unknown` when blank).
    pub hostname: String,
    /// When it was read: the body's `timestamp`.
    pub timestamp: Timestamp,
    /// CPU model name.
    pub cpu_model: String,
    /// CPU vendor id.
    pub cpu_vendor: String,
    /// Physical cores (0 when unknown).
    pub cores_physical: i64,
    /// Logical cores.
    pub cores_logical: i64,
    /// Frequency of the first core, MHz.
    pub frequency_mhz: f64,
    /// Installed memory, bytes.
    pub memory_total: u64,
    /// Swap space, bytes.
    pub swap_total: u64,
    /// The mounted filesystems.
    pub mounts: Vec<Mount>,
    /// Go's `GOOS` (`linux`, `darwin`, `windows`; see [`go_os`](crate::collect::go_os)).
    pub os: String,
    /// The distribution id on Linux (`debian`), else the OS.
    pub platform: String,
    /// The distribution or OS version (`12.11`).
    pub platform_version: String,
    /// The kernel version.
    pub kernel_version: String,
    /// Go's `GOARCH` (see [`go_arch`](crate::collect::go_arch)).
    pub arch: String,
    /// Software RAID is collected on this platform (Linux).
    pub raid_supported: bool,
}

impl StaticHost {
    /// `hostname` at `timestamp` with every other fact empty or 0 until set.
    pub fn new(hostname: impl Into<String>, timestamp: Timestamp) -> Self {
        Self {
            hostname: hostname.into(),
            timestamp,
            cpu_model: String::new(),
            cpu_vendor: String::new(),
            cores_physical: 0,
            cores_logical: 0,
            frequency_mhz: 0.0,
            memory_total: 0,
            swap_total: 0,
            mounts: Vec::new(),
            os: String::new(),
            platform: String::new(),
            platform_version: String::new(),
            kernel_version: String::new(),
            arch: String::new(),
            raid_supported: false,
        }
    }
}
