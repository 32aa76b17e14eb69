//! `GET /v1/traffic` and the traffic the kernel accounts.

use serde_json::Value;

use super::{Answer, Delivery, DeliveryBody, MockKernel, now_ms, ok};
use crate::endpoints::GetTraffic;
use crate::registrations::ServiceEventKind;
use crate::server::ApiFailure;
use crate::streams::{PanelId, TrafficReading, UserTrafficReported};
use crate::traffic::{NodeProtocolTrafficSummary, TrafficSummaryResponse};
use crate::users::MetadataValue;
use crate::webhooks::{KernelTrafficRecord, KernelTrafficReportRequest};

impl MockKernel {
    /// `GET /v1/traffic`: the counters, filtered by node and protocol.
    pub(super) fn get_traffic(&self, q: &GetTraffic) -> Answer {
        ok(self.traffic_summary(&q.node, &q.protocol))
    }

    pub(super) fn traffic_summary(
        &self,
        nodes: &[String],
        protocols: &[String],
    ) -> TrafficSummaryResponse {
        let rows: Vec<NodeProtocolTrafficSummary> = self
            .traffic
            .iter()
            .filter(|((n, p), _)| {
                (nodes.is_empty() || nodes.contains(n))
                    && (protocols.is_empty() || protocols.contains(p))
            })
            .map(|((n, p), (up, down))| NodeProtocolTrafficSummary {
                node_id: Some(n.clone()),
                protocol: Some(p.clone()),
                bytes_up: Some(*up),
                bytes_down: Some(*down),
            })
            .collect();
        TrafficSummaryResponse {
            generated_at_ms: Some(now_ms()),
            bytes_up: Some(
                rows.iter()
                    .filter_map(|r| r.bytes_up)
                    .fold(0, u64::saturating_add),
            ),
            bytes_down: Some(
                rows.iter()
                    .filter_map(|r| r.bytes_down)
                    .fold(0, u64::saturating_add),
            ),
            by_node_protocol: Some(rows),
        }
    }

    /// Records traffic of `user_id` through `node_id`, as the kernel's accounting would: the
    /// node's counters and the user's used bytes grow, `user.traffic.reported` is emitted, and
    /// a traffic batch goes to
    /// [`MockConfig::traffic_callback`](super::MockConfig::traffic_callback) when the user's
    /// id (or its `subscription_id` metadata) is a panel number.
    pub fn record_traffic(
        &mut self,
        node_id: &str,
        user_id: &str,
        bytes_up: u64,
        bytes_down: u64,
    ) -> Result<(), ApiFailure> {
        let protocol = self
            .nodes
            .get(node_id)
            .map(|n| n.upsert.profile.protocol.as_str().to_owned())
            .ok_or_else(|| ApiFailure::not_found(format!("no node `{node_id}`")))?;
        let node_user = self
            .nodes
            .get_mut(node_id)
            .and_then(|n| n.upsert.users.as_mut())
            .and_then(|users| users.iter_mut().find(|u| u.id == user_id));
        let user = match node_user {
            Some(user) => user,
            None => self
                .users
                .get_mut(user_id)
                .ok_or_else(|| ApiFailure::not_found(format!("no user `{user_id}`")))?,
        };
        let mut traffic = user.traffic.unwrap_or_default();
        let previous = traffic.used.unwrap_or(0);
        let current = previous.saturating_add(bytes_up).saturating_add(bytes_down);
        traffic.used = Some(current);
        user.traffic = Some(traffic);
        let remaining = |used: u64| traffic.allocated.map(|a| a.saturating_sub(used));
        let subscription = user
            .metadata
            .as_ref()
            .and_then(|m| m.get("subscription_id"))
            .map(MetadataValue::to_text);
        let counters = self
            .traffic
            .entry((node_id.to_owned(), protocol.clone()))
            .or_insert((0, 0));
        counters.0 = counters.0.saturating_add(bytes_up);
        counters.1 = counters.1.saturating_add(bytes_down);

        let report = UserTrafficReported {
            user_id: Some(PanelId::Text(user_id.to_owned())),
            subscription_id: subscription.clone().map(PanelId::Text),
            previous: Some(TrafficReading {
                used: Some(previous),
                remaining: remaining(previous),
            }),
            current: Some(TrafficReading {
                used: Some(current),
                remaining: remaining(current),
            }),
        };
        if let Ok(Value::Object(payload)) = serde_json::to_value(&report) {
            self.service_event(ServiceEventKind::UserTrafficReported, payload);
        }

        let panel_user = user_id.parse::<u64>().ok();
        let panel_subscription = subscription.and_then(|s| s.parse::<u64>().ok());
        if let Some(callback) = self.config.traffic_callback.clone()
            && (panel_user.is_some() || panel_subscription.is_some())
        {
            self.effects.deliveries.push(Delivery {
                callback,
                body: DeliveryBody::Traffic(
                    KernelTrafficReportRequest {
                        records: vec![KernelTrafficRecord {
                            user_id: panel_user,
                            subscription_id: panel_subscription,
                            protocol: Some(protocol),
                            node_id: None,
                            binding_id: None,
                            bytes_up,
                            bytes_down,
                            observed_at: Some(now_ms() / 1000),
                        }],
                    }
                    .shaped(self.config.webhook_shape),
                ),
            });
        }
        Ok(())
    }
}
