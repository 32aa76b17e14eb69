//! This machine's OS counters turned into report and static bodies, the way Ithiltir-node's
//! `internal/collect` does it.
//!
//! Three layers, each usable on its own:
//!
//! - the agent's arithmetic ([`percent_to_ratio`], [`ceil_rate`], [`disk_physical`],
//!   [`net_io`], …) and readers for the Linux files it samples ([`proc_stat_cpu_times`],
//!   [`proc_diskstats`], [`proc_meminfo_bytes`], [`pressure_resource`], …);
//! - [`Sampler`], the agent's sampling state without IO: it turns successive [`HostSample`]s
//!   into [`NodeReport`](crate::NodeReport)s (rates from counter deltas against the previous
//!   sample, rounded up; the first sample reports every rate as 0) and a [`StaticHost`] into
//!   a [`Static`](crate::Static) body, with [`physical_disks`] and [`select_interfaces`]
//!   choosing what to report;
//! - with the `collect` feature, `Collector`: reads this machine with `sysinfo` (and `/proc`,
//!   `/sys` on Linux) and feeds a [`Sampler`].
//!
//! ```
//! use std::time::{Duration, Instant};
//! use nodewire_dash::Timestamp;
//! use nodewire_dash::collect::{HostSample, NetCounters, Sampler};
//!
//! let mut sampler = Sampler::new("0.2.3", Duration::from_secs(3));
//! let t0 = Instant::now();
//! let mut sample = HostSample::new("web-1", Timestamp::now());
//! sample.interfaces.insert("eth0".into(), NetCounters { bytes_recv: 1_000, ..Default::default() });
//! assert_eq!(sampler.report(&sample, t0).metrics.network[0].recv_rate_bytes_per_sec, 0.0);
//!
//! sample.interfaces.insert("eth0".into(), NetCounters { bytes_recv: 7_000, ..Default::default() });
//! let report = sampler.report(&sample, t0 + Duration::from_secs(3));
//! assert_eq!(report.metrics.network[0].recv_rate_bytes_per_sec, 2_000.0);
//! ```

#[cfg(feature = "collect")]
mod host;
mod procfs;
mod rates;
mod sample;
mod sampler;
mod select;

#[cfg(feature = "collect")]
#[cfg_attr(docsrs, doc(cfg(feature = "collect")))]
pub use host::Collector;
pub use procfs::{
    CLOCK_TICKS_PER_SEC, ignored_block, pressure_resource, proc_diskstats, proc_meminfo_bytes,
    proc_net_socket_count, proc_stat_cpu_times,
};
pub use rates::{DiskCounters, NetCounters, base_io_from_physical, disk_physical, net_io};
pub use sample::{HostSample, MemorySample, Mount, SensorReading, StaticHost};
pub use sampler::{Sampler, hostname_or_unknown, thermal_from_sensors};
pub use select::{NicInfo, physical_disks, select_interfaces};

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
    fn helpers_match_the_agent() {
        assert_eq!(percent_to_ratio(-1.0), 0.0);
        assert_eq!(percent_to_ratio(f64::NAN), 0.0);
        assert_eq!(percent_to_ratio(60.869), 0.60869);
        assert_eq!(percent_to_ratio(150.0), 1.0);
        assert_eq!(ceil_rate(223_924.2), 223_925.0);
        assert_eq!(ceil_rate(-3.0), 0.0);
        assert_eq!(ceil_ms3(0.4411), 0.442);
        assert_eq!(ceil_ms3(f64::NAN), 0.0);
        assert_eq!(ratio_from_used_free(0, 0), 0.0);
        assert_eq!(ratio_from_used_free(1, 3), 0.25);
    }

    #[test]
    fn go_platform_names() {
        assert_eq!(go_arch("x86_64"), "amd64");
        assert_eq!(go_arch("aarch64"), "arm64");
        assert_eq!(go_arch("riscv64"), "riscv64");
        assert_eq!(go_os("macos"), "darwin");
        assert_eq!(go_os("linux"), "linux");
    }
}
