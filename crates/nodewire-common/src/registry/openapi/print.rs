//! Prints a document with its keys in reading order: `openapi`, `info`, `servers`… at the top,
//! `summary` before `responses` in an operation, `$ref`, `title`, `description`, `type` first
//! in a schema; names (paths, statuses, properties, components) in alphabetical order.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// Keys that come first, in this order; every other key follows, alphabetically.
const FIRST: &[&str] = &[
    "openapi",
    "info",
    "jsonSchemaDialect",
    "servers",
    "$id",
    "$schema",
    "$ref",
    "name",
    "in",
    "url",
    "title",
    "version",
    "summary",
    "description",
    "operationId",
    "deprecated",
    "type",
    "format",
    "parameters",
    "requestBody",
    "responses",
    "security",
    "paths",
    "components",
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
];

/// Keys whose values map names to values: their entries stay in alphabetical order.
const NAME_MAPS: &[&str] = &[
    "paths",
    "schemas",
    "securitySchemes",
    "responses",
    "content",
    "properties",
    "patternProperties",
    "$defs",
    "dependentSchemas",
];

/// A JSON value serialized with its keys in reading order.
pub(super) struct Ordered<'a> {
    value: &'a Value,
    names: bool,
}

impl<'a> Ordered<'a> {
    /// The document `value`.
    pub(super) fn new(value: &'a Value) -> Self {
        Self {
            value,
            names: false,
        }
    }
}

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Value::Object(object) => {
                let mut entries: Vec<(&String, &Value)> = object.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                if !self.names {
                    entries.sort_by_key(|(key, _)| {
                        FIRST
                            .iter()
                            .position(|first| first == key)
                            .unwrap_or(FIRST.len())
                    });
                }
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    let value = Ordered {
                        value,
                        names: NAME_MAPS.contains(&key.as_str()),
                    };
                    map.serialize_entry(key, &value)?;
                }
                map.end()
            }
            Value::Array(items) => serializer.collect_seq(items.iter().map(Ordered::new)),
            other => other.serialize(serializer),
        }
    }
}
