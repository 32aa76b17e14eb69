//! `Static`: host metadata an agent posts to `/api/node/static`
//! (Ithiltir-node `internal/metrics/static_types.go`, contract §3).
//!
//! The agent sends it after its start-up delay, every 10 s while it is partial or failed
//! (see [`agent::static_readiness`](crate::agent::static_readiness)), when its fingerprint
//! changes, and after a connection-refused streak recovers. The body has no wrapper.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::report::{BaseIoKind, BaseIoRole, LogicalKind};
use crate::serde_util::is_zero_u64;

/// The body of `POST /api/node/static` (`metrics.Static`).
///
/// ```
/// let body = std::fs::read("tests/fixtures/live-push/002-static.request.json").unwrap();
/// let s: nodewire_dash::Static = serde_json::from_slice(&body).unwrap();
/// assert_eq!(s.system.platform, "debian");
/// assert_eq!(s.report_interval_seconds, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Static {
    /// The agent version (strict SemVer, no `v`).
    pub version: String,
    /// When the body was built.
    pub timestamp: Timestamp,
    /// The push interval rounded up to whole seconds (default 3); Dash refuses `<= 0`.
    #[schemars(extend("minimum" = 1))]
    pub report_interval_seconds: i64,
    /// CPU identity and topology.
    pub cpu: StaticCpu,
    /// Memory totals.
    pub memory: StaticMemory,
    /// Disk inventory.
    pub disk: StaticDisk,
    /// Host identity.
    pub system: StaticSystem,
    /// RAID inventory.
    pub raid: StaticRaid,
}

impl Static {
    /// The body of agent `version`, built at `timestamp`, pushing every
    /// `report_interval_seconds`, with empty sections (set them on it).
    ///
    /// ```
    /// use nodewire_dash::static_info::{Static, StaticMemory};
    /// use nodewire_dash::Timestamp;
    /// let mut body = Static::new("0.2.3", Timestamp::now(), 3);
    /// body.memory = StaticMemory::new(8 << 30, 0);
    /// body.system.hostname = "vm".into();
    /// assert_eq!(serde_json::to_value(&body).unwrap()["memory"]["total"], 8u64 << 30);
    /// ```
    pub fn new(
        version: impl Into<String>,
        timestamp: Timestamp,
        report_interval_seconds: i64,
    ) -> Self {
        Self {
            version: version.into(),
            timestamp,
            report_interval_seconds,
            cpu: StaticCpu::default(),
            memory: StaticMemory::default(),
            disk: StaticDisk::default(),
            system: StaticSystem::default(),
            raid: StaticRaid::default(),
        }
    }
}

/// `cpu` (`StaticCPU`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[doc(alias = "StaticCPU")]
#[non_exhaustive]
pub struct StaticCpu {
    /// From the first `cpu.Info()` entry.
    pub info: StaticCpuInfo,
}

/// CPU identity (`StaticCPUInfo`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[doc(alias = "StaticCPUInfo")]
#[non_exhaustive]
pub struct StaticCpuInfo {
    /// Model name, trimmed.
    pub model_name: String,
    /// Vendor id (`GenuineIntel`, `AuthenticAMD`), trimmed.
    pub vendor_id: String,
    /// Distinct physical package ids; at least 1 when cores are known (Go `int`).
    pub sockets: i64,
    /// Physical cores (Go `int`).
    pub cores_physical: i64,
    /// Logical CPUs (Go `int`).
    pub cores_logical: i64,
    /// Nominal frequency, MHz.
    pub frequency_mhz: f64,
}

/// Memory totals (`StaticMemory`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StaticMemory {
    /// Physical memory, bytes.
    pub total: u64,
    /// Swap, bytes (`0` without swap).
    pub swap_total: u64,
}

impl StaticMemory {
    /// `total` bytes of memory and `swap_total` of swap.
    pub fn new(total: u64, swap_total: u64) -> Self {
        Self { total, swap_total }
    }

    /// Physical memory, in bytes (`total`).
    ///
    /// ```
    /// let body = std::fs::read("tests/fixtures/live-push/002-static.request.json").unwrap();
    /// let s: nodewire_dash::Static = serde_json::from_slice(&body).unwrap();
    /// assert_eq!(s.memory.total_bytes(), 25_276_063_744);
    /// assert_eq!(s.memory.swap_total_bytes(), 0);
    /// ```
    pub fn total_bytes(&self) -> u64 {
        self.total
    }

    /// Swap, in bytes (`swap_total`; 0 without swap).
    pub fn swap_total_bytes(&self) -> u64 {
        self.swap_total
    }
}

/// Disk inventory (`StaticDisk`). All four arrays are always sent, `[]` when empty; an early
/// body (before the slow collector ran) has empty `logical` and `filesystems`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StaticDisk {
    /// Copied from the last runtime sample.
    pub physical: Vec<StaticDiskPhysical>,
    /// Capacity entries with totals.
    pub logical: Vec<StaticDiskLogical>,
    /// Mount points with totals and types.
    pub filesystems: Vec<StaticDiskFilesystem>,
    /// Built only from logical entries with an IO source, so a plain single-disk host sends
    /// `[]` here while its runtime `base_io` has a `physical` entry.
    pub base_io: Vec<StaticDiskBaseIo>,
}

/// A block device (`StaticDiskPhysical`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StaticDiskPhysical {
    /// Kernel name.
    pub name: String,
    /// `/dev/<name>` (omitted on Windows).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device_path: String,
    /// `disk:<name>`.
    #[serde(rename = "ref", default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
}

impl StaticDiskPhysical {
    /// The device `name`, without path or `ref`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }
}

/// A capacity entry (`StaticDiskLogical`). Dash takes the largest `total` as the node's disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StaticDiskLogical {
    /// What it is.
    pub kind: LogicalKind,
    /// Device or pool name.
    pub name: String,
    /// `/dev/...` path.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device_path: String,
    /// `<kind>:<name>` id.
    #[serde(rename = "ref", default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// Size, bytes; omitted when 0.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub total: u64,
    /// First mount point, sorted.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mountpoint: String,
    /// Filesystem type of that mount point (`ext4`, `NTFS`, `apfs`). Dash reads the type
    /// from a `mountpoints` map the agent never sends, so Dash's root fs type stays empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fs_type: String,
    /// Member devices (md members, pool vdevs); omitted when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<String>,
}

impl StaticDiskLogical {
    /// The `kind` entry `name`, with nothing else known (every other key omitted).
    pub fn new(kind: LogicalKind, name: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
            device_path: String::new(),
            reference: String::new(),
            total: 0,
            mountpoint: String::new(),
            fs_type: String::new(),
            devices: Vec::new(),
        }
    }

    /// Size, in bytes (`total`; 0 when the agent omits it).
    pub fn total_bytes(&self) -> u64 {
        self.total
    }
}

/// A mount point (`StaticDiskFilesystem`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StaticDiskFilesystem {
    /// The path the usage was read for.
    pub path: String,
    /// Source device.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device: String,
    /// Mount point.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mountpoint: String,
    /// Size, bytes.
    pub total: u64,
    /// Filesystem type.
    pub fs_type: String,
    /// Inodes (0 where the filesystem has none).
    pub inodes_total: u64,
}

impl StaticDiskFilesystem {
    /// The filesystem read at `path`, with zero sizes and no device, mount point or type.
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            ..Self::default()
        }
    }

    /// Size, in bytes (`total`).
    pub fn total_bytes(&self) -> u64 {
        self.total
    }
}

/// An IO view entry (`StaticDiskBaseIO`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StaticDiskBaseIo {
    /// Where the numbers come from.
    pub kind: BaseIoKind,
    /// Device or pool name.
    pub name: String,
    /// `/dev/...` path.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device_path: String,
    /// `<kind>:<name>` id.
    #[serde(rename = "ref", default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// `primary` for the entry holding the main filesystem, `secondary` for the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<BaseIoRole>,
}

impl StaticDiskBaseIo {
    /// The `kind` entry `name`, without path, `ref` or role.
    pub fn new(kind: BaseIoKind, name: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
            device_path: String::new(),
            reference: String::new(),
            role: None,
        }
    }
}

/// Host identity (`StaticSystem`), gopsutil `host.Info()` trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StaticSystem {
    /// Host name.
    pub hostname: String,
    /// `linux`, `windows`, `darwin`.
    pub os: String,
    /// Distribution or product (`debian`, `ubuntu`, `Microsoft Windows Server 2022
    /// Datacenter`, `darwin`).
    pub platform: String,
    /// Its version.
    pub platform_version: String,
    /// Kernel version.
    pub kernel_version: String,
    /// Go `GOARCH` of the agent binary (`amd64`, `arm64`).
    pub arch: String,
}

/// RAID inventory (`StaticRaid`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StaticRaid {
    /// RAID is collected on this platform (Linux).
    pub supported: bool,
    /// At least one array was found.
    pub available: bool,
    /// The arrays; `[]` when none.
    pub arrays: Vec<StaticRaidArray>,
}

/// One array (`StaticRaidArray`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StaticRaidArray {
    /// Array name.
    pub name: String,
    /// RAID level (`raid1`).
    pub level: String,
    /// Member count (Go `int`).
    pub devices: i64,
    /// Members; omitted when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<StaticRaidMember>,
}

impl StaticRaidArray {
    /// The array `name` at `level` (`raid1`) with `devices` members, none listed.
    pub fn new(name: impl Into<String>, level: impl Into<String>, devices: i64) -> Self {
        Self {
            name: name.into(),
            level: level.into(),
            devices,
            members: Vec::new(),
        }
    }
}

/// One member (`StaticRaidMember`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StaticRaidMember {
    /// Member device.
    pub name: String,
}

impl StaticRaidMember {
    /// The member device `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

nodewire_common::setters!(StaticDiskPhysical {
    /// Sets the `/dev/<name>` path.
    device_path(path: impl Into<String>) = path.into();
    /// Sets the `disk:<name>` id (`ref`).
    reference(id: impl Into<String>) = id.into();
});

nodewire_common::setters!(StaticDiskLogical {
    /// Sets the `/dev/...` path.
    device_path(path: impl Into<String>) = path.into();
    /// Sets the `<kind>:<name>` id (`ref`).
    reference(id: impl Into<String>) = id.into();
    /// Sets the size in bytes (0 is omitted).
    total(bytes: u64) = bytes;
    /// Sets the first mount point.
    mountpoint(path: impl Into<String>) = path.into();
    /// Sets the filesystem type of that mount point.
    fs_type(name: impl Into<String>) = name.into();
    /// Sets the member devices.
    devices(names: impl IntoIterator<Item = String>) = names.into_iter().collect();
});

nodewire_common::setters!(StaticDiskFilesystem {
    /// Sets the source device.
    device(path: impl Into<String>) = path.into();
    /// Sets the mount point.
    mountpoint(path: impl Into<String>) = path.into();
    /// Sets the size in bytes.
    total(bytes: u64) = bytes;
    /// Sets the filesystem type.
    fs_type(name: impl Into<String>) = name.into();
    /// Sets the number of inodes.
    inodes_total(count: u64) = count;
});

nodewire_common::setters!(StaticDiskBaseIo {
    /// Sets the `/dev/...` path.
    device_path(path: impl Into<String>) = path.into();
    /// Sets the `<kind>:<name>` id (`ref`).
    reference(id: impl Into<String>) = id.into();
    /// Sets the role (`primary` for the entry holding the main filesystem).
    role(role: BaseIoRole);
});

nodewire_common::setters!(StaticRaidArray {
    /// Sets the members.
    members(members: impl IntoIterator<Item = StaticRaidMember>) =
        members.into_iter().collect();
});

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        Static,
        StaticCpu,
        StaticCpuInfo,
        StaticMemory,
        StaticDisk,
        StaticDiskPhysical,
        StaticDiskLogical,
        StaticDiskFilesystem,
        StaticDiskBaseIo,
        StaticSystem,
        StaticRaid,
        StaticRaidArray,
        StaticRaidMember,
    ]);
}
