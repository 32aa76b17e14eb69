//! The NodePass URL corpora as the crate's own tests and the CLI's read them: the examples of
//! `crates/nodewire-nodepass/tests/fixtures/url-examples.json` with the master settings its
//! stored `url`/`config` values were captured under, and any other JSON list of cases under
//! `crates/nodewire-nodepass/tests/`.

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
    cases("fixtures/url-examples.json", "examples")
}

/// The array under `key` of the JSON file `file` (relative to the crate's `tests/`).
pub(crate) fn cases(file: &str, key: &str) -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../nodewire-nodepass/tests")
        .join(file);
    let doc: Value = serde_json::from_slice(&std::fs::read(path)?)?;
    Ok(doc
        .get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{file}: no array `{key}`"))?
        .clone())
}
