//! Every protocol crate's captures (`crates/<crate>/tests/fixtures/manifest.json`: real
//! payloads from the upstreams, and the shapes synthesized from their contracts, each entry
//! naming its source) decode and re-encode losslessly through the crate's registry (the
//! `nodewire check` path), or are refused with an error naming the field, as each entry says.
//!
//! One table for the five crates; what only one crate's captures show (NodePass's event
//! stream, the fields telemt 3.4.11 lacks, …) is tested in that crate.
#![cfg(feature = "full")]

use std::path::PathBuf;

use nodewire::common::check::verify_manifest;
use nodewire::common::registry::Registry;

/// A manifest: the registry it is read with, its folder in the workspace, and the number of
/// entries it has at least (so a manifest cut short fails).
struct Manifest {
    registry: fn() -> &'static Registry,
    dir: &'static str,
    at_least: usize,
}

const MANIFESTS: [Manifest; 6] = [
    Manifest {
        registry: nodewire::nexuma::registry,
        dir: "nodewire-core/tests/fixtures",
        at_least: 40,
    },
    Manifest {
        registry: nodewire::nodepass::registry,
        dir: "nodewire-nodepass/tests/fixtures",
        at_least: 90,
    },
    Manifest {
        registry: nodewire::kernel::registry,
        dir: "nodewire-kernel/tests/fixtures",
        at_least: 30,
    },
    Manifest {
        registry: nodewire::dash::registry,
        dir: "nodewire-dash/tests/fixtures",
        at_least: 17,
    },
    Manifest {
        registry: nodewire::telemt::registry,
        dir: "nodewire-telemt/tests/fixtures",
        at_least: 100,
    },
    // Answers captured from real telemt 3.4.11 and 3.4.19 builds, read with the 3.4.25 model.
    Manifest {
        registry: nodewire::telemt::registry,
        dir: "nodewire-telemt/tests/fixtures/versions",
        at_least: 60,
    },
];

fn crates_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn every_capture_behaves_as_its_manifest_says() {
    for manifest in &MANIFESTS {
        let dir = crates_dir().join(manifest.dir);
        if let Err(failures) = verify_manifest((manifest.registry)(), &dir, manifest.at_least) {
            panic!("{}: {failures}", manifest.dir);
        }
    }
}

/// Core's captures cover every route: each has at least one payload the registry accepts.
#[test]
fn every_core_route_has_an_accepted_payload() -> Result<(), String> {
    let registry = nodewire::nexuma::registry();
    let entries = verify_manifest(registry, &crates_dir().join(MANIFESTS[0].dir), 40)?;
    for route in &registry.routes {
        let line = format!("{} {}", route.metadata.method, route.metadata.path);
        let accepted = entries
            .iter()
            .any(|e| e.expect == "accept" && e.operation.as_deref() == Some(line.as_str()));
        assert!(accepted, "no accepted payload for {line}");
    }
    Ok(())
}
