//! Exact wire types, rules and a sans-IO receiver for the **Ithiltir** node report protocol:
//! Ithiltir-node agents pushing JSON to a Dash at `/api/node/{metrics,static,identity}`, as
//! agent 0.2.3 and Dash 0.2.0–0.2.7 implement it.
//!
//! - [`report`]: [`NodeReport`] with its ten metric groups and every nested type, units in
//!   every field's docs; [`static_info`]: [`Static`]; [`identity`]: the identity request and
//!   response; [`update`]: the metrics response, update manifests, the round's update plan and
//!   a streaming download verifier; [`envelope`]: Dash's `{code,message}` body.
//! - [`endpoints`]: the three routes as sans-IO [`Endpoint`](nodewire_common::Endpoint)s.
//! - [`target`]: target URLs (`/metrics` → `/static`, `/identity`), `--require-https` and the
//!   HTTPS→HTTP fallback rule; [`agent`]: the agent's timing, static, retry and response
//!   rules; [`collect`]: the agent's arithmetic for turning OS counters into report fields.
//! - [`server`]: Dash's receiving side without IO: `X-Node-Secret` in constant time, the
//!   1 MiB body limit, the order of checks (those before the body made from the request head
//!   alone, [`Receiver::admit`](server::Receiver::admit), so a refused request's body is never
//!   read), status codes and error bodies; [`ratelimit`]:
//!   Dash's `429 rate_limited` limit per client /24 or /40, on every request (Dash 0.2.0)
//!   or on failed authentication only (newer Dash), with [`clientip`] for the client
//!   address; [`validate`]: Dash's semantic checks; [`version`]: agent versions as Dash
//!   reads them.
//!
//! # Example
//!
//! ```
//! use nodewire_common::Secret;
//! use nodewire_dash::server::{Body, Push, Receiver, ReceiverConfig};
//!
//! // A receiver that knows one node key.
//! let receiver = Receiver::new(ReceiverConfig::new([("node-a", Secret::new("s3cret"))]));
//!
//! // A real agent's body, as it arrives.
//! let body = std::fs::read("tests/fixtures/live-push/003-metrics.request.json").unwrap();
//! let request = http::Request::builder()
//!     .method("POST")
//!     .uri("/api/node/metrics")
//!     .header("content-type", "application/json")
//!     .header(nodewire_dash::AUTH_HEADER, "s3cret")
//!     .body(())
//!     .unwrap();
//! let (parts, ()) = request.into_parts();
//! let accepted = receiver.accept(&parts, Body::Complete(body.into())).unwrap();
//! assert_eq!(accepted.node, "node-a");
//! let Push::Metrics(report) = &accepted.push else { unreachable!() };
//! assert_eq!(report.hostname, "vm");
//! let answer = receiver.respond(&accepted, None);
//! assert_eq!(answer.body().as_ref(), b"{\"ok\":true,\"update\":null}\n");
//! ```
//!
//! With the `client` feature, [`Dash::client`] builds an agent's
//! `nodewire_common::client::Client` from the Dash base URL and the node's key, and the client
//! sends any endpoint; an agent with a target URL builds requests with
//! [`Target::request`](target::Target::request) and sends them with `Client::send_raw`.
//!
//! ```no_run
//! # async fn demo(report: nodewire_dash::NodeReport) -> Result<(), Box<dyn std::error::Error>> {
//! # #[cfg(feature = "client")] {
//! use nodewire_common::Secret;
//! use nodewire_dash::Dash;
//! use nodewire_dash::endpoints::PushMetrics;
//!
//! let key = Secret::new("node-key");
//! let client = Dash::client("http://127.0.0.1:8080", key.clone())?;
//! let answer = client.send(&PushMetrics::new(key, report)).await?;
//! # }
//! # Ok(()) }
//! ```
//!
//! # Where this crate differs from the upstream documentation
//!
//! The types follow the agent's source (and captures of a live 0.2.3 agent), not the
//! published docs, which are wrong in these places (contract §11):
//!
//! - `system.uptime` is `"%dd %dh %dm"` (`"0d 0h 11m"`), not `"01d 10h 17m 36s"`.
//! - `pressure` and its three resources are always sent, each with a `status`.
//! - The thermal `kind` list and the SMART/thermal status vocabulary are open enums: labels
//!   this version does not know are kept.
//! - Linux/macOS updates `exec` the new binary rather than waiting for systemd/launchd.
//! - Dash reads a static disk's fs type from a `mountpoints` map the agent never sends; the
//!   agent's `fs_type` is kept here as sent.
//!
//! Deliberate differences from Dash and the agent:
//!
//! - The types' own `Deserialize` matches keys exactly and refuses a repeated key. The
//!   [`server`] decodes pushes as Dash's `encoding/json` does (keys matched with Unicode
//!   case folding, repeated keys applied in order, invalid UTF-8 read as U+FFFD, the
//!   timestamp forms Go's `time.Time` takes), checked against Go itself by
//!   `tests/go_oracle.rs`; it refuses a timestamp offset of 24 hours or more, which Go's
//!   parser takes and its encoder then cannot write.
//! - A report missing a key the agent always sends, or with `null` there, is refused by the
//!   [`server`] with `422 invalid_metrics`; Dash reads it as Go's zero value and refuses
//!   only the keys it checks.
//! - [`UpdateManifest`] refuses a 64-character digest that is not
//!   hex; the agent only finds it after the download, as a digest mismatch.
//! - The receiver authenticates before it reads the body (newer Dash's order); Dash 0.2.0
//!   decoded and validated before looking the secret up. Route, method, content type, rate
//!   limit and key are checked from the head, before any of the body is read; the content
//!   type is required when the head declares a body (`Content-Length` above 0 or
//!   `Transfer-Encoding`, Go's `r.ContentLength != 0`).
//! - Newer Dash range checks (`load >= 0`, `int64` counters, text limits) refuse real
//!   agents (Windows sends `load` `-1`); they are
//!   [`Checks::PresenceAndRanges`](validate::Checks::PresenceAndRanges), not the default.
//! - JSON is written by serde: integral floats as `3.0`, `<>&` unescaped. Dash and the agent
//!   read both forms; compare payloads as JSON values.
//! - The rate limiter tracks at most
//!   [`RateLimitOptions::max_keys`](ratelimit::RateLimitOptions::max_keys) client networks
//!   and forgets the least used first; Dash's counter (go-chi `httprate`) has no cap. Its
//!   default mode is newer Dash's (failed authentication only), since Dash 0.2.0's limit
//!   on every request refuses about 30 nodes behind one NAT'd /24 (contract §11.5).
//!
//! Not covered: the `/virt` VM snapshots and the gRPC transport of the unreleased agent after
//! 0.2.3 (contract §10).

#![cfg_attr(docsrs, feature(doc_cfg))]

use http::StatusCode;
use nodewire_common::registry::{
    ApiDescription, Registry, RegistryProtocol, SecurityKind, SecurityScheme, Server, TypeEntry,
};

pub mod agent;
#[cfg(feature = "client")]
mod client;
pub mod clientip;
pub mod collect;
pub mod endpoints;
pub mod envelope;
pub mod identity;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
pub mod ratelimit;
pub mod report;
pub mod server;
pub mod static_info;
pub mod target;
pub mod timestamp;
pub mod update;
pub mod validate;
pub mod version;

mod go_shapes;
mod serde_util;
mod url_parts;

pub use envelope::{Error, ErrorCode, ErrorResponse};
pub use identity::{IdentityRequest, IdentityResponse};
pub use report::NodeReport;
pub use static_info::Static;
pub use timestamp::Timestamp;
pub use update::{MetricsResponse, UpdateManifest};

/// The agent version whose behaviour these types and rules follow.
pub const UPSTREAM_AGENT_VERSION: &str = "0.2.3";

/// The Dash versions whose receiving side [`server`] follows (0.2.0 source, newer checks as
/// an option).
pub const UPSTREAM_DASH_VERSION: &str = "0.2.0";

/// The header that carries the node's secret (`X-Node-Secret`).
pub const AUTH_HEADER: &str = "x-node-secret";

/// Dash's default address: the installer's listen port `8080` and public URL
/// `http://127.0.0.1:8080/` (`install_dash_linux.sh`); Dash serves from the root only.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";

nodewire_common::protocol! {
    /// The Dash node protocol: bare JSON bodies, only `200` is success, failures carry
    /// `{code,message}`.
    pub struct Dash("dash"): Success<T> = T, Failure = Error;
    decode = envelope::decode;
    /// `200`, `application/json; charset=utf-8`, compact JSON and a newline (Go's
    /// `json.Encoder`).
    encode = nodewire_common::server::json_response(envelope::JSON_STYLE, StatusCode::OK);
}

/// Bare JSON bodies; only a route's listed status (`200`) carries its success body, every
/// other status Dash's `{code,message}`.
impl RegistryProtocol for Dash {
    const API: ApiDescription = ApiDescription {
        title: "Ithiltir node report protocol",
        version: UPSTREAM_DASH_VERSION,
        description: "The routes a Dash serves to Ithiltir-node agents in push mode \
            (`/api/node/*`, Dash's \"Node Report Protocol\"): runtime metrics (a \
            `NodeReport`, whose answer may carry an update manifest), static host metadata \
            and the Dash installation's identity. Every route is a `POST` with an \
            `application/json` body of at most 1 MiB; only `200` is success, and every \
            failure answers `{code, message}`. The bodies are what agent 0.2.3 sends; the \
            checks are Dash 0.2.0's, with newer Dash's range checks left out because they \
            refuse real agents.",
        servers: &[Server {
            url: DEFAULT_BASE_URL,
            description: "Dash's installer default: listen port `8080`, public URL \
                `http://127.0.0.1:8080/` (`install_dash_linux.sh`). Dash serves from the root \
                only; the routes carry their `/api/node` prefix themselves. An agent's target \
                URL is the metrics route, `<public URL>/api/node/metrics`.",
        }],
        security: &[SecurityScheme {
            name: "nodeSecret",
            kind: SecurityKind::Header(AUTH_HEADER),
            description: "The node's key, the secret Dash keeps for the node, sent as the \
                `X-Node-Secret` header exactly as the agent stores it (`report install` trims \
                it). On all three routes Dash answers `401 unauthorized` when the header is \
                missing or empty or matches no node (`readSecret` in \
                `internal/transport/http/api/node/metrics.go`); Dash 0.2.0 checks a metrics \
                or static body before it looks the key up, newer Dash looks it up first.",
        }],
    };

    type SuccessBody<T: schemars::JsonSchema> = T;
    type ErrorBody = ErrorResponse;

    fn carries_success_body(status: StatusCode, success: &[StatusCode]) -> bool {
        success.contains(&status)
    }
}

/// Every route and wire type of the Dash node protocol (built once).
///
/// ```
/// use nodewire_common::check::{Target, check};
/// let reg = nodewire_dash::registry();
/// let body = std::fs::read("tests/fixtures/live-push/002-static.request.json").unwrap();
/// let outcome = check(reg, &Target::Request { line: "POST /api/node/static" }, &body).unwrap();
/// assert!(outcome.ok, "{outcome:?}");
/// ```
pub fn registry() -> &'static Registry {
    use endpoints::*;
    nodewire_common::static_registry!(
        Dash,
        nodewire_common::routes!(PushMetrics, PushStatic, FetchIdentity),
        types()
    )
}

/// Every named wire type, with its schema.
pub fn types() -> Vec<TypeEntry> {
    nodewire_common::collect_types!([ErrorResponse], [report, static_info, identity, update])
}
