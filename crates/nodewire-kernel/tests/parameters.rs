//! The parameter facts of the OpenAPI export agree with what the endpoints send
//! ([`parameter_problems`]): every `{name}` segment of a route's template is declared in its
//! [`Endpoint::PARAMETERS`], in order, and every query key an endpoint built with every option
//! set sends is declared as a query parameter (and every declared one is sent). A query
//! parameter added without a declaration, or a declaration left behind, fails here; so does a
//! route without a sample.

use std::collections::BTreeSet;

use nodewire_common::Endpoint;
use nodewire_common::endpoint::{Parameter, ParameterLocation, parameter_problems};
use nodewire_kernel::endpoints::*;
use nodewire_kernel::protocols::{NodeProfile, NodeRole, ProfileProtocol, ProtocolUpsertRequest};
use nodewire_kernel::registrations::{
    EventRegistrationRequest, NodeEventKind, ServiceEventKind, ServiceEventRegistrationRequest,
};
use nodewire_kernel::security::{RateLimitOverrideRequest, RateLimitOverrideScope};
use nodewire_kernel::streams::{EventName, NodeEventName, StreamMode};
use nodewire_kernel::webhooks::{
    KernelNodeEventRequest, KernelServiceEventRequest, KernelTrafficReportRequest, PostKernelEvent,
    PostKernelServiceEvent, PostKernelTraffic,
};
use nodewire_kernel::{export::ExportRequest, tls::TlsNodePatchRequest, users};

/// What one endpoint value declares, and what is wrong with that.
struct Sample {
    name: &'static str,
    parameters: &'static [Parameter],
    problems: Vec<String>,
}

fn sample<E: Endpoint>(call: &E) -> Sample {
    Sample {
        name: E::METADATA.name,
        parameters: E::PARAMETERS,
        problems: parameter_problems(call),
    }
}

/// Every endpoint, each with every option it has set.
fn samples() -> Vec<Sample> {
    let stream_query = StatusStreamQuery::default()
        .interval(5)
        .mode(StreamMode::Diff)
        .events("node,service")
        .include("nodes")
        .fields("nodes")
        .redact_users(true)
        .rate_limit_summary(true);
    let profile = NodeProfile::new("edge-1", NodeRole::Listener, ProfileProtocol::Http);
    let user = users::UserCreateRequest::new("1", "ada", "pw");
    vec![
        sample(&GetHealthz),
        sample(
            &GetStatus::default()
                .redact_users(true)
                .rate_limit_summary(true)
                .include("nodes")
                .fields("nodes"),
        ),
        sample(&GetTraffic::default().node(["a", "b"]).protocol(["vless"])),
        sample(&StatusStream::new(stream_query.clone())),
        sample(&StatusWs::new(stream_query)),
        sample(&EventsStream::default().events("node")),
        sample(&EventsWs::default().events("node")),
        sample(&ListInterfaces),
        sample(&ListProviders),
        sample(&RefreshProvider::new("geoip")),
        sample(&ListTlsNodes),
        sample(&GetTlsNode::new("edge-1")),
        sample(&PatchTlsNode::new("edge-1", TlsNodePatchRequest::default())),
        sample(
            &ListAudit::default()
                .limit(10)
                .since_ms(1)
                .success(true)
                .action("users.create")
                .actor("panel")
                .target("ada"),
        ),
        sample(&GetAuditHealth),
        sample(&GetRateLimits),
        sample(&SetRateLimit::new(RateLimitOverrideRequest::new(
            RateLimitOverrideScope::Endpoint,
            "/v1/users",
            120,
        ))),
        sample(&DeleteRateLimit {
            scope: RateLimitOverrideScope::Identity,
            key: "ip:127.0.0.1".to_owned(),
        }),
        sample(&ListEventRegistrations),
        sample(&RegisterEvent::new(EventRegistrationRequest::new(
            NodeEventKind::NodeAdded,
            "http://panel/api/v1/kernel/events",
        ))),
        sample(&DeleteEventRegistration::new("r1")),
        sample(&ListServiceEventRegistrations),
        sample(&RegisterServiceEvent::new(
            ServiceEventRegistrationRequest::new(
                ServiceEventKind::UserQuotaChanged,
                "http://panel/api/v1/kernel/service-events",
            ),
        )),
        sample(&DeleteServiceEventRegistration::new("s1")),
        sample(&ListProtocols),
        sample(&UpsertProtocol::new(ProtocolUpsertRequest::new(profile))),
        sample(&DeleteProtocol::new("edge-1")),
        sample(&ListProtocolUsers::new("edge-1").all(true).redact(true)),
        sample(&ListUsers::default().redact(true)),
        sample(&CreateUser::new(user)),
        sample(&ImportUsers::new(Vec::new())),
        sample(&GetUser::new("1").redact(true)),
        sample(&UpdateUser::new("1", users::UserPatchRequest::default())),
        sample(&PatchUser::new("1", users::UserPatchRequest::default())),
        sample(&DeleteUser::new("1")),
        sample(&Export::new(ExportRequest::new("/tmp/out.json"))),
        sample(&PostKernelEvent::new(KernelNodeEventRequest::new(
            NodeEventName::NodeHealthy,
            "edge-1",
        ))),
        sample(&PostKernelTraffic::new(KernelTrafficReportRequest::new([]))),
        sample(&PostKernelServiceEvent::new(
            KernelServiceEventRequest::new(EventName::UserTrafficReported, serde_json::Map::new()),
        )),
    ]
}

#[test]
fn every_route_has_a_sample() {
    let routes: BTreeSet<&str> = nodewire_kernel::registry()
        .routes
        .iter()
        .map(|r| r.metadata.name)
        .collect();
    let sampled: Vec<&str> = samples().iter().map(|s| s.name).collect();
    let unique: BTreeSet<&str> = sampled.iter().copied().collect();
    assert_eq!(unique.len(), sampled.len(), "a route sampled twice");
    assert_eq!(unique, routes);
}

#[test]
fn every_declaration_agrees_with_the_endpoint() {
    let samples = samples();
    let problems: Vec<String> = samples.iter().flat_map(|s| s.problems.clone()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let query = samples
        .iter()
        .flat_map(|s| s.parameters)
        .filter(|p| p.location == ParameterLocation::Query)
        .count();
    // `GetStatus` 4, `GetTraffic` 2, the status streams 7 each, the event streams 1 each,
    // `ListAudit` 6, `DeleteRateLimit` 2, `ListProtocolUsers` 2, `ListUsers` 1, `GetUser` 1.
    assert_eq!(query, 34);
}

/// The only required query parameters are `DeleteRateLimit`'s, which it always sends (it has
/// no optional ones, so its sample is also its smallest call).
#[test]
fn only_the_rate_limit_removal_requires_query_parameters() {
    let required: Vec<(&str, &str)> = samples()
        .iter()
        .flat_map(|s| {
            s.parameters
                .iter()
                .filter(|p| p.location == ParameterLocation::Query && p.required)
                .map(|p| (s.name, p.name))
        })
        .collect();
    assert_eq!(
        required,
        [("DeleteRateLimit", "scope"), ("DeleteRateLimit", "key")]
    );
}

#[test]
fn the_stream_interval_and_the_rate_limit_scope_have_the_kernels_values() {
    let interval = StatusStream::PARAMETERS
        .iter()
        .find(|p| p.name == "interval")
        .map(|p| serde_json::to_value((p.schema)()).unwrap());
    assert_eq!(
        interval,
        Some(serde_json::json!({"type": "integer", "minimum": 1, "maximum": 60}))
    );
    let scope = DeleteRateLimit::PARAMETERS
        .first()
        .map(|p| serde_json::to_value((p.schema)()).unwrap());
    assert_eq!(
        scope,
        Some(serde_json::json!({"type": "string", "enum": ["endpoint", "identity"]}))
    );
}

/// Public: `GET /healthz` (core.yaml:17, `security: []`) and the panel's callback receivers,
/// which take none of the kernel's credentials and are served by the panel. The server asks
/// for credentials on every other route.
#[test]
fn public_routes_are_healthz_and_the_callbacks() {
    let public: Vec<&str> = nodewire_kernel::registry()
        .routes
        .iter()
        .filter(|r| r.public)
        .map(|r| r.metadata.path)
        .collect();
    assert_eq!(
        public,
        [
            "/healthz",
            "/api/v1/kernel/events",
            "/api/v1/kernel/traffic",
            "/api/v1/kernel/service-events"
        ]
    );
    // The callbacks are served by the panel, every other route at the kernel's address.
    for route in &nodewire_kernel::registry().routes {
        let servers: Vec<&str> = route.servers.iter().map(|s| s.url).collect();
        if route.metadata.path.starts_with("/api/v1/kernel/") {
            assert_eq!(
                servers,
                ["http://127.0.0.1:8888"],
                "{}",
                route.metadata.path
            );
        } else {
            assert!(servers.is_empty(), "{}", route.metadata.path);
        }
    }
    let without_auth: Vec<&str> = nodewire_kernel::spec::operations()
        .iter()
        .filter(|o| !o.auth)
        .map(|o| o.path)
        .collect();
    assert_eq!(without_auth, ["/healthz"]);
}
