//! A tri-state field for JSON Merge Patch requests.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A merge-patch field: absent (leave unchanged), `null` (remove / reset), or a value (set).
///
/// Use it with `#[serde(default, skip_serializing_if = "Patch::is_absent")]` so that an absent
/// field is omitted on the wire and decodes back to [`Patch::Absent`]:
///
/// ```
/// use nodewire_common::Patch;
/// #[derive(serde::Serialize, serde::Deserialize, Default)]
/// struct P {
///     #[serde(default, skip_serializing_if = "Patch::is_absent")]
///     quota: Patch<u64>,
/// }
/// let p: P = serde_json::from_str("{}").unwrap();
/// assert_eq!(p.quota, Patch::Absent);
/// let p: P = serde_json::from_str(r#"{"quota":null}"#).unwrap();
/// assert_eq!(p.quota, Patch::Null);
/// let p: P = serde_json::from_str(r#"{"quota":5}"#).unwrap();
/// assert_eq!(p.quota, Patch::Value(5));
/// assert_eq!(serde_json::to_string(&P { quota: Patch::Null }).unwrap(), r#"{"quota":null}"#);
/// assert_eq!(serde_json::to_string(&P { quota: Patch::Absent }).unwrap(), "{}");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Patch<T> {
    /// The field is not sent: the server leaves it unchanged.
    #[default]
    Absent,
    /// The field is sent as `null`.
    Null,
    /// The field is sent with this value.
    Value(T),
}

impl<T> Patch<T> {
    /// `true` for [`Patch::Absent`]; the `skip_serializing_if` predicate.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// `true` for [`Patch::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if one is set.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Borrows the value.
    pub fn as_ref(&self) -> Patch<&T> {
        match self {
            Self::Absent => Patch::Absent,
            Self::Null => Patch::Null,
            Self::Value(v) => Patch::Value(v),
        }
    }

    /// Maps the value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Self::Absent => Patch::Absent,
            Self::Null => Patch::Null,
            Self::Value(v) => Patch::Value(f(v)),
        }
    }

    /// Applies the patch to a stored optional value: absent keeps it, null clears it, a value
    /// replaces it.
    pub fn apply_to(self, current: Option<T>) -> Option<T> {
        match self {
            Self::Absent => current,
            Self::Null => None,
            Self::Value(v) => Some(v),
        }
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `None` becomes [`Patch::Null`], `Some(v)` becomes [`Patch::Value`].
    fn from(value: Option<T>) -> Self {
        match value {
            None => Self::Null,
            Some(v) => Self::Value(v),
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Only reached when the field is not skipped; absent has no JSON form of its own.
            Self::Absent | Self::Null => serializer.serialize_none(),
            Self::Value(v) => serializer.serialize_some(v),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Called only when the field is present (absent comes from `#[serde(default)]`).
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

impl<T: JsonSchema> JsonSchema for Patch<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        Option::<T>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Option::<T>::json_schema(generator)
    }

    fn inline_schema() -> bool {
        true
    }
}
