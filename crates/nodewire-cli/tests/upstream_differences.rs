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
use std::process::Command;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `program args` in `dir`; fails with its output when it does not exit 0.
fn run(dir: &Path, program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run `{program}` ({e}): the check needs Node 20+ and npm"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "`{program} {}` failed ({}):\n{stdout}\n{stderr}",
            args.join(" "),
            out.status
        ))
    }
}

fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
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

    let openapi = root.join("tests/openapi");
    if !openapi.join("node_modules").is_dir() {
        run(&openapi, npm(), &["ci", "--no-audit", "--no-fund"])?;
    }
    let checked = run(
        &root,
        "node",
        &[
            "tests/openapi/upstream-differences.mjs",
            "--check",
            "--nodepass-upstream",
            path_text(&nodepass)?,
            "--kernel-upstream",
            path_text(&kernel)?,
        ],
    )?;
    println!("{checked}");
    assert!(
        checked.starts_with("checked docs/upstream-differences.md"),
        "{checked}"
    );
    Ok(())
}
