//! Server-side helpers: the kernel's request pipeline as a pure function, for mocks, proxies
//! and tests.
//!
//! [`Request::from_http`] checks authentication (every route but `GET /healthz`), routes the
//! request (`404`, `405` with `Allow`), then decodes the path, query and body of the matched
//! operation. Failures come back as an [`ApiFailure`] that renders the `{code, message}` body.
//! core.yaml maps no codes to statuses; the codes used are those of [`codes`].
//!
//! A server exposed to the network refuses before it reads: [`Request::admit`] runs the
//! checks the request head decides (authentication, routing) before a byte of the body is
//! read; then the body is read under the limit, and [`Request::from_http`] decodes it. An
//! error message names the field and quotes at most a short piece of the input.
//!
//! What the real panel needs from a kernel, beyond core.yaml:
//!
//! - **Control tokens** (contract §8 row 8): the panel sends a bare `control_token` as
//!   `Authorization: Bearer <token>`; [`AuthConfig::bearer`] accepts it next to Basic.
//! - **Discovery** (contract §8 row 7): the panel's node sync first calls
//!   `GET /v1/nodes/{id}/config` ([`PANEL_DISCOVERY_PATH`]), which core.yaml does not define,
//!   and falls back to `GET /v1/protocols` **only on a 404** (`pkg/kernel/http_provider.go:70-76`).
//!   Once authenticated, that path (any method) answers 404 `NOT_FOUND`, never 405.
//!
//! ```
//! use nodewire_kernel::auth::AuthConfig;
//! use nodewire_kernel::server::Request;
//! let open = AuthConfig { allow_insecure: true, ..AuthConfig::default() };
//! let req = http::Request::builder()
//!     .uri("/v1/users/vip-001?redact=true")
//!     .body(bytes::Bytes::new())
//!     .unwrap();
//! match Request::from_http(&req, &open) {
//!     Ok(Request::GetUser(call)) => assert_eq!((call.id.as_str(), call.redact), ("vip-001", Some(true))),
//!     other => panic!("{other:?}"),
//! }
//! ```

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use nodewire_common::FromRequestError;
use nodewire_common::server::{Arm, RequestEnum, Routing, json_response, text_response};

use crate::auth::{AuthConfig, AuthError};
use crate::endpoints::*;
use crate::envelope::JSON_STYLE;
use crate::envelope::{ErrorResponse, codes};

/// The panel's discovery route, `GET /v1/nodes/{id}/config` (not in core.yaml; contract §8
/// row 7): answered 404 so the panel falls back to `GET /v1/protocols`.
pub const PANEL_DISCOVERY_PATH: &str = "/v1/nodes/{id}/config";

/// `true` for a path the panel's discovery call uses (`/v1/nodes/<id>/config`).
pub fn is_panel_discovery(path: &str) -> bool {
    nodewire_common::endpoint::match_template(PANEL_DISCOVERY_PATH, path).is_some()
}

/// The default request body limit of the helpers and the mock (1 MiB; core.yaml states none).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// A failure answered with an [`ErrorResponse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: ErrorResponse,
    /// The `Allow` header (405 only).
    pub allow: Option<String>,
}

impl ApiFailure {
    /// A failure without `Allow`.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorResponse::new(code, message),
            allow: None,
        }
    }

    /// `400 BAD_REQUEST`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, message)
    }

    /// `404 NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, message)
    }

    /// `409 CONFLICT`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, codes::CONFLICT, message)
    }

    /// `413 PAYLOAD_TOO_LARGE`.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::PAYLOAD_TOO_LARGE,
            format!("body exceeds {limit} bytes"),
        )
    }

    /// `401 UNAUTHORIZED`.
    pub fn unauthorized(error: AuthError) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            codes::UNAUTHORIZED,
            error.to_string(),
        )
    }

    /// `405 METHOD_NOT_ALLOWED` with `Allow`.
    pub fn method_not_allowed(allow: &[Method]) -> Self {
        Self {
            allow: Some(
                allow
                    .iter()
                    .map(Method::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ..Self::new(
                StatusCode::METHOD_NOT_ALLOWED,
                codes::METHOD_NOT_ALLOWED,
                "method not allowed",
            )
        }
    }

    /// The response: the JSON body, `WWW-Authenticate: Basic` on a 401, `Allow` on a 405.
    pub fn into_response(self) -> http::Response<Bytes> {
        let mut response =
            json_response(JSON_STYLE, self.status, &self.body).unwrap_or_else(|_| {
                text_response(
                    self.status,
                    JSON_STYLE.content_type(),
                    r#"{"code":"INTERNAL","message":"internal error"}"#,
                )
            });
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"zero-core\""),
            );
        }
        if let Some(allow) = self.allow.and_then(|a| HeaderValue::from_str(&a).ok()) {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        response
    }
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status, self.body.code, self.body.message
        )
    }
}

impl std::error::Error for ApiFailure {}

impl From<FromRequestError> for ApiFailure {
    /// A request that does not decode: 404 for a path that is not the route's, 405 for
    /// another method, else 400 with a message that names the field and quotes at most a
    /// short piece of the input.
    fn from(err: FromRequestError) -> Self {
        match err {
            FromRequestError::Path(path) => Self::not_found(no_route(&path)),
            FromRequestError::Method { expected, .. } => Self::method_not_allowed(&[expected]),
            other => Self::bad_request(input_error(&other.to_string())),
        }
    }
}

/// `no route for `<path>``, the path cut short.
fn no_route(path: &str) -> String {
    input_error(&format!("no route for `{path}`"))
}

/// The most characters of the peer's input an error message quotes.
const QUOTE_CHARS: usize = 64;

/// The most characters of an error message about the peer's input.
const MESSAGE_CHARS: usize = 300;

/// A decoding error's text made fit to send back to the peer that caused it: every quoted
/// piece of the input (`"…"` or `` `…` ``) cut to 64 characters, the whole to 300, and the
/// Rust names serde uses for the expected type replaced by JSON's (`expected u64` → `expected
/// a non-negative integer`, `expected struct RawRecord` → `expected an object`, `a sequence`
/// → `an array`, a type name in parentheses dropped).
pub(crate) fn input_error(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MESSAGE_CHARS * 2));
    let mut plain = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '"' && c != '`' {
            plain.push(c);
            continue;
        }
        out.push_str(&json_type_names(&plain));
        plain.clear();
        let mut quoted = String::new();
        let mut closed = false;
        while let Some(q) = chars.next() {
            if q == c {
                closed = true;
                break;
            }
            quoted.push(q);
            if q == '\\'
                && c == '"'
                && let Some(escaped) = chars.next()
            {
                quoted.push(escaped);
            }
        }
        out.push(c);
        out.push_str(&nodewire_common::server::excerpt(&quoted, QUOTE_CHARS));
        if closed {
            out.push(c);
        }
    }
    out.push_str(&json_type_names(&plain));
    nodewire_common::server::excerpt(&out, MESSAGE_CHARS).into_owned()
}

/// JSON's name for what serde calls a Rust type after `expected `.
fn json_name(rust: &str) -> Option<&'static str> {
    match rust {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => Some("a non-negative integer"),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => Some("an integer"),
        "f32" | "f64" => Some("a number"),
        "struct" | "map" => Some("an object"),
        "enum" => Some("one of the known values"),
        _ => None,
    }
}

/// [`input_error`] outside quotes: serde's Rust names replaced by JSON's.
fn json_type_names(text: &str) -> String {
    const EXPECTED: &str = "expected ";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, after)) = rest
        .find(EXPECTED)
        .and_then(|at| rest.split_at_checked(at + EXPECTED.len()))
    {
        out.push_str(before);
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let Some((word, tail)) = after.split_at_checked(end) else {
            rest = after;
            break;
        };
        match json_name(word) {
            Some(name) => {
                out.push_str(name);
                // `struct RawRecord`, `enum Kind`: the type's name goes too.
                rest = match word {
                    "struct" | "enum" => tail.strip_prefix(' ').map_or(tail, |t| {
                        t.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
                    }),
                    _ => tail,
                };
            }
            None => {
                out.push_str(word);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    drop_type_parentheses(
        &out.replace("a sequence", "an array")
            .replace("type: sequence", "type: array")
            .replace("type: map", "type: object"),
    )
}

/// Drops ` (TypeName)`: a capitalised identifier in parentheses, which is a Rust type's name.
fn drop_type_parentheses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" (") {
        let Some((before, after)) = rest.split_at_checked(at) else {
            break;
        };
        out.push_str(before);
        let inner = after.get(2..).unwrap_or_default();
        let end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let is_type = inner.starts_with(|c: char| c.is_ascii_uppercase())
            && inner.get(end..).is_some_and(|t| t.starts_with(')'));
        if is_type {
            rest = inner.get(end + 1..).unwrap_or_default();
        } else {
            out.push_str(" (");
            rest = inner;
        }
    }
    out.push_str(rest);
    out
}

macro_rules! kernel_requests {
    ($($e:ident,)*) => {
        nodewire_common::request_enum! {
            /// One decoded request of any kernel operation.
            pub enum Request { $($e,)* }
        }
    };
}

crate::__with_kernel_endpoints!(kernel_requests);

/// The operation of a request, found from its head.
type Operation = &'static Arm<Request>;

impl Request {
    /// The checks the request head decides, so that a request refused by them is refused
    /// before its body is read: authentication first (401; routes without auth, `GET
    /// /healthz`, are found first and skip it), then the panel's discovery path (404), then
    /// routing (404, 405 with `Allow`). Then read the body (under the limit, 413 beyond,
    /// [`ApiFailure::payload_too_large`]) and call [`from_http`](Self::from_http), which runs
    /// these checks again (they are pure) and decodes the operation's path, query and body.
    ///
    /// ```
    /// use nodewire_kernel::auth::AuthConfig;
    /// use nodewire_kernel::server::Request;
    /// let auth = AuthConfig { basic: Some(("panel".into(), "s3cret".into())), ..AuthConfig::default() };
    /// let (head, _) = http::Request::post("/v1/users").body(()).unwrap().into_parts();
    /// assert_eq!(Request::admit(&head, &auth).unwrap_err().status, 401);
    /// ```
    pub fn admit(head: &http::request::Parts, auth: &AuthConfig) -> Result<(), ApiFailure> {
        Self::operation(&head.method, head.uri.path(), &head.headers, auth).map(|_| ())
    }

    /// [`admit`](Self::admit)'s checks, and the operation they found.
    fn operation(
        method: &Method,
        path: &str,
        headers: &HeaderMap,
        auth: &AuthConfig,
    ) -> Result<Operation, ApiFailure> {
        let routing = Self::route(method, path);
        let open = matches!(routing, Routing::Found(arm) if arm.public);
        if !open {
            auth.check(headers).map_err(ApiFailure::unauthorized)?;
        }
        if is_panel_discovery(path) {
            return Err(ApiFailure::not_found(format!(
                "{}: node configs are served by GET /v1/protocols",
                no_route(path)
            )));
        }
        match routing {
            Routing::Found(arm) => Ok(arm),
            Routing::MethodNotAllowed(allow) => Err(ApiFailure::method_not_allowed(&allow)),
            Routing::NotFound => Err(ApiFailure::not_found(no_route(path))),
        }
    }

    /// Decodes an incoming request: the checks of [`admit`](Self::admit), then the
    /// operation's path, query and body. The body limit is the caller's
    /// ([`ApiFailure::payload_too_large`]).
    pub fn from_http(
        request: &http::Request<Bytes>,
        auth: &AuthConfig,
    ) -> Result<Self, ApiFailure> {
        let arm = Self::operation(
            request.method(),
            request.uri().path(),
            request.headers(),
            auth,
        )?;
        arm.decode(request).map_err(ApiFailure::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nodewire_common::Secret;

    fn req(
        method: &str,
        uri: &str,
        auth: Option<&str>,
        body: &'static str,
    ) -> http::Request<Bytes> {
        let mut r = http::Request::new(Bytes::from_static(body.as_bytes()));
        *r.method_mut() = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        *r.uri_mut() = uri.parse().unwrap_or_default();
        if let Some(a) = auth {
            r.headers_mut()
                .insert(header::AUTHORIZATION, HeaderValue::from_str(a).unwrap());
        }
        r
    }

    fn config() -> AuthConfig {
        AuthConfig {
            basic: Some(("panel".into(), Secret::new("s3cret"))),
            ..AuthConfig::default()
        }
    }

    const AUTH: Option<&str> = Some("Basic cGFuZWw6czNjcmV0");

    #[test]
    fn routing_and_auth() {
        let c = config();
        assert!(matches!(
            Request::from_http(&req("GET", "/healthz", None, ""), &c),
            Ok(Request::GetHealthz(_))
        ));
        let f = Request::from_http(&req("GET", "/v1/status", None, ""), &c).err();
        assert_eq!(f.map(|f| f.status), Some(StatusCode::UNAUTHORIZED));
        let f = Request::from_http(&req("GET", "/v1/nope", None, ""), &c).err();
        assert_eq!(f.map(|f| f.status), Some(StatusCode::UNAUTHORIZED));
        let f = Request::from_http(&req("GET", "/v1/nope", AUTH, ""), &c).err();
        assert_eq!(f.map(|f| f.status), Some(StatusCode::NOT_FOUND));
        let f = Request::from_http(&req("PUT", "/v1/security/rate-limits", AUTH, ""), &c).err();
        assert_eq!(
            f.and_then(|f| f.allow),
            Some("GET, POST, DELETE".to_owned())
        );
        assert!(matches!(
            Request::from_http(&req("POST", "/v1/users/import", AUTH, "[]"), &c),
            Ok(Request::ImportUsers(_))
        ));
        assert!(matches!(
            Request::from_http(&req("PATCH", "/v1/users/a%20b", AUTH, "{}"), &c),
            Ok(Request::PatchUser(PatchUser { ref id, .. })) if id == "a b"
        ));
        let f = Request::from_http(&req("POST", "/api/v1/kernel/events", AUTH, "{}"), &c).err();
        assert_eq!(f.map(|f| f.status), Some(StatusCode::NOT_FOUND));
    }

    fn head(method: &str, uri: &str, auth: Option<&str>) -> http::request::Parts {
        req(method, uri, auth, "").into_parts().0
    }

    #[test]
    fn admit_decides_from_the_head_auth_before_routing() {
        let c = config();
        let status = |h: &http::request::Parts| Request::admit(h, &c).err().map(|f| f.status);
        // Without credentials even an unknown path is a 401: nothing tells the caller which
        // routes exist.
        assert_eq!(
            status(&head("POST", "/v1/users", None)),
            Some(StatusCode::UNAUTHORIZED)
        );
        assert_eq!(
            status(&head("GET", "/v1/nope", None)),
            Some(StatusCode::UNAUTHORIZED)
        );
        assert_eq!(status(&head("GET", "/healthz", None)), None);
        assert_eq!(
            status(&head("GET", "/v1/nope", AUTH)),
            Some(StatusCode::NOT_FOUND)
        );
        let f = Request::admit(&head("PUT", "/v1/security/rate-limits", AUTH), &c).err();
        let response = f.map(ApiFailure::into_response);
        assert_eq!(
            response.as_ref().map(|r| r.status()),
            Some(StatusCode::METHOD_NOT_ALLOWED)
        );
        assert!(response.is_some_and(|r| r.headers()[header::ALLOW] == "GET, POST, DELETE"));
        // A head that passes leaves the body to `from_http`, which checks it all again.
        assert_eq!(status(&head("POST", "/v1/users", AUTH)), None);
        let f = Request::from_http(&req("POST", "/v1/users", AUTH, "{"), &c).err();
        assert_eq!(f.map(|f| f.status), Some(StatusCode::BAD_REQUEST));
    }

    #[test]
    fn error_messages_quote_little_and_name_json_types() {
        let long = "y".repeat(5000);
        let text = format!(
            "body at `users[0].traffic.used`: invalid type: string \"{long}\", expected u64 (line 1, column 9)"
        );
        let message = input_error(&text);
        assert!(message.chars().count() <= MESSAGE_CHARS + 1, "{message}");
        assert!(message.starts_with("body at `users[0].traffic.used`: invalid type: string \"yyy"));
        assert!(
            message.ends_with("expected a non-negative integer (line 1, column 9)"),
            "{message}"
        );
        assert_eq!(
            input_error("invalid type: integer `1`, expected struct RawRecord"),
            "invalid type: integer `1`, expected an object"
        );
        assert_eq!(
            input_error("invalid type: map, expected a sequence"),
            "invalid type: object, expected an array"
        );
        assert_eq!(
            input_error("expected a string (NodeEventStatus) (line 1, column 2)"),
            "expected a string (line 1, column 2)"
        );
        assert_eq!(
            input_error(r#"unknown variant `a\"b`, expected `c` or `d`"#),
            r#"unknown variant `a\"b`, expected `c` or `d`"#
        );
        let path = format!("/v1/{long}");
        let f = Request::from_http(&req("GET", &path, AUTH, ""), &config()).err();
        assert!(f.is_some_and(
            |f| f.status == StatusCode::NOT_FOUND && f.body.message.chars().count() < 200
        ));
    }

    #[test]
    fn the_panels_discovery_call_gets_a_404_and_bearer_tokens_pass() {
        let c = AuthConfig {
            bearer: Some(Secret::new("tok")),
            ..config()
        };
        for auth in [AUTH, Some("Bearer tok")] {
            let f = Request::from_http(&req("GET", "/v1/nodes/edge-1/config", auth, ""), &c).err();
            assert_eq!(
                f.map(|f| (f.status, f.body.code)),
                Some((StatusCode::NOT_FOUND, "NOT_FOUND".to_owned()))
            );
        }
        let f = Request::from_http(&req("GET", "/v1/nodes/edge-1/config", None, ""), &c).err();
        assert_eq!(f.map(|f| f.status), Some(StatusCode::UNAUTHORIZED));
        assert!(matches!(
            Request::from_http(&req("GET", "/v1/protocols", Some("Bearer tok"), ""), &c),
            Ok(Request::ListProtocols(_))
        ));
    }

    #[test]
    fn bad_requests_name_the_fault() {
        let c = config();
        let f = Request::from_http(
            &req(
                "DELETE",
                "/v1/security/rate-limits?scope=route&key=x",
                AUTH,
                "",
            ),
            &c,
        )
        .err();
        assert!(f.is_some_and(|f| f.body.message.contains("scope")));
        let f = Request::from_http(
            &req("POST", "/v1/users", AUTH, r#"{"id":"a","username":"b"}"#),
            &c,
        )
        .err();
        assert!(
            f.is_some_and(|f| f.body.code == "BAD_REQUEST" && f.body.message.contains("password"))
        );
        let f = Request::from_http(&req("GET", "/v1/status/stream?interval=0", AUTH, ""), &c).err();
        assert!(f.is_some_and(|f| f.body.message.contains("interval")));
    }
}
