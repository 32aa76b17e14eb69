//! `/v1/health` and `/v1/health/ready`.

use bytes::Bytes;
use http::StatusCode;

use super::MockTelemt;
use crate::health::{HealthData, HealthReadyData, HealthStatus, ReadinessStatus};
use crate::server::ApiFailure;

type Answer = Result<http::Response<Bytes>, ApiFailure>;

impl MockTelemt {
    /// `GET /v1/health`.
    pub(super) fn get_health(&self) -> Answer {
        let data = HealthData {
            status: HealthStatus::Ok,
            read_only: self.config.read_only,
        };
        self.ok(StatusCode::OK, data)
    }

    /// `GET /v1/health/ready`: always ready, one healthy upstream.
    pub(super) fn get_health_ready(&self) -> Answer {
        let data = HealthReadyData {
            ready: true,
            status: ReadinessStatus::Ready,
            reason: None,
            admission_open: true,
            healthy_upstreams: 1,
            total_upstreams: 1,
        };
        self.ok(StatusCode::OK, data)
    }
}
