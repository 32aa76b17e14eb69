//! The facts the OpenAPI export reads: every `{name}` segment of a route's template and every
//! query key its `query()` can emit is declared in its `PARAMETERS` (and nothing else is), the
//! routes marked public are the ones the master serves without `X-API-Key`, and the API's
//! release, servers and credential are the crate's own.

use std::error::Error;

use nodewire_common::endpoint::{Parameter, ParameterLocation, parameter_problems};
use nodewire_common::registry::SecurityKind;
use nodewire_common::{Endpoint, Secret};
use nodewire_nodepass::endpoints::*;
use nodewire_nodepass::info::UpdateMasterAliasRequest;
use nodewire_nodepass::instances::{
    Action, CreateInstanceRequest, InstanceId, MasterAlias, PutInstanceRequest,
    UpdateInstanceRequest,
};
use nodewire_nodepass::mcp::McpRequest;
use nodewire_nodepass::url::RequestUrl;

type Built<T> = Result<T, Box<dyn Error>>;

#[path = "../../../tests/routes.rs"]
mod routes;

/// The API base of the default master, as the routes' paths are relative to it.
const API_BASE: &str = "http://127.0.0.1:9090/api/v1";

/// An endpoint with every option that reaches the query set, so its `query()` emits every
/// key it can. A route added to the route table without an implementation here does not
/// compile.
trait Full: Endpoint + Sized {
    fn full() -> Built<Self>;

    /// The base URL the route's path is relative to: the API base, except where a route
    /// says otherwise.
    fn base() -> String {
        API_BASE.to_owned()
    }
}

macro_rules! full_default {
    ($($name:ident),* $(,)?) => {
        $(impl Full for $name {
            fn full() -> Built<Self> {
                Ok(Self::default())
            }
        })*
    };
}

full_default!(
    ListInstances,
    SubscribeEvents,
    GetMasterInfo,
    GetOpenApiSpec,
    GetDocs
);

fn id() -> Built<InstanceId> {
    Ok(InstanceId::new("4abf2548")?)
}

fn url() -> Built<RequestUrl> {
    Ok(RequestUrl::new("server://:10101/127.0.0.1:8080")?)
}

impl Full for CreateInstance {
    fn full() -> Built<Self> {
        Ok(Self::new(CreateInstanceRequest::new(url()?).alias("web")))
    }
}

impl Full for GetInstance {
    fn full() -> Built<Self> {
        Ok(Self::new(id()?))
    }
}

impl Full for UpdateInstance {
    fn full() -> Built<Self> {
        Ok(Self::new(
            id()?,
            UpdateInstanceRequest::action(Action::Restart),
        ))
    }
}

impl Full for PutInstance {
    fn full() -> Built<Self> {
        Ok(Self::new(id()?, PutInstanceRequest::new(url()?))?)
    }
}

impl Full for DeleteInstance {
    fn full() -> Built<Self> {
        Ok(Self::new(id()?)?)
    }
}

impl Full for UpdateMasterAlias {
    fn full() -> Built<Self> {
        Ok(Self::new(UpdateMasterAliasRequest::new(MasterAlias::new(
            "m",
        )?)))
    }
}

impl Full for Tcping {
    fn full() -> Built<Self> {
        Ok(Self::new("[::1]:80")?)
    }
}

impl Full for Mcp {
    fn full() -> Built<Self> {
        Ok(Self::new(McpRequest::tools_list(1)))
    }

    /// `/mcp` sits beside the API prefix, not under it.
    fn base() -> String {
        Mcp::base_url(API_BASE)
    }
}

/// What is wrong with route `E`'s declared parameters and `PUBLIC`, if anything.
fn problems<E: Full>() -> Built<Vec<String>> {
    let name = E::METADATA.name;
    let endpoint = E::full()?;
    let mut problems = parameter_problems(&endpoint);
    // The master's own checks on the request head, without a key: `401` unless the route
    // is one it serves outside the key check.
    let (head, _) = endpoint.try_into_http_request(&E::base())?.into_parts();
    let refused = nodewire_nodepass::server::admit("/api/v1", &Secret::new("k"), &head)
        .err()
        .map(|failure| failure.status());
    let unauthorized = refused == Some(http::StatusCode::UNAUTHORIZED);
    if E::PUBLIC == unauthorized {
        problems.push(format!(
            "{name}: PUBLIC is {}, the master without a key answers {refused:?}",
            E::PUBLIC
        ));
    }
    Ok(problems)
}

/// The check of every endpoint, in the crate's own list.
macro_rules! checks {
    ($($name:ident),* $(,)?) => {
        [$(problems::<$name> as routes::Check),*]
    };
}

#[test]
fn every_path_segment_and_query_key_is_declared() -> Result<(), Box<dyn Error>> {
    let checks = nodewire_nodepass::__with_nodepass_endpoints!(checks);
    routes::every_route_passes(nodewire_nodepass::registry(), &checks)
}

#[test]
fn public_routes_are_the_spec_and_the_docs() {
    let public: Vec<_> = nodewire_nodepass::registry()
        .routes
        .iter()
        .filter(|r| r.public)
        .map(|r| r.metadata.name)
        .collect();
    assert_eq!(public, ["GetOpenApiSpec", "GetDocs"]);
}

#[test]
fn the_parameters_have_the_masters_rules() {
    let parameter =
        |parameters: &[Parameter], name: &str| parameters.iter().find(|p| p.name == name).copied();
    let target = parameter(Tcping::PARAMETERS, "target").unwrap();
    assert!(target.required);
    assert_eq!(target.location, ParameterLocation::Query);
    assert_eq!(
        (target.schema)().get("minLength"),
        Some(&serde_json::json!(1))
    );
    for (route, parameters) in [
        (GetInstance::METADATA.name, GetInstance::PARAMETERS),
        (UpdateInstance::METADATA.name, UpdateInstance::PARAMETERS),
        (PutInstance::METADATA.name, PutInstance::PARAMETERS),
        (DeleteInstance::METADATA.name, DeleteInstance::PARAMETERS),
    ] {
        let id = parameter(parameters, "id").unwrap();
        assert_eq!(
            (id.schema)().get("pattern"),
            Some(&serde_json::json!("^[^/]+$")),
            "{route}"
        );
    }
    assert!(
        parameter(DeleteInstance::PARAMETERS, "id")
            .unwrap()
            .description
            .contains("403")
    );
}

#[test]
fn the_api_is_the_releases_with_its_key() {
    let api = nodewire_nodepass::registry().api;
    assert_eq!(api.version, nodewire_nodepass::UPSTREAM_VERSION);
    assert!(!api.description.is_empty());
    let urls: Vec<_> = api.servers.iter().map(|s| s.url).collect();
    assert_eq!(urls, [API_BASE, "https://127.0.0.1:9090/api/v1"]);
    assert!(
        api.servers
            .iter()
            .all(|s| s.description.contains("prefix") || s.description.contains("tls"))
    );
    let [scheme] = api.security else {
        panic!("one credential: {:?}", api.security)
    };
    assert_eq!(
        scheme.kind,
        SecurityKind::Header(nodewire_nodepass::AUTH_HEADER)
    );
}
