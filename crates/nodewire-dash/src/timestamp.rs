//! RFC 3339 timestamps kept as the text that was sent.
//!
//! The agent writes Go `time.Time` values: RFC 3339 with nanoseconds, trailing zeros trimmed,
//! always in UTC with `Z` (`2026-11-22T07:53:57.038465598Z`, `2026-05-04T00:00:03.007Z`,
//! `2026-05-04T00:00:00Z`). Dash decodes them with Go's RFC 3339 parser, so anything else is a
//! `400 invalid_request`. [`Timestamp`] checks that grammar on decode and keeps the exact text,
//! so a payload re-encodes unchanged.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An RFC 3339 timestamp, stored as received.
///
/// ```
/// use nodewire_dash::Timestamp;
/// let t = Timestamp::parse("2026-11-22T07:53:57.038465598Z").unwrap();
/// assert_eq!(t.as_str(), "2026-11-22T07:53:57.038465598Z");
/// assert!(!t.is_zero());
/// assert!(Timestamp::parse("2026-11-22 07:53:57Z").is_err());
/// // Go's zero time, which Dash refuses with 422:
/// assert!(Timestamp::zero().is_zero());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timestamp(String);

impl JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Timestamp")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339 timestamp as Go writes it: UTC with `Z`, nanoseconds with trailing zeros trimmed."
        })
    }
}

/// A string that is not an RFC 3339 timestamp Go would parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid RFC 3339 timestamp `{text}`: {reason}")]
pub struct TimestampError {
    /// The text as given.
    pub text: String,
    /// What is wrong.
    pub reason: &'static str,
}

impl Timestamp {
    /// Go's zero `time.Time`, as `encoding/json` writes it.
    pub const ZERO: &'static str = "0001-01-01T00:00:00Z";

    /// Checks `text` against the RFC 3339 grammar Go's `time.Time` accepts
    /// (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`, a real calendar date) and keeps it.
    pub fn parse(text: impl Into<String>) -> Result<Self, TimestampError> {
        let text = text.into();
        match parse_rfc3339(&text) {
            Ok(_) => Ok(Self(text)),
            Err(reason) => Err(TimestampError { text, reason }),
        }
    }

    /// Go's zero time, `0001-01-01T00:00:00Z` (what a missing timestamp decodes to in Dash).
    pub fn zero() -> Self {
        Self(Self::ZERO.to_owned())
    }

    /// Formats an instant as the agent does (`time.Time.UTC()` marshalled by `encoding/json`):
    /// UTC, `Z`, nanoseconds with trailing zeros trimmed.
    pub fn from_system_time(time: SystemTime) -> Self {
        let since = time.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
        Self::from_unix(since.as_secs(), since.subsec_nanos())
    }

    /// The current time, formatted as [`from_system_time`](Self::from_system_time) does.
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    /// Formats seconds and nanoseconds since the Unix epoch (UTC) as Go does.
    pub fn from_unix(secs: u64, nanos: u32) -> Self {
        let secs = i64::try_from(secs).unwrap_or(i64::MAX);
        let time = DateTime::<Utc>::from_timestamp(secs, nanos.min(999_999_999))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        Self(format_go(&time))
    }

    /// The text as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The instant, with the offset it was written in.
    pub fn to_datetime(&self) -> Option<DateTime<FixedOffset>> {
        parse_rfc3339(&self.0).ok()
    }

    /// `true` for Go's zero instant (`0001-01-01T00:00:00Z`, in any offset), which Dash treats
    /// as a missing timestamp.
    pub fn is_zero(&self) -> bool {
        let zero = NaiveDate::from_ymd_opt(1, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|n| Utc.from_utc_datetime(&n));
        match (self.to_datetime(), zero) {
            (Some(t), Some(z)) => t == z,
            _ => false,
        }
    }

    /// Milliseconds since the Unix epoch (negative before 1970).
    pub fn unix_millis(&self) -> Option<i64> {
        self.to_datetime().map(|t| t.timestamp_millis())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Timestamp {
    type Error = TimestampError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<Timestamp> for String {
    fn from(value: Timestamp) -> Self {
        value.0
    }
}

/// Go's `RFC3339Nano` for a UTC time: trailing zeros of the fraction trimmed, `Z`.
fn format_go(time: &DateTime<Utc>) -> String {
    let mut text = time.format("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = time.timestamp_subsec_nanos();
    if nanos > 0 {
        let fraction = format!("{nanos:09}");
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
    text.push('Z');
    text
}

fn digits(bytes: &[u8], start: usize, len: usize) -> Result<u32, &'static str> {
    let slice = bytes
        .get(start..start + len)
        .ok_or("the text is too short")?;
    let mut value = 0u32;
    for &b in slice {
        if !b.is_ascii_digit() {
            return Err("expected a digit");
        }
        value = value * 10 + u32::from(b - b'0');
    }
    Ok(value)
}

fn expect(bytes: &[u8], at: usize, what: u8, reason: &'static str) -> Result<(), &'static str> {
    if bytes.get(at) == Some(&what) {
        Ok(())
    } else {
        Err(reason)
    }
}

fn parse_rfc3339(text: &str) -> Result<DateTime<FixedOffset>, &'static str> {
    let b = text.as_bytes();
    let year = digits(b, 0, 4)?;
    expect(b, 4, b'-', "expected `-` after the year")?;
    let month = digits(b, 5, 2)?;
    expect(b, 7, b'-', "expected `-` after the month")?;
    let day = digits(b, 8, 2)?;
    expect(b, 10, b'T', "expected `T` between date and time")?;
    let hour = digits(b, 11, 2)?;
    expect(b, 13, b':', "expected `:` after the hour")?;
    let minute = digits(b, 14, 2)?;
    expect(b, 16, b':', "expected `:` after the minutes")?;
    let second = digits(b, 17, 2)?;
    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        let count = at - start;
        if count == 0 {
            return Err("expected digits after `.`");
        }
        if count > 9 {
            return Err("more than nine fractional digits");
        }
        nanos = digits(b, start, count)? * 10u32.pow(9 - count as u32);
    }
    let offset_secs: i32 = match b.get(at) {
        Some(b'Z') => {
            at += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(b, at + 1, 2)?;
            expect(b, at + 3, b':', "expected `:` in the offset")?;
            let om = digits(b, at + 4, 2)?;
            at += 6;
            if oh > 23 || om > 59 {
                return Err("offset out of range");
            }
            let secs = i32::try_from(oh * 3600 + om * 60).map_err(|_| "offset out of range")?;
            if sign == b'-' { -secs } else { secs }
        }
        _ => return Err("expected `Z` or an offset such as `+08:00`"),
    };
    if at != b.len() {
        return Err("unexpected text after the offset");
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).map_err(|_| "year")?, month, day)
        .ok_or("no such date")?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
        .filter(|_| second < 60)
        .ok_or("time out of range")?;
    let offset = FixedOffset::east_opt(offset_secs).ok_or("offset out of range")?;
    offset
        .from_local_datetime(&date.and_time(time))
        .single()
        .ok_or("time out of range")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_go_writes() {
        for text in [
            "2026-11-22T07:53:57.038465598Z",
            "2026-05-04T00:00:03.007Z",
            "2026-05-04T00:00:00Z",
            "2026-05-04T08:00:00+08:00",
            "2026-05-04T08:00:00.5-03:30",
            Timestamp::ZERO,
        ] {
            assert_eq!(Timestamp::parse(text).map(|t| t.0), Ok(text.to_owned()));
        }
    }

    #[test]
    fn refuses_what_go_refuses() {
        for text in [
            "",
            "2026-05-04",
            "2026-05-04 00:00:00Z",
            "2026-05-04t00:00:00Z",
            "2026-05-04T00:00:00",
            "2026-05-04T00:00:00z",
            "2026-02-30T00:00:00Z",
            "2026-05-04T24:00:00Z",
            "2026-05-04T00:00:60Z",
            "2026-05-04T00:00:00.Z",
            "2026-05-04T00:00:00+0800",
            "2026-05-04T00:00:00Z ",
            "１０２６-05-04T00:00:00Z",
        ] {
            assert!(Timestamp::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn formats_like_go() {
        assert_eq!(
            Timestamp::from_unix(1_779_436_437, 38_465_598).as_str(),
            "2026-05-22T07:53:57.038465598Z"
        );
        assert_eq!(
            Timestamp::from_unix(1_777_852_803, 7_000_000).as_str(),
            "2026-05-04T00:00:03.007Z"
        );
        assert_eq!(
            Timestamp::from_unix(1_777_852_800, 0).as_str(),
            "2026-05-04T00:00:00Z"
        );
        let now = Timestamp::now();
        assert!(Timestamp::parse(now.as_str()).is_ok());
        assert!(now.as_str().ends_with('Z'));
    }

    #[test]
    fn zero_in_any_offset() {
        assert!(Timestamp::zero().is_zero());
        assert!(
            Timestamp::parse("0001-01-01T01:00:00+01:00")
                .map(|t| t.is_zero())
                .unwrap_or(false)
        );
        assert!(
            !Timestamp::parse("0001-01-01T00:00:01Z")
                .map(|t| t.is_zero())
                .unwrap_or(true)
        );
        assert_eq!(
            Timestamp::parse("1970-01-01T00:00:01.5Z")
                .ok()
                .and_then(|t| t.unix_millis()),
            Some(1500)
        );
    }

    #[test]
    fn serde_keeps_the_text() -> Result<(), serde_json::Error> {
        let t: Timestamp = serde_json::from_str("\"2026-05-04T08:00:00+08:00\"")?;
        assert_eq!(serde_json::to_string(&t)?, "\"2026-05-04T08:00:00+08:00\"");
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
        Ok(())
    }
}
