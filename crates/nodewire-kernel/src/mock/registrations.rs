//! `/v1/events/registrations` and `/v1/service-events/registrations`: callback
//! registrations, idempotent per `(event, callback)`.

use nodewire_common::Secret;

use super::{Answer, MockKernel, Registration, no_content, now_ms, ok};
use crate::endpoints::{
    DeleteEventRegistration, DeleteServiceEventRegistration, RegisterEvent, RegisterServiceEvent,
};
use crate::registrations::{
    EventRegistrationRecord, EventSubscriptionRecord, NodeEventKind, ServiceEventKind,
};
use crate::server::ApiFailure;

impl MockKernel {
    /// `GET /v1/events/registrations`.
    pub(super) fn list_event_registrations(&self) -> Answer {
        ok(self
            .node_registrations
            .iter()
            .map(|r| r.record.clone())
            .collect::<Vec<_>>())
    }

    /// `POST /v1/events/registrations`.
    pub(super) fn register_event(&mut self, call: &RegisterEvent) -> Answer {
        let body = &call.body;
        ok(self.register_node_event(body.event, &body.callback, body.secret.value().cloned()))
    }

    /// `DELETE /v1/events/registrations/{id}`.
    pub(super) fn delete_event_registration(&mut self, call: &DeleteEventRegistration) -> Answer {
        let before = self.node_registrations.len();
        self.node_registrations
            .retain(|reg| reg.record.id.as_deref() != Some(call.id.as_str()));
        if self.node_registrations.len() < before {
            no_content()
        } else {
            Err(ApiFailure::not_found(format!(
                "no registration `{}`",
                call.id
            )))
        }
    }

    /// `GET /v1/service-events/registrations`.
    pub(super) fn list_service_event_registrations(&self) -> Answer {
        ok(self
            .service_registrations
            .iter()
            .map(|r| r.record.clone())
            .collect::<Vec<_>>())
    }

    /// `POST /v1/service-events/registrations`.
    pub(super) fn register_service_event_call(&mut self, call: &RegisterServiceEvent) -> Answer {
        let body = &call.body;
        ok(self.register_service_event(
            body.event.kind(),
            &body.callback,
            body.secret.value().cloned(),
        ))
    }

    /// `DELETE /v1/service-events/registrations/{id}`.
    pub(super) fn delete_service_event_registration(
        &mut self,
        call: &DeleteServiceEventRegistration,
    ) -> Answer {
        let before = self.service_registrations.len();
        self.service_registrations
            .retain(|reg| reg.record.id.as_deref() != Some(call.id.as_str()));
        if self.service_registrations.len() < before {
            no_content()
        } else {
            Err(ApiFailure::not_found(format!(
                "no registration `{}`",
                call.id
            )))
        }
    }

    pub(crate) fn register_node_event(
        &mut self,
        event: NodeEventKind,
        callback: &str,
        secret: Option<Secret>,
    ) -> EventRegistrationRecord {
        if let Some(existing) = self.node_registrations.iter_mut().find(|r| {
            r.record.event.as_deref() == Some(event.as_str())
                && r.record.callback.as_deref() == Some(callback)
        }) {
            existing.secret = secret;
            return existing.record.clone();
        }
        let record = EventRegistrationRecord {
            id: Some(self.next_id()),
            event: Some(event.as_str().to_owned()),
            callback: Some(callback.to_owned()),
            created_at_ms: Some(now_ms()),
        };
        self.node_registrations.push(Registration {
            record: record.clone(),
            secret,
        });
        record
    }

    fn register_service_event(
        &mut self,
        event: ServiceEventKind,
        callback: &str,
        secret: Option<Secret>,
    ) -> EventSubscriptionRecord {
        if let Some(existing) = self.service_registrations.iter_mut().find(|r| {
            r.record.event.as_deref() == Some(event.as_str())
                && r.record.callback.as_deref() == Some(callback)
        }) {
            existing.secret = secret;
            return existing.record.clone();
        }
        let record = EventSubscriptionRecord {
            id: Some(self.next_id()),
            event: Some(event.as_str().to_owned()),
            callback: Some(callback.to_owned()),
            created_at_ms: Some(now_ms()),
        };
        self.service_registrations.push(Registration {
            record: record.clone(),
            secret,
        });
        record
    }
}
