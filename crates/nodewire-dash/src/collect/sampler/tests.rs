use super::*;
use crate::collect::MemorySample;
use crate::report::{Connections, CpuTimes, Pressure};
use crate::validate::{Checks, check_report, check_static};

fn mount(device: &str, mountpoint: &str, fs_type: &str, total: u64, available: u64) -> Mount {
    Mount {
        device: device.to_owned(),
        mountpoint: mountpoint.to_owned(),
        fs_type: fs_type.to_owned(),
        total,
        available,
    }
}

fn net(bytes_recv: u64, bytes_sent: u64, packets_recv: u64) -> NetCounters {
    NetCounters {
        bytes_recv,
        bytes_sent,
        packets_recv,
        ..NetCounters::default()
    }
}

fn disk_counters(read_count: u64, read_bytes: u64, io_time_ms: u64) -> DiskCounters {
    DiskCounters {
        read_count,
        read_bytes,
        io_time_ms,
        ..DiskCounters::default()
    }
}

/// A Linux-like reading with one disk, one interface and a root filesystem.
fn linux_sample() -> HostSample {
    let mut s = HostSample::new("  web-1 \n", Timestamp::from_unix(1_700_000_000, 0));
    s.cpu_usage_percent = 25.0;
    s.cpu_times = CpuTimes {
        user: 10.0,
        system: 5.0,
        idle: 100.0,
        iowait: 1.0,
        steal: 0.0,
    };
    s.load = Some([0.5, 0.25, 0.125]);
    s.memory = MemorySample {
        total: 1000,
        available: 750,
        buffers: 10,
        cached: 100,
        swap_total: 0,
        swap_used: 0,
        swap_free: 0,
    };
    s.disks
        .insert("vda".to_owned(), disk_counters(100, 4096, 10));
    s.mounts.push(mount("/dev/vda1", "/", "ext4", 2000, 500));
    s.interfaces.insert("eth0".to_owned(), net(1_000, 500, 10));
    s.uptime_seconds = 3 * 86_400 + 2 * 3_600 + 60;
    s.process_count = 123;
    s.connections = Connections {
        tcp_count: 4,
        udp_count: 2,
    };
    s.raid_supported = true;
    s.thermal = Some(Thermal::initial(false));
    s
}

#[test]
fn the_first_sample_has_no_rates_and_the_next_one_has_deltas_over_the_elapsed_time() {
    let mut sampler = Sampler::new("0.2.3", Duration::from_secs(3));
    let t0 = Instant::now();
    let mut sample = linux_sample();
    let first = sampler.report(&sample, t0);
    let eth0 = first.metrics.network.first().cloned().unwrap_or_default();
    assert_eq!(eth0.name, "eth0");
    assert_eq!(eth0.bytes_recv, 1_000);
    assert_eq!(eth0.recv_rate_bytes_per_sec, 0.0);
    let vda = first
        .metrics
        .disk
        .physical
        .first()
        .cloned()
        .unwrap_or_default();
    assert_eq!((vda.read_bytes, vda.read_iops), (4096, 0.0));

    sample
        .interfaces
        .insert("eth0".to_owned(), net(5_001, 900, 30));
    sample
        .interfaces
        .insert("eth1".to_owned(), net(9_999, 9_999, 9));
    sample
        .disks
        .insert("vda".to_owned(), disk_counters(160, 4096 + 6_000, 1_010));
    let second = sampler.report(&sample, t0 + Duration::from_secs(2));
    let names: Vec<&str> = second
        .metrics
        .network
        .iter()
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(names, ["eth0", "eth1"], "sorted by name");
    let eth0 = second.metrics.network.first().cloned().unwrap_or_default();
    assert_eq!(
        eth0.recv_rate_bytes_per_sec, 2_001.0,
        "4001 B over 2 s, rounded up"
    );
    assert_eq!(eth0.sent_rate_bytes_per_sec, 200.0);
    assert_eq!(eth0.recv_rate_packets_per_sec, 10.0);
    let eth1 = second.metrics.network.get(1).cloned().unwrap_or_default();
    assert_eq!(
        eth1.recv_rate_bytes_per_sec, 0.0,
        "new interface: no rate yet"
    );
    let vda = second
        .metrics
        .disk
        .physical
        .first()
        .cloned()
        .unwrap_or_default();
    assert_eq!(vda.read_rate_bytes_per_sec, 3_000.0);
    assert_eq!(vda.read_iops, 30.0);
    assert_eq!(vda.util_ratio, 0.5);
    assert_eq!(vda.device_path, "/dev/vda");
    let base = second.metrics.disk.base_io.first().cloned();
    assert_eq!(base.map(|b| b.read_iops), Some(30.0));

    // A sample taken no later than the previous one has no rates (no division by zero).
    let same_time = sampler.report(&sample, t0 + Duration::from_secs(2));
    let eth0 = same_time
        .metrics
        .network
        .first()
        .cloned()
        .unwrap_or_default();
    assert_eq!(eth0.recv_rate_bytes_per_sec, 0.0);
    assert_eq!(sampler.last_report(), Some(&same_time));
}

#[test]
fn cpu_memory_and_the_other_groups() {
    let mut sampler = Sampler::new("0.2.3", Duration::from_secs(3));
    let mut sample = linux_sample();
    let r = sampler.report(&sample, Instant::now());
    assert_eq!(r.hostname, "web-1");
    assert_eq!(r.version, "0.2.3");
    assert_eq!(r.timestamp, Timestamp::from_unix(1_700_000_000, 0));
    let m = &r.metrics;
    assert_eq!(m.cpu.usage_ratio, 0.25);
    assert_eq!((m.cpu.load1, m.cpu.load5, m.cpu.load15), (0.5, 0.25, 0.125));
    assert_eq!(m.cpu.times.user, 10.0);
    assert_eq!((m.memory.used, m.memory.available), (250, 750));
    assert_eq!(m.memory.used_ratio, 0.25);
    assert_eq!((m.memory.buffers, m.memory.cached), (10, 100));
    assert_eq!(m.memory.swap_used_ratio, 0.0, "no swap: ratio 0");
    assert_eq!(m.system.uptime, "3d 2h 1m");
    assert_eq!(m.processes.process_count, 123);
    assert_eq!((m.connections.tcp_count, m.connections.udp_count), (4, 2));
    assert!(m.raid.supported && !m.raid.available && m.raid.arrays.is_empty());
    assert_eq!(m.pressure, Some(Pressure::unsupported()));
    assert_eq!(m.thermal, Some(Thermal::initial(false)));
    assert!(check_report(&r, Checks::default()).is_ok(), "{r:?}");

    // Windows: no load average, no /dev paths; swap in use.
    sample.load = None;
    sample.windows = true;
    sample.hostname = " ".to_owned();
    sample.memory.swap_total = 400;
    sample.memory.swap_used = 100;
    let r = sampler.report(&sample, Instant::now());
    assert_eq!(r.hostname, "unknown");
    assert!(!r.metrics.cpu.has_load());
    assert_eq!(r.metrics.cpu.load15, Cpu::LOAD_UNAVAILABLE);
    assert_eq!(r.metrics.memory.swap_used_ratio, 0.25);
    let vda = r.metrics.disk.physical.first().cloned().unwrap_or_default();
    assert_eq!(vda.device_path, "");
}

#[test]
fn filesystems_once_per_mountpoint_and_the_largest_per_logical_disk() {
    let mut sampler = Sampler::new("0.2.3", Duration::from_secs(3));
    let mut sample = linux_sample();
    sample.mounts = vec![
        mount("/dev/vda1", "/srv", "ext4", 100, 50),
        mount("/dev/vda1", "/", "ext4", 2000, 500),
        mount("/dev/vda1", "/", "ext4", 9999, 1),
        mount("/dev/md0", "/data", "xfs", 400, 100),
        mount("C:", "C:\\", "NTFS", 10, 5),
        mount("", "/proc", "proc", 0, 0),
    ];
    let disk = sampler.report(&sample, Instant::now()).metrics.disk;
    let mountpoints: Vec<&str> = disk
        .filesystems
        .iter()
        .map(|f| f.mountpoint.as_str())
        .collect();
    assert_eq!(mountpoints, ["/", "/data", "/proc", "/srv", "C:\\"]);
    let root = disk.filesystems.first().cloned().unwrap_or_default();
    assert_eq!((root.used, root.free, root.used_ratio), (1500, 500, 0.75));
    let logical: Vec<(&str, &LogicalKind, &str, u64)> = disk
        .logical
        .iter()
        .map(|l| {
            (
                l.name.as_str(),
                &l.kind,
                l.device_path.as_str(),
                l.used + l.free,
            )
        })
        .collect();
    assert_eq!(
        logical,
        [
            ("C:", &LogicalKind::Disk, "", 10),
            ("md0", &LogicalKind::Raid, "/dev/md0", 400),
            ("vda1", &LogicalKind::Disk, "/dev/vda1", 2000),
        ]
    );
    assert_eq!(disk.smart, Some(DiskSmart::no_cache()));
}

#[test]
fn the_static_body_takes_its_disks_from_the_last_report() {
    let mut sampler = Sampler::new("0.2.3", Duration::from_secs(3));
    let mut host = StaticHost::new("web-1", Timestamp::from_unix(1_700_000_000, 0));
    host.cpu_model = " Intel Xeon ".to_owned();
    host.cpu_vendor = "GenuineIntel".to_owned();
    host.cores_logical = 4;
    host.frequency_mhz = 2400.0;
    host.memory_total = 1000;
    host.os = "linux".to_owned();
    host.platform = "debian".to_owned();
    host.platform_version = "12.11".to_owned();
    host.kernel_version = "6.1.0".to_owned();
    host.arch = "amd64".to_owned();
    host.raid_supported = true;
    host.mounts = vec![
        mount("/dev/vda1", "/srv", "xfs", 100, 50),
        mount("/dev/vda1", "/", "ext4", 2000, 500),
    ];

    let before = sampler.static_info(&host);
    assert!(before.disk.physical.is_empty() && before.disk.logical.is_empty());
    assert_eq!(before.disk.filesystems.len(), 2, "every mount, as listed");
    assert_eq!(before.report_interval_seconds, 3);
    assert_eq!(before.cpu.info.model_name, "Intel Xeon");
    assert_eq!(before.cpu.info.sockets, 1);

    sampler.report(&linux_sample(), Instant::now());
    let s = sampler.static_info(&host);
    let physical: Vec<&str> = s.disk.physical.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(physical, ["vda"]);
    let logical = s.disk.logical.first().cloned();
    assert_eq!(
        logical.map(|l| (l.name, l.total, l.mountpoint, l.fs_type)),
        Some(("vda1".to_owned(), 2000, "/".to_owned(), "ext4".to_owned())),
        "the lowest mountpoint's type"
    );
    assert_eq!(s.system.platform, "debian");
    assert!(check_static(&s, Checks::default()).is_ok(), "{s:?}");

    let mut unknown = StaticHost::new("", Timestamp::from_unix(1_700_000_000, 0));
    unknown.cores_logical = 0;
    let s = sampler.static_info(&unknown);
    assert_eq!(s.system.hostname, "unknown");
    assert_eq!(s.cpu.info.sockets, 0, "no cores known: no socket");
}

#[test]
fn thermal_sections() {
    let at = Timestamp::from_unix(1_700_000_000, 0);
    let mut hot = SensorReading::new(" k10temp Tctl ", Some(61.5));
    hot.high_c = Some(0.0);
    hot.critical_c = Some(95.0);
    let t = thermal_from_sensors(
        &[
            hot,
            SensorReading::new("nvme Composite", None),
            SensorReading::new("  ", Some(30.0)),
        ],
        "sysinfo",
        at.clone(),
    );
    assert_eq!(t.status, Status::Ok);
    assert_eq!(t.updated_at.as_ref(), Some(&at));
    let only = t.sensors.first().cloned();
    assert_eq!(t.sensors.len(), 1);
    assert_eq!(
        only.map(|s| (s.name, s.kind, s.temp_c, s.high_c, s.critical_c, s.source)),
        Some((
            "k10temp Tctl".to_owned(),
            SensorKind::Cpu,
            Some(61.5),
            None,
            Some(95.0),
            "sysinfo".to_owned()
        ))
    );
    let none = thermal_from_sensors(&[], "sysinfo", at);
    assert_eq!(none.status, Status::NotFound);
    assert!(none.sensors.is_empty());
}
