//! The config API: `GET /v1/config` and `PATCH /v1/config` (`config_edit.rs`; contract §9).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::envelope::Revision;
use crate::reload::ReloadAccepted;

/// The top-level sections the config API reads and writes (`EDITABLE_SECTIONS`,
/// `config_store.rs:131-137`). `access` is managed through the users API; `server`,
/// `network`, `show_link` and everything else are refused.
pub const EDITABLE_SECTIONS: &[&str] = &[
    "general",
    "timeouts",
    "censorship",
    "upstreams",
    "dc_overrides",
];

/// `GET /v1/config` data: the raw TOML file converted to JSON, holding only the editable
/// sections present in the file (`upstreams` is an array from `[[upstreams]]`). No defaults are
/// filled in until a `PATCH` re-renders a section, after which it holds every default field
/// (f32 artifacts such as `0.800000011920929` included). The revision is only in the envelope,
/// not inside `data`, whatever one upstream doc example shows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct EditableConfig(pub Map<String, Value>);

impl EditableConfig {
    /// The config from its sections (the JSON form of the TOML file).
    pub fn new(sections: Map<String, Value>) -> Self {
        Self(sections)
    }

    /// One section, if present.
    pub fn section(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }
}

impl From<Map<String, Value>> for EditableConfig {
    fn from(sections: Map<String, Value>) -> Self {
        Self(sections)
    }
}

/// `PATCH /v1/config` body: a JSON object of editable sections, deep-merged into the file
/// (tables merge key by key; scalars and arrays, `upstreams` included, replace whole).
///
/// Validated as the server would, and stricter where the server silently loses data:
/// the body must be an object; `access` is refused (`access_not_editable`) and any other
/// key outside [`EDITABLE_SECTIONS`] too (`section_not_editable`); `null` is refused
/// everywhere, since TOML has no null (the server refuses it at the top and inside arrays,
/// and silently drops `null` members of objects, so a key can never be deleted this way).
///
/// ```
/// use nodewire_telemt::config::ConfigPatch;
/// let p: ConfigPatch = serde_json::from_str(r#"{"censorship":{"tls_domain":"example.net"}}"#).unwrap();
/// assert_eq!(p.sections().collect::<Vec<_>>(), ["censorship"]);
/// assert!(serde_json::from_str::<ConfigPatch>(r#"{"access":{}}"#).is_err());
/// assert!(serde_json::from_str::<ConfigPatch>(r#"{}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Map<String, Value>")]
pub struct ConfigPatch(Map<String, Value>);

nodewire_common::fixed_schema!(ConfigPatch, {
    "type": "object",
    "description": "Editable config sections to deep-merge; null is not representable in TOML.",
    "propertyNames": { "enum": EDITABLE_SECTIONS },
    "minProperties": 1
});

impl ConfigPatch {
    /// Validates a patch object.
    pub fn new(sections: Map<String, Value>) -> Result<Self, String> {
        if sections.is_empty() {
            return Err("empty patch: no editable sections".into());
        }
        for (key, value) in &sections {
            if key == "access" {
                return Err("access.* is managed via the users API, not editable here".into());
            }
            if !EDITABLE_SECTIONS.contains(&key.as_str()) {
                return Err(format!("section not editable: {key}"));
            }
            if let Some(path) = find_null(value, key) {
                return Err(format!(
                    "invalid patch: null is not representable in TOML (at {path})"
                ));
            }
        }
        Ok(Self(sections))
    }

    /// The section names it touches.
    pub fn sections(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The patch object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
}

fn find_null(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::Null => Some(path.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_null(v, &format!("{path}[{i}]"))),
        Value::Object(map) => map
            .iter()
            .find_map(|(k, v)| find_null(v, &format!("{path}.{k}"))),
        _ => None,
    }
}

impl TryFrom<Map<String, Value>> for ConfigPatch {
    type Error = String;
    fn try_from(map: Map<String, Value>) -> Result<Self, String> {
        Self::new(map)
    }
}

/// `PATCH /v1/config` response (`PatchConfigResponse`, `config_edit.rs:21-31`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PatchConfigResponse {
    /// The new revision (same as the envelope's).
    pub revision: Revision,
    /// The hot overlay could not apply everything.
    pub restart_required: bool,
    /// Currently always equal to `restart_required` (`config_edit.rs:164`).
    pub runtime_reload_required: bool,
    /// `deferred_process_fields` is not empty.
    pub process_restart_required: bool,
    /// Changed fields that need a process restart (never produced by PATCH in 3.4.25, since
    /// those sections are not editable).
    pub deferred_process_fields: Vec<String>,
    /// Top-level sections whose canonical JSON changed (sorted).
    pub changed: Vec<String>,
    /// The reload submitted by `?reload=…`; omitted without the query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reload: Option<ReloadAccepted>,
}

impl PatchConfigResponse {
    /// A `PatchConfigResponse` with the given `revision`; every other field starts zero, `false`,
    /// empty or absent (set it on the returned value).
    pub fn new(revision: impl Into<Revision>) -> Self {
        Self {
            revision: revision.into(),
            restart_required: false,
            runtime_reload_required: false,
            process_restart_required: false,
            deferred_process_fields: Vec::new(),
            changed: Vec::new(),
            reload: None,
        }
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        EditableConfig,
        ConfigPatch,
        PatchConfigResponse,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_rules() {
        for (bad, why) in [
            (r#"{"server":{}}"#, "section not editable: server"),
            (r#"{"general":{"a":null}}"#, "null"),
            (r#"{"upstreams":[null]}"#, "null"),
            (r#"{"general":null}"#, "null"),
        ] {
            let err = serde_json::from_str::<ConfigPatch>(bad)
                .err()
                .map(|e| e.to_string());
            assert!(
                err.as_deref().is_some_and(|e| e.contains(why)),
                "{bad}: {err:?}"
            );
        }
        assert!(serde_json::from_str::<ConfigPatch>("[1]").is_err());
    }

    #[test]
    fn response_round_trip() -> Result<(), serde_json::Error> {
        let text = r#"{"revision":"3e","restart_required":false,"runtime_reload_required":false,"process_restart_required":false,"deferred_process_fields":[],"changed":["general"],"reload":{"reload_id":4,"target_generation":5,"config_revision":"3e","state":"accepted","mode":"instant","failure_policy":"keep_new"}}"#;
        let r: PatchConfigResponse = serde_json::from_str(text)?;
        assert_eq!(serde_json::to_string(&r)?, text);
        Ok(())
    }
}
