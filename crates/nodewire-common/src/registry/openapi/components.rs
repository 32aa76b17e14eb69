//! `components/schemas`: every named schema of a document under one name, the `$defs` of each
//! schema hoisted there and every reference rewritten to point at it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::super::export::{DATA_KEYWORDS, SCHEMA_MAPS, clean_schema};

/// Where references to components point.
pub(super) const COMPONENTS: &str = "#/components/schemas/";

/// The schemas of `components/schemas`, by name, and the names that had to change.
#[derive(Debug, Default)]
pub(super) struct Components {
    /// Every component, by name.
    pub(super) schemas: BTreeMap<String, Value>,
    /// One line for each schema that could not take its own name, because a different schema
    /// had it already.
    pub(super) conflicts: Vec<String>,
}

/// What becomes of the root of a schema given to [`Components::add`].
#[derive(Debug, Clone, Copy)]
pub(super) enum Root<'a> {
    /// A component of this name (a wire type); a `title` equal to the name is dropped.
    Named(&'a str),
    /// Used in place, without its `title`; a component of this name only when it refers to
    /// itself.
    Inline(&'a str),
}

/// One schema to place: the root or a `$defs` entry.
struct Entry {
    /// The `$defs` key, `None` for the root.
    def: Option<String>,
    /// The name it asks for.
    wanted: String,
    /// The schema, references not yet rewritten.
    schema: Value,
}

impl Components {
    /// Adds the definitions of `schema` (a root schema with `$defs`), and the root itself
    /// when `root` asks for it, and returns what stands for the schema: a reference to its
    /// component, or the schema with its definitions gone and its references rewritten.
    ///
    /// A definition equal to the component of its name shares it; a different one takes the
    /// name with the first free `_2`, `_3`… suffix, and [`conflicts`](Self::conflicts) says
    /// so. `from` names the schema in that message.
    pub(super) fn add(&mut self, schema: Value, root: Root<'_>, from: &str) -> Value {
        let mut schema = schema;
        clean_schema(&mut schema);
        let Value::Object(mut object) = schema else {
            // `true` or `false`: nothing to hoist.
            return schema;
        };
        object.remove("$schema");
        object.remove("$id");
        let defs = match object.remove("$defs") {
            Some(Value::Object(defs)) => defs,
            _ => Map::new(),
        };
        let (root_name, component) = match root {
            Root::Named(name) => {
                drop_title(&mut object, Some(name));
                (name, true)
            }
            Root::Inline(name) => {
                drop_title(&mut object, None);
                let root = Value::Object(object.clone());
                let recursive = refers_to_root(&root) || defs.values().any(refers_to_root);
                (name, recursive)
            }
        };
        let root_value = Value::Object(object);
        let mut entries: Vec<Entry> = Vec::new();
        if component {
            entries.push(Entry {
                def: None,
                wanted: root_name.to_owned(),
                schema: root_value.clone(),
            });
        }
        entries.extend(defs.into_iter().map(|(def, mut schema)| {
            if let Value::Object(object) = &mut schema {
                drop_title(object, Some(&def));
            }
            Entry {
                wanted: def.clone(),
                def: Some(def),
                schema,
            }
        }));
        let names = self.place(&entries, from);
        let mut rewritten = None;
        for (entry, name) in entries.iter().zip(&names) {
            let value = rewrite(entry.schema.clone(), &entries, &names);
            if entry.def.is_none() {
                rewritten = Some(reference(name));
            }
            self.schemas.entry(name.clone()).or_insert(value);
        }
        rewritten.unwrap_or_else(|| rewrite(root_value, &entries, &names))
    }

    /// The component name of each entry: the first of its sanitized name and its `_2`, `_3`…
    /// forms that no earlier entry takes and that is free or holds an equal schema. An entry
    /// whose name moves changes the schemas that refer to it, so names are settled again until
    /// none moves (each can only move forward, so this ends).
    fn place(&mut self, entries: &[Entry], from: &str) -> Vec<String> {
        let bases: Vec<String> = entries.iter().map(|e| sanitize(&e.wanted)).collect();
        let mut names = bases.clone();
        let mut steps = vec![1_usize; entries.len()];
        loop {
            let settled = names.clone();
            let mut moved = false;
            for (i, (entry, base)) in entries.iter().zip(&bases).enumerate() {
                let value = rewrite(entry.schema.clone(), entries, &settled);
                let mut step = steps.get(i).copied().unwrap_or(1);
                let name = loop {
                    let name = suffixed(base, step);
                    let taken = names.iter().take(i).any(|earlier| *earlier == name);
                    if !taken && self.schemas.get(&name).is_none_or(|held| *held == value) {
                        break name;
                    }
                    step += 1;
                };
                if let (Some(slot), Some(current)) = (steps.get_mut(i), names.get_mut(i))
                    && *current != name
                {
                    *slot = step;
                    *current = name;
                    moved = true;
                }
            }
            if !moved {
                for ((entry, name), base) in entries.iter().zip(&names).zip(&bases) {
                    if name != base {
                        self.conflicts.push(format!(
                            "`{}` (in {from}) differs from the schema named `{base}`: named \
                             `{name}`",
                            entry.wanted
                        ));
                    }
                }
                return names;
            }
        }
    }
}

/// `base`, or `base_<step>` from step 2 on.
fn suffixed(base: &str, step: usize) -> String {
    if step <= 1 {
        base.to_owned()
    } else {
        format!("{base}_{step}")
    }
}

/// A `$ref` to the component `name`.
pub(super) fn reference(name: &str) -> Value {
    let mut object = Map::new();
    object.insert(
        "$ref".to_owned(),
        Value::String(format!("{COMPONENTS}{name}")),
    );
    Value::Object(object)
}

/// A component name OpenAPI accepts (`^[a-zA-Z0-9.\-_]+$`): each run of other characters
/// becomes one `_`, dropped at the ends (`SuccessResponse<UserInfo>` is
/// `SuccessResponse_UserInfo`).
pub(super) fn sanitize(name: &str) -> String {
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    let parts: Vec<&str> = name
        .split(|c| !valid(c))
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        "Schema".to_owned()
    } else {
        parts.join("_")
    }
}

/// Drops a schema's `title` when it only repeats `name` (or always, for `None`): the
/// component's key says it.
fn drop_title(object: &mut Map<String, Value>, name: Option<&str>) {
    let repeats = match (object.get("title"), name) {
        (Some(Value::String(title)), Some(name)) => title == name,
        (Some(_), None) => true,
        _ => false,
    };
    if repeats {
        object.remove("title");
    }
}

/// Calls `f` on every schema object in `schema`, itself included; the values of data
/// keywords (`const`, `enum`, `default`, `examples`) are not schemas and are left alone.
fn visit(schema: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    match schema {
        Value::Object(object) => {
            f(object);
            for (key, value) in object.iter_mut() {
                if DATA_KEYWORDS.contains(&key.as_str()) {
                    continue;
                }
                match value {
                    Value::Object(map) if SCHEMA_MAPS.contains(&key.as_str()) => {
                        map.values_mut().for_each(|s| visit(s, f));
                    }
                    other => visit(other, f),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|s| visit(s, f)),
        _ => {}
    }
}

/// Whether a `$ref` of `schema` points into the root document itself rather than at a
/// definition (`"#"`, `"#/properties/next"`).
fn refers_to_root(schema: &Value) -> bool {
    let mut found = false;
    let mut schema = schema.clone();
    visit(&mut schema, &mut |object| {
        if let Some(Value::String(target)) = object.get("$ref") {
            found |= target == "#" || target.starts_with("#/") && !target.starts_with("#/$defs/");
        }
    });
    found
}

/// `schema` with each local `$ref` pointed at the component its target became: `#/$defs/X…`
/// at the component of `X`, `#…` at the root's component.
fn rewrite(schema: Value, entries: &[Entry], names: &[String]) -> Value {
    let name_of = |def: Option<&str>| {
        entries
            .iter()
            .zip(names)
            .find(|(entry, _)| entry.def.as_deref() == def)
            .map(|(_, name)| name.clone())
    };
    let mut schema = schema;
    visit(&mut schema, &mut |object| {
        let Some(Value::String(target)) = object.get_mut("$ref") else {
            return;
        };
        let new = if let Some(rest) = target.strip_prefix("#/$defs/") {
            let (segment, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let def = segment.replace("~1", "/").replace("~0", "~");
            name_of(Some(&def)).map(|name| format!("{COMPONENTS}{name}{tail}"))
        } else if let Some(tail) = target.strip_prefix('#') {
            name_of(None).map(|name| format!("{COMPONENTS}{name}{tail}"))
        } else {
            None
        };
        if let Some(new) = new {
            *target = new;
        }
    });
    schema
}
