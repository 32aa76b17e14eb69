//! Validation is a step of its own: a call the library builds is checked before anything is
//! built (every rule the kernel's own decoding applies, and core.yaml's where the real panel
//! is lenient), while a server decodes as leniently as before and then applies only the
//! kernel's own checks.

use bytes::Bytes;
use nodewire_common::{Endpoint, FromRequestError, IntoRequestError, InvalidRequest};
use nodewire_kernel::endpoints::{
    DeleteRateLimit, ImportUsers, SetRateLimit, StatusStream, StatusStreamQuery, UpsertProtocol,
};
use nodewire_kernel::protocols::{NodeProfile, NodeRole, ProfileProtocol, ProtocolUpsertRequest};
use nodewire_kernel::security::{RateLimitOverrideRequest, RateLimitOverrideScope};
use nodewire_kernel::streams::{EventName, NodeEventName};
use nodewire_kernel::webhooks::{
    EventPayload, KernelNodeEventRequest, KernelServiceEventRequest, KernelTrafficRecord,
    KernelTrafficReportRequest, PostKernelEvent, PostKernelServiceEvent, PostKernelTraffic,
    WebhookShape,
};

const BASE: &str = "http://kernel.test";

/// The rule a built call breaks, if building refused it for one.
fn refusal<E: Endpoint>(call: &E) -> Option<InvalidRequest> {
    match call.try_into_http_request(BASE) {
        Err(IntoRequestError::Validation(invalid)) => Some(invalid),
        _ => None,
    }
}

/// The JSON path of a body refusal.
fn body_path(invalid: Option<InvalidRequest>) -> Option<String> {
    match invalid {
        Some(InvalidRequest::Body(e)) => Some(e.path),
        _ => None,
    }
}

fn request(method: &str, uri: &str, body: &'static str) -> http::Request<Bytes> {
    let mut request = http::Request::new(Bytes::from_static(body.as_bytes()));
    *request.method_mut() = method.parse().unwrap_or_default();
    *request.uri_mut() = uri.parse().unwrap_or_default();
    request
}

#[test]
fn labels_the_kernel_refuses_are_not_sent() {
    let profile = NodeProfile::new("edge-1", NodeRole::from("relay"), ProfileProtocol::Vless);
    let invalid = refusal(&UpsertProtocol::new(ProtocolUpsertRequest::new(profile)));
    assert!(
        invalid
            .as_ref()
            .is_some_and(|e| e.to_string().contains("unknown label `relay`")),
        "{invalid:?}"
    );
    assert_eq!(body_path(invalid).as_deref(), Some("profile.role"));

    let body = RateLimitOverrideRequest::new(RateLimitOverrideScope::from("global"), "/v1", 5);
    assert_eq!(
        body_path(refusal(&SetRateLimit::new(body))).as_deref(),
        Some("scope")
    );

    let call = DeleteRateLimit {
        scope: RateLimitOverrideScope::from("global"),
        key: "/v1/users".to_owned(),
    };
    assert!(matches!(
        refusal(&call),
        Some(InvalidRequest::Query { name: "scope", .. })
    ));
}

#[test]
fn webhook_bodies_keep_what_decoding_requires() {
    let event = KernelNodeEventRequest::new(NodeEventName::from("node_healthy"), "edge-1");
    let mut call = PostKernelEvent::new(event);
    assert_eq!(refusal(&call), None);
    call.body.id = None;
    call.body.node_id = None;
    assert_eq!(body_path(refusal(&call)).as_deref(), Some("."));

    let report = KernelTrafficReportRequest::new([KernelTrafficRecord::for_user(1, 10, 20)]);
    let mut call = PostKernelTraffic::new(report);
    assert_eq!(refusal(&call), None);
    call.body.records.push(KernelTrafficRecord::new(10, 20));
    assert_eq!(body_path(refusal(&call)).as_deref(), Some("records[1]"));

    let mut service = KernelServiceEventRequest::new(
        EventName::from("user.traffic.reported"),
        Default::default(),
    );
    service.payload = Some(EventPayload::Base64("not base64!".to_owned()));
    let invalid = refusal(&PostKernelServiceEvent::with_shape(
        service,
        WebhookShape::Documented,
    ));
    assert_eq!(body_path(invalid).as_deref(), Some("payload"));
}

#[test]
fn a_stream_query_is_checked_on_both_sides() {
    let call = StatusStream::new(StatusStreamQuery::default().interval(0));
    let invalid = refusal(&call);
    assert_eq!(
        invalid.as_ref().map(ToString::to_string).as_deref(),
        Some("query: `interval` must be 1 to 60 seconds, got 0")
    );

    let incoming = request("GET", "/v1/status/stream?interval=0", "");
    assert!(StatusStream::decode_http_request(&incoming).is_ok());
    let refused = StatusStream::try_from_http_request(&incoming);
    assert!(matches!(
        refused,
        Err(FromRequestError::Validation(InvalidRequest::Query {
            name: "interval",
            ..
        }))
    ));
    assert_eq!(
        refused.err().map(|e| e.to_string()).as_deref(),
        Some("query: `interval` must be 1 to 60 seconds, got 0")
    );
}

#[test]
fn the_panels_forms_decode_but_are_not_built() {
    let incoming = request(
        "POST",
        "/v1/users/import",
        r#"[{"id":"12","username":"u","password":"p","metadata":{"subscription_id":34}}]"#,
    );
    let decoded = ImportUsers::try_from_http_request(&incoming);
    assert!(decoded.is_ok(), "{decoded:?}");
    let rebuilt = decoded.ok().and_then(|call| refusal(&call));
    assert_eq!(
        body_path(rebuilt).as_deref(),
        Some("[0].metadata.subscription_id")
    );
}
