//! URLs on which nodewire once disagreed with Go's `net/url` (`tests/go-oracle-cases.json`):
//! `normalize` answers what the master answers, and `Process::parse` fails with Go's
//! `url.Parse` text where the URL does not parse.

use nodewire_nodepass::url::{Compat, Environment, MasterSettings, Process, normalize_text};
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[path = "support/url_corpus.rs"]
#[allow(dead_code)]
mod url_corpus;

fn cases() -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    url_corpus::cases("go-oracle-cases.json", "cases")
}

#[test]
fn every_case_agrees_with_go() -> TestResult {
    let cases = cases()?;
    assert!(cases.len() >= 9);
    for case in &cases {
        let url = case["url"].as_str().ok_or("url")?;
        let create = &case["create"];
        match normalize_text(&MasterSettings::default(), url, Compat::default()) {
            Ok(stored) => {
                assert_eq!(create["status"], 201, "{url}");
                assert_eq!(create["url"], stored.url.as_str(), "{url}");
            }
            Err(e) => {
                assert_eq!(create["status"], 400, "{url}");
                assert_eq!(create["error"], e.master_text(), "{url}");
            }
        }
        if let Some(want) = case.get("parse_error").and_then(Value::as_str) {
            let err = Process::parse(url, &Environment::default())
                .err()
                .ok_or("parses")?;
            assert_eq!(err.upstream_text(), Some(want), "{url}");
        }
    }
    Ok(())
}

/// Go 1.24's `urlmaxqueryparams`: a query of more than 10,000 parameters is not read at
/// all, so the master stores the URL without it.
#[test]
fn a_query_over_ten_thousand_parameters_is_dropped() -> TestResult {
    let url = format!("server://h:1/x?{}log=debug", "a=1&".repeat(10_000));
    let stored = normalize_text(&MasterSettings::default(), &url, Compat::default())?;
    assert_eq!(stored.url, "server://h:1/x");
    let url = format!("server://h:1/x?{}log=debug", "a=1&".repeat(9_999));
    let stored = normalize_text(&MasterSettings::default(), &url, Compat::default())?;
    assert!(stored.url.ends_with("a=1&log=debug"));
    Ok(())
}
