//! The kernel's side effects: events on the event stream and the callbacks registered for
//! them.

use serde_json::{Map, Value, json};

use super::registrations::Record;
use super::{
    Callback, Delivery, DeliveryBody, MockKernel, Node, Registration, node_event_kind, now_ms,
    rfc3339,
};
use crate::registrations::{NodeEventKind, ServiceEventKind};
use crate::streams::{EventEnvelope, EventName, NodeEventName};
use crate::webhooks::{EventPayload, KernelNodeEventRequest, KernelServiceEventRequest};

impl MockKernel {
    pub(super) fn emit(&mut self, event: EventName, payload: Map<String, Value>) -> EventEnvelope {
        let envelope = EventEnvelope {
            event,
            event_id: Some(self.next_id()),
            occurred_at_ms: Some(now_ms()),
            payload: Some(payload),
        };
        self.events.push(envelope.clone());
        self.effects.events.push(envelope.clone());
        envelope
    }

    pub(super) fn node_event(&mut self, kind: NodeEventKind, node: &Node, message: &str) {
        let node_id = node.upsert.profile.id.clone();
        let now = now_ms();
        let mut payload = Map::new();
        payload.insert("event".to_owned(), json!(kind.as_str()));
        payload.insert("node_id".to_owned(), json!(node_id));
        payload.insert("triggered_at".to_owned(), json!(rfc3339(now)));
        self.emit(EventName::from(kind.stream_name()), payload);
        let status = node_event_kind(&node.health).map(|(_, s)| s);
        let body = KernelNodeEventRequest {
            event: NodeEventName::from(kind.as_str()),
            id: Some(node_id.clone()),
            node_id: Some(node_id),
            protocol: Some(node.upsert.profile.protocol.as_str().to_owned()),
            status,
            message: Some(message.to_owned()),
            observed_at: Some(now / 1000),
        }
        .shaped(self.config.webhook_shape);
        let deliveries = deliveries(&self.node_registrations, kind.as_str(), || {
            DeliveryBody::NodeEvent(body.clone())
        });
        self.effects.deliveries.extend(deliveries);
    }

    pub(super) fn service_event(&mut self, kind: ServiceEventKind, payload: Map<String, Value>) {
        let envelope = self.emit(EventName::from(kind.as_str()), payload);
        let body = KernelServiceEventRequest {
            event: envelope.event.clone(),
            event_id: envelope.event_id.clone(),
            occurred_at_ms: envelope.occurred_at_ms,
            payload: envelope.payload.clone().map(EventPayload::Object),
            records: None,
        }
        .shaped(self.config.webhook_shape);
        let deliveries = deliveries(&self.service_registrations, kind.as_str(), || {
            DeliveryBody::ServiceEvent(body.clone())
        });
        self.effects.deliveries.extend(deliveries);
    }
}

/// One delivery of `body` to every registration for `event` that has a callback.
fn deliveries<T: Record>(
    registrations: &[Registration<T>],
    event: &str,
    body: impl Fn() -> DeliveryBody,
) -> Vec<Delivery> {
    registrations
        .iter()
        .filter(|r| r.record.event() == Some(event))
        .filter_map(|r| {
            Some(Delivery {
                callback: Callback {
                    url: r.record.callback()?.to_owned(),
                    token: r.secret.clone(),
                },
                body: body(),
            })
        })
        .collect()
}
