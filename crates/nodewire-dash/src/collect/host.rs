//! This machine read with `sysinfo`, plus `/proc` and `/sys` on Linux for what `sysinfo`
//! does not give (CPU times, disk IO, buffers, sockets, pressure).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::collect::{
    HostSample, MemorySample, Mount, NetCounters, NicInfo, Sampler, SensorReading, StaticHost,
    go_arch, go_os, physical_disks, pressure_resource, proc_diskstats, proc_meminfo_bytes,
    proc_net_socket_count, proc_stat_cpu_times, select_interfaces, thermal_from_sensors,
};
use crate::report::{Connections, Pressure, Thermal};
use crate::{NodeReport, Static, Timestamp};

const LINUX: bool = cfg!(target_os = "linux");

/// The process count is refreshed on the first sample and every eighth after it.
const PROCESS_REFRESH_EVERY: u64 = 8;

/// Samples this machine for the agent's bodies: [`HostSample`]s and [`StaticHost`]s read with
/// `sysinfo` (and Linux's `/proc` and `/sys`), turned into bodies by a [`Sampler`].
///
/// ```no_run
/// use std::time::Duration;
/// use nodewire_dash::collect::Collector;
///
/// let mut collector = Collector::new("0.2.3", Duration::from_secs(3), Vec::new());
/// collector.report(); // the first report has no rates
/// std::thread::sleep(Duration::from_secs(3));
/// let report = collector.report();
/// let static_body = collector.static_info();
/// println!("{} on {}", report.hostname, static_body.system.platform);
/// ```
pub struct Collector {
    sys: sysinfo::System,
    networks: sysinfo::Networks,
    disks: sysinfo::Disks,
    components: sysinfo::Components,
    preferred_nics: Vec<String>,
    sampler: Sampler,
    samples: u64,
    processes: i64,
}

impl std::fmt::Debug for Collector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collector")
            .field("sampler", &self.sampler)
            .field("preferred_nics", &self.preferred_nics)
            .field("samples", &self.samples)
            .finish_non_exhaustive()
    }
}

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn exists(path: &str) -> bool {
    Path::new(path).exists()
}

impl Collector {
    /// A collector reporting agent `version`, pushing every `interval`, limited to the
    /// interfaces `preferred_nics` (`--net`) when not empty.
    pub fn new(
        version: impl Into<String>,
        interval: Duration,
        preferred_nics: Vec<String>,
    ) -> Self {
        let mut sys = sysinfo::System::new();
        sys.refresh_cpu_all();
        Self {
            sys,
            networks: sysinfo::Networks::new_with_refreshed_list(),
            disks: sysinfo::Disks::new_with_refreshed_list(),
            components: sysinfo::Components::new_with_refreshed_list(),
            preferred_nics,
            sampler: Sampler::new(version, interval),
            samples: 0,
            processes: 0,
        }
    }

    /// The sampler holding the previous sample and the last report.
    pub fn sampler(&self) -> &Sampler {
        &self.sampler
    }

    /// Samples the machine into a report (rates against the previous call's sample).
    pub fn report(&mut self) -> NodeReport {
        let sample = self.sample();
        self.sampler.report(&sample, Instant::now())
    }

    /// The static body (host identity and totals; the disk inventory of the last report).
    pub fn static_info(&mut self) -> Static {
        let host = self.static_host();
        self.sampler.static_info(&host)
    }

    /// Reads the machine's counters and gauges now.
    pub fn sample(&mut self) -> HostSample {
        self.samples += 1;
        let mut sample = HostSample::new(hostname(), Timestamp::now());
        self.sys.refresh_cpu_usage();
        self.sys.refresh_memory();
        sample.cpu_usage_percent = f64::from(self.sys.global_cpu_usage());
        sample.cpu_times = read("/proc/stat")
            .and_then(|t| proc_stat_cpu_times(&t))
            .unwrap_or_default();
        if !cfg!(windows) {
            let load = sysinfo::System::load_average();
            sample.load = Some([load.one, load.five, load.fifteen]);
        }
        sample.memory = self.memory();
        if self.samples == 1 || self.samples.is_multiple_of(PROCESS_REFRESH_EVERY) {
            self.sys.refresh_processes_specifics(
                sysinfo::ProcessesToUpdate::All,
                true,
                sysinfo::ProcessRefreshKind::nothing(),
            );
            self.processes = i64::try_from(self.sys.processes().len()).unwrap_or(i64::MAX);
        }
        sample.process_count = self.processes;
        sample.disks = physical_disks(
            read("/proc/diskstats")
                .map(|t| proc_diskstats(&t))
                .unwrap_or_default(),
            |name| exists(&format!("/sys/block/{name}")),
            |name| exists(&format!("/sys/block/{name}/device")),
        );
        sample.windows = cfg!(windows);
        self.disks.refresh(true);
        sample.mounts = self.mounts();
        sample.interfaces = self.interfaces();
        sample.uptime_seconds = sysinfo::System::uptime();
        sample.connections = connections();
        sample.pressure = pressure();
        sample.thermal = Some(self.thermal());
        sample.raid_supported = LINUX;
        sample
    }

    /// Reads the host facts of the static body now.
    pub fn static_host(&mut self) -> StaticHost {
        self.sys.refresh_cpu_all();
        self.sys.refresh_memory();
        let mut host = StaticHost::new(hostname(), Timestamp::now());
        let cpus = self.sys.cpus();
        if let Some(first) = cpus.first() {
            host.cpu_model = first.brand().to_owned();
            host.cpu_vendor = first.vendor_id().to_owned();
            host.frequency_mhz = first.frequency() as f64;
        }
        host.cores_logical = i64::try_from(cpus.len()).unwrap_or(0);
        host.cores_physical = sysinfo::System::physical_core_count()
            .and_then(|n| i64::try_from(n).ok())
            .unwrap_or(0);
        host.memory_total = self.sys.total_memory();
        host.swap_total = self.sys.total_swap();
        host.mounts = self.mounts();
        let os = go_os(std::env::consts::OS).to_owned();
        host.platform = if LINUX {
            sysinfo::System::distribution_id()
        } else {
            os.clone()
        };
        host.os = os;
        host.platform_version = sysinfo::System::os_version().unwrap_or_default();
        host.kernel_version = sysinfo::System::kernel_version().unwrap_or_default();
        host.arch = go_arch(std::env::consts::ARCH).to_owned();
        host.raid_supported = LINUX;
        host
    }

    fn memory(&self) -> MemorySample {
        let meminfo = read("/proc/meminfo").unwrap_or_default();
        let kb = |key: &str| proc_meminfo_bytes(&meminfo, key).unwrap_or(0);
        MemorySample {
            total: self.sys.total_memory(),
            available: self.sys.available_memory(),
            buffers: kb("Buffers"),
            cached: kb("Cached").saturating_add(kb("SReclaimable")),
            swap_total: self.sys.total_swap(),
            swap_used: self.sys.used_swap(),
            swap_free: self.sys.free_swap(),
        }
    }

    fn mounts(&self) -> Vec<Mount> {
        self.disks
            .list()
            .iter()
            .map(|d| Mount {
                device: d.name().to_string_lossy().into_owned(),
                mountpoint: d.mount_point().to_string_lossy().into_owned(),
                fs_type: d.file_system().to_string_lossy().into_owned(),
                total: d.total_space(),
                available: d.available_space(),
            })
            .collect()
    }

    fn interfaces(&mut self) -> BTreeMap<String, NetCounters> {
        self.networks.refresh(true);
        let list = self.networks.list();
        let nics: Vec<NicInfo> = list
            .iter()
            .map(|(name, data)| NicInfo {
                name: name.clone(),
                physical: LINUX && physical_like(name),
                has_address: !data.ip_networks().is_empty(),
            })
            .collect();
        select_interfaces(&nics, &self.preferred_nics)
            .into_iter()
            .filter_map(|name| {
                let d = list.get(&name)?;
                let counters = NetCounters {
                    bytes_recv: d.total_received(),
                    bytes_sent: d.total_transmitted(),
                    packets_recv: d.total_packets_received(),
                    packets_sent: d.total_packets_transmitted(),
                    err_in: d.total_errors_on_received(),
                    err_out: d.total_errors_on_transmitted(),
                    drop_in: 0,
                    drop_out: 0,
                };
                Some((name, counters))
            })
            .collect()
    }

    fn thermal(&mut self) -> Thermal {
        if cfg!(target_os = "macos") {
            return Thermal::initial(true);
        }
        self.components.refresh(true);
        let readings: Vec<SensorReading> = self
            .components
            .list()
            .iter()
            .map(|c| SensorReading {
                label: c.label().to_owned(),
                temp_c: c.temperature().map(f64::from),
                high_c: c.max().map(f64::from),
                critical_c: c.critical().map(f64::from),
            })
            .collect();
        thermal_from_sensors(&readings, "sysinfo", Timestamp::now())
    }
}

fn hostname() -> String {
    sysinfo::System::host_name().unwrap_or_default()
}

/// A physical NIC or a bond, not a bridge (`/sys/class/net/<name>`).
fn physical_like(name: &str) -> bool {
    let has = |entry: &str| exists(&format!("/sys/class/net/{name}/{entry}"));
    (has("device") || has("bonding")) && !has("bridge")
}

fn connections() -> Connections {
    let count = |files: [&str; 2]| {
        files
            .iter()
            .filter_map(|f| read(f))
            .map(|t| proc_net_socket_count(&t))
            .sum()
    };
    Connections {
        tcp_count: count(["/proc/net/tcp", "/proc/net/tcp6"]),
        udp_count: count(["/proc/net/udp", "/proc/net/udp6"]),
    }
}

fn pressure() -> Pressure {
    if !LINUX {
        return Pressure::unsupported();
    }
    let resource =
        |name: &str| pressure_resource(std::fs::read_to_string(format!("/proc/pressure/{name}")));
    Pressure {
        cpu: resource("cpu"),
        memory: resource("memory"),
        io: resource("io"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Checks, check_report, check_static};

    #[test]
    fn reports_this_machine() {
        let mut c = Collector::new("0.1.0", Duration::from_secs(3), Vec::new());
        c.report();
        let r = c.report();
        assert!(check_report(&r, Checks::default()).is_ok(), "{r:?}");
        assert_eq!(c.sampler().last_report(), Some(&r));
        let s = c.static_info();
        assert!(check_static(&s, Checks::default()).is_ok(), "{s:?}");
        assert!(s.memory.total > 0);
        assert_eq!(s.system.arch, go_arch(std::env::consts::ARCH));
        assert_eq!(
            s.disk.physical.len(),
            r.metrics.disk.physical.len(),
            "the static inventory is the last report's"
        );
    }
}
