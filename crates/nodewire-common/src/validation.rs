//! Validated text values: the [`ValidationError`] they fail with,
//! [`text_newtype!`](crate::text_newtype) for their conversions and
//! [`fixed_schema!`](crate::fixed_schema) for their JSON Schema.
//!
//! A protocol crate's checked newtypes (a telemt username, a Core registration code, a
//! timestamp) refuse a bad value at construction and when decoded. Every one fails with the
//! same error, which names the field (by its JSON name) and says what is wrong; its `Display`
//! is `<field>: <message>`.
//!
//! ```
//! use nodewire_common::ValidationError;
//! let err = ValidationError::new("username", "must not be empty");
//! assert_eq!(err.to_string(), "username: must not be empty");
//! assert_eq!(err.field, "username");
//! ```

/// A value that failed validation: which field and why.
///
/// `message` is the rule as the upstream states it where it has its own wording (telemt's
/// `username must match [A-Za-z0-9_.-] and be 1..64 chars`), so a server can answer with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
#[non_exhaustive]
pub struct ValidationError {
    /// The field (JSON name) that is wrong.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl ValidationError {
    /// A failure of `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// Implements [`schemars::JsonSchema`] for a type whose schema is fixed (a validated text
/// newtype, a number code, a literal): named after the type, with the JSON Schema given.
/// With `inline`, the schema is written in place wherever the type is used instead of under
/// `$defs`.
///
/// ```
/// use nodewire_common::fixed_schema;
///
/// struct Code(String);
/// fixed_schema!(Code, {
///     "type": "string",
///     "description": "A registration code.",
///     "minLength": 1
/// });
/// struct Yes;
/// fixed_schema!(Yes, inline, { "type": "boolean", "const": true });
///
/// let schema = schemars::schema_for!(Code);
/// assert_eq!(schema.get("minLength"), Some(&serde_json::json!(1)));
/// use schemars::JsonSchema;
/// assert!(Yes::inline_schema() && !Code::inline_schema());
/// ```
#[macro_export]
macro_rules! fixed_schema {
    ($ty:ident, $schema:tt) => {
        $crate::fixed_schema!(@impl $ty, false, $schema);
    };
    ($ty:ident, inline, $schema:tt) => {
        $crate::fixed_schema!(@impl $ty, true, $schema);
    };
    (@impl $ty:ident, $inline:literal, $schema:tt) => {
        impl $crate::__private::schemars::JsonSchema for $ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(::core::stringify!($ty))
            }
            fn json_schema(
                _: &mut $crate::__private::schemars::SchemaGenerator,
            ) -> $crate::__private::schemars::Schema {
                $crate::__private::schemars::json_schema!($schema)
            }
            fn inline_schema() -> bool {
                $inline
            }
        }
    };
}

/// Implements the conversions of a validated text newtype: a `struct T(String)` whose
/// `T::new(impl Into<String>) -> Result<T, E>` checks the text. It writes `as_str`,
/// `Display`, `AsRef<str>` and `From<T> for String`, and `TryFrom<String>`, `TryFrom<&str>` and
/// `FromStr` through `new`, so `#[serde(try_from = "String", into = "String")]` decodes
/// through the same check.
///
/// ```
/// use nodewire_common::ValidationError;
///
/// /// A name of 1 to 8 bytes.
/// pub struct Name(String);
///
/// impl Name {
///     /// Checks the length.
///     pub fn new(text: impl Into<String>) -> Result<Self, ValidationError> {
///         let text = text.into();
///         match text.len() {
///             1..=8 => Ok(Self(text)),
///             _ => Err(ValidationError::new("name", "1 to 8 bytes")),
///         }
///     }
/// }
/// nodewire_common::text_newtype!(Name, ValidationError);
///
/// let name: Name = "ada".parse()?;
/// assert_eq!((name.as_str(), name.to_string()), ("ada", "ada".to_owned()));
/// assert!(Name::try_from(String::new()).is_err());
/// assert_eq!(String::from(name), "ada");
/// # Ok::<(), ValidationError>(())
/// ```
#[macro_export]
macro_rules! text_newtype {
    ($ty:ident, $error:ty) => {
        impl $ty {
            /// The text, as received or built.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::core::convert::AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::core::convert::From<$ty> for ::std::string::String {
            fn from(value: $ty) -> ::std::string::String {
                value.0
            }
        }

        impl ::core::convert::TryFrom<::std::string::String> for $ty {
            type Error = $error;
            fn try_from(text: ::std::string::String) -> ::core::result::Result<Self, $error> {
                Self::new(text)
            }
        }

        impl ::core::convert::TryFrom<&str> for $ty {
            type Error = $error;
            fn try_from(text: &str) -> ::core::result::Result<Self, $error> {
                Self::new(text)
            }
        }

        impl ::core::str::FromStr for $ty {
            type Err = $error;
            fn from_str(text: &str) -> ::core::result::Result<Self, $error> {
                Self::new(text)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Name(#[allow(dead_code)] String);
    fixed_schema!(Name, { "type": "string", "maxLength": 64 });

    #[test]
    fn the_message_names_the_field() {
        let err = ValidationError::new("recordedAt", "must be a date-time");
        assert_eq!(err.to_string(), "recordedAt: must be a date-time");
        assert_eq!(err.message, "must be a date-time");
    }

    #[test]
    fn the_schema_is_named_after_the_type() {
        let schema = schemars::schema_for!(Name);
        assert_eq!(schema.get("title"), Some(&serde_json::json!("Name")));
        assert_eq!(schema.get("maxLength"), Some(&serde_json::json!(64)));
    }
}
