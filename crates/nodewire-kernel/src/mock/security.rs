//! `/v1/security/rate-limits`: rate-limit overrides (stored, not enforced).

use std::collections::BTreeMap;

use super::{Answer, MockKernel, no_content, ok};
use crate::endpoints::{DeleteRateLimit, SetRateLimit};
use crate::security::{RateLimitOverrideResponse, RateLimitOverrideScope};
use crate::server::ApiFailure;

impl MockKernel {
    /// `GET /v1/security/rate-limits`.
    pub(super) fn get_rate_limits(&self) -> Answer {
        ok(self.rate_limits.clone())
    }

    /// `POST /v1/security/rate-limits`.
    pub(super) fn set_rate_limit(&mut self, call: &SetRateLimit) -> Answer {
        let body = &call.body;
        let map = self.rate_map(&body.scope);
        map.insert(body.key.clone(), body.max_requests_per_minute);
        ok(RateLimitOverrideResponse {
            scope: Some(body.scope.clone()),
            key: Some(body.key.clone()),
            max_requests_per_minute: Some(body.max_requests_per_minute),
        })
    }

    /// `DELETE /v1/security/rate-limits?scope=…&key=…`: `204`, or `404`.
    pub(super) fn delete_rate_limit(&mut self, call: &DeleteRateLimit) -> Answer {
        match self.rate_map(&call.scope).remove(&call.key) {
            Some(_) => no_content(),
            None => Err(ApiFailure::not_found(format!(
                "no {} override for `{}`",
                call.scope, call.key
            ))),
        }
    }

    fn rate_map(&mut self, scope: &RateLimitOverrideScope) -> &mut BTreeMap<String, u64> {
        let slot = if *scope == RateLimitOverrideScope::Identity {
            &mut self.rate_limits.identities
        } else {
            &mut self.rate_limits.endpoints
        };
        slot.get_or_insert_with(BTreeMap::new)
    }
}
