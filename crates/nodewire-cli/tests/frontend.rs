//! The JavaScript consumer of `schemas/` (tests/frontend): ajv validates every fixture of every
//! crate's manifest against its exported schema, json-schema-to-typescript generates a `.d.ts`
//! per protocol, and `tsc --strict --noEmit` compiles them with a file that uses them on
//! fixtures. Needs Node 20+ and npm; installs the pinned packages with `npm ci` when
//! `tests/frontend/node_modules` is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

fn frontend_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/frontend")
}

/// Runs `program args` in `dir`; fails with its output when it does not exit 0.
fn run(dir: &Path, program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| {
            format!("cannot run `{program}` ({e}): the frontend check needs Node 20+ and npm")
        })?;
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

#[test]
fn javascript_consumer_validates_fixtures_and_compiles_types() -> Result<(), String> {
    let dir = frontend_dir();
    let version = run(&dir, "node", &["--version"])?;
    let major: u32 = version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!(major >= 20, "Node 20 or later is needed, found {version}");
    if !dir.join("node_modules").is_dir() {
        run(&dir, npm(), &["ci", "--no-audit", "--no-fund"])?;
    }

    let validated = run(&dir, "node", &["validate-fixtures.mjs"])?;
    println!("{validated}");
    assert!(validated.contains(" passed, 0 failed"), "{validated}");

    let generated = run(&dir, "node", &["generate-types.mjs"])?;
    println!("{generated}");
    for protocol in ["core", "nodepass", "kernel", "dash", "telemt"] {
        assert!(
            dir.join("generated")
                .join(format!("{protocol}.d.ts"))
                .is_file(),
            "no {protocol}.d.ts"
        );
    }

    let tsc = dir.join("node_modules/typescript/bin/tsc");
    let tsc = tsc.to_str().ok_or("path")?;
    run(
        &dir,
        "node",
        &[tsc, "-p", "tsconfig.json", "--strict", "--noEmit"],
    )?;
    Ok(())
}
