//! Field conventions shared by every wire type, and the strict checks applied to requests.
//!
//! core.yaml marks almost every property optional, and some of them `nullable`. The types
//! model the three cases exactly:
//!
//! | core.yaml | Rust | absent | `null` | value |
//! | --- | --- | --- | --- | --- |
//! | in `required` | `T` | error | error | `T` |
//! | optional | `Option<T>` | `None`, omitted when encoding | read as `None` | `Some(T)` |
//! | optional and `nullable` | [`Patch<T>`](nodewire_common::Patch) | `Absent` | `Null` | `Value(T)` |
//!
//! so that a payload re-encodes to the same JSON value: a `null` the kernel sent comes back as
//! `null`, an absent key stays absent. The exported JSON Schema of an `Option<T>` field is the
//! schema of `T` (the spec does not allow `null` there); the schema of a `Patch<T>` field allows
//! `null`.

use schemars::Schema;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::streams::EventEnvelope;
use crate::webhooks::KernelServiceEventRequest;

/// Defines a wire struct from a compact field list:
///
/// - `name: T,` a required property;
/// - `name?: T,` an optional property (`Option<T>`, omitted when `None`, schema of `T`);
/// - `name?: null T,` an optional, nullable property (`Patch<T>`).
///
/// Attributes on the struct and on each field (docs, extra serde attributes) pass through, and
/// the struct is `#[non_exhaustive]`: code outside the crate builds it with its constructor and
/// setters, so a field the kernel adds later is not a breaking change.
/// Every field needs a trailing comma.
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident { $($body:tt)* }
    ) => {
        wire_struct!(@munch [$(#[$meta])* #[non_exhaustive] pub struct $name] [] $($body)*);
    };
    (@munch [$($head:tt)*] [$($done:tt)*]) => {
        $($head)* { $($done)* }
    };
    (@munch $head:tt [$($done:tt)*]
        $(#[$m:meta])* $f:ident ?: null $t:ty, $($rest:tt)*
    ) => {
        wire_struct!(@munch $head [$($done)*
            $(#[$m])*
            #[serde(default, skip_serializing_if = "nodewire_common::Patch::is_absent")]
            pub $f: nodewire_common::Patch<$t>,
        ] $($rest)*);
    };
    (@munch $head:tt [$($done:tt)*]
        $(#[$m:meta])* $f:ident ?: $t:ty, $($rest:tt)*
    ) => {
        wire_struct!(@munch $head [$($done)*
            $(#[$m])*
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(transform = crate::wire::non_null)]
            pub $f: Option<$t>,
        ] $($rest)*);
    };
    (@munch $head:tt [$($done:tt)*]
        $(#[$m:meta])* $f:ident : $t:ty, $($rest:tt)*
    ) => {
        wire_struct!(@munch $head [$($done)*
            $(#[$m])*
            pub $f: $t,
        ] $($rest)*);
    };
}
pub(crate) use wire_struct;

// The setters of an event's identity, shared by the stream's event envelope and the panel's
// service-event callback: `event_id` and `occurred_at_ms`.
nodewire_common::setters!(EventEnvelope, KernelServiceEventRequest {
    /// Sets the event id.
    event_id(id: impl Into<String>);
    /// Sets when it happened (Unix milliseconds).
    occurred_at_ms(unix_ms: u64);
});

/// Schema transform for `Option<T>` fields: drops the `null` that schemars adds, since
/// core.yaml does not allow `null` where it does not say `nullable`.
pub(crate) fn non_null(schema: &mut Schema) {
    if let Some(Value::Array(types)) = schema.get_mut("type") {
        types.retain(|t| t != "null");
        if let [single] = types.as_slice() {
            let single = single.clone();
            schema.insert("type".to_owned(), single);
        }
    }
    let null = serde_json::json!({ "type": "null" });
    let branch = match schema.get("anyOf") {
        Some(Value::Array(branches)) if branches.contains(&null) => {
            let rest: Vec<&Value> = branches.iter().filter(|b| **b != null).collect();
            match rest.as_slice() {
                [only] => Some((*only).clone()),
                _ => None,
            }
        }
        _ => None,
    };
    if let Some(Value::Object(branch)) = branch {
        schema.remove("anyOf");
        for (key, value) in branch {
            schema.insert(key, value);
        }
    }
}

/// The labels of an open enum, for the request fields that must hold a known one.
pub(crate) trait Labels {
    /// `false` for a label this version does not know.
    fn is_known_label(&self) -> bool;
    /// The label as sent.
    fn label(&self) -> &str;
    /// Every known label.
    fn known_labels() -> &'static [&'static str];
}

macro_rules! labels {
    ($($ty:ty),*) => {
        $(impl crate::wire::Labels for $ty {
            fn is_known_label(&self) -> bool {
                self.is_known()
            }
            fn label(&self) -> &str {
                self.as_str()
            }
            fn known_labels() -> &'static [&'static str] {
                Self::KNOWN
            }
        })*
    };
}
pub(crate) use labels;

/// Deserializes an open enum in a request field, refusing labels core.yaml does not list.
pub(crate) fn known<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Labels,
{
    let value = T::deserialize(deserializer)?;
    match unknown_label(&value) {
        None => Ok(value),
        Some(message) => Err(serde::de::Error::custom(message)),
    }
}

/// The refusal of a label core.yaml does not list, `None` for a known one.
fn unknown_label<T: Labels>(value: &T) -> Option<String> {
    (!value.is_known_label()).then(|| {
        format!(
            "unknown label `{}`, expected one of: {}",
            value.label(),
            T::known_labels().join(", ")
        )
    })
}

/// The [`Validate`] check of a request field that must hold a known label (the field
/// [`known`] decodes), at the JSON path `path`.
pub(crate) fn known_label<T: Labels>(
    path: &str,
    value: &T,
) -> Result<(), nodewire_common::DecodeError> {
    match unknown_label(value) {
        None => Ok(()),
        Some(message) => Err(nodewire_common::DecodeError::at(path, message)),
    }
}

/// The strict check of a request body the library builds, run before it is sent.
///
/// Decoding is lenient where a real peer sends what its document forbids (the panel's
/// `user_traffic_reported`, numeric `metadata`; see the crate docs); validating is not: a
/// client built on this crate sends only what core.yaml allows, and only what the kernel's
/// own decoding accepts (known labels in request enums, one of two alternative keys). Every
/// endpoint with a body runs it in [`Endpoint::validate_outgoing`].
///
/// [`Endpoint::validate_outgoing`]: nodewire_common::Endpoint::validate_outgoing
pub trait Validate {
    /// `Ok` when the body holds only what core.yaml allows; the error names the JSON path of
    /// the fault and the contract row of the leniency it relies on.
    fn validate(&self) -> Result<(), nodewire_common::DecodeError>;
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self) -> Result<(), nodewire_common::DecodeError> {
        for (i, item) in self.iter().enumerate() {
            item.validate().map_err(|e| e.within(&i.to_string()))?;
        }
        Ok(())
    }
}

/// Implements [`Validate`] for request bodies that decode exactly as strictly as core.yaml
/// defines them (nothing beyond decoding to check).
macro_rules! strict_as_decoded {
    ($($ty:ty),* $(,)?) => {
        $(impl crate::wire::Validate for $ty {
            fn validate(&self) -> Result<(), nodewire_common::DecodeError> {
                Ok(())
            }
        })*
    };
}
pub(crate) use strict_as_decoded;

/// Prefixes the path of an error with a parent member.
pub(crate) trait Within {
    /// The same error, `parent` prepended to its path.
    fn within(self, parent: &str) -> Self;
}

impl Within for nodewire_common::DecodeError {
    fn within(self, parent: &str) -> Self {
        let child = if self.path == "." {
            ""
        } else {
            self.path.as_str()
        };
        let head = match parent.parse::<usize>() {
            Ok(i) => format!("[{i}]"),
            Err(_) => parent.to_owned(),
        };
        let path = if child.is_empty() {
            head
        } else if child.starts_with('[') {
            format!("{head}{child}")
        } else {
            format!("{head}.{child}")
        };
        nodewire_common::DecodeError::at(path, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_is_dropped_from_optional_schemas() {
        let mut s = schemars::json_schema!({"type": ["integer", "null"], "format": "uint64"});
        non_null(&mut s);
        assert_eq!(s.get("type"), Some(&Value::from("integer")));
        let mut s = schemars::json_schema!({"anyOf": [{"$ref": "#/$defs/X"}, {"type": "null"}]});
        non_null(&mut s);
        assert_eq!(s.as_value(), &serde_json::json!({"$ref": "#/$defs/X"}));
    }
}
