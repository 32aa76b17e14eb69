//! `metrics.disk` (`Disk`, `DiskPhysical`, `DiskLogical`, `DiskFilesystem`, `DiskBaseIO`,
//! `DiskSMART`, `types.go:69-199`; upstream `docs/api_disk.md`).
//!
//! Four views of storage: `physical` (block devices with IO counters), `logical` (capacity of
//! disks, md arrays, ZFS pools, LVM), `filesystems` (mount points) and `base_io` (the IO view
//! Dash charts), plus SMART state read from a root-written cache. Runtime entries carry no
//! totals; those are in [`StaticDisk`](crate::static_info::StaticDisk).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Status;
use super::raid::Health;
use crate::Timestamp;
use crate::serde_util::{is_zero_f64, is_zero_i64, is_zero_u64};

nodewire_common::open_enum! {
    /// The kind of a logical (capacity) entry (`disk_kind.go:23-81`; the docs also list
    /// `raid` and `lvm_lv`).
    #[rename_all = "snake_case"]
    pub enum LogicalKind {
        /// A plain disk or partition (`ref` prefix `disk:`).
        Disk,
        /// A RAID device found without md metadata.
        Raid,
        /// A Linux md array (`raid:`).
        RaidMd,
        /// A ZFS pool (`zfs:`).
        ZfsPool,
        /// An LVM volume group (`lvm_vg:`).
        LvmVg,
        /// An LVM thin pool (`lvm_thinpool:`).
        LvmThinpool,
        /// An LVM logical volume.
        LvmLv,
        /// A Ceph pool.
        CephPool,
    }
}

nodewire_common::open_enum! {
    /// The kind of a `base_io` entry (`disk_baseio.go`).
    #[rename_all = "snake_case"]
    pub enum BaseIoKind {
        /// A physical disk (used when no logical entry has an IO source).
        Physical,
        /// An md array.
        Raid,
        /// A ZFS or Ceph pool.
        Logical,
    }
}

nodewire_common::open_enum! {
    /// The role of a static `base_io` entry: the one holding the most important filesystem is
    /// `primary`.
    #[rename_all = "snake_case"]
    pub enum BaseIoRole {
        /// The main IO device.
        Primary,
        /// Any other.
        Secondary,
    }
}

nodewire_common::open_enum! {
    /// A SMART device's health verdict (`smartctl`). Separate from the collection
    /// [`Status`]: `status: ok` with `health: failed` means the disk is failing.
    #[rename_all = "snake_case"]
    pub enum SmartHealth {
        /// The self-assessment passed.
        Passed,
        /// The self-assessment failed.
        Failed,
    }
}

/// `metrics.disk` (`Disk`). The four arrays are always sent, `[]` when empty.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Disk {
    /// Block devices with IO counters. On Linux whole disks only (loop, ram, zram, fd, sr
    /// dropped; md and dm appear in `logical` / `base_io`); elsewhere every device gopsutil
    /// lists (Windows drive letters `C:`, macOS `disk0`).
    pub physical: Vec<DiskPhysical>,
    /// Capacity views.
    pub logical: Vec<DiskLogical>,
    /// Mount points.
    pub filesystems: Vec<DiskFilesystem>,
    /// The IO view Dash charts: entries for logical kinds with an IO source (md →
    /// `raid`, ZFS/Ceph → `logical`), else one `physical` entry per physical disk.
    pub base_io: Vec<DiskBaseIo>,
    /// SMART state. Sent by 0.2.3 (`{"status":"no_cache","devices":[]}` without a cache),
    /// absent from older agents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smart: Option<DiskSmart>,
}

/// One block device (`DiskPhysical` with the embedded `DiskIO` fields inlined).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DiskPhysical {
    /// Kernel name (`vda`, `sda`, Windows `C:`, macOS `disk0`).
    pub name: String,
    /// `/dev/<name>`; omitted on Windows and when the name contains `/`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device_path: String,
    /// `disk:<name>`, the id SMART devices point to.
    #[serde(rename = "ref", default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// Bytes read since boot (cumulative).
    pub read_bytes: u64,
    /// Bytes written since boot (cumulative).
    pub write_bytes: u64,
    /// Read rate, bytes/s, rounded up; 0 on the first sample.
    pub read_rate_bytes_per_sec: f64,
    /// Write rate, bytes/s, rounded up; 0 on the first sample.
    pub write_rate_bytes_per_sec: f64,
    /// All operations, ops/s, rounded up (rounded separately, so it may differ from
    /// `read_iops + write_iops`).
    pub iops: f64,
    /// Reads, ops/s, rounded up.
    pub read_iops: f64,
    /// Writes, ops/s, rounded up.
    pub write_iops: f64,
    /// Busy fraction of the interval, ratio `0..=1` (clamped).
    pub util_ratio: f64,
    /// Average queue depth (weighted IO ms / elapsed ms), not clamped.
    pub queue_length: f64,
    /// Average wait per operation beyond service time, milliseconds, rounded up to 3 decimals.
    pub wait_ms: f64,
    /// Average service time per operation, milliseconds, rounded up to 3 decimals.
    pub service_ms: f64,
}

impl DiskPhysical {
    /// The device `name` with every counter and rate at zero (and no path or `ref`).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }
}

/// A capacity view (`DiskLogical`). No `total` at runtime: `used + free` only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DiskLogical {
    /// What it is.
    pub kind: LogicalKind,
    /// Device or pool name (`vda`, `md0`, `tank`).
    pub name: String,
    /// `/dev/...` path, when there is one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device_path: String,
    /// `<kind>:<name>` id (`disk:vda`, `raid:md0`, `zfs:tank`).
    #[serde(rename = "ref", default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// Used bytes.
    pub used: u64,
    /// Free bytes.
    pub free: u64,
    /// `used / (used + free)`, ratio `0..=1`.
    pub used_ratio: f64,
    /// Array or pool health, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<Health>,
}

impl DiskLogical {
    /// The `kind` entry `name`, empty (no path, `ref`, usage or health).
    ///
    /// ```
    /// use nodewire_dash::report::{DiskLogical, LogicalKind};
    /// let mut vda = DiskLogical::new(LogicalKind::Disk, "vda");
    /// vda.reference = "disk:vda".into();
    /// vda.used = 3;
    /// vda.free = 1;
    /// vda.used_ratio = 0.75;
    /// assert_eq!(serde_json::to_value(&vda).unwrap()["ref"], "disk:vda");
    /// ```
    pub fn new(kind: LogicalKind, name: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
            device_path: String::new(),
            reference: String::new(),
            used: 0,
            free: 0,
            used_ratio: 0.0,
            health: None,
        }
    }
}

/// A mount point (`DiskFilesystem`). No total or type at runtime (see
/// [`StaticDiskFilesystem`](crate::static_info::StaticDiskFilesystem)).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DiskFilesystem {
    /// The path the usage was read for.
    pub path: String,
    /// Source device (`/dev/vda`, Windows `C:`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device: String,
    /// Mount point.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mountpoint: String,
    /// Used bytes.
    pub used: u64,
    /// Free bytes.
    pub free: u64,
    /// Used fraction, ratio `0..=1`.
    pub used_ratio: f64,
    /// Used inodes (0 where the filesystem has none, such as NTFS).
    pub inodes_used: u64,
    /// Free inodes.
    pub inodes_free: u64,
    /// Used fraction of inodes, ratio `0..=1`.
    pub inodes_used_ratio: f64,
}

impl DiskFilesystem {
    /// The filesystem read at `path`, with every number at zero (and no device or mount
    /// point).
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            ..Self::default()
        }
    }

    /// Used share of the inodes, in percent `0..=100`: `inodes_used_ratio` (a ratio `0..=1`) × 100.
    pub fn inodes_used_percent(&self) -> f64 {
        self.inodes_used_ratio * 100.0
    }
}

/// One entry of the IO view (`DiskBaseIO`). Note the key order differs from
/// [`DiskPhysical`] (`read_iops, write_iops, iops`), and zero counters are omitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DiskBaseIo {
    /// Where the numbers come from.
    pub kind: BaseIoKind,
    /// Device or pool name.
    pub name: String,
    /// `/dev/...` path, when there is one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device_path: String,
    /// `<kind>:<name>` id.
    #[serde(rename = "ref", default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// Bytes read since boot; omitted when 0 (pools have no cumulative counters).
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub read_bytes: u64,
    /// Bytes written since boot; omitted when 0.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub write_bytes: u64,
    /// Read rate, bytes/s, rounded up.
    pub read_rate_bytes_per_sec: f64,
    /// Write rate, bytes/s, rounded up.
    pub write_rate_bytes_per_sec: f64,
    /// Reads, ops/s, rounded up.
    pub read_iops: f64,
    /// Writes, ops/s, rounded up.
    pub write_iops: f64,
    /// All operations, ops/s, rounded up.
    pub iops: f64,
    /// Busy fraction, ratio `0..=1`; omitted when 0.
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub util_ratio: f64,
    /// Average queue depth; omitted when 0.
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub queue_length: f64,
    /// Wait per operation, milliseconds; omitted when 0.
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub wait_ms: f64,
    /// Service time per operation, milliseconds; omitted when 0.
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub service_ms: f64,
}

impl DiskBaseIo {
    /// The `kind` entry `name`, with every number at zero (and no path or `ref`).
    pub fn new(kind: BaseIoKind, name: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
            device_path: String::new(),
            reference: String::new(),
            read_bytes: 0,
            write_bytes: 0,
            read_rate_bytes_per_sec: 0.0,
            write_rate_bytes_per_sec: 0.0,
            read_iops: 0.0,
            write_iops: 0.0,
            iops: 0.0,
            util_ratio: 0.0,
            queue_length: 0.0,
            wait_ms: 0.0,
            service_ms: 0.0,
        }
    }
}

/// The space accessors, with the unit in their names, of [`DiskLogical`] and
/// [`DiskFilesystem`], each with its own doc of `used_percent`.
macro_rules! space_accessors {
    ($($ty:ident: $used_percent:literal),+ $(,)?) => {$(
        impl $ty {
            /// Used space, in bytes (`used`).
            pub fn used_bytes(&self) -> u64 {
                self.used
            }

            /// Free space, in bytes (`free`).
            pub fn free_bytes(&self) -> u64 {
                self.free
            }

            #[doc = $used_percent]
            pub fn used_percent(&self) -> f64 {
                self.used_ratio * 100.0
            }
        }
    )+};
}

space_accessors!(
    DiskLogical: "Used share of `used + free`, in percent `0..=100`: `used_ratio` (a ratio `0..=1`) \
                  × 100.",
    DiskFilesystem: "Used share of the filesystem, in percent `0..=100`: `used_ratio` (a ratio \
                     `0..=1`) × 100.",
);

/// The rate accessors, with the unit in their names, of the two IO views ([`DiskPhysical`] and
/// [`DiskBaseIo`]), which carry the same rate fields.
macro_rules! io_rate_accessors {
    ($($ty:ident),+) => {$(
        impl $ty {
            /// Read rate, in bytes per second (`read_rate_bytes_per_sec`).
            pub fn read_bytes_per_second(&self) -> f64 {
                self.read_rate_bytes_per_sec
            }

            /// Write rate, in bytes per second (`write_rate_bytes_per_sec`).
            pub fn write_bytes_per_second(&self) -> f64 {
                self.write_rate_bytes_per_sec
            }

            /// All operations, per second (`iops`).
            pub fn ops_per_second(&self) -> f64 {
                self.iops
            }

            /// Reads, in operations per second (`read_iops`).
            pub fn read_ops_per_second(&self) -> f64 {
                self.read_iops
            }

            /// Writes, in operations per second (`write_iops`).
            pub fn write_ops_per_second(&self) -> f64 {
                self.write_iops
            }

            /// Busy share of the interval, in percent `0..=100`: `util_ratio` (a ratio `0..=1`)
            /// × 100.
            pub fn util_percent(&self) -> f64 {
                self.util_ratio * 100.0
            }
        }
    )+};
}

io_rate_accessors!(DiskPhysical, DiskBaseIo);

/// SMART state from the root-written cache (`DiskSMART`; `/run/ithiltir-node/smart.json`,
/// Windows `%ProgramData%\Ithiltir-node\smart.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DiskSmart {
    /// Collection state: `no_cache` without a cache, `stale` when its TTL expired (devices
    /// kept), `not_found` for `ok` with no devices.
    pub status: Status,
    /// When the cache was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// The cache's time to live, seconds; omitted when 0.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub ttl_seconds: i64,
    /// One entry per disk; `[]` when none.
    pub devices: Vec<DiskSmartDevice>,
}

impl DiskSmart {
    /// The section in collection state `status`, without a cache time, TTL or devices.
    pub fn new(status: Status) -> Self {
        Self {
            status,
            updated_at: None,
            ttl_seconds: 0,
            devices: Vec::new(),
        }
    }

    /// What the agent sends without a SMART cache: `{"status":"no_cache","devices":[]}`.
    pub fn no_cache() -> Self {
        Self::new(Status::NoCache)
    }
}

/// One disk's SMART data (`DiskSMARTDevice`). Values that could not be read are omitted, never
/// sent as 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DiskSmartDevice {
    /// The matching `physical[].ref` / `logical[].ref`, only when it can be matched safely.
    #[serde(rename = "ref", default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// Device name (`sda`, `nvme0`).
    pub name: String,
    /// `/dev/...` path.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device_path: String,
    /// `smartctl` device type (`sat`, `nvme`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device_type: String,
    /// Protocol (`ATA`, `NVMe`, `SCSI`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub protocol: String,
    /// Model name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub model: String,
    /// Serial number.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub serial: String,
    /// World wide name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub wwn: String,
    /// Who read it (`smartctl`).
    pub source: String,
    /// Collection state for this device (`ok`, `standby`, …).
    pub status: Status,
    /// `smartctl`'s exit status bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_status: Option<i64>,
    /// The health verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<SmartHealth>,
    /// Temperature, °C.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temp_c: Option<f64>,
    /// Power-on time, hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_on_hours: Option<u64>,
    /// NVMe endurance used, **percent `0..=100`** (not a ratio; may exceed 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_used_percent: Option<f64>,
    /// The raw NVMe critical warning bitset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical_warning: Option<u64>,
    /// Media errors. Accepted by newer Dash versions; no released agent sends it yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_errors: Option<u64>,
    /// ATA attributes currently failing; omitted when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failing_attrs: Vec<DiskSmartAttr>,
}

impl DiskSmartDevice {
    /// The device `name` read by `source` (`smartctl`) in state `status`, with nothing else
    /// known: every optional value omitted.
    ///
    /// ```
    /// use nodewire_dash::report::{DiskSmartDevice, SmartHealth, Status};
    /// let mut sda = DiskSmartDevice::new("sda", "smartctl", Status::Ok);
    /// sda.health = Some(SmartHealth::Passed);
    /// sda.temp_c = Some(34.0);
    /// assert_eq!(
    ///     serde_json::to_string(&sda).unwrap(),
    ///     r#"{"name":"sda","source":"smartctl","status":"ok","health":"passed","temp_c":34.0}"#
    /// );
    /// ```
    pub fn new(name: impl Into<String>, source: impl Into<String>, status: Status) -> Self {
        Self {
            reference: String::new(),
            name: name.into(),
            device_path: String::new(),
            device_type: String::new(),
            protocol: String::new(),
            model: String::new(),
            serial: String::new(),
            wwn: String::new(),
            source: source.into(),
            status,
            exit_status: None,
            health: None,
            temp_c: None,
            power_on_hours: None,
            lifetime_used_percent: None,
            critical_warning: None,
            media_errors: None,
            failing_attrs: Vec::new(),
        }
    }
}

/// A failing ATA SMART attribute (`DiskSMARTAttr`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DiskSmartAttr {
    /// Attribute id (`5`); omitted when 0.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub id: i64,
    /// Attribute name (`Reallocated_Sector_Ct`).
    pub name: String,
    /// `smartctl`'s `WHEN_FAILED` (`FAILING_NOW`, `In_the_past`).
    pub when_failed: String,
}

impl DiskSmartAttr {
    /// Attribute `id` (0: omitted) named `name`, failing `when_failed`.
    pub fn new(id: i64, name: impl Into<String>, when_failed: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            when_failed: when_failed.into(),
        }
    }
}
