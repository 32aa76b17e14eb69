//! The operation table: what this crate implements for each core.yaml operation, in the
//! spec's own terms (method, path, parameters, request and response media types and schemas).
//!
//! The conformance test compares it, and the exported JSON Schemas, with facts distilled from
//! core.yaml.
//!
//! ```
//! let ops = nodewire_kernel::spec::operations();
//! assert_eq!(ops.len(), 36);
//! let healthz = ops.iter().find(|o| o.path == "/healthz").unwrap();
//! assert!(!healthz.auth);
//! ```

use http::Method;
use nodewire_common::endpoint::{Metadata, Parameter};
use nodewire_common::{Endpoint, ResponseBody};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::Kernel;
use crate::envelope::ErrorResponse;

/// A body: media type and schema.
#[derive(Clone)]
pub struct BodySpec {
    /// `application/json`, `text/plain` or `text/event-stream`.
    pub media_type: &'static str,
    /// The schema, as a subschema of `generator` (a `$ref` into its definitions for named
    /// types).
    pub schema: fn(&mut SchemaGenerator) -> Schema,
}

impl std::fmt::Debug for BodySpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodySpec")
            .field("media_type", &self.media_type)
            .finish()
    }
}

/// One response of an operation.
#[derive(Debug, Clone)]
pub struct ResponseSpec {
    /// `200`, `204`, `101` or `default`.
    pub status: &'static str,
    /// The body, if any.
    pub body: Option<BodySpec>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The endpoint type's name.
    pub name: &'static str,
    /// The method.
    pub method: Method,
    /// The path template.
    pub path: &'static str,
    /// The `{…}` segments of the template, in order.
    pub path_params: Vec<&'static str>,
    /// The declared path and query parameters ([`Endpoint::PARAMETERS`]).
    pub parameters: &'static [Parameter],
    /// Whether Basic auth is required (every operation but the [`Endpoint::PUBLIC`] one).
    pub auth: bool,
    /// The request body.
    pub request: Option<BodySpec>,
    /// Every response, `default` last.
    pub responses: Vec<ResponseSpec>,
}

fn subschema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

fn operation<E: Endpoint<Protocol = Kernel>>() -> Operation
where
    E::Request: JsonSchema,
    E::Response: JsonSchema,
{
    let Metadata {
        name,
        method,
        path,
        body,
        ..
    } = E::METADATA;
    let request = match body {
        nodewire_common::BodyKind::None => None,
        _ => Some(BodySpec {
            media_type: "application/json",
            schema: subschema::<E::Request>,
        }),
    };
    let success = match E::RESPONSE {
        ResponseBody::Json => Some(BodySpec {
            media_type: "application/json",
            schema: subschema::<E::Response>,
        }),
        ResponseBody::Text { media_type, .. } => Some(BodySpec {
            media_type,
            schema: subschema::<String>,
        }),
        ResponseBody::EventStream { .. } => Some(BodySpec {
            media_type: nodewire_common::registry::EVENT_STREAM_MEDIA_TYPE,
            schema: subschema::<String>,
        }),
        ResponseBody::Empty | ResponseBody::WebSocket => None,
    };
    let status = E::SUCCESS.first().map_or("200", http::StatusCode::as_str);
    Operation {
        name,
        method,
        path,
        path_params: path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect(),
        parameters: E::PARAMETERS,
        auth: !E::PUBLIC,
        request,
        responses: vec![
            ResponseSpec {
                status,
                body: success,
            },
            ResponseSpec {
                status: "default",
                body: Some(BodySpec {
                    media_type: "application/json",
                    schema: subschema::<ErrorResponse>,
                }),
            },
        ],
    }
}

/// Every operation, in core.yaml order.
pub fn operations() -> Vec<Operation> {
    use crate::endpoints::*;
    macro_rules! ops {
        ($($e:ident,)*) => {
            vec![$(operation::<$e>()),*]
        };
    }
    crate::__with_kernel_endpoints!(ops)
}
