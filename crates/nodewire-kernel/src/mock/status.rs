//! `GET /healthz`, `GET /v1/status` and node health.

use super::{Answer, MockKernel, Outcome, node_event_kind, now_ms, ok, respond};
use crate::endpoints::GetStatus;
use crate::envelope::Reply;
use crate::server::ApiFailure;
use crate::status::HealthStatus;

impl MockKernel {
    /// `GET /healthz`: `ok` as text.
    pub(super) fn get_healthz(&self) -> Answer {
        Ok(Outcome::Respond(respond(&Reply::text("ok"))))
    }

    /// `GET /v1/status`: the snapshot with the sections asked for.
    pub(super) fn get_status(&self, q: &GetStatus) -> Answer {
        ok(self.status(
            q.include.as_deref().or(q.fields.as_deref()),
            q.redact_users.unwrap_or(false),
            q.rate_limit_summary.unwrap_or(false),
        ))
    }

    /// Sets a node's health, as the kernel's probes would. A change of state emits
    /// `node.healthy` / `node.degraded` / `node.unhealthy` and the matching callbacks.
    pub fn set_health(&mut self, node_id: &str, health: HealthStatus) -> Result<(), ApiFailure> {
        let node = self
            .nodes
            .get_mut(node_id)
            .ok_or_else(|| ApiFailure::not_found(format!("no node `{node_id}`")))?;
        let changed = node.health.label() != health.label();
        node.consecutive_failures = health.consecutive_failures().unwrap_or(0);
        if health.consecutive_failures().is_some() {
            node.last_failure_ms = Some(now_ms());
        }
        node.health = health;
        let node = node.clone();
        if changed && let Some((kind, _)) = node_event_kind(&node.health) {
            self.node_event(kind, &node, &node.health.to_string());
        }
        Ok(())
    }
}
