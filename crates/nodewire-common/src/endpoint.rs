//! Sans-IO endpoint descriptions.
//!
//! An [`Endpoint`] is a value that describes one call of one route: its path parameters,
//! query, headers and body. Its [`Metadata`] holds the method and path template, and its
//! [`Protocol`] knows how the upstream wraps bodies (an envelope, a bare body, an error shape).
//! From these, the provided methods convert in all four directions:
//!
//! | side | outgoing | incoming |
//! | --- | --- | --- |
//! | client | [`Endpoint::try_into_http_request`] | [`Endpoint::try_from_http_response`] |
//! | server | [`Endpoint::try_into_http_response`] | [`Endpoint::try_from_http_request`] |
//!
//! No HTTP stack is involved: everything is `http::Request<Bytes>` / `http::Response<Bytes>`.
//!
//! Besides the conversions, an endpoint states the facts of its route that every reader of it
//! needs (the client, a server, the [`registry`](crate::registry) behind `nodewire check` and
//! the schema export): its success statuses ([`Endpoint::SUCCESS`]), what a successful answer's
//! body is ([`Endpoint::RESPONSE`]), whether that answer is one response or a stream
//! ([`Endpoint::Exchange`]), and the rules a call must keep ([`Endpoint::validate`]).

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use schemars::{JsonSchema, Schema};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, FromRequestError, IntoRequestError, InvalidRequest, from_slice};
use crate::registry::{Decoded, Failed};

mod answer;
mod exchange;
mod macros;
mod parameter;

pub use exchange::{Exchange, OneAnswer, Streaming, Unary};

pub use answer::{Answer, Failure, NoCode};

pub use parameter::{Parameter, ParameterLocation, parameter_problems};

/// Whether a route carries a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body; the server never reads one.
    None,
    /// A JSON body is required; an empty body is an error.
    Required,
    /// A JSON body may be sent; an empty body means the defaults.
    Optional,
}

/// What the body of a successful answer is ([`Endpoint::RESPONSE`]).
///
/// ```
/// use nodewire_common::ResponseBody;
/// const DOCS: ResponseBody = ResponseBody::text("text/html");
/// assert_eq!(DOCS.media_type(), Some("text/html"));
/// assert_eq!(ResponseBody::Empty.media_type(), None);
/// ```
#[derive(Clone, Copy)]
pub enum ResponseBody {
    /// JSON: the endpoint's [`Response`](Endpoint::Response), inside the protocol's envelope if
    /// it has one.
    Json,
    /// No body (`204 No Content`).
    Empty,
    /// `text/event-stream`: a stream route ([`Streaming`]), followed with the client's
    /// `stream`, or read whole from a captured response into the endpoint's `Response`; each
    /// event's `data` is JSON, described by `data`.
    EventStream {
        /// The JSON Schema of one event's `data`.
        data: fn() -> Schema,
    },
    /// Text of `media_type` (`text/plain`, `text/html`), read as one string into the
    /// endpoint's `Response`.
    Text {
        /// The media type.
        media_type: &'static str,
        /// The JSON Schema of the text as one JSON string.
        schema: fn() -> Schema,
    },
    /// A WebSocket upgrade (`101 Switching Protocols`): no body; messages follow on the
    /// upgraded connection (a stream route, [`Streaming`]).
    WebSocket,
}

impl ResponseBody {
    /// An event stream whose events each carry a `T` as JSON `data`.
    pub const fn event_stream<T: JsonSchema>() -> Self {
        Self::EventStream {
            data: crate::registry::schema_of::<T>,
        }
    }

    /// Any text of `media_type`.
    pub const fn text(media_type: &'static str) -> Self {
        Self::Text {
            media_type,
            schema: crate::registry::any_string_schema,
        }
    }

    /// Whether the answer is a stream (an event stream or a WebSocket): the route's
    /// [`Endpoint::Exchange`] must then be [`Streaming`], and [`Unary`] otherwise.
    ///
    /// ```
    /// use nodewire_common::ResponseBody;
    /// assert!(ResponseBody::WebSocket.is_stream());
    /// assert!(!ResponseBody::Json.is_stream());
    /// ```
    pub const fn is_stream(self) -> bool {
        matches!(self, Self::EventStream { .. } | Self::WebSocket)
    }

    /// The body's media type, if it has a body.
    pub fn media_type(self) -> Option<&'static str> {
        match self {
            Self::Json => Some(crate::registry::JSON_MEDIA_TYPE),
            Self::EventStream { .. } => Some(crate::registry::EVENT_STREAM_MEDIA_TYPE),
            Self::Text { media_type, .. } => Some(media_type),
            Self::Empty | Self::WebSocket => None,
        }
    }
}

impl std::fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Json => f.write_str("Json"),
            Self::Empty => f.write_str("Empty"),
            Self::EventStream { .. } => f.write_str("EventStream"),
            Self::Text { media_type, .. } => f.debug_tuple("Text").field(media_type).finish(),
            Self::WebSocket => f.write_str("WebSocket"),
        }
    }
}

/// Static facts about a route.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// The endpoint's type name (`ListUsers`).
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template relative to the API base, with `{param}` segments
    /// (`/v1/users/{username}`).
    pub path: &'static str,
    /// Other templates the server routes to the same handler (`/v1/runtime/me_pool_state`).
    pub aliases: &'static [&'static str],
    /// Whether the route takes a body.
    pub body: BodyKind,
    /// One line on what the route does.
    pub description: &'static str,
}

impl Metadata {
    /// Matches a concrete path (already normalized by the protocol) against the template and
    /// its aliases, returning the path parameters in template order.
    pub fn match_path(&self, path: &str) -> Option<PathParams> {
        std::iter::once(self.path)
            .chain(self.aliases.iter().copied())
            .find_map(|template| match_template(template, path))
    }

    /// How many literal segments the template has; more specific templates win when several
    /// match.
    pub fn specificity(&self) -> usize {
        self.path
            .split('/')
            .filter(|s| !(s.starts_with('{') && s.ends_with('}')))
            .count()
    }
}

/// Path parameters captured from a concrete path, in template order, as raw (undecoded)
/// segments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathParams(pub Vec<(&'static str, String)>);

impl PathParams {
    /// The raw segment captured for `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Like [`get`](Self::get), but a missing parameter is an error.
    pub fn require(&self, name: &'static str) -> Result<&str, FromRequestError> {
        self.get(name).ok_or(FromRequestError::PathParam {
            name,
            message: "missing".to_owned(),
        })
    }
}

/// Matches `path` against `template`: literal segments compare exactly, `{name}` matches one
/// non-empty segment.
pub fn match_template(template: &'static str, path: &str) -> Option<PathParams> {
    let mut params = Vec::new();
    let mut t = template.split('/');
    let mut p = path.split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Some(PathParams(params)),
            (Some(ts), Some(ps)) => {
                if let Some(name) = ts.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    if ps.is_empty() {
                        return None;
                    }
                    params.push((name, ps.to_owned()));
                } else if ts != ps {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// Characters escaped in a path segment built from a parameter.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Fills a path template with parameters (percent-escaping each one as a path segment).
pub fn fill_template(template: &str, params: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut values = params.iter();
    for (i, segment) in template.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if segment.starts_with('{') && segment.ends_with('}') {
            if let Some(value) = values.next() {
                out.extend(utf8_percent_encode(value, SEGMENT));
            }
        } else {
            out.push_str(segment);
        }
    }
    out
}

/// How one upstream wraps bodies and reports failures.
pub trait Protocol: 'static {
    /// The protocol's name as the CLI spells it (`telemt`).
    const NAME: &'static str;

    /// What a successful call yields for a route whose body type is `T` (for an enveloped
    /// protocol, the data plus the envelope's metadata; for a bare one, `T` itself).
    type Success<T>: Answer<T>;

    /// A failed call: the upstream's error body with its status, or a body that did not decode.
    type Failure: Failure + From<DecodeError>;

    /// Decodes a response of any route (client side).
    fn decode_response<T: DeserializeOwned>(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self::Success<T>, Self::Failure>;

    /// Encodes a successful response (server side).
    fn encode_response<T: Serialize>(
        success: &Self::Success<T>,
    ) -> Result<http::Response<Bytes>, serde_json::Error>;

    /// Whether an answer is the upstream's "no such route" failure (what a release older than
    /// a route answers for it). The default: any `404`; protocols narrow it to their own
    /// route-not-found body, so a `404` for a missing resource is not mistaken for it.
    fn is_route_not_found(status: StatusCode, _body: &[u8]) -> bool {
        status == StatusCode::NOT_FOUND
    }

    /// Normalizes a concrete path before it is matched against route templates (telemt trims
    /// trailing slashes). The default returns the path unchanged.
    fn normalize_path(path: &str) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(path)
    }

    /// Replaces the credentials in a JSON body of this protocol (a request's or an answer's)
    /// with `"[redacted]"`, so that it can be printed or logged. The default is
    /// [`redact_secrets`](crate::secret::redact_secrets): credential members and the
    /// credentials of URLs. A protocol adds what only it knows, such as NodePass's API-key
    /// instance or Core's registration code.
    fn redact_body(body: &mut serde_json::Value) {
        crate::secret::redact_secrets(body);
    }
}

/// The parts of an incoming request an endpoint is built from (server side).
///
/// Its `Debug` prints the header names without their values and the query with credential
/// values redacted ([`redact_query`](crate::secret::redact_query)): an incoming request's
/// credential header is not marked sensitive.
#[derive(derive_more::Debug)]
pub struct IncomingParts<'a, B> {
    /// Path parameters matched from the template.
    pub params: PathParams,
    /// The raw query string, without `?`.
    #[debug("{:?}", query.map(crate::secret::redact_query))]
    pub query: Option<&'a str>,
    /// The request headers.
    #[debug("{:?}", headers.keys().collect::<Vec<_>>())]
    pub headers: &'a HeaderMap,
    /// The decoded body: `None` for routes without a body and for an empty optional body.
    pub body: Option<B>,
}

/// Marker body type for routes that carry no body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize, JsonSchema)]
pub struct NoBody {}

/// The decoded answer to an endpoint: the protocol's success wrapper around the response
/// body, or its failure.
pub type Outcome<E> = Result<
    <<E as Endpoint>::Protocol as Protocol>::Success<<E as Endpoint>::Response>,
    <<E as Endpoint>::Protocol as Protocol>::Failure,
>;

/// One route of one protocol, as a value describing one call.
///
/// A hand-written endpoint states its types, its [`Metadata`] and how it is built from an
/// incoming request; every other fact has a default. The common shapes have macros
/// ([`get_endpoint!`](crate::get_endpoint), [`body_endpoint!`](crate::body_endpoint),
/// [`path_endpoint!`](crate::path_endpoint), [`path_body_endpoint!`](crate::path_body_endpoint)).
///
/// ```
/// use nodewire_common::endpoint::{IncomingParts, NoBody, Unary};
/// use nodewire_common::{Endpoint, FromRequestError, Metadata};
/// # pub struct Demo;
/// # impl nodewire_common::Protocol for Demo {
/// #     const NAME: &'static str = "demo";
/// #     type Success<T> = T;
/// #     type Failure = nodewire_common::DecodeError;
/// #     fn decode_response<T: serde::de::DeserializeOwned>(
/// #         _: http::StatusCode, _: &http::HeaderMap, body: &[u8],
/// #     ) -> Result<T, Self::Failure> {
/// #         nodewire_common::error::from_slice(body)
/// #     }
/// #     fn encode_response<T: serde::Serialize>(
/// #         success: &T,
/// #     ) -> Result<http::Response<bytes::Bytes>, serde_json::Error> {
/// #         Ok(http::Response::new(serde_json::to_vec(success)?.into()))
/// #     }
/// # }
/// /// `GET /v1/users`: every user name.
/// struct ListUsers;
///
/// impl Endpoint for ListUsers {
///     type Protocol = Demo;
///     type Exchange = Unary;
///     type Request = NoBody;
///     type Response = Vec<String>;
///     const METADATA: Metadata = nodewire_common::route_metadata!(
///         ListUsers, GET, "/v1/users", None, "Every user name."
///     );
///
///     fn from_parts(_: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
///         Ok(Self)
///     }
/// }
///
/// let request = ListUsers.try_into_http_request("http://127.0.0.1:9091").unwrap();
/// assert_eq!(request.uri(), "http://127.0.0.1:9091/v1/users");
/// ```
pub trait Endpoint: Sized {
    /// How bodies are wrapped.
    type Protocol: Protocol;
    /// How the route answers: [`Unary`] (one response, the client's `send`) or [`Streaming`]
    /// (a stream of items, the client's `stream`; the endpoint is then a
    /// [`StreamEndpoint`](crate::stream::StreamEndpoint)). It agrees with
    /// [`RESPONSE`](Self::RESPONSE): [`Streaming`] exactly when
    /// [`ResponseBody::is_stream`].
    type Exchange: Exchange;
    /// The request body type ([`NoBody`] when the route takes none).
    type Request: Serialize + DeserializeOwned;
    /// The response body type (inside the protocol's envelope, if any).
    type Response: Serialize + DeserializeOwned;
    /// Method, path template and body kind.
    const METADATA: Metadata;

    /// The upstream releases that added (deprecated, removed) this route; by default, a route
    /// as old as every release the crate covers.
    const HISTORY: crate::version::VersionHistory = crate::version::VersionHistory::ALWAYS;

    /// The statuses of a successful answer, the usual one first; by default `200 OK`.
    /// (telemt's create answers `201` or `202`, NodePass's delete `204`, a WebSocket route
    /// `101`.)
    const SUCCESS: &'static [StatusCode] = &[StatusCode::OK];

    /// Statuses whose answer carries either the success body or the protocol's error body
    /// (telemt's readiness answers `503` with either); by default none.
    const SUCCESS_OR_ERROR: &'static [StatusCode] = &[];

    /// What the body of a successful answer is; by default JSON.
    const RESPONSE: ResponseBody = ResponseBody::Json;

    /// The route's path and query parameters, with their schemas, for the OpenAPI export.
    /// A `{name}` segment not listed is a string; by default none is listed.
    const PARAMETERS: &'static [Parameter] = &[];

    /// Whether the upstream answers this route without its credential (the kernel's
    /// `/healthz`, Core's registration); by default `false`: the protocol's
    /// [`ApiDescription::security`](crate::registry::ApiDescription::security) applies.
    const PUBLIC: bool = false;

    /// Where this route is served when that differs from the protocol's
    /// [`ApiDescription::servers`](crate::registry::ApiDescription::servers) (NodePass's MCP
    /// route hangs under the API prefix, not the versioned base); by default none.
    const SERVERS: &'static [crate::registry::Server] = &[];

    /// The path parameters, in template order, unescaped.
    fn path_params(&self) -> Vec<&str> {
        Vec::new()
    }

    /// The query string, without `?`.
    fn query(&self) -> Option<String> {
        None
    }

    /// Adds the endpoint's own headers (for example `If-Match`).
    fn headers(&self, _headers: &mut HeaderMap) -> Result<(), IntoRequestError> {
        Ok(())
    }

    /// The body to send, if any.
    fn body(&self) -> Option<&Self::Request> {
        None
    }

    /// Builds the endpoint from an incoming request's parts (server side), decoding as
    /// leniently as the upstream server does; the checks it applies after decoding belong in
    /// [`validate`](Self::validate).
    fn from_parts(parts: IncomingParts<'_, Self::Request>) -> Result<Self, FromRequestError>;

    /// What the upstream refuses from the request's URI alone, before it reads the body
    /// (server side): a server's admit step runs it on the routed request
    /// ([`Arm::admit`](crate::server::Arm::admit), feature `server`). By default nothing; a
    /// route whose upstream checks its query before its body (telemt's `PATCH /v1/config`)
    /// checks it here, and parses it again in [`from_parts`](Self::from_parts).
    fn admit(_uri: &http::Uri) -> Result<(), FromRequestError> {
        Ok(())
    }

    /// The checks the upstream server applies to a decoded request body (Dash's presence
    /// checks on a report). [`validate`](Self::validate) runs it by default, and
    /// `nodewire check` runs it on request bodies. By default, none.
    fn validate_body(_body: &Self::Request) -> Result<(), DecodeError> {
        Ok(())
    }

    /// The checks the upstream server applies to a call once decoded (path parameters,
    /// query, body). [`try_from_http_request`](Self::try_from_http_request) runs it after
    /// decoding, and a client runs it before sending (through
    /// [`validate_outgoing`](Self::validate_outgoing)). By default,
    /// [`validate_body`](Self::validate_body) on the body.
    fn validate(&self) -> Result<(), InvalidRequest> {
        match self.body() {
            Some(body) => Self::validate_body(body).map_err(InvalidRequest::Body),
            None => Ok(()),
        }
    }

    /// The checks on a call this library builds, before it is sent
    /// ([`try_into_http_request`](Self::try_into_http_request) runs it first). By default,
    /// [`validate`](Self::validate). An endpoint whose decoding takes what real peers send
    /// against their contract (the kernel panel's numeric `metadata`) overrides it to refuse
    /// that too, calling `validate` as well: decoding stays lenient, building stays strict.
    fn validate_outgoing(&self) -> Result<(), InvalidRequest> {
        self.validate()
    }

    /// How `nodewire check` reads a request body of this route: decoded as
    /// [`Request`](Self::Request) by the route's [`BodyKind`], checked by
    /// [`validate_body`](Self::validate_body), re-encoded, with the keys the model ignores
    /// listed ([`registry::check_request_body`](crate::registry::check_request_body)). A
    /// route whose body needs another reading overrides it (NodePass's MCP messages).
    fn check_request_body(bytes: &[u8]) -> Result<Decoded, Failed> {
        crate::registry::check_request_body::<Self>(bytes)
    }

    /// The rules a reader applies to a decoded success body beyond decoding it, for
    /// `nodewire check` (Dash's agent refuses an update manifest that breaks its rules). By
    /// default, none.
    fn check_response(_body: &Self::Response) -> Result<(), DecodeError> {
        Ok(())
    }

    /// The concrete path, relative to the API base.
    fn path(&self) -> String {
        fill_template(Self::METADATA.path, &self.path_params())
    }

    /// Builds the outgoing request against `base_url` (scheme, host, port and any API prefix,
    /// such as `http://127.0.0.1:9091` or `https://host/api/v1`).
    ///
    /// The call is checked first ([`validate_outgoing`](Self::validate_outgoing)): a call that
    /// breaks a rule of its route is [`IntoRequestError::Validation`], and nothing is built.
    fn try_into_http_request(
        &self,
        base_url: &str,
    ) -> Result<http::Request<Bytes>, IntoRequestError> {
        self.validate_outgoing()
            .map_err(IntoRequestError::Validation)?;
        let base = parse_base_url(base_url)?;
        let mut uri = base.as_str().trim_end_matches('/').to_owned();
        uri.push_str(&self.path());
        if let Some(q) = self.query() {
            uri.push('?');
            uri.push_str(&q);
        }
        let mut builder = http::Request::builder()
            .method(Self::METADATA.method.clone())
            .uri(uri)
            .header(header::ACCEPT, HeaderValue::from_static("application/json"));
        let body = match self.body() {
            Some(body) => {
                builder = builder.header(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                Bytes::from(serde_json::to_vec(body)?)
            }
            None => Bytes::new(),
        };
        let mut request = builder.body(body)?;
        self.headers(request.headers_mut())?;
        Ok(request)
    }

    /// Builds the endpoint from an incoming request (server side): decodes it
    /// ([`decode_http_request`](Self::decode_http_request)), then applies the checks the
    /// upstream server applies ([`validate`](Self::validate)).
    fn try_from_http_request(request: &http::Request<Bytes>) -> Result<Self, FromRequestError> {
        let endpoint = Self::decode_http_request(request)?;
        endpoint.validate()?;
        Ok(endpoint)
    }

    /// Decodes an incoming request as leniently as the upstream server does, without the
    /// checks of [`validate`](Self::validate). The method and path must match this route; the
    /// body is decoded as [`Self::Request`].
    fn decode_http_request(request: &http::Request<Bytes>) -> Result<Self, FromRequestError> {
        if request.method() != Self::METADATA.method {
            return Err(FromRequestError::Method {
                expected: Self::METADATA.method.clone(),
                got: request.method().clone(),
            });
        }
        let raw = request.uri().path();
        let path = <Self::Protocol as Protocol>::normalize_path(raw);
        let params = Self::METADATA
            .match_path(&path)
            .ok_or_else(|| FromRequestError::Path(raw.to_owned()))?;
        let body = decode_body::<Self::Request>(Self::METADATA.body, request.body())?;
        Self::from_parts(IncomingParts {
            params,
            query: request.uri().query(),
            headers: request.headers(),
            body,
        })
    }

    /// Decodes a response to this call (client side).
    fn try_from_http_response(response: &http::Response<Bytes>) -> Outcome<Self> {
        <Self::Protocol as Protocol>::decode_response::<Self::Response>(
            response.status(),
            response.headers(),
            response.body(),
        )
    }

    /// Encodes a successful response to this call (server side).
    fn try_into_http_response(
        success: &<Self::Protocol as Protocol>::Success<Self::Response>,
    ) -> Result<http::Response<Bytes>, serde_json::Error> {
        <Self::Protocol as Protocol>::encode_response::<Self::Response>(success)
    }
}

/// Reads a base URL as every client call does: an absolute `http://` or `https://` URL with
/// no query or fragment (scheme, host, port and any API prefix).
pub(crate) fn parse_base_url(base_url: &str) -> Result<url::Url, IntoRequestError> {
    let base = url::Url::parse(base_url).map_err(|e| IntoRequestError::BaseUrl {
        url: base_url.to_owned(),
        reason: e.to_string(),
    })?;
    if base.cannot_be_a_base() || !matches!(base.scheme(), "http" | "https") {
        return Err(IntoRequestError::BaseUrl {
            url: base_url.to_owned(),
            reason: "expected an absolute http:// or https:// URL".to_owned(),
        });
    }
    if base.query().is_some() || base.fragment().is_some() {
        return Err(IntoRequestError::BaseUrl {
            url: base_url.to_owned(),
            reason: "the base URL must not carry a query or fragment".to_owned(),
        });
    }
    Ok(base)
}

/// Decodes a request body according to the route's [`BodyKind`]: `None` ignores the bytes,
/// `Optional` maps an empty (or all-whitespace) body to `None`, `Required` refuses an empty one.
pub fn decode_body<T: DeserializeOwned>(
    kind: BodyKind,
    bytes: &[u8],
) -> Result<Option<T>, DecodeError> {
    let blank = bytes.iter().all(u8::is_ascii_whitespace);
    match kind {
        BodyKind::None => Ok(None),
        BodyKind::Optional if blank => Ok(None),
        BodyKind::Required if blank => Err(DecodeError::root(
            "empty body: this route requires a JSON body",
        )),
        _ => from_slice(bytes).map(Some),
    }
}

/// The body of a route that requires one ([`BodyKind::Required`]), from
/// [`IncomingParts::body`]: an absent body is the error `empty body`.
///
/// ```
/// use nodewire_common::endpoint::require_body;
/// assert_eq!(require_body(Some(3)).ok(), Some(3));
/// assert!(require_body::<u8>(None).is_err());
/// ```
pub fn require_body<T>(body: Option<T>) -> Result<T, FromRequestError> {
    body.ok_or_else(|| FromRequestError::Body(DecodeError::root("empty body")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incoming_parts_print_header_names_and_redacted_queries() {
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", http::HeaderValue::from_static("k3y-value"));
        let parts = IncomingParts {
            params: PathParams::default(),
            query: Some("limit=5&token=t0k3n"),
            headers: &headers,
            body: Some(NoBody {}),
        };
        let printed = format!("{parts:?}");
        assert!(
            printed.contains("x-api-key") && printed.contains("limit=5"),
            "{printed}"
        );
        assert!(
            !printed.contains("k3y-value") && !printed.contains("t0k3n"),
            "{printed}"
        );
    }

    pub(super) struct Bare;

    impl Protocol for Bare {
        const NAME: &'static str = "bare";
        type Success<T> = T;
        type Failure = DecodeError;

        fn decode_response<T: DeserializeOwned>(
            _: StatusCode,
            _: &HeaderMap,
            body: &[u8],
        ) -> Result<T, DecodeError> {
            from_slice(body)
        }

        fn encode_response<T: Serialize>(
            success: &T,
        ) -> Result<http::Response<Bytes>, serde_json::Error> {
            Ok(http::Response::new(serde_json::to_vec(success)?.into()))
        }
    }

    /// `POST /names`: the server refuses an empty name; this library also refuses an upper-case
    /// one, which the server takes.
    #[derive(Debug)]
    struct AddName(String);

    impl Endpoint for AddName {
        type Protocol = Bare;
        type Exchange = Unary;
        type Request = String;
        type Response = NoBody;
        const METADATA: Metadata =
            crate::route_metadata!(AddName, POST, "/names", Required, "Add a name.");

        fn body(&self) -> Option<&String> {
            Some(&self.0)
        }

        fn from_parts(parts: IncomingParts<'_, String>) -> Result<Self, FromRequestError> {
            Ok(Self(parts.body.unwrap_or_default()))
        }

        fn validate_body(body: &String) -> Result<(), DecodeError> {
            if body.is_empty() {
                return Err(DecodeError::root("must not be empty"));
            }
            Ok(())
        }

        fn validate_outgoing(&self) -> Result<(), InvalidRequest> {
            self.validate()?;
            if self.0.chars().any(char::is_uppercase) {
                return Err(InvalidRequest::body(".", "must be lower case"));
            }
            Ok(())
        }
    }

    fn incoming(body: &'static str) -> http::Request<Bytes> {
        let mut request = http::Request::new(Bytes::from_static(body.as_bytes()));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = http::Uri::from_static("/names");
        request
    }

    #[test]
    fn building_checks_the_call_first() {
        assert!(
            AddName("ada".into())
                .try_into_http_request("http://h")
                .is_ok()
        );
        for (name, message) in [("", "must not be empty"), ("Ada", "must be lower case")] {
            match AddName(name.into()).try_into_http_request("http://h") {
                Err(IntoRequestError::Validation(InvalidRequest::Body(e))) => {
                    assert_eq!(e.message, message);
                }
                other => panic!("{name:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_server_decodes_then_applies_its_own_checks() {
        assert_eq!(
            AddName::try_from_http_request(&incoming("\"Ada\""))
                .ok()
                .map(|a| a.0),
            Some("Ada".to_owned())
        );
        assert!(AddName::decode_http_request(&incoming("\"\"")).is_ok());
        let refused = AddName::try_from_http_request(&incoming("\"\""));
        assert!(matches!(
            refused,
            Err(FromRequestError::Validation(InvalidRequest::Body(_)))
        ));
        assert_eq!(
            refused.err().map(|e| e.to_string()).as_deref(),
            Some("body at `.`: must not be empty")
        );
    }

    #[test]
    fn templates_match_and_fill() {
        let p = match_template("/v1/users/{username}/enable", "/v1/users/alice/enable");
        assert_eq!(p.as_ref().and_then(|p| p.get("username")), Some("alice"));
        assert!(match_template("/v1/users/{username}", "/v1/users/").is_none());
        assert!(match_template("/v1/users/{username}", "/v1/users/a/b").is_none());
        assert_eq!(
            fill_template("/v1/users/{u}/x", &["a b/c"]),
            "/v1/users/a%20b%2Fc/x"
        );
    }

    #[test]
    fn body_kinds() {
        assert_eq!(
            decode_body::<u8>(BodyKind::Optional, b"  ").ok(),
            Some(None)
        );
        assert!(decode_body::<u8>(BodyKind::Required, b"").is_err());
        assert_eq!(
            decode_body::<u8>(BodyKind::None, b"garbage").ok(),
            Some(None)
        );
        assert_eq!(
            decode_body::<u8>(BodyKind::Required, b"7").ok(),
            Some(Some(7))
        );
    }
}
