//! Date-times kept as the text they were sent as: [`Timestamp<F>`], where the [`Format`] `F`
//! is the peer's rule for reading and writing them.
//!
//! A decoded timestamp re-encodes byte for byte (`+03:00` stays `+03:00`, nine fraction digits
//! stay nine); the instant is read from the text when asked for. Which texts are accepted
//! differs between peers, so the rule is a type parameter:
//!
//! - [`Rfc3339`]: any RFC 3339 date-time chrono reads (`T`, `t` or a space between date and
//!   time, `Z` or `z`, any number of fraction digits, a leap second), written as JavaScript's
//!   `Date.prototype.toISOString()` (UTC, milliseconds, `Z`);
//! - [`GoTime`]: what Go's `time.Time` reads from JSON (an upper-case `T` and `Z`, at most nine
//!   fraction digits, no leap second), written as Go's `RFC3339Nano` in UTC (nanoseconds with
//!   trailing zeros trimmed, `Z`).
//!
//! A protocol crate names its own: `pub type Timestamp = Timestamp<GoTime>;`.
//!
//! Wire fields that carry a time as a plain number or as text keep it as sent, and offer an
//! accessor named after the field with its unit replaced by `_utc` (`generated_at_epoch_secs`
//! → `generated_at_utc()`, `timestamp_ms` → `timestamp_utc()`, `time` → `time_utc()`) that
//! reads it as a [`DateTime<Utc>`] with [`from_unix_secs`], [`from_unix_millis`] or
//! [`parse_utc`]. A [`Timestamp`] is read with [`Timestamp::to_utc`] and built from a
//! date-time with [`Timestamp::from_datetime`].
//!
//! ```
//! use nodewire_common::timestamp::{GoTime, Rfc3339, Timestamp};
//!
//! let t = Timestamp::<Rfc3339>::new("2026-06-01t15:00:00+03:00").unwrap();
//! assert_eq!(t.as_str(), "2026-06-01t15:00:00+03:00");
//! assert_eq!(t.to_utc().to_rfc3339(), "2026-06-01T12:00:00+00:00");
//! assert!(Timestamp::<GoTime>::new("2026-06-01t15:00:00+03:00").is_err());
//! assert_eq!(
//!     Timestamp::<GoTime>::from_unix(1_780_315_200, 5_000_000).as_str(),
//!     "2026-06-01T12:00:00.005Z"
//! );
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone, Timelike, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::validation::ValidationError;

/// The instant `secs` seconds after the Unix epoch, for a wire field in Unix seconds
/// (`None` past the years chrono can hold).
///
/// ```
/// use nodewire_common::timestamp::from_unix_secs;
/// let t = from_unix_secs(1_795_334_721).unwrap();
/// assert_eq!(t.to_rfc3339(), "2026-11-22T08:05:21+00:00");
/// assert_eq!(from_unix_secs(0).map(|t| t.timestamp()), Some(0));
/// assert_eq!(from_unix_secs(u64::MAX), None);
/// ```
pub fn from_unix_secs(secs: u64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(i64::try_from(secs).ok()?, 0)
}

/// The instant `millis` milliseconds after the Unix epoch, for a wire field in Unix
/// milliseconds (`None` past the years chrono can hold).
///
/// ```
/// use nodewire_common::timestamp::from_unix_millis;
/// let t = from_unix_millis(1_733_965_196_123).unwrap();
/// assert_eq!(t.to_rfc3339(), "2024-12-12T00:59:56.123+00:00");
/// assert_eq!(from_unix_millis(u64::MAX), None);
/// ```
pub fn from_unix_millis(millis: u64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(i64::try_from(millis).ok()?)
}

/// Reads the text of a wire field kept as a `String` under the rule `F`, as an instant in UTC;
/// a failure names `field`, as [`Timestamp::for_field`] does.
///
/// ```
/// use nodewire_common::timestamp::{Rfc3339, parse_utc};
/// let t = parse_utc::<Rfc3339>("triggered_at", "2024-01-01T03:00:00+03:00").unwrap();
/// assert_eq!(t.to_rfc3339(), "2024-01-01T00:00:00+00:00");
/// let err = parse_utc::<Rfc3339>("triggered_at", "yesterday").unwrap_err();
/// assert_eq!(err.field, "triggered_at");
/// ```
pub fn parse_utc<F: Format>(
    field: &'static str,
    text: &str,
) -> Result<DateTime<Utc>, ValidationError> {
    F::parse(text)
        .map(|instant| instant.to_utc())
        .map_err(|reason| refusal::<F>(field, text, &reason))
}

fn refusal<F: Format>(field: &'static str, text: &str, reason: &str) -> ValidationError {
    ValidationError::new(field, format!("{} (`{text}`: {reason})", F::RULE))
}

/// How a peer reads and writes date-times.
pub trait Format {
    /// The rule, as a validation message states it (`must be …`).
    const RULE: &'static str;
    /// The `description` of the JSON Schema.
    const DESCRIPTION: &'static str;

    /// Reads `text`, or says why it is refused.
    fn parse(text: &str) -> Result<DateTime<FixedOffset>, String>;

    /// Writes an instant as the peer does.
    fn format(instant: &DateTime<Utc>) -> String;
}

/// RFC 3339 as chrono's `DateTime::parse_from_rfc3339` reads it; new values are written as
/// JavaScript's `toISOString()` writes them (`2026-06-01T12:00:00.000Z`).
///
/// A date alone, a time without a zone and a date that does not exist are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rfc3339;

impl Format for Rfc3339 {
    const RULE: &'static str =
        "must be an ISO 8601 date-time with a time zone, such as 2026-06-01T12:00:00.000Z";
    const DESCRIPTION: &'static str =
        "An ISO 8601 date-time with a time zone (RFC 3339), e.g. 2026-06-01T12:00:00.000Z.";

    fn parse(text: &str) -> Result<DateTime<FixedOffset>, String> {
        DateTime::parse_from_rfc3339(text).map_err(|e| e.to_string())
    }

    fn format(instant: &DateTime<Utc>) -> String {
        instant.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

/// Go's `time.Time` in JSON: read as its strict RFC 3339 parser reads it
/// (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`, upper-case `T` and `Z`, one to nine fraction
/// digits, a real calendar date, no leap second), written as `RFC3339Nano` in UTC
/// (`2026-11-22T07:53:57.038465598Z`, trailing zeros of the fraction trimmed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct GoTime;

impl Format for GoTime {
    const RULE: &'static str =
        "must be an RFC 3339 date-time as Go writes it, such as 2026-05-04T00:00:03.007Z";
    const DESCRIPTION: &'static str = "RFC 3339 timestamp as Go writes it: UTC with `Z`, nanoseconds with trailing zeros trimmed.";

    fn parse(text: &str) -> Result<DateTime<FixedOffset>, String> {
        let instant = DateTime::parse_from_rfc3339(text).map_err(|e| e.to_string())?;
        // chrono's RFC 3339 is wider than Go's in five places.
        let bytes = text.as_bytes();
        if !text.is_ascii() {
            return Err("only ASCII is allowed (a `−` sign is not `-`)".to_owned());
        }
        if bytes.get(10) != Some(&b'T') {
            return Err("expected `T` between date and time".to_owned());
        }
        if text.ends_with('z') {
            return Err("expected `Z` or an offset such as `+08:00`".to_owned());
        }
        if bytes.get(19) == Some(&b'.') {
            let digits = bytes
                .get(20..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits > 9 {
                return Err("more than nine fractional digits".to_owned());
            }
        }
        if instant.nanosecond() >= 1_000_000_000 {
            return Err("a leap second (`:60`)".to_owned());
        }
        Ok(instant)
    }

    fn format(instant: &DateTime<Utc>) -> String {
        // Go has no leap seconds: `:59.999999999` stands for one.
        let instant = match instant.nanosecond() {
            0..=999_999_999 => *instant,
            _ => instant.with_nanosecond(999_999_999).unwrap_or(*instant),
        };
        let mut text = instant.format("%Y-%m-%dT%H:%M:%S").to_string();
        let nanos = instant.timestamp_subsec_nanos();
        if nanos > 0 {
            let fraction = format!("{nanos:09}");
            text.push('.');
            text.push_str(fraction.trim_end_matches('0'));
        }
        text.push('Z');
        text
    }
}

/// A date-time kept as the exact text it was built from, valid under the rule `F`.
///
/// Serializes as that text; decoding refuses what `F` refuses, with a [`ValidationError`].
/// Equality, order and hashing are those of the text.
pub struct Timestamp<F> {
    text: String,
    format: PhantomData<fn() -> F>,
}

impl<F: Format> Timestamp<F> {
    /// The rule, as the error message states it.
    pub const RULE: &'static str = F::RULE;

    /// Validates a timestamp (a failure names the field `timestamp`).
    pub fn new(text: impl Into<String>) -> Result<Self, ValidationError> {
        Self::for_field("timestamp", text)
    }

    /// Validates a timestamp, naming `field` in the error.
    pub fn for_field(
        field: &'static str,
        text: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let text = text.into();
        match F::parse(&text) {
            Ok(_) => Ok(Self::unchecked(text)),
            Err(reason) => Err(refusal::<F>(field, &text, &reason)),
        }
    }

    /// A date-time in any zone, written as the peer writes it (in UTC); the same as
    /// [`from_utc`](Self::from_utc) after converting to UTC.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use nodewire_common::timestamp::{GoTime, Timestamp};
    /// let local = DateTime::parse_from_rfc3339("2026-06-01T15:00:00.250+03:00").unwrap();
    /// let t = Timestamp::<GoTime>::from_datetime(local);
    /// assert_eq!(t.as_str(), "2026-06-01T12:00:00.25Z");
    /// assert_eq!(t.to_utc(), local);
    /// ```
    pub fn from_datetime<Tz: TimeZone>(instant: DateTime<Tz>) -> Self {
        Self::from_utc(instant.to_utc())
    }

    /// The instant, written as the peer writes it (an instant outside the years 0000 to 9999,
    /// which RFC 3339 cannot write, is moved to the nearest one inside).
    pub fn from_utc(instant: DateTime<Utc>) -> Self {
        let first = DateTime::parse_from_rfc3339("0000-01-01T00:00:00Z");
        let last = DateTime::parse_from_rfc3339("9999-12-31T23:59:59.999999999Z");
        let instant = match (first, last) {
            (Ok(first), Ok(last)) => instant.clamp(first.to_utc(), last.to_utc()),
            _ => instant,
        };
        Self::unchecked(F::format(&instant))
    }

    /// The current time, written as the peer writes it.
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    /// A system time, written as the peer writes it (a time before 1970 counts as 1970).
    pub fn from_system_time(time: SystemTime) -> Self {
        let since = time.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
        Self::from_unix(since.as_secs(), since.subsec_nanos())
    }

    /// Seconds and nanoseconds since the Unix epoch, written as the peer writes them.
    pub fn from_unix(secs: u64, nanos: u32) -> Self {
        let secs = i64::try_from(secs).unwrap_or(i64::MAX);
        let instant = DateTime::<Utc>::from_timestamp(secs, nanos.min(999_999_999))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        Self::from_utc(instant)
    }

    /// The text, as received or built.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant with the offset it was written with.
    pub fn to_datetime(&self) -> DateTime<FixedOffset> {
        // Validated at construction; the fallback is never taken.
        F::parse(&self.text).unwrap_or_default()
    }

    /// The instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.to_datetime().with_timezone(&Utc)
    }

    /// Milliseconds since the Unix epoch (negative before 1970).
    pub fn unix_millis(&self) -> i64 {
        self.to_datetime().timestamp_millis()
    }

    fn unchecked(text: String) -> Self {
        Self {
            text,
            format: PhantomData,
        }
    }
}

impl Timestamp<GoTime> {
    /// Go's zero `time.Time`, as `encoding/json` writes it.
    pub const ZERO: &'static str = "0001-01-01T00:00:00Z";

    /// Go's zero time, `0001-01-01T00:00:00Z` (what a missing `time.Time` decodes to).
    pub fn zero() -> Self {
        Self::unchecked(Self::ZERO.to_owned())
    }

    /// `true` for Go's zero instant (`0001-01-01T00:00:00Z`, in any offset).
    pub fn is_zero(&self) -> bool {
        DateTime::parse_from_rfc3339(Self::ZERO).is_ok_and(|zero| self.to_datetime() == zero)
    }
}

impl<F> Clone for Timestamp<F> {
    fn clone(&self) -> Self {
        Self {
            text: self.text.clone(),
            format: PhantomData,
        }
    }
}

impl<F> fmt::Debug for Timestamp<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Timestamp").field(&self.text).finish()
    }
}

impl<F> fmt::Display for Timestamp<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<F> PartialEq for Timestamp<F> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<F> Eq for Timestamp<F> {}

impl<F> PartialOrd for Timestamp<F> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<F> Ord for Timestamp<F> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl<F> Hash for Timestamp<F> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl<F> AsRef<str> for Timestamp<F> {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl<F> From<Timestamp<F>> for String {
    fn from(value: Timestamp<F>) -> String {
        value.text
    }
}

impl<F: Format, Tz: TimeZone> From<DateTime<Tz>> for Timestamp<F> {
    fn from(instant: DateTime<Tz>) -> Self {
        Self::from_datetime(instant)
    }
}

impl<F: Format> From<&Timestamp<F>> for DateTime<Utc> {
    fn from(timestamp: &Timestamp<F>) -> Self {
        timestamp.to_utc()
    }
}

impl<F: Format> TryFrom<String> for Timestamp<F> {
    type Error = ValidationError;
    fn try_from(text: String) -> Result<Self, ValidationError> {
        Self::new(text)
    }
}

impl<F: Format> TryFrom<&str> for Timestamp<F> {
    type Error = ValidationError;
    fn try_from(text: &str) -> Result<Self, ValidationError> {
        Self::new(text)
    }
}

impl<F: Format> FromStr for Timestamp<F> {
    type Err = ValidationError;
    fn from_str(text: &str) -> Result<Self, ValidationError> {
        Self::new(text)
    }
}

impl<F> Serialize for Timestamp<F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de, F: Format> Deserialize<'de> for Timestamp<F> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::new(text).map_err(serde::de::Error::custom)
    }
}

impl<F: Format> JsonSchema for Timestamp<F> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Timestamp")
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Owned(format!("Timestamp<{}>", std::any::type_name::<F>()))
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": F::DESCRIPTION
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Js = Timestamp<Rfc3339>;
    type Go = Timestamp<GoTime>;

    #[test]
    fn rfc3339_keeps_its_text_and_refuses_what_names_no_instant() {
        for good in [
            "2026-06-01T12:00:00.000Z",
            "2026-06-01T12:00:00Z",
            "2026-06-01T12:00:00.123456789+03:00",
            "2026-06-01t12:00:00z",
            "2026-06-01 12:00:00Z",
            "2026-06-30T23:59:60Z",
            "2026-06-01T12:00:00.1234567891Z",
        ] {
            let t = Js::new(good).unwrap();
            assert_eq!(t.as_str(), good);
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{good}\""));
        }
        for bad in [
            "",
            "2026-06-01",
            "2026-06-01T12:00:00",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-06-01T25:00:00Z",
            "yesterday",
            "1780315200",
        ] {
            let err = Js::for_field("recordedAt", bad).unwrap_err();
            assert_eq!(err.field, "recordedAt");
            assert!(
                err.to_string()
                    .starts_with("recordedAt: must be an ISO 8601"),
                "{err}"
            );
        }
        let err = serde_json::from_str::<Js>("\"2026-06-01\"").unwrap_err();
        assert!(err.to_string().contains("ISO 8601"), "{err}");
    }

    #[test]
    fn go_time_accepts_what_go_writes() {
        for text in [
            "2026-11-22T07:53:57.038465598Z",
            "2026-05-04T00:00:03.007Z",
            "2026-05-04T00:00:00Z",
            "2026-05-04T08:00:00+08:00",
            "2026-05-04T08:00:00.5-03:30",
            "2026-05-04T08:00:00-00:00",
            "2026-05-04T08:00:00+23:59",
            "0000-01-01T00:00:00Z",
            Go::ZERO,
        ] {
            assert_eq!(Go::new(text).map(String::from), Ok(text.to_owned()));
        }
    }

    #[test]
    fn go_time_refuses_what_go_refuses() {
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
            "2026-05-04T00:00:00.1234567891Z",
            "2026-05-04T00:00:00+0800",
            "2026-05-04T00:00:00+24:00",
            "2026-05-04T00:00:00+01:60",
            "2026-05-04T00:00:00\u{2212}01:00",
            "2026-05-04T00:00:00Z ",
            "１０２６-05-04T00:00:00Z",
        ] {
            let err = Go::new(text).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("timestamp: must be an RFC 3339"),
                "{err}"
            );
        }
    }

    #[test]
    fn each_format_writes_as_its_peer() {
        let instant = DateTime::from_timestamp(1_779_436_437, 38_465_598).unwrap();
        assert_eq!(
            Go::from_utc(instant).as_str(),
            "2026-05-22T07:53:57.038465598Z"
        );
        assert_eq!(Js::from_utc(instant).as_str(), "2026-05-22T07:53:57.038Z");
        assert_eq!(
            Go::from_unix(1_777_852_803, 7_000_000).as_str(),
            "2026-05-04T00:00:03.007Z"
        );
        assert_eq!(
            Go::from_unix(1_777_852_800, 0).as_str(),
            "2026-05-04T00:00:00Z"
        );
        assert_eq!(
            Js::from_unix(1_777_852_800, 0).as_str(),
            "2026-05-04T00:00:00.000Z"
        );
        assert!(Go::new(Go::now().as_str()).is_ok());
        assert!(Js::new(Js::now().as_str()).is_ok());
        for instant in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            assert!(Go::new(Go::from_utc(instant).as_str()).is_ok());
            assert!(Js::new(Js::from_utc(instant).as_str()).is_ok());
        }
        assert_eq!(
            Go::from_unix(u64::MAX, 0).as_str(),
            "9999-12-31T23:59:59.999999999Z"
        );
        let leap = DateTime::parse_from_rfc3339("2016-12-31T23:59:60.5Z").unwrap();
        assert!(Go::new(Go::from_utc(leap.to_utc()).as_str()).is_ok());
    }

    #[test]
    fn instants_and_go_zero() {
        let t = Js::new("2026-06-01T15:00:00+03:00").unwrap();
        assert_eq!(t.to_utc().to_rfc3339(), "2026-06-01T12:00:00+00:00");
        assert_eq!(t.to_datetime().offset().local_minus_utc(), 3 * 3600);
        assert!(Go::zero().is_zero());
        assert!(Go::new("0001-01-01T01:00:00+01:00").unwrap().is_zero());
        assert!(!Go::new("0001-01-01T00:00:01Z").unwrap().is_zero());
        assert_eq!(
            Go::new("1970-01-01T00:00:01.5Z").unwrap().unix_millis(),
            1500
        );
        assert_eq!(
            format!("{:?}", Go::zero()),
            "Timestamp(\"0001-01-01T00:00:00Z\")"
        );
    }

    #[test]
    fn date_times_in_and_out() {
        let local = DateTime::parse_from_rfc3339("2026-05-04T08:00:03.007+08:00").unwrap();
        let go: Go = local.into();
        assert_eq!(go.as_str(), "2026-05-04T00:00:03.007Z");
        assert_eq!(DateTime::<Utc>::from(&go), local);
        assert_eq!(
            Js::from_datetime(local).as_str(),
            "2026-05-04T00:00:03.007Z"
        );
        let kept = Go::new("2026-05-04T08:00:03.007+08:00").unwrap();
        assert_eq!(kept.to_utc(), local);
        assert_eq!(kept.as_str(), "2026-05-04T08:00:03.007+08:00");

        assert_eq!(
            from_unix_secs(1_777_852_803),
            Some(go.to_utc().with_nanosecond(0).unwrap())
        );
        assert_eq!(from_unix_millis(1_777_852_803_007), Some(go.to_utc()));
        assert_eq!(from_unix_secs(i64::MAX as u64), None);
        assert_eq!(from_unix_millis(i64::MAX as u64), None);

        assert_eq!(
            parse_utc::<GoTime>("time", kept.as_str()),
            Ok(local.to_utc())
        );
        let err = parse_utc::<GoTime>("time", "2026-05-04t00:00:00Z").unwrap_err();
        assert_eq!(
            err,
            Go::for_field("time", "2026-05-04t00:00:00Z").unwrap_err()
        );
        assert!(parse_utc::<Rfc3339>("time", "2026-05-04t00:00:00Z").is_ok());
    }

    #[test]
    fn schemas_carry_the_format_description() {
        let schema = schemars::schema_for!(Go);
        assert_eq!(
            schema.get("description").and_then(|d| d.as_str()),
            Some(GoTime::DESCRIPTION)
        );
        assert_eq!(schema.get("format"), Some(&serde_json::json!("date-time")));
    }
}
