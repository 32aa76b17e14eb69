//! The `nodewire` command.
//!
//! ```text
//! nodewire check <protocol> "<METHOD> <path>" [--status <code>] [--request] <file|->
//! nodewire check <protocol> --type <TypeName> <file|->
//! nodewire schemas export [--out schemas]   # types, route bodies, index.json, openapi/
//! nodewire schemas check [--dir schemas]    # exit 1 naming each drifted file
//! nodewire nodepass normalize --master <master-url> [--compat v1.14] <instance-url>
//! nodewire nodepass parse [--certificates-load] <instance-url>
//! nodewire probe <protocol> <base-url> [--header 'Name: value']... [--json]
//! ```

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use nodewire_common::check::{Outcome, Target, check};
use nodewire_common::registry::{INDEX_FILE, OPENAPI_DIR, Registry, export_files};

/// Exact wire types for proxy-panel control protocols: check captured payloads, export schemas.
#[derive(Parser)]
#[command(name = "nodewire", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode a captured payload and say whether it round-trips losslessly.
    ///
    /// Prints {"ok", "type", "error"?, "lost", "changed", "ignored"}. `ignored` lists the
    /// request fields the upstream ignores by design (unknown keys its server skips, as the
    /// library's decoder does): they do not fail the check, since the real server accepts the
    /// body. Exit 0: decoded, valid and lossless (ignored fields aside); 1: decoding or
    /// validation failed, or something was lost or changed; 2: usage error.
    Check {
        /// core, nodepass, kernel, dash or telemt.
        protocol: String,
        /// "METHOD /path", the concrete path as sent (query string ignored).
        route: Option<String>,
        /// The payload file, or - for standard input.
        file: Option<PathBuf>,
        /// Check against a named wire type instead of a route.
        #[arg(long = "type", value_name = "TypeName", conflicts_with_all = ["status", "request"])]
        type_name: Option<String>,
        /// The response status (default 200).
        #[arg(long)]
        status: Option<u16>,
        /// The file is the request body.
        #[arg(long, conflicts_with = "status")]
        request: bool,
    },
    /// Export or verify the JSON Schemas and OpenAPI documents in `schemas/`.
    Schemas {
        #[command(subcommand)]
        command: SchemasCommand,
    },
    /// Call every side-effect-free GET route of a running server and report drift.
    ///
    /// The live counterpart of `check`: each answer is decoded through the library and
    /// re-encoded; a row per route says ok, drift (lost or changed JSON pointers, enum labels
    /// the library does not know) or error (with the JSON path), or why it was skipped (a
    /// parameter no GET lists, a WebSocket, a route that dials out). Routes with a path
    /// parameter use an id a list route answered; streams are read until their first event or
    /// a short bound. Nothing that writes or dials out is called. Dash (push-only) is refused.
    /// Exit 0: no drift; 1: drift or an error answer; 2: usage or connection error.
    #[cfg(feature = "probe")]
    Probe {
        /// core, nodepass, kernel or telemt.
        protocol: String,
        /// The server's base URL, with any API prefix: `http://127.0.0.1:9091` (telemt),
        /// `http://127.0.0.1:9090/api/v1` (NodePass), `http://127.0.0.1:23860` (kernel),
        /// `http://127.0.0.1:3000` (Core).
        base_url: String,
        /// A header sent with every call, as `Name: value` (repeatable): `X-API-Key: …`,
        /// `Authorization: …`, `x-node-auth-key: …`.
        #[arg(long = "header", value_name = "Name: value")]
        headers: Vec<String>,
        /// Print the report as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// How long to read a stream route that sends no event, in seconds.
        #[arg(long, default_value_t = 3)]
        stream_secs: u64,
    },
    /// NodePass instance URLs, as a master and its processes read them.
    Nodepass {
        #[command(subcommand)]
        command: NodepassCommand,
    },
}

#[derive(Subcommand)]
enum NodepassCommand {
    /// Print the `url` and `config` a master stores for an instance URL.
    ///
    /// Prints {"url", "config"} and exits 0, or {"error": "<the master's 400 text>"} and
    /// exits 1; exit 2 for a bad --master or --compat.
    Normalize {
        /// The master's URL (`master://host:port[/prefix]?log=&tls=&crt=&key=`); a tls=2
        /// master is taken to load its certificate files.
        #[arg(long)]
        master: String,
        /// The master release to reproduce: v2.0.0-b10 (default) or v1.14.
        #[arg(long, default_value = "v2.0.0-b10")]
        compat: String,
        /// The instance URL (`server://…` or `client://…`).
        url: String,
    },
    /// Print what a process started with an instance URL uses: tunnel, targets and the
    /// effective value of every parameter.
    ///
    /// Prints {"effective", "targets", "tunnel"} and exits 0, or {"error", "part", "message"}
    /// and exits 1 (`error` is the process's or Go's own message when it has one).
    Parse {
        /// Take the crt/key files of a tls=2 URL to load (by default they are taken not to,
        /// and the process falls back to TLS code 1).
        #[arg(long)]
        certificates_load: bool,
        /// The instance URL.
        url: String,
    },
}

#[derive(Subcommand)]
enum SchemasCommand {
    /// Write `<out>/<protocol>/<Type>.json` for every wire type, `<out>/<protocol>/routes/`
    /// for route bodies no single type describes, `<out>/index.json`, and the OpenAPI 3.1
    /// document of each protocol, `<out>/openapi/<protocol>.json`.
    Export {
        /// Output directory.
        #[arg(long, default_value = "schemas")]
        out: PathBuf,
    },
    /// Fail, naming each file, when `<dir>` differs from what export would write.
    Check {
        /// Directory to verify.
        #[arg(long, default_value = "schemas")]
        dir: PathBuf,
    },
}

const PROTOCOLS: &[&str] = &["core", "nodepass", "kernel", "dash", "telemt"];

fn registry(protocol: &str) -> Result<&'static Registry, String> {
    registries()
        .into_iter()
        .find(|r| r.protocol == protocol)
        .ok_or_else(|| {
            format!(
                "unknown protocol `{protocol}` (expected one of {})",
                PROTOCOLS.join(", ")
            )
        })
}

fn registries() -> Vec<&'static Registry> {
    vec![
        nodewire_core::registry(),
        nodewire_nodepass::registry(),
        nodewire_kernel::registry(),
        nodewire_dash::registry(),
        nodewire_telemt::registry(),
    ]
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            protocol,
            route,
            file,
            type_name,
            status,
            request,
        } => run_check(&protocol, route, file, type_name, status, request),
        Command::Schemas { command } => match command {
            SchemasCommand::Export { out } => export(&out),
            SchemasCommand::Check { dir } => verify(&dir),
        },
        #[cfg(feature = "probe")]
        Command::Probe {
            protocol,
            base_url,
            headers,
            json,
            stream_secs,
        } => run_probe(&protocol, &base_url, &headers, json, stream_secs),
        Command::Nodepass { command } => match command {
            NodepassCommand::Normalize {
                master,
                compat,
                url,
            } => nodepass_normalize(&master, &compat, &url),
            NodepassCommand::Parse {
                certificates_load,
                url,
            } => nodepass_parse(certificates_load, &url),
        },
    }
}

fn print_json(value: &serde_json::Value, ok: bool) -> ExitCode {
    println!("{value}");
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn nodepass_normalize(master: &str, compat: &str, url: &str) -> ExitCode {
    use nodewire_nodepass::url::{Compat, MasterSettings, MasterUrl, normalize_text};
    let compat = match compat {
        "v2.0.0-b10" | "v2" => Compat::V2_0_0B10,
        "v1.14" | "v1.14.0" => Compat::V1_14_0,
        other => return usage(&format!("unknown --compat `{other}` (v2.0.0-b10 or v1.14)")),
    };
    let master = match MasterUrl::parse(master) {
        Ok(m) => m,
        Err(e) => return usage(&format!("--master: {e}")),
    };
    let settings =
        MasterSettings::from_master(&master, nodewire_nodepass::url::CertificateFiles::Load);
    match normalize_text(&settings, url, compat) {
        Ok(n) => print_json(&serde_json::json!({"url": n.url, "config": n.config}), true),
        Err(e) => print_json(&serde_json::json!({"error": e.master_text()}), false),
    }
}

fn nodepass_parse(certificates_load: bool, url: &str) -> ExitCode {
    use nodewire_nodepass::url::{Environment, Process};
    let env = Environment { certificates_load };
    match Process::parse(url, &env) {
        Ok(process) => match serde_json::to_value(&process) {
            Ok(value) => print_json(&value, true),
            Err(e) => usage(&format!("cannot print the result: {e}")),
        },
        Err(e) => print_json(
            &serde_json::json!({
                "error": e.upstream_text().map_or_else(|| e.to_string(), str::to_owned),
                "part": e.part().to_string(),
                "message": e.message(),
            }),
            false,
        ),
    }
}

/// The probe profile of each protocol the CLI knows.
#[cfg(feature = "probe")]
fn probe_profile(protocol: &str) -> nodewire_common::probe::Profile {
    match protocol {
        "telemt" => nodewire_telemt::probe_profile(),
        "core" => nodewire_core::probe_profile(),
        "nodepass" => nodewire_nodepass::probe_profile(),
        "kernel" => nodewire_kernel::probe_profile(),
        _ => nodewire_common::probe::Profile::new(),
    }
}

#[cfg(feature = "probe")]
fn run_probe(
    protocol: &str,
    base_url: &str,
    headers: &[String],
    json: bool,
    stream_secs: u64,
) -> ExitCode {
    use nodewire_common::probe::{Options, run};
    let registry = match registry(protocol) {
        Ok(r) => r,
        Err(e) => return usage(&e),
    };
    let mut options = Options {
        stream_bound: std::time::Duration::from_secs(stream_secs.max(1)),
        ..Options::default()
    };
    for line in headers {
        options = match options.header(line) {
            Ok(o) => o,
            Err(e) => return usage(&e.to_string()),
        };
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return usage(&format!("cannot start the runtime: {e}")),
    };
    let profile = probe_profile(protocol);
    let report = match runtime.block_on(run(registry, &profile, base_url, options)) {
        Ok(report) => report,
        Err(e) => return usage(&e.to_string()),
    };
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => return usage(&format!("cannot print the report: {e}")),
        }
    } else {
        print!("{}", report.to_text());
    }
    if report.drift() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("nodewire: {message}");
    ExitCode::from(2)
}

fn run_check(
    protocol: &str,
    route: Option<String>,
    file: Option<PathBuf>,
    type_name: Option<String>,
    status: Option<u16>,
    request: bool,
) -> ExitCode {
    let registry = match registry(protocol) {
        Ok(r) => r,
        Err(e) => return usage(&e),
    };
    // With --type the single positional is the file.
    let (route, file) = match (&type_name, route, file) {
        (Some(_), Some(file), None) => (None, PathBuf::from(file)),
        (None, Some(route), Some(file)) => (Some(route), file),
        _ => return usage("expected \"<METHOD> <path>\" <file|-> or --type <TypeName> <file|->"),
    };
    let bytes = match read_input(&file) {
        Ok(b) => b,
        Err(e) => return usage(&format!("cannot read {}: {e}", file.display())),
    };
    let target = match (&type_name, &route) {
        (Some(name), _) => Target::Type { name },
        (None, Some(line)) if request => Target::Request { line },
        (None, Some(line)) => Target::Response {
            line,
            status: status.unwrap_or(200),
        },
        (None, None) => return usage("missing route"),
    };
    match check(registry, &target, &bytes) {
        Ok(outcome) => print_outcome(&outcome),
        Err(e) => usage(&e.0),
    }
}

fn print_outcome(outcome: &Outcome) -> ExitCode {
    match serde_json::to_string(outcome) {
        Ok(text) => println!("{text}"),
        Err(e) => return usage(&format!("cannot print the outcome: {e}")),
    }
    if outcome.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}

/// Every `.json` file under `dir` (recursively), as paths relative to it with `/` separators.
fn json_files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "json")
                && let Ok(relative) = path.strip_prefix(root)
            {
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The files export owns: `index.json`, each protocol's subdirectory, and the OpenAPI
/// documents (`openapi/<protocol>.json`).
fn owned(relative: &str) -> bool {
    relative == INDEX_FILE
        || PROTOCOLS
            .iter()
            .any(|p| relative.starts_with(&format!("{p}/")))
        || relative
            .strip_prefix(&format!("{OPENAPI_DIR}/"))
            .is_some_and(|name| !name.contains('/'))
}

fn export(out: &Path) -> ExitCode {
    let files = export_files(&registries());
    // Remove schemas of types and route bodies that no longer exist.
    for stale in json_files(out)
        .into_iter()
        .filter(|f| owned(f) && !files.iter().any(|e| e.path == *f))
    {
        let _ = std::fs::remove_file(out.join(&stale));
    }
    for file in &files {
        let path = out.join(&file.path);
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            return usage(&format!("cannot create {}: {e}", dir.display()));
        }
        if let Err(e) = std::fs::write(&path, &file.text) {
            return usage(&format!("cannot write {}: {e}", path.display()));
        }
    }
    println!("wrote {} files to {}", files.len(), out.display());
    ExitCode::SUCCESS
}

fn verify(dir: &Path) -> ExitCode {
    let files = export_files(&registries());
    let mut drift = Vec::new();
    for file in &files {
        let path = dir.join(&file.path);
        match std::fs::read_to_string(&path) {
            Ok(on_disk) if on_disk == file.text => {}
            Ok(_) => drift.push(format!(
                "{}: differs from what the Rust types export",
                path.display()
            )),
            Err(_) => drift.push(format!("{}: missing", path.display())),
        }
    }
    for stale in json_files(dir)
        .into_iter()
        .filter(|f| owned(f) && !files.iter().any(|e| e.path == *f))
    {
        drift.push(format!(
            "{}: no such type or route body any more",
            dir.join(stale).display()
        ));
    }
    if drift.is_empty() {
        println!("schemas are up to date ({} files)", files.len());
        ExitCode::SUCCESS
    } else {
        for line in &drift {
            eprintln!("schema drift: {line}");
        }
        eprintln!("run `cargo run -p nodewire-cli -- schemas export` and commit the result");
        ExitCode::from(1)
    }
}
