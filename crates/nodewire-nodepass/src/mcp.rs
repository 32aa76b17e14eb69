//! v2 only: the MCP endpoint `POST {prefix}/v2`, JSON-RPC 2.0 (contract `nodepass.md` §10;
//! upstream `internal/master/mcp.go`, `types.go` `MCPRequest`, `MCPResponse`,
//! `MCPToolCallParams`). A v1.14 master has no such route.
//!
//! The endpoint sits next to the API base, not under it: `/api/v2` for the default prefix
//! ([`MasterUrl::mcp_path`](crate::url::MasterUrl::mcp_path)). It needs the same `X-API-Key`,
//! answers `405 {"error":"Method not allowed"}` to any method but `POST` (and `OPTIONS`), and
//! answers every JSON-RPC message with HTTP `200`, failures included ([`McpError`]).
//!
//! - [`McpRequest`]: `jsonrpc`, `id` (string, number, `null` or absent, kept exactly),
//!   `method` ([`McpMethod`], open) and `params`, typed by method: [`InitializeParams`],
//!   [`ToolsListParams`], [`McpToolCallParams`] with typed [`ToolArguments`] for each of the
//!   19 tools ([`ToolName`], open; an unknown tool keeps its arguments as JSON).
//! - [`McpResponse`]: `result` ([`McpResult`]: [`InitializeResult`], [`ToolsListResult`],
//!   [`ToolCallResult`]) or `error` ([`McpError`] with an open [`ErrorCode`]).
//! - [`tools`]: the 19 tools as `tools/list` describes them.
//! - [`read_request`] and [`error_response`]: the handler's reading of a request, as Go's
//!   decoder reads it, for mocks and proxies.
//!
//! What the master does that its MCP description does not say:
//!
//! - `id` is echoed through Go's `any`: a `null` id is **omitted** from the answer, and a
//!   number comes back as a float64 (`1` stays `1`; integers beyond 2^53 lose precision).
//!   Ids of any JSON type are echoed, not only strings and numbers.
//! - Unknown keys are ignored everywhere; in `create_instance`, every other *string*
//!   argument becomes a query parameter of the instance URL. Arguments of the wrong JSON type
//!   are treated as absent by the master (this crate's typed arguments refuse them).
//! - `update_instance` sets each given `peer` field on its own (REST PATCH replaces the whole
//!   peer) and formats non-string tag values with Go's `%v`.
//! - `set_instance_connection`'s `type` (pool type) goes through the same update as
//!   `set_instance_basic`'s role, so any value but `client`/`server` fails with
//!   `SetInstanceURL: invalid type: must be 'client' or 'server'`.
//! - `list_instances` answers `"instances": null` when there are none (a nil Go slice), and
//!   `get_instance` returns the API-key instance (with the key) for id `********`.

use std::collections::BTreeMap;
use std::fmt;

use nodewire_common::Patch;
use nodewire_common::secret::{REDACTED, is_secret_member, redact_url, redacted};
use schemars::JsonSchema;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::info::MasterInfo;
use crate::instances::{
    Action, Instance, InstanceAlias, InstanceId, MasterAlias, Meta, PeerAlias, PeerSid, PeerType,
    TagKey,
};
use crate::tcping::TCPingResult;

/// The MCP protocol version the master announces (`MCPVersion`).
pub const PROTOCOL_VERSION: &str = "2025-11-25";

/// The only `jsonrpc` value the master accepts.
pub const JSONRPC_VERSION: &str = "2.0";

/// `serverInfo.name` in the `initialize` answer.
pub const SERVER_NAME: &str = "NodePass Master";

/// The file `export_instances` writes and `import_instances` reads, next to the state file
/// (`<dir of the nodepass executable>/gob/nodepass.json`).
pub const EXPORT_FILE_NAME: &str = "nodepass.json";

/// Keeps a field's presence: absent → `None`, `null` → `Some(null form)`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A JSON-RPC id as sent: JSON-RPC allows a string, a number or `null`; the master echoes
/// any JSON value, so other values are kept too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RequestId {
    /// A string id.
    String(String),
    /// A number id, exactly as written.
    Number(serde_json::Number),
    /// `null` (the master omits the id from its answer then).
    Null,
    /// Any other JSON value (outside JSON-RPC; the master echoes it).
    Other(Value),
}

impl From<&str> for RequestId {
    fn from(id: &str) -> Self {
        Self::String(id.to_owned())
    }
}

impl From<u64> for RequestId {
    fn from(id: u64) -> Self {
        Self::Number(id.into())
    }
}

nodewire_common::open_enum! {
    /// A JSON-RPC method the master handles (any other gets `-32601 Method not found`).
    pub enum McpMethod {
        /// `initialize`: protocol version, server info, capabilities.
        Initialize = "initialize",
        /// `tools/list`: the 19 tools.
        ToolsList = "tools/list",
        /// `tools/call`: run one tool.
        ToolsCall = "tools/call",
    }
}

nodewire_common::open_enum! {
    /// A tool name (any other gets `-32602 Invalid params`, data `unknown tool`).
    #[rename_all = "snake_case"]
    pub enum ToolName {
        /// Every instance but the API-key one.
        ListInstances,
        /// One instance.
        GetInstance,
        /// Create an instance from structured settings.
        CreateInstance,
        /// Alias, restart policy, peer, tags.
        UpdateInstance,
        /// Start, stop, restart, reset.
        ControlInstance,
        /// Role, tunnel and target addresses, log level.
        SetInstanceBasic,
        /// Password, TLS, certificate, SNI.
        SetInstanceSecurity,
        /// Run mode, pool type, pool sizes.
        SetInstanceConnection,
        /// DNS TTL, source IP, read timeout, rate, slots.
        SetInstanceNetwork,
        /// TCP/UDP switches, PROXY protocol.
        SetInstanceProtocol,
        /// Protocol blocking, load balancing.
        SetInstanceTraffic,
        /// Any URL query parameters.
        SetInstanceAdvanced,
        /// The instance's `config` URL as a structured object.
        GetInstanceConfig,
        /// Stop and remove an instance.
        DeleteInstance,
        /// Write every instance to `nodepass.json`.
        ExportInstances,
        /// Create instances from `nodepass.json`.
        ImportInstances,
        /// A TCP connect from the master.
        TcpingTarget,
        /// The `/info` object.
        GetMasterInfo,
        /// Set the master alias.
        UpdateMasterInfo,
    }
}

nodewire_common::open_enum! {
    /// An instance role in tool arguments (`create_instance` refuses any other).
    #[rename_all = "snake_case"]
    pub enum McpRole {
        /// A server instance.
        Server,
        /// A client instance.
        Client,
    }
}

nodewire_common::open_enum! {
    /// The type of a content item in a tool result.
    #[rename_all = "snake_case"]
    pub enum ContentType {
        /// Plain text (the only type the master sends).
        Text,
    }
}

/// A JSON-RPC error code: the five the master sends, or any other, kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `-32700 Parse error`: the body is not a request object (or a field has the wrong type).
    ParseError,
    /// `-32600 Invalid Request`: `jsonrpc` is not `"2.0"` (data `jsonrpc must be 2.0`).
    InvalidRequest,
    /// `-32601 Method not found` (data: the method).
    MethodNotFound,
    /// `-32602 Invalid params`: bad `tools/call` params, an unknown tool, a missing or bad
    /// argument, an unknown instance, a refused update.
    InvalidParams,
    /// `-32603 Internal error`: export or import file errors.
    InternalError,
    /// Any other code.
    Other(i64),
}

impl ErrorCode {
    /// The number.
    pub fn code(self) -> i64 {
        match self {
            Self::ParseError => -32700,
            Self::InvalidRequest => -32600,
            Self::MethodNotFound => -32601,
            Self::InvalidParams => -32602,
            Self::InternalError => -32603,
            Self::Other(code) => code,
        }
    }

    /// The `message` the master sends with this code (`None` for other codes).
    pub fn master_message(self) -> Option<&'static str> {
        match self {
            Self::ParseError => Some("Parse error"),
            Self::InvalidRequest => Some("Invalid Request"),
            Self::MethodNotFound => Some("Method not found"),
            Self::InvalidParams => Some("Invalid params"),
            Self::InternalError => Some("Internal error"),
            Self::Other(_) => None,
        }
    }

    /// `false` for [`ErrorCode::Other`].
    pub fn is_known(self) -> bool {
        !matches!(self, Self::Other(_))
    }
}

impl From<i64> for ErrorCode {
    fn from(code: i64) -> Self {
        match code {
            -32700 => Self::ParseError,
            -32600 => Self::InvalidRequest,
            -32601 => Self::MethodNotFound,
            -32602 => Self::InvalidParams,
            -32603 => Self::InternalError,
            other => Self::Other(other),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        i64::deserialize(d).map(Self::from)
    }
}

nodewire_common::fixed_schema!(ErrorCode, {
    "type": "integer",
    "description": "A JSON-RPC error code. The master sends -32700 (parse error), -32600 (invalid request), -32601 (method not found), -32602 (invalid params) and -32603 (internal error); other codes are kept.",
    "examples": [-32700, -32600, -32601, -32602, -32603]
});

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

/// A JSON-RPC request to the master (`MCPRequest`).
///
/// Decoding checks `jsonrpc` is `"2.0"` and types `params` by method; unknown keys are
/// ignored, as the master ignores them. Build requests with [`McpRequest::initialize`],
/// [`McpRequest::tools_list`] and [`McpRequest::call_tool`].
///
/// ```
/// use nodewire_nodepass::mcp::{McpRequest, ToolArguments, InstanceIdArguments};
/// use nodewire_nodepass::instances::InstanceId;
/// let id = InstanceId::new("4abf2548").unwrap();
/// let call = McpRequest::call_tool(7, ToolArguments::GetInstance(InstanceIdArguments::new(id)));
/// assert_eq!(
///     serde_json::to_string(&call).unwrap(),
///     r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_instance","arguments":{"id":"4abf2548"}}}"#
/// );
/// let back: McpRequest = serde_json::from_str(&serde_json::to_string(&call).unwrap()).unwrap();
/// assert_eq!(back, call);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct McpRequest {
    /// Always `"2.0"`.
    #[schemars(extend("const" = "2.0"))]
    pub jsonrpc: String,
    /// The id; `None` when absent (a notification in JSON-RPC terms, though the master
    /// answers it all the same).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<RequestId>,
    /// The method.
    pub method: McpMethod,
    /// The params, typed by method; `None` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<McpParams>,
}

impl McpRequest {
    /// A request of any method, without params (the shortcuts below cover the three the
    /// master handles).
    pub fn new(id: impl Into<RequestId>, method: McpMethod) -> Self {
        Self {
            jsonrpc: JSONRPC_VERSION.to_owned(),
            id: Some(id.into()),
            method,
            params: None,
        }
    }

    /// Sets the params.
    #[must_use]
    pub fn params(mut self, params: McpParams) -> Self {
        self.params = Some(params);
        self
    }

    /// `initialize` with the client's parameters.
    pub fn initialize(id: impl Into<RequestId>, params: InitializeParams) -> Self {
        Self::new(id, McpMethod::Initialize).params(McpParams::Initialize(params))
    }

    /// `tools/list` without params.
    pub fn tools_list(id: impl Into<RequestId>) -> Self {
        Self::new(id, McpMethod::ToolsList)
    }

    /// `tools/call` of one tool.
    pub fn call_tool(id: impl Into<RequestId>, arguments: ToolArguments) -> Self {
        Self::new(id, McpMethod::ToolsCall)
            .params(McpParams::ToolsCall(McpToolCallParams::new(arguments)))
    }
}

/// The `params` of a request, by method.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum McpParams {
    /// `initialize`.
    Initialize(InitializeParams),
    /// `tools/list`.
    ToolsList(ToolsListParams),
    /// `tools/call`.
    ToolsCall(McpToolCallParams),
    /// Params of another method, or params the master does not read (`initialize` and
    /// `tools/list` params that are not an object), as sent.
    Other(Value),
}

/// The raw shape every request decodes through.
#[derive(Deserialize)]
struct RawRequest {
    jsonrpc: String,
    #[serde(default, deserialize_with = "present")]
    id: Option<RequestId>,
    method: McpMethod,
    #[serde(default, deserialize_with = "present")]
    params: Option<Value>,
}

/// Decodes `value` as `T`, naming the path under `at` on failure.
fn typed<T: DeserializeOwned, E: serde::de::Error>(value: Value, at: &str) -> Result<T, E> {
    nodewire_common::error::from_value(value).map_err(|e| {
        if e.path == "." {
            // A nested typed value (`arguments` inside `params`) already names its path.
            match e.message.strip_prefix("arguments") {
                Some(rest) if rest.starts_with(['.', ':']) => {
                    E::custom(format!("{at}.arguments{rest}"))
                }
                _ => E::custom(format!("{at}: {}", e.message)),
            }
        } else {
            E::custom(format!("{at}.{}: {}", e.path, e.message))
        }
    })
}

impl<'de> Deserialize<'de> for McpRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawRequest::deserialize(d)?;
        if raw.jsonrpc != JSONRPC_VERSION {
            return Err(D::Error::custom(format!(
                "jsonrpc: must be \"2.0\", got {:?} (the master answers -32600)",
                raw.jsonrpc
            )));
        }
        let params = match (raw.params, &raw.method) {
            (None, _) => None,
            (Some(v @ Value::Object(_)), McpMethod::Initialize) => {
                Some(McpParams::Initialize(typed(v, "params")?))
            }
            (Some(v @ Value::Object(_)), McpMethod::ToolsList) => {
                Some(McpParams::ToolsList(typed(v, "params")?))
            }
            (Some(v), McpMethod::ToolsCall) => Some(McpParams::ToolsCall(typed(v, "params")?)),
            (Some(v), _) => Some(McpParams::Other(v)),
        };
        Ok(Self {
            jsonrpc: raw.jsonrpc,
            id: raw.id,
            method: raw.method,
            params,
        })
    }
}

/// The name and version of an MCP client or server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Implementation {
    /// The name (`NodePass Master` for the master).
    pub name: String,
    /// The version (the master's build version, `dev` when unset).
    pub version: String,
}

impl Implementation {
    /// A `Implementation` with every field given.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
        }
    }
}

/// `initialize` params (the master reads none of them).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct InitializeParams {
    /// The protocol version the client speaks.
    #[serde(
        rename = "protocolVersion",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub protocol_version: Option<String>,
    /// The client's capabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Map<String, Value>>,
    /// The client.
    #[serde(
        rename = "clientInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub client_info: Option<Implementation>,
}

impl InitializeParams {
    nodewire_common::setters! {
        /// Sets the protocol version.
        protocol_version(version: impl Into<String>);
        /// Sets the capabilities.
        capabilities(capabilities: Map<String, Value>);
        /// Sets the client.
        client_info(client: Implementation);
    }
}

/// `tools/list` params (the master reads none; it has no pagination).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ToolsListParams {
    /// A pagination cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

impl ToolsListParams {
    /// Sets the cursor.
    #[must_use]
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }
}

/// `tools/call` params (`MCPToolCallParams`): the tool and its arguments, typed by tool.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct McpToolCallParams {
    /// The tool.
    pub name: ToolName,
    /// Its arguments; `None` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<ToolArguments>,
}

impl McpToolCallParams {
    /// A call of the tool `arguments` belong to.
    pub fn new(arguments: ToolArguments) -> Self {
        Self {
            name: arguments.tool(),
            arguments: Some(arguments),
        }
    }

    /// A call of `name` without `arguments` (the master reads them as empty).
    pub fn without_arguments(name: ToolName) -> Self {
        Self {
            name,
            arguments: None,
        }
    }
}

#[derive(Deserialize)]
struct RawToolCall {
    name: ToolName,
    #[serde(default, deserialize_with = "present")]
    arguments: Option<Value>,
}

impl<'de> Deserialize<'de> for McpToolCallParams {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawToolCall::deserialize(d)?;
        let arguments = match raw.arguments {
            None => {
                if raw.name.is_known() && !ToolArguments::all_optional(&raw.name) {
                    return Err(D::Error::custom(format!(
                        "arguments: missing, `{}` requires some",
                        raw.name
                    )));
                }
                None
            }
            Some(value) => Some(ToolArguments::decode::<D::Error>(&raw.name, value)?),
        };
        Ok(Self {
            name: raw.name,
            arguments,
        })
    }
}

/// The arguments of a tool call, by tool. Decoding ignores keys a tool does not read, as the
/// master does (in `create_instance` they become query parameters: [`CreateInstanceArguments::extra`]).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ToolArguments {
    /// `list_instances`.
    ListInstances(NoArguments),
    /// `get_instance`.
    GetInstance(InstanceIdArguments),
    /// `create_instance`.
    CreateInstance(Box<CreateInstanceArguments>),
    /// `update_instance`.
    UpdateInstance(UpdateInstanceArguments),
    /// `control_instance`.
    ControlInstance(ControlInstanceArguments),
    /// `set_instance_basic`.
    SetInstanceBasic(SetInstanceBasicArguments),
    /// `set_instance_security`.
    SetInstanceSecurity(SetInstanceSecurityArguments),
    /// `set_instance_connection`.
    SetInstanceConnection(SetInstanceConnectionArguments),
    /// `set_instance_network`.
    SetInstanceNetwork(SetInstanceNetworkArguments),
    /// `set_instance_protocol`.
    SetInstanceProtocol(SetInstanceProtocolArguments),
    /// `set_instance_traffic`.
    SetInstanceTraffic(SetInstanceTrafficArguments),
    /// `set_instance_advanced`.
    SetInstanceAdvanced(SetInstanceAdvancedArguments),
    /// `get_instance_config`.
    GetInstanceConfig(InstanceIdArguments),
    /// `delete_instance`.
    DeleteInstance(InstanceIdArguments),
    /// `export_instances`.
    ExportInstances(NoArguments),
    /// `import_instances`.
    ImportInstances(NoArguments),
    /// `tcping_target`.
    TcpingTarget(TcpingTargetArguments),
    /// `get_master_info`.
    GetMasterInfo(NoArguments),
    /// `update_master_info`.
    UpdateMasterInfo(UpdateMasterInfoArguments),
    /// Another tool's arguments, as sent (`name` says which tool).
    Other(Value),
}

impl ToolArguments {
    /// The tool these arguments belong to (`Other` has no name of its own: an unknown label
    /// `""`; use [`McpToolCallParams::name`]).
    pub fn tool(&self) -> ToolName {
        match self {
            Self::ListInstances(_) => ToolName::ListInstances,
            Self::GetInstance(_) => ToolName::GetInstance,
            Self::CreateInstance(_) => ToolName::CreateInstance,
            Self::UpdateInstance(_) => ToolName::UpdateInstance,
            Self::ControlInstance(_) => ToolName::ControlInstance,
            Self::SetInstanceBasic(_) => ToolName::SetInstanceBasic,
            Self::SetInstanceSecurity(_) => ToolName::SetInstanceSecurity,
            Self::SetInstanceConnection(_) => ToolName::SetInstanceConnection,
            Self::SetInstanceNetwork(_) => ToolName::SetInstanceNetwork,
            Self::SetInstanceProtocol(_) => ToolName::SetInstanceProtocol,
            Self::SetInstanceTraffic(_) => ToolName::SetInstanceTraffic,
            Self::SetInstanceAdvanced(_) => ToolName::SetInstanceAdvanced,
            Self::GetInstanceConfig(_) => ToolName::GetInstanceConfig,
            Self::DeleteInstance(_) => ToolName::DeleteInstance,
            Self::ExportInstances(_) => ToolName::ExportInstances,
            Self::ImportInstances(_) => ToolName::ImportInstances,
            Self::TcpingTarget(_) => ToolName::TcpingTarget,
            Self::GetMasterInfo(_) => ToolName::GetMasterInfo,
            Self::UpdateMasterInfo(_) => ToolName::UpdateMasterInfo,
            Self::Other(_) => ToolName::from(""),
        }
    }

    /// Tools whose every argument is optional.
    fn all_optional(name: &ToolName) -> bool {
        matches!(
            name,
            ToolName::ListInstances
                | ToolName::ExportInstances
                | ToolName::ImportInstances
                | ToolName::GetMasterInfo
        )
    }

    /// Decodes `value` as the arguments of `name`.
    fn decode<E: serde::de::Error>(name: &ToolName, value: Value) -> Result<Self, E> {
        const AT: &str = "arguments";
        Ok(match name {
            ToolName::ListInstances => Self::ListInstances(typed(value, AT)?),
            ToolName::GetInstance => Self::GetInstance(typed(value, AT)?),
            ToolName::CreateInstance => Self::CreateInstance(Box::new(typed(value, AT)?)),
            ToolName::UpdateInstance => Self::UpdateInstance(typed(value, AT)?),
            ToolName::ControlInstance => Self::ControlInstance(typed(value, AT)?),
            ToolName::SetInstanceBasic => Self::SetInstanceBasic(typed(value, AT)?),
            ToolName::SetInstanceSecurity => Self::SetInstanceSecurity(typed(value, AT)?),
            ToolName::SetInstanceConnection => Self::SetInstanceConnection(typed(value, AT)?),
            ToolName::SetInstanceNetwork => Self::SetInstanceNetwork(typed(value, AT)?),
            ToolName::SetInstanceProtocol => Self::SetInstanceProtocol(typed(value, AT)?),
            ToolName::SetInstanceTraffic => Self::SetInstanceTraffic(typed(value, AT)?),
            ToolName::SetInstanceAdvanced => Self::SetInstanceAdvanced(typed(value, AT)?),
            ToolName::GetInstanceConfig => Self::GetInstanceConfig(typed(value, AT)?),
            ToolName::DeleteInstance => Self::DeleteInstance(typed(value, AT)?),
            ToolName::ExportInstances => Self::ExportInstances(typed(value, AT)?),
            ToolName::ImportInstances => Self::ImportInstances(typed(value, AT)?),
            ToolName::TcpingTarget => Self::TcpingTarget(typed(value, AT)?),
            ToolName::GetMasterInfo => Self::GetMasterInfo(typed(value, AT)?),
            ToolName::UpdateMasterInfo => Self::UpdateMasterInfo(typed(value, AT)?),
            _ => Self::Other(value),
        })
    }
}

/// The arguments of a tool that takes none (`{}`; keys sent anyway are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct NoArguments {}

/// `{"id"}`: `get_instance`, `get_instance_config`, `delete_instance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct InstanceIdArguments {
    /// The instance (`********` is refused by every tool that changes an instance).
    pub id: InstanceId,
}

impl InstanceIdArguments {
    /// Arguments for `id`.
    pub fn new(id: InstanceId) -> Self {
        Self { id }
    }
}

macro_rules! string_arguments {
    (
        $(#[doc = $doc:literal])*
        $name:ident { $( $(#[doc = $fdoc:literal])* $field:ident $(as $wire:literal)? ),* $(,)? }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, derive_more::Debug)]
        #[non_exhaustive]
        pub struct $name {
            /// The instance (`********` is refused: `forbidden: API Key`).
            pub id: InstanceId,
            $(
                $(#[doc = $fdoc])*
                #[serde(default, skip_serializing_if = "Option::is_none" $(, rename = $wire)?)]
                // `Debug` hides the value of a credential argument
                // ([`is_secret_member`]: `password`).
                #[debug("{:?}", $field.as_deref().map(|value| {
                    if is_secret_member(stringify!($field)) { REDACTED } else { value }
                }))]
                pub $field: Option<String>,
            )*
        }

        impl $name {
            /// No change yet for `id` (the master refuses a call without any:
            /// `no updates provided`).
            pub fn new(id: InstanceId) -> Self {
                Self { id, $($field: None,)* }
            }

            $(
                #[doc = concat!("Sets `", stringify!($field), "`.")]
                #[must_use]
                pub fn $field(mut self, value: impl Into<String>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}

string_arguments!(
    /// `set_instance_basic`: empty strings mean "not given".
    SetInstanceBasicArguments {
        /// `server` or `client` (the URL scheme).
        role,
        /// The tunnel host.
        tunnel_address,
        /// The tunnel port.
        tunnel_port,
        /// The target host.
        target_address,
        /// The target port.
        target_port,
        /// `host1:port1,host2:port2…` (replaces the whole target path).
        targets,
        /// `log`.
        log,
    }
);

string_arguments!(
    /// `set_instance_security`: an empty `password`, `crt`, `key` or `sni` removes it; an
    /// empty `tls` means "not given".
    SetInstanceSecurityArguments {
        /// The userinfo of the URL.
        password,
        /// `tls`: `0`, `1`, `2`.
        tls,
        /// `crt`.
        crt,
        /// `key`.
        key,
        /// `sni`.
        sni,
    }
);

string_arguments!(
    /// `set_instance_connection`: empty strings mean "not given".
    SetInstanceConnectionArguments {
        /// `mode`: `0`, `1`, `2`.
        mode,
        /// The pool type `0`–`3`; the master refuses every value but `client`/`server` here
        /// (it shares the role's update).
        pool_type as "type",
        /// `min`.
        min,
        /// `max`.
        max,
    }
);

string_arguments!(
    /// `set_instance_network`: an empty value removes the parameter.
    SetInstanceNetworkArguments {
        /// `dns`.
        dns,
        /// `dial`.
        dial,
        /// `read`.
        read,
        /// `rate`.
        rate,
        /// `slot`.
        slot,
    }
);

string_arguments!(
    /// `set_instance_protocol`: an empty value removes the parameter.
    SetInstanceProtocolArguments {
        /// `notcp`: `0`, `1`.
        notcp,
        /// `noudp`: `0`, `1`.
        noudp,
        /// `proxy`: `0`, `1`.
        proxy,
    }
);

string_arguments!(
    /// `set_instance_traffic`: an empty value removes the parameter.
    SetInstanceTrafficArguments {
        /// `block`: digits of `1` SOCKS, `2` HTTP, `3` TLS.
        block,
        /// `lbs`: `0`, `1`, `2`.
        lbs,
    }
);

/// `create_instance`: the master builds
/// `role://[password@]tunnel_address:tunnel_port/(targets | target_address:target_port)`
/// and sets every other non-empty string argument as a query parameter.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, derive_more::Debug)]
#[non_exhaustive]
pub struct CreateInstanceArguments {
    /// The role (required: anything else but `server`/`client` is refused).
    pub role: McpRole,
    /// The alias.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// The tunnel host (empty: all interfaces / none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tunnel_address: Option<String>,
    /// The tunnel port (its tool schema marks it required; the master does not check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tunnel_port: Option<String>,
    /// The target host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_address: Option<String>,
    /// The target port (its tool schema marks it required; the master does not check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<String>,
    /// `host1:port1,host2:port2…`, used instead of the target address and port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<String>,
    /// The userinfo of the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // `Debug` hides the tunnel key.
    #[debug("{:?}", password.as_ref().map(|_| REDACTED))]
    pub password: Option<String>,
    /// Query parameters (`log`, `tls`, `crt`, `key`, `sni`, `dns`, `lbs`, `mode`, `type`,
    /// `min`, `max`, `dial`, `read`, `rate`, `slot`, `proxy`, `block`, `notcp`, `noudp`, or
    /// any other key): every non-empty string becomes `key=value`; other values are ignored.
    #[serde(flatten)]
    // `Debug` hides the value of any credential parameter (`upgrade_token`, …).
    #[debug("{:?}", redacted(extra))]
    pub extra: BTreeMap<String, Value>,
}

impl CreateInstanceArguments {
    /// A `role` instance on `tunnel_port` forwarding to `target_address:target_port`.
    pub fn new(
        role: McpRole,
        tunnel_port: impl Into<String>,
        target_address: impl Into<String>,
        target_port: impl Into<String>,
    ) -> Self {
        Self {
            role,
            alias: None,
            tunnel_address: None,
            tunnel_port: Some(tunnel_port.into()),
            target_address: Some(target_address.into()),
            target_port: Some(target_port.into()),
            targets: None,
            password: None,
            extra: BTreeMap::new(),
        }
    }

    /// Sets a query parameter.
    #[must_use]
    pub fn parameter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.insert(key.into(), Value::String(value.into()));
        self
    }

    nodewire_common::setters! {
        /// Sets the alias.
        alias(alias: impl Into<String>);

        /// Sets the tunnel host.
        tunnel_address(host: impl Into<String>);

        /// Sets the tunnel port.
        tunnel_port(port: impl Into<String>);

        /// Sets the target host.
        target_address(host: impl Into<String>);

        /// Sets the target port.
        target_port(port: impl Into<String>);

        /// Sets `targets` (`host1:port1,host2:port2…`), which the master uses instead of the
        /// target address and port.
        targets(targets: impl Into<String>);

        /// Sets the userinfo of the URL.
        password(password: impl Into<String>);
    }
}

/// `update_instance`'s `peer`: each field given is set on its own. Build one from
/// [`McpPeer::default`] and the setters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct McpPeer {
    /// `sid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<PeerSid>,
    /// `type`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<PeerType>,
    /// `alias`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<PeerAlias>,
}

impl McpPeer {
    nodewire_common::setters! {
        /// Sets `sid`.
        sid(sid: PeerSid);

        /// Sets `type`.
        kind(kind: PeerType);

        /// Sets `alias`.
        alias(alias: PeerAlias);
    }
}

/// `update_instance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UpdateInstanceArguments {
    /// The instance.
    pub id: InstanceId,
    /// A new alias (applied when non-empty and different).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<InstanceAlias>,
    /// The auto-start policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<bool>,
    /// Peer fields to set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<McpPeer>,
    /// Replaces every tag; the master formats non-string values with Go's `%v`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<TagKey, Value>>,
}

impl UpdateInstanceArguments {
    /// No change yet for `id`.
    pub fn new(id: InstanceId) -> Self {
        Self {
            id,
            alias: None,
            restart: None,
            peer: None,
            tags: None,
        }
    }

    nodewire_common::setters! {
        /// Sets a new alias.
        alias(alias: InstanceAlias);
        /// Sets the auto-start policy.
        restart(restart: bool);
        /// Sets peer fields.
        peer(peer: McpPeer);
    }

    /// Replaces every tag (an empty iterator clears them).
    #[must_use]
    pub fn tags(mut self, tags: impl IntoIterator<Item = (TagKey, Value)>) -> Self {
        self.tags = Some(tags.into_iter().collect());
        self
    }
}

/// `control_instance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ControlInstanceArguments {
    /// The instance.
    pub id: InstanceId,
    /// The action.
    pub action: Action,
}

impl ControlInstanceArguments {
    /// A `ControlInstanceArguments` with every field given.
    pub fn new(id: InstanceId, action: Action) -> Self {
        Self { id, action }
    }
}

/// `set_instance_advanced`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SetInstanceAdvancedArguments {
    /// The instance.
    pub id: InstanceId,
    /// Query parameters to set (an empty value removes one; non-strings are formatted with
    /// Go's `%v`). `type`, `password`, `tunnel_address`, `tunnel_port`, `target_address`,
    /// `target_port` and `targets` change the URL's parts instead.
    pub parameters: BTreeMap<String, Value>,
}

impl SetInstanceAdvancedArguments {
    /// No parameter yet for `id`.
    pub fn new(id: InstanceId) -> Self {
        Self {
            id,
            parameters: BTreeMap::new(),
        }
    }

    /// Sets one query parameter (an empty string removes it).
    #[must_use]
    pub fn parameter(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.parameters.insert(key.into(), value.into());
        self
    }
}

/// `tcping_target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TcpingTargetArguments {
    /// `host:port`.
    pub target: String,
}

impl TcpingTargetArguments {
    /// A `TcpingTargetArguments` with every field given.
    pub fn new(target: impl Into<String>) -> Self {
        Self {
            target: target.into(),
        }
    }
}

/// `update_master_info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UpdateMasterInfoArguments {
    /// The new alias (required, non-empty, at most 256 bytes).
    pub alias: MasterAlias,
}

impl UpdateMasterInfoArguments {
    /// A `UpdateMasterInfoArguments` with every field given.
    pub fn new(alias: MasterAlias) -> Self {
        Self { alias }
    }
}

// ---------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------

/// A JSON-RPC answer from the master (`MCPResponse`): `result` or `error`, always HTTP 200.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct McpResponse {
    /// `"2.0"`.
    pub jsonrpc: String,
    /// The request's id; absent when the request had none or `null`.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<RequestId>,
    /// The result, typed by its keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<McpResult>,
    /// The error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<McpError>,
}

impl McpResponse {
    /// A success answer.
    pub fn success(id: Option<RequestId>, result: McpResult) -> Self {
        Self {
            jsonrpc: JSONRPC_VERSION.to_owned(),
            id,
            result: Some(result),
            error: None,
        }
    }

    /// An error answer with the master's message for `code`.
    pub fn failure(id: Option<RequestId>, code: ErrorCode, data: Option<Value>) -> Self {
        Self {
            jsonrpc: JSONRPC_VERSION.to_owned(),
            id,
            result: None,
            error: Some(McpError {
                code,
                message: code.master_message().unwrap_or_default().to_owned(),
                data,
            }),
        }
    }
}

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct McpError {
    /// The code.
    pub code: ErrorCode,
    /// `Parse error`, `Invalid Request`, `Method not found`, `Invalid params`,
    /// `Internal error`.
    pub message: String,
    /// What went wrong (the master sends a string: a Go error text, `id is required`, the
    /// unknown method…); absent when `null`.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub data: Option<Value>,
}

impl McpError {
    /// An error with `code` and `message`, without `data`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// Sets what went wrong.
    #[must_use]
    pub fn data(mut self, data: impl Into<Value>) -> Self {
        self.data = Some(data.into());
        self
    }
}

/// A `result`, typed by its keys: `protocolVersion` → initialize, `tools` → tools/list,
/// `content` → tools/call; anything else is kept as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum McpResult {
    /// `initialize`.
    Initialize(InitializeResult),
    /// `tools/list`.
    ToolsList(ToolsListResult),
    /// `tools/call`.
    ToolCall(Box<ToolCallResult>),
    /// Another result.
    Other(Value),
}

impl<'de> Deserialize<'de> for McpResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let has = |key: &str| value.as_object().is_some_and(|o| o.contains_key(key));
        Ok(if has("protocolVersion") {
            Self::Initialize(typed(value, "result")?)
        } else if has("tools") {
            Self::ToolsList(typed(value, "result")?)
        } else if has("content") {
            Self::ToolCall(Box::new(typed(value, "result")?))
        } else {
            Self::Other(value)
        })
    }
}

/// The `tools` capability.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ToolsCapability {
    /// Whether the server notifies tool list changes (the master sends `{}`).
    #[serde(
        rename = "listChanged",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub list_changed: Option<bool>,
}

/// The master's capabilities: `{"tools": {}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ServerCapabilities {
    /// Tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<ToolsCapability>,
}

/// `initialize` result (a Go map: keys sorted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct InitializeResult {
    /// `{"tools": {}}`.
    pub capabilities: ServerCapabilities,
    /// [`PROTOCOL_VERSION`].
    #[serde(rename = "protocolVersion")]
    pub protocol_version: String,
    /// `NodePass Master` and the build version.
    #[serde(rename = "serverInfo")]
    pub server_info: Implementation,
}

impl InitializeResult {
    /// The answer of a server speaking `protocol_version` as `server_info`, announcing no
    /// capabilities (set `capabilities` on the returned value).
    pub fn new(protocol_version: impl Into<String>, server_info: Implementation) -> Self {
        Self {
            capabilities: ServerCapabilities::default(),
            protocol_version: protocol_version.into(),
            server_info,
        }
    }

    /// The master's answer for build `version`.
    pub fn master(version: impl Into<String>) -> Self {
        Self {
            capabilities: ServerCapabilities {
                tools: Some(ToolsCapability::default()),
            },
            protocol_version: PROTOCOL_VERSION.to_owned(),
            server_info: Implementation {
                name: SERVER_NAME.to_owned(),
                version: version.into(),
            },
        }
    }
}

/// `tools/list` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ToolsListResult {
    /// The tools.
    pub tools: Vec<Tool>,
}

impl ToolsListResult {
    /// A `ToolsListResult` with every field given.
    pub fn new(tools: Vec<Tool>) -> Self {
        Self { tools }
    }
}

/// A tool (a Go map: keys sorted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Tool {
    /// What it does.
    pub description: String,
    /// Its arguments.
    #[serde(rename = "inputSchema")]
    pub input_schema: InputSchema,
    /// Its name.
    pub name: ToolName,
}

impl Tool {
    /// A `Tool` with every field given.
    pub fn new(name: ToolName, description: impl Into<String>, input_schema: InputSchema) -> Self {
        Self {
            description: description.into(),
            input_schema,
            name,
        }
    }
}

/// A tool's arguments as a JSON Schema object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct InputSchema {
    /// The arguments.
    pub properties: BTreeMap<String, PropertySchema>,
    /// The required ones (absent for tools without).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Vec<String>>,
    /// `object`.
    #[serde(rename = "type")]
    pub kind: String,
}

impl InputSchema {
    /// An `object` schema with `properties` and no required ones.
    pub fn new(properties: BTreeMap<String, PropertySchema>) -> Self {
        Self {
            properties,
            required: None,
            kind: "object".to_owned(),
        }
    }

    /// Sets the required arguments.
    #[must_use]
    pub fn required<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.required = Some(names.into_iter().map(Into::into).collect());
        self
    }
}

/// One argument's schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PropertySchema {
    /// What it is.
    pub description: String,
    /// The allowed values.
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    /// The fields of an object argument (`peer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<BTreeMap<String, PropertySchema>>,
    /// `string`, `boolean` or `object`.
    #[serde(rename = "type")]
    pub kind: String,
}

impl PropertySchema {
    /// An argument of JSON type `kind` (`string`, `boolean`, `object`).
    pub fn new(kind: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            description: description.into(),
            values: None,
            properties: None,
            kind: kind.into(),
        }
    }

    /// Sets the allowed values.
    #[must_use]
    pub fn values<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
        self.values = Some(values.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the fields of an object argument.
    #[must_use]
    pub fn properties(mut self, properties: BTreeMap<String, PropertySchema>) -> Self {
        self.properties = Some(properties);
        self
    }
}

/// A content item of a tool result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Content {
    /// The text (`Found 2 instances`, `Created instance 4abf2548`, …).
    pub text: String,
    /// `text`.
    #[serde(rename = "type")]
    pub kind: ContentType,
}

impl Content {
    /// A text item.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            kind: ContentType::Text,
        }
    }
}

/// A `tools/call` result (a Go map: keys sorted): one text item in `content` and, by tool:
///
/// | tool | field |
/// | --- | --- |
/// | `list_instances` | `instances` (`null` when there are none) |
/// | `get_instance`, `create_instance`, `update_instance`, `control_instance`, `set_instance_*` | `instance` |
/// | `get_instance_config` | `config` |
/// | `tcping_target` | `result` |
/// | `get_master_info`, `update_master_info` | `info` |
/// | `delete_instance`, `export_instances`, `import_instances` | none |
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ToolCallResult {
    /// `get_instance_config`: the `config` URL as an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<InstanceConfig>,
    /// One text item.
    pub content: Vec<Content>,
    /// `get_master_info`, `update_master_info`: the `/info` object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<MasterInfo>,
    /// The instance, as it is when the answer is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<Instance>,
    /// `list_instances`: every instance but the API-key one; `null` when there are none.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    pub instances: Patch<Vec<Instance>>,
    /// `tcping_target`: the probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<TCPingResult>,
}

impl ToolCallResult {
    /// A result with only a text.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            content: vec![Content::text(text)],
            ..Self::default()
        }
    }
}

/// `get_instance_config`'s `config`: the parts of the instance's `config` URL (a Go map:
/// keys sorted).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, derive_more::Debug)]
#[non_exhaustive]
pub struct InstanceConfig {
    /// Every query parameter (its first value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<BTreeMap<String, String>>,
    /// The userinfo's password, else its username (absent without userinfo).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // `Debug` hides the tunnel key.
    #[debug("{:?}", password.as_ref().map(|_| REDACTED))]
    pub password: Option<String>,
    /// The scheme.
    pub role: String,
    /// The first `:`-separated part of the path (when it has no `,`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_address: Option<String>,
    /// The second `:`-separated part of the path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<String>,
    /// The path when it has a `,`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<String>,
    /// The host name.
    pub tunnel_address: String,
    /// The port.
    pub tunnel_port: String,
}

impl InstanceConfig {
    /// A `InstanceConfig` with the given `role`, `tunnel_address` and `tunnel_port`; every other
    /// field starts zero, `false`, empty or absent (set it on the returned value).
    pub fn new(
        role: impl Into<String>,
        tunnel_address: impl Into<String>,
        tunnel_port: impl Into<String>,
    ) -> Self {
        Self {
            parameters: None,
            password: None,
            role: role.into(),
            target_address: None,
            target_port: None,
            targets: None,
            tunnel_address: tunnel_address.into(),
            tunnel_port: tunnel_port.into(),
        }
    }
}

/// One entry of `nodepass.json` (registered as `ExportFile`: the array), written by `export_instances` and read by
/// `import_instances` (a Go map: keys sorted; the file is indented with two spaces).
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema, derive_more::Debug)]
#[non_exhaustive]
pub struct ExportedInstance {
    /// The alias.
    pub alias: String,
    /// Peer and tags.
    pub meta: Meta,
    /// The auto-start policy.
    pub restart: bool,
    /// TCP bytes received.
    pub tcprx: u64,
    /// TCP bytes sent.
    pub tcptx: u64,
    /// UDP bytes received.
    pub udprx: u64,
    /// UDP bytes sent.
    pub udptx: u64,
    /// The stored instance URL.
    // `Debug` hides the tunnel key (user information).
    #[debug("{:?}", redact_url(url))]
    pub url: String,
}

// ---------------------------------------------------------------------------------------
// The tool list
// ---------------------------------------------------------------------------------------

fn prop(kind: &str, description: &str, values: &[&str]) -> PropertySchema {
    PropertySchema {
        description: description.to_owned(),
        values: (!values.is_empty()).then(|| values.iter().map(|v| (*v).to_owned()).collect()),
        properties: None,
        kind: kind.to_owned(),
    }
}

/// The shared argument schemas (`commonParams`).
fn common(name: &str) -> PropertySchema {
    let s = |d: &str| prop("string", d, &[]);
    let e = |d: &str, v: &[&str]| prop("string", d, v);
    match name {
        "id" => s("Instance ID"),
        "alias" => s("Instance alias"),
        "role" => e("Instance role: server or client", &["server", "client"]),
        "tunnel_address" => s("Tunnel address"),
        "tunnel_port" => s("Tunnel port"),
        "target_address" => s("Target address"),
        "target_port" => s("Target port"),
        "targets" => s("Multiple targets: host1:port1,host2:port2..."),
        "password" => s("Connection password"),
        "log" => e(
            "Log level: none, debug, info, warn, error, event",
            &["none", "debug", "info", "warn", "error", "event"],
        ),
        "tls" => e(
            "TLS mode: 0=none, 1=self-signed, 2=custom",
            &["0", "1", "2"],
        ),
        "crt" => s("Certificate file path (for tls=2)"),
        "key" => s("Key file path (for tls=2)"),
        "sni" => s("SNI hostname (client dual-end mode)"),
        "dns" => s("DNS cache TTL (e.g., 5m, 1h)"),
        "lbs" => e(
            "Load balancing: 0=round-robin, 1=optimal-latency, 2=primary-backup",
            &["0", "1", "2"],
        ),
        "mode" => e(
            "Connection mode: 0=auto, 1=reverse/single-end, 2=forward/dual-end",
            &["0", "1", "2"],
        ),
        "type" => e(
            "Pool type: 0=TCP, 1=QUIC, 2=WebSocket, 3=HTTP2 (server only)",
            &["0", "1", "2", "3"],
        ),
        "min" => s("Minimum pool size (client dual-end mode)"),
        "max" => s("Maximum pool size (dual-end mode)"),
        "dial" => s("Outbound source IP (default: auto)"),
        "read" => s("Read timeout (e.g., 30s, 5m, 1h)"),
        "rate" => s("Bandwidth limit in Mbps (0=unlimited)"),
        "slot" => s("Connection slots (0=unlimited)"),
        "proxy" => e("PROXY protocol v1: 0=disabled, 1=enabled", &["0", "1"]),
        "block" => s("Block protocols: 1=SOCKS, 2=HTTP, 3=TLS, combine like '123'"),
        "notcp" => e("Disable TCP: 0=enabled, 1=disabled", &["0", "1"]),
        "noudp" => e("Disable UDP: 0=enabled, 1=disabled", &["0", "1"]),
        other => s(other),
    }
}

fn tool(
    name: ToolName,
    description: &str,
    properties: Vec<(&str, PropertySchema)>,
    required: &[&str],
) -> Tool {
    Tool {
        description: description.to_owned(),
        input_schema: InputSchema {
            properties: properties
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            required: (!required.is_empty())
                .then(|| required.iter().map(|r| (*r).to_owned()).collect()),
            kind: "object".to_owned(),
        },
        name,
    }
}

fn commons(names: &[&'static str]) -> Vec<(&'static str, PropertySchema)> {
    names.iter().map(|n| (*n, common(n))).collect()
}

/// The `create_instance` arguments that build the URL itself (alias aside, which names the
/// instance): every other non-empty string argument becomes a query parameter.
pub const CREATE_INSTANCE_URL_ARGUMENTS: &[&str] = &[
    "alias",
    "role",
    "tunnel_address",
    "tunnel_port",
    "target_address",
    "target_port",
    "targets",
    "password",
];

/// The 19 tools, in the order `tools/list` sends them.
pub fn tools() -> Vec<Tool> {
    let peer = PropertySchema {
        properties: Some(
            [
                ("sid", prop("string", "Service ID", &[])),
                ("type", prop("string", "Service type", &[])),
                ("alias", prop("string", "Service alias", &[])),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        ),
        ..prop("object", "service and peer information", &[])
    };
    let mut update = commons(&["id", "alias"]);
    update.extend([
        ("restart", prop("boolean", "Auto-restart policy", &[])),
        ("peer", peer),
        ("tags", prop("object", "Metadata tags", &[])),
    ]);
    let mut control = commons(&["id"]);
    control.push((
        "action",
        prop(
            "string",
            "Control action",
            &["start", "stop", "restart", "reset"],
        ),
    ));
    let mut advanced = commons(&["id"]);
    advanced.push((
        "parameters",
        prop(
            "object",
            "Custom URL query parameters (key-value pairs)",
            &[],
        ),
    ));
    vec![
        tool(
            ToolName::ListInstances,
            "List all NodePass instances",
            vec![],
            &[],
        ),
        tool(
            ToolName::GetInstance,
            "Get details of a specific instance",
            commons(&["id"]),
            &["id"],
        ),
        tool(
            ToolName::CreateInstance,
            "Create a new NodePass instance with structured configuration",
            commons(
                &[
                    CREATE_INSTANCE_URL_ARGUMENTS,
                    &[
                        "log", "tls", "crt", "key", "sni", "dns", "lbs", "mode", "type", "min",
                        "max", "dial", "read", "rate", "slot", "proxy", "block", "notcp", "noudp",
                    ],
                ]
                .concat(),
            ),
            &["role", "tunnel_port", "target_port"],
        ),
        tool(
            ToolName::UpdateInstance,
            "Update instance metadata (alias, restart policy, peer, tags)",
            update,
            &["id"],
        ),
        tool(
            ToolName::ControlInstance,
            "Control instance state (start, stop, restart, reset)",
            control,
            &["id", "action"],
        ),
        tool(
            ToolName::SetInstanceBasic,
            "Set instance basic configuration (role, tunnel/target addresses, log level)",
            commons(&[
                "id",
                "role",
                "tunnel_address",
                "tunnel_port",
                "target_address",
                "target_port",
                "targets",
                "log",
            ]),
            &["id"],
        ),
        tool(
            ToolName::SetInstanceSecurity,
            "Set instance security and encryption settings (password, TLS mode, certificates, SNI)",
            commons(&["id", "password", "tls", "crt", "key", "sni"]),
            &["id"],
        ),
        tool(
            ToolName::SetInstanceConnection,
            "Set instance connection pool settings (mode, type, pool size limits)",
            commons(&["id", "mode", "type", "min", "max"]),
            &["id"],
        ),
        tool(
            ToolName::SetInstanceNetwork,
            "Set instance network tuning parameters (DNS TTL, source IP, timeouts, connection limits)",
            commons(&["id", "dns", "dial", "read", "rate", "slot"]),
            &["id"],
        ),
        tool(
            ToolName::SetInstanceProtocol,
            "Set instance protocol control settings (TCP/UDP enable/disable, PROXY protocol v1)",
            commons(&["id", "notcp", "noudp", "proxy"]),
            &["id"],
        ),
        tool(
            ToolName::SetInstanceTraffic,
            "Set instance traffic control and load balancing (Protocol blocking, load balancing)",
            commons(&["id", "block", "lbs"]),
            &["id"],
        ),
        tool(
            ToolName::SetInstanceAdvanced,
            "Set instance advanced/custom parameters (any additional URL parameters)",
            advanced,
            &["id", "parameters"],
        ),
        tool(
            ToolName::GetInstanceConfig,
            "Get instance configuration (structured config object)",
            commons(&["id"]),
            &["id"],
        ),
        tool(
            ToolName::DeleteInstance,
            "Delete an instance (stop and remove)",
            commons(&["id"]),
            &["id"],
        ),
        tool(
            ToolName::ExportInstances,
            "Export all instances configuration to nodepass.json",
            vec![],
            &[],
        ),
        tool(
            ToolName::ImportInstances,
            "Import instances configuration from nodepass.json",
            vec![],
            &[],
        ),
        tool(
            ToolName::TcpingTarget,
            "Test TCP connectivity (host:port latency probe)",
            vec![("target", prop("string", "Target address (host:port)", &[]))],
            &["target"],
        ),
        tool(
            ToolName::GetMasterInfo,
            "Get master information (system stats, uptime, version)",
            vec![],
            &[],
        ),
        tool(
            ToolName::UpdateMasterInfo,
            "Update master alias (server name or label)",
            vec![(
                "alias",
                prop("string", "New alias for master (optional)", &[]),
            )],
            &["alias"],
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// Server side
// ---------------------------------------------------------------------------------------

/// A request as the master's handler reads it: Go's decoder into `MCPRequest` (the first
/// JSON value of the body, field names matched case-insensitively, unknown keys ignored).
/// `Debug` hides the value of every credential member of `params` (a tool's `password`).
#[derive(Clone, PartialEq, derive_more::Debug)]
pub struct MasterRequest {
    /// The id as echoed in the answer (`None` for an absent or `null` id).
    pub id: Option<RequestId>,
    /// The method (`""` when absent).
    pub method: String,
    /// The raw params (`None` when absent).
    #[debug("{:?}", params.as_ref().map(redacted))]
    pub params: Option<Value>,
}

impl MasterRequest {
    /// A `MasterRequest` with every field given.
    pub fn new(id: Option<RequestId>, method: impl Into<String>, params: Option<Value>) -> Self {
        Self {
            id,
            method: method.into(),
            params,
        }
    }
}

/// The tool call of a `tools/call` request as the master reads it (`MCPToolCallParams`).
/// `Debug` hides the value of every credential argument (`password`).
#[derive(Clone, PartialEq, derive_more::Debug)]
pub struct MasterToolCall {
    /// The tool (`""` when absent).
    pub name: String,
    /// The arguments (empty when absent or `null`).
    #[debug("{:?}", redacted(arguments))]
    pub arguments: Map<String, Value>,
}

impl MasterToolCall {
    /// A `MasterToolCall` with every field given.
    pub fn new(name: impl Into<String>, arguments: Map<String, Value>) -> Self {
        Self {
            name: name.into(),
            arguments,
        }
    }
}

/// The echo of an id through Go's `any`: `null` is omitted, numbers pass through float64.
pub fn echo_id(id: &Value) -> Option<RequestId> {
    match id {
        Value::Null => None,
        Value::String(s) => Some(RequestId::String(s.clone())),
        Value::Number(n) => {
            let exact = n
                .as_i64()
                .map(|i| i.unsigned_abs() <= 1 << 53)
                .or_else(|| n.as_u64().map(|u| u <= 1 << 53))
                .unwrap_or(false);
            if exact {
                Some(RequestId::Number(n.clone()))
            } else {
                let f = n.as_f64().unwrap_or_default();
                Some(RequestId::Number(
                    serde_json::Number::from_f64(f).unwrap_or_else(|| n.clone()),
                ))
            }
        }
        other => Some(RequestId::Other(other.clone())),
    }
}

fn go_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A struct field as Go's decoder finds it: the exact key, else the last case-insensitive
/// match.
pub(crate) fn go_field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .next_back()
    })
}

/// An answer the handler sends before a method or tool runs.
pub type McpReply = Box<McpResponse>;

/// Reads a request as `HandleMCP` does, up to the method dispatch: `Err` is the answer for a
/// body that is not a request (`-32700`, the data is this decoder's text rather than Go's)
/// or whose `jsonrpc` is not `"2.0"` (`-32600`).
pub fn read_request(body: &[u8]) -> Result<MasterRequest, McpReply> {
    let parse_error = |text: String| {
        Box::new(McpResponse::failure(
            None,
            ErrorCode::ParseError,
            Some(Value::String(text)),
        ))
    };
    let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<Value>();
    let object = match stream.next() {
        Some(Ok(value)) => unmarshal_object(Some(&value), "Go value of type master.MCPRequest")
            .map_err(parse_error)?,
        Some(Err(e)) => return Err(parse_error(e.to_string())),
        None => return Err(parse_error("EOF".to_owned())),
    };
    let string = |name: &str| -> Result<String, McpReply> {
        unmarshal_string(
            go_field(&object, name),
            &format!("Go struct field MCPRequest.{name} of type string"),
        )
        .map_err(parse_error)
    };
    let jsonrpc = string("jsonrpc")?;
    let method = string("method")?;
    let id = go_field(&object, "id").and_then(echo_id);
    if jsonrpc != JSONRPC_VERSION {
        return Err(Box::new(McpResponse::failure(
            id,
            ErrorCode::InvalidRequest,
            Some(Value::String("jsonrpc must be 2.0".to_owned())),
        )));
    }
    Ok(MasterRequest {
        id,
        method,
        params: go_field(&object, "params").cloned(),
    })
}

/// Go's error text for a JSON value of the wrong type (`into` names the Go destination).
fn cannot_unmarshal(value: &Value, into: &str) -> String {
    format!("json: cannot unmarshal {} into {into}", go_type_name(value))
}

/// Go's decoding of a value into a struct or a map: absent and `null` leave it empty, any other
/// non-object is [`cannot_unmarshal`].
fn unmarshal_object(value: Option<&Value>, into: &str) -> Result<Map<String, Value>, String> {
    match value {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(o)) => Ok(o.clone()),
        Some(other) => Err(cannot_unmarshal(other, into)),
    }
}

/// Go's decoding of a value into a `string`: absent and `null` leave it empty.
fn unmarshal_string(value: Option<&Value>, into: &str) -> Result<String, String> {
    match value {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(cannot_unmarshal(other, into)),
    }
}

/// Reads `tools/call` params as the master does; `Err` is the `-32602` answer.
pub fn read_tool_call(request: &MasterRequest) -> Result<MasterToolCall, McpReply> {
    let invalid = |text: &str| {
        Box::new(McpResponse::failure(
            request.id.clone(),
            ErrorCode::InvalidParams,
            Some(Value::String(text.to_owned())),
        ))
    };
    if request.params.is_none() {
        return Err(invalid("unexpected end of JSON input"));
    }
    let object = unmarshal_object(
        request.params.as_ref(),
        "Go value of type master.MCPToolCallParams",
    )
    .map_err(|e| invalid(&e))?;
    let name = unmarshal_string(
        go_field(&object, "name"),
        "Go struct field MCPToolCallParams.name of type string",
    )
    .map_err(|e| invalid(&e))?;
    let arguments = unmarshal_object(
        go_field(&object, "arguments"),
        "Go struct field MCPToolCallParams.arguments of type map[string]interface {}",
    )
    .map_err(|e| invalid(&e))?;
    Ok(MasterToolCall { name, arguments })
}

/// An error answer: `{"jsonrpc":"2.0","id":…,"error":{"code":…,"message":…,"data":…}}`.
pub fn error_response(id: Option<RequestId>, code: ErrorCode, data: &str) -> McpResponse {
    McpResponse::failure(id, code, Some(Value::String(data.to_owned())))
}

/// Go's `fmt.Sprintf("%v", v)` of a decoded JSON value (tags and advanced parameters).
pub fn go_format_v(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => go_float(n.as_f64().unwrap_or_default()),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(go_format_v).collect();
            format!("[{}]", inner.join(" "))
        }
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}:{}", go_format_v(v)))
                .collect();
            format!("map[{}]", inner.join(" "))
        }
    }
}

/// `%v` of a float64: `%g` with the shortest representation, exponent from 1e21 on.
fn go_float(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{f:.0}")
    } else if f.is_finite() && f.abs() >= 1e-4 && f.abs() < 1e21 {
        format!("{f}")
    } else {
        let text = format!("{f:e}");
        match text.split_once('e') {
            Some((mantissa, exp)) => {
                let (sign, digits) = exp.strip_prefix('-').map_or(("+", exp), |d| ("-", d));
                let digits = if digits.len() < 2 {
                    format!("0{digits}")
                } else {
                    digits.to_owned()
                };
                format!("{mantissa}e{sign}{digits}")
            }
            None => text,
        }
    }
}

/// The keys of `original` (JSON pointers) that `reencoded` lacks: what a decode skipped.
pub(crate) fn skipped_keys(original: &Value, reencoded: &Value) -> Vec<String> {
    fn walk(original: &Value, reencoded: &Value, at: &str, out: &mut Vec<String>) {
        match (original, reencoded) {
            (Value::Object(a), Value::Object(b)) => {
                for (key, value) in a {
                    let pointer = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                    match b.get(key) {
                        Some(other) => walk(value, other, &pointer, out),
                        None => out.push(pointer),
                    }
                }
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    walk(x, y, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(original, reencoded, "", &mut out);
    out
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    use nodewire_common::registry::TypeEntry;
    types.extend(nodewire_common::type_entries![
        McpRequest,
        McpResponse,
        McpToolCallParams,
        InitializeParams,
        InitializeResult,
        ToolsListResult,
        ToolCallResult,
        InstanceConfig,
        ExportedInstance,
    ]);
    types.push(TypeEntry {
        name: "ExportFile".into(),
        decode: nodewire_common::registry::roundtrip::<Vec<ExportedInstance>>,
        schema: nodewire_common::registry::schema_of::<Vec<ExportedInstance>>,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_tunnel_key() {
        let id = InstanceId::new("0a1b2c3d").unwrap();
        let security = SetInstanceSecurityArguments::new(id.clone())
            .password("s3cr3t-k3y")
            .sni("example.com");
        let create = CreateInstanceArguments::new(McpRole::Server, "10101", "127.0.0.1", "8080")
            .password("s3cr3t-k3y")
            .parameter("upgrade_token", "s3cr3t-k3y")
            .parameter("log", "debug");
        let mut config = InstanceConfig::new("server", "", "10101");
        config.password = Some("s3cr3t-k3y".to_owned());
        let exported = ExportedInstance {
            alias: "edge".to_owned(),
            url: "server://s3cr3t-k3y@:10101/127.0.0.1:8080".to_owned(),
            ..ExportedInstance::default()
        };
        let request = read_request(
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_instance","arguments":{"role":"server","password":"s3cr3t-k3y","tunnel_port":"10101"}}}"#,
        )
        .unwrap();
        let call = read_tool_call(&request).unwrap();
        for (debug, shown) in [
            (format!("{security:?}"), "example.com"),
            (format!("{create:?}"), "debug"),
            (format!("{config:?}"), "10101"),
            (
                format!("{exported:?}"),
                "server://[redacted]@:10101/127.0.0.1:8080",
            ),
            (format!("{request:?}"), "create_instance"),
            (format!("{call:?}"), "tunnel_port"),
        ] {
            assert!(!debug.contains("s3cr3t-k3y"), "{debug}");
            assert!(debug.contains(shown), "{debug}");
        }
        let basic = SetInstanceBasicArguments::new(id).log("debug");
        assert!(format!("{basic:?}").contains(r#"log: Some("debug")"#));
        assert_eq!(
            serde_json::to_value(&security).unwrap()["password"],
            "s3cr3t-k3y"
        );
    }

    #[test]
    fn ids_keep_their_form() -> Result<(), serde_json::Error> {
        for text in [
            r#"{"jsonrpc":"2.0","id":null,"method":"tools/list"}"#,
            r#"{"jsonrpc":"2.0","id":"a","method":"tools/list"}"#,
            r#"{"jsonrpc":"2.0","id":12345678901234567890,"method":"tools/list"}"#,
            r#"{"jsonrpc":"2.0","method":"ping","params":[1]}"#,
        ] {
            let request: McpRequest = serde_json::from_str(text)?;
            let back: Value = serde_json::to_value(&request)?;
            assert_eq!(back, serde_json::from_str::<Value>(text)?, "{text}");
        }
        let r: McpRequest = serde_json::from_str(r#"{"jsonrpc":"2.0","id":null,"method":"x"}"#)?;
        assert_eq!(r.id, Some(RequestId::Null));
        assert!(!r.method.is_known());
        Ok(())
    }

    #[test]
    fn bad_requests_name_the_field() {
        let e = serde_json::from_str::<McpRequest>(r#"{"jsonrpc":"1.0","method":"x"}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("jsonrpc"), "{e}");
        let e = serde_json::from_str::<McpRequest>(
            r#"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"control_instance","arguments":{"id":"a","action":"pause"}}}"#,
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(e.contains("params.arguments.action"), "{e}");
    }

    #[test]
    fn error_codes_are_open() -> Result<(), serde_json::Error> {
        let r: McpResponse = serde_json::from_str(
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"x","data":null}}"#,
        )?;
        let error = r.error.clone().unwrap_or(McpError {
            code: ErrorCode::ParseError,
            message: String::new(),
            data: None,
        });
        assert_eq!(error.code, ErrorCode::Other(-32001));
        assert_eq!(error.data, Some(Value::Null));
        assert_eq!(
            serde_json::to_string(&r)?,
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"x","data":null}}"#
        );
        Ok(())
    }

    #[test]
    fn go_formats_values() {
        assert_eq!(go_format_v(&serde_json::json!(1)), "1");
        assert_eq!(go_format_v(&serde_json::json!(1.5)), "1.5");
        assert_eq!(go_format_v(&serde_json::json!(1e21)), "1e+21");
        assert_eq!(go_format_v(&serde_json::json!(null)), "<nil>");
        assert_eq!(go_format_v(&serde_json::json!([1, "a"])), "[1 a]");
        assert_eq!(go_format_v(&serde_json::json!({"a": true})), "map[a:true]");
    }

    #[test]
    fn the_master_reads_requests_leniently() {
        let r = read_request(br#"{"JSONRPC":"2.0","id":null,"Method":"tools/list","x":1}"#);
        assert_eq!(
            r.ok(),
            Some(MasterRequest {
                id: None,
                method: "tools/list".to_owned(),
                params: None
            })
        );
        let e = read_request(br#"{"jsonrpc":"1.0","id":3}"#).err();
        assert_eq!(
            e.and_then(|r| r.error).map(|e| e.code),
            Some(ErrorCode::InvalidRequest)
        );
        let e = read_request(b"[1]").err();
        assert_eq!(
            e.and_then(|r| r.error).map(|e| e.code),
            Some(ErrorCode::ParseError)
        );
        assert_eq!(tools().len(), 19);
    }
}
