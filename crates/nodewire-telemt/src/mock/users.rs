//! `/v1/users`: the user records, their links and their mutators.

use bytes::Bytes;
use http::StatusCode;
use nodewire_common::{Patch, Secret};

use super::{MockTelemt, StoredUser, generate_secret, hex, now};
use crate::endpoints::{CreateUser, DeleteUser, GetUser, PatchUser, ResetUserQuota, RotateSecret};
use crate::envelope::{ErrorCode, Revision};
use crate::server::ApiFailure;
use crate::users::{
    CreateUserResponse, DeleteUserResponse, ResetUserQuotaResponse, TlsDomainLink, UserInfo,
    UserLinks, Username,
};

type Answer = Result<http::Response<Bytes>, ApiFailure>;

impl MockTelemt {
    /// A stored user as `UserInfo`, with the links the server builds for it.
    pub(super) fn user_info(&self, name: &str, u: &StoredUser) -> UserInfo {
        let host = &self.config.public_host;
        let port = self.config.public_port;
        let base = format!("tg://proxy?server={host}&port={port}&secret=");
        let tls_link =
            |domain: &str| format!("{base}ee{}{}", u.secret.expose(), hex(domain.as_bytes()));
        let rate = |pick: fn((u64, u64)) -> u64| {
            if self.has_rate_limits() {
                u.rate.map(pick).filter(|n| *n > 0).into()
            } else {
                Patch::Absent
            }
        };
        UserInfo {
            enabled: self.has_enabled_switch().then_some(!u.disabled),
            in_runtime: true,
            user_ad_tag: u.ad_tag.clone(),
            max_tcp_conns: u.max_tcp_conns.filter(|n| *n > 0),
            expiration_rfc3339: u.expiration.clone(),
            data_quota_bytes: u.data_quota,
            rate_limit_up_bps: rate(|r| r.0),
            rate_limit_down_bps: rate(|r| r.1),
            max_unique_ips: u.max_unique_ips.filter(|n| *n > 0),
            links: UserLinks {
                classic: vec![format!("{base}{}", u.secret.expose())],
                secure: vec![format!("{base}dd{}", u.secret.expose())],
                tls: self
                    .config
                    .tls_domains
                    .iter()
                    .map(|d| tls_link(d))
                    .collect(),
                tls_domains: self
                    .config
                    .tls_domains
                    .iter()
                    .skip(1)
                    .map(|d| TlsDomainLink {
                        domain: d.clone(),
                        link: tls_link(d),
                    })
                    .collect(),
            },
            ..UserInfo::new(name)
        }
    }

    /// The user named `name`, or `404 User not found`.
    pub(super) fn view(&self, name: &str) -> Result<UserInfo, ApiFailure> {
        self.users
            .get(name)
            .map(|u| self.user_info(name, u))
            .ok_or_else(ApiFailure::user_not_found)
    }

    fn stored(&mut self, name: &str) -> Result<&mut StoredUser, ApiFailure> {
        self.users
            .get_mut(name)
            .ok_or_else(ApiFailure::user_not_found)
    }

    /// `GET /v1/users` (and `GET /v1/stats/users`, the same list).
    pub(super) fn list_users(&self) -> Answer {
        let users: Vec<UserInfo> = self
            .users
            .iter()
            .map(|(n, u)| self.user_info(n, u))
            .collect();
        self.ok(StatusCode::OK, users)
    }

    /// `GET /v1/users/{username}`.
    pub(super) fn get_user(&self, call: GetUser) -> Answer {
        let info = self.view(call.username.as_str())?;
        self.ok(StatusCode::OK, info)
    }

    /// `POST /v1/users`: `201`, or `409 user_exists`.
    pub(super) fn create_user(&mut self, call: CreateUser) -> Answer {
        let CreateUser { body, if_match } = call;
        self.check_revision(&if_match)?;
        let name = body.username.as_str().to_owned();
        if self.users.contains_key(&name) {
            return Err(ApiFailure::new(
                StatusCode::CONFLICT,
                ErrorCode::UserExists,
                "User already exists",
            ));
        }
        let secret = body
            .secret
            .value()
            .map(|s| s.expose().to_owned())
            .unwrap_or_else(generate_secret);
        let rate = match (
            body.rate_limit_up_bps.value(),
            body.rate_limit_down_bps.value(),
        ) {
            (None, None) => None,
            (up, down) => Some((up.map_or(0, |v| v.get()), down.map_or(0, |v| v.get()))),
        };
        let user = StoredUser {
            secret: Secret::new(secret.clone()),
            ad_tag: body.user_ad_tag.value().map(|t| t.as_str().to_owned()),
            max_tcp_conns: body.max_tcp_conns.value().copied(),
            expiration: body.expiration_rfc3339.value().map(|e| e.to_server_form()),
            data_quota: body.data_quota_bytes.value().copied(),
            rate: rate.filter(|_| self.has_rate_limits()),
            max_unique_ips: body.max_unique_ips.value().copied(),
            disabled: self.has_enabled_switch() && body.enabled.value() == Some(&false),
            ..Default::default()
        };
        self.users.insert(name.clone(), user);
        let user = self.view(&name)?;
        self.ok(
            StatusCode::CREATED,
            CreateUserResponse {
                user,
                secret: Secret::new(secret),
            },
        )
    }

    /// `PATCH /v1/users/{username}`: a merge patch (`null` clears a limit).
    pub(super) fn patch_user(&mut self, call: PatchUser) -> Answer {
        let PatchUser {
            username,
            body,
            if_match,
        } = call;
        self.check_revision(&if_match)?;
        let name = username.as_str();
        let (rates, switch) = (self.has_rate_limits(), self.has_enabled_switch());
        let user = self.stored(name)?;
        if let Some(secret) = body.secret.value() {
            user.secret = Secret::new(secret.expose());
        }
        user.ad_tag = body
            .user_ad_tag
            .map(|t| t.as_str().to_owned())
            .apply_to(user.ad_tag.take());
        user.max_tcp_conns = body.max_tcp_conns.apply_to(user.max_tcp_conns);
        user.expiration = body
            .expiration_rfc3339
            .map(|e| e.to_server_form())
            .apply_to(user.expiration.take());
        user.data_quota = body.data_quota_bytes.apply_to(user.data_quota);
        user.max_unique_ips = body.max_unique_ips.apply_to(user.max_unique_ips);
        let (mut up, mut down) = user.rate.unwrap_or((0, 0));
        let direction = |p: Patch<u64>, current: &mut u64| match p {
            Patch::Absent => {}
            Patch::Null => *current = 0,
            Patch::Value(v) => *current = v,
        };
        direction(body.rate_limit_up_bps, &mut up);
        direction(body.rate_limit_down_bps, &mut down);
        user.rate = (rates && (up > 0 || down > 0)).then_some((up, down));
        match body.enabled {
            _ if !switch => {}
            Patch::Absent => {}
            Patch::Null | Patch::Value(true) => user.disabled = false,
            Patch::Value(false) => user.disabled = true,
        }
        let info = self.view(name)?;
        self.ok(StatusCode::OK, info)
    }

    /// `DELETE /v1/users/{username}`: `409 last_user_forbidden` for the last user.
    pub(super) fn delete_user(&mut self, call: DeleteUser) -> Answer {
        self.check_revision(&call.if_match)?;
        let name = call.username.as_str();
        if !self.users.contains_key(name) {
            return Err(ApiFailure::user_not_found());
        }
        if self.users.len() == 1 {
            return Err(ApiFailure::new(
                StatusCode::CONFLICT,
                ErrorCode::LastUserForbidden,
                "Cannot delete the last configured user",
            ));
        }
        self.users.remove(name);
        self.ok(
            StatusCode::OK,
            DeleteUserResponse {
                username: name.to_owned(),
                in_runtime: false,
            },
        )
    }

    /// `POST /v1/users/{username}/rotate-secret`: the given secret, or a generated one.
    pub(super) fn rotate_secret(&mut self, call: RotateSecret) -> Answer {
        let RotateSecret {
            username,
            body,
            if_match,
        } = call;
        self.check_revision(&if_match)?;
        let name = username.as_str();
        let secret = body
            .and_then(|b| b.secret.value().map(|s| s.expose().to_owned()))
            .unwrap_or_else(generate_secret);
        self.stored(name)?.secret = Secret::new(secret.clone());
        let user = self.view(name)?;
        self.ok(
            StatusCode::OK,
            CreateUserResponse {
                user,
                secret: Secret::new(secret),
            },
        )
    }

    /// `POST /v1/users/{username}/enable` and `…/disable`.
    pub(super) fn set_enabled(
        &mut self,
        username: &Username,
        if_match: &Option<Revision>,
        enabled: bool,
    ) -> Answer {
        self.check_revision(if_match)?;
        let name = username.as_str();
        self.stored(name)?.disabled = !enabled;
        let info = self.view(name)?;
        self.ok(StatusCode::OK, info)
    }

    /// `POST /v1/users/{username}/reset-quota`.
    pub(super) fn reset_user_quota(&mut self, call: ResetUserQuota) -> Answer {
        self.check_revision(&call.if_match)?;
        let name = call.username.as_str();
        let user = self.stored(name)?;
        user.used_bytes = 0;
        user.last_reset = now();
        let data = ResetUserQuotaResponse {
            username: name.to_owned(),
            used_bytes: 0,
            last_reset_epoch_secs: user.last_reset,
        };
        self.ok(StatusCode::OK, data)
    }
}
