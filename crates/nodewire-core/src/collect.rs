//! This machine's metrics for `ReportNodeStats` (feature `collect`, with `sysinfo`): the host
//! metrics, the xray process state and the telemt (MTProto) status the contract's stats loop
//! sends.
//!
//! The first snapshot reports every rate as 0; later ones average since the previous one.
//!
//! ```
//! use nodewire_core::collect::Collector;
//!
//! let mut collector = Collector::new();
//! let stats = collector.sample();
//! assert!(stats.validate().is_ok());
//! assert_eq!(stats.net_rx_per_sec, 0.0); // the first snapshot has no rates yet
//! ```

use std::collections::BTreeSet;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::stats::NodeStats;

/// Samples this machine with `sysinfo`.
pub struct Collector {
    system: sysinfo::System,
    disks: sysinfo::Disks,
    networks: sysinfo::Networks,
    previous: Option<Counters>,
}

impl std::fmt::Debug for Collector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collector").finish_non_exhaustive()
    }
}

impl Default for Collector {
    fn default() -> Self {
        Self::new()
    }
}

/// Network totals at one instant.
#[derive(Debug, Clone, Copy)]
struct Counters {
    at: Instant,
    rx: u64,
    tx: u64,
}

impl Collector {
    /// Starts sampling (the first CPU and network rates are measured from here).
    pub fn new() -> Self {
        use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind};
        let system = sysinfo::System::new_with_specifics(
            RefreshKind::nothing()
                .with_cpu(CpuRefreshKind::nothing().with_cpu_usage())
                .with_memory(MemoryRefreshKind::nothing().with_ram()),
        );
        Self {
            system,
            disks: sysinfo::Disks::new_with_refreshed_list(),
            networks: sysinfo::Networks::new_with_refreshed_list(),
            previous: None,
        }
    }

    /// A snapshot: host uptime, CPU use since the previous sample, memory, local disks
    /// (each device once), non-loopback network totals and rates, and the xray and telemt
    /// processes (telemt as `mtprotoJson` `{"running": true, "uptimeSeconds": …}`).
    pub fn sample(&mut self) -> NodeStats {
        self.system.refresh_cpu_usage();
        self.system.refresh_memory();
        self.system.refresh_processes_specifics(
            sysinfo::ProcessesToUpdate::All,
            true,
            sysinfo::ProcessRefreshKind::nothing(),
        );
        self.disks.refresh(true);
        self.networks.refresh(true);

        let (disk_total, disk_free) = disk_space(
            self.disks
                .list()
                .iter()
                .map(|d| (d.name(), d.total_space(), d.available_space())),
        );
        let (rx, tx) = network_totals(self.networks.iter().map(|(name, data)| {
            (
                name.as_str(),
                data.total_received(),
                data.total_transmitted(),
            )
        }));
        let now = Counters {
            at: Instant::now(),
            rx,
            tx,
        };
        let (rx_rate, tx_rate) = rates(self.previous, now);
        self.previous = Some(now);

        let uptime_of = |name: &str| {
            self.system
                .processes_by_exact_name(name.as_ref())
                .map(sysinfo::Process::run_time)
                .max()
        };
        let xray = uptime_of("xray");
        let telemt = uptime_of("telemt");
        NodeStats {
            uptime_seconds: sysinfo::System::uptime(),
            cpu_percent: cpu_percent(self.system.global_cpu_usage()),
            cpu_cores: u32::try_from(self.system.cpus().len()).unwrap_or(u32::MAX),
            ram_used: self.system.used_memory(),
            ram_total: self.system.total_memory(),
            disk_used: disk_total.saturating_sub(disk_free),
            disk_total,
            net_rx_per_sec: rx_rate,
            net_tx_per_sec: tx_rate,
            net_rx_total: rx,
            net_tx_total: tx,
            xray_running: xray.is_some(),
            xray_uptime_seconds: xray,
            mtproto: telemt.map(mtproto_status),
        }
    }
}

/// CPU use as `cpuPercent` wants it: within `0..=100`, 0 when the OS gave no number.
fn cpu_percent(raw: f32) -> f64 {
    let cpu = f64::from(raw);
    if cpu.is_finite() {
        cpu.clamp(0.0, 100.0)
    } else {
        0.0
    }
}

/// Total and free space over `(device, total, free)`, each device counted once (a device
/// mounted twice shows up twice).
fn disk_space<'a>(disks: impl Iterator<Item = (&'a std::ffi::OsStr, u64, u64)>) -> (u64, u64) {
    let mut devices = BTreeSet::new();
    let (mut total, mut free) = (0u64, 0u64);
    for (device, size, available) in disks {
        if devices.insert(device) {
            total = total.saturating_add(size);
            free = free.saturating_add(available);
        }
    }
    (total, free)
}

/// Received and sent totals over `(interface, rx, tx)`, loopback left out.
fn network_totals<'a>(interfaces: impl Iterator<Item = (&'a str, u64, u64)>) -> (u64, u64) {
    interfaces
        .filter(|(name, _, _)| *name != "lo" && !name.starts_with("lo0"))
        .fold((0u64, 0u64), |(rx, tx), (_, r, t)| {
            (rx.saturating_add(r), tx.saturating_add(t))
        })
}

/// Bytes per second between two samples; 0 without a previous sample, when no time passed,
/// or for a counter that went backwards (an interface that went away).
fn rates(previous: Option<Counters>, now: Counters) -> (f64, f64) {
    let Some(then) = previous else {
        return (0.0, 0.0);
    };
    let secs = now.at.duration_since(then.at).as_secs_f64();
    if secs <= 0.0 {
        return (0.0, 0.0);
    }
    (
        now.rx.saturating_sub(then.rx) as f64 / secs,
        now.tx.saturating_sub(then.tx) as f64 / secs,
    )
}

/// telemt's status as `mtprotoJson`.
fn mtproto_status(uptime_seconds: u64) -> Map<String, Value> {
    let mut status = Map::new();
    status.insert("running".into(), true.into());
    status.insert("uptimeSeconds".into(), uptime_seconds.into());
    status
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::time::Duration;

    use super::*;

    #[test]
    fn cpu_percent_is_clamped_and_never_nan() {
        assert_eq!(cpu_percent(12.5), 12.5);
        assert_eq!(cpu_percent(-3.0), 0.0);
        assert_eq!(cpu_percent(250.0), 100.0);
        assert_eq!(cpu_percent(f32::NAN), 0.0);
        assert_eq!(cpu_percent(f32::INFINITY), 0.0);
    }

    #[test]
    fn a_device_mounted_twice_counts_once() {
        let disks = [
            (OsStr::new("/dev/sda1"), 100, 40),
            (OsStr::new("/dev/sda1"), 100, 40),
            (OsStr::new("/dev/sdb1"), 50, 10),
        ];
        assert_eq!(disk_space(disks.into_iter()), (150, 50));
        assert_eq!(disk_space(std::iter::empty()), (0, 0));
    }

    #[test]
    fn loopback_traffic_is_left_out() {
        let interfaces = [
            ("lo", 1_000, 1_000),
            ("lo0", 7, 7),
            ("eth0", 10, 20),
            ("wlan0", 5, u64::MAX),
        ];
        assert_eq!(network_totals(interfaces.into_iter()), (15, u64::MAX));
    }

    #[test]
    fn rates_average_since_the_previous_sample() {
        let start = Instant::now();
        let then = Counters {
            at: start,
            rx: 1_000,
            tx: 500,
        };
        let now = Counters {
            at: start + Duration::from_secs(2),
            rx: 3_000,
            tx: 400,
        };
        assert_eq!(rates(None, now), (0.0, 0.0));
        // tx went backwards (an interface went away): 0, not a huge number.
        assert_eq!(rates(Some(then), now), (1_000.0, 0.0));
        assert_eq!(rates(Some(now), now), (0.0, 0.0));
    }

    #[test]
    fn a_telemt_process_is_reported_as_mtproto_status() {
        assert_eq!(
            Value::Object(mtproto_status(42)),
            serde_json::json!({"running": true, "uptimeSeconds": 42})
        );
    }

    #[test]
    fn this_machine_gives_valid_stats() {
        let mut collector = Collector::new();
        let first = collector.sample();
        assert_eq!((first.net_rx_per_sec, first.net_tx_per_sec), (0.0, 0.0));
        std::thread::sleep(Duration::from_millis(20));
        let second = collector.sample();
        for stats in [&first, &second] {
            assert!(stats.validate().is_ok(), "{stats:?}");
            assert!(stats.cpu_cores > 0, "{stats:?}");
            assert!(
                stats.ram_total > 0 && stats.ram_used <= stats.ram_total,
                "{stats:?}"
            );
            assert!(stats.disk_used <= stats.disk_total, "{stats:?}");
            assert_eq!(stats.xray_running, stats.xray_uptime_seconds.is_some());
        }
    }
}
