//! Every protocol crate has the skeleton modules `ARCHITECTURE.md` lists, under the same
//! names: the test reads the table of the section "The skeleton of a protocol crate" and
//! looks for each module in each crate's `lib.rs` and `src/`.

use std::path::{Path, PathBuf};

const CRATES: [&str; 5] = [
    "nodewire-telemt",
    "nodewire-nodepass",
    "nodewire-kernel",
    "nodewire-dash",
    "nodewire-core",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The module names in the first column of the skeleton table (`lib.rs` aside).
fn skeleton_modules(architecture: &str) -> Vec<String> {
    let Some(start) = architecture.find("## The skeleton of a protocol crate") else {
        return Vec::new();
    };
    let section = architecture.get(start..).unwrap_or("");
    let section = section
        .get(3..)
        .and_then(|rest| rest.find("\n## ").and_then(|end| rest.get(..end)))
        .unwrap_or(section);
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .filter(|name| *name != "lib.rs")
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_protocol_crate_has_the_skeleton() {
    let architecture = std::fs::read_to_string(workspace().join("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md at the workspace root");
    let modules = skeleton_modules(&architecture);
    assert_eq!(modules, ["endpoints", "envelope", "server", "mock"]);
    let mut missing = Vec::new();
    for krate in CRATES {
        let src = workspace().join("crates").join(krate).join("src");
        let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
        for module in &modules {
            let declared = lib.contains(&format!("pub mod {module};"));
            let file = src.join(format!("{module}.rs")).is_file()
                || src.join(module).join("mod.rs").is_file();
            if !(declared && file) {
                missing.push(format!("{krate}: module `{module}`"));
            }
        }
        for item in ["AUTH_HEADER", "pub fn registry()", "pub fn types()"] {
            if !lib.contains(item) {
                missing.push(format!("{krate}: `{item}` in lib.rs"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing from the skeleton:\n{}",
        missing.join("\n")
    );
}
