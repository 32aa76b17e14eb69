//! `/v1/stats`: the routes computed from the mock's users (the others are recorded).

use bytes::Bytes;
use http::StatusCode;

use super::{MockTelemt, internal};
use crate::endpoints::GetStatsMinimalAll;
use crate::server::ApiFailure;
use crate::users::{UserActiveIps, UserQuotaEntry, UserQuotaListData};

type Answer = Result<http::Response<Bytes>, ApiFailure>;

impl MockTelemt {
    /// `GET /v1/stats/me-writers`: the writers of the recorded `minimal/all` payload.
    pub(super) fn get_stats_me_writers(&self) -> Answer {
        let all = self.recorded::<GetStatsMinimalAll>()?;
        match all.data {
            Some(payload) => self.ok(StatusCode::OK, payload.me_writers),
            None => Err(internal("no recorded ME writers")),
        }
    }

    /// `GET /v1/stats/users/active-ips`: empty (there are no live connections).
    pub(super) fn get_stats_users_active_ips(&self) -> Answer {
        self.ok(StatusCode::OK, Vec::<UserActiveIps>::new())
    }

    /// `GET /v1/stats/users/quota`: the users with a quota.
    pub(super) fn get_stats_users_quota(&self) -> Answer {
        let users = self
            .users
            .iter()
            .filter_map(|(n, u)| {
                u.data_quota.filter(|q| *q > 0).map(|q| UserQuotaEntry {
                    username: n.clone(),
                    data_quota_bytes: q,
                    used_bytes: u.used_bytes,
                    last_reset_epoch_secs: u.last_reset,
                })
            })
            .collect();
        self.ok(StatusCode::OK, UserQuotaListData { users })
    }
}
