//! One push target on the wire: sending with the agent's timeout, the HTTPS→HTTP fallback
//! on a typed transport failure, the connection-refused streak, and the static push with
//! its retry rule.

use std::convert::Infallible;
use std::time::Instant;

use bytes::Bytes;
use nodewire_common::client::{Client, ClientError};
use nodewire_common::server::Escaped;
use nodewire_common::{Endpoint, Secret};
use nodewire_dash::agent::{self, Delivery, FailureLog, StaticReadiness};
use nodewire_dash::endpoints::PushStatic;
use nodewire_dash::target::{CertificateProblem, Target, TransportFailure};
use nodewire_dash::{Dash, Static};

/// The agent's log sink.
pub(crate) type Log<'a> = &'a (dyn Fn(&str) + Sync);

/// Why a request got no answer.
#[derive(Debug)]
pub(crate) enum SendError {
    /// No answer within [`agent::REQUEST_TIMEOUT`].
    Timeout,
    /// The client failed (connecting, TLS, sending or reading).
    Client(ClientError<Infallible>),
}

impl SendError {
    /// The failure as the fallback rule classifies it, by the error's types.
    pub(crate) fn failure(&self) -> TransportFailure {
        match self {
            Self::Timeout => TransportFailure::Other,
            Self::Client(e) => TransportFailure::of_client_error(e),
        }
    }
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Timeout => write!(f, "no answer within {:?}", agent::REQUEST_TIMEOUT),
            Self::Client(e) => e.fmt(f),
        }
    }
}

/// An answer, or why there is none.
pub(crate) type Sent = Result<http::Response<Bytes>, SendError>;

/// Sends `request` with the agent's request timeout.
pub(crate) async fn send(client: &Client, request: http::Request<Bytes>) -> Sent {
    match tokio::time::timeout(agent::REQUEST_TIMEOUT, client.send_raw(request)).await {
        Ok(result) => result.map_err(SendError::Client),
        Err(_) => Err(SendError::Timeout),
    }
}

/// What a transport failure did to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AfterFailure {
    /// The target switched to `http`.
    FellBack,
    /// The failure stands.
    Failed(TransportFailure),
}

/// One configured target and its delivery state.
pub(crate) struct AgentTarget {
    /// The target's number in logs (1-based).
    pub(crate) id: i64,
    pub(crate) target: Target,
    pub(crate) secret: Secret,
    pub(crate) delivery: Delivery,
    /// When a partial or failed static push is retried.
    pub(crate) static_retry_at: Option<Instant>,
}

impl AgentTarget {
    /// Applies the fallback rule to a failed send, then (if the target did not switch to
    /// `http`) counts it in the refused streak and logs it as the agent does.
    pub(crate) fn on_failure(&mut self, error: &SendError, log: Log<'_>) -> AfterFailure {
        let failure = error.failure();
        let was_https = self.target.scheme() == "https";
        // The expired-chain re-dial is not done here: no fallback for it.
        if self.target.handle_failure(&failure, false) {
            log(&format!(
                "WARN: push target {} https failed, fallback to http for {}",
                self.id,
                self.target.host_port()
            ));
            return AfterFailure::FellBack;
        }
        if was_https && failure == TransportFailure::Certificate(CertificateProblem::Expired) {
            log(&format!(
                "ERROR: push target {} https refused fallback, cert expired but chain invalid for {}",
                self.id,
                self.target.host_port()
            ));
        }
        match self
            .delivery
            .on_failure(failure == TransportFailure::ConnectionRefused)
        {
            FailureLog::Log => log(&format!(
                "push target {} error: {}",
                self.id,
                Escaped::new(&error.to_string())
            )),
            FailureLog::PortClosed => log(&format!(
                "push target {} error: the peer port is closed",
                self.id
            )),
            FailureLog::Quiet => {}
        }
        AfterFailure::Failed(failure)
    }

    /// Sends one call; when a transport failure made the target fall back to `http`, sends it
    /// once more over `http` (static and identity do this; metrics rounds do not).
    pub(crate) async fn call<E: Endpoint<Protocol = Dash>>(
        &mut self,
        client: &Client,
        endpoint: &E,
        log: Log<'_>,
    ) -> Result<http::Response<Bytes>, TransportFailure> {
        let mut retried = false;
        loop {
            let request = self.target.request(endpoint).map_err(|e| {
                log(&format!(
                    "target {}: {}",
                    self.id,
                    Escaped::new(&e.to_string())
                ));
                TransportFailure::Other
            })?;
            let error = match send(client, request).await {
                Ok(response) => return Ok(response),
                Err(error) => error,
            };
            match self.on_failure(&error, log) {
                AfterFailure::FellBack if !retried => retried = true,
                AfterFailure::FellBack => return Err(error.failure()),
                AfterFailure::Failed(failure) => return Err(failure),
            }
        }
    }

    /// Pushes `body` to the target's `/static` sibling (if it has one) with the agent's
    /// readiness check; a partial or refused body is retried after
    /// [`agent::STATIC_RETRY_DELAY`]. Returns `true` when Dash answered `200`.
    pub(crate) async fn push_static(
        &mut self,
        client: &Client,
        body: &Static,
        log: Log<'_>,
    ) -> bool {
        if self.target.static_url().is_none() {
            return false;
        }
        let readiness = agent::static_readiness(body);
        if let StaticReadiness::NotReady(missing) = &readiness {
            log(&format!(
                "push static error target={}: static snapshot missing required fields: {}",
                self.id,
                missing.join(", ")
            ));
            self.static_retry_at = Some(Instant::now() + agent::STATIC_RETRY_DELAY);
            return false;
        }
        let endpoint = PushStatic::new(self.secret.clone(), body.clone());
        let accepted = match self.call(client, &endpoint, log).await {
            Ok(response) => match PushStatic::try_from_http_response(&response) {
                Ok(_) => true,
                Err(e) => {
                    log(&format!(
                        "push static error target={}: {}",
                        self.id,
                        Escaped::new(&e.to_string())
                    ));
                    false
                }
            },
            Err(_) => false,
        };
        self.static_retry_at = match (&readiness, accepted) {
            (StaticReadiness::Complete, true) => None,
            _ => Some(Instant::now() + agent::STATIC_RETRY_DELAY),
        };
        if let (StaticReadiness::Partial(missing), true) = (&readiness, accepted) {
            log(&format!(
                "push static partial ok target={}, missing={}",
                self.id,
                missing.join(", ")
            ));
        }
        accepted
    }
}
