//! What the CLI tests share: running the built `nodewire` binary.

use std::process::Command;

use serde_json::Value;

/// Runs `nodewire <args>` and returns its exit code and its standard output read as JSON
/// (`null` when it is not JSON).
pub(crate) fn nodewire(args: &[&str]) -> Result<(i32, Value), Box<dyn std::error::Error>> {
    let out = Command::new(env!("CARGO_BIN_EXE_nodewire"))
        .args(args)
        .output()?;
    let stdout = String::from_utf8(out.stdout)?;
    let value = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    Ok((out.status.code().unwrap_or(-1), value))
}
