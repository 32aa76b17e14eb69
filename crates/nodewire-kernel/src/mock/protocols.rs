//! `/v1/protocols`: the nodes (protocol profiles) and their users.

use super::{Answer, MockKernel, Node, no_content, null_if_absent, ok, view};
use crate::endpoints::{DeleteProtocol, ListProtocolUsers, UpsertProtocol};
use crate::protocols::{ProtocolSummary, ProtocolUpsertRequest};
use crate::registrations::NodeEventKind;
use crate::server::ApiFailure;
use crate::status::HealthStatus;
use crate::users::UserView;

impl MockKernel {
    /// `GET /v1/protocols`.
    pub(super) fn list_protocols(&self) -> Answer {
        ok(self
            .nodes
            .values()
            .map(|n| summary(&n.upsert))
            .collect::<Vec<_>>())
    }

    /// `POST /v1/protocols`: adds (`node.added`) or replaces a node.
    pub(super) fn upsert_protocol(&mut self, call: &UpsertProtocol) -> Answer {
        ok(self.upsert(call.body.clone()))
    }

    /// `DELETE /v1/protocols/{id}`: `node.removed`.
    pub(super) fn delete_protocol(&mut self, call: &DeleteProtocol) -> Answer {
        let node = self
            .nodes
            .remove(&call.id)
            .ok_or_else(|| ApiFailure::not_found(format!("no node `{}`", call.id)))?;
        self.node_event(NodeEventKind::NodeRemoved, &node, "removed");
        no_content()
    }

    /// `GET /v1/protocols/{id}/users` (`all=true` adds the registry's users).
    pub(super) fn list_protocol_users(&self, call: &ListProtocolUsers) -> Answer {
        ok(self.node_users(call)?)
    }

    pub(crate) fn upsert(&mut self, upsert: ProtocolUpsertRequest) -> ProtocolSummary {
        let id = upsert.profile.id.clone();
        let out = summary(&upsert);
        match self.nodes.get_mut(&id) {
            Some(node) => node.upsert = upsert,
            None => {
                let node = Node {
                    upsert,
                    health: HealthStatus::Healthy,
                    consecutive_failures: 0,
                    last_failure_ms: None,
                };
                self.node_event(NodeEventKind::NodeAdded, &node, "added");
                self.nodes.insert(id, node);
            }
        }
        out
    }

    fn node_users(&self, r: &ListProtocolUsers) -> Result<Vec<UserView>, ApiFailure> {
        let node = self
            .nodes
            .get(&r.id)
            .ok_or_else(|| ApiFailure::not_found(format!("no node `{}`", r.id)))?;
        let redact = r.redact.unwrap_or(false);
        let mut users: Vec<UserView> = node
            .upsert
            .users
            .iter()
            .flatten()
            .map(|u| view(u, redact))
            .collect();
        if r.all.unwrap_or(false) {
            for user in self.users.values() {
                if !users
                    .iter()
                    .any(|v| v.id.as_deref() == Some(user.id.as_str()))
                {
                    users.push(view(user, redact));
                }
            }
        }
        Ok(users)
    }
}

pub(super) fn summary(upsert: &ProtocolUpsertRequest) -> ProtocolSummary {
    let p = &upsert.profile;
    ProtocolSummary {
        id: Some(p.id.clone()),
        role: Some(p.role.clone()),
        protocol: Some(p.protocol.as_str().to_owned()),
        tags: Some(p.tags.clone().unwrap_or_default()),
        description: null_if_absent(p.description.clone()),
        listen: null_if_absent(upsert.listen.clone()),
        connect: null_if_absent(upsert.connect.clone()),
        user_count: Some(upsert.users.as_ref().map_or(0, Vec::len) as u64),
    }
}
