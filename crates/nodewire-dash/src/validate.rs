//! Dash's semantic checks on received bodies (contract §9.1–§9.2; Dash
//! `internal/metrics/node_push_validation.go`, `internal/http/api/node/{metrics,static}.go`).
//!
//! [`Checks::Presence`] (the default) is what every Dash version checks: a SemVer version,
//! a host name, a timestamp, and non-blank, unique names. [`Checks::PresenceAndRanges`] adds
//! the range checks of newer Dash versions (ratios within `0..=1`, non-negative numbers,
//! `int64`/`int32`/`int16` limits, text lengths). Those refuse real agents: Windows agents
//! send `load1/5/15 = -1`, so they are offered, not the default.
//!
//! [`decode_report`] and [`decode_static`] decode a body and apply the checks in one call,
//! with one error type, [`ReportError`], for both steps.

mod decode;

pub use decode::{ReportError, decode_report, decode_static};

use std::collections::HashSet;

use http::StatusCode;
use nodewire_common::DecodeError;

use crate::report::{DiskPhysical, NetIo, PressureResource};
use crate::version::NodeVersion;
use crate::{NodeReport, Static};

/// Which of Dash's checks to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Checks {
    /// Presence, non-blank and unique names, SemVer version, non-zero timestamp (Dash 0.2.0
    /// and later).
    #[default]
    Presence,
    /// [`Presence`](Self::Presence) plus newer Dash's ranges and limits, which refuse Windows
    /// agents (`load` `-1`) and counters above `i64::MAX`.
    PresenceAndRanges,
}

/// A body that fails a check: where, what, and the status Dash answers with (`422`, or `400`
/// where newer Dash fails while decoding, such as a counter above `i64::MAX`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at `{path}`: {message}")]
pub struct Invalid {
    /// JSON path of the field (`metrics.disk.physical[0].name`).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// `422 Unprocessable Entity` or `400 Bad Request`.
    pub status: StatusCode,
}

impl Invalid {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn decode(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            ..Self::new(path, message)
        }
    }

    /// The same failure as a [`DecodeError`] at the same path.
    pub fn into_decode_error(self) -> DecodeError {
        DecodeError::at(self.path, self.message)
    }
}

type Result = std::result::Result<(), Invalid>;

fn blank(path: &str, value: &str) -> Result {
    if value.trim().is_empty() {
        Err(Invalid::new(path, "must not be blank"))
    } else {
        Ok(())
    }
}

fn unique<'a>(seen: &mut HashSet<&'a str>, path: &str, value: &'a str) -> Result {
    if seen.insert(value.trim()) {
        Ok(())
    } else {
        Err(Invalid::new(
            path,
            format!("duplicate name `{}`", value.trim()),
        ))
    }
}

fn max_chars(path: &str, value: &str, max: usize) -> Result {
    let count = value.trim().chars().count();
    if count > max {
        Err(Invalid::new(
            path,
            format!("longer than {max} characters ({count})"),
        ))
    } else {
        Ok(())
    }
}

fn ratio(path: &str, value: f64) -> Result {
    if value.is_finite() && (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(Invalid::new(
            path,
            format!("{value} is not a ratio within 0..=1"),
        ))
    }
}

fn non_negative(path: &str, value: f64) -> Result {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(Invalid::new(
            path,
            format!("{value} is negative or not finite"),
        ))
    }
}

fn int64(path: &str, value: u64) -> Result {
    if i64::try_from(value).is_ok() {
        Ok(())
    } else {
        Err(Invalid::decode(
            path,
            format!("{value} exceeds the int64 range"),
        ))
    }
}

fn int_range(path: &str, value: i64, bits: u32) -> Result {
    let max = (1i64 << (bits - 1)) - 1;
    if value > max || value < -max - 1 {
        return Err(Invalid::decode(
            path,
            format!("{value} exceeds the int{bits} range"),
        ));
    }
    if value < 0 {
        return Err(Invalid::new(path, format!("{value} is negative")));
    }
    Ok(())
}

fn version(path: &str, value: &str) -> Result {
    NodeVersion::parse(value)
        .map(|_| ())
        .map_err(|e| Invalid::new(path, e.to_string()))
}

/// Checks a report as Dash does before accepting it (`422 invalid_metrics` on failure).
///
/// ```
/// use nodewire_dash::validate::{Checks, check_report};
/// let body = std::fs::read("tests/fixtures/live-push/003-metrics.request.json").unwrap();
/// let mut report: nodewire_dash::NodeReport = serde_json::from_slice(&body).unwrap();
/// assert!(check_report(&report, Checks::Presence).is_ok());
/// report.metrics.cpu.load1 = -1.0; // what Windows agents send
/// assert!(check_report(&report, Checks::Presence).is_ok());
/// let err = check_report(&report, Checks::PresenceAndRanges).unwrap_err();
/// assert_eq!(err.path, "metrics.cpu.load1");
/// ```
pub fn check_report(report: &NodeReport, checks: Checks) -> Result {
    blank("version", &report.version)?;
    version("version", &report.version)?;
    blank("hostname", &report.hostname)?;
    if report.timestamp.is_zero() {
        return Err(Invalid::new("timestamp", "must not be the zero time"));
    }
    let ranges = checks == Checks::PresenceAndRanges;
    if ranges {
        max_chars("version", &report.version, 64)?;
        max_chars("hostname", &report.hostname, 255)?;
    }
    let m = &report.metrics;
    blank("metrics.system.uptime", &m.system.uptime)?;
    if ranges {
        check_ranges_top(report)?;
    }

    let mut seen = HashSet::new();
    for (i, p) in m.disk.physical.iter().enumerate() {
        let at = format!("metrics.disk.physical[{i}]");
        blank(&format!("{at}.name"), &p.name)?;
        if ranges {
            max_chars(&format!("{at}.name"), &p.name, 255)?;
            max_chars(&format!("{at}.ref"), &p.reference, 320)?;
        }
        unique(&mut seen, &format!("{at}.name"), &p.name)?;
        if ranges {
            check_physical_ranges(&at, p)?;
        }
    }

    let mut seen = HashSet::new();
    for (i, l) in m.disk.logical.iter().enumerate() {
        let at = format!("metrics.disk.logical[{i}]");
        blank(&format!("{at}.kind"), l.kind.as_str())?;
        blank(&format!("{at}.name"), &l.name)?;
        if ranges {
            max_chars(&format!("{at}.kind"), l.kind.as_str(), 16)?;
            max_chars(&format!("{at}.name"), &l.name, 255)?;
            max_chars(&format!("{at}.ref"), &l.reference, 320)?;
            if let Some(h) = &l.health {
                max_chars(&format!("{at}.health"), h.as_str(), 32)?;
            }
        }
        unique(&mut seen, &format!("{at}.name"), &l.name)?;
        if ranges {
            int64(&format!("{at}.used"), l.used)?;
            int64(&format!("{at}.free"), l.free)?;
            if l.used.saturating_add(l.free) > i64::MAX as u64 {
                return Err(Invalid::new(
                    format!("{at}.free"),
                    "used + free overflows int64",
                ));
            }
            ratio(&format!("{at}.used_ratio"), l.used_ratio)?;
        }
    }

    for (i, f) in m.disk.filesystems.iter().enumerate() {
        let at = format!("metrics.disk.filesystems[{i}]");
        blank(&format!("{at}.path"), &f.path)?;
        if ranges {
            for (name, value) in [
                ("used", f.used),
                ("free", f.free),
                ("inodes_used", f.inodes_used),
                ("inodes_free", f.inodes_free),
            ] {
                int64(&format!("{at}.{name}"), value)?;
            }
            ratio(&format!("{at}.used_ratio"), f.used_ratio)?;
            ratio(&format!("{at}.inodes_used_ratio"), f.inodes_used_ratio)?;
        }
    }

    let mut seen = HashSet::new();
    for (i, b) in m.disk.base_io.iter().enumerate() {
        let at = format!("metrics.disk.base_io[{i}]");
        blank(&format!("{at}.kind"), b.kind.as_str())?;
        blank(&format!("{at}.name"), &b.name)?;
        if ranges {
            max_chars(&format!("{at}.kind"), b.kind.as_str(), 16)?;
            max_chars(&format!("{at}.name"), &b.name, 255)?;
            max_chars(&format!("{at}.ref"), &b.reference, 320)?;
        }
        unique(&mut seen, &format!("{at}.name"), &b.name)?;
        if ranges {
            int64(&format!("{at}.read_bytes"), b.read_bytes)?;
            int64(&format!("{at}.write_bytes"), b.write_bytes)?;
            io_ranges(
                &at,
                [
                    ("read_rate_bytes_per_sec", b.read_rate_bytes_per_sec),
                    ("write_rate_bytes_per_sec", b.write_rate_bytes_per_sec),
                    ("iops", b.iops),
                    ("read_iops", b.read_iops),
                    ("write_iops", b.write_iops),
                    ("queue_length", b.queue_length),
                    ("wait_ms", b.wait_ms),
                    ("service_ms", b.service_ms),
                ],
                b.util_ratio,
            )?;
        }
    }

    let mut seen = HashSet::new();
    for (i, n) in m.network.iter().enumerate() {
        let at = format!("metrics.network[{i}]");
        blank(&format!("{at}.name"), &n.name)?;
        if ranges {
            max_chars(&format!("{at}.name"), &n.name, 64)?;
        }
        unique(&mut seen, &format!("{at}.name"), &n.name)?;
        if ranges {
            check_network_ranges(&at, n)?;
        }
    }

    for (i, a) in m.raid.arrays.iter().enumerate() {
        let at = format!("metrics.raid.arrays[{i}]");
        blank(&format!("{at}.name"), &a.name)?;
        blank(&format!("{at}.status"), &a.status)?;
        blank(&format!("{at}.health"), a.health.as_str())?;
        if ranges {
            max_chars(&format!("{at}.health"), a.health.as_str(), 16)?;
            for (name, value) in [
                ("active", a.active),
                ("working", a.working),
                ("failed", a.failed),
            ] {
                if value < 0 {
                    return Err(Invalid::new(format!("{at}.{name}"), "must not be negative"));
                }
            }
        }
        for (j, member) in a.members.iter().enumerate() {
            blank(&format!("{at}.members[{j}].name"), &member.name)?;
            blank(&format!("{at}.members[{j}].state"), member.state.as_str())?;
        }
    }

    if let Some(smart) = &m.disk.smart {
        blank("metrics.disk.smart.status", smart.status.as_str())?;
        for (i, d) in smart.devices.iter().enumerate() {
            let at = format!("metrics.disk.smart.devices[{i}]");
            blank(&format!("{at}.name"), &d.name)?;
            if ranges {
                max_chars(&format!("{at}.name"), &d.name, 255)?;
                max_chars(&format!("{at}.ref"), &d.reference, 320)?;
            }
            blank(&format!("{at}.source"), &d.source)?;
            blank(&format!("{at}.status"), d.status.as_str())?;
        }
    }

    if let Some(thermal) = &m.thermal {
        blank("metrics.thermal.status", thermal.status.as_str())?;
        for (i, s) in thermal.sensors.iter().enumerate() {
            let at = format!("metrics.thermal.sensors[{i}]");
            blank(&format!("{at}.kind"), s.kind.as_str())?;
            blank(&format!("{at}.name"), &s.name)?;
            blank(&format!("{at}.sensor_key"), &s.sensor_key)?;
            blank(&format!("{at}.source"), &s.source)?;
            blank(&format!("{at}.status"), s.status.as_str())?;
        }
    }

    if ranges && let Some(p) = &m.pressure {
        for (name, resource) in [("cpu", &p.cpu), ("memory", &p.memory), ("io", &p.io)] {
            check_pressure(&format!("metrics.pressure.{name}"), resource)?;
        }
    }
    Ok(())
}

fn check_ranges_top(report: &NodeReport) -> Result {
    let m = &report.metrics;
    ratio("metrics.cpu.usage_ratio", m.cpu.usage_ratio)?;
    non_negative("metrics.cpu.load1", m.cpu.load1)?;
    non_negative("metrics.cpu.load5", m.cpu.load5)?;
    non_negative("metrics.cpu.load15", m.cpu.load15)?;
    let t = &m.cpu.times;
    for (name, value) in [
        ("user", t.user),
        ("system", t.system),
        ("idle", t.idle),
        ("iowait", t.iowait),
        ("steal", t.steal),
    ] {
        non_negative(&format!("metrics.cpu.times.{name}"), value)?;
    }
    let mem = &m.memory;
    for (name, value) in [
        ("used", mem.used),
        ("available", mem.available),
        ("buffers", mem.buffers),
        ("cached", mem.cached),
        ("swap_used", mem.swap_used),
        ("swap_free", mem.swap_free),
    ] {
        int64(&format!("metrics.memory.{name}"), value)?;
    }
    ratio("metrics.memory.used_ratio", mem.used_ratio)?;
    ratio("metrics.memory.swap_used_ratio", mem.swap_used_ratio)?;
    int64("metrics.system.uptime_seconds", m.system.uptime_seconds)?;
    int_range(
        "metrics.processes.process_count",
        m.processes.process_count,
        32,
    )?;
    int_range("metrics.connections.tcp_count", m.connections.tcp_count, 32)?;
    int_range("metrics.connections.udp_count", m.connections.udp_count, 32)?;
    Ok(())
}

fn io_ranges(at: &str, values: [(&str, f64); 8], util_ratio: f64) -> Result {
    for (name, value) in values {
        non_negative(&format!("{at}.{name}"), value)?;
    }
    ratio(&format!("{at}.util_ratio"), util_ratio)
}

fn check_physical_ranges(at: &str, p: &DiskPhysical) -> Result {
    int64(&format!("{at}.read_bytes"), p.read_bytes)?;
    int64(&format!("{at}.write_bytes"), p.write_bytes)?;
    io_ranges(
        at,
        [
            ("read_rate_bytes_per_sec", p.read_rate_bytes_per_sec),
            ("write_rate_bytes_per_sec", p.write_rate_bytes_per_sec),
            ("iops", p.iops),
            ("read_iops", p.read_iops),
            ("write_iops", p.write_iops),
            ("queue_length", p.queue_length),
            ("wait_ms", p.wait_ms),
            ("service_ms", p.service_ms),
        ],
        p.util_ratio,
    )
}

fn check_network_ranges(at: &str, n: &NetIo) -> Result {
    for (name, value) in [
        ("bytes_recv", n.bytes_recv),
        ("bytes_sent", n.bytes_sent),
        ("packets_recv", n.packets_recv),
        ("packets_sent", n.packets_sent),
        ("err_in", n.err_in),
        ("err_out", n.err_out),
        ("drop_in", n.drop_in),
        ("drop_out", n.drop_out),
    ] {
        int64(&format!("{at}.{name}"), value)?;
    }
    if n.bytes_recv.saturating_add(n.bytes_sent) > i64::MAX as u64 {
        return Err(Invalid::new(
            format!("{at}.bytes_sent"),
            "bytes_recv + bytes_sent overflows int64",
        ));
    }
    for (name, value) in [
        ("recv_rate_bytes_per_sec", n.recv_rate_bytes_per_sec),
        ("sent_rate_bytes_per_sec", n.sent_rate_bytes_per_sec),
        ("recv_rate_packets_per_sec", n.recv_rate_packets_per_sec),
        ("sent_rate_packets_per_sec", n.sent_rate_packets_per_sec),
    ] {
        non_negative(&format!("{at}.{name}"), value)?;
    }
    Ok(())
}

fn check_pressure(at: &str, resource: &PressureResource) -> Result {
    for (group, stats) in [("some", &resource.some), ("full", &resource.full)] {
        let Some(stats) = stats else { continue };
        for (name, value) in [
            ("avg10", stats.avg10),
            ("avg60", stats.avg60),
            ("avg300", stats.avg300),
        ] {
            if !(value.is_finite() && (0.0..=100.0).contains(&value)) {
                return Err(Invalid::new(
                    format!("{at}.{group}.{name}"),
                    format!("{value} is not a percentage within 0..=100"),
                ));
            }
        }
        int64(&format!("{at}.{group}.total"), stats.total)?;
    }
    Ok(())
}

/// Checks a static body as Dash does before storing it (`422 invalid_static_payload` on
/// failure): SemVer version, non-zero timestamp, positive interval, all six `system` fields
/// non-blank; with ranges also non-negative topology, `int16`/`int32` limits and text lengths.
pub fn check_static(body: &Static, checks: Checks) -> Result {
    blank("version", &body.version)?;
    version("version", &body.version)?;
    if body.timestamp.is_zero() {
        return Err(Invalid::new("timestamp", "must not be the zero time"));
    }
    if checks == Checks::PresenceAndRanges && i32::try_from(body.report_interval_seconds).is_err() {
        return Err(Invalid::decode(
            "report_interval_seconds",
            "exceeds the int32 range",
        ));
    }
    if body.report_interval_seconds <= 0 {
        return Err(Invalid::new("report_interval_seconds", "must be positive"));
    }
    let sys = &body.system;
    for (name, value) in [
        ("hostname", &sys.hostname),
        ("os", &sys.os),
        ("platform", &sys.platform),
        ("platform_version", &sys.platform_version),
        ("kernel_version", &sys.kernel_version),
        ("arch", &sys.arch),
    ] {
        blank(&format!("system.{name}"), value)?;
    }
    if checks == Checks::Presence {
        return Ok(());
    }
    let info = &body.cpu.info;
    for (name, value) in [
        ("sockets", info.sockets),
        ("cores_physical", info.cores_physical),
        ("cores_logical", info.cores_logical),
    ] {
        int_range(&format!("cpu.info.{name}"), value, 16)?;
    }
    int64("memory.total", body.memory.total)?;
    int64("memory.swap_total", body.memory.swap_total)?;
    for (i, l) in body.disk.logical.iter().enumerate() {
        int64(&format!("disk.logical[{i}].total"), l.total)?;
    }
    for (i, f) in body.disk.filesystems.iter().enumerate() {
        int64(&format!("disk.filesystems[{i}].total"), f.total)?;
        int64(
            &format!("disk.filesystems[{i}].inodes_total"),
            f.inodes_total,
        )?;
        max_chars(&format!("disk.filesystems[{i}].fs_type"), &f.fs_type, 32)?;
    }
    max_chars("version", &body.version, 64)?;
    for (name, value, max) in [
        ("hostname", &sys.hostname, 255),
        ("os", &sys.os, 32),
        ("platform", &sys.platform, 32),
        ("platform_version", &sys.platform_version, 255),
        ("kernel_version", &sys.kernel_version, 255),
        ("arch", &sys.arch, 32),
    ] {
        max_chars(&format!("system.{name}"), value, max)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;

    fn live() -> NodeReport {
        let body = include_bytes!("../tests/fixtures/live-push/003-metrics.request.json");
        serde_json::from_slice(body).unwrap_or_else(|e| panic!("{e}"))
    }

    fn live_static() -> Static {
        let body = include_bytes!("../tests/fixtures/live-push/002-static.request.json");
        serde_json::from_slice(body).unwrap_or_else(|e| panic!("{e}"))
    }

    fn fails(report: &NodeReport, checks: Checks) -> Option<(String, StatusCode)> {
        check_report(report, checks)
            .err()
            .map(|e| (e.path, e.status))
    }

    #[test]
    fn presence_checks() {
        let ok = live();
        assert_eq!(fails(&ok, Checks::Presence), None);
        assert_eq!(fails(&ok, Checks::PresenceAndRanges), None);

        let mut r = ok.clone();
        r.version = "v0.2.3".into();
        assert_eq!(
            fails(&r, Checks::Presence).map(|f| f.0),
            Some("version".into())
        );
        let mut r = ok.clone();
        r.hostname = " ".into();
        assert_eq!(
            fails(&r, Checks::Presence).map(|f| f.0),
            Some("hostname".into())
        );
        let mut r = ok.clone();
        r.timestamp = Timestamp::zero();
        assert_eq!(
            fails(&r, Checks::Presence).map(|f| f.0),
            Some("timestamp".into())
        );
        let mut r = ok.clone();
        r.metrics.system.uptime = String::new();
        assert_eq!(
            fails(&r, Checks::Presence).map(|f| f.0),
            Some("metrics.system.uptime".into())
        );
        let mut r = ok.clone();
        let dup = r.metrics.network[0].clone();
        r.metrics.network.push(dup);
        assert_eq!(
            fails(&r, Checks::Presence),
            Some((
                "metrics.network[1].name".into(),
                StatusCode::UNPROCESSABLE_ENTITY
            ))
        );
        let mut r = ok;
        r.metrics.disk.physical[0].name = " vda ".into();
        let dup = r.metrics.disk.physical[0].clone();
        r.metrics.disk.physical.push(DiskPhysical {
            name: "vda".into(),
            ..dup
        });
        assert_eq!(
            fails(&r, Checks::Presence).map(|f| f.0),
            Some("metrics.disk.physical[1].name".into())
        );
    }

    #[test]
    fn range_checks_are_opt_in() {
        let mut r = live();
        r.metrics.cpu.load1 = -1.0;
        r.metrics.cpu.load5 = -1.0;
        r.metrics.cpu.load15 = -1.0;
        assert_eq!(fails(&r, Checks::Presence), None);
        assert_eq!(
            fails(&r, Checks::PresenceAndRanges),
            Some(("metrics.cpu.load1".into(), StatusCode::UNPROCESSABLE_ENTITY))
        );

        let mut r = live();
        r.metrics.network[0].bytes_recv = u64::MAX;
        assert_eq!(fails(&r, Checks::Presence), None);
        assert_eq!(
            fails(&r, Checks::PresenceAndRanges),
            Some((
                "metrics.network[0].bytes_recv".into(),
                StatusCode::BAD_REQUEST
            ))
        );

        let mut r = live();
        r.metrics.memory.used_ratio = 1.5;
        assert_eq!(
            fails(&r, Checks::PresenceAndRanges).map(|f| f.0),
            Some("metrics.memory.used_ratio".into())
        );

        let mut r = live();
        if let Some(p) = r.metrics.pressure.as_mut()
            && let Some(s) = p.io.some.as_mut()
        {
            s.avg10 = 101.0;
        }
        assert_eq!(
            fails(&r, Checks::PresenceAndRanges).map(|f| f.0),
            Some("metrics.pressure.io.some.avg10".into())
        );

        let mut r = live();
        r.metrics.processes.process_count = i64::from(i32::MAX) + 1;
        assert_eq!(
            fails(&r, Checks::PresenceAndRanges),
            Some((
                "metrics.processes.process_count".into(),
                StatusCode::BAD_REQUEST
            ))
        );
        r.metrics.processes.process_count = -1;
        assert_eq!(
            fails(&r, Checks::PresenceAndRanges),
            Some((
                "metrics.processes.process_count".into(),
                StatusCode::UNPROCESSABLE_ENTITY
            ))
        );

        let mut r = live();
        r.hostname = "h".repeat(256);
        assert_eq!(fails(&r, Checks::Presence), None);
        assert_eq!(
            fails(&r, Checks::PresenceAndRanges).map(|f| f.0),
            Some("hostname".into())
        );
    }

    #[test]
    fn static_checks() {
        let ok = live_static();
        assert!(check_static(&ok, Checks::Presence).is_ok());
        assert!(check_static(&ok, Checks::PresenceAndRanges).is_ok());
        let mut s = ok.clone();
        s.report_interval_seconds = 0;
        assert_eq!(
            check_static(&s, Checks::Presence).err().map(|e| e.path),
            Some("report_interval_seconds".into())
        );
        let mut s = ok.clone();
        s.system.kernel_version = "\t".into();
        assert_eq!(
            check_static(&s, Checks::Presence).err().map(|e| e.path),
            Some("system.kernel_version".into())
        );
        let mut s = ok.clone();
        s.version = "0.2".into();
        assert!(check_static(&s, Checks::Presence).is_err());
        let mut s = ok;
        s.cpu.info.cores_logical = 40_000;
        assert!(check_static(&s, Checks::Presence).is_ok());
        assert_eq!(
            check_static(&s, Checks::PresenceAndRanges)
                .err()
                .map(|e| (e.path, e.status)),
            Some(("cpu.info.cores_logical".into(), StatusCode::BAD_REQUEST))
        );
    }
}
