//! Exact wire types, endpoints, event stream and instance-URL model for the **NodePass**
//! master API (`master://` mode), as NodePass v2.0.0-b10 implements it, with v1.14.0's
//! differences (no `noc` in `/info`, no `lbs` default in `config`).
//!
//! - [`endpoints`]: the 12 routes under the API base (and v2's MCP endpoint) as sans-IO
//!   [`nodewire_common::Endpoint`] values; auth is the [`AUTH_HEADER`].
//! - [`instances`]: `Instance` (every field always present), `Meta`/`Peer`/tags, the
//!   create / PATCH / PUT bodies with the master's 256-byte limits, and the API-key instance
//!   `********` ([`instances::Instance::api_key`]).
//! - [`info`], [`tcping`]: `/info` (v2's `noc`) and `/tcping`.
//! - [`events`]: `/events` decoded incrementally into typed events, and the reconnect rules.
//! - [`url`]: instance and master URLs by Go's rules: a master's stored `url`/`config`
//!   ([`url::normalize`]), a process's effective values ([`url::Process`]), a typed model with
//!   a builder ([`url::InstanceUrl`]).
//! - [`envelope`]: bare bodies, `{"error": …}` failures, Go's JSON encoding.
//! - [`server`]: the master's routing, auth and request handling, for mocks and proxies, in
//!   its order: the mux, `OPTIONS`, `X-API-Key`, the handler's method ([`server::admit`],
//!   from the request head alone, so a server refuses before it reads the body, as the Go
//!   master does), then the body; `mock` (feature `mock`): an in-memory master.
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
//! With the `client` feature, [`NodePass::client`] builds the `nodewire_common::client::Client`
//! for a master from its base URL or its `master://` URL and the API key, and the client sends
//! any endpoint:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! # #[cfg(feature = "client")] {
//! use nodewire_common::Secret;
//! use nodewire_nodepass::NodePass;
//! use nodewire_nodepass::endpoints::ListInstances;
//! use nodewire_nodepass::url::MasterUrl;
//!
//! let master = MasterUrl::parse("master://127.0.0.1:9090?log=info")?;
//! let client = NodePass::client(&master, Secret::new("0123456789abcdef0123456789abcdef"))?;
//! let instances = client.send(&ListInstances).await?;
//! # }
//! # Ok(()) }
//! ```
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

use http::StatusCode;
use nodewire_common::Endpoint;
use nodewire_common::registry::{
    ApiDescription, Decoded, Failed, Registry, RegistryProtocol, SecurityKind, SecurityScheme,
    Server, TypeEntry, roundtrip,
};
use serde_json::Value;

#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub mod client;
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

/// The header that carries the API key (`X-API-Key`, compared exactly; `Authorization` is not
/// accepted).
pub const AUTH_HEADER: &str = "x-api-key";

nodewire_common::protocol! {
    /// The NodePass protocol: bare bodies, `{"error"}` failures.
    pub struct NodePass("nodepass"): Success<T> = T, Failure = Error;
    decode = envelope::decode;
    /// `200` with Go's JSON; routes with another success status (`201` create, `204`
    /// delete) are answered by [`server`].
    encode = envelope::json_response(StatusCode::OK);

    fn normalize_path(path: &str) -> Cow<'_, str> {
        Cow::Borrowed(normalize_path(path))
    }

    /// The common redaction, and the API key that the API-key instance carries as its `url`
    /// ([`instances::redact_instances`]).
    fn redact_body(body: &mut serde_json::Value) {
        instances::redact_instances(body);
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

/// Where the MCP route ([`endpoints::Mcp`]) is served: the API prefix, without the `/v1` of
/// the other routes' base.
pub(crate) const MCP_SERVERS: &[Server] = &[
    Server {
        url: "http://127.0.0.1:9090/api",
        description: "The API prefix of a master started as `master://0.0.0.0:9090`: MCP \
            answers at the prefix plus `/v2`, beside the `/v1` base of the REST routes.",
    },
    Server {
        url: "https://127.0.0.1:9090/api",
        description: "The same master with `tls=1` or `tls=2`.",
    },
];

/// Bare bodies; a failure is `{"error": …}` or the mux's plain-text 404, and the one event
/// stream (`/events`) carries [`events::InstanceEvent`]s.
impl RegistryProtocol for NodePass {
    const API: ApiDescription = ApiDescription {
        title: "NodePass master API",
        version: UPSTREAM_VERSION,
        description: "The REST API of a NodePass master (`master://` mode): it creates, controls \
            and deletes server and client tunnel instances, streams their events as \
            Server-Sent Events, reports the master's system information and runs TCP probes; \
            v2 adds an MCP (JSON-RPC 2.0) endpoint. Bodies are bare JSON, failures \
            `{\"error\": \"…\"}`. This document follows the master's source and live captures \
            where they differ from the master's own `openapi.json` (which has no error or event \
            schemas, and no empty `type`/`status` for the API-key instance `********`).",
        servers: &[
            Server {
                url: "http://127.0.0.1:9090/api/v1",
                description: "A master started as `master://0.0.0.0:9090` (the upstream docs' \
                    default command), reached locally: the API base is the URL's path, `/api` \
                    when empty (`DefaultAPIPath`), plus `/v1`. The prefix is configurable: \
                    `master://host:9090/admin` serves `/admin/v1`.",
            },
            Server {
                url: "https://127.0.0.1:9090/api/v1",
                description: "The same master with `tls=1` (an in-memory self-signed \
                    certificate: skip verification) or `tls=2` (the `crt`/`key` files).",
            },
        ],
        security: &[SecurityScheme {
            name: "ApiKeyAuth",
            kind: SecurityKind::Header(AUTH_HEADER),
            description: "The `X-API-Key` header, compared exactly with the master's API key (32 \
                lowercase hex characters, printed at start as `API Key created:` or `API Key \
                loaded:`, and the `url` of instance `********`; `PATCH /instances/******** \
                {\"action\":\"restart\"}` regenerates it). Missing: `401 Unauthorized: API key \
                required`; wrong: `401 Unauthorized: Invalid API key`. `Authorization` and query \
                parameters are not accepted, so a browser `EventSource` cannot authenticate.",
        }],
    };

    type SuccessBody<T: schemars::JsonSchema> = T;
    type ErrorBody = ErrorResponse;

    /// Each event's data decoded as an [`events::InstanceEvent`], by the stream's own rules
    /// (every event is named `instance`).
    fn check_event_stream<E: Endpoint<Protocol = Self>>(bytes: &[u8]) -> Result<Decoded, Failed> {
        type Events = Vec<events::InstanceEvent>;
        let original = events::stream_data(bytes).map_err(Failed::of::<Events>)?;
        let typed = events::decode_stream(bytes).map_err(|e| {
            Failed::of::<Events>(match e {
                events::EventError::Data(d) => d,
                other => nodewire_common::DecodeError::root(other.to_string()),
            })
        })?;
        Decoded::of(&typed, Some(Value::Array(original)))
    }

    /// `{"error": …}`, or the mux's plain-text 404.
    fn check_error(bytes: &[u8]) -> Result<Decoded, Failed> {
        let mux = std::str::from_utf8(bytes)
            .ok()
            .filter(|text| text.trim_end() == envelope::MUX_NOT_FOUND.trim_end());
        if let Some(text) = mux {
            return Ok(Decoded {
                type_name: "text/plain".to_owned(),
                reencoded: Some(Value::String(text.to_owned())),
                original: Some(Value::String(text.to_owned())),
                ignored: Vec::new(),
            });
        }
        roundtrip::<ErrorResponse>(bytes)
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
    use endpoints::*;
    use nodewire_common::routes;
    nodewire_common::static_registry!(NodePass, __with_nodepass_endpoints!(routes), types())
}

/// Every named wire type, with its schema.
pub fn types() -> Vec<TypeEntry> {
    nodewire_common::collect_types!([ErrorResponse], [instances, info, tcping, events, mcp])
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
