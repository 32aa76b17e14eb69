//! The demo protocol the registry's tests build their registries from (tests only): its error
//! body, an envelope, and a route's metadata and entry.

use http::{Method, StatusCode};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::endpoint::{BodyKind, Metadata, ResponseBody};
use crate::registry::{DecodeFn, Route, RouteSchemas, roundtrip};
use crate::version::VersionHistory;

/// An envelope around some data.
#[derive(Serialize, Deserialize, JsonSchema)]
pub(super) struct Envelope<T> {
    /// The data.
    data: T,
}

/// The error body.
#[derive(Serialize, Deserialize, JsonSchema)]
pub(super) struct Oops {
    /// What went wrong.
    message: String,
}

/// The metadata of a route of `name` at `method path`: no request body, no description.
pub(super) fn metadata(name: &'static str, method: Method, path: &'static str) -> Metadata {
    Metadata {
        name,
        method,
        path,
        aliases: &[],
        body: BodyKind::None,
        description: "",
    }
}

/// A route of every version with `metadata`, answering `success` with the bodies `schemas`
/// says (decoded as [`Oops`]), that needs the credential and adds no server.
pub(super) fn route(
    metadata: Metadata,
    success: &'static [StatusCode],
    schemas: RouteSchemas,
) -> Route {
    Route {
        history: VersionHistory::ALWAYS,
        success,
        success_or_error: &[],
        response_body: ResponseBody::Json,
        metadata,
        request_type: None,
        request: roundtrip::<Oops>,
        response: |_: StatusCode| -> DecodeFn { roundtrip::<Oops> },
        schemas,
        parameters: &[],
        public: false,
        servers: &[],
    }
}
