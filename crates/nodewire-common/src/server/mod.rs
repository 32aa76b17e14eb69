//! The server side every protocol crate shares (feature `server`): request bodies read under
//! a limit, responses, and the request enum that routes a request to its endpoint.
//!
//! - [`Body`]: what the HTTP layer read, the whole body or the fact that it passed the limit;
//!   [`BodyCollector`] reads one chunk by chunk, and with feature `http-body`
//!   [`Body::collect`] reads any `http_body::Body` (hyper's, axum's).
//! - [`json_response`], [`text_response`], [`empty_response`]: responses, with the upstream's
//!   JSON habits held in a [`JsonStyle`].
//! - [`request_enum!`](crate::request_enum): one enum over a protocol's endpoints whose
//!   [`RequestEnum::route`] finds the endpoint of a request by method and path template, so a
//!   server decodes straight into the variant, never through the endpoint's name.
//!
//! - With feature `serve`: `serve` runs a service over TCP under `Limits`, and
//!   `Background` runs a server on its own task until it is stopped or dropped.
//!
//! Apart from those two, nothing here does I/O, and nothing panics on any input.

#[cfg(feature = "serve")]
mod background;
mod body;
mod json;
#[cfg(feature = "serve")]
mod listen;
mod log;
mod requests;

#[cfg(feature = "serve")]
#[cfg_attr(docsrs, doc(cfg(feature = "serve")))]
pub use background::{Background, Shutdown};
pub use body::{Body, BodyCollector, declared_length, declares_body};
pub use json::JsonStyle;
#[cfg(feature = "serve")]
#[cfg_attr(docsrs, doc(cfg(feature = "serve")))]
pub use listen::{BodyError, Limits, RemoteAddr, RequestBody, read_body, serve};
pub use log::{Escaped, excerpt};
pub use requests::{Arm, RequestEnum, Routing, route};

pub use crate::endpoint::require_body;

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;

/// A response with `status`, `Content-Type: <content_type>` and `body` as it is (a text body,
/// or JSON already encoded).
///
/// ```
/// use nodewire_common::server::text_response;
/// let r = text_response(http::StatusCode::OK, "text/plain; charset=utf-8", "ok");
/// assert_eq!((r.status(), r.body().as_ref()), (http::StatusCode::OK, &b"ok"[..]));
/// assert_eq!(r.headers()["content-type"], "text/plain; charset=utf-8");
/// ```
pub fn text_response(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> http::Response<Bytes> {
    let mut response = http::Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A response with `status`, no body and no `Content-Type` (`204`, `101`, a CORS preflight).
///
/// ```
/// let r = nodewire_common::server::empty_response(http::StatusCode::NO_CONTENT);
/// assert!(r.body().is_empty() && r.headers().is_empty());
/// ```
pub fn empty_response(status: StatusCode) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = status;
    response
}

/// `value` as a JSON response with `status`, written in the upstream's `style`.
///
/// ```
/// use nodewire_common::server::{JsonStyle, json_response};
/// const GO: JsonStyle = JsonStyle::go_encoder("application/json");
/// let r = json_response(GO, http::StatusCode::CREATED, &serde_json::json!({"url": "a&b"}))?;
/// assert_eq!(r.status(), http::StatusCode::CREATED);
/// assert_eq!(r.body().as_ref(), b"{\"url\":\"a\\u0026b\"}\n");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn json_response<T: Serialize + ?Sized>(
    style: JsonStyle,
    status: StatusCode,
    value: &T,
) -> Result<http::Response<Bytes>, serde_json::Error> {
    Ok(text_response(
        status,
        style.content_type(),
        style.encode(value)?,
    ))
}

/// The request a server decodes: the head the HTTP layer read and the body it collected.
///
/// ```
/// let (head, ()) = http::Request::post("/v1/users").body(()).unwrap().into_parts();
/// let request = nodewire_common::server::request_from_parts(&head, "{}".into());
/// assert_eq!((request.method(), request.body().as_ref()), (&http::Method::POST, &b"{}"[..]));
/// ```
pub fn request_from_parts(head: &http::request::Parts, body: Bytes) -> http::Request<Bytes> {
    let mut request = http::Request::new(body);
    *request.method_mut() = head.method.clone();
    *request.uri_mut() = head.uri.clone();
    *request.version_mut() = head.version;
    *request.headers_mut() = head.headers.clone();
    request
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FromRequestError;

    #[test]
    fn responses_carry_status_type_and_body() -> Result<(), serde_json::Error> {
        const PLAIN: JsonStyle = JsonStyle::compact("application/json");
        let r = json_response(PLAIN, StatusCode::OK, &[1, 2])?;
        assert_eq!(r.body().as_ref(), b"[1,2]");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
        let r = text_response(StatusCode::NOT_FOUND, "text/plain", "404 page not found\n");
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(r.body().as_ref(), b"404 page not found\n");
        let r = empty_response(StatusCode::SWITCHING_PROTOCOLS);
        assert_eq!(r.status(), StatusCode::SWITCHING_PROTOCOLS);
        assert!(r.headers().get(header::CONTENT_TYPE).is_none());
        Ok(())
    }

    #[test]
    fn parts_and_body_make_the_request() {
        let head = http::Request::builder()
            .method("PATCH")
            .uri("/v1/config?reload=true")
            .header("if-match", "\"abc\"")
            .body(())
            .map(|r| r.into_parts().0);
        let Ok(head) = head else {
            panic!("the request builds");
        };
        let request = request_from_parts(&head, Bytes::from_static(b"{}"));
        assert_eq!(request.method(), http::Method::PATCH);
        assert_eq!(request.uri().query(), Some("reload=true"));
        assert_eq!(request.headers()["if-match"], "\"abc\"");
        assert_eq!(request.body().as_ref(), b"{}");
    }

    #[test]
    fn an_absent_required_body_is_refused() {
        match require_body::<u8>(None) {
            Err(FromRequestError::Body(e)) => assert_eq!(e.message, "empty body"),
            other => panic!("{other:?}"),
        }
    }
}
