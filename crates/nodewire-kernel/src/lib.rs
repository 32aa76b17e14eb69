//! Exact wire types and endpoints for the **zero-net-panel kernel** control API ("Zero Core
//! HTTP API", `core.yaml` 1.0.0), its event streams, and the panel-side webhooks.
//!
//! - [`endpoints`]: all 36 operations of core.yaml's 26 paths as sans-IO
//!   [`Endpoint`] values, usable from a client or a server;
//!   [`spec`] describes each in the spec's terms.
//! - The 82 component schemas, under their spec names, grouped by path: [`status`] (with
//!   [`status::pipeline`], [`status::metrics`] and [`status::health`]), [`traffic`],
//!   [`interfaces`], [`rules`], [`tls`], [`audit`], [`security`], [`registrations`],
//!   [`protocols`], [`users`], [`export`], and [`envelope`] (`{code, message}`, the success reply).
//! - [`streams`]: the SSE frames of `/v1/status/stream` and `/v1/events/stream` (through the
//!   shared incremental SSE decoder) and the WebSocket messages of `/v1/status/ws` and
//!   `/v1/events/ws`.
//! - [`webhooks`]: the panel's `POST /api/v1/kernel/{events,traffic,service-events}`: bodies in
//!   the shape the panel's go-zero handlers accept, and the panel's guard
//!   ([`webhooks::guard`]: allowed networks, Stripe-style signatures, `X-ZNP-Webhook-Token`).
//! - [`auth`]: Basic auth from an access key and a secret key, the control-token alternative,
//!   and `allow_insecure`.
//! - [`server`]: the kernel's request pipeline as a pure function, for mocks and proxies;
//!   `mock` (feature `mock`): an in-memory kernel.
//!
//! # Example
//!
//! ```
//! use nodewire_common::Endpoint;
//! use nodewire_kernel::endpoints::GetStatus;
//! use nodewire_kernel::status::HealthStatus;
//!
//! let request = GetStatus::default().include("nodes").try_into_http_request("http://127.0.0.1:23860").unwrap();
//! assert_eq!(request.uri(), "http://127.0.0.1:23860/v1/status?include=nodes");
//!
//! // A degraded node (health as an object) decodes.
//! let response = http::Response::builder()
//!     .status(200)
//!     .header("content-type", "application/json")
//!     .body(bytes::Bytes::from_static(br#"{"snapshot":{"nodes":[{"id":"edge-1",
//!         "health":{"status":{"Degraded":{"consecutive_failures":3}}}}]}}"#))
//!     .unwrap();
//! let status = GetStatus::try_from_http_response(&response).unwrap().body;
//! let nodes = status.snapshot.nodes.unwrap_or_default();
//! let health = nodes[0].health.as_ref().and_then(|h| h.status.clone());
//! assert_eq!(health, Some(HealthStatus::Degraded { consecutive_failures: 3 }));
//! ```
//!
//! With the `client` feature, [`Kernel::client`] builds the `nodewire_common::client::Client`
//! from the base URL and the [`auth::Credentials`], and the client sends any endpoint:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! # #[cfg(feature = "client")] {
//! use nodewire_kernel::Kernel;
//! use nodewire_kernel::auth::Credentials;
//! use nodewire_kernel::endpoints::ListProtocols;
//! let client = Kernel::client("http://127.0.0.1:23860", Credentials::basic("panel", "s3cret"))?;
//! let nodes = client.send(&ListProtocols).await?.body;
//! # }
//! # Ok(()) }
//! ```
//!
//! # Serving: refuse before reading
//!
//! Each server side decides what the request head decides before a byte of the body is read,
//! then reads the body under its limit, then runs the body's checks:
//!
//! - **Webhook receiver** ([`webhooks::Webhook::admit`], then
//!   [`webhooks::Webhook::receive`]), in the panel's order: the route (404; 405 with
//!   `Allow: POST`), a declared `Content-Length` over the limit (go-zero's bodiless 413), the
//!   allowed networks (403), the signature's form and timestamp or the shared token (401), the
//!   Content-Type rule (400). The panel reads the body before its token check; nothing but the
//!   answer to a request that fails both differs (401 here, 400 there). A signature's HMAC
//!   needs the body, so with a signature the Content-Type rule waits for it too, as the panel
//!   runs it after the signature.
//! - **Kernel** ([`server::Request::admit`], then [`server::Request::from_http`]; the mock's
//!   `MockKernel::admit` and `handle`): authentication (401, but for `GET /healthz`), the
//!   panel's discovery path (404), routing (404; 405 with `Allow`); then the body.
//!
//! An error body names the field at fault and quotes at most a short piece of the input.
//!
//! # Field conventions
//!
//! core.yaml marks almost every property optional. A required property is a plain field, an
//! optional one an `Option` (omitted when `None`), an optional `nullable` one a
//! [`Patch`](nodewire_common::Patch) (absent, `null` or a value), so every payload re-encodes to
//! the JSON it came from. Integers are `u64` (counters, bytes, `*_ms` timestamps), signed only
//! for `RuleStatus.priority`; free-form objects (`profile`, `stack`, `tls`, …) are JSON objects.
//! Every string enum the kernel sends is an open enum (an unknown label is kept); request enums
//! are strict (`NodeProfile.protocol`, `ExportRequest.format`, the registration `event`s,
//! `NodeProfile.role`, `RateLimitOverrideRequest.scope`), so the library never sends a label
//! core.yaml does not list.
//!
//! Decoding a request and validating it are two steps: decoding is as lenient as the real
//! panel needs (below), [`Validate`] is strict, and every endpoint runs it before a request is
//! sent. `HealthStatus` is externally tagged and `ActionView` is tagged on
//! `type`, as the spec defines them; both keep forms they do not know.
//!
//! # Where this crate differs from the upstream documentation
//!
//! - **Undeclared path parameters.** core.yaml uses `{id}` in `/v1/protocols/{id}/users` and
//!   `/v1/users/{id}` without declaring it for those 5 operations (an OpenAPI validator reports
//!   5 errors). The endpoints treat `{id}` as a required path parameter.
//! - **Removed endpoints.** The panel's `docs/kernel-integration.md` ("节点注册与心跳") still
//!   documents `POST /v1/protocols/registrations`, `DELETE /v1/protocols/registrations/{id}` and
//!   `POST /v1/protocols/registrations/{id}/heartbeat`, which core.yaml removed in `a9e1db1`.
//!   This crate follows core.yaml and has no such endpoints.
//! - **Event names.** The registration enums are underscored (`node_degraded`), the streams
//!   dotted (`node.degraded`); the docs and core.yaml name the service event
//!   `user.traffic.reported`.
//!
//! Where the real panel sends or expects what its own documents forbid, the real peer wins
//! (each case with its row in contracts/kernel.md §8):
//!
//! - **`HealthStatus`** (row 1). The panel reads `health.status` as a string and marks a node
//!   offline when it meets core.yaml's object form. Every form decodes here; a kernel built on
//!   the crate writes core.yaml's form by default and can write the lower-case string the panel
//!   reads ([`status::HealthFormat::PanelString`], `mock::MockConfig::health_format`).
//! - **`user_traffic_reported`** (row 2). The panel registers its service-event callback under
//!   that name, outside core.yaml's enum. [`registrations::ServiceEventName`] accepts it (any
//!   spelling the panel's normalization maps to a known event), keeps its text and compares it
//!   equal to `user.traffic.reported`; [`Validate`] refuses it in a request the library sends.
//! - **Webhook bodies** (rows 3-5). The panel's go-zero handlers require every key of their Go
//!   structs and read `payload` only as base64 text; its docs show bodies with keys left out
//!   and an object `payload`, which it answers with 400. A kernel sends the go-zero shape by
//!   default ([`webhooks::WebhookShape`]; the documented one on request); the receiver reads
//!   both. `observed_at` is in Unix seconds, core.yaml's timestamps in milliseconds (row 15).
//! - **Numeric `metadata`** (row 6). The panel sends `{"subscription_id": 12}` where core.yaml
//!   has `map<string,string>`: request bodies decode numbers ([`users::MetadataValue`]) and
//!   re-encode them unchanged; [`Validate`] refuses them in a request the library sends.
//! - **Discovery** (row 7). The panel first calls `GET /v1/nodes/{id}/config`, not in
//!   core.yaml, and falls back to `GET /v1/protocols` only on a 404: the server helpers and the
//!   mock answer 404 there ([`server::PANEL_DISCOVERY_PATH`]).
//! - **Control tokens** (row 8). core.yaml defines only Basic auth; the panel sends a bare
//!   `control_token` as `Authorization: Bearer <token>` ([`auth::Credentials::Token`]), which
//!   the server side accepts next to Basic ([`auth::AuthConfig::bearer`]).
//! - **Webhook secrets** (row 9). core.yaml does not say how the registration `secret` is
//!   used; the panel expects it verbatim in `X-ZNP-Webhook-Token`, and may instead check a
//!   Stripe-style signature ([`webhooks::guard`]).
//! - **Repeated registrations** (row 11). The panel registers its callbacks again on every
//!   sync; the mock returns the existing record for an identical registration.
//! - **Undefined stream payloads.** `mode=diff` frames, the WebSocket framing, event ids and
//!   every event payload but the node example are not specified: diff frames and payloads are
//!   kept as raw JSON objects, WebSocket messages are read as the JSON of one SSE `data` line.

#![cfg_attr(docsrs, feature(doc_cfg))]

use nodewire_common::Endpoint;
use nodewire_common::registry::{
    ApiDescription, Decoded, Failed, Registry, RegistryProtocol, SecurityKind, SecurityScheme,
    Server, TypeEntry, checked_response,
};

mod query;
mod wire;

pub mod audit;
pub mod auth;
#[cfg(feature = "client")]
mod client;
pub mod endpoints;
pub mod envelope;
pub mod export;
pub mod interfaces;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
pub mod protocols;
pub mod registrations;
pub mod rules;
pub mod security;
pub mod server;
pub mod spec;
pub mod status;
pub mod streams;
pub mod tls;
pub mod traffic;
pub mod users;
pub mod webhooks;

pub use envelope::{Error, ErrorResponse, Format, NoContent, Reply};
pub use wire::Validate;

/// The core.yaml version these types were read from (`info.version`).
pub const UPSTREAM_VERSION: &str = "1.0.0";

/// The header that carries the credentials: `Authorization`, Basic or a control token
/// ([`auth::Credentials`]).
pub const AUTH_HEADER: &str = "authorization";

/// The SHA-256 of the core.yaml these types were checked against (upstream commit `a9e1db1`).
pub const UPSTREAM_SHA256: &str =
    "8c8446f74af6a88c914ce9bbb63824126aa8a8e93cf889bb0d05f48a9910b4d0";

/// The kernel's default API address (`servers` in core.yaml).
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:23860";

nodewire_common::protocol! {
    /// The kernel protocol: bare bodies framed by `Content-Type`, `{code, message}` on failure.
    pub struct Kernel("kernel"): Success<T> = Reply<T>, Failure = Error;
    decode = envelope::decode;
    encode = envelope::encode;
}

/// Bare bodies, `{code, message}` on failure; an event stream is read as the list of its
/// events (`{"event", "data", "id"?}`, each `data` as JSON).
impl RegistryProtocol for Kernel {
    const API: ApiDescription = ApiDescription {
        title: "Zero Core HTTP API",
        version: UPSTREAM_VERSION,
        description: "The control API of the zero-net-panel kernel (\"Zero Core\"), as core.yaml \
            describes it: the runtime status and traffic totals, their Server-Sent Events and \
            WebSocket streams, network interfaces, rule providers, TLS nodes, audit records, \
            rate-limit overrides, node-event and service-event callback registrations, the \
            nodes (`/v1/protocols`) and their users, and the configuration export. Bodies are \
            bare JSON; every failure answers `{code, message}`. Where the panel that drives the \
            kernel sends or reads what core.yaml does not allow (numeric user `metadata`, the \
            `user_traffic_reported` event name, a health status as a string), the schemas also \
            take the panel's form. The three `/api/v1/kernel/…` routes are the panel's \
            callback receivers, which the kernel calls.",
        servers: &[Server {
            url: DEFAULT_BASE_URL,
            description: "core.yaml's `servers` (core.yaml:9-10). Route paths carry `/v1` \
                themselves: the panel's control client appends `/v1` to a node's \
                `control_endpoint` unless it already ends in `/v1`.",
        }],
        security: &[
            SecurityScheme {
                name: "basicAuth",
                kind: SecurityKind::Basic,
                description: "core.yaml's only scheme (core.yaml:871-874): `Authorization: \
                    Basic base64(access_key:secret_key)`, the panel's node \
                    `control_access_key` and `control_secret_key`, checked against the pair \
                    the kernel is configured with. Every operation but `GET /healthz` needs it \
                    or the bearer token; a kernel started with \
                    `api.auth.allow_insecure=true` also takes calls without `Authorization` \
                    (core.yaml:4-7).",
            },
            SecurityScheme {
                name: "bearerAuth",
                kind: SecurityKind::Bearer,
                description: "Not in core.yaml: the panel's node `control_token`, sent when \
                    the node has no access key pair, as `Authorization: Bearer <token>` \
                    (verbatim when it already starts with `Bearer ` or `Basic `; the panel's \
                    `pkg/kernel/control_client.go:209-220`). A kernel configured with the same \
                    token accepts it in place of the Basic credentials.",
            },
        ],
    };

    type SuccessBody<T: schemars::JsonSchema> = T;
    type ErrorBody = ErrorResponse;

    /// The stream as the JSON array of its events, each `data` parsed as JSON, decoded as
    /// `E::Response`; the re-encoding is compared with that array.
    fn check_event_stream<E: Endpoint<Protocol = Self>>(bytes: &[u8]) -> Result<Decoded, Failed> {
        let original = streams::sse_value(bytes).map_err(Failed::of::<E::Response>)?;
        checked_response::<E>(original)
    }
}

/// go-zero's bare bodies; failures are `{"message"}`.
impl RegistryProtocol for webhooks::Panel {
    type SuccessBody<T: schemars::JsonSchema> = T;
    type ErrorBody = webhooks::PanelErrorResponse;
}

/// What `nodewire probe kernel` needs beyond the registry: ids for `/v1/tls/nodes/{id}`,
/// `/v1/protocols/{id}/users` and `/v1/users/{id}` come from their list routes; `core.yaml`
/// has no route that reports the kernel's release, so none is read. The WebSocket streams are
/// skipped, the SSE streams read until their first event.
pub fn probe_profile() -> nodewire_common::probe::Profile {
    use nodewire_common::probe::{IdSource, Profile};
    Profile {
        ids: &[
            IdSource {
                template: "/v1/tls/nodes/{id}",
                param: "id",
                list: "/v1/tls/nodes",
                items: "",
                field: "id",
            },
            IdSource {
                template: "/v1/protocols/{id}/users",
                param: "id",
                list: "/v1/protocols",
                items: "",
                field: "id",
            },
            IdSource {
                template: "/v1/users/{id}",
                param: "id",
                list: "/v1/users",
                items: "",
                field: "id",
            },
        ],
        ..Profile::new()
    }
}

/// Every route (the 36 kernel operations and the 3 panel webhooks) and every wire type (the
/// 82 component schemas under their spec names, then the stream, webhook and request-enum
/// types), built once.
pub fn registry() -> &'static Registry {
    use endpoints::*;
    use nodewire_common::routes;
    use webhooks::{PostKernelEvent, PostKernelServiceEvent, PostKernelTraffic};
    let all = || {
        let mut all = __with_kernel_endpoints!(routes);
        all.extend(routes!(
            PostKernelEvent,
            PostKernelTraffic,
            PostKernelServiceEvent
        ));
        all
    };
    nodewire_common::static_registry!(Kernel, all(), types())
}

/// Every named wire type, with its schema.
pub fn types() -> Vec<TypeEntry> {
    nodewire_common::collect_types!(
        [],
        [
            envelope,
            status,
            traffic,
            interfaces,
            rules,
            protocols,
            users,
            security,
            tls,
            audit,
            export,
            registrations,
            streams,
            webhooks,
        ],
    )
}
