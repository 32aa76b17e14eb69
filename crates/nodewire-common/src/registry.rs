//! Per-protocol registries of routes and wire types.
//!
//! Each protocol crate exposes a `registry()` listing every route (with the codec of its
//! request and response bodies) and every wire type (with its JSON Schema). The `nodewire`
//! CLI's `check` and `schemas` commands walk it; nothing here does I/O.

use std::borrow::Cow;

use http::{Method, StatusCode};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::endpoint::{BodyKind, Metadata};
use crate::error::{DecodeError, from_slice};

/// A body that decoded: the model type used and its re-encoding.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The model type the body decoded into (`SuccessResponse<UserInfo>`).
    pub type_name: String,
    /// The re-encoded value, or `None` for an absent body.
    pub reencoded: Option<Value>,
    /// What the re-encoding is compared with. `None` means the input bytes parsed as JSON;
    /// decoders of non-JSON bodies (an event stream, say) set it to the JSON form of what they
    /// read, such as the array of each event's `data` parsed as JSON.
    pub original: Option<Value>,
}

/// A body that did not decode.
#[derive(Debug, Clone)]
pub struct Failed {
    /// The model type it was decoded as.
    pub type_name: String,
    /// What is wrong and where.
    pub error: DecodeError,
}

/// Decode-and-re-encode for one body shape.
pub type DecodeFn = fn(&[u8]) -> Result<Decoded, Failed>;

/// Decodes `bytes` as `T` and re-encodes it; the generic body of most [`DecodeFn`]s.
pub fn roundtrip<T: Serialize + DeserializeOwned>(bytes: &[u8]) -> Result<Decoded, Failed> {
    let type_name = short_type_name::<T>();
    let typed: T = from_slice(bytes).map_err(|error| Failed {
        type_name: type_name.clone(),
        error,
    })?;
    let reencoded = serde_json::to_value(&typed).map_err(|e| Failed {
        type_name: type_name.clone(),
        error: DecodeError::root(format!("cannot re-encode: {e}")),
    })?;
    Ok(Decoded {
        type_name,
        reencoded: Some(reencoded),
        original: None,
    })
}

/// `std::any::type_name` without module paths:
/// `SuccessResponse<Vec<UserInfo>>` rather than
/// `nodewire_telemt::envelope::SuccessResponse<alloc::vec::Vec<nodewire_telemt::users::UserInfo>>`.
pub fn short_type_name<T: ?Sized>() -> String {
    let full = std::any::type_name::<T>();
    let mut out = String::with_capacity(full.len());
    let mut segment = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            segment.push(c);
        } else {
            out.push_str(segment.rsplit("::").next().unwrap_or(&segment));
            segment.clear();
            out.push(c);
        }
    }
    out.push_str(segment.rsplit("::").next().unwrap_or(&segment));
    out
}

/// One route: its metadata and how to check its bodies.
#[derive(Debug, Clone)]
pub struct Route {
    /// Method, template, aliases, body kind.
    pub metadata: Metadata,
    /// The request body's model type name (`None` when the route takes no body).
    pub request_type: Option<String>,
    /// Decodes a request body (validation included).
    pub request: DecodeFn,
    /// Picks the response decoder for a status code.
    pub response: fn(StatusCode) -> DecodeFn,
}

/// A named wire type.
#[derive(Clone)]
pub struct TypeEntry {
    /// The upstream's name for the type (`UserInfo`).
    pub name: Cow<'static, str>,
    /// Decodes a value of this type and re-encodes it.
    pub decode: DecodeFn,
    /// Its JSON Schema (draft 2020-12).
    pub schema: fn() -> Schema,
}

impl std::fmt::Debug for TypeEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypeEntry")
            .field("name", &self.name)
            .finish()
    }
}

impl TypeEntry {
    /// The entry for `T`, named by its `JsonSchema::schema_name`.
    pub fn of<T: Serialize + DeserializeOwned + JsonSchema>() -> Self {
        Self {
            name: T::schema_name(),
            decode: roundtrip::<T>,
            schema: schema_of::<T>,
        }
    }
}

/// The draft 2020-12 JSON Schema of `T`, with definitions inlined under `$defs`.
pub fn schema_of<T: JsonSchema>() -> Schema {
    SchemaGenerator::default().into_root_schema_for::<T>()
}

/// The `$id` prefix of exported schemas.
pub const SCHEMA_ID_BASE: &str = "https://github.com/nodewire/nodewire/schemas";

impl Registry {
    /// The exported JSON Schema files of every wire type: `(file name, pretty JSON + newline)`,
    /// sorted by name, each with a stable `$id` of
    /// `https://github.com/nodewire/nodewire/schemas/<protocol>/<Type>.json`.
    pub fn schema_files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = self
            .types
            .iter()
            .map(|t| {
                let file = format!("{}.json", t.name);
                let mut schema = (t.schema)();
                schema.insert(
                    "$id".to_owned(),
                    Value::String(format!("{SCHEMA_ID_BASE}/{}/{file}", self.protocol)),
                );
                let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
                text.push('\n');
                (file, text)
            })
            .collect();
        files.sort();
        files
    }
}

/// The outcome of looking a concrete request line up in a registry.
#[derive(Debug)]
pub enum Lookup<'a> {
    /// A route matched method and path.
    Found(&'a Route),
    /// The path is known but not for this method; these methods are.
    MethodNotAllowed(Vec<Method>),
    /// No route has this path.
    NotFound,
}

/// Every route and wire type of one protocol.
#[derive(Debug, Clone)]
pub struct Registry {
    /// The protocol's name (`telemt`).
    pub protocol: &'static str,
    /// Every route.
    pub routes: Vec<Route>,
    /// Every wire type.
    pub types: Vec<TypeEntry>,
    /// Normalizes a concrete path before matching (protocol rule).
    pub normalize_path: fn(&str) -> String,
    /// The decoder for a response of a request no route matches (the protocol's error body
    /// for the given status), if the protocol answers such requests with a body.
    pub fallback: fn(StatusCode) -> Option<DecodeFn>,
}

impl Registry {
    /// Looks up `method` and a concrete `path` (query string ignored).
    pub fn lookup(&self, method: &Method, path: &str) -> Lookup<'_> {
        let path = path.split('?').next().unwrap_or(path);
        let path = (self.normalize_path)(path);
        let mut matched: Vec<&Route> = self
            .routes
            .iter()
            .filter(|r| r.metadata.match_path(&path).is_some())
            .collect();
        if matched.is_empty() {
            return Lookup::NotFound;
        }
        // Literal segments beat parameters.
        matched.sort_by_key(|r| std::cmp::Reverse(r.metadata.specificity()));
        let best = matched.first().map(|r| r.metadata.specificity());
        let candidates: Vec<&Route> = matched
            .into_iter()
            .filter(|r| Some(r.metadata.specificity()) == best)
            .collect();
        match candidates.iter().find(|r| r.metadata.method == *method) {
            Some(route) => Lookup::Found(route),
            None => Lookup::MethodNotAllowed(
                candidates
                    .iter()
                    .map(|r| r.metadata.method.clone())
                    .collect(),
            ),
        }
    }

    /// Finds a wire type by name.
    pub fn find_type(&self, name: &str) -> Option<&TypeEntry> {
        self.types.iter().find(|t| t.name == name)
    }
}

/// The request decoder for a route whose body kind is `kind` and body type `T`.
pub fn request_decoder<T: Serialize + DeserializeOwned>(kind: BodyKind) -> DecodeFn {
    match kind {
        BodyKind::None => |_| {
            Ok(Decoded {
                type_name: "(no body)".to_owned(),
                reencoded: None,
                original: None,
            })
        },
        BodyKind::Optional => |bytes| {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                Ok(Decoded {
                    type_name: short_type_name::<T>(),
                    reencoded: None,
                    original: None,
                })
            } else {
                roundtrip::<T>(bytes)
            }
        },
        BodyKind::Required => |bytes| {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                Err(Failed {
                    type_name: short_type_name::<T>(),
                    error: DecodeError::root("empty body: this route requires a JSON body"),
                })
            } else {
                roundtrip::<T>(bytes)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        assert_eq!(short_type_name::<Vec<String>>(), "Vec<String>");
        assert_eq!(
            short_type_name::<std::collections::BTreeMap<String, Option<u8>>>(),
            "BTreeMap<String, Option<u8>>"
        );
    }
}
