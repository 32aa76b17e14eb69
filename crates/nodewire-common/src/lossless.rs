//! The lossless check: decode a payload into its typed model, re-encode it, and compare the two
//! as JSON values.
//!
//! Key order and whitespace are ignored and numbers compare by value (`3` equals `3.0`), so a
//! report lists only real losses: JSON pointers present in the input but missing after
//! re-encoding (`lost`), and pointers whose value differs or that appear only in the output
//! (`changed`).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{DecodeError, from_slice};

/// What re-encoding lost or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Pointers (RFC 6901) present in the input and missing from the re-encoded value.
    pub lost: Vec<String>,
    /// Pointers whose value differs, or that the re-encoded value has and the input does not.
    pub changed: Vec<String>,
}

impl Report {
    /// `true` when nothing was lost or changed.
    pub fn is_lossless(&self) -> bool {
        self.lost.is_empty() && self.changed.is_empty()
    }
}

/// Compares an input value with its re-encoding.
///
/// ```
/// use serde_json::json;
/// let r = nodewire_common::lossless::compare(
///     &json!({"a": 1, "b": [1, 2], "c": 1.5}),
///     &json!({"a": 1.0, "b": [1], "c": 2.5, "d": null}),
/// );
/// assert_eq!(r.lost, vec!["/b/1"]);
/// assert_eq!(r.changed, vec!["/c", "/d"]);
/// ```
pub fn compare(input: &Value, output: &Value) -> Report {
    let mut report = Report::default();
    walk(input, output, &mut String::new(), &mut report);
    report
}

fn walk(input: &Value, output: &Value, pointer: &mut String, report: &mut Report) {
    match (input, output) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, av) in a {
                let len = pointer.len();
                push_token(pointer, key);
                match b.get(key) {
                    Some(bv) => walk(av, bv, pointer, report),
                    None => report.lost.push(pointer.clone()),
                }
                pointer.truncate(len);
            }
            for key in b.keys().filter(|k| !a.contains_key(*k)) {
                let len = pointer.len();
                push_token(pointer, key);
                report.changed.push(pointer.clone());
                pointer.truncate(len);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, av) in a.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                match b.get(i) {
                    Some(bv) => walk(av, bv, pointer, report),
                    None => report.lost.push(pointer.clone()),
                }
                pointer.truncate(len);
            }
            for i in a.len()..b.len() {
                report.changed.push(format!("{pointer}/{i}"));
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            if !numbers_equal(a, b) {
                report.changed.push(pointer.clone());
            }
        }
        (a, b) => {
            if a != b {
                report.changed.push(pointer.clone());
            }
        }
    }
}

fn push_token(pointer: &mut String, key: &str) {
    pointer.push('/');
    for c in key.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Numbers compare by value: integers exactly, anything involving a float as `f64`.
fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Decodes `bytes` as `T`, re-encodes it, and compares with the input.
pub fn check<T: Serialize + DeserializeOwned>(bytes: &[u8]) -> Result<Report, DecodeError> {
    let typed: T = from_slice(bytes)?;
    let input: Value = from_slice(bytes)?;
    let output =
        serde_json::to_value(&typed).map_err(|e| DecodeError::root(format!("re-encode: {e}")))?;
    Ok(compare(&input, &output))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_values_are_lossless() {
        let v = json!({"a": [1, {"b~/c": null}], "x": 1e3});
        assert!(compare(&v, &v).is_lossless());
        assert!(compare(&json!(3), &json!(3.0)).is_lossless());
        assert!(!compare(&json!(-1), &json!(1)).is_lossless());
    }

    #[test]
    fn pointers_escape_tokens() {
        let r = compare(&json!({"a/b": 1, "c~": 2}), &json!({}));
        assert_eq!(r.lost, vec!["/a~1b", "/c~0"]);
    }

    #[test]
    fn check_reports_dropped_fields() -> Result<(), DecodeError> {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct T {
            a: u8,
        }
        let r = check::<T>(br#"{"a":1,"b":2}"#)?;
        assert_eq!(r.lost, vec!["/b"]);
        Ok(())
    }
}
