//! Go's `time.Duration`: `time.ParseDuration` and `Duration.String`, which the `dns` and
//! `read` parameters use.

use std::fmt;

/// A Go `time.Duration`: signed nanoseconds.
///
/// ```
/// use nodewire_nodepass::url::GoDuration;
/// let d: GoDuration = "1h30m".parse().unwrap();
/// assert_eq!(d.to_string(), "1h30m0s");
/// assert_eq!("90s".parse::<GoDuration>().unwrap().to_string(), "1m30s");
/// assert_eq!(GoDuration::ZERO.to_string(), "0s");
/// assert!("5".parse::<GoDuration>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GoDuration(i64);

/// A text `time.ParseDuration` refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DurationError {
    message: String,
}

impl DurationError {
    fn invalid(orig: &str) -> Self {
        Self {
            message: format!("time: invalid duration {}", super::go::quote(orig)),
        }
    }
}

impl GoDuration {
    /// Zero.
    pub const ZERO: Self = Self(0);
    /// One second.
    pub const SECOND: Self = Self(1_000_000_000);
    /// One minute.
    pub const MINUTE: Self = Self(60_000_000_000);
    /// One hour.
    pub const HOUR: Self = Self(3_600_000_000_000);

    /// A duration of `nanos` nanoseconds.
    pub const fn from_nanos(nanos: i64) -> Self {
        Self(nanos)
    }

    /// A duration of `secs` seconds (saturating).
    pub const fn from_secs(secs: i64) -> Self {
        Self(secs.saturating_mul(1_000_000_000))
    }

    /// The nanoseconds.
    pub const fn as_nanos(self) -> i64 {
        self.0
    }

    /// `true` above zero.
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// As a `std::time::Duration` (`None` when negative).
    pub fn to_std(self) -> Option<std::time::Duration> {
        u64::try_from(self.0)
            .ok()
            .map(std::time::Duration::from_nanos)
    }

    /// Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` with units `ns`, `us`
    /// (`µs`, `μs`), `ms`, `s`, `m`, `h`; `0` alone needs no unit.
    pub fn parse(text: &str) -> Result<Self, DurationError> {
        let orig = text;
        let mut s = text.as_bytes();
        let mut neg = false;
        if let Some((&c, rest)) = s.split_first()
            && (c == b'-' || c == b'+')
        {
            neg = c == b'-';
            s = rest;
        }
        if s == b"0" {
            return Ok(Self(0));
        }
        if s.is_empty() {
            return Err(DurationError::invalid(orig));
        }
        const LIMIT: u64 = 1 << 63;
        let mut d: u64 = 0;
        while let Some(&first) = s.first() {
            if !(first == b'.' || first.is_ascii_digit()) {
                return Err(DurationError::invalid(orig));
            }
            let before = s.len();
            let (v, rest) = leading_int(s).ok_or_else(|| DurationError::invalid(orig))?;
            s = rest;
            let pre = before != s.len();
            let mut f = 0u64;
            let mut scale = 1f64;
            let mut post = false;
            if let Some((&b'.', rest)) = s.split_first() {
                s = rest;
                let before = s.len();
                let (ff, sc, rest) = leading_fraction(s);
                f = ff;
                scale = sc;
                s = rest;
                post = before != s.len();
            }
            if !pre && !post {
                return Err(DurationError::invalid(orig));
            }
            let unit_len = s
                .iter()
                .position(|&c| c == b'.' || c.is_ascii_digit())
                .unwrap_or(s.len());
            if unit_len == 0 {
                return Err(DurationError {
                    message: format!("time: missing unit in duration {}", super::go::quote(orig)),
                });
            }
            let (unit, rest) = s.split_at_checked(unit_len).unwrap_or((s, &[]));
            s = rest;
            let unit_ns: u64 = match unit {
                b"ns" => 1,
                b"us" | b"\xC2\xB5s" | b"\xCE\xBCs" => 1_000,
                b"ms" => 1_000_000,
                b"s" => 1_000_000_000,
                b"m" => 60_000_000_000,
                b"h" => 3_600_000_000_000,
                _ => {
                    return Err(DurationError {
                        message: format!(
                            "time: unknown unit {} in duration {}",
                            super::go::quote(&String::from_utf8_lossy(unit)),
                            super::go::quote(orig)
                        ),
                    });
                }
            };
            if v > LIMIT / unit_ns {
                return Err(DurationError::invalid(orig));
            }
            let mut v = v * unit_ns;
            if f > 0 {
                // Go truncates the float product towards zero.
                v += (f as f64 * (unit_ns as f64 / scale)) as u64;
                if v > LIMIT {
                    return Err(DurationError::invalid(orig));
                }
            }
            // Both are at most 2^63: Go's uint64 sum wraps to 0 when both are exactly that.
            d = d.wrapping_add(v);
            if d > LIMIT {
                return Err(DurationError::invalid(orig));
            }
        }
        if neg {
            // d <= 2^63: -d fits, with 2^63 giving i64::MIN.
            return Ok(Self((d as i128).wrapping_neg() as i64));
        }
        if d > LIMIT - 1 {
            return Err(DurationError::invalid(orig));
        }
        Ok(Self(d as i64))
    }
}

fn leading_int(s: &[u8]) -> Option<(u64, &[u8])> {
    const LIMIT: u64 = 1 << 63;
    let mut x: u64 = 0;
    let mut i = 0;
    for &c in s {
        if !c.is_ascii_digit() {
            break;
        }
        if x > LIMIT / 10 {
            return None;
        }
        x = x * 10 + u64::from(c - b'0');
        if x > LIMIT {
            return None;
        }
        i += 1;
    }
    Some((x, s.get(i..).unwrap_or_default()))
}

fn leading_fraction(s: &[u8]) -> (u64, f64, &[u8]) {
    let mut x: u64 = 0;
    let mut scale = 1f64;
    let mut overflow = false;
    let mut i = 0;
    for &c in s {
        if !c.is_ascii_digit() {
            break;
        }
        i += 1;
        if overflow {
            continue;
        }
        if x > (i64::MAX as u64) / 10 {
            overflow = true;
            continue;
        }
        let y = x * 10 + u64::from(c - b'0');
        if y > 1 << 63 {
            overflow = true;
            continue;
        }
        x = y;
        scale *= 10.0;
    }
    (x, scale, s.get(i..).unwrap_or_default())
}

impl std::str::FromStr for GoDuration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Writes the fraction of `v / 10^prec` without trailing zeros (and without the point when
/// it is zero) in front of `buf[..w]`; returns the new start and `v / 10^prec`.
fn fmt_frac(buf: &mut [u8; 32], mut w: usize, mut v: u64, prec: usize) -> (usize, u64) {
    let mut print = false;
    for _ in 0..prec {
        let digit = (v % 10) as u8;
        print = print || digit != 0;
        if print {
            w -= 1;
            if let Some(b) = buf.get_mut(w) {
                *b = digit + b'0';
            }
        }
        v /= 10;
    }
    if print {
        w -= 1;
        if let Some(b) = buf.get_mut(w) {
            *b = b'.';
        }
    }
    (w, v)
}

fn fmt_int(buf: &mut [u8; 32], mut w: usize, mut v: u64) -> usize {
    if v == 0 {
        w -= 1;
        if let Some(b) = buf.get_mut(w) {
            *b = b'0';
        }
        return w;
    }
    while v > 0 {
        w -= 1;
        if let Some(b) = buf.get_mut(w) {
            *b = (v % 10) as u8 + b'0';
        }
        v /= 10;
    }
    w
}

impl fmt::Display for GoDuration {
    /// Go's `Duration.String`: `72h3m0.5s`, `1.5ms`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 32];
        let mut w = buf.len();
        let neg = self.0 < 0;
        let mut u = self.0.unsigned_abs();
        let put = |buf: &mut [u8; 32], w: usize, b: u8| {
            if let Some(x) = buf.get_mut(w) {
                *x = b;
            }
        };
        if u < 1_000_000_000 {
            w -= 1;
            put(&mut buf, w, b's');
            w -= 1;
            let prec;
            if u == 0 {
                return f.write_str("0s");
            } else if u < 1_000 {
                prec = 0;
                put(&mut buf, w, b'n');
            } else if u < 1_000_000 {
                prec = 3;
                // U+00B5 MICRO SIGN, two bytes.
                put(&mut buf, w, 0xb5);
                w -= 1;
                put(&mut buf, w, 0xc2);
            } else {
                prec = 6;
                put(&mut buf, w, b'm');
            }
            let (nw, nu) = fmt_frac(&mut buf, w, u, prec);
            w = fmt_int(&mut buf, nw, nu);
        } else {
            w -= 1;
            put(&mut buf, w, b's');
            let (nw, nu) = fmt_frac(&mut buf, w, u, 9);
            w = nw;
            u = nu;
            w = fmt_int(&mut buf, w, u % 60);
            u /= 60;
            if u > 0 {
                w -= 1;
                put(&mut buf, w, b'm');
                w = fmt_int(&mut buf, w, u % 60);
                u /= 60;
                if u > 0 {
                    w -= 1;
                    put(&mut buf, w, b'h');
                    w = fmt_int(&mut buf, w, u);
                }
            }
        }
        if neg {
            w -= 1;
            put(&mut buf, w, b'-');
        }
        f.write_str(&String::from_utf8_lossy(buf.get(w..).unwrap_or_default()))
    }
}

impl serde::Serialize for GoDuration {
    /// As Go's text (`5m0s`).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for GoDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

nodewire_common::fixed_schema!(GoDuration, {
    "type": "string",
    "description": "A Go duration (`5m0s`, `1h30m`, `1.5s`, `0s`).",
    "pattern": "^[-+]?(0|([0-9]*(\\.[0-9]*)?(ns|us|\u{b5}s|\u{3bc}s|ms|s|m|h))+)$"
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print_like_go() {
        for (input, output) in [
            ("5m", "5m0s"),
            ("0", "0s"),
            ("-0", "0s"),
            ("1h30m", "1h30m0s"),
            ("90s", "1m30s"),
            ("1.5s", "1.5s"),
            ("1.5ms", "1.5ms"),
            ("2us", "2µs"),
            ("2µs", "2µs"),
            ("3ns", "3ns"),
            (".5h", "30m0s"),
            ("-1m", "-1m0s"),
            ("+30s", "30s"),
            ("1h1m1.000000001s", "1h1m1.000000001s"),
            ("2562047h47m16.854775807s", "2562047h47m16.854775807s"),
            // Two components of 2^63 ns each: Go's unsigned sum wraps to 0.
            ("9223372036854775808ns9223372036854775808ns", "0s"),
        ] {
            let d = GoDuration::parse(input).unwrap();
            assert_eq!(d.to_string(), output, "{input}");
        }
        assert_eq!(
            GoDuration::parse("-2562047h47m16.854775808s")
                .unwrap()
                .as_nanos(),
            i64::MIN
        );
        for bad in [
            "",
            "5",
            "abc",
            "1x",
            ".s",
            "1.",
            "-",
            "2562047h47m16.854775808s",
            "1e3s",
        ] {
            assert!(GoDuration::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            GoDuration::parse("5").unwrap_err().to_string(),
            "time: missing unit in duration \"5\""
        );
    }
}
