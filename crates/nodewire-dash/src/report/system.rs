//! `metrics.system`, `metrics.processes`, `metrics.connections` (`types.go:223-236`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Liveness and uptime (`System`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct System {
    /// Always `true` from a running agent.
    pub alive: bool,
    /// Seconds since boot.
    pub uptime_seconds: u64,
    /// Uptime as `"%dd %dh %dm"`, e.g. `"0d 0h 11m"` (the `"01d 10h 17m 36s"` of the
    /// upstream docs is not what the agent sends). Dash refuses a blank one.
    pub uptime: String,
}

impl System {
    /// The section for an uptime, with the agent's text format.
    ///
    /// ```
    /// let s = nodewire_dash::report::System::new(123_456);
    /// assert_eq!(s.uptime, "1d 10h 17m");
    /// ```
    pub fn new(uptime_seconds: u64) -> Self {
        Self {
            alive: true,
            uptime_seconds,
            uptime: format_uptime(uptime_seconds),
        }
    }
}

/// The agent's uptime text (`formatUptime`, `utils.go:15-23`): whole days, hours and minutes.
pub fn format_uptime(seconds: u64) -> String {
    let days = seconds / 86_400;
    let hours = seconds % 86_400 / 3_600;
    let minutes = seconds % 3_600 / 60;
    format!("{days}d {hours}h {minutes}m")
}

/// Process count (`Processes`), refreshed every eighth sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Processes {
    /// Number of processes (Go `int`).
    pub process_count: i64,
}

impl Processes {
    /// `process_count` processes.
    pub fn new(process_count: i64) -> Self {
        Self { process_count }
    }
}

/// Socket counts (`Connections`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Connections {
    /// TCP sockets (Go `int`).
    pub tcp_count: i64,
    /// UDP sockets (Go `int`).
    pub udp_count: i64,
}

impl Connections {
    /// `tcp_count` TCP and `udp_count` UDP sockets.
    pub fn new(tcp_count: i64, udp_count: i64) -> Self {
        Self {
            tcp_count,
            udp_count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_text() {
        assert_eq!(format_uptime(0), "0d 0h 0m");
        assert_eq!(format_uptime(664), "0d 0h 11m");
        assert_eq!(format_uptime(86_400 * 3 + 3_600 * 4 + 59), "3d 4h 0m");
    }
}
