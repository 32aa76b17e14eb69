//! Per-protocol registries of routes and wire types.
//!
//! Each protocol crate exposes a `registry()` listing every route (with the codec and the JSON
//! Schema of its request and response bodies) and every wire type (with its JSON Schema). The
//! `nodewire` CLI's `check` and `schemas` commands walk it, and [`Registry::openapi`] turns it
//! into the protocol's OpenAPI 3.1 document; nothing here does I/O.
//!
//! A route's entry is derived from its [`Endpoint`] alone ([`route`]): the success statuses
//! and body kind it states, and the [`RegistryProtocol`] of its protocol, which says how the
//! protocol wraps success bodies and what its error body is. A protocol crate lists its
//! endpoints and wire types and builds its registry once ([`static_registry!`]).
//!
//! [`static_registry!`]: crate::static_registry!

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use http::{Method, StatusCode};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::endpoint::{BodyKind, Endpoint, Exchange, Metadata, Parameter, Protocol, ResponseBody};
use crate::error::{DecodeError, from_slice, from_value};

mod api;
#[cfg(test)]
mod demo;
mod export;
mod openapi;

pub use api::{ApiDescription, SecurityKind, SecurityScheme, Server};

pub use export::{INDEX_FILE, SchemaFile, export_files};
pub use openapi::{OPENAPI_DIR, OPENAPI_VERSION, OpenApi};

/// A body that decoded: the model type used and its re-encoding.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The model type the body decoded into (`SuccessResponse<UserInfo>`).
    pub type_name: String,
    /// The re-encoded value, or `None` for an absent body.
    pub reencoded: Option<Value>,
    /// What the re-encoding is compared with. `None` means the input bytes parsed as JSON;
    /// decoders of non-JSON bodies (an event stream, say) set it to the JSON form of what they
    /// read, such as the array of each event's `data` parsed as JSON.
    pub original: Option<Value>,
    /// JSON pointers (RFC 6901) of the keys the decoder skipped because the model does not
    /// know them, where the upstream ignores them by design too (request bodies: every
    /// upstream server but telemt's `ReloadRequest` ignores unknown keys). Empty for response
    /// decoders, whose unknown keys are reported as lost.
    pub ignored: Vec<String>,
}

/// A body that did not decode.
#[derive(Debug, Clone)]
pub struct Failed {
    /// The model type it was decoded as.
    pub type_name: String,
    /// What is wrong and where.
    pub error: DecodeError,
}

impl Decoded {
    /// A value of `T` that decoded: its type name and re-encoding, which is compared with
    /// `original` (`None`: the input bytes parsed as JSON); nothing ignored. A value serde
    /// cannot write back is a [`Failed`].
    ///
    /// ```
    /// use nodewire_common::registry::Decoded;
    /// let decoded = Decoded::of(&vec![1u8, 2], None).unwrap();
    /// assert_eq!(decoded.type_name, "Vec<u8>");
    /// assert_eq!(decoded.reencoded, Some(serde_json::json!([1, 2])));
    /// ```
    pub fn of<T: Serialize>(typed: &T, original: Option<Value>) -> Result<Self, Failed> {
        Ok(Self {
            type_name: short_type_name::<T>(),
            reencoded: Some(reencode(typed)?),
            original,
            ignored: Vec::new(),
        })
    }
}

impl Failed {
    /// A body that did not decode as `T`.
    ///
    /// ```
    /// use nodewire_common::{DecodeError, registry::Failed};
    /// let failed = Failed::of::<Vec<u8>>(DecodeError::root("not an array"));
    /// assert_eq!(failed.type_name, "Vec<u8>");
    /// ```
    pub fn of<T: ?Sized>(error: DecodeError) -> Self {
        Self {
            type_name: short_type_name::<T>(),
            error,
        }
    }
}

/// Decode-and-re-encode for one body shape.
pub type DecodeFn = fn(&[u8]) -> Result<Decoded, Failed>;

/// Decodes `bytes` as `T` and re-encodes it; the generic body of most [`DecodeFn`]s.
pub fn roundtrip<T: Serialize + DeserializeOwned>(bytes: &[u8]) -> Result<Decoded, Failed> {
    let typed: T = from_slice(bytes).map_err(Failed::of::<T>)?;
    Decoded::of(&typed, None)
}

/// The JSON pointers of the object keys that decoding `bytes` as `T` skips (unknown to the
/// model). Empty when `bytes` does not decode as `T`.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct User { name: String }
/// let ignored = nodewire_common::registry::ignored_keys::<Vec<User>>(
///     br#"[{"name":"a","x":1},{"name":"b","y/z":{"w":2}}]"#,
/// );
/// assert_eq!(ignored, vec!["/0/x", "/1/y~1z"]);
/// ```
pub fn ignored_keys<T: DeserializeOwned>(bytes: &[u8]) -> Vec<String> {
    let mut ignored = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let decoded: Result<T, _> = serde_ignored::deserialize(&mut de, |path| {
        ignored.push(pointer_of(&path));
    });
    if decoded.is_err() {
        return Vec::new();
    }
    ignored
}

/// The RFC 6901 pointer of a `serde_ignored` path.
fn pointer_of(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    fn push(path: &Path<'_>, out: &mut String) {
        match path {
            Path::Root => {}
            Path::Seq { parent, index } => {
                push(parent, out);
                out.push('/');
                out.push_str(&index.to_string());
            }
            Path::Map { parent, key } => {
                push(parent, out);
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Path::Some { parent }
            | Path::NewtypeStruct { parent }
            | Path::NewtypeVariant { parent } => push(parent, out),
        }
    }
    let mut out = String::new();
    push(path, &mut out);
    out
}

/// `std::any::type_name` without module paths:
/// `SuccessResponse<Vec<UserInfo>>` rather than
/// `nodewire_telemt::envelope::SuccessResponse<alloc::vec::Vec<nodewire_telemt::users::UserInfo>>`.
pub fn short_type_name<T: ?Sized>() -> String {
    let full = std::any::type_name::<T>();
    let mut out = String::with_capacity(full.len());
    let mut segment = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            segment.push(c);
        } else {
            out.push_str(segment.rsplit("::").next().unwrap_or(&segment));
            segment.clear();
            out.push(c);
        }
    }
    out.push_str(segment.rsplit("::").next().unwrap_or(&segment));
    out
}

/// One route: its metadata and how to check its bodies.
#[derive(Debug, Clone)]
pub struct Route {
    /// Method, template, aliases, body kind.
    pub metadata: Metadata,
    /// The upstream releases that added (deprecated, removed) the route
    /// ([`Endpoint::HISTORY`]).
    pub history: crate::version::VersionHistory,
    /// The statuses of a successful answer ([`Endpoint::SUCCESS`]).
    pub success: &'static [StatusCode],
    /// The statuses answered with the success body or the error body
    /// ([`Endpoint::SUCCESS_OR_ERROR`]).
    pub success_or_error: &'static [StatusCode],
    /// What a successful answer's body is ([`Endpoint::RESPONSE`]).
    pub response_body: ResponseBody,
    /// The request body's model type name (`None` when the route takes no body).
    pub request_type: Option<String>,
    /// Decodes a request body, with the checks the upstream server applies
    /// ([`Endpoint::check_request_body`]).
    pub request: DecodeFn,
    /// Picks the response decoder for a status code.
    pub response: fn(StatusCode) -> DecodeFn,
    /// The JSON Schemas of its bodies, for `schemas/index.json` and the route body files.
    pub schemas: RouteSchemas,
    /// Its path and query parameters ([`Endpoint::PARAMETERS`]).
    pub parameters: &'static [Parameter],
    /// Whether it answers without the protocol's credential ([`Endpoint::PUBLIC`]).
    pub public: bool,
    /// Where it is served, when not at the protocol's servers ([`Endpoint::SERVERS`]).
    pub servers: &'static [Server],
}

/// The media type of JSON bodies.
pub const JSON_MEDIA_TYPE: &str = "application/json";

/// The media type of Server-Sent Events bodies.
pub const EVENT_STREAM_MEDIA_TYPE: &str = "text/event-stream";

/// The JSON Schema of one body, and the body's media type.
///
/// - `application/json`: the schema describes the body.
/// - `text/event-stream`: the schema describes the JSON `data` of each event.
/// - any other (text) media type: the schema describes the whole text as one JSON string.
#[derive(Clone, Copy)]
pub struct BodySchema {
    /// The body's media type.
    pub media_type: &'static str,
    /// Its schema (draft 2020-12, definitions under `$defs`).
    pub schema: fn() -> Schema,
}

impl fmt::Debug for BodySchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodySchema")
            .field("media_type", &self.media_type)
            .finish_non_exhaustive()
    }
}

impl BodySchema {
    /// A JSON body of type `T`.
    pub fn json<T: JsonSchema>() -> Self {
        Self {
            media_type: JSON_MEDIA_TYPE,
            schema: schema_of::<T>,
        }
    }

    /// A `text/event-stream` body whose events each carry a `T` as JSON `data`.
    pub fn event_stream<T: JsonSchema>() -> Self {
        Self {
            media_type: EVENT_STREAM_MEDIA_TYPE,
            schema: schema_of::<T>,
        }
    }

    /// A text body of `media_type` (`text/plain`, `text/html`), any text.
    pub fn text(media_type: &'static str) -> Self {
        Self {
            media_type,
            schema: any_string_schema,
        }
    }

    /// A body with its own schema function (a text body with a fixed value, say).
    pub fn new(media_type: &'static str, schema: fn() -> Schema) -> Self {
        Self { media_type, schema }
    }

    /// The request body of a route whose body kind is `kind` and body type `T`: `None` for
    /// [`BodyKind::None`], a JSON body otherwise.
    pub fn request<T: JsonSchema>(kind: BodyKind) -> Option<Self> {
        match kind {
            BodyKind::None => None,
            BodyKind::Required | BodyKind::Optional => Some(Self::json::<T>()),
        }
    }
}

/// The schema of any JSON string.
pub(crate) fn any_string_schema() -> Schema {
    schemars::json_schema!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "string"
    })
}

/// Which answers of a route a response schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResponseStatus {
    /// Answers with this HTTP status.
    Code(u16),
    /// Answers with any status not listed (the protocol's error body).
    Default,
}

impl fmt::Display for ResponseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Code(code) => write!(f, "{code}"),
            Self::Default => f.write_str("default"),
        }
    }
}

/// The response bodies of a route by status; `None` means that answer has no body (`204`,
/// `101`).
pub type ResponseSchemas = Vec<(ResponseStatus, Option<BodySchema>)>;

/// The JSON Schemas of a route's bodies.
#[derive(Debug, Clone, Default)]
pub struct RouteSchemas {
    /// The request body (`None`: the route takes none).
    pub request: Option<BodySchema>,
    /// The response bodies by status.
    pub responses: ResponseSchemas,
}

impl RouteSchemas {
    /// The same `success` body for each status in `statuses`, and `error` for every other
    /// status.
    pub fn new(
        request: Option<BodySchema>,
        statuses: &[u16],
        success: Option<BodySchema>,
        error: BodySchema,
    ) -> Self {
        let mut responses: ResponseSchemas = statuses
            .iter()
            .map(|&code| (ResponseStatus::Code(code), success))
            .collect();
        responses.push((ResponseStatus::Default, Some(error)));
        Self { request, responses }
    }
}

/// The schema of a value that is an `A` or a `B` (`anyOf`), as a root schema with definitions.
///
/// telemt's `GET /v1/health/ready` answers `503` with either its success envelope or the
/// error envelope: `any_of::<SuccessResponse<HealthReadyData>, ErrorResponse>`.
pub fn any_of<A: JsonSchema, B: JsonSchema>() -> Schema {
    schema_of::<AnyOf<A, B>>()
}

struct AnyOf<A, B>(PhantomData<(A, B)>);

impl<A: JsonSchema, B: JsonSchema> JsonSchema for AnyOf<A, B> {
    fn schema_name() -> Cow<'static, str> {
        Cow::Owned(format!("AnyOf<{}, {}>", A::schema_name(), B::schema_name()))
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let a = generator.subschema_for::<A>();
        let b = generator.subschema_for::<B>();
        schemars::json_schema!({ "anyOf": [a, b] })
    }

    fn inline_schema() -> bool {
        true
    }
}

/// A named wire type.
#[derive(Clone)]
pub struct TypeEntry {
    /// The upstream's name for the type (`UserInfo`).
    pub name: Cow<'static, str>,
    /// Decodes a value of this type and re-encodes it.
    pub decode: DecodeFn,
    /// Its JSON Schema (draft 2020-12).
    pub schema: fn() -> Schema,
}

impl std::fmt::Debug for TypeEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypeEntry")
            .field("name", &self.name)
            .finish()
    }
}

impl TypeEntry {
    /// The entry for `T`, named by its `JsonSchema::schema_name`.
    pub fn of<T: Serialize + DeserializeOwned + JsonSchema>() -> Self {
        Self {
            name: T::schema_name(),
            decode: roundtrip::<T>,
            schema: schema_of::<T>,
        }
    }
}

/// The [`TypeEntry`] of each wire type listed, in order: how a protocol crate lists the
/// named types of a module for its `types()`.
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
/// struct User {
///     name: String,
/// }
/// let entries = nodewire_common::type_entries![User, Vec<User>];
/// let names: Vec<&str> = entries.iter().map(|e| e.name.as_ref()).collect();
/// assert_eq!(names, ["User", "Array_of_User"]);
/// ```
#[macro_export]
macro_rules! type_entries {
    ($($t:ty),* $(,)?) => {
        [$($crate::registry::TypeEntry::of::<$t>()),*]
    };
}

/// A protocol's `types()`: the [`type_entries!`] of the listed types, then what each listed
/// module adds with its `register(&mut Vec<TypeEntry>)`, in that order.
///
/// ```
/// use nodewire_common::registry::TypeEntry;
///
/// #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
/// struct ErrorResponse {
///     error: String,
/// }
///
/// mod users {
///     use nodewire_common::registry::TypeEntry;
///
///     #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
///     pub struct User {
///         name: String,
///     }
///
///     pub fn register(types: &mut Vec<TypeEntry>) {
///         types.extend(nodewire_common::type_entries![User]);
///     }
/// }
///
/// let types: Vec<TypeEntry> = nodewire_common::collect_types!([ErrorResponse], [users]);
/// let names: Vec<&str> = types.iter().map(|e| e.name.as_ref()).collect();
/// assert_eq!(names, ["ErrorResponse", "User"]);
/// ```
#[macro_export]
macro_rules! collect_types {
    ([$($t:ty),* $(,)?], [$($module:ident),* $(,)?] $(,)?) => {{
        let mut types = ::std::vec::Vec::from($crate::type_entries![$($t),*]);
        $($module::register(&mut types);)*
        types
    }};
}

/// The draft 2020-12 JSON Schema of `T`, with definitions inlined under `$defs`.
pub fn schema_of<T: JsonSchema>() -> Schema {
    SchemaGenerator::default().into_root_schema_for::<T>()
}

/// The `$id` prefix of exported schemas.
pub const SCHEMA_ID_BASE: &str = "https://github.com/nodewire/nodewire/schemas";

impl Registry {
    /// The exported JSON Schema files of every wire type: `(file name, pretty JSON + newline)`,
    /// sorted by name, each with a stable `$id` of
    /// `https://github.com/nodewire/nodewire/schemas/<protocol>/<Type>.json`.
    ///
    /// Descriptions are the Rust docs with intra-doc link targets dropped
    /// (`` [`Peer`](crate::instances::Peer) `` reads `` `Peer` ``).
    pub fn schema_files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = self
            .types
            .iter()
            .map(|t| {
                let file = format!("{}.json", t.name);
                let text = export::finish((t.schema)(), &format!("{}/{file}", self.protocol));
                (file, text)
            })
            .collect();
        files.sort();
        files
    }
}

/// The outcome of looking a concrete request line up in a registry.
#[derive(Debug)]
pub enum Lookup<'a> {
    /// A route matched method and path.
    Found(&'a Route),
    /// The path is known but not for this method; these methods are.
    MethodNotAllowed(Vec<Method>),
    /// No route has this path.
    NotFound,
}

/// Every route and wire type of one protocol.
#[derive(Debug, Clone)]
pub struct Registry {
    /// The protocol's name (`telemt`).
    pub protocol: &'static str,
    /// Every route.
    pub routes: Vec<Route>,
    /// Every wire type.
    pub types: Vec<TypeEntry>,
    /// Normalizes a concrete path before matching (protocol rule).
    pub normalize_path: fn(&str) -> String,
    /// The decoder for a response of a request no route matches (the protocol's error body
    /// for the given status), if the protocol answers such requests with a body.
    pub fallback: fn(StatusCode) -> Option<DecodeFn>,
    /// The schemas of those responses, by status.
    pub fallback_schemas: ResponseSchemas,
    /// The API as a whole: title, release, default server, credentials
    /// ([`RegistryProtocol::API`]).
    pub api: ApiDescription,
}

impl Registry {
    /// The registry of protocol `P`: its `routes` (built with [`route`], or the [`routes!`]
    /// macro) and wire `types`; requests no route matches are answered with `P`'s error body
    /// ([`RegistryProtocol::fallback`]).
    ///
    /// [`routes!`]: crate::routes!
    pub fn new<P: RegistryProtocol>(routes: Vec<Route>, types: Vec<TypeEntry>) -> Self {
        Self {
            protocol: P::NAME,
            routes,
            types,
            normalize_path: normalized_path::<P>,
            fallback: P::fallback,
            fallback_schemas: vec![(
                ResponseStatus::Default,
                Some(BodySchema::json::<P::ErrorBody>()),
            )],
            api: P::API,
        }
    }

    /// Looks up `method` and a concrete `path` (query string ignored).
    pub fn lookup(&self, method: &Method, path: &str) -> Lookup<'_> {
        let path = path.split('?').next().unwrap_or(path);
        let path = (self.normalize_path)(path);
        let mut matched: Vec<&Route> = self
            .routes
            .iter()
            .filter(|r| r.metadata.match_path(&path).is_some())
            .collect();
        if matched.is_empty() {
            return Lookup::NotFound;
        }
        // Literal segments beat parameters.
        matched.sort_by_key(|r| std::cmp::Reverse(r.metadata.specificity()));
        let best = matched.first().map(|r| r.metadata.specificity());
        let candidates: Vec<&Route> = matched
            .into_iter()
            .filter(|r| Some(r.metadata.specificity()) == best)
            .collect();
        match candidates.iter().find(|r| r.metadata.method == *method) {
            Some(route) => Lookup::Found(route),
            None => Lookup::MethodNotAllowed(
                candidates
                    .iter()
                    .map(|r| r.metadata.method.clone())
                    .collect(),
            ),
        }
    }

    /// Finds a wire type by name.
    pub fn find_type(&self, name: &str) -> Option<&TypeEntry> {
        self.types.iter().find(|t| t.name == name)
    }
}

fn normalized_path<P: Protocol>(path: &str) -> String {
    P::normalize_path(path).into_owned()
}

/// What the registry needs to know about a protocol beyond [`Protocol`]: how it wraps a
/// route's success body, what its error body is, and how `nodewire check` reads each.
///
/// Every hook but the two types has a default that fits a protocol with bare JSON bodies.
pub trait RegistryProtocol: Protocol {
    /// The success body around a route's response type `T`: `T` itself for a bare protocol,
    /// the envelope for an enveloped one (telemt's `SuccessResponse<T>`). Only its schema is
    /// used.
    type SuccessBody<T: JsonSchema>: JsonSchema;

    /// The body of every failure status, and of the answer to a request no route matches.
    type ErrorBody: Serialize + DeserializeOwned + JsonSchema;

    /// The API as a whole, for the OpenAPI export: title, release, default server and the
    /// credentials it takes. By default, a title of the protocol's name and no server or
    /// credential.
    const API: ApiDescription = ApiDescription::new(Self::NAME, "0.0.0");

    /// Whether an answer with `status` carries the route's success body, `success` being the
    /// route's [`Endpoint::SUCCESS`]. By default: any `2xx`, or a listed status.
    fn carries_success_body(status: StatusCode, success: &[StatusCode]) -> bool {
        status.is_success() || success.contains(&status)
    }

    /// Reads a JSON success body of route `E` (decoded, checked by
    /// [`Endpoint::check_response`], re-encoded). By default the body is `E::Response`
    /// itself ([`check_json`]); an enveloped protocol reads its envelope.
    fn check_success<E: Endpoint<Protocol = Self>>(bytes: &[u8]) -> Result<Decoded, Failed> {
        check_json::<E>(bytes)
    }

    /// Reads an event-stream success body of route `E`. By default, the array of each
    /// event's `data` as JSON is `E::Response` ([`check_event_data`]).
    fn check_event_stream<E: Endpoint<Protocol = Self>>(bytes: &[u8]) -> Result<Decoded, Failed> {
        check_event_data::<E>(bytes)
    }

    /// Reads an error body. By default, [`ErrorBody`](Self::ErrorBody).
    fn check_error(bytes: &[u8]) -> Result<Decoded, Failed> {
        roundtrip::<Self::ErrorBody>(bytes)
    }

    /// The reader for the answer to a request no route matches: the error body for a `4xx`
    /// or `5xx`, nothing otherwise.
    fn fallback(status: StatusCode) -> Option<DecodeFn> {
        if status.is_client_error() || status.is_server_error() {
            Some(Self::check_error)
        } else {
            None
        }
    }
}

/// The registry entry of endpoint `E`, derived from its facts: metadata and history, the
/// request reader ([`Endpoint::check_request_body`]), the response reader for each status,
/// and the schemas of its bodies.
///
/// A status the protocol says carries the success body is read by the route's
/// [`Endpoint::RESPONSE`]; one of [`Endpoint::SUCCESS_OR_ERROR`] as either body; any other as
/// the protocol's error body.
///
/// Building a registry also checks, when the program is built, that the route's
/// [`Endpoint::Exchange`] agrees with its [`Endpoint::RESPONSE`]
/// ([`ResponseBody::is_stream`]).
pub fn route<E>() -> Route
where
    E: Endpoint,
    E::Protocol: RegistryProtocol,
    E::Request: JsonSchema,
    E::Response: JsonSchema,
{
    const {
        assert!(
            E::RESPONSE.is_stream() == <E::Exchange as Exchange>::STREAMING,
            "an endpoint's `Exchange` is `Streaming` exactly when its `RESPONSE` is an event \
             stream or a WebSocket"
        );
    }
    let metadata = E::METADATA;
    Route {
        history: E::HISTORY,
        success: E::SUCCESS,
        success_or_error: E::SUCCESS_OR_ERROR,
        response_body: E::RESPONSE,
        request_type: match metadata.body {
            BodyKind::None => None,
            BodyKind::Required | BodyKind::Optional => Some(short_type_name::<E::Request>()),
        },
        request: E::check_request_body,
        response: response_reader::<E>,
        schemas: route_schemas::<E>(),
        parameters: E::PARAMETERS,
        public: E::PUBLIC,
        servers: E::SERVERS,
        metadata,
    }
}

/// The reader of an answer to `E` with `status`.
fn response_reader<E>(status: StatusCode) -> DecodeFn
where
    E: Endpoint,
    E::Protocol: RegistryProtocol,
{
    if <E::Protocol as RegistryProtocol>::carries_success_body(status, E::SUCCESS) {
        match E::RESPONSE {
            ResponseBody::Json => <E::Protocol as RegistryProtocol>::check_success::<E>,
            ResponseBody::EventStream { .. } => {
                <E::Protocol as RegistryProtocol>::check_event_stream::<E>
            }
            ResponseBody::Text { .. } => check_text::<E>,
            ResponseBody::Empty | ResponseBody::WebSocket => check_empty,
        }
    } else if E::SUCCESS_OR_ERROR.contains(&status) {
        check_success_or_error::<E>
    } else {
        <E::Protocol as RegistryProtocol>::check_error
    }
}

/// The schemas of `E`'s bodies: its success body for each success status, either body for
/// each status of [`Endpoint::SUCCESS_OR_ERROR`], the error body for every other status.
fn route_schemas<E>() -> RouteSchemas
where
    E: Endpoint,
    E::Protocol: RegistryProtocol,
    E::Request: JsonSchema,
    E::Response: JsonSchema,
{
    type Success<P, T> = <P as RegistryProtocol>::SuccessBody<T>;
    type Error<P> = <P as RegistryProtocol>::ErrorBody;
    let success = match E::RESPONSE {
        ResponseBody::Json => Some(BodySchema::json::<Success<E::Protocol, E::Response>>()),
        ResponseBody::EventStream { data } => Some(BodySchema::new(EVENT_STREAM_MEDIA_TYPE, data)),
        ResponseBody::Text { media_type, schema } => Some(BodySchema::new(media_type, schema)),
        ResponseBody::Empty | ResponseBody::WebSocket => None,
    };
    let statuses: Vec<u16> = E::SUCCESS.iter().map(StatusCode::as_u16).collect();
    let mut schemas = RouteSchemas::new(
        BodySchema::request::<E::Request>(E::METADATA.body),
        &statuses,
        success,
        BodySchema::json::<Error<E::Protocol>>(),
    );
    for status in E::SUCCESS_OR_ERROR {
        schemas.responses.push((
            ResponseStatus::Code(status.as_u16()),
            Some(BodySchema::new(
                JSON_MEDIA_TYPE,
                any_of::<Success<E::Protocol, E::Response>, Error<E::Protocol>>,
            )),
        ));
    }
    schemas
}

/// Re-encodes a checked value of `T` as JSON.
fn reencode<T: Serialize>(value: &T) -> Result<Value, Failed> {
    serde_json::to_value(value)
        .map_err(|e| Failed::of::<T>(DecodeError::root(format!("cannot re-encode: {e}"))))
}

/// The default request reader ([`Endpoint::check_request_body`]): by the route's
/// [`BodyKind`], the body decoded as `E::Request`, checked by [`Endpoint::validate_body`] and
/// re-encoded, with the keys the model ignores listed ([`Decoded::ignored`]).
pub fn check_request_body<E: Endpoint>(bytes: &[u8]) -> Result<Decoded, Failed> {
    let blank = bytes.iter().all(u8::is_ascii_whitespace);
    match E::METADATA.body {
        BodyKind::None => return Ok(no_body()),
        BodyKind::Optional if blank => {
            return Ok(Decoded {
                type_name: short_type_name::<E::Request>(),
                reencoded: None,
                original: None,
                ignored: Vec::new(),
            });
        }
        BodyKind::Required if blank => {
            return Err(Failed::of::<E::Request>(DecodeError::root(
                "empty body: this route requires a JSON body",
            )));
        }
        BodyKind::Required | BodyKind::Optional => {}
    }
    let typed: E::Request = from_slice(bytes).map_err(Failed::of::<E::Request>)?;
    E::validate_body(&typed).map_err(Failed::of::<E::Request>)?;
    Ok(Decoded {
        type_name: short_type_name::<E::Request>(),
        reencoded: Some(reencode(&typed)?),
        original: None,
        ignored: ignored_keys::<E::Request>(bytes),
    })
}

/// Reads a JSON success body that is `E::Response` itself, checked by
/// [`Endpoint::check_response`].
pub fn check_json<E: Endpoint>(bytes: &[u8]) -> Result<Decoded, Failed> {
    let typed: E::Response = from_slice(bytes).map_err(Failed::of::<E::Response>)?;
    E::check_response(&typed).map_err(Failed::of::<E::Response>)?;
    Decoded::of(&typed, None)
}

/// Reads an event stream whose `E::Response` is the array of each event's `data`, parsed as
/// JSON; the re-encoding is compared with that array.
pub fn check_event_data<E: Endpoint>(bytes: &[u8]) -> Result<Decoded, Failed> {
    let events = crate::sse::decode_all(bytes)
        .map_err(|e| Failed::of::<E::Response>(DecodeError::root(e.to_string())))?;
    let data = events
        .iter()
        .enumerate()
        .map(|(i, event)| {
            from_slice::<Value>(event.data.as_bytes()).map_err(|e| {
                Failed::of::<E::Response>(DecodeError::at(
                    format!("[{i}]"),
                    format!("event `{}`: not JSON: {}", event.event, e.message),
                ))
            })
        })
        .collect::<Result<Vec<Value>, Failed>>()?;
    checked_response::<E>(Value::Array(data))
}

/// Reads `original` (the JSON form of a body that is not JSON itself: an event stream's
/// data, a text body) into `E::Response`, checks it ([`Endpoint::check_response`]) and
/// re-encodes it for comparison with `original`; nothing is ignored.
pub fn checked_response<E: Endpoint>(original: Value) -> Result<Decoded, Failed> {
    let typed: E::Response = from_value(original.clone()).map_err(Failed::of::<E::Response>)?;
    E::check_response(&typed).map_err(Failed::of::<E::Response>)?;
    Decoded::of(&typed, Some(original))
}

/// Reads a text body: UTF-8, read as one JSON string into `E::Response`.
fn check_text<E: Endpoint>(bytes: &[u8]) -> Result<Decoded, Failed> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Failed::of::<E::Response>(DecodeError::root(format!(
            "the text body is not UTF-8: {e}"
        )))
    })?;
    checked_response::<E>(Value::String(text.to_owned()))
}

/// Reads a status that carries either body: the success body if it reads, else the error
/// body.
fn check_success_or_error<E>(bytes: &[u8]) -> Result<Decoded, Failed>
where
    E: Endpoint,
    E::Protocol: RegistryProtocol,
{
    <E::Protocol as RegistryProtocol>::check_success::<E>(bytes)
        .or_else(|_| <E::Protocol as RegistryProtocol>::check_error(bytes))
}

fn no_body() -> Decoded {
    Decoded {
        type_name: "(no body)".to_owned(),
        reencoded: None,
        original: None,
        ignored: Vec::new(),
    }
}

/// Reads the empty body of a `204` or `101` (whitespace at most).
pub fn check_empty(bytes: &[u8]) -> Result<Decoded, Failed> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        Ok(no_body())
    } else {
        Err(Failed {
            type_name: "(no body)".to_owned(),
            error: DecodeError::root("expected an empty body"),
        })
    }
}

/// `vec![route::<A>(), route::<B>(), …]`: the registry entries of the endpoint types given
/// ([`route`]); a protocol crate's endpoint list macro can call it back. See
/// [`static_registry!`](crate::static_registry!) for an example.
#[macro_export]
macro_rules! routes {
    ($($endpoint:ty),* $(,)?) => {
        ::std::vec![$($crate::registry::route::<$endpoint>()),*]
    };
}

/// The body of a protocol crate's `registry()`: the [`Registry`] of protocol `$protocol` with
/// `$routes` and `$types`, built on first use and kept for the life of the program.
///
/// ```
/// use http::StatusCode;
/// use nodewire_common::registry::{Lookup, Registry, RegistryProtocol, TypeEntry};
/// use nodewire_common::{DecodeError, Endpoint, ResponseBody};
///
/// #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
/// pub struct Oops {
///     message: String,
/// }
///
/// pub struct Demo;
/// impl nodewire_common::Protocol for Demo {
///     const NAME: &'static str = "demo";
///     type Success<T> = T;
///     type Failure = DecodeError;
///     fn decode_response<T: serde::de::DeserializeOwned>(
///         _: StatusCode, _: &http::HeaderMap, body: &[u8],
///     ) -> Result<T, DecodeError> {
///         nodewire_common::error::from_slice(body)
///     }
///     fn encode_response<T: serde::Serialize>(
///         success: &T,
///     ) -> Result<http::Response<bytes::Bytes>, serde_json::Error> {
///         Ok(http::Response::new(serde_json::to_vec(success)?.into()))
///     }
/// }
/// impl RegistryProtocol for Demo {
///     type SuccessBody<T: schemars::JsonSchema> = T;
///     type ErrorBody = Oops;
/// }
///
/// nodewire_common::get_endpoint!(Demo;
///     /// `GET /things`.
///     ListThings, "/things", Vec<String>
/// );
/// nodewire_common::get_endpoint!(Demo;
///     /// `GET /docs`.
///     GetDocs, "/docs", String, response ResponseBody::text("text/html")
/// );
///
/// pub fn registry() -> &'static Registry {
///     nodewire_common::static_registry!(
///         Demo,
///         nodewire_common::routes!(ListThings, GetDocs),
///         vec![TypeEntry::of::<Oops>()],
///     )
/// }
///
/// let Lookup::Found(docs) = registry().lookup(&http::Method::GET, "/docs") else {
///     panic!("no /docs");
/// };
/// assert_eq!(docs.success, &[StatusCode::OK]);
/// let page = (docs.response)(StatusCode::OK)(b"<html></html>").unwrap();
/// assert_eq!(page.type_name, "String");
/// let failure = (docs.response)(StatusCode::NOT_FOUND)(br#"{"message":"gone"}"#).unwrap();
/// assert_eq!(failure.type_name, "Oops");
/// assert!(std::ptr::eq(registry(), registry()));
/// ```
#[macro_export]
macro_rules! static_registry {
    ($protocol:ty, $routes:expr, $types:expr $(,)?) => {{
        static REGISTRY: ::std::sync::OnceLock<$crate::registry::Registry> =
            ::std::sync::OnceLock::new();
        REGISTRY.get_or_init(|| $crate::registry::Registry::new::<$protocol>($routes, $types))
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        assert_eq!(short_type_name::<Vec<String>>(), "Vec<String>");
        assert_eq!(
            short_type_name::<std::collections::BTreeMap<String, Option<u8>>>(),
            "BTreeMap<String, Option<u8>>"
        );
    }
}
