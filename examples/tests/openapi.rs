//! The OpenAPI documents (`schemas/openapi/<protocol>.json`) through the tools frontend
//! developers use, from `tests/openapi`:
//!
//! - `redocly lint` (the `recommended` ruleset) reports no error for any of the five;
//! - `openapi-typescript` generates a `.d.ts` per protocol, and `tsc --strict` compiles them
//!   with the typed-client sources, including calls the types must refuse;
//! - an `openapi-fetch` client built on those types drives `telemt-mock` and `nodepass-mock`
//!   through create / list / patch / delete, and `kernel-mock` through its status route, each
//!   mock running as its own process on a loopback port.
//!
//! Needs Node 20+ and npm; installs the pinned packages with `npm ci` when
//! `tests/openapi/node_modules` is missing.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TELEMT_AUTH: &str = "Bearer telemt-openapi-4c1d";
const NODEPASS_KEY: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const KERNEL_ACCESS_KEY: &str = "panel";
const KERNEL_SECRET_KEY: &str = "kernel-openapi-e27a";
const KERNEL_TOKEN: &str = "kernel-token-91f3";

fn openapi_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/openapi")
}

/// Runs `program args` in `dir` with `envs`; fails with its output when it does not exit 0.
fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            format!("cannot run `{program}` ({e}): the OpenAPI check needs Node 20+ and npm")
        })?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let output = format!("{stdout}{stderr}");
    if out.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "`{program} {}` failed ({}):\n{output}",
            args.join(" "),
            out.status
        ))
    }
}

fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

/// A mock server binary running in its own process, killed when dropped.
struct Running {
    child: Child,
    /// The base URL it printed (`listening on <url>`).
    url: String,
    log: Arc<Mutex<String>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    /// Everything the process printed so far.
    fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

/// Copies `from` into `log` line by line; the URL of the first `listening on http://` line
/// is sent on `bound`.
fn capture(
    from: impl Read + Send + 'static,
    log: Arc<Mutex<String>>,
    bound: std::sync::mpsc::Sender<String>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { return };
            if let Some(rest) = line.strip_prefix("listening on ") {
                let url = rest.split(' ').next().unwrap_or_default();
                let _ = bound.send(url.trim_end_matches('/').to_owned());
            }
            if let Ok(mut log) = log.lock() {
                log.push_str(&line);
                log.push('\n');
            }
        }
    });
}

/// Starts `bin` with `args` and `envs`, and waits until it says where it listens.
fn start(bin: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<Running, String> {
    let mut child = Command::new(bin)
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{bin}: {e}"))?;
    let log = Arc::new(Mutex::new(String::new()));
    let (bound, address) = std::sync::mpsc::channel();
    if let Some(out) = child.stdout.take() {
        capture(out, Arc::clone(&log), bound.clone());
    }
    if let Some(err) = child.stderr.take() {
        capture(err, Arc::clone(&log), bound);
    }
    let received = address.recv_timeout(Duration::from_secs(30));
    let running = Running {
        child,
        url: received.clone().unwrap_or_default(),
        log,
    };
    match received {
        Ok(url) if url.starts_with("http://") => Ok(running),
        _ => Err(format!(
            "{bin} never said where it listens:\n{}",
            running.log()
        )),
    }
}

/// The three mocks the round trips drive, on ephemeral loopback ports.
struct Mocks {
    telemt: Running,
    nodepass: Running,
    kernel: Running,
}

impl Mocks {
    fn start() -> Result<Self, String> {
        Ok(Self {
            telemt: start(
                env!("CARGO_BIN_EXE_telemt-mock"),
                &["--listen", "127.0.0.1:0"],
                &[("TELEMT_AUTH", TELEMT_AUTH)],
            )?,
            nodepass: start(
                env!("CARGO_BIN_EXE_nodepass-mock"),
                &["--listen", "127.0.0.1:0", "--tick", "0"],
                &[("NODEPASS_API_KEY", NODEPASS_KEY)],
            )?,
            kernel: start(
                env!("CARGO_BIN_EXE_kernel-mock"),
                &["--listen", "127.0.0.1:0", "--access-key", KERNEL_ACCESS_KEY],
                &[
                    ("KERNEL_SECRET_KEY", KERNEL_SECRET_KEY),
                    ("KERNEL_CONTROL_TOKEN", KERNEL_TOKEN),
                ],
            )?,
        })
    }

    /// What each mock printed, for a failure message.
    fn logs(&self) -> String {
        format!(
            "telemt-mock:\n{}\nnodepass-mock:\n{}\nkernel-mock:\n{}",
            self.telemt.log(),
            self.nodepass.log(),
            self.kernel.log()
        )
    }
}

#[test]
fn openapi_documents_pass_redocly_openapi_typescript_and_typed_round_trips() -> Result<(), String> {
    let dir = openapi_dir();
    let version = run(&dir, "node", &["--version"], &[])?;
    let major: u32 = version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!(major >= 20, "Node 20 or later is needed, found {version}");
    if !dir.join("node_modules").is_dir() {
        run(&dir, npm(), &["ci", "--no-audit", "--no-fund"], &[])?;
    }

    let lint = run(&dir, "node", &["lint.mjs"], &[])?;
    println!("{lint}");
    assert!(
        lint.contains("redocly lint: 5 documents, no error"),
        "{lint}"
    );

    let generated = run(&dir, "node", &["generate-types.mjs"], &[])?;
    println!("{generated}");
    for protocol in ["telemt", "nodepass", "kernel", "dash", "core"] {
        let types = dir.join("generated").join(format!("{protocol}.d.ts"));
        let text = std::fs::read_to_string(&types).map_err(|e| format!("{types:?}: {e}"))?;
        assert!(
            text.contains("export interface paths"),
            "{protocol}.d.ts has no paths:\n{generated}"
        );
    }

    // Type-checks the generated types with the client sources (strict), and emits the
    // round trips only when nothing failed.
    let tsc = dir.join("node_modules/typescript/bin/tsc");
    let tsc = tsc.to_str().ok_or("the tsc path is not UTF-8")?;
    let compiled = run(&dir, "node", &[tsc, "-p", "tsconfig.json", "--strict"], &[])?;
    println!("{compiled}");

    let mocks = Mocks::start()?;
    let basic = format!("{KERNEL_ACCESS_KEY}:{KERNEL_SECRET_KEY}");
    let round_trips = run(
        &dir,
        "node",
        &["generated/build/src/roundtrip.js"],
        &[
            ("NODEWIRE_TELEMT_URL", &mocks.telemt.url),
            ("NODEWIRE_TELEMT_AUTH", TELEMT_AUTH),
            ("NODEWIRE_NODEPASS_URL", &mocks.nodepass.url),
            ("NODEWIRE_NODEPASS_KEY", NODEPASS_KEY),
            ("NODEWIRE_KERNEL_URL", &mocks.kernel.url),
            ("NODEWIRE_KERNEL_BASIC", &basic),
            ("NODEWIRE_KERNEL_TOKEN", KERNEL_TOKEN),
        ],
    )
    .map_err(|e| format!("{e}\n{}", mocks.logs()))?;
    println!("{round_trips}");
    assert!(
        round_trips.contains("round trips: telemt, nodepass, kernel passed"),
        "{round_trips}\n{}",
        mocks.logs()
    );
    Ok(())
}
