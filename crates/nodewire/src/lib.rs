//! **nodewire**: exact wire types for the control-plane protocols that proxy and VPN panels
//! speak to their nodes, one feature per upstream.
//!
//! | feature | module | crate | upstream |
//! | --- | --- | --- | --- |
//! | `telemt` | [`telemt`] | `nodewire-telemt` | telemt MTProto proxy `/v1` control API |
//! | `nodepass` | [`nodepass`] | `nodewire-nodepass` | NodePass master API, event stream, instance URLs |
//! | `kernel` | [`kernel`] | `nodewire-kernel` | zero-net-panel kernel `core.yaml` API, streams, panel webhooks |
//! | `dash` | [`dash`] | `nodewire-dash` | Ithiltir Dash node reports, static info, update manifests |
//! | `core` | [`nexuma`] | `nodewire-core` | Nexuma Core ⇄ node agent, HTTP and gRPC `nodeservice.NodeService` |
//! | `full` | all of the above | | |
//!
//! Each module is named after its upstream. The Nexuma Core module is [`nexuma`], not `core`,
//! so that `use nodewire::…` never shadows Rust's own `core` crate.
//! | `client` | | the reqwest client (`common::client::Client`) for every enabled protocol |
//!
//! ```toml
//! [dependencies]
//! nodewire = { version = "0.1", features = ["telemt", "client"] }
//! ```
//!
//! Every route is a sans-IO [`Endpoint`](common::Endpoint): it converts to an
//! `http::Request<Bytes>` and decodes the `http::Response<Bytes>` that comes back, so any HTTP
//! stack works; with the `client` feature, `Client::send(&endpoint)` does both. Each protocol
//! module has a `registry()` listing its routes and wire types, which the `nodewire` CLI uses to
//! check captured payloads and export JSON Schemas.

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

/// Shared machinery: endpoints, registries, `Patch<T>`, open enums, secrets, the SSE decoder
/// and the lossless check.
pub use nodewire_common as common;

/// The telemt MTProto proxy `/v1` control API.
///
/// ```
/// use nodewire::common::Endpoint;
/// use nodewire::telemt::endpoints::ListUsers;
///
/// let request = ListUsers.try_into_http_request("http://127.0.0.1:9091").unwrap();
/// assert_eq!(request.uri().path(), "/v1/users");
/// let response = http::Response::builder()
///     .status(200)
///     .body(bytes::Bytes::from_static(br#"{"ok":true,"data":[],"revision":"ab"}"#))
///     .unwrap();
/// let users = ListUsers::try_from_http_response(&response).unwrap();
/// assert!(users.data.is_empty());
/// ```
#[cfg(feature = "telemt")]
pub use nodewire_telemt as telemt;

/// The NodePass master API, its event stream and instance URLs.
///
/// ```
/// use nodewire::common::Endpoint;
/// use nodewire::nodepass::endpoints::ListInstances;
///
/// let request = ListInstances.try_into_http_request("http://127.0.0.1:9090/api/v1").unwrap();
/// assert_eq!(request.uri().path(), "/api/v1/instances");
/// let response = http::Response::builder()
///     .status(200)
///     .body(bytes::Bytes::from_static(b"[]"))
///     .unwrap();
/// assert!(ListInstances::try_from_http_response(&response).unwrap().is_empty());
/// ```
#[cfg(feature = "nodepass")]
pub use nodewire_nodepass as nodepass;

/// The zero-net-panel kernel API (`core.yaml`), its streams and the panel webhooks.
///
/// ```
/// use nodewire::common::Endpoint;
/// use nodewire::kernel::endpoints::GetHealthz;
///
/// let request = GetHealthz.try_into_http_request("http://127.0.0.1:8080").unwrap();
/// assert_eq!(request.uri().path(), "/healthz");
/// ```
#[cfg(feature = "kernel")]
pub use nodewire_kernel as kernel;

/// Ithiltir Dash node reports, static info, identity and update manifests.
///
/// ```
/// use nodewire::common::{Endpoint, Secret};
/// use nodewire::dash::endpoints::FetchIdentity;
///
/// let request = FetchIdentity::new(Secret::new("node-key"))
///     .try_into_http_request("https://dash.example.com")
///     .unwrap();
/// assert_eq!(request.uri().path(), "/api/node/identity");
/// ```
#[cfg(feature = "dash")]
pub use nodewire_dash as dash;

/// The Nexuma Core ⇄ node agent protocol: HTTP routes and the gRPC `NodeService`.
///
/// ```
/// use nodewire::common::Endpoint;
/// use nodewire::nexuma::endpoints::GetLatestConfig;
///
/// let request = GetLatestConfig.try_into_http_request("http://127.0.0.1:3000").unwrap();
/// assert_eq!(request.uri().path(), "/node/config/latest");
/// ```
#[cfg(feature = "core")]
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
