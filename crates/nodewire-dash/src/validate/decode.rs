//! One call from bytes to a checked body: [`decode_report`] and [`decode_static`] decode a
//! push and apply Dash's checks, and every failure, from either step, is one
//! [`ReportError`] that says where (the JSON path) and what.

use nodewire_common::DecodeError;
use nodewire_common::error::from_slice;

use super::{Checks, Invalid, check_report, check_static};
use crate::{NodeReport, Static};

/// A body refused by [`decode_report`] or [`decode_static`]: it does not decode into the wire
/// type, or it decodes and fails one of Dash's checks. [`path`](Self::path) and
/// [`message`](Self::message) read both the same way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// Not the wire type: malformed JSON, a value of the wrong type, a missing key (the
    /// types' own decoding: keys matched exactly, as the agent writes them).
    #[error("{0}")]
    Decode(#[from] DecodeError),
    /// Decoded, but fails one of Dash's checks; [`Invalid::status`] is what Dash answers.
    #[error("{0}")]
    Invalid(#[from] Invalid),
}

impl ReportError {
    /// The JSON path of the fault (`metrics.disk.physical[0].name`; `.` for the document).
    pub fn path(&self) -> &str {
        match self {
            Self::Decode(e) => &e.path,
            Self::Invalid(e) => &e.path,
        }
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        match self {
            Self::Decode(e) => &e.message,
            Self::Invalid(e) => &e.message,
        }
    }
}

/// Decodes a metrics push (`POST /api/node/metrics`) and applies `checks`.
///
/// ```
/// use nodewire_dash::validate::{Checks, decode_report};
/// let body = std::fs::read("tests/fixtures/live-push/003-metrics.request.json").unwrap();
/// let report = decode_report(&body, Checks::default()).unwrap();
/// assert_eq!(report.hostname, "vm");
///
/// // A blank host name decodes but fails Dash's checks; a load as text does not decode.
/// let text = String::from_utf8(body).unwrap();
/// let blank = text.replacen(r#""hostname":"vm""#, r#""hostname":" ""#, 1);
/// let err = decode_report(blank.as_bytes(), Checks::default()).unwrap_err();
/// assert_eq!((err.path(), err.message()), ("hostname", "must not be blank"));
/// let wrong = text.replacen(r#""load1":4.29"#, r#""load1":"4.29""#, 1);
/// let err = decode_report(wrong.as_bytes(), Checks::default()).unwrap_err();
/// assert_eq!(err.path(), "metrics.cpu.load1");
/// ```
pub fn decode_report(bytes: &[u8], checks: Checks) -> Result<NodeReport, ReportError> {
    let report: NodeReport = from_slice(bytes)?;
    check_report(&report, checks)?;
    Ok(report)
}

/// Decodes a static push (`POST /api/node/static`) and applies `checks`.
///
/// ```
/// use nodewire_dash::validate::{Checks, decode_static};
/// let body = std::fs::read("tests/fixtures/live-push/002-static.request.json").unwrap();
/// let info = decode_static(&body, Checks::PresenceAndRanges).unwrap();
/// assert_eq!(info.report_interval_seconds, 3);
/// ```
pub fn decode_static(bytes: &[u8], checks: Checks) -> Result<Static, ReportError> {
    let body: Static = from_slice(bytes)?;
    check_static(&body, checks)?;
    Ok(body)
}
