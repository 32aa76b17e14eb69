//! Server-side helpers: the telemt request pipeline as a pure function, for mocks, proxies
//! and tests (`src/api/mod.rs:409-492`; contract §3–§4).
//!
//! telemt checks a request in this order, first failure wins: the source-IP whitelist (with
//! its `gray_action`), the `Authorization` value, then routing and the route's own checks, and
//! only then reads the body, in the handlers of the five routes that take one. So every
//! refusal but `413` and the body's own errors comes before a byte of the body is read:
//!
//! 1. [`check_authorization`] (after the whitelist, which is the caller's);
//! 2. [`Request::admit`]: path normalization, username validation on `/v1/users/{u}` (for any
//!    method), routing (`404`, `405` with `Allow`), username validation on the action routes,
//!    read-only mode, and the `?reload=` query of `PATCH /v1/config`;
//! 3. the body, read up to `request_body_limit_bytes` (`413`; a broken body stream is
//!    [`ApiFailure::invalid_request_body`]), then decoded by [`Request::from_http`].
//!
//! Failures come back as an [`ApiFailure`] that renders the exact error envelope. Messages
//! that quote the request (an unknown query key, a section name) quote at most
//! [`ECHO_CHARS`] characters of it.
//!
//! ```
//! use nodewire_telemt::server::Request;
//! let put = http::Request::put("/v1/users/alice").body(bytes::Bytes::new())?;
//! let refused = Request::admit(put.method(), put.uri(), false).err();
//! assert_eq!(refused.and_then(|f| f.allow), Some("GET, PATCH, DELETE".to_owned()));
//! # Ok::<(), http::Error>(())
//! ```

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, header};
use nodewire_common::endpoint::match_template;
use nodewire_common::server::{Arm, RequestEnum, Routing, excerpt};
use nodewire_common::{DecodeError, FromRequestError, Secret};

use crate::endpoints::*;
use crate::envelope::{ErrorCode, encode_error};
use crate::normalize_path;
use crate::reload::ReloadRequest;
use crate::users::{AdTag, Expiration, UserSecret, Username};

/// The default request body limit (`request_body_limit_bytes`, valid `1..=1048576`).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// The most characters of the request an error message quotes (a query key, a section name,
/// a JSON path): telemt quotes them whole; a longer one is cut, with `…`.
pub const ECHO_CHARS: usize = 64;

/// A failure the server answers with an error envelope (`ApiFailure`, `model.rs:13-47`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    /// The HTTP status.
    pub status: StatusCode,
    /// The error code.
    pub code: ErrorCode,
    /// The message.
    pub message: String,
    /// The `Allow` header value (405 only).
    pub allow: Option<String>,
}

impl ApiFailure {
    /// A failure without `Allow`.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            allow: None,
        }
    }

    /// `400 bad_request`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }

    /// `401 unauthorized`.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "Missing or invalid Authorization header",
        )
    }

    /// `403 forbidden` (source IP not allowed, with `gray_action = "api"`).
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "Source IP is not allowed",
        )
    }

    /// `403 read_only`.
    pub fn read_only() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            ErrorCode::ReadOnly,
            "API runs in read-only mode",
        )
    }

    /// `404 not_found` for a route.
    pub fn route_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "Route not found",
        )
    }

    /// `404 not_found` for a user.
    pub fn user_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "User not found")
    }

    /// `405 method_not_allowed` with `Allow`.
    pub fn method_not_allowed(allow: &[Method]) -> Self {
        let allow = allow
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        Self {
            allow: Some(allow),
            ..Self::new(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::MethodNotAllowed,
                "Unsupported HTTP method for this route",
            )
        }
    }

    /// `400 bad_request` "Invalid request body": the body stream broke while it was read
    /// (bad framing, a connection closed mid-body; `http_utils.rs:80`).
    pub fn invalid_request_body() -> Self {
        Self::bad_request("Invalid request body")
    }

    /// `409 revision_conflict`.
    pub fn revision_conflict() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            ErrorCode::RevisionConflict,
            "Config revision mismatch",
        )
    }

    /// `413 payload_too_large`.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("Body exceeds {limit} bytes"),
        )
    }

    /// The error envelope, with the given request id.
    pub fn into_response(self, request_id: u64) -> http::Response<Bytes> {
        encode_error(
            self.status,
            self.code,
            self.message,
            request_id,
            self.allow.as_deref(),
        )
    }
}

/// Checks the `Authorization` header as the server does (`mod.rs:158-160, 464-480`): when a
/// value is configured, the header must equal it byte for byte (no scheme is parsed),
/// compared in constant time. An empty configured value disables the check.
pub fn check_authorization(headers: &HeaderMap, expected: &Secret) -> Result<(), ApiFailure> {
    if expected.expose().is_empty() {
        return Ok(());
    }
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match given {
        Some(value) if expected.ct_eq_str(value) => Ok(()),
        _ => Err(ApiFailure::unauthorized()),
    }
}

macro_rules! telemt_requests {
    ($($e:ident,)*) => {
        nodewire_common::request_enum! {
            /// One decoded request of any telemt route.
            pub enum Request { $($e,)* }
        }
    };
}

crate::__with_endpoints!(telemt_requests);

const ACTION_TEMPLATES: &[&str] = &[
    "/v1/users/{username}/enable",
    "/v1/users/{username}/disable",
    "/v1/users/{username}/rotate-secret",
    "/v1/users/{username}/reset-quota",
];

impl Request {
    /// Runs the checks telemt makes on a request before it reads the body, in its order
    /// (authentication and the source-IP whitelist come first and are the caller's):
    /// username validation on `/v1/users/{u}` for any method, routing (`404`, `405` with
    /// `Allow`), username validation on the action routes once the method matched, read-only
    /// mode (`read_only` refuses every mutating route with `403 read_only`), and the
    /// `?reload=` query of `PATCH /v1/config`. Returns the route; its
    /// [`Metadata::body`](nodewire_common::endpoint::Metadata::body) says whether telemt reads
    /// a body there (`BodyKind::None`: never).
    ///
    /// ```
    /// use nodewire_telemt::server::Request;
    /// let get = http::Request::get("/v1/users/").body(bytes::Bytes::new())?;
    /// let arm = Request::admit(get.method(), get.uri(), false);
    /// assert_eq!(arm.map(|a| a.metadata.name).ok(), Some("ListUsers"));
    /// let bad = http::Request::delete("/v1/users/bad$name").body(bytes::Bytes::new())?;
    /// let refused = Request::admit(bad.method(), bad.uri(), true);
    /// assert_eq!(refused.err().map(|f| f.status), Some(http::StatusCode::BAD_REQUEST));
    /// # Ok::<(), http::Error>(())
    /// ```
    pub fn admit(
        method: &Method,
        uri: &http::Uri,
        read_only: bool,
    ) -> Result<&'static Arm<Self>, ApiFailure> {
        let path = normalize_path(uri.path());

        // `/v1/users/{u}`: the username is validated for any method, before the 405 logic.
        if let Some(params) = match_template("/v1/users/{username}", path)
            && let Some(name) = params.get("username")
            && Username::new(name).is_err()
        {
            return Err(ApiFailure::bad_request(Username::RULE));
        }

        let arm = match Self::route(method, path) {
            Routing::Found(arm) => arm,
            Routing::MethodNotAllowed(allow) => {
                return Err(ApiFailure::method_not_allowed(&allow));
            }
            Routing::NotFound => return Err(ApiFailure::route_not_found()),
        };

        // Action routes validate the username once the method matched, before read-only.
        if ACTION_TEMPLATES.contains(&arm.metadata.path)
            && let Some(params) = arm.metadata.match_path(path)
            && let Some(name) = params.get("username")
            && Username::new(name).is_err()
        {
            return Err(ApiFailure::bad_request(Username::RULE));
        }

        if read_only && arm.metadata.method != Method::GET {
            return Err(ApiFailure::read_only());
        }

        // `PATCH /v1/config` validates its query before it reads the body.
        arm.admit(uri).map_err(failure_for)?;
        Ok(arm)
    }

    /// Decodes an incoming request in the server's order of checks: [`admit`](Self::admit),
    /// then the body (authentication and the source-IP whitelist come first and are the
    /// caller's).
    pub fn from_http(request: &http::Request<Bytes>, read_only: bool) -> Result<Self, ApiFailure> {
        let arm = Self::admit(request.method(), request.uri(), read_only)?;
        arm.decode(request).map_err(failure_for)
    }
}

/// `message` cut to [`ECHO_CHARS`] characters past its first `: ` (where the quoted input
/// starts in telemt's messages), so an answer never echoes more than that of the request.
fn quote(message: &str) -> String {
    match message.split_once(": ") {
        Some((field, quoted)) => format!("{field}: {}", excerpt(quoted, ECHO_CHARS)),
        None => excerpt(message, ECHO_CHARS).into_owned(),
    }
}

/// The server's messages for request validation failures; any other decode failure is
/// `Invalid JSON body`.
const VALIDATION_MESSAGES: &[&str] = &[
    Username::RULE,
    UserSecret::RULE,
    AdTag::RULE,
    Expiration::RULE,
    "timeout_secs is only valid when mode is drain",
    "timeout_secs must be within 1..=3600",
    "timeout_secs is required when mode is drain",
];

fn failure_for(err: FromRequestError) -> ApiFailure {
    match err {
        FromRequestError::Path(_) => ApiFailure::route_not_found(),
        FromRequestError::PathParam { message, .. } => ApiFailure::bad_request(quote(&message)),
        FromRequestError::Query(message) => ApiFailure::bad_request(quote(&message)),
        FromRequestError::Body(err) => body_failure(&err),
        other => ApiFailure::bad_request(quote(&other.to_string())),
    }
}

fn body_failure(err: &DecodeError) -> ApiFailure {
    let message = err.message.as_str();
    if let Some(known) = VALIDATION_MESSAGES.iter().find(|m| message.contains(*m)) {
        return ApiFailure::bad_request(*known);
    }
    if message.starts_with("access.* is managed") {
        return ApiFailure::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::AccessNotEditable,
            "access.* is managed via the users API, not editable here",
        );
    }
    if let Some(rest) = message.strip_prefix("section not editable: ") {
        return ApiFailure::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::SectionNotEditable,
            format!("section not editable: {}", excerpt(rest, ECHO_CHARS)),
        );
    }
    if message.starts_with("empty patch") || message.starts_with("invalid patch") {
        return ApiFailure::bad_request(quote(message));
    }
    if message.contains("expected a map") && err.path == "." {
        return ApiFailure::bad_request("patch must be a JSON object");
    }
    ApiFailure::bad_request("Invalid JSON body")
}

/// Reads the `?reload=` query of `PATCH /v1/config`, for callers that need it before the body.
pub fn reload_query(request: &http::Request<Bytes>) -> Result<Option<ReloadRequest>, ApiFailure> {
    ReloadRequest::from_query(request.uri().query().unwrap_or(""))
        .map_err(|message| ApiFailure::bad_request(quote(&message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, path: &str, body: &'static str) -> http::Request<Bytes> {
        let mut r = http::Request::new(Bytes::from_static(body.as_bytes()));
        *r.method_mut() = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        *r.uri_mut() = path.parse().unwrap_or_default();
        r
    }

    fn fail(method: &str, path: &str, body: &'static str, read_only: bool) -> Option<ApiFailure> {
        Request::from_http(&req(method, path, body), read_only).err()
    }

    #[test]
    fn a_bad_reload_query_is_refused_before_the_body() {
        let uri: http::Uri = "/v1/config?reload=soon".parse().unwrap();
        let refused = Request::admit(&Method::PATCH, &uri, false).unwrap_err();
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert_eq!(refused.message, "reload must be instant or drain");
        // The body, not JSON here, is never read: the query decides first.
        let f = fail("PATCH", "/v1/config?reload=soon", "{", false);
        assert_eq!(
            f.map(|f| f.message).as_deref(),
            Some("reload must be instant or drain")
        );
        let ok: http::Uri = "/v1/config?reload=drain&timeout_secs=5".parse().unwrap();
        assert!(Request::admit(&Method::PATCH, &ok, false).is_ok());
        // Other routes do not read a `reload` query.
        let other: http::Uri = "/v1/users?reload=soon".parse().unwrap();
        assert!(Request::admit(&Method::GET, &other, false).is_ok());
    }

    #[test]
    fn routing_follows_the_server() {
        assert!(matches!(
            Request::from_http(&req("GET", "/v1/users/", ""), false),
            Ok(Request::ListUsers(_))
        ));
        assert!(matches!(
            Request::from_http(&req("GET", "/v1/runtime/me_pool_state", ""), false),
            Ok(Request::GetRuntimeMePoolState(_))
        ));
        assert!(matches!(
            Request::from_http(&req("GET", "/v1/users/quota", ""), false),
            Ok(Request::GetUser(_))
        ));
        let f = fail("POST", "/v1/users/alice", "", false);
        assert_eq!(
            f.as_ref().and_then(|f| f.allow.as_deref()),
            Some("GET, PATCH, DELETE")
        );
        let f = fail("DELETE", "/v1/users", "", false);
        assert_eq!(
            f.as_ref().and_then(|f| f.allow.as_deref()),
            Some("GET, POST")
        );
        let f = fail("DELETE", "/v1/config", "", false);
        assert_eq!(
            f.as_ref().and_then(|f| f.allow.as_deref()),
            Some("GET, PATCH")
        );
        let f = fail("GET", "/v1/users/alice/enable", "", false);
        assert_eq!(f.as_ref().and_then(|f| f.allow.as_deref()), Some("POST"));
        let f = fail("PUT", "/v1/users/bad$name", "", false);
        assert_eq!(f.map(|f| f.status), Some(StatusCode::BAD_REQUEST));
        let f = fail("POST", "/v1/users/bad$name/disable", "", true);
        assert_eq!(f.map(|f| f.status), Some(StatusCode::BAD_REQUEST));
        let f = fail("POST", "/v1/users/alice/disable", "", true);
        assert_eq!(f.map(|f| f.code), Some(ErrorCode::ReadOnly));
        let f = fail("GET", "/v1/system/reload/abc", "", false);
        assert_eq!(f.map(|f| f.status), Some(StatusCode::NOT_FOUND));
        let f = fail("GET", "/v1/nope", "", false);
        assert_eq!(f.map(|f| f.message), Some("Route not found".to_owned()));
    }

    #[test]
    fn bodies_fail_with_the_server_messages() {
        let f = fail("POST", "/v1/users", "", false);
        assert_eq!(f.map(|f| f.message), Some("Invalid JSON body".to_owned()));
        let f = fail(
            "POST",
            "/v1/users",
            r#"{"username":"frank","secret":"00"}"#,
            false,
        );
        assert_eq!(f.map(|f| f.message), Some(UserSecret::RULE.to_owned()));
        let f = fail(
            "POST",
            "/v1/users",
            r#"{"username":"frank","max_tcp_conns":-1}"#,
            false,
        );
        assert_eq!(f.map(|f| f.message), Some("Invalid JSON body".to_owned()));
        let f = fail(
            "POST",
            "/v1/system/reload",
            r#"{"mode":"instant","timeout_secs":5}"#,
            false,
        );
        assert_eq!(
            f.map(|f| f.message),
            Some("timeout_secs is only valid when mode is drain".to_owned())
        );
        let f = fail("PATCH", "/v1/config?foo=1", r#"{"general":{}}"#, false);
        assert_eq!(
            f.map(|f| f.message),
            Some("unknown query parameter: foo".to_owned())
        );
        let f = fail("PATCH", "/v1/config", r#"{"access":{}}"#, false);
        assert_eq!(f.map(|f| f.code), Some(ErrorCode::AccessNotEditable));
        assert!(matches!(
            Request::from_http(&req("POST", "/v1/users/carol/rotate-secret", ""), false),
            Ok(Request::RotateSecret(RotateSecret { body: None, .. }))
        ));
    }

    #[test]
    fn authorization_is_exact() {
        let mut h = HeaderMap::new();
        let key = Secret::new("Bearer X");
        assert!(check_authorization(&h, &key).is_err());
        h.insert(
            header::AUTHORIZATION,
            http::HeaderValue::from_static("Bearer X"),
        );
        assert!(check_authorization(&h, &key).is_ok());
        h.insert(
            header::AUTHORIZATION,
            http::HeaderValue::from_static("bearer X"),
        );
        assert!(check_authorization(&h, &key).is_err());
        assert!(check_authorization(&HeaderMap::new(), &Secret::new("")).is_ok());
    }
}
