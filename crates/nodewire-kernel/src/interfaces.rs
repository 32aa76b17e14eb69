//! `GET /v1/interfaces`: the host's network interfaces (core.yaml:1515-1554).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::wire::wire_struct;

wire_struct! {
    /// The body of `GET /v1/interfaces` (core.yaml:1515). When probing fails the kernel answers
    /// an empty list and logs a warning.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct InterfaceListResponse {
        /// Every interface.
        interfaces?: Vec<InterfaceSummary>,
    }
}

wire_struct! {
    /// One interface (core.yaml:1522).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct InterfaceSummary {
        /// Interface name (`lo0`, `eth0`).
        name?: String,
        /// MAC address (`null` for loopback).
        mac?: null String,
        /// MTU.
        mtu?: null u32,
        /// Administratively up.
        is_up?: bool,
        /// A loopback interface.
        is_loopback?: bool,
        /// Physical or virtual.
        kind?: InterfaceKindSummary,
        /// Its addresses.
        addresses?: Vec<InterfaceAddressSummary>,
    }
}

nodewire_common::open_enum! {
    /// Whether an interface is a physical device (core.yaml:1543).
    #[rename_all = "snake_case"]
    pub enum InterfaceKindSummary {
        /// A physical device.
        Physical,
        /// A virtual device (loopback, tunnel, bridge).
        Virtual,
    }
}

wire_struct! {
    /// One address of an interface (core.yaml:1546).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct InterfaceAddressSummary {
        /// `ipv4` or `ipv6` (plain string in the spec).
        family?: String,
        /// The address, without prefix.
        address?: String,
        /// Prefix length.
        prefix?: u8,
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        InterfaceListResponse,
        InterfaceSummary,
        InterfaceKindSummary,
        InterfaceAddressSummary,
    ]);
}
