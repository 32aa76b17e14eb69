//! `POST /v1/export`: reports what it would write.

use nodewire_common::Patch;

use super::{Answer, MockKernel, ok};
use crate::export::{ExportFilters, ExportResponse, PipelineExportMeta};
use crate::server::ApiFailure;

impl MockKernel {
    /// `POST /v1/export`: the path must be absolute and the nodes known.
    pub(super) fn export(&self, body: &crate::export::ExportRequest) -> Answer {
        if !body.path.starts_with('/') {
            return Err(ApiFailure::bad_request("`path` must be absolute"));
        }
        let selected: Vec<String> = match &body.protocol_ids {
            Some(ids) => {
                if let Some(unknown) = ids.iter().find(|id| !self.nodes.contains_key(*id)) {
                    return Err(ApiFailure::bad_request(format!("unknown node `{unknown}`")));
                }
                ids.clone()
            }
            None => self.nodes.keys().cloned().collect(),
        };
        ok(ExportResponse {
            path: Some(body.path.clone()),
            protocols: Some(selected.len() as u64),
            version: Some(
                body.version_label
                    .clone()
                    .unwrap_or_else(|| "v1".to_owned()),
            ),
            users: if body.include_users == Some(true) {
                Patch::Value(self.users.len() as u64)
            } else {
                Patch::Null
            },
            api: if body.include_api == Some(true) {
                Patch::Value(true)
            } else {
                Patch::Null
            },
            pipeline: Some(PipelineExportMeta {
                strategies: Some(0),
                rules: Some(0),
                resolved_rules: if body.resolve_providers == Some(true) {
                    Patch::Value(0)
                } else {
                    Patch::Null
                },
            }),
            filters: Some(ExportFilters {
                protocols: body.protocol_ids.clone(),
            }),
        })
    }
}
