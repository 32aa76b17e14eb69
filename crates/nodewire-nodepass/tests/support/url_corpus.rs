//! The NodePass URL corpus, `crates/nodewire-nodepass/tests/fixtures/url-examples.json`, as
//! the crate's own tests and the CLI's read it: its examples, and the master settings its
//! stored `url`/`config` values were captured under.

use std::path::PathBuf;

use serde_json::Value;

/// The corpus's master settings: the key of each example's stored values, and the master URL.
pub(crate) const MASTERS: &[(&str, &str)] = &[
    ("default_master", "master://127.0.0.1:9090"),
    (
        "master_log_info_tls1",
        "master://127.0.0.1:9090?log=info&tls=1",
    ),
    (
        "master_log_debug_tls2_crt_key",
        "master://127.0.0.1:9090?log=debug&tls=2&crt=/m/crt.pem&key=/m/key.pem",
    ),
];

/// Every example of the corpus.
pub(crate) fn examples() -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../nodewire-nodepass/tests/fixtures/url-examples.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(path)?)?;
    Ok(doc
        .get("examples")
        .and_then(Value::as_array)
        .ok_or("examples")?
        .clone())
}
