//! `/v1/audit`: the record of every mutating call, and the audit log's health.

use std::collections::BTreeMap;

use http::header;
use nodewire_common::Patch;

use super::{Answer, MockKernel, now_ms, ok};
use crate::audit::{AuditHealthSnapshot, AuditRecord, AuditSinkHealth};
use crate::endpoints::ListAudit;
use crate::server::Request;

impl MockKernel {
    /// `GET /v1/audit`: the records the query selects, the latest `limit`.
    pub(super) fn list_audit(&self, q: &ListAudit) -> Answer {
        ok(self.audit_records(q))
    }

    /// `GET /v1/audit/health`: one in-memory sink, never failing.
    pub(super) fn get_audit_health(&self) -> Answer {
        ok(AuditHealthSnapshot {
            queued: Some(0),
            dropped: Some(0),
            sink_failures: Some(0),
            last_error: Patch::Null,
            sinks: Some(vec![AuditSinkHealth {
                name: Some("memory".to_owned()),
                failures: Some(0),
            }]),
        })
    }

    pub(super) fn record_audit(
        &mut self,
        request: &Request,
        headers: &http::HeaderMap,
        path: &str,
        success: bool,
        detail: Option<String>,
    ) {
        let id = self.next_id();
        let request_id = format!("req-{}", self.audit.len() + 1);
        self.audit.push(AuditRecord {
            id: Some(id),
            timestamp_ms: Some(now_ms()),
            channel: Some("http".to_owned()),
            endpoint: Some(path.to_owned()),
            action: Some(audit_action(request).to_owned()),
            actor: actor(headers, &self.config.auth).map_or(Patch::Null, Patch::Value),
            target: audit_target(request).map_or(Patch::Null, Patch::Value),
            success: Some(success),
            detail: detail.map_or(Patch::Null, Patch::Value),
            metadata: Some(BTreeMap::from([("request_id".to_owned(), request_id)])),
        });
    }

    fn audit_records(&self, q: &ListAudit) -> Vec<AuditRecord> {
        let matches = |r: &&AuditRecord| {
            q.since_ms.is_none_or(|s| r.timestamp_ms.unwrap_or(0) >= s)
                && q.success.is_none_or(|s| r.success == Some(s))
                && q.action
                    .as_ref()
                    .is_none_or(|a| r.action.as_ref() == Some(a))
                && q.actor.as_ref().is_none_or(|a| r.actor.value() == Some(a))
                && q.target
                    .as_ref()
                    .is_none_or(|t| r.target.value() == Some(t))
        };
        let selected: Vec<AuditRecord> = self.audit.iter().filter(matches).cloned().collect();
        let skip = q.limit.map_or(0, |l| {
            selected
                .len()
                .saturating_sub(usize::try_from(l).unwrap_or(usize::MAX))
        });
        selected.into_iter().skip(skip).collect()
    }
}

fn audit_action(request: &Request) -> &'static str {
    match request {
        Request::RefreshProvider(_) => "api.rules.providers.refresh",
        Request::PatchTlsNode(_) => "api.tls.nodes.patch",
        Request::SetRateLimit(_) => "api.security.rate_limits.set",
        Request::DeleteRateLimit(_) => "api.security.rate_limits.delete",
        Request::RegisterEvent(_) => "api.events.register",
        Request::DeleteEventRegistration(_) => "api.events.unregister",
        Request::RegisterServiceEvent(_) => "api.service_events.register",
        Request::DeleteServiceEventRegistration(_) => "api.service_events.unregister",
        Request::UpsertProtocol(_) => "api.protocols.upsert",
        Request::DeleteProtocol(_) => "api.protocols.delete",
        Request::CreateUser(_) => "api.users.create",
        Request::ImportUsers(_) => "api.users.import",
        Request::UpdateUser(_) => "api.users.update",
        Request::PatchUser(_) => "api.users.patch",
        Request::DeleteUser(_) => "api.users.delete",
        Request::Export(_) => "api.export",
        _ => "api.read",
    }
}

fn audit_target(request: &Request) -> Option<String> {
    match request {
        Request::RefreshProvider(r) => Some(r.id.clone()),
        Request::PatchTlsNode(r) => Some(r.id.clone()),
        Request::SetRateLimit(r) => Some(r.body.key.clone()),
        Request::DeleteRateLimit(r) => Some(r.key.clone()),
        Request::DeleteEventRegistration(r) => Some(r.id.clone()),
        Request::DeleteServiceEventRegistration(r) => Some(r.id.clone()),
        Request::UpsertProtocol(r) => Some(r.body.profile.id.clone()),
        Request::DeleteProtocol(r) => Some(r.id.clone()),
        Request::CreateUser(r) => Some(r.body.id.clone()),
        Request::ImportUsers(_) => Some("users".to_owned()),
        Request::UpdateUser(r) => Some(r.id.clone()),
        Request::PatchUser(r) => Some(r.id.clone()),
        Request::DeleteUser(r) => Some(r.id.clone()),
        Request::Export(r) => Some(r.body.path.clone()),
        _ => None,
    }
}

/// Who called, as the audit log names it: `api-key:<access key>` for Basic auth.
fn actor(headers: &http::HeaderMap, config: &crate::auth::AuthConfig) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?;
    let text = String::from_utf8_lossy(value.as_bytes());
    let (scheme, _) = text.trim().split_once(' ')?;
    if scheme.eq_ignore_ascii_case("basic") {
        config.basic.as_ref().map(|(ak, _)| format!("api-key:{ak}"))
    } else {
        Some("token".to_owned())
    }
}
