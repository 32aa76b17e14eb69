//! `GET /v1/interfaces`.

use nodewire_common::Patch;

use super::{Answer, MockKernel, ok};
use crate::interfaces::{
    InterfaceAddressSummary, InterfaceKindSummary, InterfaceListResponse, InterfaceSummary,
};

impl MockKernel {
    /// `GET /v1/interfaces`: the loopback interface only.
    pub(super) fn list_interfaces(&self) -> Answer {
        ok(InterfaceListResponse {
            interfaces: Some(vec![InterfaceSummary {
                name: Some("lo".to_owned()),
                mac: Patch::Null,
                mtu: Patch::Value(65536),
                is_up: Some(true),
                is_loopback: Some(true),
                kind: Some(InterfaceKindSummary::Virtual),
                addresses: Some(vec![InterfaceAddressSummary {
                    family: Some("ipv4".to_owned()),
                    address: Some("127.0.0.1".to_owned()),
                    prefix: Some(8),
                }]),
            }]),
        })
    }
}
