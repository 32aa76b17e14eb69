//! `/v1/rules/providers`: rule providers, refreshed on demand.

use nodewire_common::Patch;

use super::{Answer, MockKernel, now_ms, ok};
use crate::endpoints::RefreshProvider;
use crate::rules::ProviderState;
use crate::server::ApiFailure;

impl MockKernel {
    /// `GET /v1/rules/providers`.
    pub(super) fn list_providers(&self) -> Answer {
        ok(self.providers.values().cloned().collect::<Vec<_>>())
    }

    /// `POST /v1/rules/providers/{id}/refresh`: the provider turns `healthy` with a new
    /// checksum and ETag.
    pub(super) fn refresh_provider(&mut self, call: &RefreshProvider) -> Answer {
        let name = call.id.as_str();
        self.sequence += 1;
        let sequence = self.sequence;
        let provider = self
            .providers
            .get_mut(name)
            .ok_or_else(|| ApiFailure::not_found(format!("no provider `{name}`")))?;
        let now = now_ms();
        provider.last_attempt_unix_ms = Patch::Value(now);
        provider.last_success_unix_ms = Patch::Value(now);
        provider.checksum = Patch::Value(format!(
            "{:06x}",
            sequence.wrapping_mul(0x2545_F491) & 0xff_ffff
        ));
        provider.etag = Patch::Value(format!("etag-{sequence}"));
        provider.state = Some(ProviderState::Healthy);
        provider.last_error = Patch::Null;
        ok(provider.clone())
    }
}
