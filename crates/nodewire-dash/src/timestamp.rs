//! RFC 3339 timestamps kept as the text that was sent.
//!
//! The agent writes Go `time.Time` values: RFC 3339 with nanoseconds, trailing zeros trimmed,
//! always in UTC with `Z` (`2026-11-22T07:53:57.038465598Z`, `2026-05-04T00:00:03.007Z`,
//! `2026-05-04T00:00:00Z`). Dash decodes them with Go's RFC 3339 parser, so anything else is a
//! `400 invalid_request`. [`Timestamp`] checks that grammar on decode ([`GoTime`]) and keeps
//! the exact text, so a payload re-encodes unchanged.

use nodewire_common::timestamp::GoTime;

/// An RFC 3339 timestamp as Go's `time.Time` reads it, stored as received.
///
/// ```
/// use nodewire_dash::Timestamp;
/// let t = Timestamp::new("2026-11-22T07:53:57.038465598Z").unwrap();
/// assert_eq!(t.as_str(), "2026-11-22T07:53:57.038465598Z");
/// assert!(!t.is_zero());
/// assert!(Timestamp::new("2026-11-22 07:53:57Z").is_err());
/// // Written as the agent writes it:
/// assert_eq!(Timestamp::from_unix(1_777_852_803, 7_000_000).as_str(), "2026-05-04T00:00:03.007Z");
/// // Go's zero time, which Dash refuses with 422:
/// assert!(Timestamp::zero().is_zero());
/// ```
pub type Timestamp = nodewire_common::Timestamp<GoTime>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_keeps_the_text() -> Result<(), serde_json::Error> {
        let t: Timestamp = serde_json::from_str("\"2026-05-04T08:00:00+08:00\"")?;
        assert_eq!(serde_json::to_string(&t)?, "\"2026-05-04T08:00:00+08:00\"");
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
        assert!(serde_json::from_str::<Timestamp>("\"2026-05-04T08:00:00.0000000001Z\"").is_err());
        Ok(())
    }
}
