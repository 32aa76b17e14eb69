//! `docs/upstream-differences.md` is current: `tests/openapi/upstream-differences.mjs --check`
//! compares the NodePass and kernel OpenAPI documents in `schemas/openapi/` with the upstreams'
//! own (the master's `openapi.json`, the kernel's `core.yaml`), and fails when the page is not
//! what it would write, when a difference has no reason in
//! `tests/openapi/upstream-differences.reasons.json`, or when a reason matches no difference.
//!
//! The upstream documents are not part of the repository: they are read from
//! `../shared/upstream/` beside the workspace. Without them the test says so and passes.
//! Needs Node 20+ and npm; installs the pinned packages with `npm ci` when
//! `tests/openapi/node_modules` is missing.

use std::path::{Path, PathBuf};

#[path = "../../../tests/node.rs"]
mod node;

use node::node;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn path_text(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("not UTF-8: {}", path.display()))
}

#[test]
fn upstream_differences_page_is_current() -> Result<(), String> {
    let root = workspace();
    let upstream = root.join("../shared/upstream");
    let nodepass = upstream.join("nodepass/openapi.upstream.json");
    let kernel = upstream.join("kernel/core.upstream.yaml");
    if !nodepass.is_file() || !kernel.is_file() {
        println!(
            "skipped: the upstream documents are not beside the repository ({} and {})",
            nodepass.display(),
            kernel.display()
        );
        return Ok(());
    }

    node::package("openapi")?;
    let checked = node(
        &root,
        &[
            "tests/openapi/upstream-differences.mjs",
            "--check",
            "--nodepass-upstream",
            path_text(&nodepass)?,
            "--kernel-upstream",
            path_text(&kernel)?,
        ],
        &[],
    )?;
    println!("{checked}");
    assert!(
        checked.starts_with("checked docs/upstream-differences.md"),
        "{checked}"
    );
    Ok(())
}
