//! String enums that keep labels they do not know.
//!
//! Upstream servers add enum labels between minor versions. An open enum decodes every known
//! label into its variant and keeps any other text unchanged, so a newer server never breaks
//! decoding and the unknown label re-encodes exactly as it arrived (the `_Custom` fallback of
//! ruma).
//!
//! ```
//! nodewire_common::open_enum! {
//!     /// The state of a thing.
//!     pub enum State {
//!         /// It works.
//!         Ok = "ok",
//!         /// It does not.
//!         Error = "error",
//!     }
//! }
//!
//! let s: State = serde_json::from_str(r#""ok""#).unwrap();
//! assert_eq!(s, State::Ok);
//! let s: State = serde_json::from_str(r#""degraded""#).unwrap();
//! assert_eq!(s.as_str(), "degraded");
//! assert!(!s.is_known());
//! assert_eq!(serde_json::to_string(&s).unwrap(), r#""degraded""#);
//! ```

use std::fmt;

/// The text of a label that an [`open_enum!`](crate::open_enum!) does not know.
///
/// It cannot be built from outside this crate, so a known label can never end up in the
/// catch-all variant: `State::from("ok")` is always `State::Ok`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnknownLabel(Box<str>);

impl UnknownLabel {
    #[doc(hidden)]
    pub fn __new(text: &str) -> Self {
        Self(text.into())
    }

    /// The label as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

/// An unknown label met while decoding, as recorded by [`collect_unknown_labels`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct UnknownLabelSeen {
    /// The open enum's type name (`UserStatus`).
    #[serde(rename = "enum")]
    pub enum_name: &'static str,
    /// The label as received.
    pub label: String,
}

std::thread_local! {
    static UNKNOWN_LABELS: std::cell::RefCell<Option<Vec<UnknownLabelSeen>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f` and returns, beside its result, every label that an open enum decoded on this
/// thread during `f` did not know.
///
/// Decoding keeps unknown labels by design, so neither decoding nor the lossless check flags
/// them; `nodewire probe` uses this to report them. Nothing is recorded outside such a call.
///
/// ```
/// nodewire_common::open_enum! {
///     /// A state.
///     pub enum State {
///         /// Up.
///         Up = "up",
///     }
/// }
/// let (states, seen) = nodewire_common::open_enum::collect_unknown_labels(|| {
///     serde_json::from_str::<Vec<State>>(r#"["up", "draining"]"#)
/// });
/// assert_eq!(states.unwrap().len(), 2);
/// assert_eq!(seen[0].enum_name, "State");
/// assert_eq!(seen[0].label, "draining");
/// ```
pub fn collect_unknown_labels<R>(f: impl FnOnce() -> R) -> (R, Vec<UnknownLabelSeen>) {
    let outer = UNKNOWN_LABELS.with(|cell| cell.replace(Some(Vec::new())));
    let result = f();
    let seen = UNKNOWN_LABELS
        .with(|cell| cell.replace(outer))
        .unwrap_or_default();
    (result, seen)
}

#[doc(hidden)]
pub fn __note_unknown(enum_name: &'static str, label: &str) {
    UNKNOWN_LABELS.with(|cell| {
        if let Some(seen) = cell.borrow_mut().as_mut() {
            seen.push(UnknownLabelSeen {
                enum_name,
                label: label.to_owned(),
            });
        }
    });
}

/// Defines an open string enum: its known variants, each with its wire label, plus a hidden
/// catch-all `_Unknown` variant that keeps any other label.
///
/// A variant's label is written out (`ToolsList = "tools/list"`) or derived from its name by
/// the enum's `#[rename_all = "…"]` rule, which are serde's (`lowercase`, `UPPERCASE`,
/// `PascalCase`, `camelCase`, `snake_case`, `SCREAMING_SNAKE_CASE`, `kebab-case`,
/// `SCREAMING-KEBAB-CASE`) plus `dot.case` (`NodeAdded` → `node.added`). Written labels are
/// for the variants the rule does not name; the macro refuses one that repeats what the rule
/// gives, a variant with neither, and a label used twice. Each variant's docs end with its
/// label.
///
/// ```
/// nodewire_common::open_enum! {
///     /// A pool kind.
///     #[rename_all = "snake_case"]
///     pub enum PoolKind {
///         /// A ZFS pool.
///         ZfsPool,
///         /// An LVM volume group, under its short name.
///         LvmVg = "vg",
///     }
/// }
///
/// assert_eq!(PoolKind::KNOWN, ["zfs_pool", "vg"]);
/// assert_eq!(PoolKind::from("zfs_pool"), PoolKind::ZfsPool);
/// ```
///
/// The generated type implements `Clone`, `Debug`, `PartialEq`, `Eq`, `Hash`, `Display`,
/// `AsRef<str>`, `From<&str>`, `From<String>`, `FromStr`, serde's `Serialize` / `Deserialize`
/// and schemars' `JsonSchema` (known labels listed, any string accepted). Each item must carry
/// `///` docs; they become the schema's description.
#[macro_export]
macro_rules! open_enum {
    ($($body:tt)*) => {
        $crate::__private::open_enum_labels! { $crate; $($body)* }
    };
}

/// [`open_enum!`] once every label is written out.
#[doc(hidden)]
#[macro_export]
macro_rules! __open_enum {
    (
        $(#[doc = $doc:literal])*
        $vis:vis enum $name:ident {
            $(
                $(#[doc = $vdoc:literal])*
                $variant:ident = $label:literal
            ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        ///
        /// This is an open enum: a label this version does not know decodes into a hidden
        /// catch-all variant and re-encodes unchanged; use [`as_str`](Self::as_str) to read it.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[doc = $vdoc])*
                #[doc = concat!("\n\nWire label: `", $label, "`.")]
                $variant,
            )*
            #[doc(hidden)]
            _Unknown($crate::UnknownLabel),
        }

        impl $name {
            /// Every label this version knows, in declaration order.
            pub const KNOWN: &'static [&'static str] = &[$($label),*];

            /// The wire label.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $label,)*
                    Self::_Unknown(label) => label.as_str(),
                }
            }

            /// `false` when the label is not one this version knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::_Unknown(_))
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($label => Self::$variant,)*
                    other => Self::_Unknown($crate::UnknownLabel::__new(other)),
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(text: ::std::string::String) -> Self {
                Self::from(text.as_str())
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                Ok(Self::from(text))
            }
        }

        impl ::core::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                struct V;
                impl<'de> $crate::__private::serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(concat!("a string (", stringify!($name), ")"))
                    }
                    fn visit_str<E: $crate::__private::serde::de::Error>(
                        self,
                        v: &str,
                    ) -> ::core::result::Result<$name, E> {
                        let value = $name::from(v);
                        if !value.is_known() {
                            $crate::open_enum::__note_unknown(stringify!($name), v);
                        }
                        Ok(value)
                    }
                }
                deserializer.deserialize_str(V)
            }
        }

        impl $crate::__private::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn json_schema(
                _: &mut $crate::__private::schemars::SchemaGenerator,
            ) -> $crate::__private::schemars::Schema {
                $crate::open_enum::schema(concat!($($doc, "\n"),*), Self::KNOWN)
            }
        }
    };
}

/// The JSON Schema of an open enum: a string, with the known labels listed under `anyOf` next
/// to a plain string so unknown labels still validate.
#[doc(hidden)]
pub fn schema(doc: &str, known: &[&str]) -> schemars::Schema {
    let description = doc
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned();
    schemars::json_schema!({
        "type": "string",
        "description": description,
        "anyOf": [
            { "enum": known },
            { "type": "string", "description": "A label this version of the schema does not know." }
        ]
    })
}

#[cfg(test)]
#[allow(unreachable_pub)]
mod tests {
    crate::open_enum! {
        /// A test enum.
        pub enum Mode {
            /// At once.
            Instant = "instant",
            /// Slowly.
            Drain = "drain",
        }
    }

    #[test]
    fn known_and_unknown_labels_round_trip() -> Result<(), serde_json::Error> {
        let known: Mode = serde_json::from_str("\"drain\"")?;
        assert_eq!(known, Mode::Drain);
        assert!(known.is_known());
        let unknown: Mode = serde_json::from_str("\"later\"")?;
        assert!(!unknown.is_known());
        assert_eq!(unknown.as_str(), "later");
        assert_eq!(serde_json::to_string(&unknown)?, "\"later\"");
        assert_eq!(Mode::from("instant"), Mode::Instant);
        assert_eq!(Mode::KNOWN, &["instant", "drain"]);
        assert!(serde_json::from_str::<Mode>("3").is_err());
        Ok(())
    }

    crate::open_enum! {
        /// Events with dotted names, one of them named apart from the rule.
        #[rename_all = "dot.case"]
        pub enum EventName {
            /// A node was added.
            NodeAdded,
            /// A user's traffic was measured.
            UserTrafficReported,
            /// The legacy name of a status frame.
            StatusFull = "status",
        }
    }

    #[test]
    fn derived_labels_follow_the_rule_and_written_ones_win() -> Result<(), serde_json::Error> {
        assert_eq!(
            EventName::KNOWN,
            &["node.added", "user.traffic.reported", "status"]
        );
        for (variant, label) in [
            (EventName::NodeAdded, "\"node.added\""),
            (EventName::UserTrafficReported, "\"user.traffic.reported\""),
            (EventName::StatusFull, "\"status\""),
        ] {
            assert_eq!(serde_json::to_string(&variant)?, label);
            assert_eq!(serde_json::from_str::<EventName>(label)?, variant);
        }
        // The label the rule would give a written-out variant is not a label of it.
        assert!(!EventName::from("status.full").is_known());
        Ok(())
    }

    #[test]
    fn schema_lists_labels() {
        let schema = schemars::schema_for!(Mode);
        let text = serde_json::to_string(&schema).unwrap_or_default();
        assert!(text.contains("\"instant\""));
        assert!(text.contains("A test enum."));
    }
}
