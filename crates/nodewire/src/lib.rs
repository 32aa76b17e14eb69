//! **nodewire**: exact wire types for the control-plane protocols that proxy and VPN panels
//! speak to their nodes, one feature per upstream.
#![cfg_attr(
    not(all(
        feature = "telemt",
        feature = "nodepass",
        feature = "kernel",
        feature = "dash",
        feature = "core"
    )),
    doc = "\n**These docs were built without every protocol feature**, so some modules are \
           missing: `cargo doc -p nodewire --all-features` (as docs.rs does) shows them all.\n"
)]
//!
//! | feature | module | crate | upstream |
//! | --- | --- | --- | --- |
//! | `telemt` | [`telemt`](telemt/index.html) | `nodewire-telemt` | telemt MTProto proxy `/v1` control API |
//! | `nodepass` | [`nodepass`](nodepass/index.html) | `nodewire-nodepass` | NodePass master API, event stream, instance URLs |
//! | `kernel` | [`kernel`](kernel/index.html) | `nodewire-kernel` | zero-net-panel kernel `core.yaml` API, streams, panel webhooks |
//! | `dash` | [`dash`](dash/index.html) | `nodewire-dash` | Ithiltir Dash node reports, static info, update manifests |
//! | `core` | [`nexuma`](nexuma/index.html) | `nodewire-core` | Nexuma Core ⇄ node agent, HTTP and gRPC `nodeservice.NodeService` |
//! | `full` | all of the above | | |
//! | `client` | | | the reqwest client (`common::client::Client`) for every enabled protocol |
//! | `rustls` | | | TLS for the clients (HTTPS, and Core's gRPC over TLS) |
//! | `websocket` | | | the client's WebSocket streams (the kernel's `…/ws` routes) |
//! | `mock` | | | each enabled protocol's in-memory, sans-IO upstream (`<module>::mock`) |
//!
//! Each module is named after its upstream. The Nexuma Core module is `nexuma`, not `core`,
//! so that `use nodewire::…` never shadows Rust's own `core` crate.
//!
//! ```toml
//! [dependencies]
//! nodewire = { version = "0.1", features = ["telemt", "client"] }
//! ```
//!
//! Every route is a sans-IO [`Endpoint`](common::Endpoint): it converts to an
//! `http::Request<Bytes>` and decodes the `http::Response<Bytes>` that comes back, so any HTTP
//! stack works; with the `client` feature, `Client::call(&endpoint)` does both. Each protocol
//! module has a `registry()` listing its routes and wire types, which the `nodewire` CLI uses to
//! check captured payloads and export JSON Schemas.
//!
//! # Paths
//!
//! Each protocol module is its crate, documented here in full: every item has a facade path
//! and a crate path, and the two name the same item. The crate docs shown under each module
//! write the crate path; from the facade, replace the crate name with the module:
//!
//! | crate path | facade path |
//! | --- | --- |
//! | `nodewire_common::endpoint::Failure` | `nodewire::common::endpoint::Failure` |
//! | `nodewire_telemt::users::CreateUserRequest` | `nodewire::telemt::users::CreateUserRequest` |
//! | `nodewire_nodepass::instances::CreateInstanceRequest` | `nodewire::nodepass::instances::CreateInstanceRequest` |
//! | `nodewire_kernel::users::UserCreateRequest` | `nodewire::kernel::users::UserCreateRequest` |
//! | `nodewire_dash::NodeReport` | `nodewire::dash::NodeReport` |
//! | `nodewire_core::register::RegisterNodeDto` | `nodewire::nexuma::register::RegisterNodeDto` |
//!
//! Each module's page opens with an example written from the facade: a request built and
//! encoded, the upstream's answer decoded, and one of its failures read.
//!
//! # Answers and failures
//!
//! The five upstreams answer and fail in five shapes; two traits read them all the same way.
//! [`Answer`](common::endpoint::Answer) gives an answer's data, status and revision (telemt's
//! config revision) where the upstream has one, and [`Failure`](common::endpoint::Failure) a
//! failure's HTTP status, the upstream's error code (typed, where the upstream has a fixed set)
//! and its message. With the `client` feature, `ClientError` has the same `status()`,
//! `code()` and `message()`, so a `409` is matched in one pattern whatever the protocol:
//!
//! ```
//! # #[cfg(feature = "telemt")] {
//! use nodewire::common::Endpoint;
//! use nodewire::common::endpoint::Failure;
//! use nodewire::telemt::ErrorCode;
//! use nodewire::telemt::endpoints::DeleteUser;
//!
//! /// What a panel does with a failed call, for any protocol.
//! fn retry_after_reload(error: &impl Failure) -> bool {
//!     error.status() == Some(http::StatusCode::CONFLICT)
//! }
//!
//! let answer = http::Response::builder().status(409).body(bytes::Bytes::from_static(
//!     br#"{"ok":false,"error":{"code":"revision_conflict","message":"Config revision mismatch"},"request_id":59}"#,
//! ))?;
//! let error = DeleteUser::try_from_http_response(&answer).unwrap_err();
//! assert!(retry_after_reload(&error));
//! assert_eq!(error.code(), Some(&ErrorCode::RevisionConflict));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Building values
//!
//! Every wire type is `#[non_exhaustive]`, so a field an upstream release adds is not a
//! breaking change here. Build requests with `new(<required fields>)` (or `default()` when
//! nothing is required) and one setter per optional field; on a nullable field, the setter
//! sends the value and `clear_<field>()` sends `null`:
//!
//! ```
//! # #[cfg(feature = "telemt")] {
//! use nodewire::common::Endpoint;
//! use nodewire::telemt::endpoints::{CreateUser, PatchUser};
//! use nodewire::telemt::users::{CreateUserRequest, PatchUserRequest, Username};
//!
//! let bob = Username::new("bob").unwrap();
//! let create = CreateUser::new(CreateUserRequest::new(bob.clone()).max_tcp_conns(5));
//! let request = create.try_into_http_request("http://127.0.0.1:9091").unwrap();
//! assert_eq!(request.body().as_ref(), br#"{"username":"bob","max_tcp_conns":5}"#);
//!
//! let patch = PatchUserRequest::default().max_unique_ips(3).clear_data_quota_bytes();
//! let request = PatchUser::new(bob, patch)
//!     .try_into_http_request("http://127.0.0.1:9091")
//!     .unwrap();
//! assert_eq!(request.body().as_ref(), br#"{"data_quota_bytes":null,"max_unique_ips":3}"#);
//! # }
//! ```
//!
//! How the crates are laid out (the modules every protocol crate has, how to add a route) is in
//! the repository's `ARCHITECTURE.md`.

#![cfg_attr(docsrs, feature(doc_cfg))]

/// The `chrono` crate the date-time accessors return (`DateTime<Utc>`), so a caller needs no
/// dependency of its own at a matching version.
pub use chrono;

/// Shared machinery: endpoints, the answer and failure traits, registries, `Patch<T>`, open
/// enums, secrets, the SSE decoder, the lossless check and (feature `client`) the client.
/// Crate `nodewire-common`: its docs below write `nodewire_common::…`, which is
/// `nodewire::common::…` here.
#[doc(inline)]
pub use nodewire_common as common;

/// The telemt MTProto proxy `/v1` control API (feature `telemt`). Crate `nodewire-telemt`: its
/// docs below write `nodewire_telemt::…`, which is `nodewire::telemt::…` here
/// (`nodewire::telemt::users::CreateUserRequest`).
///
/// # From the facade
///
/// A user created (request built and encoded, telemt's answer decoded), then a conditional
/// patch that telemt refuses with `409 revision_conflict`:
///
/// ```
/// use nodewire::common::Endpoint;
/// use nodewire::common::endpoint::Failure;
/// use nodewire::telemt::ErrorCode;
/// use nodewire::telemt::endpoints::{CreateUser, PatchUser};
/// use nodewire::telemt::users::{CreateUserRequest, PatchUserRequest, Username};
///
/// // The answer as an HTTP stack hands it over.
/// let answer = |status: u16, body: &'static [u8]| {
///     http::Response::builder()
///         .status(status)
///         .header("content-type", "application/json")
///         .body(bytes::Bytes::from_static(body))
/// };
///
/// let dave = Username::new("dave")?;
/// let create = CreateUser::new(CreateUserRequest::new(dave.clone()).max_tcp_conns(5));
/// let request = create.try_into_http_request("http://127.0.0.1:9091")?;
/// assert_eq!((request.method().as_str(), request.uri().path()), ("POST", "/v1/users"));
/// assert_eq!(request.body().as_ref(), br#"{"username":"dave","max_tcp_conns":5}"#);
///
/// // What telemt 3.4.25 answered (`201`, the user and its generated secret, links cut short).
/// # const CREATED: &[u8] = br#"{"ok":true,"data":{"user":{"username":"dave","enabled":true,"in_runtime":false,"user_ad_tag":null,"max_tcp_conns":5,"expiration_rfc3339":null,"data_quota_bytes":null,"rate_limit_up_bps":null,"rate_limit_down_bps":null,"max_unique_ips":null,"current_connections":0,"active_unique_ips":0,"active_unique_ips_list":[],"recent_unique_ips":0,"recent_unique_ips_list":[],"total_octets":0,"links":{"classic":["tg://proxy?server=127.0.0.1&port=18443&secret=647a54a740ba53b07395cd5066b42a00"],"secure":[],"tls":[],"tls_domains":[]}},"secret":"647a54a740ba53b07395cd5066b42a00"},"revision":"2c79845a7a88132c3746a98da8cb194145836a2acb91cab1d70688c775e25c51"}"#;
/// let created = CreateUser::try_from_http_response(&answer(201, CREATED)?)?;
/// assert_eq!(created.data.user.username, "dave");
/// assert_eq!(created.data.secret.expose(), "647a54a740ba53b07395cd5066b42a00");
/// assert_eq!(created.status, http::StatusCode::CREATED);
/// let revision = "2c79845a7a88132c3746a98da8cb194145836a2acb91cab1d70688c775e25c51";
/// assert_eq!(created.revision.as_str(), revision);
///
/// // A patch on the condition that the config is still at that revision…
/// let patch = PatchUser::new(dave, PatchUserRequest::default().clear_max_tcp_conns())
///     .if_match(&created.revision);
/// let request = patch.try_into_http_request("http://127.0.0.1:9091")?;
/// assert_eq!(request.headers()["if-match"], format!("\"{revision}\"").as_str());
///
/// // …which it no longer is.
/// let refused = answer(
///     409,
///     br#"{"ok":false,"error":{"code":"revision_conflict","message":"Config revision mismatch"},"request_id":59}"#,
/// )?;
/// let error = PatchUser::try_from_http_response(&refused).unwrap_err();
/// assert_eq!(error.status(), Some(http::StatusCode::CONFLICT));
/// assert_eq!(error.code(), Some(&ErrorCode::RevisionConflict));
/// assert_eq!(Failure::message(&error).as_deref(), Some("Config revision mismatch"));
///
/// // With the `client` feature, `Client::call` returns it as `ClientError::Api`, read alike.
/// # #[cfg(feature = "client")] {
/// let error = nodewire::common::client::ClientError::Api(error);
/// assert!(matches!(error.code(), Some(ErrorCode::RevisionConflict)));
/// assert_eq!(error.status(), Some(http::StatusCode::CONFLICT));
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "telemt")]
#[doc(inline)]
pub use nodewire_telemt as telemt;

/// The NodePass master API, its event stream and instance URLs (feature `nodepass`). Crate
/// `nodewire-nodepass`: its docs below write `nodewire_nodepass::…`, which is
/// `nodewire::nodepass::…` here (`nodewire::nodepass::instances::CreateInstanceRequest`).
///
/// # From the facade
///
/// An instance created (request built and encoded, the master's answer decoded), then the
/// `401` a stale API key gets:
///
/// ```
/// use nodewire::common::Endpoint;
/// use nodewire::common::endpoint::Failure;
/// use nodewire::nodepass::endpoints::CreateInstance;
/// use nodewire::nodepass::instances::{CreateInstanceRequest, InstanceStatus, InstanceType};
/// use nodewire::nodepass::url::RequestUrl;
///
/// // The answer as an HTTP stack hands it over.
/// let answer = |status: u16, body: &'static [u8]| {
///     http::Response::builder()
///         .status(status)
///         .header("content-type", "application/json")
///         .body(bytes::Bytes::from_static(body))
/// };
///
/// let url = RequestUrl::new("server://127.0.0.1:19101/127.0.0.1:19102")?;
/// let create = CreateInstance::new(CreateInstanceRequest::new(url).alias("srv-a"));
/// // Paths are relative to the master's API base (`/api/v1` for `master://…`).
/// let request = create.try_into_http_request("http://127.0.0.1:9090/api/v1")?;
/// assert_eq!(request.uri().path(), "/api/v1/instances");
/// assert_eq!(
///     request.body().as_ref(),
///     br#"{"alias":"srv-a","url":"server://127.0.0.1:19101/127.0.0.1:19102"}"#
/// );
///
/// // What a v2.0.0-b10 master answered (`201`, the instance stopped until it starts).
/// # const CREATED: &[u8] = br#"{"id":"bd3e64ea","alias":"srv-a","type":"server","status":"stopped","url":"server://127.0.0.1:19101/127.0.0.1:19102?log=info","config":"server://127.0.0.1:19101/127.0.0.1:19102?block=0\u0026dial=auto\u0026dns=5m0s\u0026lbs=0\u0026log=info\u0026max=1024\u0026mode=0\u0026notcp=0\u0026noudp=0\u0026proxy=0\u0026rate=0\u0026read=0s\u0026slot=65536\u0026type=0","restart":true,"meta":{"peer":{"sid":"","type":"","alias":""},"tags":{}},"mode":0,"ping":0,"pool":0,"tcps":0,"udps":0,"tcprx":0,"tcptx":0,"udprx":0,"udptx":0}"#;
/// let instance = CreateInstance::try_from_http_response(&answer(201, CREATED)?)?;
/// assert_eq!(instance.id.as_str(), "bd3e64ea");
/// assert_eq!((instance.kind, instance.status), (InstanceType::Server, InstanceStatus::Stopped));
///
/// // After a key regeneration, the old key is refused. NodePass has no error codes.
/// let refused = answer(401, br#"{"error":"Unauthorized: API key required"}"#)?;
/// let error = CreateInstance::try_from_http_response(&refused).unwrap_err();
/// assert_eq!(error.status(), Some(http::StatusCode::UNAUTHORIZED));
/// assert_eq!(Failure::code(&error), None);
/// assert_eq!(Failure::message(&error).as_deref(), Some("Unauthorized: API key required"));
///
/// // With the `client` feature, `Client::call` returns it as `ClientError::Api`, read alike.
/// # #[cfg(feature = "client")] {
/// let error = nodewire::common::client::ClientError::Api(error);
/// assert_eq!(error.status(), Some(http::StatusCode::UNAUTHORIZED));
/// assert_eq!(error.message().as_deref(), Some("Unauthorized: API key required"));
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "nodepass")]
#[doc(inline)]
pub use nodewire_nodepass as nodepass;

/// The zero-net-panel kernel API (`core.yaml`), its streams and the panel webhooks (feature
/// `kernel`). Crate `nodewire-kernel`: its docs below write `nodewire_kernel::…`, which is
/// `nodewire::kernel::…` here (`nodewire::kernel::users::UserCreateRequest`).
///
/// # From the facade
///
/// A user created (request built and encoded, the kernel's answer decoded), then the `409` a
/// second create of the same id gets:
///
/// ```
/// use nodewire::common::Endpoint;
/// use nodewire::common::endpoint::Failure;
/// use nodewire::kernel::endpoints::CreateUser;
/// use nodewire::kernel::envelope::codes;
/// use nodewire::kernel::users::UserCreateRequest;
///
/// // The answer as an HTTP stack hands it over.
/// let answer = |status: u16, body: &'static [u8]| {
///     http::Response::builder()
///         .status(status)
///         .header("content-type", "application/json")
///         .body(bytes::Bytes::from_static(body))
/// };
///
/// let user = UserCreateRequest::new("vip-001", "alice", "s3cret").tags(["vip"]);
/// let create = CreateUser::new(user);
/// let request = create.try_into_http_request(nodewire::kernel::DEFAULT_BASE_URL)?;
/// assert_eq!(request.uri().path(), "/v1/users");
/// assert_eq!(
///     request.body().as_ref(),
///     br#"{"id":"vip-001","username":"alice","password":"s3cret","tags":["vip"]}"#
/// );
///
/// // The kernel's answer: the status and framing are kept next to the body.
/// let created = CreateUser::try_from_http_response(&answer(200, br#"{"id":"vip-001"}"#)?)?;
/// assert_eq!(created.body.id.as_deref(), Some("vip-001"));
/// assert_eq!(created.status, http::StatusCode::OK);
///
/// // The same id again. The kernel's codes are free text; `codes` names the known ones.
/// let refused = answer(409, br#"{"code":"CONFLICT","message":"user `vip-001` exists"}"#)?;
/// let error = CreateUser::try_from_http_response(&refused).unwrap_err();
/// assert_eq!(error.status(), Some(http::StatusCode::CONFLICT));
/// assert_eq!(error.code(), Some(codes::CONFLICT));
/// assert_eq!(Failure::message(&error).as_deref(), Some("user `vip-001` exists"));
///
/// // With the `client` feature, `Client::call` returns it as `ClientError::Api`, read alike.
/// # #[cfg(feature = "client")] {
/// let error = nodewire::common::client::ClientError::Api(error);
/// assert_eq!(error.code(), Some(codes::CONFLICT));
/// assert_eq!(error.status(), Some(http::StatusCode::CONFLICT));
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "kernel")]
#[doc(inline)]
pub use nodewire_kernel as kernel;

/// Ithiltir Dash node reports, static info, identity and update manifests (feature `dash`).
/// Crate `nodewire-dash`: its docs below write `nodewire_dash::…`, which is `nodewire::dash::…`
/// here (`nodewire::dash::NodeReport`).
///
/// # From the facade
///
/// A report pushed (request built and encoded, Dash's answer decoded), then the `422` Dash
/// sends for a report it refuses:
///
/// ```
/// use nodewire::common::endpoint::Failure;
/// use nodewire::common::{Endpoint, Secret};
/// use nodewire::dash::endpoints::PushMetrics;
/// use nodewire::dash::report::{Snapshot, System};
/// use nodewire::dash::{ErrorCode, NodeReport, Timestamp};
///
/// // The answer as an HTTP stack hands it over.
/// let answer = |status: u16, body: &'static [u8]| {
///     http::Response::builder()
///         .status(status)
///         .header("content-type", "application/json")
///         .body(bytes::Bytes::from_static(body))
/// };
///
/// let mut metrics = Snapshot::default();
/// metrics.system = System::new(664);
/// let sampled = Timestamp::from_unix(1_777_852_803, 7_000_000);
/// let report = NodeReport::new("0.2.3", "vm", sampled, metrics);
/// let push = PushMetrics::new(Secret::new("node-key"), report);
/// let request = push.try_into_http_request("https://dash.example.com")?;
/// assert_eq!(request.uri().path(), "/api/node/metrics");
/// assert_eq!(request.headers()[nodewire::dash::AUTH_HEADER], "node-key");
///
/// // Dash's answer: no update for this node.
/// let pushed = answer(200, br#"{"ok":true,"update":null}"#)?;
/// let pushed = PushMetrics::try_from_http_response(&pushed)?;
/// assert_eq!((pushed.ok, pushed.update), (Some(true), None));
///
/// // A report Dash refuses (it never says why).
/// let refused = answer(422, br#"{"code":"invalid_metrics","message":"invalid metrics"}"#)?;
/// let error = PushMetrics::try_from_http_response(&refused).unwrap_err();
/// assert_eq!(error.status(), Some(http::StatusCode::UNPROCESSABLE_ENTITY));
/// assert_eq!(error.code(), Some(&ErrorCode::InvalidMetrics));
/// assert_eq!(Failure::message(&error).as_deref(), Some("invalid metrics"));
///
/// // With the `client` feature, `Client::call` returns it as `ClientError::Api`, read alike.
/// # #[cfg(feature = "client")] {
/// let error = nodewire::common::client::ClientError::Api(error);
/// assert!(matches!(error.code(), Some(ErrorCode::InvalidMetrics)));
/// assert_eq!(error.status(), Some(http::StatusCode::UNPROCESSABLE_ENTITY));
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "dash")]
#[doc(inline)]
pub use nodewire_dash as dash;

/// The Nexuma Core ⇄ node agent protocol: HTTP routes and the gRPC `NodeService` (feature
/// `core`). Crate `nodewire-core`: its docs below write `nodewire_core::…`, which is
/// `nodewire::nexuma::…` here (`nodewire::nexuma::register::RegisterNodeDto`).
///
/// # From the facade
///
/// A node registered (request built and encoded, Core's answer decoded), then the `404` an
/// unknown registration code gets:
///
/// ```
/// use nodewire::common::Endpoint;
/// use nodewire::common::endpoint::Failure;
/// use nodewire::nexuma::endpoints::RegisterNode;
/// use nodewire::nexuma::register::{NodeId, RegisterNodeDto};
/// use nodewire::nexuma::values::{IpAddress, RegistrationCode};
///
/// // The answer as an HTTP stack hands it over.
/// let answer = |status: u16, body: &'static [u8]| {
///     http::Response::builder()
///         .status(status)
///         .header("content-type", "application/json")
///         .body(bytes::Bytes::from_static(body))
/// };
///
/// let code = RegistrationCode::new("fra-1")?;
/// let ip = IpAddress::new("203.0.113.7")?;
/// let node = RegisterNodeDto::new(code, "Frankfurt 1", ip, "eu").port(8080);
/// let request = RegisterNode::new(node).try_into_http_request("http://127.0.0.1:3000")?;
/// assert_eq!(request.uri().path(), "/node/register");
/// assert_eq!(
///     request.body().as_ref(),
///     br#"{"code":"fra-1","name":"Frankfurt 1","ip":"203.0.113.7","port":8080,"region":"eu"}"#
/// );
///
/// // Core's answer: the node's key and id, to keep for every later call.
/// let registered = RegisterNode::try_from_http_response(&answer(
///     201,
///     br#"{"authKey":"3f9a0c5e7b1d2468ace0f13579bdf02468ace13579bdf02468ace13579bdf024","nodeId":1}"#,
/// )?)?;
/// assert_eq!(registered.node_id, NodeId::Number(1));
/// assert_eq!(registered.auth_key.expose().len(), 64);
///
/// // An unknown code: NestJS's error body. Core has no error codes.
/// let refused = answer(
///     404,
///     br#"{"message":"registration code not found","error":"Not Found","statusCode":404}"#,
/// )?;
/// let error = RegisterNode::try_from_http_response(&refused).unwrap_err();
/// assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND));
/// assert_eq!(Failure::code(&error), None);
/// assert_eq!(Failure::message(&error).as_deref(), Some("registration code not found"));
///
/// // With the `client` feature, `Client::call` returns it as `ClientError::Api`, read alike.
/// # #[cfg(feature = "client")] {
/// let error = nodewire::common::client::ClientError::Api(error);
/// assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND));
/// assert_eq!(error.message().as_deref(), Some("registration code not found"));
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "core")]
#[doc(inline)]
pub use nodewire_core as nexuma;

/// The registries of every enabled protocol, for tools that walk them all.
pub fn registries() -> Vec<&'static common::registry::Registry> {
    [
        #[cfg(feature = "core")]
        nodewire_core::registry(),
        #[cfg(feature = "nodepass")]
        nodewire_nodepass::registry(),
        #[cfg(feature = "kernel")]
        nodewire_kernel::registry(),
        #[cfg(feature = "dash")]
        nodewire_dash::registry(),
        #[cfg(feature = "telemt")]
        nodewire_telemt::registry(),
    ]
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn enabled_registries_are_listed() {
        let names: Vec<&str> = super::registries().iter().map(|r| r.protocol).collect();
        let expected: Vec<&str> = [
            (cfg!(feature = "core"), "core"),
            (cfg!(feature = "nodepass"), "nodepass"),
            (cfg!(feature = "kernel"), "kernel"),
            (cfg!(feature = "dash"), "dash"),
            (cfg!(feature = "telemt"), "telemt"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        assert_eq!(names, expected);
    }
}
