//! The routing pipeline in the snapshot (core.yaml:1019-1111): strategies, rules, the default
//! route, and [`ActionView`], internally tagged on `type`.
//!
//! ```
//! use nodewire_kernel::status::pipeline::ActionView;
//! let a: ActionView = serde_json::from_str(r#"{"type":"select_node","target":"edge-1"}"#).unwrap();
//! assert!(matches!(a, ActionView::SelectNode { ref target, .. } if target == "edge-1"));
//! let r: ActionView = serde_json::from_str(r#"{"type":"reject"}"#).unwrap();
//! assert_eq!(r, ActionView::Reject);
//! ```

use std::fmt;

use chrono::{DateTime, Utc};
use nodewire_common::Patch;
use nodewire_common::timestamp::from_unix_millis;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::wire::wire_struct;

nodewire_common::open_enum! {
    /// How a strategy picks among its candidates (core.yaml:1053).
    #[rename_all = "snake_case"]
    pub enum StrategyKindType {
        /// A fixed choice.
        Select,
        /// The first healthy candidate.
        Fallback,
        /// Spread over the candidates.
        LoadBalance,
    }
}

wire_struct! {
    /// The routing pipeline (core.yaml:1019).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct PipelineStatus {
        /// Number of strategies.
        strategy_count?: u64,
        /// Every strategy.
        strategies?: Vec<StrategyStatus>,
        /// Number of rules.
        rule_count?: u64,
        /// Every rule.
        rules?: Vec<RuleStatus>,
        /// The default route.
        default?: DefaultRouteStatus,
    }
}

wire_struct! {
    /// One strategy (core.yaml:1036).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct StrategyStatus {
        /// Strategy name.
        name?: String,
        /// Its kind.
        kind?: StrategyKindType,
        /// Candidate node ids.
        candidates?: Vec<String>,
        /// Selections attempted.
        attempts?: u64,
        /// Selections that succeeded.
        successes?: u64,
        /// Selections that failed.
        failures?: u64,
    }
}

wire_struct! {
    /// One routing rule (core.yaml:1056).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct RuleStatus {
        /// Rule name.
        name?: String,
        /// What the rule does.
        action?: ActionView,
        /// Priority (signed: the spec gives no range).
        priority?: i64,
        /// Matches since start.
        hits?: u64,
        /// Unix milliseconds of the last match (`null`: never).
        last_hit_ms?: null u64,
    }
}

impl RuleStatus {
    /// The last match: `last_hit_ms` as a date-time; `None` when absent or `null` (never).
    pub fn last_hit_utc(&self) -> Option<DateTime<Utc>> {
        self.last_hit_ms.value().copied().and_then(from_unix_millis)
    }
}

wire_struct! {
    /// The default route (core.yaml:1070).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct DefaultRouteStatus {
        /// Name of the rule acting as default.
        rule_name?: String,
        /// What it does.
        action?: ActionView,
        /// Matches since start.
        hits?: u64,
        /// Unix milliseconds of the last match (`null`: never).
        last_hit_ms?: null u64,
    }
}

impl DefaultRouteStatus {
    /// The last match: `last_hit_ms` as a date-time; `None` when absent or `null` (never).
    pub fn last_hit_utc(&self) -> Option<DateTime<Utc>> {
        self.last_hit_ms.value().copied().and_then(from_unix_millis)
    }
}

/// What a rule does (core.yaml:1082), tagged on `type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ActionView {
    /// `{"type":"select_node","target":…,"interface"?:…}`.
    SelectNode {
        /// The node id.
        target: String,
        /// Outgoing interface label (optional, nullable).
        interface: Patch<String>,
    },
    /// `{"type":"select_strategy","strategy":…,"interface"?:…}`.
    SelectStrategy {
        /// The strategy name.
        strategy: String,
        /// Outgoing interface label (optional, nullable).
        interface: Patch<String>,
    },
    /// `{"type":"reject"}`.
    Reject,
    /// An object whose `type` this version does not know, kept as sent.
    Other(Map<String, Value>),
}

impl ActionView {
    /// The `type` label.
    pub fn kind(&self) -> &str {
        match self {
            Self::SelectNode { .. } => "select_node",
            Self::SelectStrategy { .. } => "select_strategy",
            Self::Reject => "reject",
            Self::Other(map) => map.get("type").and_then(Value::as_str).unwrap_or(""),
        }
    }
}

#[derive(Deserialize)]
struct SelectNodeFields {
    target: String,
    #[serde(default)]
    interface: Patch<String>,
}

#[derive(Deserialize)]
struct SelectStrategyFields {
    strategy: String,
    #[serde(default)]
    interface: Patch<String>,
}

impl Serialize for ActionView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::SelectNode { target, interface } => {
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("type", "select_node")?;
                map.serialize_entry("target", target)?;
                if !interface.is_absent() {
                    map.serialize_entry("interface", interface)?;
                }
                map.end()
            }
            Self::SelectStrategy {
                strategy,
                interface,
            } => {
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("type", "select_strategy")?;
                map.serialize_entry("strategy", strategy)?;
                if !interface.is_absent() {
                    map.serialize_entry("interface", interface)?;
                }
                map.end()
            }
            Self::Reject => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("type", "reject")?;
                map.end()
            }
            Self::Other(map) => map.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ActionView {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ActionView;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with a string `type` (ActionView)")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<ActionView, A::Error> {
                let mut map = Map::new();
                while let Some((k, v)) = access.next_entry::<String, Value>()? {
                    map.insert(k, v);
                }
                let kind = match map.get("type") {
                    Some(Value::String(kind)) => kind.clone(),
                    Some(_) => return Err(de::Error::custom("`type` must be a string")),
                    None => return Err(de::Error::missing_field("type")),
                };
                let fields = Value::Object(map.clone());
                let map_err = |e: serde_json::Error| de::Error::custom(format!("{kind}: {e}"));
                Ok(match kind.as_str() {
                    "select_node" => {
                        let f: SelectNodeFields =
                            serde_json::from_value(fields).map_err(map_err)?;
                        ActionView::SelectNode {
                            target: f.target,
                            interface: f.interface,
                        }
                    }
                    "select_strategy" => {
                        let f: SelectStrategyFields =
                            serde_json::from_value(fields).map_err(map_err)?;
                        ActionView::SelectStrategy {
                            strategy: f.strategy,
                            interface: f.interface,
                        }
                    }
                    "reject" => ActionView::Reject,
                    _ => ActionView::Other(map),
                })
            }
        }
        deserializer.deserialize_map(V)
    }
}

impl JsonSchema for ActionView {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ActionView".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "What a rule does, tagged on `type`.",
            "oneOf": [
                {
                    "type": "object",
                    "required": ["type", "target"],
                    "properties": {
                        "type": {"type": "string", "enum": ["select_node"]},
                        "target": {"type": "string"},
                        "interface": {"type": ["string", "null"]}
                    }
                },
                {
                    "type": "object",
                    "required": ["type", "strategy"],
                    "properties": {
                        "type": {"type": "string", "enum": ["select_strategy"]},
                        "strategy": {"type": "string"},
                        "interface": {"type": ["string", "null"]}
                    }
                },
                {
                    "type": "object",
                    "required": ["type"],
                    "properties": {
                        "type": {"type": "string", "enum": ["reject"]}
                    }
                }
            ]
        })
    }
}

pub(super) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        PipelineStatus,
        StrategyStatus,
        StrategyKindType,
        RuleStatus,
        DefaultRouteStatus,
        ActionView,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actions_round_trip() -> Result<(), serde_json::Error> {
        for v in [
            json!({"type": "select_node", "target": "a"}),
            json!({"type": "select_node", "target": "a", "interface": null}),
            json!({"type": "select_strategy", "strategy": "s", "interface": "eth0"}),
            json!({"type": "reject"}),
            json!({"type": "mirror", "to": ["a", "b"]}),
        ] {
            let a: ActionView = serde_json::from_value(v.clone())?;
            assert_eq!(serde_json::to_value(&a)?, v);
        }
        assert!(serde_json::from_value::<ActionView>(json!({"type": "select_node"})).is_err());
        assert!(serde_json::from_value::<ActionView>(json!({"target": "a"})).is_err());
        Ok(())
    }
}
