//! `GET/POST {P}/info`: the master's system information and alias (contract §7).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::instances::MasterAlias;
use crate::url::TlsCode;

/// The `/info` object (`GetMasterInfo`, a Go map, so its keys come out sorted; the fields
/// here are declared in that order). Off Linux, the numeric system fields are 0 and `cpu`
/// is -1.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MasterInfo {
    /// The master alias (stored on the API-key instance).
    pub alias: String,
    /// `runtime.GOARCH` (`amd64`, `arm64`, …).
    pub arch: String,
    /// CPU usage in percent over a 100 ms sample; -1 when unknown.
    pub cpu: i64,
    /// The master's `crt` path.
    pub crt: String,
    /// Disk bytes read (sectors × 512, `/proc/diskstats`).
    pub diskr: u64,
    /// Disk bytes written.
    pub diskw: u64,
    /// The master's `key` path (a file path, not a secret).
    pub key: String,
    /// The master's `log` query value.
    pub log: String,
    /// Total memory, bytes.
    pub mem_total: u64,
    /// Used memory (total − available), bytes.
    pub mem_used: u64,
    /// The master id (16 hex); empty on the very first start of a master (upstream bug: it is
    /// only set when the API-key instance is loaded from the state file).
    pub mid: String,
    /// The TLS server name if set, else the listen host (empty for `master://:9090`).
    pub name: String,
    /// Network bytes received (all interfaces but lo, veth, docker, podman, br-, virbr).
    pub netrx: u64,
    /// Network bytes sent.
    pub nettx: u64,
    /// v2 only: the number of CPU cores (`runtime.NumCPU()`); absent from v1.14.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noc: Option<u64>,
    /// `runtime.GOOS`.
    pub os: String,
    /// Total swap, bytes.
    pub swap_total: u64,
    /// Used swap, bytes.
    pub swap_used: u64,
    /// System uptime, seconds.
    pub sysup: u64,
    /// The master's effective TLS code.
    pub tls: TlsCode,
    /// Master uptime, seconds.
    pub uptime: u64,
    /// The build version (`dev` when unset).
    pub ver: String,
}

impl MasterInfo {
    /// The master's release, parsed from [`ver`](Self::ver) (`v2.0.0-b10`, `v1.14.0`), to
    /// compare with the release a route needs
    /// ([`Endpoint::HISTORY`](nodewire_common::Endpoint::HISTORY)); record it on a client with
    /// `Client::note_server_release`.
    ///
    /// ```
    /// let info: nodewire_nodepass::info::MasterInfo = serde_json::from_str(
    ///     r#"{"alias":"","arch":"amd64","cpu":0,"crt":"","diskr":0,"diskw":0,"key":"",
    ///     "log":"info","mem_total":0,"mem_used":0,"mid":"","name":"127.0.0.1","netrx":0,
    ///     "nettx":0,"os":"linux","swap_total":0,"swap_used":0,"sysup":1,"tls":"0",
    ///     "uptime":0,"ver":"v1.14.0"}"#,
    /// ).unwrap();
    /// let mcp = nodewire_nodepass::endpoints::Mcp::HISTORY;
    /// use nodewire_common::Endpoint;
    /// assert!(matches!(
    ///     mcp.decision_for(&info.release().unwrap()),
    ///     nodewire_common::version::VersioningDecision::Unsupported { added: "v1.16.0-b1" }
    /// ));
    /// ```
    pub fn release(
        &self,
    ) -> Result<nodewire_common::version::Release, nodewire_common::version::ReleaseError> {
        self.ver.parse()
    }
}

/// `POST /info` body (`UpdateMasterAliasRequest`). The master treats a missing `alias` as
/// empty (`{}` clears the alias).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UpdateMasterAliasRequest {
    /// The new alias (at most 256 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<MasterAlias>,
}

impl UpdateMasterAliasRequest {
    /// A body that sets `alias` (the default body, `{}`, clears it).
    pub fn new(alias: MasterAlias) -> Self {
        Self { alias: Some(alias) }
    }

    /// Sets the alias.
    #[must_use]
    pub fn alias(mut self, alias: MasterAlias) -> Self {
        self.alias = Some(alias);
        self
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        MasterInfo,
        UpdateMasterAliasRequest,
    ]);
}
