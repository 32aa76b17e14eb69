//! The OpenAPI documents say what `schemas/index.json` says: every route of the index is an
//! operation of its protocol's `schemas/openapi/<protocol>.json`, under its method and path,
//! with the same request schema and, for every status, the same media type and response
//! schema, once every reference of both is followed (the index's `#/$defs/…` in each file, the
//! document's `#/components/schemas/…`); and each document has as many operations as the
//! index has routes for it.
//!
//! Two schemas are the same when they are equal keyword for keyword, except `$id`, `$schema`,
//! `$defs` (followed through references instead) and `title`, and except, at the root of a
//! route body file, the `description` and `contentMediaType` the export adds there (the
//! OpenAPI response says them). A recursive type is compared once per pair of places.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::{Map, Value};

type Error = Box<dyn std::error::Error>;

fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}

fn read_json(relative: &str) -> Result<Value, Error> {
    let path = schemas_dir().join(relative);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?)
}

/// How deep a comparison may go, references included, before it is taken as runaway.
const DEPTH_LIMIT: usize = 256;

/// Keywords whose values are data, compared as they are.
const DATA_KEYWORDS: &[&str] = &["const", "enum", "default", "examples"];

/// Keywords whose values map names to schemas.
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "dependentSchemas",
];

/// Keywords that say nothing about the wire shape, or that references replace.
const IGNORED: &[&str] = &["$id", "$schema", "$defs", "title"];

/// Keywords the export adds at the root of a route body file.
const ROUTE_FILE_ROOT: &[&str] = &["description", "contentMediaType"];

/// One schema in its document: the document, and the schema's JSON pointer there.
#[derive(Clone, Copy)]
struct At<'a> {
    doc: &'a Value,
    pointer: &'a str,
}

impl<'a> At<'a> {
    fn value(&self) -> Option<&'a Value> {
        self.doc.pointer(self.pointer)
    }

    /// The schema at `pointer` of the same document.
    fn to<'b>(&self, pointer: &'b str) -> At<'b>
    where
        'a: 'b,
    {
        At {
            doc: self.doc,
            pointer,
        }
    }
}

/// Compares a schema of the index's files with one of an OpenAPI document.
struct Comparison {
    /// Pairs of places already taken as equal (entered through a reference).
    assumed: BTreeSet<(String, String)>,
}

impl Comparison {
    fn new() -> Self {
        Self {
            assumed: BTreeSet::new(),
        }
    }

    /// `Ok` when the schema at `a` (index side) and the one at `b` (OpenAPI side) are the
    /// same; `route_file_root` drops the keywords the export adds to a route body file.
    fn same(
        &mut self,
        a: At<'_>,
        b: At<'_>,
        route_file_root: bool,
        depth: usize,
    ) -> Result<(), String> {
        if depth > DEPTH_LIMIT {
            return Err(format!(
                "deeper than {DEPTH_LIMIT} levels at {} / {}",
                a.pointer, b.pointer
            ));
        }
        let (Some(va), Some(vb)) = (a.value(), b.value()) else {
            return Err(format!("{} / {}: does not resolve", a.pointer, b.pointer));
        };
        let a_ref = reference(va);
        let b_ref = reference(vb);
        if a_ref.is_some() || b_ref.is_some() {
            let a_next = a_ref.map_or(Ok(a.pointer.to_owned()), local)?;
            let b_next = b_ref.map_or(Ok(b.pointer.to_owned()), local)?;
            match (a_ref, b_ref) {
                (Some(_), Some(_)) => {
                    self.keywords(a, b, va, vb, &["$ref"], route_file_root, depth)?;
                }
                (Some(_), None) => only_ref(va, a.pointer)?,
                _ => only_ref(vb, b.pointer)?,
            }
            if !self.assumed.insert((a_next.clone(), b_next.clone())) {
                return Ok(());
            }
            let a = a.to(&a_next);
            let b = b.to(&b_next);
            return self.same(a, b, route_file_root, depth + 1);
        }
        match (va, vb) {
            (Value::Object(_), Value::Object(_)) => {
                self.keywords(a, b, va, vb, &[], route_file_root, depth)
            }
            _ if va == vb => Ok(()),
            _ => Err(format!(
                "{} / {}: {va} differs from {vb}",
                a.pointer, b.pointer
            )),
        }
    }

    /// Compares the keywords of two schema objects, leaving out `skip`.
    #[allow(clippy::too_many_arguments)]
    fn keywords(
        &mut self,
        a: At<'_>,
        b: At<'_>,
        va: &Value,
        vb: &Value,
        skip: &[&str],
        route_file_root: bool,
        depth: usize,
    ) -> Result<(), String> {
        let keep = |key: &&String| {
            let key = key.as_str();
            let noise = IGNORED.contains(&key)
                || skip.contains(&key)
                || route_file_root && ROUTE_FILE_ROOT.contains(&key);
            !noise
        };
        let empty = Map::new();
        let ma = va.as_object().unwrap_or(&empty);
        let mb = vb.as_object().unwrap_or(&empty);
        let ka: Vec<&String> = ma.keys().filter(keep).collect();
        let kb: Vec<&String> = mb.keys().filter(keep).collect();
        if ka != kb {
            return Err(format!(
                "{} / {}: keywords {ka:?} differ from {kb:?}",
                a.pointer, b.pointer
            ));
        }
        for key in ka {
            let (Some(xa), Some(xb)) = (ma.get(key), mb.get(key)) else {
                continue;
            };
            let pa = format!("{}/{}", a.pointer, escape(key));
            let pb = format!("{}/{}", b.pointer, escape(key));
            if DATA_KEYWORDS.contains(&key.as_str()) {
                if xa != xb {
                    return Err(format!("{pa} / {pb}: {xa} differs from {xb}"));
                }
            } else if SCHEMA_MAPS.contains(&key.as_str())
                && let (Value::Object(na), Value::Object(nb)) = (xa, xb)
            {
                let names_a: Vec<&String> = na.keys().collect();
                let names_b: Vec<&String> = nb.keys().collect();
                if names_a != names_b {
                    return Err(format!("{pa} / {pb}: {names_a:?} differ from {names_b:?}"));
                }
                for name in names_a {
                    let pa = format!("{pa}/{}", escape(name));
                    let pb = format!("{pb}/{}", escape(name));
                    self.same(a.to(&pa), b.to(&pb), false, depth + 1)?;
                }
            } else {
                self.value(a.to(&pa), b.to(&pb), depth)?;
            }
        }
        Ok(())
    }

    /// Compares the values of a keyword: subschemas, arrays of them, or plain values.
    fn value(&mut self, a: At<'_>, b: At<'_>, depth: usize) -> Result<(), String> {
        match (a.value(), b.value()) {
            (Some(Value::Array(xa)), Some(Value::Array(xb))) => {
                if xa.len() != xb.len() {
                    return Err(format!(
                        "{} / {}: {} items differ from {}",
                        a.pointer,
                        b.pointer,
                        xa.len(),
                        xb.len()
                    ));
                }
                for i in 0..xa.len() {
                    let pa = format!("{}/{i}", a.pointer);
                    let pb = format!("{}/{i}", b.pointer);
                    self.value(a.to(&pa), b.to(&pb), depth + 1)?;
                }
                Ok(())
            }
            _ => self.same(a, b, false, depth + 1),
        }
    }
}

/// A member of an object (`null` when there is none).
fn field<'a>(value: &'a Value, key: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    value.get(key).unwrap_or(&NULL)
}

/// The `$ref` of a schema object.
fn reference(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// The JSON pointer of a local reference (`#/components/schemas/X` is
/// `/components/schemas/X`).
fn local(target: &str) -> Result<String, String> {
    target
        .strip_prefix('#')
        .map(str::to_owned)
        .ok_or_else(|| format!("`{target}` is not a local reference"))
}

/// Fails when a reference compared with a schema written in place has keywords of its own.
fn only_ref(value: &Value, pointer: &str) -> Result<(), String> {
    let extra: Vec<&String> = value
        .as_object()
        .map(|o| {
            o.keys()
                .filter(|k| *k != "$ref" && !IGNORED.contains(&k.as_str()))
                .collect()
        })
        .unwrap_or_default();
    if extra.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{pointer}: a reference with {extra:?} where the other side has the schema itself"
        ))
    }
}

/// A JSON pointer segment (RFC 6901).
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Compares the body the index gives as `file` with the schema at `pointer` of `openapi`.
fn compare_body(file: &str, openapi: &Value, pointer: &str) -> Result<(), String> {
    let schema = read_json(file).map_err(|e| e.to_string())?;
    Comparison::new().same(
        At {
            doc: &schema,
            pointer: "",
        },
        At {
            doc: openapi,
            pointer,
        },
        file.contains("/routes/"),
        0,
    )
}

/// The operation of `method path` in `openapi`, with its JSON pointer.
fn operation<'a>(openapi: &'a Value, method: &str, path: &str) -> Option<(&'a Value, String)> {
    let pointer = format!("/paths/{}/{}", escape(path), method.to_ascii_lowercase());
    openapi.pointer(&pointer).map(|op| (op, pointer))
}

/// The mismatches between the responses the index gives a route (or the fallback) and a
/// Responses Object at `pointer`.
fn compare_responses(
    entry: &Value,
    openapi: &Value,
    pointer: &str,
    what: &str,
    problems: &mut Vec<String>,
) {
    let empty = Map::new();
    let index = field(entry, "responses").as_object().unwrap_or(&empty);
    let Some(responses) = openapi.pointer(pointer).and_then(Value::as_object) else {
        problems.push(format!("{what}: no responses"));
        return;
    };
    let mut statuses: Vec<&String> = responses.keys().filter(|s| *s != "4XX").collect();
    statuses.sort();
    let mut expected: Vec<&String> = index.keys().collect();
    expected.sort();
    if statuses != expected {
        problems.push(format!(
            "{what}: statuses {statuses:?}, the index has {expected:?}"
        ));
    }
    if let Some(client) = responses.get("4XX")
        && client.get("content") != responses.get("default").and_then(|d| d.get("content"))
    {
        problems.push(format!("{what}: `4XX` is not the `default` body"));
    }
    for (status, file) in index {
        let Some(response) = responses.get(status) else {
            continue;
        };
        let content = response.get("content").and_then(Value::as_object);
        match (file.as_str(), content) {
            (None, None) => {}
            (None, Some(_)) => problems.push(format!("{what} {status}: a body the index lacks")),
            (Some(_), None) => problems.push(format!("{what} {status}: no body")),
            (Some(file), Some(content)) => {
                let media = field(field(entry, "content_types"), status)
                    .as_str()
                    .unwrap_or_default();
                let media_types: Vec<&String> = content.keys().collect();
                if media_types != [media] {
                    problems.push(format!(
                        "{what} {status}: media types {media_types:?}, the index has `{media}`"
                    ));
                    continue;
                }
                let at = format!(
                    "{pointer}/{}/content/{}/schema",
                    escape(status),
                    escape(media)
                );
                if let Err(e) = compare_body(file, openapi, &at) {
                    problems.push(format!("{what} {status} ({file}): {e}"));
                }
            }
        }
    }
}

/// The mismatches between the index and the OpenAPI documents.
fn mismatches(index: &Value, documents: &BTreeMap<String, Value>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut routes_of: BTreeMap<&str, usize> = BTreeMap::new();
    let no_routes = Vec::new();
    for route in field(index, "routes").as_array().unwrap_or(&no_routes) {
        let protocol = field(route, "protocol").as_str().unwrap_or_default();
        let method = field(route, "method").as_str().unwrap_or_default();
        let path = field(route, "path").as_str().unwrap_or_default();
        let what = format!("{protocol} {method} {path}");
        *routes_of.entry(protocol).or_default() += 1;
        let Some(openapi) = documents.get(protocol) else {
            problems.push(format!("{what}: no OpenAPI document"));
            continue;
        };
        let Some((op, pointer)) = operation(openapi, method, path) else {
            problems.push(format!("{what}: no operation"));
            continue;
        };
        if field(op, "operationId") != field(route, "name") {
            problems.push(format!("{what}: operationId {}", field(op, "operationId")));
        }
        // Path parameters: the template's, in order.
        let template: Vec<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        let declared: Vec<&str> = field(op, "parameters")
            .as_array()
            .unwrap_or(&no_routes)
            .iter()
            .filter(|p| field(p, "in") == "path")
            .filter_map(|p| field(p, "name").as_str())
            .collect();
        if declared != template {
            problems.push(format!("{what}: path parameters {declared:?}"));
        }
        match (field(route, "request").as_str(), op.get("requestBody")) {
            (None, None) => {}
            (None, Some(_)) => problems.push(format!("{what}: a request body the index lacks")),
            (Some(_), None) => problems.push(format!("{what}: no request body")),
            (Some(file), Some(body)) => {
                let optional = field(route, "request_optional").as_bool().unwrap_or(false);
                if field(body, "required").as_bool() != Some(!optional) {
                    problems.push(format!("{what}: requestBody.required is not {}", !optional));
                }
                let media_types: Vec<&String> = field(body, "content")
                    .as_object()
                    .map(|c| c.keys().collect())
                    .unwrap_or_default();
                if media_types != ["application/json"] {
                    problems.push(format!("{what}: request media types {media_types:?}"));
                }
                let at = format!("{pointer}/requestBody/content/application~1json/schema");
                if let Err(e) = compare_body(file, openapi, &at) {
                    problems.push(format!("{what} request ({file}): {e}"));
                }
            }
        }
        compare_responses(
            route,
            openapi,
            &format!("{pointer}/responses"),
            &what,
            &mut problems,
        );
    }
    for (protocol, openapi) in documents {
        let operations = field(openapi, "paths")
            .as_object()
            .map(|paths| {
                paths
                    .values()
                    .filter_map(Value::as_object)
                    .map(|item| item.keys().filter(|k| is_operation(k)).count())
                    .sum::<usize>()
            })
            .unwrap_or(0);
        let routes = routes_of.get(protocol.as_str()).copied().unwrap_or(0);
        if operations != routes {
            problems.push(format!(
                "{protocol}: {operations} operations for {routes} routes in the index"
            ));
        }
        if let Some(fallback) = field(index, "fallback").get(protocol.as_str()) {
            compare_responses(
                fallback,
                openapi,
                "/x-fallback/responses",
                &format!("{protocol} fallback"),
                &mut problems,
            );
        }
    }
    problems
}

fn is_operation(key: &str) -> bool {
    matches!(
        key,
        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
    ) || key.starts_with("x-")
}

/// The index and the OpenAPI document of each protocol it lists.
fn load() -> Result<(Value, BTreeMap<String, Value>), Error> {
    let index = read_json("index.json")?;
    let protocols: BTreeSet<&str> = field(&index, "routes")
        .as_array()
        .ok_or("index.json: no routes")?
        .iter()
        .filter_map(|r| field(r, "protocol").as_str())
        .collect();
    let mut documents = BTreeMap::new();
    for protocol in protocols {
        documents.insert(
            protocol.to_owned(),
            read_json(&format!("openapi/{protocol}.json"))?,
        );
    }
    Ok((index, documents))
}

#[test]
fn every_route_is_an_operation_with_the_same_schemas() -> Result<(), Error> {
    let (index, documents) = load()?;
    assert_eq!(
        documents.keys().map(String::as_str).collect::<Vec<_>>(),
        ["core", "dash", "kernel", "nodepass", "telemt"]
    );
    let problems = mismatches(&index, &documents);
    assert!(
        problems.is_empty(),
        "the OpenAPI documents differ from schemas/index.json:\n{}",
        problems.join("\n")
    );
    Ok(())
}

/// The mismatches once `edit` has changed the value at `pointer` of `protocol`'s document.
fn mismatches_after(
    protocol: &str,
    pointer: &str,
    edit: impl FnOnce(&mut Value) -> Result<(), Error>,
) -> Result<Vec<String>, Error> {
    let (index, mut documents) = load()?;
    let target = documents
        .get_mut(protocol)
        .and_then(|document| document.pointer_mut(pointer))
        .ok_or_else(|| format!("{protocol}: no {pointer}"))?;
    edit(target)?;
    Ok(mismatches(&index, &documents))
}

#[test]
fn the_comparison_finds_a_changed_schema() -> Result<(), Error> {
    // A property of a component changes type: every route body that reaches it differs.
    let problems = mismatches_after(
        "telemt",
        "/components/schemas/UserInfo/properties/username",
        |user| {
            *user = serde_json::json!({"type": "integer"});
            Ok(())
        },
    )?;
    assert!(
        problems
            .iter()
            .any(|p| p.contains("GET /v1/users/{username}")),
        "{problems:#?}"
    );

    // A route's operation is gone: it is missed, and the count is off.
    let problems = mismatches_after("nodepass", "/paths/~1instances~1{id}", |item| {
        item.as_object_mut()
            .and_then(|item| item.remove("delete"))
            .ok_or("no DELETE /instances/{id}")?;
        Ok(())
    })?;
    assert!(
        problems
            .iter()
            .any(|p| p == "nodepass DELETE /instances/{id}: no operation")
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("nodepass: ") && p.contains("operations"))
    );

    // A response loses its body, and a media type changes.
    let problems = mismatches_after("kernel", "/paths/~1v1~1status/get/responses/200", |ok| {
        let ok = ok
            .as_object_mut()
            .ok_or("GET /v1/status 200: not an object")?;
        let content = ok.remove("content").ok_or("no content")?;
        ok.insert(
            "content".into(),
            serde_json::json!({ "text/plain": content["application/json"] }),
        );
        Ok(())
    })?;
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("kernel GET /v1/status 200: media types")),
        "{problems:#?}"
    );
    Ok(())
}

#[test]
fn a_recursive_type_compares_and_a_runaway_fails() {
    // `Tree` refers to itself on both sides, by different references.
    let index = serde_json::json!({
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$ref": "#"}}}
    });
    let openapi = serde_json::json!({"components": {"schemas": {"Tree": {
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}}
    }}}});
    let at = |doc, pointer| At { doc, pointer };
    assert_eq!(
        Comparison::new().same(
            at(&index, ""),
            at(&openapi, "/components/schemas/Tree"),
            false,
            0
        ),
        Ok(())
    );
    let mut other = openapi.clone();
    other["components"]["schemas"]["Tree"]["properties"]["children"]["type"] = "object".into();
    assert!(
        Comparison::new()
            .same(
                at(&index, ""),
                at(&other, "/components/schemas/Tree"),
                false,
                0
            )
            .is_err()
    );
    // A chain of references deeper than the limit.
    let mut chain = Map::new();
    for i in 0..=DEPTH_LIMIT {
        chain.insert(
            format!("S{i}"),
            serde_json::json!({"$ref": format!("#/components/schemas/S{}", i + 1)}),
        );
    }
    chain.insert(
        format!("S{}", DEPTH_LIMIT + 1),
        serde_json::json!({"type": "string"}),
    );
    let deep = serde_json::json!({"components": {"schemas": chain}});
    let string = serde_json::json!({"type": "string"});
    let result = Comparison::new().same(
        at(&string, ""),
        at(&deep, "/components/schemas/S0"),
        false,
        0,
    );
    assert!(result.is_err_and(|e| e.contains("deeper than")));
}

#[test]
fn no_schema_lost_its_name() {
    for registry in [
        nodewire_core::registry(),
        nodewire_nodepass::registry(),
        nodewire_kernel::registry(),
        nodewire_dash::registry(),
        nodewire_telemt::registry(),
    ] {
        let conflicts = registry.openapi().conflicts;
        assert!(
            conflicts.is_empty(),
            "{}: two different schemas want one name:\n{}",
            registry.protocol,
            conflicts.join("\n")
        );
    }
}
