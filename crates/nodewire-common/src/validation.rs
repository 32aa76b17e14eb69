//! Validated text values: the [`ValidationError`] they fail with, and
//! [`string_schema!`](crate::string_schema) for their JSON Schema.
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

/// Implements [`schemars::JsonSchema`] for a string newtype with a fixed schema, named after
/// the type.
///
/// ```
/// use nodewire_common::string_schema;
///
/// struct Code(String);
/// string_schema!(Code, {
///     "type": "string",
///     "description": "A registration code.",
///     "minLength": 1
/// });
///
/// let schema = schemars::schema_for!(Code);
/// assert_eq!(schema.get("minLength"), Some(&serde_json::json!(1)));
/// ```
#[macro_export]
macro_rules! string_schema {
    ($ty:ident, $schema:tt) => {
        impl $crate::__private::schemars::JsonSchema for $ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(::core::stringify!($ty))
            }
            fn json_schema(
                _: &mut $crate::__private::schemars::SchemaGenerator,
            ) -> $crate::__private::schemars::Schema {
                $crate::__private::schemars::json_schema!($schema)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Name(#[allow(dead_code)] String);
    string_schema!(Name, { "type": "string", "maxLength": 64 });

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
