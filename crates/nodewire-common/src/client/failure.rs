//! What a failed call says, the same way for every protocol.

use std::borrow::Cow;

use http::StatusCode;

use super::ClientError;
use crate::endpoint::Failure;

impl<F: Failure> ClientError<F> {
    /// The HTTP status the server answered with, when it answered with a failure
    /// ([`Failure::status`]).
    ///
    /// ```
    /// use nodewire_common::client::ClientError;
    /// let e: ClientError<nodewire_common::DecodeError> = ClientError::TooLarge(1);
    /// assert_eq!(e.status(), None);
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(failure) => failure.status(),
            _ => None,
        }
    }

    /// The upstream's error code, when it sent one ([`Failure::code`]): a `409` of telemt's
    /// is `e.code() == Some(&ErrorCode::RevisionConflict)`, whatever else the error is.
    pub fn code(&self) -> Option<&F::Code> {
        match self {
            Self::Api(failure) => failure.code(),
            _ => None,
        }
    }

    /// The upstream's error message, when the server answered with a failure
    /// ([`Failure::message`]); the error's `Display` describes every other case.
    pub fn message(&self) -> Option<Cow<'_, str>> {
        match self {
            Self::Api(failure) => failure.message(),
            _ => None,
        }
    }

    /// The failure the server answered with, if it did.
    pub fn api(&self) -> Option<&F> {
        match self {
            Self::Api(failure) => Some(failure),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DecodeError;

    #[test]
    fn only_an_api_failure_has_a_code_and_message() {
        let api: ClientError<DecodeError> = ClientError::Api(DecodeError::root("bad"));
        assert_eq!(api.message().as_deref(), Some("bad"));
        assert_eq!((api.status(), api.code()), (None, None));
        assert!(api.api().is_some());
        let other: ClientError<DecodeError> = ClientError::NotAStream("text/html".into());
        assert_eq!(other.message(), None);
        assert!(other.api().is_none());
    }
}
