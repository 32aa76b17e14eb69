//! Rates from two samples of cumulative counters (`sampleIO`, `buildBaseIO`).

use crate::collect::{ceil_ms3, ceil_rate};
use crate::report::{BaseIoKind, DiskBaseIo, DiskPhysical, NetIo};

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
    let ios = reads.saturating_add(writes);
    let io_time = diff(curr.io_time_ms, prev.io_time_ms);
    let total_time = diff(
        curr.read_time_ms.saturating_add(curr.write_time_ms),
        prev.read_time_ms.saturating_add(prev.write_time_ms),
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
}
