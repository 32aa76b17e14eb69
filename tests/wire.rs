//! Checking a wire value built with a crate's constructors against the JSON its upstream
//! sends (included with `#[path]` from a test file).

use std::error::Error;
use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What a built value must encode as.
pub(crate) enum Expected {
    /// This JSON text, to the byte (key order included).
    Text(&'static str),
    /// This JSON value (key order aside).
    Value(Value),
}

impl From<&'static str> for Expected {
    fn from(text: &'static str) -> Self {
        Self::Text(text)
    }
}

impl From<Value> for Expected {
    fn from(value: Value) -> Self {
        Self::Value(value)
    }
}

/// `built` encodes as `expected` and decodes back from it unchanged.
pub(crate) fn same<T>(built: &T, expected: impl Into<Expected>) -> Result<(), Box<dyn Error>>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let decoded: T = match expected.into() {
        Expected::Text(text) => {
            assert_eq!(serde_json::to_string(built)?, text);
            serde_json::from_str(text)?
        }
        Expected::Value(value) => {
            assert_eq!(serde_json::to_value(built)?, value);
            serde_json::from_value(value)?
        }
    };
    assert_eq!(&decoded, built);
    Ok(())
}
