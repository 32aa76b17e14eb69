//! Every route under the API base as an [`Endpoint`] (contract §3), and the v2 MCP endpoint
//! [`Mcp`] next to it (§10). Paths are relative to the
//! API base (`http://host:9090/api/v1` for `master://host:9090`; any prefix works, see
//! [`MasterUrl::api_base`](crate::url::MasterUrl::api_base)). Every route but `/openapi.json`
//! and `/docs` needs the [`AUTH_HEADER`](crate::AUTH_HEADER).
//!
//! ```
//! use nodewire_common::Endpoint;
//! use nodewire_nodepass::endpoints::{CreateInstance, DeleteInstance};
//! use nodewire_nodepass::instances::{CreateInstanceRequest, InstanceId};
//! use nodewire_nodepass::url::RequestUrl;
//! let url = RequestUrl::new("server://:10101/127.0.0.1:8080").unwrap();
//! let call = CreateInstance::new(CreateInstanceRequest::new(url).alias("web"));
//! let req = call.try_into_http_request("http://127.0.0.1:9090/api/v1").unwrap();
//! assert_eq!(req.uri(), "http://127.0.0.1:9090/api/v1/instances");
//! assert_eq!(&req.body()[..], br#"{"alias":"web","url":"server://:10101/127.0.0.1:8080"}"#);
//! // The API-key instance cannot be deleted (the master answers 403).
//! assert!(DeleteInstance::new(InstanceId::api_key()).is_err());
//! ```

use http::StatusCode;
use nodewire_common::endpoint::{IncomingParts, NoBody, Parameter};
use nodewire_common::registry::{Decoded, Failed};
use nodewire_common::{Endpoint, FromRequestError, ResponseBody};
use serde_json::Value;

use crate::NodePass;
use crate::events::InstanceEvent;
use crate::info::{MasterInfo, UpdateMasterAliasRequest};
use crate::instances::{
    Action, CreateInstanceRequest, Instance, InstanceId, PutInstanceRequest, UpdateInstanceRequest,
};
use crate::mcp::{McpRequest, McpResponse};
use crate::tcping::{TCPingResult, target_from_query, target_query};
use crate::url::go::{Mode, unescape};

nodewire_common::get_endpoint!(NodePass;
    /// `GET /instances`: every instance, the API-key instance included, in random order.
    ListInstances, "/instances", Vec<Instance>
);
nodewire_common::get_endpoint!(NodePass;
    /// `GET /events`: the event stream. A stream route: `client.stream(&SubscribeEvents)`
    /// (feature `client`) yields each [`InstanceEvent`] as it arrives, and `events::Follow`
    /// follows it across reconnects; `send` refuses it at compile time. Other HTTP stacks feed
    /// the bytes they read to [`EventStream`](crate::events::EventStream); a captured stream
    /// decodes whole with [`Endpoint::try_from_http_response`].
    SubscribeEvents, "/events", Vec<InstanceEvent>,
    stream ResponseBody::event_stream::<InstanceEvent>()
);
nodewire_common::get_endpoint!(NodePass;
    /// `GET /info`: system information (takes ≥ 100 ms: a CPU sample).
    GetMasterInfo, "/info", MasterInfo
);
nodewire_common::get_endpoint!(NodePass;
    /// `GET /openapi.json`: the master's OpenAPI 3.1.1 document (no key needed).
    GetOpenApiSpec, "/openapi.json", serde_json::Value,
    public "Served outside the key check (`publicEndpoints`, v2 `master.go`)."
);
nodewire_common::get_endpoint!(NodePass;
    /// `GET /docs`: the Swagger UI page, HTML (no key needed).
    GetDocs, "/docs", String, response ResponseBody::text("text/html"),
    public "Served outside the key check (`publicEndpoints`, v2 `master.go`)."
);

/// The `{id}` of an instance's routes.
const INSTANCE_ID: Parameter = Parameter::path::<InstanceId>(
    "id",
    "The instance id: 8 lowercase hex characters, or `********` for the API-key instance; \
     percent-decoded, and an id with `/` is never found (404).",
)
.with_schema(instance_id_schema);

/// The `{id}` of `PUT` and `DELETE`, which refuse the API-key instance.
const REPLACEABLE_ID: Parameter = Parameter::path::<InstanceId>(
    "id",
    "The instance id: 8 lowercase hex characters; `********` (the API-key instance) is \
     refused with 403 `Forbidden: API Key`.",
)
.with_schema(instance_id_schema);

/// An id the master can route: not empty, no `/` ([`InstanceId::new`]).
fn instance_id_schema() -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "minLength": 1, "pattern": "^[^/]+$" })
}

fn id_param(parts: &IncomingParts<'_, impl Sized>) -> Result<InstanceId, FromRequestError> {
    let raw = parts.params.require("id")?;
    let decoded = unescape(raw, Mode::Path).map_err(|e| FromRequestError::PathParam {
        name: "id",
        message: e.go_text(),
    })?;
    Ok(InstanceId::from_wire(
        String::from_utf8_lossy(&decoded).into_owned(),
    ))
}

fn body<T>(parts: IncomingParts<'_, T>) -> Result<T, FromRequestError> {
    nodewire_common::server::require_body(parts.body)
}

/// The master answers `403 Forbidden: API Key` for this id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the API-key instance `********` cannot be replaced or deleted (the master answers 403)")]
pub struct ApiKeyForbidden;

nodewire_common::body_endpoint!(NodePass;
    /// `POST /instances`: create; `201` with the instance (`stopped`; it starts right after).
    CreateInstance, POST, "/instances", CreateInstanceRequest, Instance,
    description "Create an instance (201).", success &[StatusCode::CREATED]
);

nodewire_common::path_endpoint!(NodePass;
    /// `GET /instances/{id}`.
    GetInstance, GET, "/instances/{id}",
    /// The id.
    id: InstanceId = id_param, Instance,
    description "Get one instance (********: the API key and master id).",
    parameters [INSTANCE_ID]
);

nodewire_common::path_body_endpoint!(NodePass;
    /// `PATCH /instances/{id}`: alias, action, restart policy, meta. Answers the instance as it
    /// is when the response is written (a start or stop is still in progress).
    UpdateInstance, PATCH, "/instances/{id}",
    /// The id.
    id: InstanceId = id_param, UpdateInstanceRequest, Instance,
    description "Update or control an instance.", parameters [INSTANCE_ID]
);

impl UpdateInstance {
    /// `PATCH /instances/******** {"action":"restart"}`: a new API key, in the `url` of the
    /// answer. Every event stream gets `shutdown` and closes; the old key is refused from
    /// then on.
    pub fn regenerate_api_key() -> Self {
        Self::new(
            InstanceId::api_key(),
            UpdateInstanceRequest::action(Action::Restart),
        )
    }
}

/// `PUT /instances/{id}`: a new URL; the instance restarts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutInstance {
    id: InstanceId,
    /// The body.
    pub body: PutInstanceRequest,
}

impl PutInstance {
    /// A replace call; the API-key instance is refused.
    pub fn new(id: InstanceId, body: PutInstanceRequest) -> Result<Self, ApiKeyForbidden> {
        if id.is_api_key() {
            return Err(ApiKeyForbidden);
        }
        Ok(Self { id, body })
    }

    /// The id.
    pub fn id(&self) -> &InstanceId {
        &self.id
    }
}

impl Endpoint for PutInstance {
    nodewire_common::endpoint_head!(NodePass, Unary, PutInstanceRequest => Instance,
        PutInstance, PUT,
        "/instances/{id}", Required, "Replace an instance's URL (409 when unchanged).");
    const PARAMETERS: &'static [Parameter] = &[REPLACEABLE_ID];

    fn path_params(&self) -> Vec<&str> {
        vec![self.id.as_str()]
    }

    fn body(&self) -> Option<&PutInstanceRequest> {
        Some(&self.body)
    }

    fn from_parts(parts: IncomingParts<'_, Self::Request>) -> Result<Self, FromRequestError> {
        let id = id_param(&parts)?;
        Ok(Self {
            id,
            body: body(parts)?,
        })
    }
}

/// `DELETE /instances/{id}`: `204`, empty body; the process is stopped first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteInstance {
    id: InstanceId,
}

impl DeleteInstance {
    /// A delete call; the API-key instance is refused.
    pub fn new(id: InstanceId) -> Result<Self, ApiKeyForbidden> {
        if id.is_api_key() {
            return Err(ApiKeyForbidden);
        }
        Ok(Self { id })
    }

    /// The id.
    pub fn id(&self) -> &InstanceId {
        &self.id
    }
}

impl Endpoint for DeleteInstance {
    nodewire_common::endpoint_head!(NodePass, Unary, NoBody => (),
        DeleteInstance, DELETE, "/instances/{id}", None, "Delete an instance (204).");
    const SUCCESS: &'static [StatusCode] = &[StatusCode::NO_CONTENT];
    const RESPONSE: ResponseBody = ResponseBody::Empty;
    const PARAMETERS: &'static [Parameter] = &[REPLACEABLE_ID];

    fn path_params(&self) -> Vec<&str> {
        vec![self.id.as_str()]
    }

    fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
        Ok(Self {
            id: id_param(&parts)?,
        })
    }
}

nodewire_common::body_endpoint!(NodePass;
    /// `POST /info`: set the master alias; answers the info object.
    UpdateMasterAlias, POST, "/info", UpdateMasterAliasRequest, MasterInfo,
    description "Set the master alias."
);

/// `GET /tcping?target=host:port`: a TCP connect from the master (`200` also on failure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tcping {
    target: String,
}

/// An empty tcping target (the master answers `400 Target address required`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("tcping target: empty (expected host:port)")]
pub struct EmptyTarget;

impl Tcping {
    /// A probe of `target` (`host:port`, IPv6 in brackets).
    pub fn new(target: impl Into<String>) -> Result<Self, EmptyTarget> {
        let target = target.into();
        if target.is_empty() {
            return Err(EmptyTarget);
        }
        Ok(Self { target })
    }

    /// The target.
    pub fn target(&self) -> &str {
        &self.target
    }
}

impl Endpoint for Tcping {
    nodewire_common::endpoint_head!(NodePass, Unary, NoBody => TCPingResult,
        Tcping, GET, "/tcping", None, "TCP connect test from the master.");
    const PARAMETERS: &'static [Parameter] = &[Parameter::required_query::<String>(
        "target",
        "The address to dial, `host:port` (IPv6 in brackets), URL-encoded; absent or empty is \
         400 `Target address required`.",
    )
    .with_schema(|| schemars::json_schema!({ "type": "string", "minLength": 1 }))];

    fn query(&self) -> Option<String> {
        Some(target_query(&self.target))
    }

    fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
        let target = target_from_query(parts.query)
            .ok_or_else(|| FromRequestError::Query("Target address required".to_owned()))?;
        Ok(Self { target })
    }
}

/// v2 only: `POST {prefix}/v2`, the MCP endpoint (JSON-RPC 2.0, [`crate::mcp`]). Every
/// answer is HTTP `200` (JSON-RPC errors inside); other methods get `405 Method not allowed`.
///
/// Its path is relative to the API **prefix** (`http://host:9090/api`), not to the API base
/// (`…/api/v1`) the other routes hang under: send it with a client whose base URL is
/// [`Mcp::base_url`] of the API base.
///
/// ```
/// use nodewire_common::Endpoint;
/// use nodewire_nodepass::endpoints::Mcp;
/// use nodewire_nodepass::mcp::McpRequest;
/// let base = Mcp::base_url("http://127.0.0.1:9090/api/v1");
/// assert_eq!(base, "http://127.0.0.1:9090/api");
/// let req = Mcp::new(McpRequest::tools_list(1)).try_into_http_request(&base).unwrap();
/// assert_eq!(req.uri(), "http://127.0.0.1:9090/api/v2");
/// assert_eq!(&req.body()[..], br#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Mcp {
    /// The JSON-RPC request.
    pub body: McpRequest,
}

impl Mcp {
    /// A call.
    pub fn new(body: McpRequest) -> Self {
        Self { body }
    }

    /// The base URL the MCP path is relative to: `api_base` without its trailing `/v1`
    /// (the master serves MCP at its prefix plus `/v2`).
    pub fn base_url(api_base: &str) -> String {
        let trimmed = api_base.trim_end_matches('/');
        trimmed.strip_suffix("/v1").unwrap_or(trimmed).to_owned()
    }
}

impl Endpoint for Mcp {
    nodewire_common::endpoint_head!(NodePass, Unary, McpRequest => McpResponse,
        Mcp, POST,
        "/v2", Required, "v2 only: the MCP endpoint (JSON-RPC 2.0) at the API prefix plus /v2.");
    /// The master's MCP endpoint first shipped in the pre-release `v1.16.0-b1` (its constants
    /// `nextMCPVersion = "v2"`, `mcpVersion = "2025-11-25"`); the stable v1.14.0 has none.
    const HISTORY: nodewire_common::version::VersionHistory =
        nodewire_common::version::VersionHistory::added_in("v1.16.0-b1");
    /// The API prefix, one level above the versioned base of the other routes.
    const SERVERS: &'static [nodewire_common::registry::Server] = crate::MCP_SERVERS;

    fn body(&self) -> Option<&McpRequest> {
        Some(&self.body)
    }

    fn from_parts(parts: IncomingParts<'_, Self::Request>) -> Result<Self, FromRequestError> {
        Ok(Self { body: body(parts)? })
    }

    /// Decoded as an [`McpRequest`] (params typed by method and tool); the keys it skips,
    /// which the master ignores too, are listed as ignored.
    fn check_request_body(bytes: &[u8]) -> Result<Decoded, Failed> {
        let mut decoded = nodewire_common::registry::check_request_body::<Self>(bytes)?;
        let original: Value =
            nodewire_common::error::from_slice(bytes).map_err(Failed::of::<McpRequest>)?;
        decoded.ignored = match &decoded.reencoded {
            Some(reencoded) => crate::mcp::skipped_keys(&original, reencoded),
            None => Vec::new(),
        };
        Ok(decoded)
    }
}

/// Calls `$m!` with every endpoint type.
#[doc(hidden)]
#[macro_export]
macro_rules! __with_nodepass_endpoints {
    ($m:ident) => {
        $m! {
            ListInstances,
            CreateInstance,
            GetInstance,
            UpdateInstance,
            PutInstance,
            DeleteInstance,
            SubscribeEvents,
            GetMasterInfo,
            UpdateMasterAlias,
            Tcping,
            GetOpenApiSpec,
            GetDocs,
            Mcp,
        }
    };
}
