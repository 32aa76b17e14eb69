//! `/v1/config`: the editable sections, deep-merged by `PATCH`.

use bytes::Bytes;
use http::StatusCode;
use serde_json::Value;

use super::MockTelemt;
use crate::config::{EditableConfig, PatchConfigResponse};
use crate::endpoints::PatchConfig;
use crate::server::ApiFailure;

type Answer = Result<http::Response<Bytes>, ApiFailure>;

impl MockTelemt {
    /// `GET /v1/config`.
    pub(super) fn get_config(&self) -> Answer {
        self.ok(StatusCode::OK, EditableConfig(self.editable.clone()))
    }

    /// `PATCH /v1/config`: merges the sections; `?reload=` submits a reload too (`202`).
    pub(super) fn patch_config(&mut self, call: PatchConfig) -> Answer {
        let PatchConfig {
            body,
            reload,
            if_match,
        } = call;
        self.check_revision(&if_match)?;
        let before = self.editable.clone();
        for (section, value) in body.as_map() {
            let slot = self.editable.entry(section.clone()).or_insert(Value::Null);
            merge(slot, value);
        }
        let changed: Vec<String> = body
            .sections()
            .filter(|s| before.get(*s) != self.editable.get(*s))
            .map(str::to_owned)
            .collect();
        let reload = reload.map(|r| self.submit(&r));
        let status = if reload.is_some() {
            StatusCode::ACCEPTED
        } else {
            StatusCode::OK
        };
        let data = PatchConfigResponse {
            revision: self.revision(),
            restart_required: false,
            runtime_reload_required: false,
            process_restart_required: false,
            deferred_process_fields: Vec::new(),
            changed,
            reload,
        };
        self.ok(status, data)
    }
}

/// Deep merge: objects key by key, everything else replaced whole.
fn merge(slot: &mut Value, patch: &Value) {
    match (slot, patch) {
        (Value::Object(target), Value::Object(source)) => {
            for (k, v) in source {
                merge(target.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (slot, patch) => *slot = patch.clone(),
    }
}
