//! `POST /node/heartbeat` (gRPC `Heartbeat`): the node says it is alive and which config
//! revision it runs; Core answers whether it must sync.
//!
//! ```
//! use nodewire_core::heartbeat::NodeHeartbeatDto;
//! let dto = NodeHeartbeatDto::default().revision(7);
//! assert_eq!(serde_json::to_string(&dto)?, r#"{"revision":7}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::envelope::OkTrue;
use crate::values::IpAddress;

/// `NodeHeartbeatDto`. Both members are optional, and so is the body itself: an empty body
/// means `{}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NodeHeartbeatDto {
    /// The node's public IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddress>,
    /// The config revision the node runs; Core compares it with the latest to decide
    /// `needSync`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u64>,
}

impl NodeHeartbeatDto {
    nodewire_common::setters! {
        /// Sets the node's public IP address.
        ip(ip: IpAddress);
        /// Sets the config revision the node runs.
        revision(revision: u64);
    }
}

/// `{ ok: true, needSync }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct HeartbeatResponse {
    /// Always `true`.
    pub ok: OkTrue,
    /// The node is behind: fetch the latest config, apply it, confirm it.
    #[serde(rename = "needSync")]
    pub need_sync: bool,
}

impl HeartbeatResponse {
    /// The answer with `needSync` set to `need_sync`.
    pub fn new(need_sync: bool) -> Self {
        Self {
            ok: OkTrue,
            need_sync,
        }
    }
}
