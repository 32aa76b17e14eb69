//! Server-side helpers: the kernel's request pipeline as a pure function, for mocks, proxies
//! and tests.
//!
//! [`Request::from_http`] checks authentication (every route but `GET /healthz`), routes the
//! request (`404`, `405` with `Allow`), then decodes the path, query and body of the matched
//! operation. Failures come back as an [`ApiFailure`] that renders the `{code, message}` body.
//! core.yaml maps no codes to statuses; the codes used are those of [`codes`].
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
use http::{HeaderValue, Method, StatusCode, header};
use nodewire_common::FromRequestError;
use nodewire_common::server::{RequestEnum, Routing, json_response, text_response};

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
    fn from(err: FromRequestError) -> Self {
        match err {
            FromRequestError::Path(path) => Self::not_found(format!("no route for `{path}`")),
            FromRequestError::Method { expected, .. } => Self::method_not_allowed(&[expected]),
            other => Self::bad_request(other.to_string()),
        }
    }
}

/// Whether an operation needs authentication ([`KernelEndpoint::AUTH`]): the fact the
/// server checks before it decodes anything.
const fn requires_auth<E: KernelEndpoint>() -> bool {
    E::AUTH
}

macro_rules! kernel_requests {
    ($($e:ident,)*) => {
        nodewire_common::request_enum! {
            /// One decoded request of any kernel operation.
            pub enum Request { $($e,)* }
            facts: bool = requires_auth;
        }
    };
}

crate::__with_kernel_endpoints!(kernel_requests);

impl Request {
    /// Decodes an incoming request: authentication first (except for routes without auth,
    /// which are found first), then routing, then the operation's path, query and body.
    /// The body limit is the caller's ([`ApiFailure::payload_too_large`]).
    pub fn from_http(
        request: &http::Request<Bytes>,
        auth: &AuthConfig,
    ) -> Result<Self, ApiFailure> {
        let path = request.uri().path();
        let routing = Self::route(request.method(), path);
        let open = matches!(routing, Routing::Found(arm) if !arm.facts);
        if !open {
            auth.check(request.headers())
                .map_err(ApiFailure::unauthorized)?;
        }
        if is_panel_discovery(path) {
            return Err(ApiFailure::not_found(format!(
                "no route for `{path}`: node configs are served by GET /v1/protocols"
            )));
        }
        match routing {
            Routing::Found(arm) => arm.decode(request).map_err(ApiFailure::from),
            Routing::MethodNotAllowed(allow) => Err(ApiFailure::method_not_allowed(&allow)),
            Routing::NotFound => Err(ApiFailure::not_found(format!("no route for `{path}`"))),
        }
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
