//! The agent's sampling state: successive [`HostSample`]s into reports, a [`StaticHost`]
//! into the static body.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::collect::{
    DiskCounters, HostSample, Mount, NetCounters, SensorReading, StaticHost, base_io_from_physical,
    disk_physical, net_io, percent_to_ratio, ratio_from_used_free,
};
use crate::report::{
    Cpu, Disk, DiskFilesystem, DiskLogical, DiskPhysical, DiskSmart, LogicalKind, Memory, Raid,
    SensorKind, Snapshot, Status, System, Thermal, ThermalSensor,
};
use crate::static_info::{
    StaticCpu, StaticCpuInfo, StaticDisk, StaticDiskFilesystem, StaticDiskLogical,
    StaticDiskPhysical, StaticMemory, StaticRaid, StaticSystem,
};
use crate::{NodeReport, Static, Timestamp, agent};

/// Turns readings of one machine into the agent's bodies. It keeps the previous sample's
/// counters (rates are deltas over the time between samples, rounded up; the first sample
/// reports every rate as 0) and the last report (the static body's disk inventory comes
/// from it).
#[derive(Debug, Clone)]
pub struct Sampler {
    version: String,
    interval: Duration,
    previous: Option<Previous>,
    last: Option<NodeReport>,
}

#[derive(Debug, Clone)]
struct Previous {
    at: Instant,
    disks: BTreeMap<String, DiskCounters>,
    interfaces: BTreeMap<String, NetCounters>,
}

impl Sampler {
    /// A sampler reporting agent `version` (strict SemVer), pushing every `interval`.
    pub fn new(version: impl Into<String>, interval: Duration) -> Self {
        Self {
            version: version.into(),
            interval,
            previous: None,
            last: None,
        }
    }

    /// The agent version reported.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The report interval.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The last report built, if any.
    pub fn last_report(&self) -> Option<&NodeReport> {
        self.last.as_ref()
    }

    /// The report for `sample`, taken at `at`: rates against the previous sample (0 for the
    /// first one, and for a disk or interface the previous sample did not have).
    pub fn report(&mut self, sample: &HostSample, at: Instant) -> NodeReport {
        let previous = self.previous.take();
        let elapsed = previous
            .as_ref()
            .map_or(0.0, |p| at.saturating_duration_since(p.at).as_secs_f64());
        let physical: Vec<DiskPhysical> = sample
            .disks
            .iter()
            .map(|(name, curr)| {
                let prev = previous.as_ref().and_then(|p| p.disks.get(name));
                disk_physical(name, prev, curr, elapsed, sample.windows)
            })
            .collect();
        let network = sample
            .interfaces
            .iter()
            .map(|(name, curr)| {
                let prev = previous.as_ref().and_then(|p| p.interfaces.get(name));
                net_io(name, prev, curr, elapsed)
            })
            .collect();
        self.previous = Some(Previous {
            at,
            disks: sample.disks.clone(),
            interfaces: sample.interfaces.clone(),
        });
        let report = NodeReport {
            version: self.version.clone(),
            hostname: hostname_or_unknown(&sample.hostname),
            timestamp: sample.timestamp.clone(),
            metrics: Snapshot {
                cpu: cpu(sample),
                memory: memory(sample),
                disk: disk(physical, &sample.mounts),
                network,
                system: System::new(sample.uptime_seconds),
                processes: crate::report::Processes {
                    process_count: sample.process_count,
                },
                connections: sample.connections,
                pressure: Some(sample.pressure.clone()),
                raid: Raid {
                    supported: sample.raid_supported,
                    available: false,
                    arrays: Vec::new(),
                },
                thermal: sample.thermal.clone(),
            },
        };
        self.last = Some(report.clone());
        report
    }

    /// The static body for `host`; its physical and logical disks are those of the last
    /// report (none before the first), each logical disk with the type and lowest
    /// mountpoint of a filesystem on it.
    pub fn static_info(&self, host: &StaticHost) -> Static {
        let last_disk = self.last.as_ref().map(|r| &r.metrics.disk);
        let physical = last_disk
            .map(|d| {
                d.physical
                    .iter()
                    .map(|p| StaticDiskPhysical {
                        name: p.name.clone(),
                        device_path: p.device_path.clone(),
                        reference: p.reference.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let logical = last_disk
            .map(|d| {
                d.logical
                    .iter()
                    .map(|l| static_logical(l, &host.mounts))
                    .collect()
            })
            .unwrap_or_default();
        let filesystems = host
            .mounts
            .iter()
            .map(|m| StaticDiskFilesystem {
                path: m.mountpoint.clone(),
                device: m.device.clone(),
                mountpoint: m.mountpoint.clone(),
                total: m.total,
                fs_type: m.fs_type.clone(),
                inodes_total: 0,
            })
            .collect();
        Static {
            version: self.version.clone(),
            timestamp: host.timestamp.clone(),
            report_interval_seconds: agent::report_interval_seconds(self.interval),
            cpu: StaticCpu {
                info: StaticCpuInfo {
                    model_name: host.cpu_model.trim().to_owned(),
                    vendor_id: host.cpu_vendor.trim().to_owned(),
                    sockets: i64::from(host.cores_logical > 0 || host.cores_physical > 0),
                    cores_physical: host.cores_physical,
                    cores_logical: host.cores_logical,
                    frequency_mhz: host.frequency_mhz,
                },
            },
            memory: StaticMemory {
                total: host.memory_total,
                swap_total: host.swap_total,
            },
            disk: StaticDisk {
                physical,
                logical,
                filesystems,
                base_io: Vec::new(),
            },
            system: StaticSystem {
                hostname: hostname_or_unknown(&host.hostname),
                os: host.os.clone(),
                platform: host.platform.clone(),
                platform_version: host.platform_version.clone(),
                kernel_version: host.kernel_version.clone(),
                arch: host.arch.clone(),
            },
            raid: StaticRaid {
                supported: host.raid_supported,
                available: false,
                arrays: Vec::new(),
            },
        }
    }
}

/// The host name as the agent reports it: trimmed, `unknown` when blank.
pub fn hostname_or_unknown(raw: &str) -> String {
    match raw.trim() {
        "" => "unknown".to_owned(),
        name => name.to_owned(),
    }
}

fn cpu(sample: &HostSample) -> Cpu {
    let [load1, load5, load15] = sample.load.unwrap_or([Cpu::LOAD_UNAVAILABLE; 3]);
    Cpu {
        usage_ratio: percent_to_ratio(sample.cpu_usage_percent),
        load1,
        load5,
        load15,
        times: sample.cpu_times,
    }
}

fn memory(sample: &HostSample) -> Memory {
    let m = &sample.memory;
    let used = m.total.saturating_sub(m.available);
    Memory {
        used,
        available: m.available,
        buffers: m.buffers,
        cached: m.cached,
        used_ratio: ratio_from_used_free(used, m.available),
        swap_used: m.swap_used,
        swap_free: m.swap_free,
        swap_used_ratio: if m.swap_total == 0 {
            0.0
        } else {
            m.swap_used as f64 / m.swap_total as f64
        },
    }
}

/// The disk section: `physical` with its IO view, one filesystem per mountpoint (sorted),
/// and a logical disk per device holding the largest filesystem on it (`md*` devices are
/// RAID).
fn disk(physical: Vec<DiskPhysical>, mounts: &[Mount]) -> Disk {
    let mut filesystems: Vec<DiskFilesystem> = Vec::new();
    let mut logical: BTreeMap<String, DiskLogical> = BTreeMap::new();
    for m in mounts {
        if filesystems.iter().any(|f| f.mountpoint == m.mountpoint) {
            continue;
        }
        let free = m.available;
        let used = m.total.saturating_sub(free);
        filesystems.push(DiskFilesystem {
            path: m.mountpoint.clone(),
            device: m.device.clone(),
            mountpoint: m.mountpoint.clone(),
            used,
            free,
            used_ratio: ratio_from_used_free(used, free),
            ..DiskFilesystem::default()
        });
        let name = m.device_name();
        if name.is_empty() {
            continue;
        }
        let entry = logical
            .entry(name.to_owned())
            .or_insert_with(|| DiskLogical {
                kind: if name.starts_with("md") {
                    LogicalKind::Raid
                } else {
                    LogicalKind::Disk
                },
                name: name.to_owned(),
                device_path: if m.device.starts_with("/dev/") {
                    m.device.clone()
                } else {
                    String::new()
                },
                reference: format!("disk:{name}"),
                used: 0,
                free: 0,
                used_ratio: 0.0,
                health: None,
            });
        if used + free > entry.used + entry.free {
            entry.used = used;
            entry.free = free;
            entry.used_ratio = ratio_from_used_free(used, free);
        }
    }
    filesystems.sort_by(|a, b| a.mountpoint.cmp(&b.mountpoint));
    Disk {
        base_io: physical.iter().map(base_io_from_physical).collect(),
        physical,
        logical: logical.into_values().collect(),
        filesystems,
        smart: Some(DiskSmart::no_cache()),
    }
}

fn static_logical(l: &DiskLogical, mounts: &[Mount]) -> StaticDiskLogical {
    let fs = mounts
        .iter()
        .filter(|m| m.device.ends_with(l.name.as_str()))
        .min_by(|a, b| a.mountpoint.cmp(&b.mountpoint));
    StaticDiskLogical {
        kind: l.kind.clone(),
        name: l.name.clone(),
        device_path: l.device_path.clone(),
        reference: l.reference.clone(),
        total: l.used + l.free,
        mountpoint: fs.map(|m| m.mountpoint.clone()).unwrap_or_default(),
        fs_type: fs.map(|m| m.fs_type.clone()).unwrap_or_default(),
        devices: Vec::new(),
    }
}

/// The thermal section from the sensors read at `updated_at` by `source`: sensors with a
/// label and a temperature, thresholds of 0 left out; `ok` with at least one sensor, else
/// `not_found`.
///
/// ```
/// use nodewire_dash::Timestamp;
/// use nodewire_dash::collect::{SensorReading, thermal_from_sensors};
/// use nodewire_dash::report::{SensorKind, Status};
///
/// let t = thermal_from_sensors(
///     &[SensorReading::new("coretemp Package id 0", Some(48.0)), SensorReading::new("", Some(1.0))],
///     "sysinfo",
///     Timestamp::now(),
/// );
/// assert_eq!(t.status, Status::Ok);
/// assert_eq!(t.sensors.len(), 1);
/// assert_eq!(t.sensors[0].kind, SensorKind::Cpu);
/// ```
pub fn thermal_from_sensors(
    readings: &[SensorReading],
    source: &str,
    updated_at: Timestamp,
) -> Thermal {
    let sensors: Vec<ThermalSensor> = readings
        .iter()
        .filter_map(|r| {
            let key = r.label.trim();
            let temp = r.temp_c?;
            (!key.is_empty()).then(|| ThermalSensor {
                kind: SensorKind::classify(key),
                name: key.to_owned(),
                sensor_key: key.to_owned(),
                source: source.to_owned(),
                status: Status::Ok,
                temp_c: Some(temp),
                high_c: r.high_c.filter(|v| *v != 0.0),
                critical_c: r.critical_c.filter(|v| *v != 0.0),
            })
        })
        .collect();
    Thermal {
        status: if sensors.is_empty() {
            Status::NotFound
        } else {
            Status::Ok
        },
        updated_at: Some(updated_at),
        sensors,
    }
}

#[cfg(test)]
mod tests;
