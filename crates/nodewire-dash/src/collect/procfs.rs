//! Readers for the Linux files the agent samples: `/proc/stat`, `/proc/diskstats`,
//! `/proc/meminfo`, `/proc/net/*` and `/proc/pressure/*`.

use std::collections::BTreeMap;

use crate::collect::DiskCounters;
use crate::report::CpuTimes;
use crate::report::pressure::{PressureResource, ReadFailure};

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

/// One `/proc/pressure/{cpu,memory,io}` resource from the result of reading its file: the
/// parsed PSI lines, or the read failure by its kind (missing file, no permission, other).
///
/// ```
/// use nodewire_dash::collect::pressure_resource;
/// use nodewire_dash::report::Status;
/// // A kernel without PSI has no such file.
/// let missing = pressure_resource(Err(std::io::ErrorKind::NotFound.into()));
/// assert_eq!(missing.status, Status::Unsupported);
/// ```
pub fn pressure_resource(read: std::io::Result<String>) -> PressureResource {
    match read {
        Ok(text) => PressureResource::from_psi(&text),
        Err(e) => PressureResource::unreadable(match e.kind() {
            std::io::ErrorKind::NotFound => ReadFailure::NotFound,
            std::io::ErrorKind::PermissionDenied => ReadFailure::PermissionDenied,
            _ => ReadFailure::Other,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_devices() {
        assert!(ignored_block("loop0") && ignored_block("sr0") && ignored_block(" ZRAM0"));
        assert!(ignored_block("") && !ignored_block("vda") && !ignored_block("nvme0n1"));
    }

    #[test]
    fn pressure_by_read_result() {
        use crate::report::Status;
        let denied = pressure_resource(Err(std::io::ErrorKind::PermissionDenied.into()));
        assert_eq!(denied.status, Status::NoPermission);
        let other = pressure_resource(Err(std::io::ErrorKind::Interrupted.into()));
        assert_eq!(other.status, Status::Error);
        let read = pressure_resource(Ok(
            "some avg10=1.00 avg60=2.00 avg300=3.00 total=44\n".to_owned()
        ));
        assert_eq!(read.status, Status::Ok);
        assert_eq!(read.some.map(|s| s.total), Some(44));
        assert_eq!(read.full, None);
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
        assert!(proc_stat_cpu_times("cpu  a b").is_none());
    }
}
