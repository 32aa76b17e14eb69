//! The crate builds from its own copy of `node-service.proto` (so the packaged crate builds);
//! the repository's `proto/node-service.proto` is the published contract. They must be the
//! same text.

use std::path::PathBuf;

#[test]
fn the_crate_builds_from_the_published_proto() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let own = std::fs::read_to_string(manifest.join("proto/node-service.proto"))?;
    assert_eq!(own, nodewire_core::PROTO, "PROTO is not the crate's copy");
    assert!(own.contains("package nodeservice;"));
    assert!(own.contains("service NodeService {"));
    let published = manifest.join("../../proto/node-service.proto");
    if published.exists() {
        let published = std::fs::read_to_string(published)?;
        assert!(
            published == own,
            "proto/node-service.proto and crates/nodewire-core/proto/node-service.proto differ: \
             copy the repository's file into the crate"
        );
    } else {
        // Outside the repository (the packaged crate) only the crate's copy exists.
        assert!(!manifest.join("../../Cargo.toml").exists());
    }
    Ok(())
}
