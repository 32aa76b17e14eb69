//! `GET {P}/tcping?target=host:port`: a TCP connect test run from the master (contract §8).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::url::go::{Mode, Values, escape_into, into_string};

/// The result (`TCPingResult`). Failures are still `200`, with `connected: false` and the Go
/// dial error (`dial tcp 127.0.0.1:1: connect: connection refused`, `too many requests` when
/// 10 probes already run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TCPingResult {
    /// The target as given.
    pub target: String,
    /// Whether the connection succeeded within 5 s.
    pub connected: bool,
    /// Milliseconds (sub-millisecond is 0).
    pub latency: i64,
    /// The error, `null` when connected.
    pub error: Option<String>,
}

impl TCPingResult {
    /// A probe of `target` that connected after `latency` milliseconds.
    ///
    /// ```
    /// use nodewire_nodepass::tcping::TCPingResult;
    /// let ok = TCPingResult::connected("127.0.0.1:80", 3);
    /// assert_eq!(
    ///     serde_json::to_string(&ok).unwrap(),
    ///     r#"{"target":"127.0.0.1:80","connected":true,"latency":3,"error":null}"#
    /// );
    /// let refused = TCPingResult::failed(
    ///     "127.0.0.1:1",
    ///     "dial tcp 127.0.0.1:1: connect: connection refused",
    /// );
    /// assert!(!refused.connected);
    /// ```
    pub fn connected(target: impl Into<String>, latency: i64) -> Self {
        Self {
            target: target.into(),
            connected: true,
            latency,
            error: None,
        }
    }

    /// A probe of `target` that failed with the Go dial `error`.
    pub fn failed(target: impl Into<String>, error: impl Into<String>) -> Self {
        Self {
            target: target.into(),
            connected: false,
            latency: 0,
            error: Some(error.into()),
        }
    }
}

/// The `target` query as the master reads it (`r.URL.Query().Get("target")`: the first value,
/// percent-decoded, `+` as space); `None` when absent or empty.
pub fn target_from_query(query: Option<&str>) -> Option<String> {
    let values = Values::parse(query.unwrap_or(""));
    let target = values.get("target");
    (!target.is_empty()).then(|| String::from_utf8_lossy(target).into_owned())
}

/// `target=<escaped>`.
pub fn target_query(target: &str) -> String {
    let mut out = b"target=".to_vec();
    escape_into(&mut out, target.as_bytes(), Mode::QueryComponent);
    into_string(out)
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.push(nodewire_common::registry::TypeEntry::of::<TCPingResult>());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_round_trips() {
        let q = target_query("[::1]:80 x&y");
        assert_eq!(q, "target=%5B%3A%3A1%5D%3A80+x%26y");
        assert_eq!(target_from_query(Some(&q)).as_deref(), Some("[::1]:80 x&y"));
        assert_eq!(target_from_query(Some("target=")), None);
        assert_eq!(target_from_query(None), None);
    }
}
