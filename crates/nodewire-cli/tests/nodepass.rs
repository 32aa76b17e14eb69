//! `nodewire nodepass normalize` and `nodewire nodepass parse` over every example of the
//! NodePass URL corpus (`crates/nodewire-nodepass/tests/fixtures/url-examples.json`): the
//! stored `url`/`config` of three master settings and of v1.14.0, the 400 texts, and each
//! process's effective values or exit error; exit codes 0, 1 and 2.

use serde_json::{Value, json};

mod common;
use common::nodewire;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[path = "../../nodewire-nodepass/tests/support/url_corpus.rs"]
mod url_corpus;
use url_corpus::{MASTERS, examples};

#[test]
fn normalize_reproduces_the_corpus() -> TestResult {
    let mut failures = Vec::new();
    for example in examples()? {
        let url = example["url"].as_str().ok_or("url")?;
        let create = &example["master_create"];
        for (name, master) in MASTERS {
            for compat in [None, Some("v1.14")] {
                let mut args = vec!["nodepass", "normalize", "--master", master];
                if let Some(c) = compat {
                    args.extend(["--compat", c]);
                }
                args.push(url);
                let (code, out) = nodewire(&args)?;
                let (want_code, want) = if create["status"] == 201 {
                    let want = match (compat, create.get("v1_14_0_differs")) {
                        (Some(_), Some(differs)) => differs[*name].clone(),
                        _ => create[*name].clone(),
                    };
                    (0, want)
                } else {
                    (1, json!({"error": create["error"]}))
                };
                if code != want_code || out != want {
                    failures.push(format!(
                        "{url} {name} {compat:?}: exit {code} {out}, want {want}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}

#[test]
fn parse_reproduces_every_process() -> TestResult {
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
        let (code, out) = nodewire(&["nodepass", "parse", url])?;
        if let Some(error) = process.get("error") {
            if code != 1 || out["error"] != *error {
                failures.push(format!("{url}: exit {code} {out}, want error {error}"));
            }
            continue;
        }
        let mut effective = process["effective"].clone();
        if effective["log"]
            .as_str()
            .is_some_and(|l| l.starts_with("info ("))
        {
            effective["log"] = json!("info");
        }
        let strip = |v: &Value| {
            let mut v = v.clone();
            if let Some(o) = v.as_object_mut() {
                o.remove("error");
            }
            v
        };
        let targets: Vec<Value> = process["targets"]
            .as_array()
            .ok_or("targets")?
            .iter()
            .map(strip)
            .collect();
        let want = json!({"effective": effective, "targets": targets, "tunnel": strip(&process["tunnel"])});
        if code != 0 || out != want {
            failures.push(format!("{url}: exit {code}\n  got  {out}\n  want {want}"));
        }
    }
    assert!(checked >= 30);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}

#[test]
fn bad_input_names_the_part_and_usage_errors_exit_2() -> TestResult {
    let (code, out) = nodewire(&["nodepass", "parse", "server://0.0.0.0:http/127.0.0.1:8080"])?;
    assert_eq!(code, 1);
    assert_eq!(out["part"], "port");
    let (code, out) = nodewire(&["nodepass", "parse", "server://h:1/127.0.0.1"])?;
    assert_eq!((code, out["part"].as_str()), (1, Some("target 1")));
    let (code, _) = nodewire(&[
        "nodepass",
        "normalize",
        "--master",
        "server://h:1",
        "server://h:1/x:1",
    ])?;
    assert_eq!(code, 2);
    let (code, _) = nodewire(&[
        "nodepass",
        "normalize",
        "--master",
        "master://h:1",
        "--compat",
        "v3",
        "server://h:1/x:1",
    ])?;
    assert_eq!(code, 2);
    let (code, out) = nodewire(&["nodepass", "normalize", "--master", "master://h:1", ""])?;
    assert_eq!((code, out), (1, json!({"error": "Invalid request body"})));
    Ok(())
}
