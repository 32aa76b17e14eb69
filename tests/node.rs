//! Running the pinned Node.js tools of `tests/frontend` and `tests/openapi` from the crates'
//! tests (included with `#[path]` from a test file): Node 20 or later, the package's pinned
//! dependencies installed with `npm ci` when its `node_modules` is missing, and each script
//! run with its output captured.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The oldest Node.js major release the packages support (their `engines`).
const NODE_MAJOR: u32 = 20;

/// The directory of the workspace's npm package `tests/<name>`, ready to run: Node 20 or
/// later runs, and the package's pinned dependencies are installed (`npm ci`) when its
/// `node_modules` is missing.
pub(crate) fn package(name: &str) -> Result<PathBuf, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = manifest
        .ancestors()
        .map(|dir| dir.join("tests").join(name))
        .find(|dir| dir.join("package.json").is_file())
        .ok_or_else(|| format!("no tests/{name}/package.json above {}", manifest.display()))?;
    prepare(&dir)?;
    Ok(dir)
}

fn prepare(dir: &Path) -> Result<(), String> {
    let version = run(dir, "node", &["--version"], &[])?;
    let major: u32 = version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < NODE_MAJOR {
        return Err(format!(
            "Node {NODE_MAJOR} or later is needed, found {version}"
        ));
    }
    if !dir.join("node_modules").is_dir() {
        let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
        run(dir, npm, &["ci", "--no-audit", "--no-fund"], &[])?;
    }
    Ok(())
}

/// Runs `node args` in `dir` with `envs` added to the environment, and returns its standard
/// output; its standard error is passed on to the test's. Fails with both when it does not
/// exit 0.
pub(crate) fn node(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Result<String, String> {
    run(dir, "node", args, envs)
}

fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{program}` ({e}): the check needs Node 20+ and npm"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        eprint!("{stderr}");
        Ok(stdout)
    } else {
        Err(format!(
            "`{program} {}` failed ({}):\n{stdout}\n{stderr}",
            args.join(" "),
            out.status
        ))
    }
}
