//! The `nodewire check` command over every telemt capture: exit 0 for accept entries, exit 1
//! with an error naming the field for reject entries, exit 2 for usage errors.

use std::path::PathBuf;

use serde_json::{Value, json};

mod common;
use common::nodewire;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../nodewire-telemt/tests/fixtures")
}

#[test]
fn manifest_entries_exit_as_expected() -> Result<(), Box<dyn std::error::Error>> {
    manifest_exits_as_expected(&fixtures_dir())
}

/// The answers of real telemt 3.4.11 and 3.4.19 builds pass `nodewire check` too.
#[test]
fn older_release_entries_exit_as_expected() -> Result<(), Box<dyn std::error::Error>> {
    manifest_exits_as_expected(&fixtures_dir().join("versions"))
}

fn manifest_exits_as_expected(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let manifest: Vec<Value> = serde_json::from_slice(&std::fs::read(dir.join("manifest.json"))?)?;
    let mut failures = Vec::new();
    for entry in &manifest {
        let file = dir.join(
            entry
                .get("file")
                .unwrap_or(&Value::Null)
                .as_str()
                .ok_or("file")?,
        );
        let file = file.to_str().ok_or("path")?;
        let operation = entry
            .get("operation")
            .unwrap_or(&Value::Null)
            .as_str()
            .ok_or("operation")?;
        let status = entry.get("status").unwrap_or(&Value::Null).to_string();
        let mut args = vec!["check", "telemt", operation];
        if entry.get("body").unwrap_or(&Value::Null) == &json!("request") {
            args.push("--request");
        } else {
            args.extend(["--status", status.as_str()]);
        }
        args.push(file);
        let (code, out) = nodewire(&args)?;
        if entry.get("expect").unwrap_or(&Value::Null) == &json!("accept") {
            if code != 0
                || out.get("ok").unwrap_or(&Value::Null) != &json!(true)
                || out.get("lost").unwrap_or(&Value::Null) != &json!([])
            {
                failures.push(format!("{file}: exit {code}, {out}"));
            }
        } else {
            let mentions = entry
                .get("error_mentions")
                .unwrap_or(&Value::Null)
                .as_str()
                .ok_or("error_mentions")?;
            let error = out
                .get("error")
                .unwrap_or(&Value::Null)
                .as_str()
                .unwrap_or_default();
            if code != 1
                || out.get("ok").unwrap_or(&Value::Null) != &json!(false)
                || !error.contains(mentions)
            {
                failures.push(format!("{file}: exit {code}, {out}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}

#[test]
fn type_checks_and_usage_errors() -> Result<(), Box<dyn std::error::Error>> {
    let dir = fixtures_dir();
    let tmp = std::env::temp_dir().join(format!("nodewire-cli-{}.json", std::process::id()));
    std::fs::write(&tmp, r#"{"username":"a","active_ips":["1.2.3.4"]}"#)?;
    let tmp_s = tmp.to_str().ok_or("path")?;
    let (code, out) = nodewire(&["check", "telemt", "--type", "UserActiveIps", tmp_s])?;
    assert_eq!((code, out["type"].as_str()), (0, Some("UserActiveIps")));

    // A field the model does not know is reported as lost.
    std::fs::write(&tmp, r#"{"username":"a","active_ips":[],"extra":1}"#)?;
    let (code, out) = nodewire(&["check", "telemt", "--type", "UserActiveIps", tmp_s])?;
    assert_eq!(code, 1);
    assert_eq!(out["lost"], serde_json::json!(["/extra"]));
    std::fs::remove_file(&tmp)?;

    let users = dir.join("GET_v1_users.response.json");
    let users = users.to_str().ok_or("path")?;
    assert_eq!(nodewire(&["check", "nope", "GET /v1/users", users])?.0, 2);
    assert_eq!(
        nodewire(&["check", "telemt", "GET /v1/nothing", users])?.0,
        2
    );
    assert_eq!(
        nodewire(&["check", "telemt", "--type", "Nothing", users])?.0,
        2
    );
    // Query strings are ignored.
    let (code, out) = nodewire(&["check", "telemt", "GET /v1/users?x=1", users])?;
    assert_eq!(
        (code, out["type"].as_str()),
        (0, Some("SuccessResponse<Vec<UserInfo>>"))
    );
    Ok(())
}

/// Request keys telemt ignores are reported under `ignored` and do not fail the check; its
/// `ReloadRequest`, which refuses unknown keys, keeps failing.
#[test]
fn ignored_request_fields_do_not_fail_the_check() -> Result<(), Box<dyn std::error::Error>> {
    let dir = fixtures_dir();
    let file = dir.join("POST_v1_users__unknown_fields_ignored.request.json");
    let (code, out) = nodewire(&[
        "check",
        "telemt",
        "POST /v1/users",
        "--request",
        file.to_str().ok_or("path")?,
    ])?;
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["ok"], true);
    assert_eq!(out["lost"], serde_json::json!([]));
    assert_eq!(out["ignored"], serde_json::json!(["/comment", "/labels"]));

    let file = dir.join("POST_v1_system_reload__err_unknown_field.request.json");
    let (code, out) = nodewire(&[
        "check",
        "telemt",
        "POST /v1/system/reload",
        "--request",
        file.to_str().ok_or("path")?,
    ])?;
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["ok"], false);

    // Responses keep reporting unknown fields as lost: that is drift, not a design choice.
    let tmp = std::env::temp_dir().join(format!("nodewire-ignored-{}.json", std::process::id()));
    std::fs::write(
        &tmp,
        r#"{"ok":true,"data":{"status":"ok","read_only":false,"extra":1},"revision":"r"}"#,
    )?;
    let (code, out) = nodewire(&[
        "check",
        "telemt",
        "GET /v1/health",
        tmp.to_str().ok_or("path")?,
    ])?;
    let _ = std::fs::remove_file(&tmp);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["lost"], serde_json::json!(["/data/extra"]));
    assert_eq!(out["ignored"], serde_json::json!([]));
    Ok(())
}
