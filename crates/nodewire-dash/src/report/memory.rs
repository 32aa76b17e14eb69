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
