//! Server-side helpers: the master's routing, authentication and request decoding as pure
//! functions, for mocks, proxies and tests (v2 `master.go:118-157`, `rest.go`).
//!
//! [`route`] applies the master's order (the v2 MCP path included, [`mcp_path`]): the mux
//! (unknown paths → `404 page not found` as
//! text, without CORS), CORS and `OPTIONS` (200, no auth), the `X-API-Key` check on protected
//! paths (constant time), the method check of each handler (405 JSON), then the body, decoded
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
use nodewire_common::server::empty_response;
use serde_json::Value;

use crate::envelope::{error_response, messages, mux_not_found, set_cors_headers};
use crate::instances::{InstanceId, Peer};
use crate::tcping::target_from_query;

/// A request the master accepted past routing and authentication: the handler it reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    PutInstance(InstanceId, Bytes),
    /// `DELETE /instances/{id}`.
    DeleteInstance(InstanceId),
    /// Another method on `/instances/{id}`: `404` when the instance does not exist, else
    /// `405 Method not allowed`.
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
    Mcp(Bytes),
}

/// A create or replace body: `alias` and `url` as Go decoded them (`url` non-empty).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UrlBody {
    /// `alias` (create only; empty when absent).
    pub alias: String,
    /// `url`.
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

    /// `405 {"error":"Method not allowed"}`.
    pub fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, messages::METHOD_NOT_ALLOWED)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Error { status, .. } => *status,
            Self::MuxNotFound => StatusCode::NOT_FOUND,
        }
    }

    /// The master's response.
    pub fn into_response(self) -> http::Response<Bytes> {
        match self {
            Self::Error { status, message } => error_response(status, &message),
            Self::MuxNotFound => mux_not_found(),
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

/// Routes `request` for a master whose API base is `api_base` (`/api/v1`) and whose key is
/// `key`. `Err` is the response the master sends without reaching a handler's logic.
pub fn route(
    api_base: &str,
    key: &Secret,
    request: &http::Request<Bytes>,
) -> Result<Request, ApiFailure> {
    let path = request.uri().path();
    let method = request.method();
    if path == mcp_path(api_base) {
        if method == Method::OPTIONS {
            return Ok(Request::Preflight);
        }
        check_api_key(request.headers(), key)?;
        return match *method {
            Method::POST => Ok(Request::Mcp(request.body().clone())),
            _ => Err(ApiFailure::method_not_allowed()),
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
        return Ok(Request::Preflight);
    }
    match kind {
        Kind::OpenApi => return Ok(Request::OpenApi),
        Kind::Docs => return Ok(Request::Docs),
        _ => {}
    }
    check_api_key(request.headers(), key)?;
    let body = request.body();
    match kind {
        Kind::Instances => match *method {
            Method::GET => Ok(Request::ListInstances),
            Method::POST => decode_url_body(body, true).map(Request::CreateInstance),
            _ => Err(ApiFailure::method_not_allowed()),
        },
        Kind::Detail(raw) => {
            let decoded = crate::url::go::unescape(&raw, crate::url::go::Mode::Path)
                .map(|d| String::from_utf8_lossy(&d).into_owned())
                .unwrap_or(raw);
            if decoded.is_empty() || decoded == "/" {
                return Err(ApiFailure::bad_request(messages::INSTANCE_ID_REQUIRED));
            }
            let id = InstanceId::from_wire(decoded);
            match *method {
                Method::GET => Ok(Request::GetInstance(id)),
                Method::PATCH => Ok(Request::UpdateInstance(id, decode_patch(body))),
                Method::PUT => Ok(Request::PutInstance(id, body.clone())),
                Method::DELETE => Ok(Request::DeleteInstance(id)),
                _ => Ok(Request::DetailNotAllowed(id)),
            }
        }
        Kind::Events => match *method {
            Method::GET => Ok(Request::Events),
            _ => Err(ApiFailure::method_not_allowed()),
        },
        Kind::Info => match *method {
            Method::GET => Ok(Request::GetInfo),
            Method::POST => {
                let alias = decode_info_alias(body)
                    .map_err(|()| ApiFailure::bad_request(messages::INVALID_REQUEST_BODY))?;
                if alias.len() > crate::instances::MAX_VALUE_LEN {
                    return Err(ApiFailure::bad_request(messages::too_long("Master alias")));
                }
                Ok(Request::UpdateInfo(alias))
            }
            _ => Err(ApiFailure::method_not_allowed()),
        },
        Kind::Tcping => match *method {
            Method::GET => target_from_query(request.uri().query())
                .map(Request::Tcping)
                .ok_or_else(|| ApiFailure::bad_request(messages::TARGET_REQUIRED)),
            _ => Err(ApiFailure::method_not_allowed()),
        },
        Kind::OpenApi | Kind::Docs => Err(ApiFailure::MuxNotFound),
    }
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
