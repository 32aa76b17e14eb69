//! Every public wire type can grow: a struct with named public fields that (de)serializes a
//! body is `#[non_exhaustive]`, so an upstream release that adds a field is not a breaking
//! release of nodewire. Users build these types with constructors and setters instead of
//! struct literals (`tests/ui/` shows a literal refused).
//!
//! The check reads the protocol crates' sources: a new wire type without the attribute fails
//! it, naming the file and the line.

use std::path::{Path, PathBuf};

/// The crates whose `src/` is scanned.
const CRATES: [&str; 6] = [
    "nodewire-common",
    "nodewire-telemt",
    "nodewire-nodepass",
    "nodewire-kernel",
    "nodewire-dash",
    "nodewire-core",
];

/// Folders whose types are internal to a mock or a test oracle, not wire types users build.
const SKIPPED_DIRS: [&str; 1] = ["mock"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            let skipped = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| SKIPPED_DIRS.contains(&n));
            if !skipped {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A `pub struct Name {` with named fields, found in a source file.
#[derive(Debug)]
struct Found {
    file: PathBuf,
    line: usize,
    name: String,
    non_exhaustive: bool,
}

/// The structs of one file that derive `Serialize` or `Deserialize`, have named fields at
/// least one of which is `pub`, and are declared at item level (not in a test module).
fn wire_structs(file: &Path, text: &str) -> Vec<Found> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    // Everything after `#[cfg(test)]` + `mod tests` is test code.
    let end = lines
        .windows(2)
        .position(|w| {
            w.first().is_some_and(|l| l.trim() == "#[cfg(test)]")
                && w.get(1).is_some_and(|l| l.trim_start().starts_with("mod "))
        })
        .unwrap_or(lines.len());
    for (index, line) in lines.iter().enumerate().take(end) {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix("pub struct ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after = rest.get(name.len()..).unwrap_or("");
        // Named fields only: `Name {` or `Name<T> {` (tuple and unit structs keep their
        // fields private or have none).
        let head: String = after
            .chars()
            .take_while(|c| *c != '(' && *c != ';')
            .collect();
        if !head.contains('{') || head.contains('}') {
            continue;
        }
        // The attributes and docs above it.
        let mut attributes = String::new();
        let mut at = index;
        while at > 0 {
            at -= 1;
            let above = lines.get(at).map_or("", |l| l.trim());
            if above.starts_with("#[")
                || above.starts_with("///")
                || above.starts_with(')')
                || above.starts_with(']')
                || above.ends_with(',')
                || above.starts_with("//")
            {
                attributes.push_str(above);
                attributes.push('\n');
            } else {
                break;
            }
        }
        let derives_serde = attributes.contains("Serialize") || attributes.contains("Deserialize");
        if !derives_serde {
            continue;
        }
        // Declared through the kernel's `wire_struct!`, whose fields are public by
        // construction and which adds the attribute itself.
        let in_wire_struct = lines
            .get(at)
            .is_some_and(|l| l.trim_start().starts_with("wire_struct!"));
        // Otherwise: at least one public field before the closing brace.
        let has_pub_field = in_wire_struct
            || lines
                .iter()
                .skip(index + 1)
                .take_while(|l| l.trim() != "}")
                .any(|l| l.trim_start().starts_with("pub "));
        if !has_pub_field {
            continue;
        }
        found.push(Found {
            file: file.to_path_buf(),
            line: index + 1,
            name,
            non_exhaustive: attributes.contains("#[non_exhaustive]")
                || (in_wire_struct && wire_struct_adds_the_attribute()),
        });
    }
    found
}

/// Whether the kernel's `wire_struct!` macro emits `#[non_exhaustive]` on what it defines.
fn wire_struct_adds_the_attribute() -> bool {
    let wire = workspace().join("crates/nodewire-kernel/src/wire.rs");
    let Ok(text) = std::fs::read_to_string(wire) else {
        return false;
    };
    let Some(start) = text.find("macro_rules! wire_struct") else {
        return false;
    };
    let body = text.get(start..).unwrap_or("");
    let end = body.find("\n}\n").unwrap_or(body.len());
    body.get(..end).unwrap_or("").contains("#[non_exhaustive]")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn all_wire_structs() -> Vec<Found> {
    let mut found = Vec::new();
    for krate in CRATES {
        let mut files = Vec::new();
        rust_files(
            &workspace().join("crates").join(krate).join("src"),
            &mut files,
        );
        files.sort();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            found.extend(wire_structs(&file, &text));
        }
    }
    found
}

#[test]
fn every_wire_struct_is_non_exhaustive() {
    let found = all_wire_structs();
    // The scan sees the wire types (a guard against a scan that silently finds nothing).
    assert!(found.len() > 200, "only {} wire structs found", found.len());
    let missing: Vec<String> = found
        .iter()
        .filter(|f| !f.non_exhaustive)
        .map(|f| format!("{}:{} {}", f.file.display(), f.line, f.name))
        .collect();
    assert!(
        missing.is_empty(),
        "public wire structs without #[non_exhaustive] (add it, and a constructor):\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_scan_tells_a_closed_struct_from_an_open_one() {
    let source = "\
/// Open.
#[derive(Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Open {
    pub a: u8,
}

/// Closed.
#[derive(Debug, Serialize)]
pub struct Closed {
    pub a: u8,
}

/// Not a wire type.
#[derive(Debug)]
pub struct Plain {
    pub a: u8,
}

/// Private fields.
#[derive(Serialize)]
pub struct Private {
    a: u8,
}

/// A newtype.
#[derive(Serialize)]
pub struct Newtype(pub u8);

/// No fields.
#[derive(Serialize)]
pub struct Empty {}

wire_struct! {
    /// Declared through the kernel's macro.
    #[derive(Serialize)]
    pub struct Macro {
        a: u8,
    }
}
";
    let found = wire_structs(Path::new("x.rs"), source);
    let verdicts: Vec<(&str, bool)> = found
        .iter()
        .map(|f| (f.name.as_str(), f.non_exhaustive))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("Open", true),
            ("Closed", false),
            ("Macro", wire_struct_adds_the_attribute())
        ]
    );
}
