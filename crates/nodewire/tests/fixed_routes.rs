//! Core's and Dash's routes are fixed paths: neither upstream takes a path or query
//! parameter, every route sits under the upstream's own prefix, and the OpenAPI export names
//! the one default server. (The other three protocols declare parameters, checked route by
//! route in their own `tests/parameters.rs`.)
#![cfg(feature = "full")]

use nodewire::common::registry::Registry;

#[test]
fn core_and_dash_routes_are_fixed_paths_under_their_prefix() {
    let cases: [(&str, &Registry, &str, &str); 2] = [
        (
            "core",
            nodewire::nexuma::registry(),
            "/node/",
            nodewire::nexuma::DEFAULT_BASE_URL,
        ),
        (
            "dash",
            nodewire::dash::registry(),
            "/api/node/",
            "http://127.0.0.1:8080",
        ),
    ];
    for (protocol, registry, prefix, server) in cases {
        assert!(!registry.routes.is_empty(), "{protocol}");
        for route in &registry.routes {
            let path = route.metadata.path;
            assert!(route.parameters.is_empty(), "{protocol} {path}");
            assert!(path.starts_with(prefix), "{protocol} {path}");
            assert!(!path.contains(['{', '?']), "{protocol} {path}");
        }
        let urls: Vec<&str> = registry.api.servers.iter().map(|s| s.url).collect();
        assert_eq!(urls, [server], "{protocol}");
    }
}
