//! `nodewire schemas export` / `schemas check`: the committed `schemas/` is what the Rust types
//! export, and a schema that no longer matches its Rust type fails the check with a message
//! naming the file, as does an edited or stale OpenAPI document.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `nodewire schemas <args>`: (exit code, stdout, stderr).
fn schemas(args: &[&str]) -> Result<(i32, String, String), Box<dyn std::error::Error>> {
    let out = Command::new(env!("CARGO_BIN_EXE_nodewire"))
        .arg("schemas")
        .args(args)
        .output()?;
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout)?,
        String::from_utf8(out.stderr)?,
    ))
}

fn check(dir: &Path) -> Result<(i32, String), Box<dyn std::error::Error>> {
    let dir = dir.to_str().ok_or("path")?;
    let (code, _, stderr) = schemas(&["check", "--dir", dir])?;
    Ok((code, stderr))
}

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("nodewire-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn committed_schemas_match_the_rust_types() -> Result<(), Box<dyn std::error::Error>> {
    let (code, stderr) = check(&repo_root().join("schemas"))?;
    assert_eq!(
        code, 0,
        "schemas/ is stale; run `cargo run -p nodewire-cli -- schemas export`:\n{stderr}"
    );
    Ok(())
}

#[test]
fn drift_fails_naming_each_file() -> Result<(), Box<dyn std::error::Error>> {
    let scratch = Scratch::new("schemas-drift");
    let dir = &scratch.0;
    let dir_s = dir.to_str().ok_or("path")?;
    let (code, stdout, _) = schemas(&["export", "--out", dir_s])?;
    assert_eq!(code, 0);
    assert!(stdout.starts_with("wrote "), "{stdout}");
    assert_eq!(check(dir)?.0, 0);

    // The committed file no longer says what the Rust type does (a field was added to
    // `UserInfo` without re-exporting): the on-disk schema and the export differ.
    let user_info = dir.join("telemt/UserInfo.json");
    let text = std::fs::read_to_string(&user_info)?;
    let mut schema: serde_json::Value = serde_json::from_str(&text)?;
    schema["properties"]["added_in_rust"] = serde_json::json!({"type": "string"});
    std::fs::write(&user_info, serde_json::to_string_pretty(&schema)? + "\n")?;
    // A route body file was deleted, a type was removed from Rust, the index was edited.
    std::fs::remove_file(dir.join("kernel/routes/ListUsers.response.json"))?;
    std::fs::write(dir.join("dash/Removed.json"), "{}\n")?;
    let index = dir.join("index.json");
    let text = std::fs::read_to_string(&index)?;
    std::fs::write(&index, text.replace("\"/v1/health\"", "\"/v1/healthz\""))?;

    let (code, stderr) = check(dir)?;
    assert_eq!(code, 1, "{stderr}");
    let line = |file: &str, what: &str| {
        let path = dir.join(file);
        let expected = format!("schema drift: {}: {what}", path.display());
        assert!(
            stderr.lines().any(|l| l == expected),
            "expected `{expected}` in:\n{stderr}"
        );
    };
    line(
        "telemt/UserInfo.json",
        "differs from what the Rust types export",
    );
    line("kernel/routes/ListUsers.response.json", "missing");
    line("dash/Removed.json", "no such type or route body any more");
    line("index.json", "differs from what the Rust types export");
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("schema drift"))
            .count(),
        4
    );
    assert!(stderr.contains("schemas export"), "{stderr}");

    // Re-exporting repairs everything and removes the stale file.
    assert_eq!(schemas(&["export", "--out", dir_s])?.0, 0);
    assert!(!dir.join("dash/Removed.json").exists());
    assert_eq!(check(dir)?.0, 0);
    Ok(())
}

#[test]
fn drift_in_an_openapi_document_fails_the_check() -> Result<(), Box<dyn std::error::Error>> {
    let scratch = Scratch::new("openapi-drift");
    let dir = &scratch.0;
    let dir_s = dir.to_str().ok_or("path")?;
    assert_eq!(schemas(&["export", "--out", dir_s])?.0, 0);
    let telemt = dir.join("openapi/telemt.json");
    let text = std::fs::read_to_string(&telemt)?;
    let document: serde_json::Value = serde_json::from_str(&text)?;
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(check(dir)?.0, 0);

    // An edited document and a document no protocol writes are both drift.
    std::fs::write(&telemt, text.replace("\"GetHealth\"", "\"Health\""))?;
    std::fs::write(dir.join("openapi/gone.json"), "{}\n")?;
    let (code, stderr) = check(dir)?;
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("openapi/telemt.json: differs"), "{stderr}");
    assert!(stderr.contains("openapi/gone.json: no such"), "{stderr}");

    // Export puts it right and removes the stale document.
    assert_eq!(schemas(&["export", "--out", dir_s])?.0, 0);
    assert!(!dir.join("openapi/gone.json").exists());
    assert_eq!(check(dir)?.0, 0);
    Ok(())
}

#[test]
fn index_lists_every_route_of_every_protocol() -> Result<(), Box<dyn std::error::Error>> {
    let index: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
        repo_root().join("schemas/index.json"),
    )?)?;
    let routes = index["routes"].as_array().ok_or("routes")?;
    for protocol in ["core", "nodepass", "kernel", "dash", "telemt"] {
        let count = routes.iter().filter(|r| r["protocol"] == protocol).count();
        assert!(count > 0, "no routes for {protocol}");
        assert!(index["fallback"][protocol]["responses"]["default"].is_string());
    }
    // Every file the index names exists, and every response has a default.
    let schemas_dir = repo_root().join("schemas");
    let mut named: Vec<&str> = index["types"]
        .as_object()
        .ok_or("types")?
        .values()
        .filter_map(|v| v.as_str())
        .collect();
    for route in routes {
        named.extend(route["request"].as_str());
        let responses = route["responses"].as_object().ok_or("responses")?;
        assert!(responses.contains_key("default"), "{route}");
        named.extend(responses.values().filter_map(|v| v.as_str()));
    }
    for file in named {
        assert!(
            schemas_dir.join(file).is_file(),
            "{file} is named but missing"
        );
    }
    // telemt's readiness answers 503 with its envelope or the error envelope.
    let ready = routes
        .iter()
        .find(|r| r["protocol"] == "telemt" && r["path"] == "/v1/health/ready")
        .ok_or("ready")?;
    assert_eq!(
        ready["responses"]["503"],
        "telemt/routes/GetHealthReady.response.503.json"
    );
    // Event streams say so.
    let events = routes
        .iter()
        .find(|r| r["protocol"] == "nodepass" && r["path"] == "/events")
        .ok_or("events")?;
    assert_eq!(events["content_types"]["200"], "text/event-stream");
    Ok(())
}
