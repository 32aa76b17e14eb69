//! `metrics.raid` (`Raid`, `RaidArray`, `RaidMember`, `types.go:257-278`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

nodewire_common::open_enum! {
    /// Array or pool health: `healthy`, `degraded`, `unknown` for md arrays; ZFS-derived
    /// labels are kept as sent.
    #[rename_all = "snake_case"]
    pub enum Health {
        /// All members working.
        Healthy,
        /// A member failed or is missing.
        Degraded,
        /// Could not tell.
        Unknown,
    }
}

nodewire_common::open_enum! {
    /// The state of one RAID member.
    #[rename_all = "snake_case"]
    pub enum MemberState {
        /// Working.
        Up,
        /// Failed or removed.
        Down,
        /// Could not tell.
        Unknown,
    }
}

/// Software RAID (`Raid`). Off Linux, `supported` is `false`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Raid {
    /// RAID is collected on this platform (Linux).
    pub supported: bool,
    /// At least one md or ZFS array was found.
    pub available: bool,
    /// The arrays; `[]` when none.
    pub arrays: Vec<RaidArray>,
}

/// One array (`RaidArray`). Build one with [`RaidArray::new`] and set the counts and members
/// on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RaidArray {
    /// Array name (`md0`).
    pub name: String,
    /// md `array_state` or pool state (`active`, `clean`).
    pub status: String,
    /// Active devices (Go `int`).
    pub active: i64,
    /// Working devices (Go `int`).
    pub working: i64,
    /// Failed devices (Go `int`).
    pub failed: i64,
    /// Overall health.
    pub health: Health,
    /// The members; `[]` when none.
    pub members: Vec<RaidMember>,
    /// The kernel's sync line while a resync or check runs.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sync_status: String,
    /// Sync progress as text (`"8.5%"`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sync_progress: String,
}

impl RaidArray {
    /// The array `name` in state `status` with `health`, no devices counted, no members and
    /// no sync running.
    ///
    /// ```
    /// use nodewire_dash::report::{Health, MemberState, RaidArray, RaidMember};
    /// let mut md0 = RaidArray::new("md0", "clean", Health::Healthy);
    /// md0.active = 2;
    /// md0.working = 2;
    /// md0.members = vec![
    ///     RaidMember::new("sda1", MemberState::Up),
    ///     RaidMember::new("sdb1", MemberState::Up),
    /// ];
    /// assert_eq!(serde_json::to_value(&md0).unwrap()["members"][1]["name"], "sdb1");
    /// ```
    pub fn new(name: impl Into<String>, status: impl Into<String>, health: Health) -> Self {
        Self {
            name: name.into(),
            status: status.into(),
            active: 0,
            working: 0,
            failed: 0,
            health,
            members: Vec::new(),
            sync_status: String::new(),
            sync_progress: String::new(),
        }
    }
}

/// One member (`RaidMember`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RaidMember {
    /// Member device (`sda1`).
    pub name: String,
    /// Its state.
    pub state: MemberState,
}

impl RaidMember {
    /// The member device `name` in `state`.
    pub fn new(name: impl Into<String>, state: MemberState) -> Self {
        Self {
            name: name.into(),
            state,
        }
    }
}
