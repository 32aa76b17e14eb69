//! `HealthStatus` (core.yaml:968-989): serde's externally tagged enum, as the kernel writes it.
//!
//! ```
//! use nodewire_kernel::status::HealthStatus;
//! let healthy: HealthStatus = serde_json::from_str(r#""Healthy""#).unwrap();
//! assert!(healthy.is_healthy());
//! let degraded: HealthStatus =
//!     serde_json::from_str(r#"{"Degraded":{"consecutive_failures":3}}"#).unwrap();
//! assert_eq!(degraded, HealthStatus::Degraded { consecutive_failures: 3 });
//! assert_eq!(degraded.consecutive_failures(), Some(3));
//! ```
//!
//! The panel's Go client models this as a string, so one degraded node makes the whole status
//! fail to decode and the node is marked offline (contract §8 #1). Here every form decodes, and a
//! form this version does not know (a new state) is kept in [`HealthStatus::Other`] and re-encodes
//! unchanged.

use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A node's health: `"Healthy"`, `{"Degraded":{"consecutive_failures":N}}` or
/// `{"Unhealthy":{"consecutive_failures":N}}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum HealthStatus {
    /// `"Healthy"`.
    Healthy,
    /// `{"Degraded":{"consecutive_failures":N}}`.
    Degraded {
        /// Failed probes in a row.
        consecutive_failures: u64,
    },
    /// `{"Unhealthy":{"consecutive_failures":N}}`.
    Unhealthy {
        /// Failed probes in a row.
        consecutive_failures: u64,
    },
    /// A string or single-key object this version does not know, kept as sent.
    Other(Value),
}

impl HealthStatus {
    /// `true` for [`HealthStatus::Healthy`].
    pub fn is_healthy(&self) -> bool {
        matches!(self, Self::Healthy)
    }

    /// The failure count of a degraded or unhealthy node.
    pub fn consecutive_failures(&self) -> Option<u64> {
        match self {
            Self::Degraded {
                consecutive_failures,
            }
            | Self::Unhealthy {
                consecutive_failures,
            } => Some(*consecutive_failures),
            _ => None,
        }
    }

    /// The state's name: `Healthy`, `Degraded`, `Unhealthy`, or the unknown string or key.
    pub fn label(&self) -> &str {
        match self {
            Self::Healthy => "Healthy",
            Self::Degraded { .. } => "Degraded",
            Self::Unhealthy { .. } => "Unhealthy",
            Self::Other(Value::String(s)) => s,
            Self::Other(Value::Object(map)) => map.keys().next().map_or("", String::as_str),
            Self::Other(_) => "",
        }
    }
}

/// How a kernel built on this crate writes `health.status` in `GET /v1/status` (server side).
///
/// core.yaml's `HealthStatus` is `"Healthy"` or an object; the panel reads a plain string and
/// marks the **whole node offline** when it meets an object (contract §8 row 1; the panel's
/// `pkg/kernel/control_types.go:61-63`, `statuspoller.go:189-205`). A kernel that must serve
/// that panel can write the lower-case state instead, which the panel maps
/// (`protocolbindings/statussynclogic.go:196-210`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HealthFormat {
    /// core.yaml's form: `"Healthy"`, `{"Degraded":{…}}`, `{"Unhealthy":{…}}`.
    #[default]
    Spec,
    /// The panel-compatible form: `"healthy"`, `"degraded"`, `"unhealthy"` (contract §8 row 1).
    PanelString,
}

impl HealthFormat {
    /// `status` written in this format.
    pub fn apply(self, status: &HealthStatus) -> HealthStatus {
        match self {
            Self::Spec => status.clone(),
            Self::PanelString => status.to_panel_string(),
        }
    }
}

impl HealthStatus {
    /// The state as the panel reads it: a lower-case string (`"degraded"`), kept in
    /// [`HealthStatus::Other`] (contract §8 row 1).
    pub fn to_panel_string(&self) -> Self {
        Self::Other(Value::String(self.label().to_ascii_lowercase()))
    }
}

impl fmt::Display for HealthStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.consecutive_failures() {
            Some(n) => write!(f, "{} ({n} consecutive failures)", self.label()),
            None => f.write_str(self.label()),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Failures {
    consecutive_failures: u64,
}

impl Serialize for HealthStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Healthy => serializer.serialize_str("Healthy"),
            Self::Degraded {
                consecutive_failures,
            } => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(
                    "Degraded",
                    &Failures {
                        consecutive_failures: *consecutive_failures,
                    },
                )?;
                map.end()
            }
            Self::Unhealthy {
                consecutive_failures,
            } => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(
                    "Unhealthy",
                    &Failures {
                        consecutive_failures: *consecutive_failures,
                    },
                )?;
                map.end()
            }
            Self::Other(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for HealthStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = HealthStatus;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "\"Healthy\" or an object with one key, `Degraded` or `Unhealthy` (HealthStatus)",
                )
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<HealthStatus, E> {
                Ok(match v {
                    "Healthy" => HealthStatus::Healthy,
                    other => HealthStatus::Other(Value::String(other.to_owned())),
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HealthStatus, A::Error> {
                let Some(key) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(
                        "empty object: expected one key, `Degraded` or `Unhealthy`",
                    ));
                };
                let status = match key.as_str() {
                    "Degraded" | "Unhealthy" => {
                        let Failures {
                            consecutive_failures,
                        } = map.next_value()?;
                        if key == "Degraded" {
                            HealthStatus::Degraded {
                                consecutive_failures,
                            }
                        } else {
                            HealthStatus::Unhealthy {
                                consecutive_failures,
                            }
                        }
                    }
                    _ => {
                        let mut object = Map::new();
                        let value: Value = map.next_value()?;
                        object.insert(key, value);
                        while let Some((k, v)) = map.next_entry::<String, Value>()? {
                            object.insert(k, v);
                        }
                        return Ok(HealthStatus::Other(Value::Object(object)));
                    }
                };
                if map.next_key::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(
                        "HealthStatus objects have exactly one key",
                    ));
                }
                Ok(status)
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for HealthStatus {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "HealthStatus".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let branch = |name: &str| {
            serde_json::json!({
                "type": "object",
                "properties": {
                    name: {
                        "type": "object",
                        "required": ["consecutive_failures"],
                        "properties": {
                            "consecutive_failures": {"type": "integer", "format": "uint64", "minimum": 0}
                        }
                    }
                },
                "additionalProperties": false
            })
        };
        schemars::json_schema!({
            "description": "A node's health: \"Healthy\", {\"Degraded\":{\"consecutive_failures\":N}} or {\"Unhealthy\":{\"consecutive_failures\":N}} (serde's externally tagged enum). Other labels are kept, as an open enum keeps them: any other string (such as the lower-case strings a panel-compatible kernel serves, contracts/kernel.md §8 row 1) and objects with another single key.",
            "oneOf": [
                {"type": "string", "enum": ["Healthy"]},
                branch("Degraded"),
                branch("Unhealthy"),
                {"type": "string", "not": {"enum": ["Healthy"]}},
                {
                    "type": "object",
                    "minProperties": 1,
                    "not": {"anyOf": [{"required": ["Degraded"]}, {"required": ["Unhealthy"]}]}
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_form_round_trips() -> Result<(), serde_json::Error> {
        for v in [
            json!("Healthy"),
            json!({"Degraded": {"consecutive_failures": 2}}),
            json!({"Unhealthy": {"consecutive_failures": 9}}),
            json!("Draining"),
            json!({"Recovering": {"since_ms": 5}}),
        ] {
            let s: HealthStatus = serde_json::from_value(v.clone())?;
            assert_eq!(serde_json::to_value(&s)?, v);
        }
        Ok(())
    }

    #[test]
    fn bad_forms_are_refused() {
        for v in [
            json!({}),
            json!({"Degraded": {}}),
            json!({"Degraded": {"consecutive_failures": -1}}),
            json!({"Degraded": {"consecutive_failures": 1}, "Unhealthy": {"consecutive_failures": 1}}),
            json!(3),
        ] {
            assert!(
                serde_json::from_value::<HealthStatus>(v.clone()).is_err(),
                "{v}"
            );
        }
    }

    #[test]
    fn errors_name_the_field() {
        let err = nodewire_common::error::from_slice::<HealthStatus>(
            br#"{"Degraded":{"consecutive_failures":"x"}}"#,
        )
        .err()
        .map(|e| e.path);
        assert_eq!(err.as_deref(), Some("Degraded.consecutive_failures"));
    }
}
