//! The **Nexuma Core ⇄ node agent** protocol: the HTTP routes under `/node/*` and the gRPC
//! service `nodeservice.NodeService`.
//!
//! Nexuma node agents register with Core over HTTP (`POST /node/register`) and then speak
//! gRPC for everything else; the other HTTP routes stay as a fallback. Core's source is not
//! public, so this crate, with `proto/node-service.proto`, is the contract: the types follow
//! Nexuma's `core-private-routes.md` document, and everything it leaves open is decided here
//! and listed below.
//!
//! - HTTP: [`endpoints`] (all 8 routes as sans-IO [`Endpoint`](nodewire_common::Endpoint)s)
//!   and their bodies in [`register`], [`heartbeat`], [`usage`], [`session`], [`config`],
//!   [`node_error`], [`envelope`]; validated values in [`values`].
//! - gRPC: the generated messages in [`proto`] (always), the tonic client
//!   (`proto::node_service_client`, feature `client`) and server
//!   (`proto::node_service_server`, feature `server`); conversions between the messages and the
//!   HTTP bodies, and typed accessors for the JSON-string fields, in [`grpc`].
//! - Authentication: [`auth`] reads and attaches the key (`x-node-auth-key` header or
//!   metadata, the `authKey` field as gRPC fallback) and compares it in constant time.
//! - Serving: [`server`] has a transport-neutral [`CoreBackend`](server::CoreBackend) trait,
//!   the HTTP pipeline over it (sans-IO) and, with `server`, a tonic `NodeService` over it, so
//!   one backend answers both transports identically. [`mock`] (feature `mock`) is an
//!   in-memory backend.
//!
//! # Example
//!
//! ```
//! use nodewire_core::proto::GetLatestConfigResponse;
//!
//! // A config as it arrives over gRPC: the members are JSON strings...
//! let response = GetLatestConfigResponse {
//!     revision: 4,
//!     client_map_json: r#"{"2f1c…":{"userId":42,"subscriptionId":7}}"#.into(),
//!     mtproto_client_map_json: "{}".into(),
//!     services_json: r#"{"xray":{"inbounds":[{"tag":"vless-3"}]}}"#.into(),
//! };
//! // ...and decodes into the same NodeConfig that GET /node/config/latest returns.
//! let config = response.to_node_config().unwrap();
//! assert_eq!(config.client_map["2f1c…"].subscription_id, Some(7));
//!
//! // Malformed JSON is a typed error naming the field and the place, never a panic.
//! let broken = GetLatestConfigResponse { client_map_json: "{\"a\":{\"userId\":\"x\"}}".into(), ..response };
//! let err = broken.client_map().unwrap_err();
//! assert_eq!(err.field, "clientMapJson");
//! assert_eq!(err.error.path, "a.userId");
//! ```
//!
//! # Connecting
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! # #[cfg(feature = "client")] {
//! use nodewire_common::Secret;
//! use nodewire_core::Core;
//! use nodewire_core::endpoints::GetLatestConfig;
//! use nodewire_core::grpc::client::CoreClient;
//! use nodewire_core::heartbeat::NodeHeartbeatDto;
//!
//! let key = Secret::new("k-7f3a9c");
//! // HTTP (registration takes no key: `Core::client(url, None)`).
//! let http = Core::client("http://127.0.0.1:3000", key.clone())?;
//! let config = http.send(&GetLatestConfig).await?;
//! // gRPC.
//! let mut grpc = CoreClient::connect("http://127.0.0.1:3002", key).await?;
//! let beat = grpc.heartbeat(&NodeHeartbeatDto::default().revision(config.revision)).await?;
//! # }
//! # Ok(()) }
//! ```
//!
//! # Features
//!
//! - `client`: [`Core::client`], the `nodewire_common::client::Client` for the HTTP routes,
//!   the generated gRPC client and [`grpc::client::CoreClient`], a typed client over it, with
//!   [`CoreClient::connect`](grpc::client::CoreClient::connect)`(url, key)` for a plaintext
//!   channel (or bring your own: `nodewire_core::grpc::{Channel, Endpoint}`). The tonic items
//!   a caller needs are re-exported ([`grpc`], and `nodewire_core::tonic`).
//! - `rustls`: TLS for both clients (`https://` Cores).
//! - `server`: the generated gRPC server trait and [`grpc::server::GrpcCore`].
//! - `mock`: [`mock::MockCore`].
//! - `collect`: [`collect::Collector`], this machine's metrics for `ReportNodeStats`.
//! - `agent` (with `client` and `collect`): [`agent`], the node agent: registration and the
//!   key file, the gRPC channel (TLS unless told otherwise), the heartbeat cycle.
//!
//! Code generation runs in `build.rs` with `tonic-prost-build` fed by `protox`: building needs
//! no system `protoc`.
//!
//! # Where this crate differs from the upstream documentation
//!
//! The document gives field names and TypeScript types only. Decided here:
//!
//! - **gRPC methods.** The document lists six; it also says gRPC carries every node-to-core
//!   call after registration, so `ReportSessionEvents` and `ReportError` were added to
//!   `NodeService` (their HTTP routes stay).
//! - **Field numbers and scalar types** of the `.proto` are this project's (see the file's
//!   header): counters, ids and revisions are `uint64`; `protocol` and `eventType` are strings
//!   with the HTTP labels, not proto enums; timestamps are ISO 8601 strings.
//! - **`RegisterNodeDto`** accepts both versions of the document: `host` (first version) and
//!   `port`, `domain` (newer) are all optional.
//! - **`nodeId`** may be a number or a string ([`register::NodeId`]).
//! - **Enum labels** of `VpnProtocol` and `SessionEventType` are not published; the known
//!   labels are this crate's reading, and both enums are open.
//! - **`XrayServiceConfig` / `MtProtoServiceConfig`** are not published; they are kept as JSON
//!   objects.
//! - **Validation** (the document has no validators): `ip` and `ipAddress` must be IP
//!   addresses, `recordedAt` / `occurredAt` ISO 8601 date-times *with* a time zone (stricter
//!   than class-validator's `IsISO8601`, which also takes a bare date), `code` not empty,
//!   `port` 1..=65535, `cpuPercent` within 0..=100.
//! - **Status codes.** The document names none. HTTP errors are NestJS bodies: 401 for a
//!   missing or unknown key, 400 for a bad body, 403 for a disabled node, 404 for an unknown
//!   route or registration code, 409 for confirming a revision Core has not published, 413 for
//!   an oversized body. Successful `POST`s answer 201 (NestJS's default), `GET` 200; clients
//!   accept any 2xx. gRPC: `UNAUTHENTICATED`, `INVALID_ARGUMENT`, `PERMISSION_DENIED`,
//!   `NOT_FOUND`, `FAILED_PRECONDITION`, `RESOURCE_EXHAUSTED`, `INTERNAL`.
//! - **Paths** follow Express's defaults: matched case-insensitively, one trailing `/`
//!   ignored.

#![cfg_attr(docsrs, feature(doc_cfg))]

use std::borrow::Cow;

use http::StatusCode;
use nodewire_common::registry::{
    ApiDescription, Registry, RegistryProtocol, SecurityKind, SecurityScheme, Server, TypeEntry,
};

#[cfg(feature = "agent")]
pub mod agent;
pub mod auth;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "collect")]
pub mod collect;
pub mod config;
pub mod endpoints;
pub mod envelope;
pub mod grpc;
pub mod heartbeat;
#[cfg(feature = "mock")]
pub mod mock;
pub mod node_error;
pub mod register;
pub mod server;
pub mod session;
pub mod stats;
pub mod usage;
pub mod values;

/// The messages and services generated from `proto/node-service.proto` (package
/// `nodeservice`). The client module needs feature `client`, the server module `server`.
#[allow(clippy::all, clippy::pedantic, clippy::nursery, unreachable_pub)]
pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/nodeservice.rs"));
}

pub use auth::AUTH_HEADER;
pub use envelope::{Error, ErrorResponse, OkResponse};
/// tonic, at the version the gRPC client and server are generated for (the items a caller
/// names most are also in [`grpc`]).
#[cfg(any(feature = "client", feature = "server"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "client", feature = "server"))))]
pub use tonic;

/// The full gRPC service name.
pub const SERVICE_NAME: &str = "nodeservice.NodeService";

/// The port Core's gRPC server listens on unless `GRPC_PORT` says otherwise.
pub const DEFAULT_GRPC_PORT: u16 = 3002;

/// Core's default HTTP address: `PORT` defaults to `3000` (Nexuma's `core.md`); the node
/// routes sit at the root (`/node/…`).
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:3000";

/// The text of `proto/node-service.proto` this crate was generated from.
pub const PROTO: &str = include_str!("../proto/node-service.proto");

nodewire_common::protocol! {
    /// The Core HTTP protocol: bare JSON bodies, NestJS error bodies.
    pub struct Core("core"): Success<T> = T, Failure = Error;
    decode = envelope::decode;
    /// Encodes a success with `200 OK`. [`server::handle_http`] answers `POST`s with
    /// `201 Created` instead, as NestJS does by default.
    encode = envelope::encode(StatusCode::OK);

    fn normalize_path(path: &str) -> Cow<'_, str> {
        normalize_path(path)
    }

    /// The common redaction, and the registration's one-time `code`.
    fn redact_body(body: &mut serde_json::Value) {
        register::redact_registration(body);
    }
}

/// Express's default routing rule: paths match case-insensitively, and one trailing `/` is
/// ignored.
///
/// ```
/// assert_eq!(nodewire_core::normalize_path("/Node/Heartbeat/"), "/node/heartbeat");
/// assert_eq!(nodewire_core::normalize_path("/"), "/");
/// ```
pub fn normalize_path(path: &str) -> Cow<'_, str> {
    let trimmed = match path.strip_suffix('/') {
        Some(rest) if !rest.is_empty() => rest,
        _ => path,
    };
    if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(trimmed.to_ascii_lowercase())
    } else {
        Cow::Borrowed(trimmed)
    }
}

/// Bare JSON bodies, NestJS error bodies.
impl RegistryProtocol for Core {
    /// Core publishes no release or version of these routes, and no source: this crate is
    /// the contract, so the version is the crate's.
    const API: ApiDescription = ApiDescription {
        title: "Nexuma Core private node routes",
        version: env!("CARGO_PKG_VERSION"),
        description: "The HTTP routes Nexuma Core serves to its node agents \
            (`core-private-routes.md`): a node registers with a one-time code and gets its \
            auth key, then reports heartbeats, per-user and per-outbound traffic, user \
            sessions and errors, and fetches and confirms its config revisions. Nodes use \
            Core's gRPC service `nodeservice.NodeService` for everything but registration; \
            these routes stay as the fallback. Bodies are bare JSON; failures are NestJS \
            error bodies `{statusCode, message, error?}`. The document gives field names and \
            TypeScript types only: validation rules, status codes and enum labels are this \
            contract's.",
        servers: &[Server {
            url: DEFAULT_BASE_URL,
            description: "Core's HTTP port, `PORT` (default `3000`, Nexuma's `core.md`); the \
                routes carry their `/node` prefix themselves. Core's gRPC service listens on \
                `GRPC_PORT` (default `3002`).",
        }],
        security: &[SecurityScheme {
            name: "nodeAuthKey",
            kind: SecurityKind::Header(AUTH_HEADER),
            description: "The node's auth key, which Core issues as `authKey` when the node \
                registers and the node keeps (the panel can rotate it). Every route but \
                `POST /node/register` needs it; a missing or empty header, or a key that \
                matches no node, answers `401`, a disabled node's key `403`.",
        }],
    };

    type SuccessBody<T: schemars::JsonSchema> = T;
    type ErrorBody = ErrorResponse;
}

/// What `nodewire probe core` needs beyond the registry: its one `GET` route,
/// `/node/config/latest`, takes the node key (`--header 'x-node-auth-key: <key>'`); Core
/// reports no release.
pub fn probe_profile() -> nodewire_common::probe::Profile {
    nodewire_common::probe::Profile::new()
}

/// Every HTTP route and wire type of the Core protocol (built once).
pub fn registry() -> &'static Registry {
    use endpoints::*;
    use nodewire_common::routes;
    nodewire_common::static_registry!(Core, crate::__with_core_endpoints!(routes), types())
}

/// Every named wire type of the HTTP routes, with its schema.
pub fn types() -> Vec<TypeEntry> {
    Vec::from(nodewire_common::type_entries![
        register::RegisterNodeDto,
        register::RegisterNodeResponse,
        register::NodeId,
        heartbeat::NodeHeartbeatDto,
        heartbeat::HeartbeatResponse,
        usage::NodeUsageDto,
        usage::UsageEntryDto,
        usage::NodeOutboundUsageDto,
        usage::OutboundUsageItem,
        session::SessionEventsDto,
        session::SessionEventEntryDto,
        session::VpnProtocol,
        session::SessionEventType,
        config::NodeConfig,
        config::ClientRef,
        config::NodeServices,
        config::XrayServiceConfig,
        config::MtProtoServiceConfig,
        config::NodeConfigAppliedDto,
        node_error::NodeErrorDto,
        envelope::OkResponse,
        envelope::ErrorResponse,
        values::Timestamp,
        values::IpAddress,
    ])
}
