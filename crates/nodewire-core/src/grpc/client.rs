//! A typed gRPC client for Core (feature `client`): takes and returns the HTTP body types,
//! attaches the key to every call, and decodes the config's JSON strings.
//!
//! [`CoreClient::connect`] opens the channel from a URL and the key in one call (`http://`
//! plaintext; `https://` with feature `rustls`). For any other channel (a private CA, a Unix
//! socket), build it with the re-exported [`Endpoint`](crate::grpc::Endpoint) (or any
//! `GrpcService`) and use [`CoreClient::new`]. The tonic items a caller needs are re-exported
//! from [`grpc`](crate::grpc) (and tonic itself as [`nodewire_core::tonic`](crate::tonic)), so
//! no `tonic` dependency of one's own, at a matching version, is needed.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use nodewire_common::Secret;
//! use nodewire_core::grpc::client::CoreClient;
//! use nodewire_core::heartbeat::NodeHeartbeatDto;
//!
//! let mut core = CoreClient::connect("http://127.0.0.1:3002", Secret::new("k-7f3a9c")).await?;
//! let beat = core.heartbeat(&NodeHeartbeatDto::default().revision(3)).await?;
//! if beat.need_sync {
//!     let config = core.latest_config().await?;
//!     // ... apply it ...
//!     core.confirm_config_applied(config.revision).await?;
//! }
//! # Ok(()) }
//! ```

use nodewire_common::Secret;
use tonic::codegen::{Body, Bytes, StdError};

use crate::auth::{self, AuthKeyField, InvalidKey};
use crate::config::{NodeConfig, NodeConfigAppliedDto};
use crate::grpc::JsonFieldError;
use crate::heartbeat::{HeartbeatResponse, NodeHeartbeatDto};
use crate::node_error::NodeErrorDto;
use crate::proto;
use crate::proto::node_service_client::NodeServiceClient;
use crate::session::SessionEventsDto;
use crate::stats::NodeStats;
use crate::usage::{NodeOutboundUsageDto, NodeUsageDto};

mod connect;

pub use connect::{CALL_TIMEOUT, CONNECT_TIMEOUT, ConnectError, endpoint};

/// A failed call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// Core (or the transport) answered with a status (`UNAUTHENTICATED` for a bad key).
    #[error("Core answered {:?}: {}", .0.code(), .0.message())]
    Status(#[from] tonic::Status),
    /// A JSON-string field of the answer did not decode.
    #[error("Core's answer: {0}")]
    Json(#[from] JsonFieldError),
}

impl CallError {
    /// The gRPC code, when Core answered with a status.
    pub fn code(&self) -> Option<tonic::Code> {
        match self {
            Self::Status(s) => Some(s.code()),
            Self::Json(_) => None,
        }
    }
}

/// The typed client. Every call sends the key as `x-node-auth-key` metadata and, if
/// [`with_key_in_field`](Self::with_key_in_field) is set, in the `authKey` field as well.
#[derive(Clone)]
pub struct CoreClient<T> {
    inner: NodeServiceClient<T>,
    key: Secret,
    key_in_field: bool,
}

impl<T> std::fmt::Debug for CoreClient<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoreClient")
            .field("key", &self.key)
            .field("key_in_field", &self.key_in_field)
            .finish()
    }
}

impl<T> CoreClient<T>
where
    T: tonic::client::GrpcService<tonic::body::Body>,
    T::Error: Into<StdError>,
    T::ResponseBody: Body<Data = Bytes> + Send + 'static,
    <T::ResponseBody as Body>::Error: Into<StdError> + Send,
{
    /// A client over `channel` presenting `key`.
    pub fn new(channel: T, key: Secret) -> Result<Self, InvalidKey> {
        auth::header_value(&key)?;
        Ok(Self {
            inner: NodeServiceClient::new(channel),
            key,
            key_in_field: false,
        })
    }

    /// Also sends the key in each request's `authKey` field (for Cores that do not read the
    /// metadata).
    pub fn with_key_in_field(mut self, on: bool) -> Self {
        self.key_in_field = on;
        self
    }

    /// Replaces the key (after a rotation).
    pub fn set_key(&mut self, key: Secret) -> Result<(), InvalidKey> {
        auth::header_value(&key)?;
        self.key = key;
        Ok(())
    }

    /// The generated client, for anything this one does not cover (compression, limits).
    pub fn inner_mut(&mut self) -> &mut NodeServiceClient<T> {
        &mut self.inner
    }

    fn request<M: AuthKeyField>(&self, mut message: M) -> Result<tonic::Request<M>, tonic::Status> {
        if self.key_in_field {
            message.set_auth_key_field(Some(&self.key));
        }
        let mut request = tonic::Request::new(message);
        auth::attach_key(&mut request, &self.key)
            .map_err(|e| tonic::Status::invalid_argument(e.to_string()))?;
        Ok(request)
    }

    /// `Heartbeat`.
    pub async fn heartbeat(
        &mut self,
        body: &NodeHeartbeatDto,
    ) -> Result<HeartbeatResponse, CallError> {
        let request = self.request(proto::HeartbeatRequest::from(body))?;
        Ok(self.inner.heartbeat(request).await?.into_inner().into())
    }

    /// `ReportUsage`.
    pub async fn report_usage(&mut self, body: &NodeUsageDto) -> Result<(), CallError> {
        let request = self.request(proto::ReportUsageRequest::from(body))?;
        self.inner.report_usage(request).await?;
        Ok(())
    }

    /// `ReportOutboundUsage`.
    pub async fn report_outbound_usage(
        &mut self,
        body: &NodeOutboundUsageDto,
    ) -> Result<(), CallError> {
        let request = self.request(proto::ReportOutboundUsageRequest::from(body))?;
        self.inner.report_outbound_usage(request).await?;
        Ok(())
    }

    /// `GetLatestConfig`, with the JSON strings decoded.
    pub async fn latest_config(&mut self) -> Result<NodeConfig, CallError> {
        let request = self.request(proto::GetLatestConfigRequest::default())?;
        let message = self.inner.get_latest_config(request).await?.into_inner();
        Ok(message.to_node_config()?)
    }

    /// `GetLatestConfig`, as received.
    pub async fn latest_config_raw(&mut self) -> Result<proto::GetLatestConfigResponse, CallError> {
        let request = self.request(proto::GetLatestConfigRequest::default())?;
        Ok(self.inner.get_latest_config(request).await?.into_inner())
    }

    /// `ConfirmConfigApplied`.
    pub async fn confirm_config_applied(&mut self, revision: u64) -> Result<(), CallError> {
        let body = NodeConfigAppliedDto { revision };
        let request = self.request(proto::ConfirmConfigAppliedRequest::from(&body))?;
        self.inner.confirm_config_applied(request).await?;
        Ok(())
    }

    /// `ReportNodeStats`.
    pub async fn report_node_stats(&mut self, stats: &NodeStats) -> Result<(), CallError> {
        let request = self.request(proto::ReportNodeStatsRequest::from(stats))?;
        self.inner.report_node_stats(request).await?;
        Ok(())
    }

    /// `ReportSessionEvents`.
    pub async fn report_session_events(
        &mut self,
        body: &SessionEventsDto,
    ) -> Result<(), CallError> {
        let request = self.request(proto::ReportSessionEventsRequest::from(body))?;
        self.inner.report_session_events(request).await?;
        Ok(())
    }

    /// `ReportError`.
    pub async fn report_error(&mut self, body: &NodeErrorDto) -> Result<(), CallError> {
        let request = self.request(proto::ReportErrorRequest::from(body))?;
        self.inner.report_error(request).await?;
        Ok(())
    }
}
