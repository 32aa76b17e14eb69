//! `metrics.pressure` (`Pressure`, `PressureResource`, `PressureStats`, `types.go:238-255`),
//! added in agent 0.2.3, and the agent's reading of Linux PSI files
//! (`collect/pressure_linux.go`).
//!
//! The agent always sends all three resources, each with a `status`; the upstream docs' "may
//! be omitted, no status" is not what it does.

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Status;

/// Pressure stall information for CPU, memory and IO (`Pressure`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Pressure {
    /// `/proc/pressure/cpu`.
    pub cpu: PressureResource,
    /// `/proc/pressure/memory`.
    pub memory: PressureResource,
    /// `/proc/pressure/io`.
    pub io: PressureResource,
}

impl Pressure {
    /// The three resources.
    pub fn new(cpu: PressureResource, memory: PressureResource, io: PressureResource) -> Self {
        Self { cpu, memory, io }
    }

    /// What the agent sends off Linux: every resource `{"status":"unsupported"}`
    /// (`pressure_other.go`).
    pub fn unsupported() -> Self {
        Self {
            cpu: PressureResource::status(Status::Unsupported),
            memory: PressureResource::status(Status::Unsupported),
            io: PressureResource::status(Status::Unsupported),
        }
    }
}

/// One resource (`PressureResource`). Missing groups mean unavailable data, not zero pressure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PressureResource {
    /// `ok` when a `some` or `full` line was read; `unsupported` (file missing),
    /// `no_permission`, `error` (unreadable or unparsable) or `not_found` (no lines).
    pub status: Status,
    /// Some tasks stalled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub some: Option<PressureStats>,
    /// All non-idle tasks stalled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full: Option<PressureStats>,
}

/// One PSI line (`PressureStats`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PressureStats {
    /// Stall share over 10 s, **percent `0..=100`**.
    pub avg10: f64,
    /// Stall share over 60 s, percent `0..=100`.
    pub avg60: f64,
    /// Stall share over 300 s, percent `0..=100`.
    pub avg300: f64,
    /// Cumulative stall time, **microseconds**.
    pub total: u64,
}

impl PressureStats {
    /// Stall share over 10 s, in percent `0..=100` (`avg10`).
    pub fn avg10_percent(&self) -> f64 {
        self.avg10
    }

    /// Stall share over 60 s, in percent `0..=100` (`avg60`).
    pub fn avg60_percent(&self) -> f64 {
        self.avg60
    }

    /// Stall share over 300 s, in percent `0..=100` (`avg300`).
    pub fn avg300_percent(&self) -> f64 {
        self.avg300
    }

    /// Cumulative stall time (`total`, in microseconds).
    ///
    /// ```
    /// use nodewire_dash::report::PressureResource;
    /// let cpu = PressureResource::from_psi("some avg10=4.51 avg60=42.34 avg300=27.83 total=125035740\n");
    /// let some = cpu.some.unwrap();
    /// assert_eq!(some.total_stall_time().as_secs(), 125);
    /// assert_eq!(some.avg10_percent(), 4.51);
    /// ```
    pub fn total_stall_time(&self) -> Duration {
        Duration::from_micros(self.total)
    }
}

/// Why a PSI file could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFailure {
    /// The file does not exist (kernel without PSI).
    NotFound,
    /// Permission denied.
    PermissionDenied,
    /// Any other IO error.
    Other,
}

impl PressureResource {
    /// A resource with only a status.
    pub fn status(status: Status) -> Self {
        Self {
            status,
            some: None,
            full: None,
        }
    }

    /// The resource for a file that could not be read (`pressureReadError`).
    pub fn unreadable(failure: ReadFailure) -> Self {
        Self::status(match failure {
            ReadFailure::NotFound => Status::Unsupported,
            ReadFailure::PermissionDenied => Status::NoPermission,
            ReadFailure::Other => Status::Error,
        })
    }

    /// Reads the text of a `/proc/pressure/*` file as the agent does
    /// (`parsePressureResource`): `some`/`full` lines with `avg10 avg60 avg300 total`; a
    /// malformed line makes the whole resource `error`; no line gives `not_found`.
    ///
    /// ```
    /// use nodewire_dash::report::{PressureResource, Status};
    /// let r = PressureResource::from_psi(
    ///     "some avg10=4.51 avg60=42.34 avg300=27.83 total=125035740\n\
    ///      full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
    /// );
    /// assert_eq!(r.status, Status::Ok);
    /// assert_eq!(r.some.map(|s| s.total), Some(125035740));
    /// assert_eq!(PressureResource::from_psi("").status, Status::NotFound);
    /// assert_eq!(PressureResource::from_psi("some avg10=x").status, Status::Error);
    /// ```
    pub fn from_psi(text: &str) -> Self {
        parse_resource(text).unwrap_or_else(|| Self::status(Status::Error))
    }
}

fn parse_resource(text: &str) -> Option<PressureResource> {
    let mut resource = PressureResource::status(Status::Ok);
    for line in text.split('\n') {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Some((&kind, rest)) = fields.split_first() else {
            continue;
        };
        if fields.len() < 5 {
            return None;
        }
        let stats = parse_stats(rest)?;
        match kind {
            "some" => resource.some = Some(stats),
            "full" => resource.full = Some(stats),
            _ => {}
        }
    }
    if resource.some.is_none() && resource.full.is_none() {
        resource.status = Status::NotFound;
    }
    Some(resource)
}

fn parse_stats(fields: &[&str]) -> Option<PressureStats> {
    let mut stats = PressureStats::default();
    let mut seen = [false; 4];
    for field in fields {
        let (key, value) = field.split_once('=')?;
        let slot = match key {
            "avg10" => {
                stats.avg10 = value.parse().ok()?;
                0
            }
            "avg60" => {
                stats.avg60 = value.parse().ok()?;
                1
            }
            "avg300" => {
                stats.avg300 = value.parse().ok()?;
                2
            }
            "total" => {
                stats.total = value.parse().ok()?;
                3
            }
            _ => continue,
        };
        if let Some(flag) = seen.get_mut(slot) {
            *flag = true;
        }
    }
    seen.iter().all(|s| *s).then_some(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psi_files() {
        let cpu =
            PressureResource::from_psi("some avg10=0.01 avg60=0.02 avg300=0.03 total=123456\n");
        assert_eq!(cpu.status, Status::Ok);
        assert!(cpu.full.is_none());
        let missing = PressureResource::from_psi("some avg10=0.01 avg60=0.02 avg300=0.03\n");
        assert_eq!(missing.status, Status::Error);
        let short = PressureResource::from_psi("some avg10=1\n");
        assert_eq!(short.status, Status::Error);
        let negative_total = PressureResource::from_psi("some avg10=0 avg60=0 avg300=0 total=-1\n");
        assert_eq!(negative_total.status, Status::Error);
        assert_eq!(
            PressureResource::unreadable(ReadFailure::NotFound).status,
            Status::Unsupported
        );
        assert_eq!(
            PressureResource::unreadable(ReadFailure::PermissionDenied).status,
            Status::NoPermission
        );
    }

    #[test]
    fn unsupported_encodes_as_the_agent() -> Result<(), serde_json::Error> {
        assert_eq!(
            serde_json::to_string(&Pressure::unsupported())?,
            r#"{"cpu":{"status":"unsupported"},"memory":{"status":"unsupported"},"io":{"status":"unsupported"}}"#
        );
        Ok(())
    }
}
