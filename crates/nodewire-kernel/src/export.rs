//! `POST /v1/export`: write the running configuration to a file on the kernel host
//! (core.yaml:1940-2002).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::wire::wire_struct;

/// The export file format (the inline enum at core.yaml:1946). A request enum: only these
/// labels are sent or accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum ExportFormat {
    /// `json`.
    #[serde(rename = "json")]
    Json,
    /// `yaml`.
    #[serde(rename = "yaml")]
    Yaml,
}

wire_struct! {
    /// The body of `POST /v1/export` (core.yaml:1940). Options left unset take the kernel's
    /// defaults and are not sent.
    ///
    /// ```
    /// use nodewire_kernel::export::{ExportFormat, ExportRequest};
    /// let body = ExportRequest::new("/tmp/kernel.yaml")
    ///     .format(ExportFormat::Yaml)
    ///     .include_users(false)
    ///     .protocol_ids(["edge-1"]);
    /// assert_eq!(
    ///     serde_json::to_string(&body).unwrap(),
    ///     r#"{"path":"/tmp/kernel.yaml","format":"yaml","include_users":false,"protocol_ids":["edge-1"]}"#
    /// );
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
    pub struct ExportRequest {
        /// Destination path on the kernel host.
        path: String,
        /// File format.
        format?: ExportFormat,
        /// Hide user identifiers.
        redact_users?: bool,
        /// Include users.
        include_users?: bool,
        /// Include the API section.
        include_api?: bool,
        /// Include the routing pipeline.
        include_pipeline?: bool,
        /// Resolve rule providers into rules.
        resolve_providers?: bool,
        /// Only these nodes.
        protocol_ids?: Vec<String>,
        /// Replace an existing file.
        allow_overwrite?: bool,
        /// Version label written into the file.
        version_label?: String,
    }
}

impl ExportRequest {
    /// An export to `path` with the kernel's defaults.
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            format: None,
            redact_users: None,
            include_users: None,
            include_api: None,
            include_pipeline: None,
            resolve_providers: None,
            protocol_ids: None,
            allow_overwrite: None,
            version_label: None,
        }
    }

    nodewire_common::setters! {
        /// Sets the file format.
        format(format: ExportFormat);
        /// Sets whether user identifiers are hidden.
        redact_users(redact: bool);
        /// Sets whether users are included.
        include_users(include: bool);
        /// Sets whether the API section is included.
        include_api(include: bool);
        /// Sets whether the routing pipeline is included.
        include_pipeline(include: bool);
        /// Sets whether rule providers are resolved into rules.
        resolve_providers(resolve: bool);
    }

    /// Exports only these nodes.
    #[must_use]
    pub fn protocol_ids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.protocol_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    nodewire_common::setters! {
        /// Sets whether an existing file is replaced.
        allow_overwrite(allow: bool);
        /// Sets the version label written into the file.
        version_label(label: impl Into<String>);
    }
}

wire_struct! {
    /// The answer to `POST /v1/export` (core.yaml:1967).
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct ExportResponse {
        /// The written path.
        path?: String,
        /// Nodes written.
        protocols?: u64,
        /// Version label.
        version?: String,
        /// Users written (`null` when not included).
        users?: null u64,
        /// Whether the API section was written.
        api?: null bool,
        /// Pipeline counts.
        pipeline?: PipelineExportMeta,
        /// The filters applied.
        filters?: ExportFilters,
    }
}

wire_struct! {
    /// The filters an export applied (core.yaml:1986).
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct ExportFilters {
        /// Node ids.
        protocols?: Vec<String>,
    }
}

wire_struct! {
    /// Pipeline counts of an export (core.yaml:1993).
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct PipelineExportMeta {
        /// Strategies written.
        strategies?: u64,
        /// Rules written.
        rules?: u64,
        /// Rules after resolving providers (`null` when not resolved).
        resolved_rules?: null u64,
    }
}

crate::wire::strict_as_decoded!(ExportRequest);

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        ExportRequest,
        ExportResponse,
        ExportFilters,
        PipelineExportMeta,
        ExportFormat,
    ]);
}
