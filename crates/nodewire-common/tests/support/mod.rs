//! What the client tests share: a protocol with bare JSON bodies.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use nodewire_common::{DecodeError, Protocol};

/// A protocol with bare JSON bodies, no revision of its own, and failures read as
/// `"<status>: <body>"`.
// `pub`: the endpoint macros declare `pub` endpoint structs whose protocol is this type.
#[allow(unreachable_pub)]
pub struct Demo;

impl Protocol for Demo {
    const NAME: &'static str = "demo";
    type Success<T> = T;
    type Failure = DecodeError;

    fn decode_response<T: serde::de::DeserializeOwned>(
        status: StatusCode,
        _: &HeaderMap,
        body: &[u8],
    ) -> Result<T, DecodeError> {
        if status.is_success() {
            nodewire_common::error::from_slice(body)
        } else {
            Err(DecodeError::root(format!(
                "{status}: {}",
                String::from_utf8_lossy(body)
            )))
        }
    }

    fn encode_response<T: serde::Serialize>(
        success: &T,
    ) -> Result<http::Response<Bytes>, serde_json::Error> {
        Ok(http::Response::new(serde_json::to_vec(success)?.into()))
    }
}
