//! The status and event streams (`/v1/status/stream`, `/v1/events/stream` and their
//! WebSocket twins).

use http::StatusCode;

use super::{Answer, EventSubscription, MockKernel, Outcome, StatusSubscription};
use crate::endpoints::{EventsStream, StatusStream, parse_events_filter};
use crate::envelope::codes;
use crate::server::ApiFailure;

impl MockKernel {
    /// `GET /v1/status/stream`: the HTTP layer sends the frames.
    pub(super) fn status_stream(&self, call: &StatusStream) -> Answer {
        Ok(Outcome::StatusStream(StatusSubscription::new(
            call.query.clone(),
        )))
    }

    /// `GET /v1/events/stream`: the HTTP layer sends the events the filter selects.
    pub(super) fn events_stream(&self, call: &EventsStream) -> Answer {
        Ok(Outcome::EventStream(EventSubscription {
            filter: call
                .events
                .as_deref()
                .map(parse_events_filter)
                .unwrap_or_default(),
        }))
    }

    /// `GET /v1/status/ws` and `GET /v1/events/ws` without `Upgrade: websocket`: `426`.
    pub(super) fn upgrade_required(&self) -> Answer {
        Err(ApiFailure::new(
            StatusCode::UPGRADE_REQUIRED,
            codes::UPGRADE_REQUIRED,
            "a WebSocket upgrade is required",
        ))
    }
}
