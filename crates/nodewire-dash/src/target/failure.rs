//! Transport failures classified for the fallback rule, from the error types in an error's
//! source chain (never from its text).

use std::error::Error;
use std::io;

/// A transport failure, classified the way the fallback rule needs it.
///
/// [`TransportFailure::of_error`] (and, with the `client` feature,
/// `TransportFailure::of_client_error`) derives it from the error types
/// in a failure's source chain: an [`io::Error`] of kind
/// [`ConnectionRefused`](io::ErrorKind::ConnectionRefused), and with the `rustls` feature
/// the `rustls::Error` a TLS handshake failed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportFailure {
    /// The server answered the TLS handshake with something that is not a TLS record (Go:
    /// `tls.RecordHeaderError`, "first record does not look like a TLS handshake"; rustls: a
    /// record of an unknown content type or protocol version, or longer than TLS allows), as
    /// a plain HTTP server does.
    PlaintextServer,
    /// The server certificate was refused.
    Certificate(CertificateProblem),
    /// The connection was refused (counted by [`Delivery`](crate::agent::Delivery)).
    ConnectionRefused,
    /// Anything else (timeouts, resets, DNS, other TLS alerts).
    Other,
}

/// Why a certificate was refused (Go's `x509` error types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateProblem {
    /// Signed by an unknown authority (`x509.UnknownAuthorityError`; rustls `UnknownIssuer`).
    UnknownAuthority,
    /// Not valid for the host name (`x509.HostnameError`; rustls `NotValidForName`).
    Hostname,
    /// Expired (`x509.CertificateInvalidError` with reason `Expired`; rustls `Expired`).
    Expired,
    /// Otherwise invalid (any other certificate error).
    Invalid,
}

impl TransportFailure {
    /// Classifies an error by the types in its source chain: the first link that is an
    /// [`io::Error`] of kind `ConnectionRefused`, or (with the `rustls` feature) a
    /// `rustls::Error` for a non-TLS answer or a refused certificate, decides; an
    /// [`io::Error`] wrapping another error (as TLS streams wrap rustls's) is looked into.
    /// Anything else is [`Other`](Self::Other).
    ///
    /// ```
    /// use nodewire_dash::target::TransportFailure;
    /// let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
    /// assert_eq!(TransportFailure::of_error(&refused), TransportFailure::ConnectionRefused);
    /// // The text does not matter, only the type and kind.
    /// let text = std::io::Error::other("connection refused: UnknownIssuer");
    /// assert_eq!(TransportFailure::of_error(&text), TransportFailure::Other);
    /// ```
    pub fn of_error(error: &(dyn Error + 'static)) -> Self {
        let mut link = Some(error);
        while let Some(e) = link {
            if let Some(failure) = Self::of_link(e) {
                return failure;
            }
            link = e.source();
        }
        Self::Other
    }

    fn of_link(e: &(dyn Error + 'static)) -> Option<Self> {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            if io.kind() == io::ErrorKind::ConnectionRefused {
                return Some(Self::ConnectionRefused);
            }
            // `io::Error::source` skips the error it wraps; look at that one itself.
            if let Some(inner) = io.get_ref() {
                let inner: &(dyn Error + 'static) = inner;
                return match Self::of_error(inner) {
                    Self::Other => None,
                    failure => Some(failure),
                };
            }
        }
        #[cfg(feature = "rustls")]
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return tls_failure(tls);
        }
        None
    }

    /// Classifies a failed call of the common client: a connection or TLS handshake failure
    /// ([`reqwest::Error::is_connect`](https://docs.rs/reqwest/0.12/reqwest/struct.Error.html#method.is_connect))
    /// by [`of_error`](Self::of_error); timeouts, failures after connecting, refused requests
    /// and answers are [`Other`](Self::Other).
    #[cfg(feature = "client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    pub fn of_client_error<F: Error + 'static>(
        error: &nodewire_common::client::ClientError<F>,
    ) -> Self {
        match error {
            nodewire_common::client::ClientError::Transport(e)
                if e.is_connect() && !e.is_timeout() =>
            {
                Self::of_error(e)
            }
            _ => Self::Other,
        }
    }
}

#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
impl<F: Error + 'static> From<&nodewire_common::client::ClientError<F>> for TransportFailure {
    fn from(error: &nodewire_common::client::ClientError<F>) -> Self {
        Self::of_client_error(error)
    }
}

/// The failure a rustls handshake error stands for, if the fallback rule cares about it.
#[cfg(feature = "rustls")]
fn tls_failure(error: &rustls::Error) -> Option<TransportFailure> {
    use rustls::{CertificateError, InvalidMessage};
    match error {
        rustls::Error::InvalidMessage(
            InvalidMessage::InvalidContentType
            | InvalidMessage::UnknownProtocolVersion
            | InvalidMessage::MessageTooLarge,
        ) => Some(TransportFailure::PlaintextServer),
        rustls::Error::InvalidCertificate(problem) => {
            Some(TransportFailure::Certificate(match problem {
                CertificateError::UnknownIssuer => CertificateProblem::UnknownAuthority,
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => CertificateProblem::Hostname,
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    CertificateProblem::Expired
                }
                _ => CertificateProblem::Invalid,
            }))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error whose only content is its source, as HTTP stacks wrap lower errors.
    #[derive(Debug)]
    struct Wrapped(Box<dyn Error + Send + Sync>);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("request failed")
        }
    }

    impl Error for Wrapped {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&*self.0)
        }
    }

    fn wrapped(e: impl Error + Send + Sync + 'static) -> Wrapped {
        Wrapped(Box::new(Wrapped(Box::new(e))))
    }

    #[test]
    fn refused_connections_by_io_kind() {
        let refused = wrapped(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert_eq!(
            TransportFailure::of_error(&refused),
            TransportFailure::ConnectionRefused
        );
        for kind in [
            io::ErrorKind::ConnectionReset,
            io::ErrorKind::TimedOut,
            io::ErrorKind::UnexpectedEof,
        ] {
            assert_eq!(
                TransportFailure::of_error(&wrapped(io::Error::from(kind))),
                TransportFailure::Other,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn error_text_is_never_read() {
        for text in [
            "Connection refused (os error 111)",
            "received corrupt message of type InvalidContentType",
            "invalid peer certificate: UnknownIssuer",
            "invalid peer certificate: Expired",
            "server gave HTTP response to HTTPS client",
        ] {
            let e = wrapped(io::Error::other(text));
            assert_eq!(
                TransportFailure::of_error(&e),
                TransportFailure::Other,
                "{text}"
            );
        }
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn tls_failures_by_rustls_error() {
        use CertificateProblem::*;
        use rustls::{CertificateError, InvalidMessage};
        // TLS streams hand rustls's error over as `io::Error` of kind `InvalidData`.
        let tls = |e: rustls::Error| {
            TransportFailure::of_error(&wrapped(io::Error::new(io::ErrorKind::InvalidData, e)))
        };
        for message in [
            InvalidMessage::InvalidContentType,
            InvalidMessage::UnknownProtocolVersion,
            InvalidMessage::MessageTooLarge,
        ] {
            assert_eq!(
                tls(rustls::Error::InvalidMessage(message)),
                TransportFailure::PlaintextServer,
                "{message:?}"
            );
        }
        assert_eq!(
            tls(rustls::Error::InvalidMessage(
                InvalidMessage::HandshakePayloadTooLarge
            )),
            TransportFailure::Other
        );
        for (problem, expected) in [
            (CertificateError::UnknownIssuer, UnknownAuthority),
            (CertificateError::NotValidForName, Hostname),
            (CertificateError::Expired, Expired),
            (CertificateError::NotValidYet, Invalid),
            (CertificateError::BadSignature, Invalid),
            (CertificateError::Revoked, Invalid),
        ] {
            assert_eq!(
                tls(rustls::Error::InvalidCertificate(problem.clone())),
                TransportFailure::Certificate(expected),
                "{problem:?}"
            );
        }
        assert_eq!(
            tls(rustls::Error::AlertReceived(
                rustls::AlertDescription::HandshakeFailure
            )),
            TransportFailure::Other
        );
        // A rustls error in the chain itself, not wrapped in `io::Error`.
        let direct = wrapped(rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer,
        ));
        assert_eq!(
            TransportFailure::of_error(&direct),
            TransportFailure::Certificate(UnknownAuthority)
        );
    }
}
