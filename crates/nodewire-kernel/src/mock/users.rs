//! `/v1/users`: the user registry.

use std::collections::BTreeMap;

use serde_json::{Map, json};

use super::{Answer, MockKernel, no_content, ok, view};
use crate::endpoints::{CreateUser, GetUser, ImportUsers, ListUsers};
use crate::registrations::ServiceEventKind;
use crate::server::ApiFailure;
use crate::users::{
    RatePatch, TrafficPatch, User, UserCreateResponse, UserPatchRequest, UserPatchResponse,
    UsersImportResponse,
};

impl MockKernel {
    /// `GET /v1/users`.
    pub(super) fn list_users(&self, q: &ListUsers) -> Answer {
        let redact = q.redact.unwrap_or(false);
        ok(self
            .users
            .values()
            .map(|u| view(u, redact))
            .collect::<Vec<_>>())
    }

    /// `POST /v1/users`: `409` for an existing id.
    pub(super) fn create_user(&mut self, call: &CreateUser) -> Answer {
        let body = &call.body;
        if self.users.contains_key(&body.id) {
            return Err(ApiFailure::conflict(format!("user `{}` exists", body.id)));
        }
        let mut user = User::new(
            body.id.clone(),
            body.username.clone(),
            body.password.clone(),
        );
        user.metadata = body.metadata.clone();
        user.tags = body.tags.clone();
        if let Some(t) = &body.traffic {
            apply_traffic(&mut user, t);
        }
        if let Some(rate) = &body.rate {
            apply_rate(&mut user, rate);
        }
        self.users.insert(body.id.clone(), user);
        ok(UserCreateResponse {
            id: Some(body.id.clone()),
        })
    }

    /// `POST /v1/users/import`: replaces every user; a repeated id is `400`.
    pub(super) fn import_users(&mut self, call: &ImportUsers) -> Answer {
        let mut users = BTreeMap::new();
        for user in &call.body {
            if users.insert(user.id.clone(), user.clone()).is_some() {
                return Err(ApiFailure::bad_request(format!(
                    "duplicate user id `{}`",
                    user.id
                )));
            }
        }
        self.users = users;
        ok(UsersImportResponse {
            imported: Some(self.users.len() as u64),
        })
    }

    /// `GET /v1/users/{id}`.
    pub(super) fn get_user(&self, call: &GetUser) -> Answer {
        let user = self
            .users
            .get(&call.id)
            .ok_or_else(|| ApiFailure::not_found(format!("no user `{}`", call.id)))?;
        ok(view(user, call.redact.unwrap_or(false)))
    }

    /// `DELETE /v1/users/{id}`.
    pub(super) fn delete_user(&mut self, id: &str) -> Answer {
        match self.users.remove(id) {
            Some(_) => no_content(),
            None => Err(ApiFailure::not_found(format!("no user `{id}`"))),
        }
    }

    /// `PUT` and `PATCH /v1/users/{id}`: both merge; a changed `traffic.allocated` emits
    /// `user.quota.changed`.
    pub(super) fn update_user(&mut self, id: &str, body: &UserPatchRequest) -> Answer {
        let user = self
            .users
            .get_mut(id)
            .ok_or_else(|| ApiFailure::not_found(format!("no user `{id}`")))?;
        let before = user.traffic.unwrap_or_default().allocated;
        if let Some(password) = &body.password {
            user.password = password.clone();
        }
        if let Some(t) = &body.traffic {
            apply_traffic(user, t);
        }
        if let Some(rate) = &body.rate {
            apply_rate(user, rate);
        }
        if let Some(metadata) = &body.metadata {
            user.metadata = Some(metadata.clone());
        }
        if let Some(tags) = &body.tags {
            user.tags = Some(tags.clone());
        }
        let after = user.traffic.unwrap_or_default().allocated;
        if before != after {
            let mut payload = Map::new();
            payload.insert("user_id".to_owned(), json!(id));
            payload.insert("allocated".to_owned(), json!(after.unwrap_or(0)));
            payload.insert("previous_allocated".to_owned(), json!(before.unwrap_or(0)));
            self.service_event(ServiceEventKind::UserQuotaChanged, payload);
        }
        ok(UserPatchResponse {
            id: Some(id.to_owned()),
        })
    }
}

fn apply_traffic(user: &mut User, patch: &TrafficPatch) {
    let mut traffic = user.traffic.unwrap_or_default();
    if let Some(a) = patch.allocated {
        traffic.allocated = Some(a);
    }
    if let Some(u) = patch.used {
        traffic.used = Some(u);
    }
    user.traffic = Some(traffic);
}

fn apply_rate(user: &mut User, patch: &RatePatch) {
    let mut rate = user.rate.unwrap_or_default();
    if !patch.up.is_absent() {
        rate.up = patch.up;
    }
    if !patch.down.is_absent() {
        rate.down = patch.down;
    }
    user.rate = Some(rate);
}
