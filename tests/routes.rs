//! Checks run over every route of a protocol (included with `#[path]` from a test file).

use std::error::Error;

use nodewire_common::registry::Registry;

/// One route's check: what is wrong with it, nothing when all is well.
pub(crate) type Check = fn() -> Result<Vec<String>, Box<dyn Error>>;

/// Runs `checks`, one for each route of `registry` (the crate's endpoint list, so a route
/// left out of it fails here), and fails with every problem found, one a line.
pub(crate) fn every_route_passes(
    registry: &Registry,
    checks: &[Check],
) -> Result<(), Box<dyn Error>> {
    assert_eq!(checks.len(), registry.routes.len(), "one check a route");
    let mut problems = Vec::new();
    for check in checks {
        problems.extend(check()?);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}
