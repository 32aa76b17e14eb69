//! The node's auth key on the wire, on both sides.
//!
//! - HTTP: every route except `POST /node/register` carries the key in the `x-node-auth-key`
//!   header.
//! - gRPC: the key travels as the `x-node-auth-key` metadata entry; when that entry is absent
//!   or empty, Core reads the request's `authKey` field instead ([`select_key`]).
//!
//! Keys are [`Secret`]s: redacted in `Debug`, compared in constant time ([`verify`]), and
//! marked sensitive in header maps so HTTP stacks keep them out of logs.
//!
//! ```
//! use nodewire_common::Secret;
//! use nodewire_core::auth;
//!
//! let mut headers = http::HeaderMap::new();
//! headers.insert(nodewire_core::AUTH_HEADER, auth::header_value(&Secret::new("k-123")).unwrap());
//! let presented = auth::key_from_headers(&headers).unwrap();
//! assert!(auth::verify(&presented, &Secret::new("k-123")));
//! assert!(!auth::verify(&presented, &Secret::new("k-124")));
//! ```

use http::{HeaderMap, HeaderValue};
use nodewire_common::Secret;

use crate::proto;

/// The header (HTTP) and metadata key (gRPC) that carries the node's key, also
/// [`nodewire_core::AUTH_HEADER`](crate::AUTH_HEADER).
pub const AUTH_HEADER: &str = "x-node-auth-key";

/// A key that cannot travel in a header: it has characters other than visible ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the auth key has characters a header cannot carry (only visible ASCII is allowed)")]
pub struct InvalidKey;

/// The key in `headers`, if the header is present, readable and not empty.
pub fn key_from_headers(headers: &HeaderMap) -> Option<Secret> {
    non_empty(headers.get(AUTH_HEADER)?.to_str().ok()?)
}

/// The header value for `key`, marked sensitive.
pub fn header_value(key: &Secret) -> Result<HeaderValue, InvalidKey> {
    if !is_visible_ascii(key.expose()) {
        return Err(InvalidKey);
    }
    let mut value = HeaderValue::from_str(key.expose()).map_err(|_| InvalidKey)?;
    value.set_sensitive(true);
    Ok(value)
}

/// The rule for gRPC: the metadata entry when it is present and not empty, else the request's
/// `authKey` field when that is not empty, else nothing.
pub fn select_key(metadata: Option<&str>, field: Option<&str>) -> Option<Secret> {
    metadata
        .and_then(non_empty)
        .or_else(|| field.and_then(non_empty))
}

/// Compares a presented key with the expected one in constant time (only the lengths may
/// leak).
pub fn verify(presented: &Secret, expected: &Secret) -> bool {
    expected.ct_eq_str(presented.expose())
}

fn non_empty(text: &str) -> Option<Secret> {
    (!text.is_empty()).then(|| Secret::new(text))
}

fn is_visible_ascii(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic())
}

/// The `authKey` field every request message carries (field 1).
pub trait AuthKeyField {
    /// The field's value.
    fn auth_key_field(&self) -> Option<&str>;
    /// Sets or clears the field.
    fn set_auth_key_field(&mut self, key: Option<&Secret>);
}

macro_rules! auth_key_field {
    ($($message:ident),* $(,)?) => {
        $(
            impl AuthKeyField for proto::$message {
                fn auth_key_field(&self) -> Option<&str> {
                    self.auth_key.as_deref()
                }
                fn set_auth_key_field(&mut self, key: Option<&Secret>) {
                    self.auth_key = key.map(|k| k.expose().to_owned());
                }
            }
        )*
    };
}

auth_key_field!(
    HeartbeatRequest,
    ReportUsageRequest,
    ReportOutboundUsageRequest,
    GetLatestConfigRequest,
    ConfirmConfigAppliedRequest,
    ReportNodeStatsRequest,
    ReportSessionEventsRequest,
    ReportErrorRequest,
);

/// The key of a gRPC request, by [`select_key`]'s rule (server side).
#[cfg(any(feature = "client", feature = "server"))]
pub fn key_from_request<T: AuthKeyField>(request: &tonic::Request<T>) -> Option<Secret> {
    let metadata = request
        .metadata()
        .get(AUTH_HEADER)
        .and_then(|v| v.to_str().ok());
    select_key(metadata, request.get_ref().auth_key_field())
}

/// Puts `key` into a gRPC request's metadata, marked sensitive (client side).
#[cfg(any(feature = "client", feature = "server"))]
pub fn attach_key<T>(request: &mut tonic::Request<T>, key: &Secret) -> Result<(), InvalidKey> {
    let value = metadata_value(key)?;
    request.metadata_mut().insert(AUTH_HEADER, value);
    Ok(())
}

#[cfg(any(feature = "client", feature = "server"))]
fn metadata_value(key: &Secret) -> Result<tonic::metadata::AsciiMetadataValue, InvalidKey> {
    if !is_visible_ascii(key.expose()) {
        return Err(InvalidKey);
    }
    let mut value =
        tonic::metadata::AsciiMetadataValue::try_from(key.expose()).map_err(|_| InvalidKey)?;
    value.set_sensitive(true);
    Ok(value)
}

/// A tonic interceptor that attaches the key to every call, for use with the generated
/// client's `with_interceptor` (client side).
#[cfg(feature = "client")]
#[derive(Clone)]
pub struct AuthInterceptor {
    value: tonic::metadata::AsciiMetadataValue,
}

#[cfg(feature = "client")]
impl AuthInterceptor {
    /// An interceptor sending `key`.
    pub fn new(key: &Secret) -> Result<Self, InvalidKey> {
        Ok(Self {
            value: metadata_value(key)?,
        })
    }
}

#[cfg(feature = "client")]
impl std::fmt::Debug for AuthInterceptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthInterceptor([redacted])")
    }
}

#[cfg(feature = "client")]
impl tonic::service::Interceptor for AuthInterceptor {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        request
            .metadata_mut()
            .insert(AUTH_HEADER, self.value.clone());
        Ok(request)
    }
}

/// An HTTP client for Core at `base_url` that sends `key` with every call (client side):
/// [`Core::client`](crate::Core::client) with a key.
#[cfg(feature = "client")]
pub fn http_client(
    base_url: impl Into<String>,
    key: Secret,
) -> Result<nodewire_common::client::Client, nodewire_common::IntoRequestError> {
    crate::Core::client(base_url, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_wins_and_the_field_is_the_fallback() {
        assert_eq!(
            select_key(Some("m"), Some("f")).map(|k| k.expose().to_owned()),
            Some("m".to_owned())
        );
        assert_eq!(
            select_key(None, Some("f")).map(|k| k.expose().to_owned()),
            Some("f".to_owned())
        );
        assert_eq!(
            select_key(Some(""), Some("f")).map(|k| k.expose().to_owned()),
            Some("f".to_owned())
        );
        assert!(select_key(None, Some("")).is_none());
        assert!(select_key(None, None).is_none());
    }

    #[test]
    fn keys_that_cannot_be_headers_are_refused() {
        assert_eq!(header_value(&Secret::new("a b")), Err(InvalidKey));
        assert_eq!(header_value(&Secret::new("ключ")), Err(InvalidKey));
        assert_eq!(header_value(&Secret::new("")), Err(InvalidKey));
        let value = header_value(&Secret::new("abc")).unwrap();
        assert!(value.is_sensitive());
        let mut headers = HeaderMap::new();
        headers.insert(AUTH_HEADER, HeaderValue::from_static(""));
        assert!(key_from_headers(&headers).is_none());
    }

    #[test]
    fn every_request_message_has_the_field() {
        let key = Secret::new("k");
        let mut m = proto::ReportErrorRequest::default();
        m.set_auth_key_field(Some(&key));
        assert_eq!(m.auth_key_field(), Some("k"));
        m.set_auth_key_field(None);
        assert_eq!(m.auth_key_field(), None);
    }

    #[cfg(any(feature = "client", feature = "server"))]
    #[test]
    fn grpc_requests_carry_the_key_in_metadata() {
        let mut request = tonic::Request::new(proto::HeartbeatRequest {
            auth_key: Some("field".into()),
            ..Default::default()
        });
        assert_eq!(
            key_from_request(&request).map(|k| k.expose().to_owned()),
            Some("field".to_owned())
        );
        attach_key(&mut request, &Secret::new("meta")).unwrap();
        assert_eq!(
            key_from_request(&request).map(|k| k.expose().to_owned()),
            Some("meta".to_owned())
        );
        assert!(attach_key(&mut request, &Secret::new("bad\nkey")).is_err());
    }
}
