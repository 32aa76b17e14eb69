//! `/instances`: the instances' lifecycle (create, patch, replace, delete) and their
//! start and stop.

use http::StatusCode;
use nodewire_common::Secret;
use nodewire_common::server::{empty_response, excerpt};

use super::{MockMaster, Outcome, fail, log_line, mcp, random_hex, respond};
use crate::envelope::{messages, set_cors_headers};
use crate::events::EventType;
use crate::instances::{InstanceId, InstanceStatus, InstanceType, MAX_VALUE_LEN};
use crate::server::{
    ApiFailure, PatchBody, PatchMeta, decode_put_body, instance_method_not_allowed,
};
use crate::url::{Environment, NormalizeError, Process, Role, normalize_text};

impl MockMaster {
    /// `GET /instances`: every instance, the API-key one first, in creation order.
    pub(super) fn list_instances(&self) -> Outcome {
        respond(StatusCode::OK, &self.instances)
    }

    /// `POST /instances`: `201` with the instance as stored (still `stopped`), then it
    /// starts.
    pub(super) fn create_instance(&mut self, alias: String, url: &str) -> Outcome {
        let stored = match self.normalize_for_request(url) {
            Ok(s) => s,
            Err(message) => return fail(StatusCode::BAD_REQUEST, message),
        };
        let id = InstanceId::from_wire(random_hex(4));
        if self.find(&id).is_some() {
            return fail(StatusCode::CONFLICT, messages::INSTANCE_ID_EXISTS);
        }
        let instance = mcp::new_instance(id, alias, stored.role, stored.url, stored.config);
        let outcome = respond(StatusCode::CREATED, &instance);
        self.instances.push(instance);
        let index = self.instances.len() - 1;
        self.emit_instance(EventType::Create, index, String::new());
        self.start(index);
        outcome
    }

    /// `GET /instances/{id}`.
    pub(super) fn get_instance(&self, id: &InstanceId) -> Outcome {
        match self.find(id) {
            Some(i) => respond(StatusCode::OK, &self.instances.get(i)),
            None => fail(StatusCode::NOT_FOUND, messages::INSTANCE_NOT_FOUND),
        }
    }

    /// `PATCH /instances/{id}`: the fields in the master's order, not atomically; a body that
    /// did not decode answers the instance unchanged. Start, stop and restart apply after the
    /// answer is built.
    pub(super) fn update_instance(&mut self, id: &InstanceId, body: Option<PatchBody>) -> Outcome {
        let Some(index) = self.find(id) else {
            return fail(StatusCode::NOT_FOUND, messages::INSTANCE_NOT_FOUND);
        };
        let Some(body) = body else {
            return respond(StatusCode::OK, &self.instances.get(index));
        };
        if id.is_api_key() {
            return self.update_api_key(index, &body.action);
        }
        if let Err(failure) = self.patch_alias(index, &body.alias) {
            return Outcome::Respond(failure.into_response());
        }
        let deferred = match self.patch_action(index, &body.action) {
            Ok(deferred) => deferred,
            Err(failure) => return Outcome::Respond(failure.into_response()),
        };
        self.patch_restart(index, body.restart);
        let outcome = match body.meta.map(|meta| self.patch_meta(index, meta)) {
            Some(Err(failure)) => Outcome::Respond(failure.into_response()),
            None | Some(Ok(())) => respond(StatusCode::OK, &self.instances.get(index)),
        };
        self.after_deferred(index, deferred, outcome)
    }

    /// `PATCH` of the API-key instance: `restart` regenerates the key and closes every event
    /// stream; anything else changes nothing.
    fn update_api_key(&mut self, index: usize, action: &str) -> Outcome {
        if action != "restart" {
            return respond(StatusCode::OK, &self.instances.get(index));
        }
        self.key = Secret::new(random_hex(16));
        let key = self.key.expose().to_owned();
        if let Some(instance) = self.instances.get_mut(index) {
            instance.url = key;
        }
        let outcome = respond(StatusCode::OK, &self.instances.get(index));
        self.emit_instance(EventType::Update, index, String::new());
        self.shutdown();
        outcome
    }

    fn patch_alias(&mut self, index: usize, alias: &str) -> Result<(), ApiFailure> {
        let changed = self.instances.get(index).is_some_and(|i| i.alias != alias);
        if alias.is_empty() || !changed {
            return Ok(());
        }
        if alias.len() > MAX_VALUE_LEN {
            return Err(ApiFailure::bad_request(messages::too_long(
                "Instance alias",
            )));
        }
        if let Some(i) = self.instances.get_mut(index) {
            i.alias = alias.to_owned();
        }
        self.emit_instance(EventType::Update, index, String::new());
        Ok(())
    }

    /// Zeroes the traffic counters of the instance at `index` and announces the change.
    pub(super) fn reset_traffic(&mut self, index: usize) {
        if let Some(i) = self.instances.get_mut(index) {
            i.tcprx = 0;
            i.tcptx = 0;
            i.udprx = 0;
            i.udptx = 0;
        }
        self.emit_instance(EventType::Update, index, String::new());
    }

    /// `reset` applies now; `start`, `stop` and `restart` are returned for later.
    fn patch_action(&mut self, index: usize, action: &str) -> Result<Option<String>, ApiFailure> {
        match action {
            "" => Ok(None),
            "reset" => {
                self.reset_traffic(index);
                Ok(None)
            }
            "start" | "stop" | "restart" => Ok(Some(action.to_owned())),
            other => Err(ApiFailure::bad_request(format!(
                "{}{}",
                messages::INVALID_ACTION_PREFIX,
                excerpt(other, super::ECHO_CHARS)
            ))),
        }
    }

    fn patch_restart(&mut self, index: usize, restart: Option<bool>) {
        let Some(restart) = restart else {
            return;
        };
        match self.instances.get_mut(index) {
            Some(i) if i.restart != restart => i.restart = restart,
            _ => return,
        }
        self.emit_instance(EventType::Update, index, String::new());
    }

    /// The peer, then the tags, each checked before it is applied.
    fn patch_meta(&mut self, index: usize, meta: PatchMeta) -> Result<(), ApiFailure> {
        if let Some(peer) = meta.peer {
            for (field, value) in [
                ("Meta peer.sid", &peer.sid),
                ("Meta peer.type", &peer.kind),
                ("Meta peer.alias", &peer.alias),
            ] {
                if value.len() > MAX_VALUE_LEN {
                    return Err(ApiFailure::bad_request(messages::too_long(field)));
                }
            }
            if let Some(i) = self.instances.get_mut(index) {
                i.meta.peer = peer;
            }
        }
        if let Some(tags) = meta.tags {
            for (k, v) in &tags {
                let field = if k.len() > MAX_VALUE_LEN {
                    "Meta tag key"
                } else if v.len() > MAX_VALUE_LEN {
                    "Meta tag value"
                } else {
                    continue;
                };
                return Err(ApiFailure::bad_request(messages::too_long(field)));
            }
            if let Some(i) = self.instances.get_mut(index) {
                i.meta.tags = Some(tags);
            }
        }
        self.emit_instance(EventType::Update, index, String::new());
        Ok(())
    }

    /// Applies a start/stop/restart after the answer was built, as the master's goroutines do.
    pub(super) fn after_deferred(
        &mut self,
        index: usize,
        action: Option<String>,
        outcome: Outcome,
    ) -> Outcome {
        let status = self.instances.get(index).map(|i| i.status.clone());
        match (action.as_deref(), status) {
            (Some("start"), Some(InstanceStatus::Stopped)) => self.start(index),
            (Some("stop"), Some(s)) if s != InstanceStatus::Stopped => self.stop(index),
            (Some("restart"), _) => {
                self.stop(index);
                self.start(index);
            }
            _ => {}
        }
        outcome
    }

    /// `PUT /instances/{id}`: a new URL (`409` when it normalizes to the current one); the
    /// instance stops and starts again.
    pub(super) fn put_instance(&mut self, id: &InstanceId, body: &[u8]) -> Outcome {
        let Some(index) = self.find(id) else {
            return fail(StatusCode::NOT_FOUND, messages::INSTANCE_NOT_FOUND);
        };
        if id.is_api_key() {
            return fail(StatusCode::FORBIDDEN, messages::FORBIDDEN_API_KEY);
        }
        let body = match decode_put_body(body) {
            Ok(b) => b,
            Err(failure) => return Outcome::Respond(failure.into_response()),
        };
        let stored = match self.normalize_for_request(&body.url) {
            Ok(s) => s,
            Err(message) => return fail(StatusCode::BAD_REQUEST, message),
        };
        if self
            .instances
            .get(index)
            .is_some_and(|i| i.url == stored.url)
        {
            return fail(StatusCode::CONFLICT, messages::INSTANCE_URL_CONFLICT);
        }
        self.stop(index);
        if let Some(i) = self.instances.get_mut(index) {
            i.url = stored.url;
            i.config = stored.config;
            i.kind = match stored.role {
                Role::Server => InstanceType::Server,
                Role::Client => InstanceType::Client,
            };
            i.status = InstanceStatus::Stopped;
        }
        let outcome = respond(StatusCode::OK, &self.instances.get(index));
        self.start(index);
        outcome
    }

    /// `DELETE /instances/{id}`: `204`.
    pub(super) fn delete_instance(&mut self, id: &InstanceId) -> Outcome {
        let Some(index) = self.find(id) else {
            return fail(StatusCode::NOT_FOUND, messages::INSTANCE_NOT_FOUND);
        };
        if id.is_api_key() {
            return fail(StatusCode::FORBIDDEN, messages::FORBIDDEN_API_KEY);
        }
        self.stop(index);
        let removed = self.instances.remove(index);
        self.emit(EventType::Delete, Some(removed), String::new());
        let mut r = empty_response(StatusCode::NO_CONTENT);
        set_cors_headers(r.headers_mut());
        Outcome::Respond(r)
    }

    /// Another method on `/instances/{id}`: `404` for an unknown instance, else `405`.
    pub(super) fn detail_not_allowed(&self, id: &InstanceId) -> Outcome {
        match self.find(id) {
            Some(_) => Outcome::Respond(instance_method_not_allowed().into_response()),
            None => fail(StatusCode::NOT_FOUND, messages::INSTANCE_NOT_FOUND),
        }
    }

    pub(super) fn normalize_for_request(
        &self,
        url: &str,
    ) -> Result<crate::url::Normalized, &'static str> {
        normalize_text(&self.config.settings, url, self.config.compat).map_err(|e| match e {
            NormalizeError::InvalidRequestBody => messages::INVALID_REQUEST_BODY,
            NormalizeError::InvalidUrlFormat => messages::INVALID_URL_FORMAT,
            NormalizeError::InvalidUrlScheme => messages::INVALID_URL_SCHEME,
        })
    }

    /// `StartInstance`: `running` + `update`; a URL the process refuses then exits: a `log`
    /// event with the error and `error` + `update`.
    pub(super) fn start(&mut self, index: usize) {
        let Some(instance) = self.instances.get_mut(index) else {
            return;
        };
        if instance.status != InstanceStatus::Stopped {
            return;
        }
        instance.status = InstanceStatus::Running;
        let url = instance.url.clone();
        let role = instance.kind.as_str().to_owned();
        self.emit_instance(EventType::Update, index, String::new());
        match Process::parse(&url, &Environment::default()) {
            Ok(_) => {
                let started = if role == "server" {
                    "Server started"
                } else {
                    "Client started"
                };
                self.emit_instance(EventType::Log, index, log_line("INFO", 32, started));
            }
            Err(e) => {
                let text = e
                    .upstream_text()
                    .map(str::to_owned)
                    .unwrap_or_else(|| e.to_string());
                self.emit_instance(
                    EventType::Log,
                    index,
                    log_line("ERROR", 31, &format!("start: create core failed: {text}")),
                );
                if let Some(instance) = self.instances.get_mut(index) {
                    instance.status = InstanceStatus::Error;
                }
                self.emit_instance(EventType::Update, index, String::new());
            }
        }
    }

    /// `StopInstance`.
    pub(super) fn stop(&mut self, index: usize) {
        let Some(instance) = self.instances.get_mut(index) else {
            return;
        };
        if instance.status == InstanceStatus::Stopped {
            return;
        }
        instance.status = InstanceStatus::Stopped;
        instance.ping = 0;
        instance.pool = 0;
        instance.tcps = 0;
        instance.udps = 0;
        self.emit_instance(EventType::Update, index, String::new());
    }
}
