//! The tonic `NodeService` over a [`CoreBackend`] (feature `server`).
//!
//! ```no_run
//! # async fn demo<B: nodewire_core::server::CoreBackend>(backend: B) -> Result<(), Box<dyn std::error::Error>> {
//! use nodewire_core::grpc::server::GrpcCore;
//!
//! tonic::transport::Server::builder()
//!     .add_service(GrpcCore::new(backend).into_service())
//!     .serve("127.0.0.1:3002".parse()?)
//!     .await?;
//! # Ok(()) }
//! ```

use std::sync::Arc;

use tonic::{Request, Response, Status};

use crate::auth::{self, AuthKeyField};
use crate::proto;
use crate::proto::node_service_server::{NodeService, NodeServiceServer};
use crate::server::{CoreBackend, Failure};

/// Serves a [`CoreBackend`] as `nodeservice.NodeService`.
///
/// Each call: the key (metadata `x-node-auth-key`, else the `authKey` field; none gives
/// `UNAUTHENTICATED`), [`CoreBackend::authenticate`], the message converted into its HTTP twin
/// with the same validation (`INVALID_ARGUMENT` naming the field), then the backend.
#[derive(Debug)]
pub struct GrpcCore<B> {
    backend: Arc<B>,
}

impl<B> Clone for GrpcCore<B> {
    fn clone(&self) -> Self {
        Self {
            backend: Arc::clone(&self.backend),
        }
    }
}

impl<B: CoreBackend> GrpcCore<B> {
    /// Serves `backend`.
    pub fn new(backend: B) -> Self {
        Self::from_arc(Arc::new(backend))
    }

    /// Serves a backend shared with something else (the HTTP side, say).
    pub fn from_arc(backend: Arc<B>) -> Self {
        Self { backend }
    }

    /// The backend.
    pub fn backend(&self) -> &Arc<B> {
        &self.backend
    }

    /// The tonic service, ready for `Server::add_service`.
    pub fn into_service(self) -> NodeServiceServer<Self> {
        NodeServiceServer::new(self)
    }

    async fn node<T: AuthKeyField>(&self, request: &Request<T>) -> Result<B::Node, Status> {
        let key =
            auth::key_from_request(request).ok_or_else(|| Failure::missing_key().to_status())?;
        self.backend
            .authenticate(&key)
            .await
            .map_err(|f| f.to_status())
    }
}

fn invalid(e: impl std::fmt::Display) -> Status {
    Failure::invalid_argument(e.to_string()).to_status()
}

fn status(f: Failure) -> Status {
    f.to_status()
}

fn ok() -> Response<proto::OkResponse> {
    Response::new(proto::OkResponse { ok: true })
}

#[tonic::async_trait]
impl<B: CoreBackend> NodeService for GrpcCore<B> {
    async fn heartbeat(
        &self,
        request: Request<proto::HeartbeatRequest>,
    ) -> Result<Response<proto::HeartbeatResponse>, Status> {
        let node = self.node(&request).await?;
        let body = request.into_inner().try_into().map_err(invalid)?;
        let answer = self.backend.heartbeat(&node, body).await.map_err(status)?;
        Ok(Response::new(answer.into()))
    }

    async fn report_usage(
        &self,
        request: Request<proto::ReportUsageRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        let node = self.node(&request).await?;
        let body = request.into_inner().try_into().map_err(invalid)?;
        self.backend
            .report_usage(&node, body)
            .await
            .map_err(status)?;
        Ok(ok())
    }

    async fn report_outbound_usage(
        &self,
        request: Request<proto::ReportOutboundUsageRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        let node = self.node(&request).await?;
        let body = request.into_inner().into();
        self.backend
            .report_outbound_usage(&node, body)
            .await
            .map_err(status)?;
        Ok(ok())
    }

    async fn get_latest_config(
        &self,
        request: Request<proto::GetLatestConfigRequest>,
    ) -> Result<Response<proto::GetLatestConfigResponse>, Status> {
        let node = self.node(&request).await?;
        let config = self.backend.latest_config(&node).await.map_err(status)?;
        let message = proto::GetLatestConfigResponse::from_node_config(&config)
            .map_err(|e| Failure::internal(e.to_string()).to_status())?;
        Ok(Response::new(message))
    }

    async fn confirm_config_applied(
        &self,
        request: Request<proto::ConfirmConfigAppliedRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        let node = self.node(&request).await?;
        let body = request.into_inner().into();
        self.backend
            .config_applied(&node, body)
            .await
            .map_err(status)?;
        Ok(ok())
    }

    async fn report_node_stats(
        &self,
        request: Request<proto::ReportNodeStatsRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        let node = self.node(&request).await?;
        let stats = request.into_inner().try_into().map_err(invalid)?;
        self.backend
            .report_node_stats(&node, stats)
            .await
            .map_err(status)?;
        Ok(ok())
    }

    async fn report_session_events(
        &self,
        request: Request<proto::ReportSessionEventsRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        let node = self.node(&request).await?;
        let body = request.into_inner().try_into().map_err(invalid)?;
        self.backend
            .report_session_events(&node, body)
            .await
            .map_err(status)?;
        Ok(ok())
    }

    async fn report_error(
        &self,
        request: Request<proto::ReportErrorRequest>,
    ) -> Result<Response<proto::OkResponse>, Status> {
        let node = self.node(&request).await?;
        let body = request.into_inner().try_into().map_err(invalid)?;
        self.backend
            .report_error(&node, body)
            .await
            .map_err(status)?;
        Ok(ok())
    }
}
