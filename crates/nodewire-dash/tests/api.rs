//! The API facts of the OpenAPI export agree with the receiver: no route is public (Dash
//! checks `X-Node-Secret` on all three) and the one credential is that header. (That no route
//! takes a parameter is `crates/nodewire/tests/fixed_routes.rs`.)

use nodewire_common::Secret;
use nodewire_common::registry::SecurityKind;
use nodewire_dash::server::{Body, Receiver, ReceiverConfig};

#[test]
fn every_route_needs_the_node_secret() {
    let registry = nodewire_dash::registry();
    let security: Vec<SecurityKind> = registry.api.security.iter().map(|s| s.kind).collect();
    assert_eq!(security, [SecurityKind::Header(nodewire_dash::AUTH_HEADER)]);
    let receiver = Receiver::new(ReceiverConfig::new([("node-a", Secret::new("s3cret"))]));
    assert_eq!(registry.routes.len(), 3);
    for route in &registry.routes {
        assert!(!route.public, "{}", route.metadata.path);
        let request = http::Request::builder()
            .method("POST")
            .uri(route.metadata.path)
            .header("content-type", "application/json")
            .body(())
            .unwrap();
        let (parts, ()) = request.into_parts();
        let refused = receiver.accept(&parts, Body::Complete(b"{}".to_vec().into()));
        assert_eq!(
            refused.err().map(|r| r.status()),
            Some(http::StatusCode::UNAUTHORIZED),
            "{}",
            route.metadata.path
        );
    }
}

#[test]
fn the_api_is_the_release_this_crate_follows() {
    let registry = nodewire_dash::registry();
    assert_eq!(registry.api.version, nodewire_dash::UPSTREAM_DASH_VERSION);
}
