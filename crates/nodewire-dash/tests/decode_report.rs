//! Decoding and checking a push in one call: real captures pass, corruptions are refused with
//! the path of the field and what is wrong.

use http::StatusCode;
use nodewire_dash::validate::{Checks, ReportError, decode_report, decode_static};

/// A live 0.2.3 agent's metrics push (a copy of `live-push/003-metrics.request.json`).
const REPORT: &[u8] = include_bytes!("fixtures/live-push/003-metrics.request.json");
/// The same agent's static push.
const STATIC: &[u8] = include_bytes!("fixtures/live-push/002-static.request.json");
/// A Windows agent's push: `load1/5/15` are `-1`.
const WINDOWS: &[u8] = include_bytes!("fixtures/platforms/nodereport-windows.json");

fn corrupt(body: &[u8], from: &str, to: &str) -> Vec<u8> {
    String::from_utf8_lossy(body)
        .replacen(from, to, 1)
        .into_bytes()
}

#[test]
fn real_captures_pass() -> Result<(), ReportError> {
    let report = decode_report(REPORT, Checks::default())?;
    assert_eq!(report.hostname, "vm");
    assert_eq!(report.version, "0.2.3");
    let report = decode_report(REPORT, Checks::PresenceAndRanges)?;
    assert_eq!(report.metrics.cpu.load1, 4.29);
    let info = decode_static(STATIC, Checks::PresenceAndRanges)?;
    assert_eq!(info.system.hostname, "vm");
    Ok(())
}

#[test]
fn a_corrupted_report_is_refused_with_where_and_what() {
    // Not JSON any more: a decode failure at the document.
    let truncated = REPORT.get(..REPORT.len() / 2).unwrap_or_default();
    let err = decode_report(truncated, Checks::default()).unwrap_err();
    assert!(matches!(err, ReportError::Decode(_)), "{err:?}");
    assert!(err.to_string().contains("EOF"), "{err}");

    // A value of the wrong type: a decode failure at that field.
    let body = corrupt(REPORT, r#""load1":4.29"#, r#""load1":"high""#);
    let err = decode_report(&body, Checks::default()).unwrap_err();
    assert!(matches!(err, ReportError::Decode(_)), "{err:?}");
    assert_eq!(err.path(), "metrics.cpu.load1");
    assert!(err.message().contains("invalid type"), "{err}");

    // A missing key the agent always sends.
    let body = corrupt(REPORT, r#""hostname":"vm","#, "");
    let err = decode_report(&body, Checks::default()).unwrap_err();
    assert!(err.message().contains("hostname"), "{err}");

    // Decodes, but fails Dash's checks: one error type all the same.
    let body = corrupt(REPORT, r#""version":"0.2.3""#, r#""version":"v0.2.3""#);
    let err = decode_report(&body, Checks::default()).unwrap_err();
    assert_eq!(err.path(), "version");
    let ReportError::Invalid(invalid) = &err else {
        panic!("expected a failed check: {err:?}");
    };
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err.to_string().starts_with("at `version`: "), "{err}");

    let body = corrupt(REPORT, r#""uptime":"0d 0h 11m""#, r#""uptime":" ""#);
    let err = decode_report(&body, Checks::default()).unwrap_err();
    assert_eq!(
        (err.path(), err.message()),
        ("metrics.system.uptime", "must not be blank")
    );
}

#[test]
fn range_checks_stay_opt_in() {
    assert!(decode_report(WINDOWS, Checks::Presence).is_ok());
    let err = decode_report(WINDOWS, Checks::PresenceAndRanges).unwrap_err();
    assert_eq!(err.path(), "metrics.cpu.load1");
}

#[test]
fn a_corrupted_static_body_is_refused() {
    let body = corrupt(
        STATIC,
        r#""report_interval_seconds":3"#,
        r#""report_interval_seconds":0"#,
    );
    let err = decode_static(&body, Checks::default()).unwrap_err();
    assert_eq!(
        (err.path(), err.message()),
        ("report_interval_seconds", "must be positive")
    );
    let body = corrupt(STATIC, r#""total":25276063744"#, r#""total":-1"#);
    let err = decode_static(&body, Checks::default()).unwrap_err();
    assert_eq!(err.path(), "memory.total");
}
