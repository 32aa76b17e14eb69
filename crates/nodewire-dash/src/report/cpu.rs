//! `metrics.cpu` (`CPU`, `CPUTimes`, `types.go:24-38`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// CPU usage and load (`CPU`). [`Default`] is all zeros.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[doc(alias = "CPU")]
#[non_exhaustive]
pub struct Cpu {
    /// Busy fraction of all CPUs since the previous sample, ratio `0..=1` (clamped).
    pub usage_ratio: f64,
    /// 1-minute load average; [`Cpu::LOAD_UNAVAILABLE`] (`-1`) on Windows or when the load
    /// could not be read.
    pub load1: f64,
    /// 5-minute load average; `-1` when unavailable.
    pub load5: f64,
    /// 15-minute load average; `-1` when unavailable.
    pub load15: f64,
    /// Cumulative CPU times since boot.
    pub times: CpuTimes,
}

impl Cpu {
    /// The load sentinel the agent sends when there is no load average (always on Windows).
    /// Newer Dash versions refuse it (`load >= 0`), which is why
    /// [`Checks::PresenceAndRanges`](crate::validate::Checks::PresenceAndRanges) is not the
    /// default.
    pub const LOAD_UNAVAILABLE: f64 = -1.0;

    /// `false` when the agent sent the `-1` sentinel (or any negative load).
    pub fn has_load(&self) -> bool {
        self.load1 >= 0.0 && self.load5 >= 0.0 && self.load15 >= 0.0
    }

    /// Busy share of all CPUs since the previous sample, in percent `0..=100`: `usage_ratio` (a ratio `0..=1`) × 100.
    pub fn usage_percent(&self) -> f64 {
        self.usage_ratio * 100.0
    }
}

/// Cumulative CPU time since boot, all CPUs added together, in **CPU-seconds** (gopsutil
/// `cpu.Times(false)`), not ratios (`CPUTimes`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[doc(alias = "CPUTimes")]
#[non_exhaustive]
pub struct CpuTimes {
    /// User time, CPU-seconds.
    pub user: f64,
    /// System time, CPU-seconds.
    pub system: f64,
    /// Idle time, CPU-seconds.
    pub idle: f64,
    /// IO wait time, CPU-seconds (0 off Linux).
    pub iowait: f64,
    /// Time stolen by the hypervisor, CPU-seconds (0 off Linux).
    pub steal: f64,
}
