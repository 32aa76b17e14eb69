//! What the unit tests share: the checks that a captured payload survives decoding.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A unit test's result.
pub(crate) type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Decodes `json` as `T`, re-encodes it and compares the two as JSON values.
pub(crate) fn round_trip<T: DeserializeOwned + Serialize>(json: &str) -> TestResult {
    let typed: T = serde_json::from_str(json)?;
    assert_eq!(
        serde_json::to_value(&typed)?,
        serde_json::from_str::<Value>(json)?
    );
    Ok(())
}

/// [`round_trip`], and the re-encoding of compact `json` is the same text, byte for byte (so
/// the field order is the wire order).
pub(crate) fn exact<T: DeserializeOwned + Serialize>(json: &str) -> TestResult {
    round_trip::<T>(json)?;
    let typed: T = serde_json::from_str(json)?;
    assert_eq!(serde_json::to_string(&typed)?, json);
    Ok(())
}
