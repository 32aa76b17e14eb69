//! `/v1/system/reload`: reloads, which the mock applies at once.

use bytes::Bytes;
use http::StatusCode;

use super::{MockTelemt, now};
use crate::endpoints::{GetReloadStatus, SubmitReload};
use crate::envelope::ErrorCode;
use crate::reload::{ReloadAccepted, ReloadPhase, ReloadRequest, ReloadStatus};
use crate::server::ApiFailure;

type Answer = Result<http::Response<Bytes>, ApiFailure>;

/// How many finished reloads the mock remembers.
const KEPT_RELOADS: usize = 32;

impl MockTelemt {
    /// `POST /v1/system/reload`: `202`.
    pub(super) fn submit_reload(&mut self, call: SubmitReload) -> Answer {
        self.check_revision(&call.if_match)?;
        let accepted = self.submit(&call.body.unwrap_or_default());
        self.ok(StatusCode::ACCEPTED, accepted)
    }

    /// `GET /v1/system/reload/{id}`: `404 reload_not_found` once forgotten.
    pub(super) fn get_reload_status(&self, call: GetReloadStatus) -> Answer {
        let reload_id = call.reload_id;
        match self.reloads.iter().find(|r| r.reload_id == reload_id) {
            Some(status) => self.ok(StatusCode::OK, status.clone()),
            None => Err(ApiFailure::new(
                StatusCode::NOT_FOUND,
                ErrorCode::ReloadNotFound,
                format!("Reload {reload_id} was not found"),
            )),
        }
    }

    /// Records a reload as accepted and, at once, succeeded.
    pub(super) fn submit(&mut self, request: &ReloadRequest) -> ReloadAccepted {
        self.generation += 1;
        self.reload_count += 1;
        let reload_id = self.reloads.last().map_or(1, |r| r.reload_id + 1);
        let at = now();
        let accepted = ReloadAccepted {
            reload_id,
            target_generation: self.generation,
            config_revision: self.revision(),
            state: ReloadPhase::Accepted,
            mode: request.effective_mode(),
            failure_policy: request.effective_failure_policy(),
        };
        self.reloads.push(ReloadStatus {
            reload_id,
            target_generation: self.generation,
            config_revision: accepted.config_revision.clone(),
            state: ReloadPhase::Succeeded,
            mode: accepted.mode.clone(),
            failure_policy: accepted.failure_policy.clone(),
            requested_at_epoch_secs: at,
            started_at_epoch_secs: Some(at),
            finished_at_epoch_secs: Some(at),
            deferred_process_fields: Vec::new(),
            warnings: Vec::new(),
            error: None,
        });
        if self.reloads.len() > KEPT_RELOADS {
            self.reloads.remove(0);
        }
        accepted
    }
}
