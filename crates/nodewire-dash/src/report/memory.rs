//! `metrics.memory` (`Memory`, `types.go:40-49`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Memory and swap (`Memory`). There is no `total` here: totals are in
/// [`StaticMemory`](crate::static_info::StaticMemory).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Memory {
    /// Used memory, bytes.
    pub used: u64,
    /// Available memory, bytes.
    pub available: u64,
    /// Buffers, bytes (0 on Windows and macOS).
    pub buffers: u64,
    /// Page cache, bytes (0 on Windows).
    pub cached: u64,
    /// Used fraction of total memory, ratio `0..=1`.
    pub used_ratio: f64,
    /// Used swap, bytes.
    pub swap_used: u64,
    /// Free swap, bytes.
    pub swap_free: u64,
    /// Used fraction of swap, ratio `0..=1` (0 without swap).
    pub swap_used_ratio: f64,
}

impl Memory {
    /// Used memory, in bytes (`used`).
    ///
    /// ```
    /// let body = std::fs::read("tests/fixtures/live-push/003-metrics.request.json").unwrap();
    /// let report: nodewire_dash::NodeReport = serde_json::from_slice(&body).unwrap();
    /// let memory = &report.metrics.memory;
    /// assert_eq!(memory.used_bytes(), 1_343_033_344);
    /// assert!((memory.used_percent() - 5.313).abs() < 0.001);
    /// ```
    pub fn used_bytes(&self) -> u64 {
        self.used
    }

    /// Available memory, in bytes (`available`).
    pub fn available_bytes(&self) -> u64 {
        self.available
    }

    /// Buffers, in bytes (`buffers`; 0 on Windows and macOS).
    pub fn buffers_bytes(&self) -> u64 {
        self.buffers
    }

    /// Page cache, in bytes (`cached`; 0 on Windows).
    pub fn cached_bytes(&self) -> u64 {
        self.cached
    }

    /// Used swap, in bytes (`swap_used`).
    pub fn swap_used_bytes(&self) -> u64 {
        self.swap_used
    }

    /// Free swap, in bytes (`swap_free`).
    pub fn swap_free_bytes(&self) -> u64 {
        self.swap_free
    }

    /// Used share of total memory, in percent `0..=100`: `used_ratio` (a ratio `0..=1`) × 100.
    pub fn used_percent(&self) -> f64 {
        self.used_ratio * 100.0
    }

    /// Used share of swap (0 without swap), in percent `0..=100`: `swap_used_ratio` (a ratio `0..=1`) × 100.
    pub fn swap_used_percent(&self) -> f64 {
        self.swap_used_ratio * 100.0
    }
}
