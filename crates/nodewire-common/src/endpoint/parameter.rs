//! The path and query parameters of a route, as facts for the OpenAPI export.

use std::collections::BTreeSet;

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

/// What is wrong with the parameters route `E` declares in
/// [`Endpoint::PARAMETERS`](crate::Endpoint::PARAMETERS), one line a problem, each naming the
/// route; empty when the declarations agree with the route:
///
/// - the `{name}` segments of its path template, and of each alias, are its declared path
///   parameters, in template order;
/// - the keys of `endpoint`'s [`query`](crate::Endpoint::query) are its declared query
///   parameters (so `endpoint` has every option set that reaches the query);
/// - no name is declared twice;
/// - every parameter has a description, a sentence ending with `.`, and a schema with a
///   `type`;
/// - every path parameter is required.
///
/// ```
/// use nodewire_common::endpoint::{Parameter, parameter_problems};
/// # use nodewire_common::{DecodeError, Protocol};
/// # pub struct Demo;
/// # impl Protocol for Demo {
/// #     const NAME: &'static str = "demo";
/// #     type Success<T> = T;
/// #     type Failure = DecodeError;
/// #     fn decode_response<T: serde::de::DeserializeOwned>(
/// #         _: http::StatusCode, _: &http::HeaderMap, body: &[u8],
/// #     ) -> Result<T, DecodeError> {
/// #         nodewire_common::error::from_slice(body)
/// #     }
/// #     fn encode_response<T: serde::Serialize>(
/// #         success: &T,
/// #     ) -> Result<http::Response<bytes::Bytes>, serde_json::Error> {
/// #         Ok(http::Response::new(serde_json::to_vec(success)?.into()))
/// #     }
/// # }
/// # use nodewire_common::endpoint::IncomingParts;
/// # fn name(parts: &IncomingParts<'_, impl Sized>) -> Result<String, nodewire_common::FromRequestError> {
/// #     Ok(parts.params.require("name")?.to_owned())
/// # }
/// nodewire_common::path_endpoint!(Demo;
///     /// `GET /v1/users/{name}`: one user.
///     GetUser, GET, "/v1/users/{name}",
///     /// The user's name.
///     name: String = name, serde_json::Value,
///     parameters [Parameter::path::<String>("name", "The user's name.")]
/// );
/// nodewire_common::path_endpoint!(Demo;
///     /// `DELETE /v1/users/{name}`: remove a user.
///     DeleteUser, DELETE, "/v1/users/{name}",
///     /// The user's name.
///     name: String = name, serde_json::Value,
///     parameters [Parameter::path::<String>("id", "The user's name.")]
/// );
/// assert!(parameter_problems(&GetUser { name: "ada".into() }).is_empty());
/// assert_eq!(
///     parameter_problems(&DeleteUser { name: "ada".into() }),
///     [r#"DeleteUser /v1/users/{name}: segments ["name"], declared path parameters ["id"]"#]
/// );
/// ```
pub fn parameter_problems<E: crate::Endpoint>(endpoint: &E) -> Vec<String> {
    let name = E::METADATA.name;
    let declared = |location: ParameterLocation| -> Vec<&str> {
        E::PARAMETERS
            .iter()
            .filter(|p| p.location == location)
            .map(|p| p.name)
            .collect()
    };
    let mut problems = Vec::new();
    let path = declared(ParameterLocation::Path);
    for template in std::iter::once(E::METADATA.path).chain(E::METADATA.aliases.iter().copied()) {
        let segments = template_names(template);
        if segments != path {
            problems.push(format!(
                "{name} {template}: segments {segments:?}, declared path parameters {path:?}"
            ));
        }
    }
    let query = endpoint.query();
    let emitted = query_keys(query.as_deref().unwrap_or_default());
    let declared_query: BTreeSet<&str> = declared(ParameterLocation::Query).into_iter().collect();
    if emitted != declared_query {
        problems.push(format!(
            "{name}: query() emits {emitted:?}, declared query parameters {declared_query:?}"
        ));
    }
    let mut seen = BTreeSet::new();
    for parameter in E::PARAMETERS {
        let parameter_name = parameter.name;
        if !seen.insert(parameter_name) {
            problems.push(format!("{name}: `{parameter_name}` is declared twice"));
        }
        let schema = (parameter.schema)();
        if schema.get("type").is_none() {
            problems.push(format!(
                "{name}: `{parameter_name}` has a schema without a type: {schema:?}"
            ));
        }
        if !parameter.description.ends_with('.') {
            problems.push(format!(
                "{name}: `{parameter_name}` has no description (a sentence ending with `.`): {:?}",
                parameter.description
            ));
        }
        if parameter.location == ParameterLocation::Path && !parameter.required {
            problems.push(format!(
                "{name}: path parameter `{parameter_name}` is optional"
            ));
        }
    }
    problems
}

/// The `{name}` segments of a path template, in order.
fn template_names(template: &str) -> Vec<&str> {
    template
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

/// The distinct keys of a query string.
fn query_keys(query: &str) -> BTreeSet<&str> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').map_or(pair, |(key, _)| key))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::tests::Bare;
    use crate::endpoint::{IncomingParts, NoBody, Unary};
    use crate::{Endpoint, FromRequestError, Metadata};

    /// A `GET` route `$name` on `$path` (and `$alias`es) that declares `$parameter`s and sends
    /// the query `$query`.
    macro_rules! route {
        ($name:ident, $path:literal, [$($alias:literal),*], [$($parameter:expr),*], $query:expr) => {
            struct $name;

            impl Endpoint for $name {
                type Protocol = Bare;
                type Exchange = Unary;
                type Request = NoBody;
                type Response = NoBody;
                const METADATA: Metadata = crate::route_metadata!(
                    $name, GET, $path, None, "A route.", aliases [$($alias),*]
                );
                const PARAMETERS: &'static [Parameter] = &[$($parameter),*];

                fn query(&self) -> Option<String> {
                    $query.map(str::to_owned)
                }

                fn from_parts(_: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
                    Ok(Self)
                }
            }
        };
    }

    const ID: Parameter = Parameter::path::<String>("id", "The item.");
    const LIMIT: Parameter = Parameter::query::<u32>("limit", "At most this many.");

    route!(
        Agrees,
        "/v1/items/{id}",
        ["/items/{id}"],
        [ID, LIMIT],
        Some("limit=3")
    );
    route!(Undeclared, "/v1/items/{id}", [], [], None::<&str>);
    route!(
        AliasDiffers,
        "/v1/items/{id}",
        ["/items/{item}"],
        [ID],
        None::<&str>
    );
    route!(
        OutOfOrder,
        "/v1/{group}/items/{id}",
        [],
        [ID, Parameter::path::<String>("group", "The group.")],
        None::<&str>
    );
    route!(
        QueryDiffers,
        "/v1/items",
        [],
        [LIMIT],
        Some("page=2&page=3")
    );
    route!(Twice, "/v1/items", [], [LIMIT, LIMIT], Some("limit=3"));
    route!(
        Untyped,
        "/v1/items",
        [],
        [LIMIT.with_schema(|| schemars::json_schema!({ "description": "Anything." }))],
        Some("limit=3")
    );
    route!(
        Undescribed,
        "/v1/items",
        [],
        [
            Parameter::query::<u32>("limit", ""),
            Parameter::query::<u32>("page", "The page")
        ],
        Some("limit=3&page=1")
    );
    route!(
        OptionalPath,
        "/v1/items/{id}",
        [],
        [Parameter {
            required: false,
            ..ID
        }],
        None::<&str>
    );

    #[test]
    fn a_route_whose_declarations_agree_has_no_problem() {
        assert_eq!(parameter_problems(&Agrees), Vec::<String>::new());
    }

    #[test]
    fn every_template_segment_is_declared_in_order() {
        assert_eq!(
            parameter_problems(&Undeclared),
            [r#"Undeclared /v1/items/{id}: segments ["id"], declared path parameters []"#]
        );
        assert_eq!(
            parameter_problems(&AliasDiffers),
            [r#"AliasDiffers /items/{item}: segments ["item"], declared path parameters ["id"]"#]
        );
        assert_eq!(
            parameter_problems(&OutOfOrder),
            [
                r#"OutOfOrder /v1/{group}/items/{id}: segments ["group", "id"], declared path parameters ["id", "group"]"#
            ]
        );
    }

    #[test]
    fn the_query_keys_sent_are_the_declared_ones() {
        assert_eq!(
            parameter_problems(&QueryDiffers),
            [r#"QueryDiffers: query() emits {"page"}, declared query parameters {"limit"}"#]
        );
    }

    #[test]
    fn a_parameter_is_declared_once_typed_described_and_a_path_one_required() {
        assert_eq!(
            parameter_problems(&Twice),
            ["Twice: `limit` is declared twice"]
        );
        let untyped = parameter_problems(&Untyped);
        assert_eq!(untyped.len(), 1);
        assert!(
            untyped[0].starts_with("Untyped: `limit` has a schema without a type"),
            "{untyped:?}"
        );
        assert_eq!(
            parameter_problems(&Undescribed),
            [
                r#"Undescribed: `limit` has no description (a sentence ending with `.`): """#,
                r#"Undescribed: `page` has no description (a sentence ending with `.`): "The page""#
            ]
        );
        assert_eq!(
            parameter_problems(&OptionalPath),
            ["OptionalPath: path parameter `id` is optional"]
        );
    }
}
