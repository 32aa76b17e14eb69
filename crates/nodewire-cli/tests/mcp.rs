//! `nodewire check nodepass "POST /api/v2"` over the NodePass MCP fixtures: a request and a
//! `--status 200` response exit 0, a request with keys the master ignores lists them under
//! `ignored`, and the 405 for other methods decodes as the master's error body.

use std::path::PathBuf;

use serde_json::Value;

mod common;
use common::nodewire;

fn fixture(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../nodewire-nodepass/tests/fixtures/v2.0.0-b10")
        .join(name);
    Ok(path.to_str().ok_or("path")?.to_owned())
}

#[test]
fn mcp_requests_and_responses_check() -> Result<(), Box<dyn std::error::Error>> {
    for name in ["mcp-create.request.json", "mcp-tools-list.request.json"] {
        let file = fixture(name)?;
        let (code, out) = nodewire(&["check", "nodepass", "POST /api/v2", "--request", &file])?;
        assert_eq!((code, &out["ok"]), (0, &Value::Bool(true)), "{name}: {out}");
        assert_eq!(out["type"], "McpRequest", "{name}: {out}");
    }
    for name in [
        "mcp-initialize.response.json",
        "mcp-tools-list.response.json",
        "mcp-get-config.response.json",
        "mcp-not-found.response.json",
    ] {
        let file = fixture(name)?;
        let (code, out) = nodewire(&[
            "check",
            "nodepass",
            "POST /api/v2",
            "--status",
            "200",
            &file,
        ])?;
        assert_eq!((code, &out["ok"]), (0, &Value::Bool(true)), "{name}: {out}");
        assert_eq!(out["lost"], serde_json::json!([]), "{name}: {out}");
    }
    Ok(())
}

#[test]
fn ignored_keys_and_the_405() -> Result<(), Box<dyn std::error::Error>> {
    let file = fixture("mcp-unknown-keys.request.json")?;
    let (code, out) = nodewire(&["check", "nodepass", "POST /api/v2", "--request", &file])?;
    assert_eq!(code, 0, "{out}");
    let ignored = out["ignored"].as_array().cloned().unwrap_or_default();
    assert!(
        ignored.contains(&Value::String("/params/arguments/verbose".into())),
        "{out}"
    );
    let file = fixture("mcp-get-405.response.json")?;
    let (code, out) = nodewire(&["check", "nodepass", "GET /api/v2", "--status", "405", &file])?;
    assert_eq!((code, &out["ok"]), (0, &Value::Bool(true)), "{out}");
    let file = fixture("mcp-bad-version.request.json")?;
    let (code, out) = nodewire(&["check", "nodepass", "POST /api/v2", "--request", &file])?;
    assert_eq!(code, 1, "{out}");
    assert!(
        out["error"]
            .as_str()
            .unwrap_or_default()
            .contains("jsonrpc"),
        "{out}"
    );
    Ok(())
}
