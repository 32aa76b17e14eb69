//! Server-side helpers: the master's routing, authentication and request decoding as pure
//! functions, for mocks, proxies and tests (v2 `master.go:118-157`, `rest.go`).
//!
//! [`route`] applies the master's order (the v2 MCP path included, [`mcp_path`]): the mux
//! (unknown paths → `404 page not found` as
//! text, without CORS), CORS and `OPTIONS` (200, no auth), the `X-API-Key` check on protected
//! paths (constant time), the method check of each handler (405 JSON, with `Allow`), then the
//! body. Everything before the body is [`admit`]: it needs the request head alone, so a
//! server refuses before it reads a byte of the body, as the master (a Go `net/http` server
//! whose handlers read the body lazily, after the auth middleware) does. The body is decoded
//! as the master's `json.NewDecoder(r.Body).Decode` does: the first JSON value (the rest is
//! not read) into the handler's struct, with Go's rules: unknown fields ignored, field names
//! matched with Unicode case folding (`URL`, `aLiAs`, `ſid`), repeated keys applied in order
//! (a later `meta`, `peer` or `tags` object merges into the earlier one), `null` leaves a
//! string or bool unchanged and clears a pointer or map, invalid UTF-8 and lone surrogates
//! read as U+FFFD, a wrong type fails the whole body. `tests/go-oracle` checks these
//! decoders against Go's own `encoding/json`.

use std::collections::BTreeMap;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use nodewire_common::Secret;
use nodewire_common::secret::redact_url;
use nodewire_common::server::empty_response;
use serde_json::Value;

use crate::envelope::{error_response, messages, mux_not_found, set_cors_headers};
use crate::instances::{InstanceId, Peer};
use crate::tcping::target_from_query;

/// A request the master accepted past routing and authentication: the handler it reaches.
///
/// `Debug` writes the length of a raw body (`PutInstance`, `Mcp`), not its text: a body
/// carries instance URLs and their tunnel keys.
#[derive(Clone, PartialEq, Eq, derive_more::Debug)]
pub enum Request {
    /// `OPTIONS` on a registered path: answer [`preflight`].
    Preflight,
    /// `GET /instances`.
    ListInstances,
    /// `POST /instances`, body as the master decoded it.
    CreateInstance(UrlBody),
    /// `GET /instances/{id}`.
    GetInstance(InstanceId),
    /// `PATCH /instances/{id}`; `None` when the body did not decode (the master then answers
    /// 200 with the instance unchanged).
    UpdateInstance(InstanceId, Option<PatchBody>),
    /// `PUT /instances/{id}` with the raw body: the master checks existence (404) and the
    /// API key (403) before it decodes it with [`decode_put_body`].
    PutInstance(InstanceId, #[debug("<{} bytes>", _1.len())] Bytes),
    /// `DELETE /instances/{id}`.
    DeleteInstance(InstanceId),
    /// Another method on `/instances/{id}`: `404` when the instance does not exist, else
    /// [`instance_method_not_allowed`].
    DetailNotAllowed(InstanceId),
    /// `GET /events`.
    Events,
    /// `GET /info`.
    GetInfo,
    /// `POST /info` with the new alias (already checked: at most 256 bytes).
    UpdateInfo(String),
    /// `GET /tcping` with the target.
    Tcping(String),
    /// `/openapi.json` (any method).
    OpenApi,
    /// `/docs` (any method).
    Docs,
    /// v2 only: `POST {prefix}/v2`, the MCP endpoint, with the raw body (read it with
    /// [`crate::mcp::read_request`]).
    Mcp(#[debug("<{} bytes>", _0.len())] Bytes),
}

/// A create or replace body: `alias` and `url` as Go decoded them (`url` non-empty). `Debug`
/// hides the tunnel key of `url`.
#[derive(Clone, PartialEq, Eq, Default, derive_more::Debug)]
pub struct UrlBody {
    /// `alias` (create only; empty when absent).
    pub alias: String,
    /// `url`.
    #[debug("{:?}", redact_url(url))]
    pub url: String,
}

/// A PATCH body as the master decodes it: empty strings mean "not given".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatchBody {
    /// `alias` (empty: not given).
    pub alias: String,
    /// `action` (empty: not given).
    pub action: String,
    /// `restart`.
    pub restart: Option<bool>,
    /// `meta`.
    pub meta: Option<PatchMeta>,
}

/// `meta` of a PATCH body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatchMeta {
    /// Replaces the peer when present.
    pub peer: Option<Peer>,
    /// Replaces the tags when present.
    pub tags: Option<BTreeMap<String, String>>,
}

/// The request body limit of the mock (a real master has none).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// A failure the master answers: its `{"error": …}` body, or its mux's text `404` for a
/// path it does not route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiFailure {
    /// `{"error": message}` with `status` (`HTTPError`).
    Error {
        /// The HTTP status.
        status: StatusCode,
        /// The master's message (see [`messages`]).
        message: String,
    },
    /// The mux's `404 page not found` for a path it does not route ([`mux_not_found`]).
    MuxNotFound,
    /// `405 {"error":"Method not allowed"}` with `Allow`, the methods the path serves
    /// (`GET, POST, OPTIONS`). The master's handlers send no `Allow`; HTTP requires it, so
    /// the answers built here carry it.
    MethodNotAllowed {
        /// The `Allow` header's value.
        allow: &'static str,
    },
}

impl ApiFailure {
    /// `{"error": message}` with `status`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self::Error {
            status,
            message: message.into(),
        }
    }

    /// `400` with `message`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// `404 Instance not found`.
    pub fn instance_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, messages::INSTANCE_NOT_FOUND)
    }

    /// `405 {"error":"Method not allowed"}` with `Allow: allow`.
    pub fn method_not_allowed(allow: &'static str) -> Self {
        Self::MethodNotAllowed { allow }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Error { status, .. } => *status,
            Self::MuxNotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    /// The master's response.
    pub fn into_response(self) -> http::Response<Bytes> {
        match self {
            Self::Error { status, message } => error_response(status, &message),
            Self::MuxNotFound => mux_not_found(),
            Self::MethodNotAllowed { allow } => {
                let mut r =
                    error_response(StatusCode::METHOD_NOT_ALLOWED, messages::METHOD_NOT_ALLOWED);
                r.headers_mut()
                    .insert(http::header::ALLOW, http::HeaderValue::from_static(allow));
                r
            }
        }
    }
}

/// The `OPTIONS` answer: 200, empty, CORS.
pub fn preflight() -> http::Response<Bytes> {
    let mut r = empty_response(StatusCode::OK);
    set_cors_headers(r.headers_mut());
    r
}

/// Checks `X-API-Key` as the master does: an empty configured key disables the check;
/// otherwise a missing header is `401 Unauthorized: API key required` and a different one
/// `401 Unauthorized: Invalid API key` (compared in constant time).
pub fn check_api_key(headers: &HeaderMap, key: &Secret) -> Result<(), ApiFailure> {
    if key.expose().is_empty() {
        return Ok(());
    }
    let given = headers
        .get(crate::AUTH_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if given.is_empty() {
        return Err(ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            messages::API_KEY_REQUIRED,
        ));
    }
    if !nodewire_common::secret::ct_eq(given, key.expose().as_bytes()) {
        return Err(ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            messages::INVALID_API_KEY,
        ));
    }
    Ok(())
}

/// What [`admit`] lets through: where the request goes and whether its handler reads the
/// body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Admitted {
    /// The instance of an `{P}/instances/{id}` request. The master looks it up (`404`) and,
    /// for `PUT` and `DELETE`, refuses the API-key instance (`403`) before it reads the
    /// body; a method other than `GET`, `PATCH`, `PUT` and `DELETE` is `405` only for an
    /// instance that exists. A server with instances makes these checks next.
    pub instance: Option<InstanceId>,
    /// `true` when the handler decodes the body (`POST /instances`, `PATCH` and `PUT
    /// /instances/{id}`, `POST /info`, `POST {prefix}/v2`); every other handler never reads
    /// it.
    pub reads_body: bool,
}

/// The handler a request head reaches past the master's checks on the head.
enum Head {
    Preflight,
    OpenApi,
    Docs,
    ListInstances,
    CreateInstance,
    Detail(InstanceId, Method),
    Events,
    GetInfo,
    UpdateInfo,
    Tcping(String),
    Mcp,
}

/// `Allow` of each path: the methods its handler serves, and `OPTIONS` (the middleware's).
mod allow {
    pub(super) const INSTANCES: &str = "GET, POST, OPTIONS";
    pub(super) const DETAIL: &str = "GET, PATCH, PUT, DELETE, OPTIONS";
    pub(super) const EVENTS: &str = "GET, OPTIONS";
    pub(super) const INFO: &str = "GET, POST, OPTIONS";
    pub(super) const TCPING: &str = "GET, OPTIONS";
    pub(super) const MCP: &str = "POST, OPTIONS";
}

/// The master's checks on a request head, in its order; `Err` is the answer it sends
/// without reading the body.
fn head_route(
    api_base: &str,
    key: &Secret,
    method: &Method,
    uri: &http::Uri,
    headers: &HeaderMap,
) -> Result<Head, ApiFailure> {
    let path = uri.path();
    if path == mcp_path(api_base) {
        if method == Method::OPTIONS {
            return Ok(Head::Preflight);
        }
        check_api_key(headers, key)?;
        return match *method {
            Method::POST => Ok(Head::Mcp),
            _ => Err(ApiFailure::method_not_allowed(allow::MCP)),
        };
    }
    let Some(rest) = path.strip_prefix(api_base) else {
        return Err(ApiFailure::MuxNotFound);
    };
    enum Kind {
        Instances,
        Detail(String),
        Events,
        Info,
        Tcping,
        OpenApi,
        Docs,
    }
    let kind = match rest {
        "/instances" => Kind::Instances,
        "/events" => Kind::Events,
        "/info" => Kind::Info,
        "/tcping" => Kind::Tcping,
        "/openapi.json" => Kind::OpenApi,
        "/docs" => Kind::Docs,
        other => match other.strip_prefix("/instances/") {
            Some(id) => Kind::Detail(id.to_owned()),
            None => return Err(ApiFailure::MuxNotFound),
        },
    };
    if method == Method::OPTIONS {
        return Ok(Head::Preflight);
    }
    match kind {
        Kind::OpenApi => return Ok(Head::OpenApi),
        Kind::Docs => return Ok(Head::Docs),
        _ => {}
    }
    check_api_key(headers, key)?;
    match kind {
        Kind::Instances => match *method {
            Method::GET => Ok(Head::ListInstances),
            Method::POST => Ok(Head::CreateInstance),
            _ => Err(ApiFailure::method_not_allowed(allow::INSTANCES)),
        },
        Kind::Detail(raw) => {
            let decoded = crate::url::go::unescape(&raw, crate::url::go::Mode::Path)
                .map(|d| String::from_utf8_lossy(&d).into_owned())
                .unwrap_or(raw);
            if decoded.is_empty() || decoded == "/" {
                return Err(ApiFailure::bad_request(messages::INSTANCE_ID_REQUIRED));
            }
            Ok(Head::Detail(InstanceId::from_wire(decoded), method.clone()))
        }
        Kind::Events => match *method {
            Method::GET => Ok(Head::Events),
            _ => Err(ApiFailure::method_not_allowed(allow::EVENTS)),
        },
        Kind::Info => match *method {
            Method::GET => Ok(Head::GetInfo),
            Method::POST => Ok(Head::UpdateInfo),
            _ => Err(ApiFailure::method_not_allowed(allow::INFO)),
        },
        Kind::Tcping => match *method {
            Method::GET => target_from_query(uri.query())
                .map(Head::Tcping)
                .ok_or_else(|| ApiFailure::bad_request(messages::TARGET_REQUIRED)),
            _ => Err(ApiFailure::method_not_allowed(allow::TCPING)),
        },
        Kind::OpenApi | Kind::Docs => Err(ApiFailure::MuxNotFound),
    }
}

/// The master's checks on a request head, before any handler reads the body, in its order:
/// the mux (`404 page not found`), `OPTIONS` (200), the public `openapi.json` and `docs`,
/// `X-API-Key` (401), then the handler's method check (405, with `Allow`), the missing
/// instance id (400) and the missing `/tcping` target (400).
///
/// The master is a Go `net/http` server: a handler reads the body only when it decodes it,
/// so a request refused here is answered without reading its body (and a client that sent
/// `Expect: 100-continue` gets no `100 Continue`). [`Admitted`] says what comes next:
/// whether the handler reads the body, and the instance a server with state looks up first.
/// [`route`] runs these checks again and then decodes the body.
///
/// ```
/// use nodewire_common::Secret;
/// use nodewire_nodepass::server::admit;
/// let key = Secret::new("k");
/// let (head, ()) = http::Request::post("/api/v1/instances")
///     .header("content-length", "1048576")
///     .body(())
///     .unwrap()
///     .into_parts();
/// let refused = admit("/api/v1", &key, &head).unwrap_err();
/// assert_eq!(refused.status(), http::StatusCode::UNAUTHORIZED);
/// let (head, ()) = http::Request::delete("/api/v1/events")
///     .header("x-api-key", "k")
///     .body(())
///     .unwrap()
///     .into_parts();
/// let response = admit("/api/v1", &key, &head).unwrap_err().into_response();
/// assert_eq!(response.headers()["allow"], "GET, OPTIONS");
/// ```
pub fn admit(
    api_base: &str,
    key: &Secret,
    head: &http::request::Parts,
) -> Result<Admitted, ApiFailure> {
    let head = head_route(api_base, key, &head.method, &head.uri, &head.headers)?;
    Ok(match head {
        Head::Detail(id, method) => Admitted {
            reads_body: method == Method::PATCH || method == Method::PUT,
            instance: Some(id),
        },
        Head::CreateInstance | Head::UpdateInfo | Head::Mcp => Admitted {
            instance: None,
            reads_body: true,
        },
        Head::Preflight
        | Head::OpenApi
        | Head::Docs
        | Head::ListInstances
        | Head::Events
        | Head::GetInfo
        | Head::Tcping(_) => Admitted {
            instance: None,
            reads_body: false,
        },
    })
}

/// The answer to a method other than `GET`, `PATCH`, `PUT` and `DELETE` on an instance
/// that exists: `405` with `Allow`.
pub fn instance_method_not_allowed() -> ApiFailure {
    ApiFailure::method_not_allowed(allow::DETAIL)
}

/// Routes `request` for a master whose API base is `api_base` (`/api/v1`) and whose key is
/// `key`: the checks of [`admit`], then the body, decoded as the handler decodes it. `Err`
/// is the response the master sends without reaching a handler's logic.
pub fn route(
    api_base: &str,
    key: &Secret,
    request: &http::Request<Bytes>,
) -> Result<Request, ApiFailure> {
    let head = head_route(
        api_base,
        key,
        request.method(),
        request.uri(),
        request.headers(),
    )?;
    let body = request.body();
    Ok(match head {
        Head::Preflight => Request::Preflight,
        Head::OpenApi => Request::OpenApi,
        Head::Docs => Request::Docs,
        Head::ListInstances => Request::ListInstances,
        Head::CreateInstance => Request::CreateInstance(decode_url_body(body, true)?),
        Head::Detail(id, method) => match method {
            Method::GET => Request::GetInstance(id),
            Method::PATCH => Request::UpdateInstance(id, decode_patch(body)),
            Method::PUT => Request::PutInstance(id, body.clone()),
            Method::DELETE => Request::DeleteInstance(id),
            _ => Request::DetailNotAllowed(id),
        },
        Head::Events => Request::Events,
        Head::GetInfo => Request::GetInfo,
        Head::UpdateInfo => {
            let alias = decode_info_alias(body)
                .map_err(|()| ApiFailure::bad_request(messages::INVALID_REQUEST_BODY))?;
            if alias.len() > crate::instances::MAX_VALUE_LEN {
                return Err(ApiFailure::bad_request(messages::too_long("Master alias")));
            }
            Request::UpdateInfo(alias)
        }
        Head::Tcping(target) => Request::Tcping(target),
        Head::Mcp => Request::Mcp(body.clone()),
    })
}

/// The MCP path of a master whose API base is `api_base`: the base without its `/v1`, plus
/// `/v2` (`/api/v1` → `/api/v2`).
pub fn mcp_path(api_base: &str) -> String {
    format!("{}/v2", api_base.strip_suffix("/v1").unwrap_or(api_base))
}

/// Decodes a `PUT` body the way the master does, after it checked the id is not the API key.
pub fn decode_put_body(body: &[u8]) -> Result<UrlBody, ApiFailure> {
    decode_url_body(body, false)
}

fn decode_url_body(body: &[u8], with_alias: bool) -> Result<UrlBody, ApiFailure> {
    let shape = if with_alias {
        shapes::create()
    } else {
        shapes::put()
    };
    let value = go_decode(body, &shape)
        .map_err(|()| ApiFailure::bad_request(messages::INVALID_REQUEST_BODY))?;
    let url = text(&value, "url");
    if url.is_empty() {
        return Err(ApiFailure::bad_request(messages::INVALID_REQUEST_BODY));
    }
    Ok(UrlBody {
        alias: text(&value, "alias"),
        url,
    })
}

/// The master's request structs as [`go_json`](nodewire_common::go_json) shapes (v2 `rest.go`).
pub(crate) mod shapes {
    use nodewire_common::go_json::Shape;

    fn strings(names: &[&'static str]) -> Shape {
        Shape::Struct(names.iter().map(|n| (*n, Shape::String)).collect())
    }

    /// `POST /instances`: `{Alias string "alias"; URL string "url"}`.
    pub(crate) fn create() -> Shape {
        strings(&["alias", "url"])
    }

    /// `PUT /instances/{id}`: `{URL string "url"}`.
    pub(crate) fn put() -> Shape {
        strings(&["url"])
    }

    /// `POST /info`: `{Alias string "alias"}`.
    pub(crate) fn info() -> Shape {
        strings(&["alias"])
    }

    /// `PATCH /instances/{id}` (contract §5).
    pub(crate) fn patch() -> Shape {
        Shape::Struct(vec![
            ("alias", Shape::String),
            ("action", Shape::String),
            ("restart", Shape::Ptr(Box::new(Shape::Bool))),
            (
                "meta",
                Shape::Ptr(Box::new(Shape::Struct(vec![
                    (
                        "peer",
                        Shape::Ptr(Box::new(strings(&["sid", "type", "alias"]))),
                    ),
                    ("tags", Shape::Map(Box::new(Shape::String))),
                ]))),
            ),
        ])
    }
}

/// The master's `json.NewDecoder(r.Body).Decode(&reqData)`: the first JSON value, read as
/// Go reads it into `shape`; `Err` when Go's decoder fails.
fn go_decode(body: &[u8], shape: &nodewire_common::go_json::Shape) -> Result<Value, ()> {
    nodewire_common::go_json::decode(body, shape, nodewire_common::go_json::Read::FirstValue)
        .map_err(|_| ())
}

/// A string field of a decoded struct (`""` when never set).
fn text(value: &Value, name: &str) -> String {
    value
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// `POST /info`'s alias as the master decodes it.
fn decode_info_alias(body: &[u8]) -> Result<String, ()> {
    go_decode(body, &shapes::info()).map(|v| text(&v, "alias"))
}

fn decode_patch(body: &[u8]) -> Option<PatchBody> {
    let value = go_decode(body, &shapes::patch()).ok()?;
    let meta = match value.get("meta") {
        None | Some(Value::Null) => None,
        Some(meta) => Some(PatchMeta {
            peer: match meta.get("peer") {
                None | Some(Value::Null) => None,
                Some(p) => Some(Peer {
                    sid: text(p, "sid"),
                    kind: text(p, "type"),
                    alias: text(p, "alias"),
                }),
            },
            tags: match meta.get("tags") {
                Some(Value::Object(t)) => Some(
                    t.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                        .collect(),
                ),
                _ => None,
            },
        }),
    };
    Some(PatchBody {
        alias: text(&value, "alias"),
        action: text(&value, "action"),
        restart: value.get("restart").and_then(Value::as_bool),
        meta,
    })
}

#[cfg(test)]
mod go_oracle;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_body_debug_hides_the_tunnel_key() {
        let body = UrlBody {
            alias: "edge".to_owned(),
            url: "client://s3cr3t-k3y@example.com:10101/127.0.0.1:8080".to_owned(),
        };
        let debug = format!("{body:?}");
        assert!(!debug.contains("s3cr3t-k3y"), "{debug}");
        assert!(debug.contains("edge") && debug.contains("example.com:10101"));
    }

    #[test]
    fn request_debug_hides_raw_bodies() {
        let body = br#"{"url":"server://s3cr3t-k3y@:10101/127.0.0.1:8080"}"#;
        let put = Request::PutInstance(
            InstanceId::new("0a1b2c3d").unwrap(),
            Bytes::from_static(body),
        );
        let debug = format!("{put:?}");
        assert!(!debug.contains("s3cr3t-k3y"), "{debug}");
        assert_eq!(
            debug,
            format!(
                r#"PutInstance(InstanceId("0a1b2c3d"), <{} bytes>)"#,
                body.len()
            )
        );
        let mcp = format!("{:?}", Request::Mcp(Bytes::from_static(body)));
        assert!(!mcp.contains("s3cr3t-k3y"), "{mcp}");
        assert_eq!(
            format!("{:?}", Request::Tcping("a:1".into())),
            r#"Tcping("a:1")"#
        );
    }

    fn req(
        method: &str,
        path: &str,
        key: Option<&'static str>,
        body: &'static str,
    ) -> http::Request<Bytes> {
        let mut r = http::Request::new(Bytes::from_static(body.as_bytes()));
        *r.method_mut() = Method::from_bytes(method.as_bytes()).unwrap_or_default();
        *r.uri_mut() = path.parse().unwrap_or_default();
        if let Some(k) = key {
            r.headers_mut()
                .insert(crate::AUTH_HEADER, http::HeaderValue::from_static(k));
        }
        r
    }

    fn status(r: Result<Request, ApiFailure>) -> StatusCode {
        match r {
            Ok(_) => StatusCode::OK,
            Err(failure) => failure.status(),
        }
    }

    #[test]
    fn routing_follows_the_master() {
        let key = Secret::new("k");
        let base = "/api/v1";
        let go = |m, p, k, b| route(base, &key, &req(m, p, k, b));
        assert_eq!(
            status(go("GET", "/api/v1/info/", Some("k"), "")),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            status(go("GET", "/v1/info", Some("k"), "")),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            go("OPTIONS", "/api/v1/info", None, "").ok(),
            Some(Request::Preflight)
        );
        assert_eq!(
            status(go("GET", "/api/v1/info", None, "")),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            status(go("GET", "/api/v1/info", Some("x"), "")),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            go("DELETE", "/api/v1/openapi.json", None, "").ok(),
            Some(Request::OpenApi)
        );
        assert_eq!(
            status(go("DELETE", "/api/v1/info", Some("k"), "")),
            StatusCode::METHOD_NOT_ALLOWED
        );
        assert_eq!(
            status(go("GET", "/api/v1/instances/", Some("k"), "")),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            status(go("POST", "/api/v1/instances", Some("k"), "{\"url\":")),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            status(go(
                "POST",
                "/api/v1/instances",
                Some("k"),
                "{\"alias\":\"x\"}"
            )),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            go(
                "POST",
                "/api/v1/instances",
                Some("k"),
                "{\"URL\":\"server://h:1/x\"} trailing"
            )
            .ok(),
            Some(Request::CreateInstance(UrlBody {
                alias: String::new(),
                url: "server://h:1/x".into()
            }))
        );
        assert_eq!(
            status(go("GET", "/api/v2", Some("k"), "")),
            StatusCode::METHOD_NOT_ALLOWED
        );
        assert_eq!(
            status(go("POST", "/api/v2", None, "{}")),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            go("POST", "/api/v2", Some("k"), "{}").ok(),
            Some(Request::Mcp(Bytes::from_static(b"{}")))
        );
        assert_eq!(
            status(go("POST", "/api/v2/", Some("k"), "{}")),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            status(go("GET", "/api/v1/tcping", Some("k"), "")),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            go("GET", "/api/v1/tcping?target=a%3A1", Some("k"), "").ok(),
            Some(Request::Tcping("a:1".into()))
        );
    }

    fn head(method: &str, path: &str, key: Option<&'static str>) -> http::request::Parts {
        req(method, path, key, "").into_parts().0
    }

    #[test]
    fn admit_refuses_from_the_head_in_the_masters_order() {
        let key = Secret::new("k");
        let admit = |m, p, k| admit("/api/v1", &key, &head(m, p, k));
        let status = |r: Result<Admitted, ApiFailure>| r.err().map(|f| f.status());
        // The mux first: an unknown path is 404 with or without a key.
        assert_eq!(
            admit("POST", "/api/v1/nope", None).err(),
            Some(ApiFailure::MuxNotFound)
        );
        // Then OPTIONS and the public routes, without a key.
        for (method, path) in [
            ("OPTIONS", "/api/v1/instances"),
            ("OPTIONS", "/api/v2"),
            ("DELETE", "/api/v1/openapi.json"),
            ("POST", "/api/v1/docs"),
        ] {
            let admitted = admit(method, path, None);
            assert_eq!(
                admitted.map(|a| a.reads_body).ok(),
                Some(false),
                "{method} {path}"
            );
        }
        // Then the key, before the method: no key and a wrong method is 401, not 405.
        let mut oversize = head("POST", "/api/v1/instances", None);
        oversize.headers.insert(
            http::header::CONTENT_LENGTH,
            http::HeaderValue::from_static("1073741824"),
        );
        assert_eq!(
            status(super::admit("/api/v1", &key, &oversize)),
            Some(StatusCode::UNAUTHORIZED)
        );
        assert_eq!(
            status(admit("DELETE", "/api/v1/instances", Some("x"))),
            Some(StatusCode::UNAUTHORIZED)
        );
        assert_eq!(
            status(admit("DELETE", "/api/v2", None)),
            Some(StatusCode::UNAUTHORIZED)
        );
        // Then the id and the target, which need no body.
        assert_eq!(
            status(admit("POST", "/api/v1/instances/", Some("k"))),
            Some(StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            status(admit("GET", "/api/v1/tcping", Some("k"))),
            Some(StatusCode::BAD_REQUEST)
        );
        // What passes says whether the handler reads the body.
        let reads = |m, p| admit(m, p, Some("k")).map(|a| a.reads_body).ok();
        assert_eq!(reads("POST", "/api/v1/instances"), Some(true));
        assert_eq!(reads("GET", "/api/v1/instances"), Some(false));
        assert_eq!(reads("PATCH", "/api/v1/instances/a"), Some(true));
        assert_eq!(reads("PUT", "/api/v1/instances/a"), Some(true));
        assert_eq!(reads("DELETE", "/api/v1/instances/a"), Some(false));
        assert_eq!(reads("POST", "/api/v1/info"), Some(true));
        assert_eq!(reads("GET", "/api/v1/events"), Some(false));
        assert_eq!(reads("GET", "/api/v1/tcping?target=a%3A1"), Some(false));
        assert_eq!(reads("POST", "/api/v2"), Some(true));
        assert_eq!(
            admit("POST", "/api/v1/instances/a%2Fb", Some("k"))
                .ok()
                .and_then(|a| a.instance),
            Some(InstanceId::from_wire("a/b".to_owned()))
        );
    }

    #[test]
    fn every_405_carries_allow() {
        let key = Secret::new("k");
        for (method, path, allow) in [
            ("DELETE", "/api/v1/instances", "GET, POST, OPTIONS"),
            ("HEAD", "/api/v1/events", "GET, OPTIONS"),
            ("PUT", "/api/v1/info", "GET, POST, OPTIONS"),
            ("POST", "/api/v1/tcping", "GET, OPTIONS"),
            ("GET", "/api/v2", "POST, OPTIONS"),
        ] {
            let refusal = admit("/api/v1", &key, &head(method, path, Some("k"))).err();
            let response = refusal.map(ApiFailure::into_response);
            assert_eq!(
                response.as_ref().map(http::Response::status),
                Some(StatusCode::METHOD_NOT_ALLOWED),
                "{method} {path}"
            );
            let response = response.unwrap_or_default();
            assert_eq!(response.headers()[http::header::ALLOW], allow);
            assert_eq!(
                response.body().as_ref(),
                b"{\"error\":\"Method not allowed\"}\n"
            );
            // route makes the same refusal.
            assert_eq!(
                route("/api/v1", &key, &req(method, path, Some("k"), ""))
                    .err()
                    .map(|f| f.status()),
                Some(StatusCode::METHOD_NOT_ALLOWED)
            );
        }
        let detail = instance_method_not_allowed().into_response();
        assert_eq!(
            detail.headers()[http::header::ALLOW],
            "GET, PATCH, PUT, DELETE, OPTIONS"
        );
    }

    #[test]
    fn patch_bodies_decode_as_go_does() {
        assert_eq!(decode_patch(b"{\"alias\":"), None);
        assert_eq!(decode_patch(b"{\"restart\":\"true\"}"), None);
        let p = decode_patch(b"{\"meta\":{\"peer\":{},\"tags\":{\"k\":\"1\",\"k\":\"2\"}}}")
            .unwrap_or_default();
        let meta = p.meta.unwrap_or_default();
        assert_eq!(meta.peer, Some(Peer::default()));
        assert_eq!(
            meta.tags.and_then(|t| t.get("k").cloned()).as_deref(),
            Some("2")
        );
        assert_eq!(decode_patch(b"null"), Some(PatchBody::default()));
    }
}
