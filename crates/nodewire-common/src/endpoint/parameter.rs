//! The path and query parameters of a route, as facts for the OpenAPI export.

use schemars::{JsonSchema, Schema};

/// Where a parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    /// A `{name}` segment of the path template.
    Path,
    /// A `name=value` pair of the query string.
    Query,
}

impl ParameterLocation {
    /// The OpenAPI name of the location (`path`, `query`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
        }
    }
}

/// One parameter of a route ([`Endpoint::PARAMETERS`](crate::Endpoint::PARAMETERS)): its
/// name, where it goes, whether the upstream requires it, what it means, and the JSON Schema
/// of its value (type, range, labels).
///
/// A path parameter a route does not declare is a string; a query parameter exists only when
/// declared.
///
/// ```
/// use nodewire_common::endpoint::{Parameter, ParameterLocation};
/// const LIMIT: Parameter = Parameter::query::<u32>("limit", "How many items at most.");
/// assert_eq!(LIMIT.location, ParameterLocation::Query);
/// assert!(!LIMIT.required);
/// assert_eq!((LIMIT.schema)().get("type"), Some(&serde_json::json!("integer")));
/// ```
#[derive(Clone, Copy)]
pub struct Parameter {
    /// The parameter's name, as the upstream spells it.
    pub name: &'static str,
    /// Path or query.
    pub location: ParameterLocation,
    /// Whether the upstream refuses a call without it (always true for a path parameter).
    pub required: bool,
    /// One line on what it means, in the upstream's terms.
    pub description: &'static str,
    /// The JSON Schema of its value.
    pub schema: fn() -> Schema,
}

impl Parameter {
    /// An optional query parameter whose value is a `T`.
    pub const fn query<T: JsonSchema>(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            location: ParameterLocation::Query,
            required: false,
            description,
            schema: crate::registry::schema_of::<T>,
        }
    }

    /// A query parameter the upstream requires.
    pub const fn required_query<T: JsonSchema>(
        name: &'static str,
        description: &'static str,
    ) -> Self {
        Self {
            required: true,
            ..Self::query::<T>(name, description)
        }
    }

    /// A path parameter (a `{name}` segment) whose value is a `T`.
    pub const fn path<T: JsonSchema>(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            location: ParameterLocation::Path,
            required: true,
            description,
            schema: crate::registry::schema_of::<T>,
        }
    }

    /// The same parameter with the schema `schema` (a range or a set of labels the value
    /// type does not carry).
    pub const fn with_schema(self, schema: fn() -> Schema) -> Self {
        Self { schema, ..self }
    }
}

impl std::fmt::Debug for Parameter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parameter")
            .field("name", &self.name)
            .field("location", &self.location)
            .field("required", &self.required)
            .finish_non_exhaustive()
    }
}
