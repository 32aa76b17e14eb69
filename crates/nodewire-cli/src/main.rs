//! The `nodewire` command.
//!
//! ```text
//! nodewire check <protocol> "<METHOD> <path>" [--status <code>] [--request] <file|->
//! nodewire check <protocol> --type <TypeName> <file|->
//! nodewire schemas export [--out schemas]
//! nodewire schemas check [--dir schemas]
//! ```

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use nodewire_common::check::{Outcome, Target, check};
use nodewire_common::registry::Registry;

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
    /// Prints {"ok", "type", "error"?, "lost", "changed"}. Exit 0: decoded, valid and lossless;
    /// 1: decoding or validation failed, or something was lost or changed; 2: usage error.
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
    /// Export or verify the JSON Schemas in `schemas/`.
    Schemas {
        #[command(subcommand)]
        command: SchemasCommand,
    },
}

#[derive(Subcommand)]
enum SchemasCommand {
    /// Write `<out>/<protocol>/<Type>.json` for every wire type.
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
    match protocol {
        "telemt" => Ok(nodewire_telemt::registry()),
        p if PROTOCOLS.contains(&p) => Err(format!("protocol `{p}` is not implemented yet")),
        p => Err(format!(
            "unknown protocol `{p}` (expected one of {})",
            PROTOCOLS.join(", ")
        )),
    }
}

fn registries() -> Vec<&'static Registry> {
    vec![nodewire_telemt::registry()]
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

fn export(out: &Path) -> ExitCode {
    for registry in registries() {
        let dir = out.join(registry.protocol);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            return usage(&format!("cannot create {}: {e}", dir.display()));
        }
        let files = registry.schema_files();
        // Remove schemas of types that no longer exist.
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".json") && !files.iter().any(|(f, _)| *f == name) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        for (name, text) in &files {
            let path = dir.join(name);
            if let Err(e) = std::fs::write(&path, text) {
                return usage(&format!("cannot write {}: {e}", path.display()));
            }
        }
        println!("wrote {} schemas to {}", files.len(), dir.display());
    }
    ExitCode::SUCCESS
}

fn verify(dir: &Path) -> ExitCode {
    let mut drift = Vec::new();
    for registry in registries() {
        let sub = dir.join(registry.protocol);
        let files = registry.schema_files();
        for (name, text) in &files {
            let path = sub.join(name);
            match std::fs::read_to_string(&path) {
                Ok(on_disk) if on_disk == *text => {}
                Ok(_) => drift.push(format!("{}: differs from the Rust types", path.display())),
                Err(_) => drift.push(format!("{}: missing", path.display())),
            }
        }
        if let Ok(entries) = std::fs::read_dir(&sub) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".json") && !files.iter().any(|(f, _)| *f == name) {
                    drift.push(format!("{}: no such type any more", entry.path().display()));
                }
            }
        }
    }
    if drift.is_empty() {
        println!("schemas are up to date");
        ExitCode::SUCCESS
    } else {
        for line in &drift {
            eprintln!("schema drift: {line}");
        }
        eprintln!("run `cargo run -p nodewire-cli -- schemas export` and commit the result");
        ExitCode::from(1)
    }
}
