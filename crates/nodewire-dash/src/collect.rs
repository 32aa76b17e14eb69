//! The agent's arithmetic for turning OS counters into report fields
//! (Ithiltir-node `internal/collect/{io,utils}.go`): rates from counter deltas rounded up,
//! ratios from percentages, disk utilisation, queue length and latencies, plus readers for
//! the Linux files the agent samples (`/proc/stat`, `/proc/diskstats`).
//!
//! An agent samples counters every interval and keeps the previous sample; the first sample
//! reports every rate as 0.

use std::collections::BTreeMap;

use crate::report::{BaseIoKind, CpuTimes, DiskBaseIo, DiskPhysical, NetIo};

/// `percentToRatio`: a percentage as a ratio clamped to `0..=1`.
pub fn percent_to_ratio(percent: f64) -> f64 {
    if percent.is_nan() || percent <= 0.0 {
        0.0
    } else if percent >= 100.0 {
        1.0
    } else {
        percent / 100.0
    }
}

/// `ratioFromUsedFree`: `used / (used + free)`, 0 when both are 0.
pub fn ratio_from_used_free(used: u64, free: u64) -> f64 {
    let total = used as f64 + free as f64;
    if total <= 0.0 {
        0.0
    } else {
        used as f64 / total
    }
}

/// `ceilRate`: a per-second rate rounded up to an integer, 0 for anything not positive.
pub fn ceil_rate(value: f64) -> f64 {
    if value.is_nan() || value <= 0.0 {
        0.0
    } else {
        value.ceil()
    }
}

/// `ceilMs3`: milliseconds rounded up to three decimals, 0 for anything not positive.
pub fn ceil_ms3(value: f64) -> f64 {
    if value.is_nan() || value <= 0.0 {
        0.0
    } else {
        (value * 1000.0).ceil() / 1000.0
    }
}

fn diff(curr: u64, prev: u64) -> u64 {
    curr.saturating_sub(prev)
}

/// Cumulative counters of one block device (gopsutil `disk.IOCountersStat`; times in ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DiskCounters {
    /// Completed reads.
    pub read_count: u64,
    /// Completed writes.
    pub write_count: u64,
    /// Bytes read.
    pub read_bytes: u64,
    /// Bytes written.
    pub write_bytes: u64,
    /// Milliseconds spent reading.
    pub read_time_ms: u64,
    /// Milliseconds spent writing.
    pub write_time_ms: u64,
    /// Milliseconds the device was busy.
    pub io_time_ms: u64,
    /// Weighted milliseconds spent doing IO.
    pub weighted_io_ms: u64,
}

/// One physical disk entry from two samples `elapsed_secs` apart (`sampleIO`). Without a
/// previous sample (or with `elapsed_secs <= 0`) every rate is 0. `device_path` is
/// `/dev/<name>` except on Windows and for names containing `/` (`buildDevicePath`).
pub fn disk_physical(
    name: &str,
    prev: Option<&DiskCounters>,
    curr: &DiskCounters,
    elapsed_secs: f64,
    windows: bool,
) -> DiskPhysical {
    let mut out = DiskPhysical {
        name: name.to_owned(),
        device_path: if windows || name.contains('/') || name.is_empty() {
            String::new()
        } else {
            format!("/dev/{name}")
        },
        reference: if name.trim().is_empty() {
            String::new()
        } else {
            format!("disk:{}", name.trim())
        },
        read_bytes: curr.read_bytes,
        write_bytes: curr.write_bytes,
        ..DiskPhysical::default()
    };
    let Some(prev) = prev.filter(|_| elapsed_secs > 0.0) else {
        return out;
    };
    let dt = elapsed_secs;
    let reads = diff(curr.read_count, prev.read_count);
    let writes = diff(curr.write_count, prev.write_count);
    let ios = reads + writes;
    let io_time = diff(curr.io_time_ms, prev.io_time_ms);
    let total_time = diff(
        curr.read_time_ms + curr.write_time_ms,
        prev.read_time_ms + prev.write_time_ms,
    );
    let weighted = diff(curr.weighted_io_ms, prev.weighted_io_ms);
    out.read_rate_bytes_per_sec = ceil_rate(diff(curr.read_bytes, prev.read_bytes) as f64 / dt);
    out.write_rate_bytes_per_sec = ceil_rate(diff(curr.write_bytes, prev.write_bytes) as f64 / dt);
    out.iops = ceil_rate(ios as f64 / dt);
    out.read_iops = ceil_rate(reads as f64 / dt);
    out.write_iops = ceil_rate(writes as f64 / dt);
    out.util_ratio = (io_time as f64 / (dt * 1000.0)).clamp(0.0, 1.0);
    out.queue_length = weighted as f64 / (dt * 1000.0);
    if ios > 0 && io_time > 0 {
        out.service_ms = ceil_ms3(io_time as f64 / ios as f64);
        if total_time > 0 {
            let wait = total_time as f64 - io_time as f64;
            if wait > 0.0 {
                out.wait_ms = ceil_ms3(wait / ios as f64);
            }
        }
    }
    out
}

/// Cumulative counters of one interface (gopsutil `net.IOCountersStat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetCounters {
    /// Bytes received.
    pub bytes_recv: u64,
    /// Bytes sent.
    pub bytes_sent: u64,
    /// Packets received.
    pub packets_recv: u64,
    /// Packets sent.
    pub packets_sent: u64,
    /// Receive errors.
    pub err_in: u64,
    /// Send errors.
    pub err_out: u64,
    /// Dropped incoming packets.
    pub drop_in: u64,
    /// Dropped outgoing packets.
    pub drop_out: u64,
}

/// One interface entry from two samples `elapsed_secs` apart (`sampleIO`).
pub fn net_io(
    name: &str,
    prev: Option<&NetCounters>,
    curr: &NetCounters,
    elapsed_secs: f64,
) -> NetIo {
    let rate = |c: u64, p: u64| {
        if elapsed_secs > 0.0 {
            ceil_rate(diff(c, p) as f64 / elapsed_secs)
        } else {
            0.0
        }
    };
    let p = prev.copied().unwrap_or(*curr);
    NetIo {
        name: name.to_owned(),
        bytes_recv: curr.bytes_recv,
        bytes_sent: curr.bytes_sent,
        recv_rate_bytes_per_sec: rate(curr.bytes_recv, p.bytes_recv),
        sent_rate_bytes_per_sec: rate(curr.bytes_sent, p.bytes_sent),
        packets_recv: curr.packets_recv,
        packets_sent: curr.packets_sent,
        recv_rate_packets_per_sec: rate(curr.packets_recv, p.packets_recv),
        sent_rate_packets_per_sec: rate(curr.packets_sent, p.packets_sent),
        err_in: curr.err_in,
        err_out: curr.err_out,
        drop_in: curr.drop_in,
        drop_out: curr.drop_out,
    }
}

/// `ignoredBlock`: block devices the agent never reports (loop, ram, zram, fd, sr).
pub fn ignored_block(name: &str) -> bool {
    let name = name.trim().to_lowercase();
    name.is_empty()
        || ["loop", "ram", "zram", "fd", "sr"]
            .iter()
            .any(|p| name.starts_with(p))
}

/// The Linux clock tick gopsutil assumes for `/proc/stat` (`USER_HZ`).
pub const CLOCK_TICKS_PER_SEC: f64 = 100.0;

/// Reads the aggregate `cpu` line of `/proc/stat` as CPU-seconds (gopsutil
/// `cpu.Times(false)`).
///
/// ```
/// let t = nodewire_dash::collect::proc_stat_cpu_times(
///     "cpu  54332 12 9287 67706 365 0 41 300 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n",
/// ).unwrap();
/// assert_eq!(t.user, 543.32);
/// assert_eq!(t.steal, 3.0);
/// ```
pub fn proc_stat_cpu_times(text: &str) -> Option<CpuTimes> {
    let line = text.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .map(str::parse::<f64>)
        .collect::<Result<_, _>>()
        .ok()?;
    let at = |i: usize| fields.get(i).copied().unwrap_or(0.0) / CLOCK_TICKS_PER_SEC;
    Some(CpuTimes {
        user: at(0),
        system: at(2),
        idle: at(3),
        iowait: at(4),
        steal: at(7),
    })
}

/// Reads `/proc/diskstats` into counters per device name (sectors of 512 bytes), skipping
/// [`ignored_block`] devices.
pub fn proc_diskstats(text: &str) -> BTreeMap<String, DiskCounters> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Some(name) = fields.get(2) else { continue };
        if ignored_block(name) {
            continue;
        }
        let n = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        out.insert(
            (*name).to_owned(),
            DiskCounters {
                read_count: n(3),
                read_bytes: n(5).saturating_mul(512),
                read_time_ms: n(6),
                write_count: n(7),
                write_bytes: n(9).saturating_mul(512),
                write_time_ms: n(10),
                io_time_ms: n(12),
                weighted_io_ms: n(13),
            },
        );
    }
    out
}

/// The runtime `base_io` entry the agent builds for a physical disk when no logical entry
/// has an IO source (`buildBaseIO`): the same counters, zero ones omitted on the wire.
pub fn base_io_from_physical(p: &DiskPhysical) -> DiskBaseIo {
    DiskBaseIo {
        kind: BaseIoKind::Physical,
        name: p.name.clone(),
        device_path: p.device_path.clone(),
        reference: p.reference.clone(),
        read_bytes: p.read_bytes,
        write_bytes: p.write_bytes,
        read_rate_bytes_per_sec: p.read_rate_bytes_per_sec,
        write_rate_bytes_per_sec: p.write_rate_bytes_per_sec,
        read_iops: p.read_iops,
        write_iops: p.write_iops,
        iops: p.iops,
        util_ratio: p.util_ratio,
        queue_length: p.queue_length,
        wait_ms: p.wait_ms,
        service_ms: p.service_ms,
    }
}

/// A `/proc/meminfo` value in bytes (`Buffers`, `Cached`, `SReclaimable`; the file gives kB).
pub fn proc_meminfo_bytes(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (name, rest) = line.split_once(':')?;
        if name.trim() != key {
            return None;
        }
        let kb: u64 = rest.split_whitespace().next()?.parse().ok()?;
        Some(kb.saturating_mul(1024))
    })
}

/// The number of sockets listed in a `/proc/net/{tcp,tcp6,udp,udp6}` file (every line but
/// the header).
pub fn proc_net_socket_count(text: &str) -> i64 {
    let lines = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    i64::try_from(lines).unwrap_or(i64::MAX)
}

/// Go's `GOOS` for a Rust `std::env::consts::OS` (`macos` → `darwin`).
pub fn go_os(rust_os: &str) -> &str {
    match rust_os {
        "macos" => "darwin",
        other => other,
    }
}

/// Go's `GOARCH` for a Rust `std::env::consts::ARCH` (`x86_64` → `amd64`, `aarch64` →
/// `arm64`), the value of `system.arch`.
pub fn go_arch(rust_arch: &str) -> &str {
    match rust_arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_io_omits_zero_counters() -> Result<(), serde_json::Error> {
        let p = disk_physical("vda", None, &DiskCounters::default(), 0.0, false);
        let b = serde_json::to_value(base_io_from_physical(&p))?;
        assert_eq!(
            b,
            serde_json::json!({"kind":"physical","name":"vda","device_path":"/dev/vda","ref":"disk:vda",
                "read_rate_bytes_per_sec":0.0,"write_rate_bytes_per_sec":0.0,"read_iops":0.0,"write_iops":0.0,"iops":0.0})
        );
        Ok(())
    }

    #[test]
    fn helpers_match_the_agent() {
        assert_eq!(percent_to_ratio(-1.0), 0.0);
        assert_eq!(percent_to_ratio(60.869), 0.60869);
        assert_eq!(percent_to_ratio(150.0), 1.0);
        assert_eq!(ceil_rate(223_924.2), 223_925.0);
        assert_eq!(ceil_rate(-3.0), 0.0);
        assert_eq!(ceil_ms3(0.4411), 0.442);
        assert_eq!(ratio_from_used_free(0, 0), 0.0);
        assert_eq!(ratio_from_used_free(1, 3), 0.25);
        assert!(ignored_block("loop0") && ignored_block("sr0") && !ignored_block("vda"));
    }

    #[test]
    fn disk_rates() {
        let prev = DiskCounters {
            read_count: 100,
            write_count: 50,
            read_bytes: 1_000_000,
            write_bytes: 500_000,
            read_time_ms: 40,
            write_time_ms: 60,
            io_time_ms: 80,
            weighted_io_ms: 100,
        };
        let curr = DiskCounters {
            read_count: 163,
            write_count: 59,
            read_bytes: 1_671_775,
            write_bytes: 7_602_791,
            read_time_ms: 70,
            write_time_ms: 70,
            io_time_ms: 92,
            weighted_io_ms: 143,
        };
        let first = disk_physical("vda", None, &curr, 3.0, false);
        assert_eq!(first.read_rate_bytes_per_sec, 0.0);
        assert_eq!(first.device_path, "/dev/vda");
        assert_eq!(first.reference, "disk:vda");
        let d = disk_physical("vda", Some(&prev), &curr, 3.0, false);
        assert_eq!(d.read_rate_bytes_per_sec, 223_925.0);
        assert_eq!(d.write_rate_bytes_per_sec, 2_367_597.0);
        assert_eq!(d.iops, 24.0);
        assert_eq!(d.read_iops, 21.0);
        assert_eq!(d.write_iops, 3.0);
        assert_eq!(d.util_ratio, 12.0 / 3000.0);
        assert_eq!(d.service_ms, 0.167);
        assert_eq!(d.wait_ms, 0.389);
        let windows = disk_physical("C:", None, &curr, 0.0, true);
        assert_eq!(windows.device_path, "");
        assert_eq!(windows.reference, "disk:C:");
        assert_eq!(
            disk_physical("a/b", None, &curr, 0.0, false).device_path,
            ""
        );
    }

    #[test]
    fn net_rates() {
        let prev = NetCounters {
            bytes_recv: 100,
            packets_recv: 10,
            ..NetCounters::default()
        };
        let curr = NetCounters {
            bytes_recv: 1_124,
            packets_recv: 14,
            err_in: 2,
            ..NetCounters::default()
        };
        let n = net_io("eth0", Some(&prev), &curr, 2.0);
        assert_eq!(n.recv_rate_bytes_per_sec, 512.0);
        assert_eq!(n.recv_rate_packets_per_sec, 2.0);
        assert_eq!(n.err_in, 2);
        assert_eq!(
            net_io("eth0", None, &curr, 2.0).recv_rate_bytes_per_sec,
            0.0
        );
    }

    #[test]
    fn proc_files() {
        let stats = proc_diskstats(
            " 253       0 vda 100 0 2000 40 50 0 1000 60 0 80 100 0 0 0 0\n\
               7       0 loop0 1 0 2 3 4 0 5 6 0 7 8\n\
             bad line\n",
        );
        assert_eq!(stats.len(), 1);
        assert_eq!(stats.get("vda").map(|d| d.read_bytes), Some(1_024_000));
        assert!(proc_stat_cpu_times("intr 1 2 3").is_none());
        let meminfo =
            "MemTotal:       24683656 kB\nBuffers:           34756 kB\nCached:  2518832 kB\n";
        assert_eq!(proc_meminfo_bytes(meminfo, "Buffers"), Some(35_590_144));
        assert_eq!(proc_meminfo_bytes(meminfo, "SReclaimable"), None);
        let tcp =
            "  sl  local_address rem_address\n   0: 0100007F:1F90 00000000:0000 0A\n   1: x\n";
        assert_eq!(proc_net_socket_count(tcp), 2);
        assert_eq!(go_arch("x86_64"), "amd64");
        assert_eq!(go_os("macos"), "darwin");
        assert!(proc_stat_cpu_times("cpu  a b").is_none());
    }
}
