//! `/v1/tls/nodes`: the nodes whose profile has a `tls` object (or protocol `any_tls`).

use serde_json::{Map, Value};

use super::{Answer, MockKernel, null_if_absent, ok};
use crate::endpoints::{GetTlsNode, PatchTlsNode};
use crate::protocols::ProtocolUpsertRequest;
use crate::server::ApiFailure;
use crate::tls::{TlsMode, TlsNodeDetail, TlsNodeSummary};

impl MockKernel {
    /// `GET /v1/tls/nodes`.
    pub(super) fn list_tls_nodes(&self) -> Answer {
        ok(self.tls_nodes())
    }

    /// `GET /v1/tls/nodes/{id}`.
    pub(super) fn get_tls_node(&self, call: &GetTlsNode) -> Answer {
        ok(self.tls_node(&call.id)?)
    }

    fn tls_nodes(&self) -> Vec<TlsNodeSummary> {
        self.nodes
            .values()
            .filter(|n| is_tls(&n.upsert))
            .map(|n| {
                let p = &n.upsert.profile;
                let tls = p.profile.get("tls");
                TlsNodeSummary {
                    id: Some(p.id.clone()),
                    role: Some(p.role.clone()),
                    tags: Some(p.tags.clone().unwrap_or_default()),
                    description: null_if_absent(p.description.clone()),
                    inner_protocol: Some(
                        p.profile
                            .get("inner")
                            .and_then(|i| i.get("protocol"))
                            .and_then(Value::as_str)
                            .unwrap_or(p.protocol.as_str())
                            .to_owned(),
                    ),
                    tls_mode: Some(
                        tls.and_then(|t| t.get("mode"))
                            .and_then(Value::as_str)
                            .map_or(TlsMode::Server, TlsMode::from),
                    ),
                    has_reality: Some(tls.and_then(|t| t.get("reality")).is_some()),
                }
            })
            .collect()
    }

    fn tls_node(&self, id: &str) -> Result<TlsNodeDetail, ApiFailure> {
        let node = self
            .nodes
            .get(id)
            .filter(|n| is_tls(&n.upsert))
            .ok_or_else(|| ApiFailure::not_found(format!("no TLS node `{id}`")))?;
        let u = &node.upsert;
        Ok(TlsNodeDetail {
            id: Some(u.profile.id.clone()),
            role: Some(u.profile.role.clone()),
            tags: Some(u.profile.tags.clone().unwrap_or_default()),
            description: null_if_absent(u.profile.description.clone()),
            listen: null_if_absent(u.listen.clone()),
            connect: null_if_absent(u.connect.clone()),
            profile: Some(u.profile.profile.clone()),
        })
    }

    pub(super) fn patch_tls_node(&mut self, r: &PatchTlsNode) -> Answer {
        self.tls_node(&r.id)?;
        if let Some(node) = self.nodes.get_mut(&r.id) {
            let profile = &mut node.upsert.profile.profile;
            for (key, patch) in [("tls", &r.body.tls), ("inner", &r.body.inner)] {
                if let Some(patch) = patch {
                    let slot = profile
                        .entry(key.to_owned())
                        .or_insert_with(|| Value::Object(Map::new()));
                    merge(slot, &Value::Object(patch.clone()));
                }
            }
        }
        ok(self.tls_node(&r.id)?)
    }
}

fn is_tls(upsert: &ProtocolUpsertRequest) -> bool {
    upsert.profile.protocol == crate::protocols::ProfileProtocol::AnyTls
        || matches!(upsert.profile.profile.get("tls"), Some(Value::Object(_)))
}

/// JSON merge: objects merge key by key, anything else replaces.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (key, value) in p {
                match t.get_mut(key) {
                    Some(slot) if slot.is_object() && value.is_object() => merge(slot, value),
                    _ => {
                        t.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}
