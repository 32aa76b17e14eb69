//! Conformance with core.yaml, without reading it: `tests/core_facts.json` holds what matters
//! of the spec (produced once by `tests/gen_core_facts.py <core.yaml>`), and this test compares
//! it with the crate.
//!
//! - For every one of the 82 component schemas, the exported JSON Schema of the Rust type of
//!   the same name has the same property names, the same required set, compatible types
//!   (string / integer / boolean / free-form object / array of / map of / reference to the same
//!   component, nullable exactly where the spec says `nullable`) and the same enum labels;
//!   `oneOf` schemas (`HealthStatus`, `ActionView`) match branch by branch.
//! - For every one of the 36 operations, the endpoint with the same method and path has the
//!   same path and query parameters, auth requirement, request body and responses (status,
//!   media type and schema).
//! - The crate's schemas accept everything core.yaml's do: where they differ, the crate's
//!   schema is wider, only at the places [`DOCUMENTED_EXTRAS`] lists (the real panel's forms,
//!   each with its contract row), and every core.yaml example (and the panel docs' callback
//!   bodies) validates against the crate's exported schema of its route.

use std::collections::{BTreeMap, BTreeSet};

use nodewire_common::endpoint::ParameterLocation;
use nodewire_kernel::spec::{BodySpec, operations};
use schemars::SchemaGenerator;
use serde_json::{Map, Value, json};

fn facts() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/core_facts.json");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Normalizes a schema node of the crate's export into the facts' descriptor form.
struct Describer<'a> {
    defs: &'a Map<String, Value>,
    components: &'a BTreeSet<String>,
    /// The component the root schema is (a recursive type refers to it as `#`).
    root: Option<&'a str>,
}

fn ref_name(value: &Value) -> Option<&str> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
}

fn const_label(branch: &Value) -> Option<String> {
    branch
        .get("const")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

impl Describer<'_> {
    fn resolve<'v>(&'v self, value: &'v Value) -> &'v Value {
        match ref_name(value) {
            Some(name) if !self.components.contains(name) => {
                self.defs.get(name).unwrap_or(&Value::Null)
            }
            _ => value,
        }
    }

    /// The string-enum labels of a node, if it is a string enum (closed, open or `const`).
    fn labels(&self, value: &Value) -> Option<Vec<String>> {
        let value = self.resolve(value);
        if let Some(Value::Array(labels)) = value.get("enum") {
            return Some(
                labels
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            );
        }
        if let Some(label) = const_label(value) {
            return Some(vec![label]);
        }
        if let Some(Value::Array(branches)) = value.get("oneOf") {
            let labels: Option<Vec<String>> = branches.iter().map(const_label).collect();
            return labels.filter(|l| !l.is_empty());
        }
        // An open enum: `anyOf: [{enum: [...]}, {type: string}]`.
        if value.get("type") == Some(&json!("string"))
            && let Some(Value::Array(branches)) = value.get("anyOf")
        {
            return branches
                .iter()
                .find_map(|b| b.get("enum").and_then(Value::as_array))
                .map(|l| {
                    l.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                });
        }
        None
    }

    fn component(&self, value: &Value) -> Value {
        let value = self.resolve(value);
        if let Some(labels) = self.labels(value) {
            return json!({"kind": "enum", "enum": sorted(labels)});
        }
        if let Some(Value::Array(branches)) = value.get("oneOf") {
            return json!({
                "kind": "oneOf",
                "variants": branches.iter().map(|b| self.component(b)).collect::<Vec<_>>()
            });
        }
        let mut properties = Map::new();
        if let Some(Value::Object(props)) = value.get("properties") {
            for (name, schema) in props {
                properties.insert(name.clone(), self.describe(schema));
            }
        }
        let required: Vec<String> = value
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut out =
            json!({"kind": "object", "properties": properties, "required": sorted(required)});
        if value.get("additionalProperties") == Some(&Value::Bool(false)) {
            set(&mut out, "additional_properties", Value::Bool(false));
        }
        out
    }

    fn describe(&self, value: &Value) -> Value {
        if value.get("$ref") == Some(&json!("#"))
            && let Some(root) = self.root
        {
            return json!({ "ref": root });
        }
        if let Some(name) = ref_name(value)
            && self.components.contains(name)
        {
            return json!({"ref": name});
        }
        let value = self.resolve(value);
        // Nullable: `type: [T, "null"]` or `anyOf: [X, {type: null}]`.
        let null = json!({"type": "null"});
        if let Some(Value::Array(branches)) = value.get("anyOf")
            && branches.contains(&null)
        {
            let rest: Vec<&Value> = branches.iter().filter(|b| **b != null).collect();
            if let [only] = rest.as_slice() {
                let mut inner = self.describe(only);
                set(&mut inner, "nullable", Value::Bool(true));
                return inner;
            }
        }
        if let Some(Value::Array(types)) = value.get("type")
            && types.contains(&json!("null"))
        {
            let mut copy = value.clone();
            let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
            let kind = match rest.as_slice() {
                [one] => one.clone(),
                _ => Value::Array(rest),
            };
            set(&mut copy, "type", kind);
            let mut inner = self.describe(&copy);
            set(&mut inner, "nullable", Value::Bool(true));
            return inner;
        }
        if let Some(labels) = self.labels(value) {
            return json!({"type": "string", "enum": sorted(labels)});
        }
        if value.get("oneOf").is_some() {
            let variants = self.component(value).get("variants").cloned();
            return json!({ "oneOf": variants });
        }
        if let Some(Value::Array(types)) = value.get("type") {
            let mut types: Vec<String> = types
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            types.sort();
            return json!({ "type": types });
        }
        match value.get("type").and_then(Value::as_str) {
            Some("array") => json!({
                "type": "array",
                "items": self.describe(value.get("items").unwrap_or(&Value::Null))
            }),
            Some("object") => match value.get("additionalProperties") {
                Some(values @ Value::Object(_)) => {
                    json!({"type": "map", "values": self.describe(values)})
                }
                _ if value.get("properties").is_some() => self.component(value),
                _ => json!({"type": "object"}),
            },
            Some(kind) => json!({ "type": kind }),
            None => json!({"unsupported": value}),
        }
    }
}

/// Sets `key` on a JSON object (no-op on other values).
fn set(value: &mut Value, key: &str, v: Value) {
    if let Some(map) = value.as_object_mut() {
        map.insert(key.to_owned(), v);
    }
}

fn sorted(mut labels: Vec<String>) -> Vec<String> {
    labels.sort();
    labels
}

/// Sorts the enum labels of a facts descriptor, recursively, so label order does not count.
fn normalize(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "enum"
                    && let Value::Array(labels) = v
                {
                    labels.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                } else {
                    normalize(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize),
        _ => {}
    }
}

/// Every JSON pointer where `a` and `b` differ.
fn differences(a: &Value, b: &Value, at: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let (va, vb) = (x.get(key), y.get(key));
                match (va, vb) {
                    (Some(va), Some(vb)) => differences(va, vb, &format!("{at}/{key}"), out),
                    _ => out.push(format!(
                        "{at}/{key}: spec {} / crate {}",
                        va.map_or("absent".into(), Value::to_string),
                        vb.map_or("absent".into(), Value::to_string)
                    )),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                differences(va, vb, &format!("{at}/{i}"), out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{at}: spec {a} / crate {b}")),
    }
}

fn components(facts: &Value) -> BTreeSet<String> {
    facts["schemas"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn the_facts_are_from_the_checked_core_yaml() {
    let facts = facts();
    assert_eq!(facts["source"]["sha256"], nodewire_kernel::UPSTREAM_SHA256);
    assert_eq!(
        facts["source"]["version"],
        nodewire_kernel::UPSTREAM_VERSION
    );
}

/// Where a crate schema is wider than core.yaml's, on purpose: the forms the real panel sends
/// that its own spec forbids ("real peers win over their documents"). Each entry: component,
/// JSON pointer into the component's descriptor, the crate's descriptor there, contract row.
const DOCUMENTED_EXTRAS: &[(&str, &str, &str, &str)] = &[
    (
        "HealthStatus",
        "/variants",
        r#"[{"enum":["Healthy"],"kind":"enum"},{"additional_properties":false,"kind":"object","properties":{"Degraded":{"kind":"object","properties":{"consecutive_failures":{"type":"integer"}},"required":["consecutive_failures"]}},"required":[]},{"additional_properties":false,"kind":"object","properties":{"Unhealthy":{"kind":"object","properties":{"consecutive_failures":{"type":"integer"}},"required":["consecutive_failures"]}},"required":[]},{"kind":"object","properties":{},"required":[]},{"kind":"object","properties":{},"required":[]}]"#,
        "contracts/kernel.md §8 row 1: other labels are kept (an open enum), such as the \
         lower-case strings a panel-compatible kernel serves; two branches after the spec's \
         three (another string, an object with another key)",
    ),
    (
        "ServiceEventRegistrationRequest",
        "/properties/event",
        r#"{"type":"string","enum":["user.quota.changed","user.traffic.reported","user_quota_changed","user_traffic_reported"]}"#,
        "contracts/kernel.md §8 row 2: the panel registers `user_traffic_reported`",
    ),
    (
        "User",
        "/properties/metadata/values",
        r#"{"type":["number","string"]}"#,
        "contracts/kernel.md §8 row 6: the panel sends `{\"subscription_id\": <number>}`",
    ),
    (
        "UserCreateRequest",
        "/properties/metadata/values",
        r#"{"type":["number","string"]}"#,
        "contracts/kernel.md §8 row 6 (request metadata, as in `User`)",
    ),
    (
        "UserPatchRequest",
        "/properties/metadata/values",
        r#"{"type":["number","string"]}"#,
        "contracts/kernel.md §8 row 6 (request metadata, as in `User`)",
    ),
];

/// `true` when a value valid for the `spec` descriptor is valid for `ours` too (`ours` lists
/// every label of an enum, or every type).
fn widens(spec: &Value, ours: &Value) -> bool {
    // More alternatives: the spec's come first, unchanged.
    if let (Value::Array(a), Value::Array(b)) = (spec, ours) {
        return b.len() > a.len() && b.iter().zip(a).all(|(x, y)| x == y);
    }
    if let (Some(Value::Array(a)), Some(Value::Array(b))) = (spec.get("enum"), ours.get("enum")) {
        return spec.get("type") == ours.get("type") && a.iter().all(|l| b.contains(l));
    }
    match (spec.get("type"), ours.get("type")) {
        (Some(kind), Some(Value::Array(kinds))) => {
            kinds.contains(kind) && spec.as_object().is_some_and(|o| o.len() == 1)
        }
        _ => false,
    }
}

/// Replaces each documented extra of `name` in `ours` by the spec's descriptor, after checking
/// that the crate's descriptor is exactly the documented one and wider than the spec's.
fn apply_extras(name: &str, spec: &Value, ours: &mut Value, used: &mut usize) -> Vec<String> {
    let mut problems = Vec::new();
    for (component, pointer, expected, row) in DOCUMENTED_EXTRAS {
        if *component != name {
            continue;
        }
        *used += 1;
        let expected: Value = serde_json::from_str(expected).unwrap_or(Value::Null);
        let spec_here = spec.pointer(pointer).cloned().unwrap_or(Value::Null);
        match ours.pointer_mut(pointer) {
            Some(slot) if *slot == expected => {
                if !widens(&spec_here, slot) {
                    problems.push(format!(
                        "{name}{pointer}: {slot} does not accept all of the spec's {spec_here} ({row})"
                    ));
                }
                *slot = spec_here;
            }
            other => problems.push(format!(
                "{name}{pointer}: documented extra ({row}) expected {expected}, crate has {other:?}"
            )),
        }
    }
    problems
}

#[test]
fn every_component_schema_matches() {
    let facts = facts();
    let components = components(&facts);
    assert_eq!(components.len(), 82, "core.yaml has 82 component schemas");
    let registry = nodewire_kernel::registry();
    let mut mismatches = Vec::new();
    let mut matched = 0;
    let mut extras_used = 0;
    for name in &components {
        let Some(entry) = registry.find_type(name) else {
            mismatches.push(format!("{name}: no exported type of that name"));
            continue;
        };
        let schema = (entry.schema)().to_value();
        let empty = Map::new();
        let describer = Describer {
            defs: schema
                .get("$defs")
                .and_then(Value::as_object)
                .unwrap_or(&empty),
            components: &components,
            root: Some(name),
        };
        let mut ours = describer.component(&schema);
        let mut spec = facts["schemas"][name].clone();
        normalize(&mut spec);
        let mut diff = apply_extras(name, &spec, &mut ours, &mut extras_used);
        differences(&spec, &ours, name, &mut diff);
        if diff.is_empty() {
            matched += 1;
        }
        mismatches.extend(diff);
    }
    assert!(
        mismatches.is_empty(),
        "schema mismatches:\n{}",
        mismatches.join("\n")
    );
    assert_eq!(matched, 82);
    assert_eq!(
        extras_used,
        DOCUMENTED_EXTRAS.len(),
        "every documented extra names a component"
    );
}

/// A JSON Schema (draft 2020-12) check of the keywords the crate's exported schemas use:
/// `$ref` into `$defs`, `type`, `enum`, `const`, `properties`, `required`,
/// `additionalProperties`, `items`, `anyOf`, `oneOf`, `allOf`, `minimum`, `maximum`. Returns
/// every failure with its JSON pointer.
fn validate(root: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some("#") => root,
        Some(r) => match r
            .strip_prefix("#/$defs/")
            .and_then(|n| root["$defs"].get(n))
        {
            Some(def) => def,
            None => {
                out.push(format!("{at}: unresolved $ref {r}"));
                return;
            }
        },
        None => schema,
    };
    if *schema == Value::Bool(false) {
        out.push(format!("{at}: schema `false`"));
        return;
    }
    let kind_ok = |kind: &str| match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    };
    match schema.get("type") {
        Some(Value::String(kind)) if !kind_ok(kind) => {
            out.push(format!("{at}: expected {kind}, got {value}"));
            return;
        }
        Some(Value::Array(kinds)) if !kinds.iter().filter_map(Value::as_str).any(kind_ok) => {
            out.push(format!("{at}: expected one of {kinds:?}, got {value}"));
            return;
        }
        _ => {}
    }
    if let Some(Value::Array(labels)) = schema.get("enum")
        && !labels.contains(value)
    {
        out.push(format!("{at}: {value} is not one of {labels:?}"));
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        out.push(format!("{at}: {value} is not {c}"));
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_f64),
        value.as_f64(),
    ) && n < min
    {
        out.push(format!("{at}: {n} < minimum {min}"));
    }
    if let (Some(max), Some(n)) = (
        schema.get("maximum").and_then(Value::as_f64),
        value.as_f64(),
    ) && n > max
    {
        out.push(format!("{at}: {n} > maximum {max}"));
    }
    if let Value::Object(map) = value {
        let props = schema.get("properties").and_then(Value::as_object);
        for key in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !map.contains_key(key) {
                out.push(format!("{at}: `{key}` is required"));
            }
        }
        for (key, v) in map {
            let here = format!("{at}/{key}");
            match (
                props.and_then(|p| p.get(key)),
                schema.get("additionalProperties"),
            ) {
                (Some(s), _) => validate(root, s, v, &here, out),
                (None, Some(Value::Bool(false))) => out.push(format!("{here}: not allowed")),
                (None, Some(extra @ Value::Object(_))) => validate(root, extra, v, &here, out),
                _ => {}
            }
        }
    }
    if let (Value::Array(items), Some(item)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            validate(root, item, v, &format!("{at}/{i}"), out);
        }
    }
    let passes = |s: &Value| {
        let mut errors = Vec::new();
        validate(root, s, value, at, &mut errors);
        errors.is_empty()
    };
    if let Some(Value::Array(branches)) = schema.get("allOf") {
        for b in branches {
            validate(root, b, value, at, out);
        }
    }
    if let Some(Value::Array(branches)) = schema.get("anyOf")
        && !branches.iter().any(passes)
    {
        out.push(format!("{at}: {value} matches no anyOf branch"));
    }
    if let Some(Value::Array(branches)) = schema.get("oneOf") {
        let n = branches.iter().filter(|b| passes(b)).count();
        if n != 1 {
            out.push(format!("{at}: {value} matches {n} oneOf branches"));
        }
    }
}

/// The crate's exported schema of the body a manifest entry holds (of its route, or of its
/// `type`).
fn route_schema(entry: &Value) -> Option<Value> {
    use nodewire_common::registry::{Lookup, ResponseStatus};
    if let Some(name) = entry["type"].as_str() {
        let entry = nodewire_kernel::registry().find_type(name)?;
        return Some((entry.schema)().to_value());
    }
    let (method, path) = entry["operation"].as_str()?.split_once(' ')?;
    let method = http::Method::from_bytes(method.as_bytes()).ok()?;
    let Lookup::Found(route) = nodewire_kernel::registry().lookup(&method, path) else {
        return None;
    };
    let body = if entry["body"] == "request" {
        route.schemas.request?
    } else {
        let status = u16::try_from(entry["status"].as_u64()?).ok()?;
        route
            .schemas
            .responses
            .iter()
            .find(|(s, _)| *s == ResponseStatus::Code(status))
            .and_then(|(_, b)| *b)?
    };
    (body.media_type == "application/json").then(|| (body.schema)().to_value())
}

/// Every core.yaml example, and the panel docs' callback bodies (the entries of the shared
/// manifest), validates against the crate's exported schema of its route; so do the real
/// panel's forms (the documented extras), which core.yaml's schemas refuse.
#[test]
fn crate_schemas_accept_the_core_yaml_examples_and_the_panels_forms() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let manifest: Vec<Value> = std::fs::read(dir.join("manifest.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let panel_forms = [
        "synthesized--POST_v1_service-events_registrations--panel_event_name.json",
        "panel-client--POST_v1_protocols--numeric_metadata.json",
        "synthesized--POST_v1_users--numeric_metadata.json",
        "synthesized--POST_v1_users_import--numeric_metadata.json",
    ];
    let mut failures = Vec::new();
    let mut checked = 0;
    for entry in &manifest {
        let file = entry["file"].as_str().unwrap_or_default();
        let shared = entry.get("source").is_none();
        if !(shared || panel_forms.contains(&file)) {
            continue;
        }
        let Some(schema) = route_schema(entry) else {
            failures.push(format!("{file}: no JSON schema for {}", entry["operation"]));
            continue;
        };
        let value: Value = std::fs::read(dir.join(file))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Value::Null);
        let mut errors = Vec::new();
        validate(&schema, &schema, &value, "", &mut errors);
        failures.extend(errors.into_iter().map(|e| format!("{file}: {e}")));
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, 30 + panel_forms.len());
}

/// The validator above is not vacuous: it refuses what the crate's schemas refuse.
#[test]
fn the_schema_check_can_fail() {
    let schema = (nodewire_kernel::registry()
        .find_type("ServiceEventRegistrationRequest")
        .map(|t| t.schema))
    .map(|s| s().to_value())
    .unwrap_or(Value::Null);
    let mut errors = Vec::new();
    let bad = json!({"event": "user.deleted", "callback": 1});
    validate(&schema, &schema, &bad, "", &mut errors);
    assert_eq!(errors.len(), 2, "{errors:?}");
}

#[test]
fn type_names_are_unique() {
    let mut seen = BTreeMap::new();
    for t in &nodewire_kernel::registry().types {
        *seen.entry(t.name.to_string()).or_insert(0) += 1;
    }
    let dupes: Vec<_> = seen.into_iter().filter(|(_, n)| *n > 1).collect();
    assert!(dupes.is_empty(), "{dupes:?}");
}

fn body(spec: &BodySpec, components: &BTreeSet<String>) -> Value {
    let mut generator = SchemaGenerator::default();
    let schema = (spec.schema)(&mut generator).to_value();
    let defs = generator.definitions().clone();
    let describer = Describer {
        defs: &defs,
        components,
        root: None,
    };
    json!({"media_type": spec.media_type, "schema": describer.describe(&schema)})
}

/// The operations core.yaml gives an `{id}` path segment without declaring the parameter.
const UNDECLARED_ID: &[(&str, &str)] = &[
    ("GET", "/v1/protocols/{id}/users"),
    ("GET", "/v1/users/{id}"),
    ("PUT", "/v1/users/{id}"),
    ("PATCH", "/v1/users/{id}"),
    ("DELETE", "/v1/users/{id}"),
];

/// A core.yaml parameter schema in the form [`parameter_schema`] gives ours: a reference to an
/// enum component reads as its labels.
fn query_schema(schema: &Value, facts: &Value) -> String {
    if let Some(name) = schema.get("ref").and_then(Value::as_str) {
        let component = facts.get("schemas").and_then(|s| s.get(name));
        let kind = component
            .and_then(|c| c.get("kind"))
            .and_then(Value::as_str);
        return match component
            .and_then(|c| c.get("enum"))
            .and_then(Value::as_array)
        {
            Some(labels) if kind == Some("enum") => {
                let labels: Vec<&str> = labels.iter().filter_map(Value::as_str).collect();
                format!("enum:{}", labels.join(","))
            }
            _ => format!("ref:{name}"),
        };
    }
    parameter_schema(schema)
}

/// A parameter's schema as `boolean`, `integer`, `string`, `array<string>` or
/// `enum:<labels,…>` (a range is not compared: core.yaml states none).
fn parameter_schema(schema: &Value) -> String {
    if let Some(Value::Array(labels)) = schema.get("enum") {
        let labels: Vec<&str> = labels.iter().filter_map(Value::as_str).collect();
        return format!("enum:{}", labels.join(","));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!(
            "array<{}>",
            schema
                .get("items")
                .and_then(|i| i.get("type"))
                .and_then(Value::as_str)
                .unwrap_or_default()
        ),
        Some(kind) => kind.to_owned(),
        None => String::new(),
    }
}

#[test]
fn every_operation_matches() {
    let facts = facts();
    let components = components(&facts);
    let spec_ops = facts["operations"].as_array().cloned().unwrap_or_default();
    assert_eq!(spec_ops.len(), 36, "core.yaml has 36 operations");
    let ours = operations();
    assert_eq!(ours.len(), 36, "the crate implements 36 operations");
    let mut mismatches = Vec::new();
    let mut matched = 0;
    let mut undeclared = Vec::new();
    for op in &spec_ops {
        let method = op["method"].as_str().unwrap_or_default();
        let path = op["path"].as_str().unwrap_or_default();
        let at = format!("{method} {path}");
        let Some(mine) = ours
            .iter()
            .find(|o| o.method.as_str() == method && o.path == path)
        else {
            mismatches.push(format!("{at}: no endpoint"));
            continue;
        };
        let before = mismatches.len();

        // Path parameters: every declared one is ours; the undeclared ones are the known
        // defects.
        let declared: Vec<&str> = op["path_params"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if declared.iter().any(|p| !mine.path_params.contains(p)) {
            mismatches.push(format!(
                "{at}: path params {declared:?} vs {:?}",
                mine.path_params
            ));
        }
        if mine.path_params.iter().any(|p| !declared.contains(p)) {
            undeclared.push((method.to_owned(), path.to_owned()));
        }
        // Every segment is a string, declared in template order (core.yaml's are strings).
        let our_path: Vec<(&str, String)> = mine
            .parameters
            .iter()
            .filter(|p| p.location == ParameterLocation::Path)
            .map(|p| {
                let schema = serde_json::to_value((p.schema)()).unwrap_or_default();
                (p.name, parameter_schema(&schema))
            })
            .collect();
        let names: Vec<&str> = our_path.iter().map(|(name, _)| *name).collect();
        if names != mine.path_params || our_path.iter().any(|(_, schema)| schema != "string") {
            mismatches.push(format!(
                "{at}: path parameters {our_path:?} vs template {:?}",
                mine.path_params
            ));
        }

        // Query parameters.
        let spec_query: Vec<(String, bool, String)> = op["query"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|q| {
                        (
                            q["name"].as_str().unwrap_or_default().to_owned(),
                            q["required"].as_bool().unwrap_or_default(),
                            query_schema(&q["schema"], &facts),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let our_query: Vec<(String, bool, String)> = mine
            .parameters
            .iter()
            .filter(|p| p.location == ParameterLocation::Query)
            .map(|p| {
                let schema = serde_json::to_value((p.schema)()).unwrap_or_default();
                (p.name.to_owned(), p.required, parameter_schema(&schema))
            })
            .collect();
        if spec_query != our_query {
            mismatches.push(format!("{at}: query {spec_query:?} vs {our_query:?}"));
        }

        if op["auth"].as_bool() != Some(mine.auth) {
            mismatches.push(format!("{at}: auth {} vs {}", op["auth"], mine.auth));
        }

        // Request body.
        let spec_request = match op["request"].clone() {
            Value::Object(mut r) => {
                if r.remove("required") != Some(Value::Bool(true)) {
                    mismatches.push(format!("{at}: optional request body in the spec"));
                }
                Value::Object(r)
            }
            other => other,
        };
        let our_request = mine
            .request
            .as_ref()
            .map_or(Value::Null, |b| body(b, &components));
        differences(
            &spec_request,
            &our_request,
            &format!("{at} request"),
            &mut mismatches,
        );

        // Responses.
        let mut our_responses = Map::new();
        for r in &mine.responses {
            our_responses.insert(
                r.status.to_owned(),
                r.body
                    .as_ref()
                    .map_or(Value::Null, |b| body(b, &components)),
            );
        }
        differences(
            &op["responses"],
            &Value::Object(our_responses),
            &format!("{at} responses"),
            &mut mismatches,
        );
        if mismatches.len() == before {
            matched += 1;
        }
    }
    assert!(
        mismatches.is_empty(),
        "operation mismatches:\n{}",
        mismatches.join("\n")
    );
    assert_eq!(matched, 36);
    let known: BTreeSet<(String, String)> = UNDECLARED_ID
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let undeclared: BTreeSet<(String, String)> = undeclared.into_iter().collect();
    assert_eq!(
        undeclared, known,
        "operations with an undeclared path parameter"
    );
}

/// `nodewire schemas export` writes `schemas/kernel/<SchemaName>.json` for every component.
#[test]
fn every_component_is_exported_under_its_spec_name() {
    let facts = facts();
    let files: BTreeSet<String> = nodewire_kernel::registry()
        .schema_files()
        .into_iter()
        .map(|(name, text)| {
            assert!(
                serde_json::from_str::<Value>(&text).is_ok(),
                "{name} is not JSON"
            );
            name
        })
        .collect();
    for name in components(&facts) {
        assert!(
            files.contains(&format!("{name}.json")),
            "{name}.json is not exported"
        );
    }
}

/// `nodewire check kernel "<METHOD> <path>"` resolves every operation and webhook, for the
/// request, the success response and an error response; `--type` resolves every component.
#[test]
fn every_route_and_type_is_checkable() {
    use nodewire_common::check::{Target, check};
    let registry = nodewire_kernel::registry();
    let facts = facts();
    let mut lines: Vec<(String, u16)> = facts["operations"]
        .as_array()
        .map(|ops| {
            ops.iter()
                .map(|op| {
                    let path = op["path"]
                        .as_str()
                        .unwrap_or_default()
                        .split('/')
                        .map(|s| if s.starts_with('{') { "x1" } else { s })
                        .collect::<Vec<_>>()
                        .join("/");
                    let status = op["responses"]
                        .as_object()
                        .and_then(|r| r.keys().find(|k| *k != "default"))
                        .and_then(|k| k.parse().ok())
                        .unwrap_or(200);
                    (
                        format!("{} {path}", op["method"].as_str().unwrap_or_default()),
                        status,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(lines.len(), 36);
    for path in ["events", "traffic", "service-events"] {
        lines.push((format!("POST /api/v1/kernel/{path}"), 200));
    }
    for (line, status) in &lines {
        for target in [
            Target::Request { line },
            Target::Response {
                line,
                status: *status,
            },
            Target::Response { line, status: 400 },
        ] {
            assert!(check(registry, &target, b"{}").is_ok(), "{target:?}");
        }
    }
    for name in components(&facts) {
        assert!(
            check(registry, &Target::Type { name: &name }, b"{}").is_ok(),
            "{name}"
        );
    }
}
