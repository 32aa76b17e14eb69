//! The JSON literals `true` and `false` as types: the `ok` member of a body whose `ok` is
//! always one of them (telemt's success and error envelopes, Core's `{ ok: true }`). Decoding
//! refuses the other literal, so an envelope type decodes only the body it names.
//!
//! ```
//! use nodewire_common::literal::{OkFalse, OkTrue};
//!
//! assert_eq!(serde_json::to_string(&OkTrue).unwrap(), "true");
//! assert!(serde_json::from_str::<OkTrue>("true").is_ok());
//! let err = serde_json::from_str::<OkFalse>("true").unwrap_err();
//! assert!(err.to_string().contains("expected `false`"));
//! ```

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The JSON literal `true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct OkTrue;

/// The JSON literal `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct OkFalse;

macro_rules! bool_literal {
    ($ty:ident, $value:literal) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bool($value)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                if bool::deserialize(d)? == $value {
                    Ok($ty)
                } else {
                    Err(serde::de::Error::custom(concat!("expected `", $value, "`")))
                }
            }
        }

        crate::fixed_schema!($ty, inline, { "type": "boolean", "const": $value });
    };
}

bool_literal!(OkTrue, true);
bool_literal!(OkFalse, false);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_decodes_only_its_literal() {
        assert!(serde_json::from_str::<OkTrue>("false").is_err());
        assert!(serde_json::from_str::<OkFalse>("false").is_ok());
        assert!(serde_json::from_str::<OkTrue>("1").is_err());
        assert_eq!(
            serde_json::to_string(&OkFalse).ok().as_deref(),
            Some("false")
        );
        let schema = schemars::schema_for!(OkFalse);
        assert_eq!(schema.get("const"), Some(&serde_json::json!(false)));
    }
}
