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

/// The members both registration records share.
pub(super) trait Record: Clone {
    fn create(id: String, event: &str, callback: &str, created_at_ms: u64) -> Self;
    fn id(&self) -> Option<&str>;
    fn event(&self) -> Option<&str>;
    fn callback(&self) -> Option<&str>;
}

macro_rules! record {
    ($($ty:ident),*) => {$(
        impl Record for $ty {
            fn create(id: String, event: &str, callback: &str, created_at_ms: u64) -> Self {
                Self {
                    id: Some(id),
                    event: Some(event.to_owned()),
                    callback: Some(callback.to_owned()),
                    created_at_ms: Some(created_at_ms),
                }
            }
            fn id(&self) -> Option<&str> {
                self.id.as_deref()
            }
            fn event(&self) -> Option<&str> {
                self.event.as_deref()
            }
            fn callback(&self) -> Option<&str> {
                self.callback.as_deref()
            }
        }
    )*};
}
record!(EventRegistrationRecord, EventSubscriptionRecord);

type Registrations<T> = fn(&mut MockKernel) -> &mut Vec<Registration<T>>;

fn list<T: Record + serde::Serialize>(registrations: &[Registration<T>]) -> Answer {
    ok(registrations
        .iter()
        .map(|r| r.record.clone())
        .collect::<Vec<_>>())
}

fn delete<T: Record>(registrations: &mut Vec<Registration<T>>, id: &str) -> Answer {
    let before = registrations.len();
    registrations.retain(|reg| reg.record.id() != Some(id));
    if registrations.len() < before {
        no_content()
    } else {
        Err(ApiFailure::not_found(format!("no registration `{id}`")))
    }
}

impl MockKernel {
    /// `GET /v1/events/registrations`.
    pub(super) fn list_event_registrations(&self) -> Answer {
        list(&self.node_registrations)
    }

    /// `POST /v1/events/registrations`.
    pub(super) fn register_event(&mut self, call: &RegisterEvent) -> Answer {
        let body = &call.body;
        ok(self.register_node_event(body.event, &body.callback, body.secret.value().cloned()))
    }

    /// `DELETE /v1/events/registrations/{id}`.
    pub(super) fn delete_event_registration(&mut self, call: &DeleteEventRegistration) -> Answer {
        delete(&mut self.node_registrations, &call.id)
    }

    /// `GET /v1/service-events/registrations`.
    pub(super) fn list_service_event_registrations(&self) -> Answer {
        list(&self.service_registrations)
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
        delete(&mut self.service_registrations, &call.id)
    }

    pub(crate) fn register_node_event(
        &mut self,
        event: NodeEventKind,
        callback: &str,
        secret: Option<Secret>,
    ) -> EventRegistrationRecord {
        self.register(
            |k| &mut k.node_registrations,
            event.as_str(),
            callback,
            secret,
        )
    }

    fn register_service_event(
        &mut self,
        event: ServiceEventKind,
        callback: &str,
        secret: Option<Secret>,
    ) -> EventSubscriptionRecord {
        self.register(
            |k| &mut k.service_registrations,
            event.as_str(),
            callback,
            secret,
        )
    }

    /// Registers `(event, callback)` once; registering it again replaces the secret.
    fn register<T: Record>(
        &mut self,
        registrations: Registrations<T>,
        event: &str,
        callback: &str,
        secret: Option<Secret>,
    ) -> T {
        if let Some(existing) = registrations(self)
            .iter_mut()
            .find(|r| r.record.event() == Some(event) && r.record.callback() == Some(callback))
        {
            existing.secret = secret;
            return existing.record.clone();
        }
        let record = T::create(self.next_id(), event, callback, now_ms());
        registrations(self).push(Registration {
            record: record.clone(),
            secret,
        });
        record
    }
}
