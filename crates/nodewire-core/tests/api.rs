//! The API facts of the OpenAPI export agree with the server: registration is the one
//! public route (the server takes it without `x-node-auth-key` and refuses every other route
//! without it), and the one credential is that header. (That no route takes a parameter is
//! `crates/nodewire/tests/fixed_routes.rs`.)
#![cfg(feature = "mock")]

use bytes::Bytes;
use http::StatusCode;
use nodewire_common::registry::SecurityKind;
use nodewire_core::mock::{MockConfig, MockCore};
use nodewire_core::server::handle_http;

#[tokio::test]
async fn only_registration_is_answered_without_the_key() {
    let registry = nodewire_core::registry();
    let security: Vec<SecurityKind> = registry.api.security.iter().map(|s| s.kind).collect();
    assert_eq!(security, [SecurityKind::Header(nodewire_core::AUTH_HEADER)]);
    let public: Vec<&str> = registry
        .routes
        .iter()
        .filter(|r| r.public)
        .map(|r| r.metadata.path)
        .collect();
    assert_eq!(public, ["/node/register"]);

    let core = MockCore::new(MockConfig::default());
    for route in &registry.routes {
        let request = http::Request::builder()
            .method(route.metadata.method.clone())
            .uri(route.metadata.path)
            .header("content-type", "application/json")
            .body(Bytes::from_static(b"{}"))
            .unwrap();
        let status = handle_http(&core, &request).await.status();
        if route.public {
            // Past the key check: the empty registration fails validation.
            assert_eq!(status, StatusCode::BAD_REQUEST, "{}", route.metadata.path);
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{}", route.metadata.path);
        }
    }
}
