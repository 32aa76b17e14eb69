//! Every example of `tests/fixtures/url-examples.json` (what a real v2.0.0-b10 master and its
//! processes, and a v1.14.0 master, do with 37 instance URLs): `normalize` reproduces the
//! stored `url` and `config` for three master settings, byte for byte, the 400 errors
//! included; `Process::parse` reproduces the tunnel key, the targets and every effective
//! parameter value, or the error the process exits with.

use nodewire_nodepass::url::{
    CertificateFiles, Compat, Environment, InstanceUrl, MasterSettings, MasterUrl, Process,
    normalize_text,
};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[path = "support/url_corpus.rs"]
mod url_corpus;
use url_corpus::{MASTERS, examples};

fn stored(
    result: &Result<nodewire_nodepass::url::Normalized, nodewire_nodepass::url::NormalizeError>,
) -> Value {
    match result {
        Ok(n) => json!({"url": n.url, "config": n.config}),
        Err(e) => json!({"error": e.master_text()}),
    }
}

#[test]
fn normalize_reproduces_every_master() -> TestResult {
    let examples = examples()?;
    assert!(examples.len() >= 30);
    let mut failures = Vec::new();
    let mut checked = 0;
    for example in &examples {
        let url = example["url"].as_str().ok_or("url")?;
        let create = &example["master_create"];
        for (name, master) in MASTERS {
            let settings =
                MasterSettings::from_master(&MasterUrl::parse(master)?, CertificateFiles::Load);
            let v2 = stored(&normalize_text(&settings, url, Compat::V2_0_0B10));
            let v1 = stored(&normalize_text(&settings, url, Compat::V1_14_0));
            let (want_v2, want_v1) = if create["status"] == 201 {
                let v2 = create[*name].clone();
                let v1 = match create.get("v1_14_0_differs") {
                    Some(differs) => differs[*name].clone(),
                    None => v2.clone(),
                };
                (v2, v1)
            } else {
                let e = json!({"error": create["error"]});
                (e.clone(), e)
            };
            if v2 != want_v2 {
                failures.push(format!("{url} ({name}, v2): got {v2}, want {want_v2}"));
            }
            if v1 != want_v1 {
                failures.push(format!("{url} ({name}, v1.14): got {v1}, want {want_v1}"));
            }
            checked += 2;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

/// The fixture writes a defaulted log level as `info (default; unknown or empty value)`.
fn plain(mut effective: Value) -> Value {
    if let Some(log) = effective.get_mut("log")
        && log.as_str().is_some_and(|l| l.starts_with("info ("))
    {
        *log = json!("info");
    }
    effective
}

fn address(value: &Value) -> Value {
    let mut v = value.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("error");
    }
    v
}

#[test]
fn process_view_reproduces_every_process() -> TestResult {
    let mut failures = Vec::new();
    let mut checked = 0;
    for example in examples()? {
        let Some(process) = example.get("process") else {
            continue;
        };
        checked += 1;
        let url = example["master_create"]["default_master"]["url"]
            .as_str()
            .ok_or("stored url")?;
        let parsed = Process::parse(url, &Environment::default());
        match (process.get("error").and_then(Value::as_str), parsed) {
            (Some(want), Ok(p)) => failures.push(format!("{url}: want error {want}, got {p:?}")),
            (Some(want), Err(e)) => {
                if e.upstream_text() != Some(want) {
                    failures.push(format!("{url}: error {:?}, want {want}", e.upstream_text()));
                }
            }
            (None, Err(e)) => failures.push(format!("{url}: unexpected error {e}")),
            (None, Ok(p)) => {
                let got = serde_json::to_value(&p.effective)?;
                let want = plain(process["effective"].clone());
                if got != want {
                    failures.push(format!("{url}: effective\n  got  {got}\n  want {want}"));
                }
                let got = serde_json::to_value(&p.targets)?;
                let want: Vec<Value> = process["targets"]
                    .as_array()
                    .ok_or("targets")?
                    .iter()
                    .map(address)
                    .collect();
                if got != json!(want) {
                    failures.push(format!(
                        "{url}: targets\n  got  {got}\n  want {}",
                        json!(want)
                    ));
                }
                let got = serde_json::to_value(&p.tunnel)?;
                if got != address(&process["tunnel"]) {
                    failures.push(format!("{url}: tunnel {got}, want {}", process["tunnel"]));
                }
                // The typed model reads the same URL to the same effective values.
                let typed = InstanceUrl::parse(url)?;
                let again = typed.process(&Environment::default())?;
                if again.effective != p.effective {
                    failures.push(format!(
                        "{url}: the typed model changes the effective values"
                    ));
                }
            }
        }
    }
    assert!(checked >= 30);
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

#[test]
fn master_mode_is_reproduced() -> TestResult {
    for example in examples()? {
        let Some(mode) = example.get("master_mode") else {
            continue;
        };
        let m = MasterUrl::parse(example["url"].as_str().ok_or("url")?)?;
        assert_eq!(m.api_base(), mode["api_base"].as_str().ok_or("api_base")?);
        assert_eq!(m.mcp_path(), mode["mcp_path_v2"].as_str().ok_or("mcp")?);
        assert_eq!(m.listen(), mode["listen"].as_str().ok_or("listen")?);
        assert_eq!(m.log(), mode["log"].as_str().ok_or("log")?);
        assert_eq!(m.crt(), mode["crt"].as_str().ok_or("crt")?);
        assert_eq!(m.key(), mode["key"].as_str().ok_or("key")?);
        assert_eq!(m.info_name(), mode["info_name"].as_str().ok_or("name")?);
        assert_eq!(
            m.tls_code(CertificateFiles::DoNotLoad).as_str(),
            mode["tls_code"].as_str().ok_or("tls")?
        );
    }
    Ok(())
}
