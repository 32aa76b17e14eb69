//! Exact wire types, endpoints, event stream and instance-URL model for the **NodePass**
//! master API (`master://` mode), as NodePass v2.0.0-b10 implements it, with v1.14.0's
//! differences (no `noc` in `/info`, no `lbs` default in `config`).
//!
//! - [`endpoints`]: the 12 routes under the API base (and v2's MCP endpoint) as sans-IO
//!   [`nodewire_common::Endpoint`] values; auth is the [`endpoints::API_KEY_HEADER`].
//! - [`instances`]: `Instance` (every field always present), `Meta`/`Peer`/tags, the
//!   create / PATCH / PUT bodies with the master's 256-byte limits, and the API-key instance
//!   `********` ([`instances::Instance::api_key`]).
//! - [`info`], [`tcping`]: `/info` (v2's `noc`) and `/tcping`.
//! - [`events`]: `/events` decoded incrementally into typed events, and the reconnect rules.
//! - [`url`]: instance and master URLs by Go's rules: a master's stored `url`/`config`
//!   ([`url::normalize`]), a process's effective values ([`url::Process`]), a typed model with
//!   a builder ([`url::InstanceUrl`]).
//! - [`envelope`]: bare bodies, `{"error": …}` failures, Go's JSON encoding.
//! - [`server`]: the master's routing, auth and request handling, for mocks and proxies;
//!   `mock` (feature `mock`): an in-memory master.
//! - [`watch`]: a live instance table with traffic rates from the cumulative counters.
//! - [`mcp`]: v2's MCP endpoint `POST {prefix}/v2` ([`endpoints::Mcp`]): typed JSON-RPC 2.0
//!   messages for `initialize`, `tools/list` and the 19 tools of `tools/call`.
//!
//! # Example
//!
//! ```
//! use nodewire_common::Endpoint;
//! use nodewire_nodepass::endpoints::ListInstances;
//!
//! let request = ListInstances.try_into_http_request("http://127.0.0.1:9090/api/v1").unwrap();
//! assert_eq!(request.uri().path(), "/api/v1/instances");
//!
//! let response = http::Response::builder()
//!     .status(200)
//!     .body(bytes::Bytes::from_static(b"[]\n"))
//!     .unwrap();
//! let instances = ListInstances::try_from_http_response(&response).unwrap();
//! assert!(instances.is_empty());
//! ```
//!
//! With the `client` feature, `nodewire_common::client::Client` sends any endpoint:
//! `Client::new(base)?.with_header("x-api-key", key)?.send(&ListInstances).await?`.
//!
//! # Where this crate differs from the upstream documentation
//!
//! The types follow the master's source and captures from live v2.0.0-b10 and v1.14.0
//! masters (contract `nodepass.md`), not the upstream API document, which is wrong in these
//! places:
//!
//! - There is no `{success, data}` wrapper: `result.data.config` in the docs' samples is
//!   `result.config`.
//! - The API base is the prefix **plus `/v1`** (`/api/v1`), not `/api`; a prefix that
//!   already ends in `/v1` gives `/api/v1/v1`.
//! - `meta.peer.sid` need not be a UUID and `meta.peer.type` need not be `0|1|2`: only the
//!   256-byte limits are enforced. `"peer": {}` clears the peer (the docs say it keeps it).
//!   "Duplicate meta tag key" can never happen (JSON decoding keeps the last duplicate).
//! - The `type` and `status` of the API-key instance are empty strings, which the document's
//!   enums omit ([`instances::InstanceType::ApiKey`]).
//! - `config` has the keys sorted and `dns=5m0s`, `read=0s` (not the docs' order or `5m`,
//!   `1h`); the pool type is `type`, not `quic`; `dns` is a cache TTL, not a server list.
//! - `alias` is not length-checked on create, only on PATCH and `POST /info`.
//! - `/info.mid` is empty on a master's very first start.
//! - The event stream has no keep-alive frames, no ids, and closes after `shutdown`.
//!
//! - The master decodes request bodies with Go's `encoding/json`, which ignores unknown keys
//!   (contract §3 rows 2, 4, 5, 9; §5): so do the create, PATCH, PUT and `POST /info` bodies
//!   here when they are *decoded* (`CreateInstanceRequest`, `PutInstanceRequest`,
//!   `UpdateInstanceRequest` with `MetaUpdate`/`PeerUpdate`, `UpdateMasterAliasRequest`);
//!   known fields are still validated (URLs, the 256-byte limits, actions). Requests the
//!   library *builds* cannot carry unknown keys. `nodewire check` lists the skipped keys
//!   under `ignored`. (DESIGN.md: "Real peers win over their documents".)
//! - The MCP endpoint (§10) is at the prefix plus `/v2` (`/api/v2`), next to the API base,
//!   not under it; its differences from MCP's description are listed in [`mcp`].

#![cfg_attr(docsrs, feature(doc_cfg))]

use std::borrow::Cow;

use http::{HeaderMap, StatusCode};
use nodewire_common::registry::{
    BodySchema, DecodeFn, Decoded, Failed, Registry, ResponseStatus, Route, RouteSchemas,
    TypeEntry, request_decoder, roundtrip, short_type_name,
};
use nodewire_common::{BodyKind, Endpoint, Protocol};
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub mod endpoints;
pub mod envelope;
pub mod events;
pub mod info;
pub mod instances;
pub mod mcp;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
pub mod server;
pub mod tcping;
pub mod url;
pub mod watch;

pub use envelope::{Error, ErrorResponse};

/// The upstream version these types were read from and checked against.
pub const UPSTREAM_VERSION: &str = "v2.0.0-b10";

/// The NodePass protocol: bare bodies, `{"error"}` failures.
#[derive(Debug, Clone, Copy, Default)]
pub struct NodePass;

impl Protocol for NodePass {
    const NAME: &'static str = "nodepass";
    type Success<T> = T;
    type Failure = Error;

    fn decode_response<T: DeserializeOwned>(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<T, Error> {
        envelope::decode(status, headers, body)
    }

    /// `200` with Go's JSON; routes with another success status (`201` create, `204`
    /// delete) are answered by [`server`].
    fn encode_response<T: Serialize>(
        success: &T,
    ) -> Result<http::Response<bytes::Bytes>, serde_json::Error> {
        envelope::json_response(StatusCode::OK, success)
    }

    fn normalize_path(path: &str) -> Cow<'_, str> {
        Cow::Borrowed(normalize_path(path))
    }
}

/// The first path segment of every route.
const ROUTE_ROOTS: &[&str] = &[
    "instances",
    "events",
    "info",
    "tcping",
    "openapi.json",
    "docs",
];

/// Strips the API base from a concrete path: the part after the first `/v1` segment that is
/// followed by a route (`/api/v1/instances/x` → `/instances/x`, `/admin/v1/info` → `/info`,
/// `/api/v1/v1/events` → `/events`); the MCP path, any prefix plus `/v2`, is `/v2`. A path
/// without either is returned unchanged.
pub fn normalize_path(path: &str) -> &str {
    let mut from = 0;
    while let Some(i) = path.get(from..).and_then(|p| p.find("/v1/")) {
        let rest = path.get(from + i + 3..).unwrap_or_default();
        let root = rest
            .get(1..)
            .unwrap_or_default()
            .split('/')
            .next()
            .unwrap_or_default();
        if ROUTE_ROOTS.contains(&root) {
            return rest;
        }
        from += i + 3;
    }
    if path.ends_with("/v2") {
        return "/v2";
    }
    path
}

fn mux_text(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    (text.trim_end() == envelope::MUX_NOT_FOUND.trim_end()).then_some(text)
}

/// A failure body: `{"error": …}`, or the mux's plain-text 404.
fn decode_failure(bytes: &[u8]) -> Result<Decoded, Failed> {
    if let Some(text) = mux_text(bytes) {
        return Ok(Decoded {
            type_name: "text/plain".to_owned(),
            reencoded: Some(Value::String(text.to_owned())),
            original: Some(Value::String(text.to_owned())),
            ignored: Vec::new(),
        });
    }
    roundtrip::<ErrorResponse>(bytes)
}

/// An event stream: each event's data decoded as an [`events::InstanceEvent`].
fn decode_events(bytes: &[u8]) -> Result<Decoded, Failed> {
    let type_name = short_type_name::<Vec<events::InstanceEvent>>();
    let failed = |error| Failed {
        type_name: type_name.clone(),
        error,
    };
    let original = events::stream_data(bytes).map_err(failed)?;
    let typed = events::decode_stream(bytes).map_err(|e| match e {
        events::EventError::Data(d) => failed(d),
        other => failed(nodewire_common::DecodeError::root(other.to_string())),
    })?;
    let reencoded = serde_json::to_value(&typed).map_err(|e| {
        failed(nodewire_common::DecodeError::root(format!(
            "cannot re-encode: {e}"
        )))
    })?;
    Ok(Decoded {
        type_name: type_name.clone(),
        reencoded: Some(reencoded),
        original: Some(Value::Array(original)),
        ignored: Vec::new(),
    })
}

/// `204`: no body.
fn decode_empty(bytes: &[u8]) -> Result<Decoded, Failed> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        Ok(Decoded {
            type_name: "(no body)".to_owned(),
            reencoded: None,
            original: None,
            ignored: Vec::new(),
        })
    } else {
        Err(Failed {
            type_name: "(no body)".to_owned(),
            error: nodewire_common::DecodeError::root("expected an empty body"),
        })
    }
}

/// `/docs`: an HTML page, kept as text.
fn decode_text(bytes: &[u8]) -> Result<Decoded, Failed> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    Ok(Decoded {
        type_name: "String".to_owned(),
        reencoded: Some(Value::String(text.clone())),
        original: Some(Value::String(text)),
        ignored: Vec::new(),
    })
}

/// An MCP request: decoded as [`mcp::McpRequest`] (params typed by method and tool); the
/// keys it skips, which the master ignores too, are reported as ignored.
fn decode_mcp_request(bytes: &[u8]) -> Result<Decoded, Failed> {
    let type_name = short_type_name::<mcp::McpRequest>();
    let failed = |error| Failed {
        type_name: type_name.clone(),
        error,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(failed(nodewire_common::DecodeError::root(
            "empty body: this route requires a JSON body",
        )));
    }
    let original: Value = nodewire_common::error::from_slice(bytes).map_err(failed)?;
    let typed: mcp::McpRequest = nodewire_common::error::from_slice(bytes).map_err(failed)?;
    let reencoded = serde_json::to_value(&typed).map_err(|e| {
        failed(nodewire_common::DecodeError::root(format!(
            "cannot re-encode: {e}"
        )))
    })?;
    Ok(Decoded {
        ignored: mcp::skipped_keys(&original, &reencoded),
        type_name: type_name.clone(),
        reencoded: Some(reencoded),
        original: None,
    })
}

fn success_decoder<E: Endpoint<Protocol = NodePass>>() -> DecodeFn
where
    E::Response: 'static,
{
    match E::METADATA.name {
        "SubscribeEvents" => decode_events,
        "DeleteInstance" => decode_empty,
        "GetDocs" => decode_text,
        _ => roundtrip::<E::Response>,
    }
}

/// The body schemas of a route: `201` for a create, `204` without a body for a delete, the
/// event stream's [`events::InstanceEvent`]s, the docs page as HTML, `200` with the response
/// type otherwise; `{"error": …}` for every failure.
fn route_schemas<E: Endpoint<Protocol = NodePass>>() -> RouteSchemas
where
    E::Request: JsonSchema,
    E::Response: JsonSchema,
{
    let name = E::METADATA.name;
    let (status, success) = if name == endpoints::CreateInstance::METADATA.name {
        (201, Some(BodySchema::json::<E::Response>()))
    } else if name == endpoints::DeleteInstance::METADATA.name {
        (204, None)
    } else if name == endpoints::SubscribeEvents::METADATA.name {
        (
            200,
            Some(BodySchema::event_stream::<events::InstanceEvent>()),
        )
    } else if name == endpoints::GetDocs::METADATA.name {
        (200, Some(BodySchema::text("text/html")))
    } else {
        (200, Some(BodySchema::json::<E::Response>()))
    };
    RouteSchemas::new(
        BodySchema::request::<E::Request>(E::METADATA.body),
        &[status],
        success,
        BodySchema::json::<ErrorResponse>(),
    )
}

fn route<E: Endpoint<Protocol = NodePass>>() -> Route
where
    E::Request: JsonSchema + 'static,
    E::Response: JsonSchema + 'static,
{
    let metadata = E::METADATA;
    let request_type = match metadata.body {
        BodyKind::None => None,
        _ => Some(short_type_name::<E::Request>()),
    };
    Route {
        history: E::HISTORY,
        request: if metadata.name == endpoints::Mcp::METADATA.name {
            decode_mcp_request
        } else {
            request_decoder::<E::Request>(metadata.body)
        },
        response: |status: StatusCode| -> DecodeFn {
            if status.is_success() {
                success_decoder::<E>()
            } else {
                decode_failure
            }
        },
        request_type,
        schemas: route_schemas::<E>(),
        metadata,
    }
}

fn fallback(status: StatusCode) -> Option<DecodeFn> {
    if status.is_client_error() || status.is_server_error() {
        Some(decode_failure)
    } else {
        None
    }
}

/// What `nodewire probe nodepass` needs beyond the registry: the master's release is `ver` of
/// `GET /info`; an instance's route takes an id from `GET /instances`; `GET /tcping` is never
/// called, since it dials out to the target it is given.
pub fn probe_profile() -> nodewire_common::probe::Profile {
    use nodewire_common::probe::{IdSource, Profile, VersionSource};
    Profile {
        version: Some(VersionSource {
            path: "/info",
            pointer: "/ver",
        }),
        ids: &[IdSource {
            template: "/instances/{id}",
            param: "id",
            list: "/instances",
            items: "",
            field: "id",
        }],
        never_call: &[("/tcping", "dials out to the target it is given")],
        ..Profile::new()
    }
}

/// Every route and wire type of the NodePass master API (built once).
pub fn registry() -> &'static Registry {
    static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(build_registry)
}

fn build_registry() -> Registry {
    macro_rules! routes {
        ($($e:ident,)*) => {
            vec![$(route::<endpoints::$e>()),*]
        };
    }
    let routes = __with_nodepass_endpoints!(routes);
    Registry {
        protocol: NodePass::NAME,
        routes,
        types: types(),
        normalize_path: |p| normalize_path(p).to_owned(),
        fallback,
        fallback_schemas: vec![(
            ResponseStatus::Default,
            Some(BodySchema::json::<ErrorResponse>()),
        )],
    }
}

/// Every named wire type, with its schema.
pub fn types() -> Vec<TypeEntry> {
    let mut types = vec![TypeEntry::of::<ErrorResponse>()];
    instances::register(&mut types);
    info::register(&mut types);
    tcping::register(&mut types);
    events::register(&mut types);
    mcp::register(&mut types);
    types
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_bases_are_stripped() {
        assert_eq!(normalize_path("/api/v1/instances"), "/instances");
        assert_eq!(
            normalize_path("/api/v1/instances/********"),
            "/instances/********"
        );
        assert_eq!(normalize_path("/admin/v1/info"), "/info");
        assert_eq!(normalize_path("/api/v1/v1/events"), "/events");
        assert_eq!(
            normalize_path("/api/v1/instances/v1/info"),
            "/instances/v1/info"
        );
        assert_eq!(normalize_path("/tcping"), "/tcping");
        assert_eq!(normalize_path("/api/v1/"), "/api/v1/");
        assert_eq!(normalize_path("/api/v2"), "/v2");
        assert_eq!(normalize_path("/admin/x/v2"), "/v2");
        assert_eq!(normalize_path("/api/v1/instances/v2"), "/instances/v2");
        assert_eq!(normalize_path("/api/v2/"), "/api/v2/");
    }
}
