//! Exact wire types, endpoints and validation for the **telemt** MTProto proxy `/v1` control
//! API, as telemt 3.4.25 implements it.
//!
//! - [`endpoints`]: all 38 routes as sans-IO [`Endpoint`] values
//!   (the snake_case aliases included), usable from a client or a server.
//! - [`envelope`]: `{ok, data, revision}` / `{ok:false, error, request_id}`, the 17
//!   [`ErrorCode`]s, [`Revision`] and `If-Match`.
//! - [`users`], [`config`], [`reload`]: the request types with the server's validation rules,
//!   and their responses.
//! - [`health`], [`system`], [`runtime`], [`limits`], [`security`], [`stats`]: the read-only
//!   payloads.
//! - [`server`]: the server's order of checks (trailing slashes, 405 with `Allow`, username
//!   validation before method checks, every refusal but `413` before the body is read) and
//!   its error envelopes, for mocks and proxies.
//!
//! # Example
//!
//! ```
//! use nodewire_common::Endpoint;
//! use nodewire_telemt::endpoints::ListUsers;
//!
//! // Client side, without any HTTP stack: build the request…
//! let request = ListUsers.try_into_http_request("http://127.0.0.1:9091").unwrap();
//! assert_eq!(request.uri().path(), "/v1/users");
//!
//! // …and decode what the server answered.
//! let response = http::Response::builder()
//!     .status(200)
//!     .body(bytes::Bytes::from_static(br#"{"ok":true,"data":[],"revision":"ab"}"#))
//!     .unwrap();
//! let users = ListUsers::try_from_http_response(&response).unwrap();
//! assert!(users.data.is_empty());
//! assert_eq!(users.revision.as_str(), "ab");
//! ```
//!
//! With the `client` feature, [`Telemt::client`] builds the `nodewire_common::client::Client`
//! from the base URL and the `Authorization` value, and the client sends any endpoint:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! # #[cfg(feature = "client")] {
//! use nodewire_common::Secret;
//! use nodewire_telemt::Telemt;
//! use nodewire_telemt::endpoints::ListUsers;
//!
//! let client = Telemt::client("http://127.0.0.1:9091", Secret::new("Bearer s3cret"))?;
//! let users = client.send(&ListUsers).await?;
//! println!("{} users at revision {}", users.data.len(), users.revision.as_str());
//! # }
//! # Ok(()) }
//! ```
//!
//! # Where this crate differs from the upstream documentation
//!
//! The types follow telemt's source (and captures from a live 3.4.25 server), not its
//! `API.md`, which is wrong in these places (contract §12):
//!
//! - `SummaryData` and `ZeroCoreData` have no `handshake_failures_by_stage`.
//! - `/v1/config` has no editable `show_link` section, and its `GET` data has no `revision`.
//! - `POST /v1/users/{username}` is `405` with `Allow: GET, PATCH, DELETE`, not `404`.
//! - `GET /v1/stats/users/quota` and the hyphenated runtime paths exist.
//! - Start-up status is only `initializing` or `ready`; refill `family` is lowercase `v4`/`v6`;
//!   `telemetry_me_level` is `silent|normal|debug`.
//! - The self-test `bnd` is `null` without SOCKS upstreams, and `upstreams` may appear.
//! - `/v1/health/ready` answers `503` with `ok: true`; `runtime_reload_required` always equals
//!   `restart_required`; `null` members inside a `PATCH /v1/config` object are dropped by the
//!   server (this crate refuses them).
//!
//! # Known server hazards this crate guards against
//!
//! - A create request with a zero rate limit poisons the server's config file (every later
//!   disk read answers 500). [`users::CreateUserRequest`] cannot hold one.
//! - `200` vs `202` on user mutators says only whether the *username* is in the running
//!   config, not whether the change is live. [`envelope::Success`] keeps the status.

#![cfg_attr(docsrs, feature(doc_cfg))]

use std::borrow::Cow;

use http::StatusCode;
use nodewire_common::Endpoint;
use nodewire_common::registry::{
    ApiDescription, Decoded, Failed, Registry, RegistryProtocol, SecurityKind, SecurityScheme,
    Server, TypeEntry, roundtrip, short_type_name,
};

#[cfg(feature = "client")]
mod client;
pub mod config;
pub mod endpoints;
pub mod envelope;
pub mod health;
pub mod limits;
#[cfg(feature = "mock")]
pub mod mock;
pub mod reload;
pub mod runtime;
pub mod security;
pub mod server;
pub mod stats;
pub mod system;
#[cfg(test)]
mod testing;
pub mod users;

pub use envelope::{Error, ErrorCode, Revision, Success};

/// The upstream version these types were read from and checked against.
pub const UPSTREAM_VERSION: &str = "3.4.25";

/// The header that carries the credential: `Authorization`, its value compared with
/// `[server.api].auth_header` exactly (no scheme is parsed).
pub const AUTH_HEADER: &str = "authorization";

nodewire_common::protocol! {
    /// The telemt protocol: success and error envelopes, `ok` deciding which.
    pub struct Telemt("telemt"): Success<T> = Success<T>, Failure = Error;
    decode = envelope::decode;
    encode = envelope::encode;

    fn normalize_path(path: &str) -> Cow<'_, str> {
        Cow::Borrowed(normalize_path(path))
    }

    /// `404` with the error envelope `not_found` / `Route not found` (what every release
    /// answers for a path it does not route), not a `404` for a missing user.
    fn is_route_not_found(status: StatusCode, body: &[u8]) -> bool {
        status == StatusCode::NOT_FOUND
            && nodewire_common::error::from_slice::<envelope::ErrorResponse>(body).is_ok_and(|e| {
                e.error.code == envelope::ErrorCode::NotFound
                    && e.error.message == "Route not found"
            })
    }
}

/// The server's path rule (`mod.rs:484-489`): when longer than one character, every trailing
/// `/` is trimmed. There is no percent-decoding.
pub fn normalize_path(path: &str) -> &str {
    if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    }
}

/// Every answer is an envelope whose `ok` says which it is: the success reader takes any
/// status and reads the error envelope when `ok` is `false`.
impl RegistryProtocol for Telemt {
    const API: ApiDescription = ApiDescription {
        title: "telemt control API",
        version: UPSTREAM_VERSION,
        description: "The `/v1` control API of telemt, the MTProto proxy: health, runtime and \
            statistics reads, user management and config edits, each answer in the envelope \
            `{ok, data, revision}` (success) or `{ok: false, error: {code, message}, \
            request_id}` (failure), where `ok` and not the HTTP status says which (readiness \
            answers `503` with `ok: true`). Every `revision` is the SHA-256 of the config file, \
            sent back as `If-Match` to make a write conditional. This document follows the \
            source of the release, which differs from its `docs/Architecture/API/API.md` in \
            places (for example `POST /v1/users/{username}` answers `405`, not `404`).",
        servers: &[Server {
            url: "http://127.0.0.1:9091",
            description: "The default `[server.api].listen` (`0.0.0.0:9091`, \
                `src/config/defaults.rs`), plain HTTP/1.1; the default whitelist \
                (`127.0.0.0/8`) lets only local IPv4 callers in. Route paths carry the `/v1` \
                prefix themselves.",
        }],
        security: &[SecurityScheme {
            name: "authHeader",
            kind: SecurityKind::Header(AUTH_HEADER),
            description: "The `Authorization` header, compared byte for byte (in constant time) \
                with `[server.api].auth_header`; no scheme is parsed, so a configured \
                `Bearer X` is sent as `Authorization: Bearer X`. Required only when \
                `auth_header` is set (the default is empty: no check). It is checked before \
                routing, so any path answers `401 unauthorized` without it; the source-IP \
                whitelist is checked first.",
        }],
    };

    type SuccessBody<T: schemars::JsonSchema> = envelope::SuccessResponse<T>;
    type ErrorBody = envelope::ErrorResponse;

    fn carries_success_body(_status: StatusCode, _success: &[StatusCode]) -> bool {
        true
    }

    fn check_success<E: Endpoint<Protocol = Self>>(bytes: &[u8]) -> Result<Decoded, Failed> {
        #[derive(serde::Deserialize)]
        struct Probe {
            ok: bool,
        }
        type Envelope<E> = envelope::SuccessResponse<<E as Endpoint>::Response>;
        let failed = |error| Failed {
            type_name: short_type_name::<Envelope<E>>(),
            error,
        };
        match nodewire_common::error::from_slice::<Probe>(bytes) {
            Ok(Probe { ok: true }) => {
                let decoded = roundtrip::<Envelope<E>>(bytes)?;
                let typed: Envelope<E> =
                    nodewire_common::error::from_slice(bytes).map_err(failed)?;
                E::check_response(&typed.data).map_err(|e| {
                    let path = match e.path.as_str() {
                        "." => "data".to_owned(),
                        p if p.starts_with('[') => format!("data{p}"),
                        p => format!("data.{p}"),
                    };
                    failed(nodewire_common::DecodeError::at(path, e.message))
                })?;
                Ok(decoded)
            }
            Ok(Probe { ok: false }) => roundtrip::<envelope::ErrorResponse>(bytes),
            Err(error) => Err(failed(error)),
        }
    }
}

/// What `nodewire probe telemt` needs beyond the registry: the release is `data.version` of
/// `GET /v1/system/info`; a user's routes take a username from `GET /v1/users`; a reload's
/// status (`/v1/system/reload/{id}`) has an id no `GET` lists, so it is skipped.
pub fn probe_profile() -> nodewire_common::probe::Profile {
    use nodewire_common::probe::{IdSource, Profile, VersionSource};
    Profile {
        version: Some(VersionSource {
            path: "/v1/system/info",
            pointer: "/data/version",
        }),
        ids: &[IdSource {
            template: "/v1/users/{username}",
            param: "username",
            list: "/v1/users",
            items: "/data",
            field: "username",
        }],
        ..Profile::new()
    }
}

/// Every route and wire type of the telemt API (built once).
pub fn registry() -> &'static Registry {
    use endpoints::*;
    use nodewire_common::routes;
    nodewire_common::static_registry!(Telemt, __with_endpoints!(routes), types())
}

/// Every named wire type, with its schema.
pub fn types() -> Vec<TypeEntry> {
    nodewire_common::collect_types!(
        [envelope::ErrorResponse, envelope::ErrorBody],
        [
            users, config, reload, health, system, limits, security, stats, runtime
        ],
    )
}
