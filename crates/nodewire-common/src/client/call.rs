//! One way to call every protocol: [`Client::call`] and its [`Answered`].

use http::{HeaderMap, StatusCode, header};

use super::{Client, ClientError};
use crate::endpoint::{Answer, Endpoint, OneAnswer, Protocol};

/// A successful answer of any protocol, read the same way for all of them: the status, the
/// data, and the revision where the upstream has one.
///
/// `revision` is the upstream's own (telemt's config revision) or, where the upstream sends
/// none in its body, the response's `ETag`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Answered<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The data.
    pub data: T,
    /// The revision of what the answer describes, for a conditional call that follows.
    pub revision: Option<String>,
    /// The response headers.
    pub headers: HeaderMap,
}

impl<T> Answered<T> {
    /// The revision, borrowed: pass it to the next conditional call without a clone.
    pub fn revision(&self) -> Option<&str> {
        self.revision.as_deref()
    }

    /// The data, taken out of the answer.
    pub fn into_data(self) -> T {
        self.data
    }
}

impl Client {
    /// Sends one call and reads the answer the same way for every protocol: an [`Answered`]
    /// with the status, the data and the revision, or a [`ClientError`] whose
    /// [`status`](ClientError::status), [`code`](ClientError::code) and
    /// [`message`](ClientError::message) read every protocol's failure.
    ///
    /// [`send`](Self::send) gives the upstream's own success shape instead (telemt's
    /// envelope, the kernel's reply, the bare value for the others). Stream routes are opened
    /// with [`stream`](Self::stream); `call` refuses them at compile time, as `send` does.
    pub async fn call<E>(
        &self,
        endpoint: &E,
    ) -> Result<Answered<E::Response>, ClientError<<E::Protocol as Protocol>::Failure>>
    where
        E: Endpoint,
        E::Exchange: OneAnswer<E>,
    {
        let response = self.exchange(endpoint).await?;
        let success = E::try_from_http_response(&response).map_err(ClientError::Api)?;
        let status = response.status();
        let (parts, _) = response.into_parts();
        let revision = Answer::<E::Response>::revision(&success)
            .map(str::to_owned)
            .or_else(|| {
                parts
                    .headers
                    .get(header::ETAG)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            });
        Ok(Answered {
            status,
            data: Answer::<E::Response>::into_data(success),
            revision,
            headers: parts.headers,
        })
    }
}
