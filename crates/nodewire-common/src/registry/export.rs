//! What `nodewire schemas export` writes: the schema of each wire type, the schema of each route
//! body no wire type describes on its own, and `index.json`, which maps every type and every
//! route body to its file.

use schemars::Schema;
use serde_json::{Map, Value, json};

use super::{
    BodySchema, EVENT_STREAM_MEDIA_TYPE, JSON_MEDIA_TYPE, OPENAPI_DIR, Registry, ResponseSchemas,
    ResponseStatus, Route, SCHEMA_ID_BASE,
};
use crate::BodyKind;

/// The index file at the root of the schemas directory.
pub const INDEX_FILE: &str = "index.json";

/// One exported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFile {
    /// Its path relative to the schemas directory, with `/` separators
    /// (`telemt/UserInfo.json`, `telemt/routes/GetUser.response.json`, `index.json`).
    pub path: String,
    /// Its text: pretty-printed JSON and a newline.
    pub text: String,
}

/// Every file `nodewire schemas export` writes for `registries`, sorted by path:
///
/// - `<protocol>/<Type>.json` for every wire type ([`Registry::schema_files`]);
/// - `<protocol>/routes/<Endpoint>.request.json` / `.response.json` (or
///   `.response.<status>.json` when a route has several) for each route body whose schema is
///   not exactly one wire type's: envelopes, arrays, event streams and text bodies;
/// - `openapi/<protocol>.json`, the protocol's OpenAPI 3.1 document ([`Registry::openapi`]);
/// - `index.json`:
///
/// ```json
/// {
///   "types": {"<protocol>.<Type>": "<protocol>/<Type>.json"},
///   "routes": [{"protocol", "name", "method", "path", "aliases", "description",
///               "request": "<file>" | null, "request_optional": bool,
///               "responses": {"<status>" | "default": "<file>" | null},
///               "content_types": {"<status>" | "default": "<media type>"}}],
///   "fallback": {"<protocol>": {"responses": {…}, "content_types": {…}}}
/// }
/// ```
///
/// A `null` response has no body (`204`, `101`). `content_types` gives the media type of each
/// response that has a body: for `text/event-stream` the schema describes the JSON `data` of
/// each event; for other text types it describes the text as one JSON string. `fallback` is
/// what a protocol answers to a request no route matches.
pub fn export_files(registries: &[&Registry]) -> Vec<SchemaFile> {
    let mut files = Vec::new();
    let mut types = Map::new();
    let mut routes = Vec::new();
    let mut fallback = Map::new();
    for registry in registries {
        let protocol = registry.protocol;
        for (file, text) in registry.schema_files() {
            let name = file.trim_end_matches(".json");
            let path = format!("{protocol}/{file}");
            types.insert(format!("{protocol}.{name}"), Value::String(path.clone()));
            files.push(SchemaFile { path, text });
        }
        let mut exporter = Exporter::new(registry);
        for route in &registry.routes {
            routes.push(exporter.route(route));
        }
        let (responses, content_types) =
            exporter.responses("fallback", None, &registry.fallback_schemas);
        fallback.insert(
            protocol.to_owned(),
            json!({ "responses": responses, "content_types": content_types }),
        );
        files.extend(exporter.files);
        files.push(SchemaFile {
            path: format!("{OPENAPI_DIR}/{protocol}.json"),
            text: registry.openapi().to_json(),
        });
    }
    let index = json!({ "types": types, "routes": routes, "fallback": fallback });
    let mut text = serde_json::to_string_pretty(&index).unwrap_or_default();
    text.push('\n');
    files.push(SchemaFile {
        path: INDEX_FILE.to_owned(),
        text,
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Adds the stable `$id` of `path` to a schema, tidies its descriptions, and prints it.
pub(super) fn finish(schema: Schema, path: &str) -> String {
    let mut schema = schema;
    if let Some(object) = schema.as_object_mut() {
        for (key, value) in object.iter_mut() {
            clean_entry(key, value);
        }
        object.insert(
            "$id".to_owned(),
            Value::String(format!("{SCHEMA_ID_BASE}/{path}")),
        );
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

struct Exporter<'a> {
    registry: &'a Registry,
    /// Each wire type's file and schema, to point a route body at when they are equal.
    types: Vec<(String, Value)>,
    files: Vec<SchemaFile>,
}

/// A distinct response body of one route and the statuses it answers.
struct Group {
    body: BodySchema,
    value: Value,
    statuses: Vec<ResponseStatus>,
}

impl<'a> Exporter<'a> {
    fn new(registry: &'a Registry) -> Self {
        let types = registry
            .types
            .iter()
            .map(|t| {
                (
                    format!("{}/{}.json", registry.protocol, t.name),
                    (t.schema)().to_value(),
                )
            })
            .collect();
        Self {
            registry,
            types,
            files: Vec::new(),
        }
    }

    fn route(&mut self, route: &Route) -> Value {
        let m = &route.metadata;
        let request = route.schemas.request.map(|body| {
            let value = (body.schema)().to_value();
            let optional = if m.body == BodyKind::Optional {
                " An empty body is allowed."
            } else {
                ""
            };
            let lead = format!("{} The request body.{optional}", plain_doc(m.description));
            self.file_for(
                &body,
                value,
                &format!("{}.request", m.name),
                format!("{}RequestBody", m.name),
                lead,
            )
        });
        let (responses, content_types) =
            self.responses(m.name, Some(route), &route.schemas.responses);
        json!({
            "protocol": self.registry.protocol,
            "name": m.name,
            "method": m.method.as_str(),
            "path": m.path,
            "aliases": m.aliases,
            "description": plain_doc(m.description),
            "request": request,
            "request_optional": request.is_some() && m.body == BodyKind::Optional,
            "responses": responses,
            "content_types": content_types,
        })
    }

    /// The `responses` and `content_types` maps of a route (or of the fallback), writing the
    /// route files they need.
    fn responses(
        &mut self,
        name: &str,
        route: Option<&Route>,
        schemas: &ResponseSchemas,
    ) -> (Map<String, Value>, Map<String, Value>) {
        let mut responses = Map::new();
        let mut content_types = Map::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut sorted: Vec<&(ResponseStatus, Option<BodySchema>)> = schemas.iter().collect();
        sorted.sort_by_key(|(status, _)| *status);
        for (status, body) in sorted {
            let Some(body) = body else {
                responses.insert(status.to_string(), Value::Null);
                continue;
            };
            content_types.insert(
                status.to_string(),
                Value::String(body.media_type.to_owned()),
            );
            let value = (body.schema)().to_value();
            match groups
                .iter_mut()
                .find(|g| g.body.media_type == body.media_type && g.value == value)
            {
                Some(group) => group.statuses.push(*status),
                None => groups.push(Group {
                    body: *body,
                    value,
                    statuses: vec![*status],
                }),
            }
        }
        let own_files = groups
            .iter()
            .filter(|g| self.type_file(&g.body, &g.value).is_none())
            .count();
        for group in groups {
            let first = group.statuses.first().copied();
            let (stem, title) = match first {
                Some(status) if own_files > 1 => (
                    format!("{name}.response.{status}"),
                    format!("{name}ResponseBody{}", title_suffix(status)),
                ),
                _ => (format!("{name}.response"), format!("{name}ResponseBody")),
            };
            let lead = response_lead(route, &group.statuses);
            let path = self.file_for(&group.body, group.value, &stem, title, lead);
            for status in group.statuses {
                responses.insert(status.to_string(), Value::String(path.clone()));
            }
        }
        (responses, content_types)
    }

    /// The file of a wire type whose schema is exactly this JSON body's.
    fn type_file(&self, body: &BodySchema, value: &Value) -> Option<String> {
        if body.media_type != JSON_MEDIA_TYPE {
            return None;
        }
        self.types
            .iter()
            .find(|(_, v)| v == value)
            .map(|(path, _)| path.clone())
    }

    /// The file describing a body: a wire type's file, or a new route file.
    fn file_for(
        &mut self,
        body: &BodySchema,
        value: Value,
        stem: &str,
        title: String,
        lead: String,
    ) -> String {
        if let Some(path) = self.type_file(body, &value) {
            return path;
        }
        let path = format!("{}/routes/{stem}.json", self.registry.protocol);
        let mut schema = Schema::try_from(value).unwrap_or_default();
        let mut description = lead;
        match body.media_type {
            JSON_MEDIA_TYPE => {}
            EVENT_STREAM_MEDIA_TYPE => description.push_str(
                " The body is `text/event-stream`: this schema describes the JSON `data` of \
                 each event.",
            ),
            other => {
                description.push_str(&format!(
                    " The body is `{other}`, not JSON: this schema describes its text as one \
                     JSON string."
                ));
                schema.insert(
                    "contentMediaType".to_owned(),
                    Value::String(other.to_owned()),
                );
            }
        }
        if let Some(own) = schema.get("description").and_then(Value::as_str) {
            description.push_str("\n\n");
            description.push_str(own);
        }
        schema.insert("title".to_owned(), Value::String(title));
        schema.insert("description".to_owned(), Value::String(description));
        let text = finish(schema, &path);
        self.files.push(SchemaFile {
            path: path.clone(),
            text,
        });
        path
    }
}

fn title_suffix(status: ResponseStatus) -> String {
    match status {
        ResponseStatus::Code(code) => code.to_string(),
        ResponseStatus::Default => "Default".to_owned(),
    }
}

fn response_lead(route: Option<&Route>, statuses: &[ResponseStatus]) -> String {
    let codes: Vec<String> = statuses
        .iter()
        .filter_map(|s| match s {
            ResponseStatus::Code(code) => Some(code.to_string()),
            ResponseStatus::Default => None,
        })
        .collect();
    let when = match (
        codes.is_empty(),
        statuses.contains(&ResponseStatus::Default),
    ) {
        (false, false) => format!("status {}", codes.join(", ")),
        (false, true) => format!("status {} and any status not listed", codes.join(", ")),
        (true, _) => "any status not listed".to_owned(),
    };
    match route {
        Some(route) => format!(
            "{} The response body for {when}.",
            plain_doc(route.metadata.description)
        ),
        None => format!("The answer to a request no route matches, for {when}."),
    }
}

/// Keywords whose values are data, not schemas: their `description` members are left alone.
pub(super) const DATA_KEYWORDS: &[&str] = &["const", "enum", "default", "examples"];

/// Keywords whose values map names to schemas.
pub(super) const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Tidies the `description` and `title` of a schema object's entry `key`, recursing into
/// subschemas.
fn clean_entry(key: &str, value: &mut Value) {
    if DATA_KEYWORDS.contains(&key) {
        return;
    }
    match value {
        Value::String(text) if key == "description" || key == "title" => {
            *text = plain_doc(text);
        }
        Value::Object(map) if SCHEMA_MAPS.contains(&key) => {
            map.values_mut().for_each(clean_schema);
        }
        Value::Object(_) => clean_schema(value),
        Value::Array(items) => items.iter_mut().for_each(clean_schema),
        _ => {}
    }
}

/// Tidies the `description` and `title` of every subschema of `value` ([`plain_doc`]).
pub(super) fn clean_schema(value: &mut Value) {
    if let Value::Object(object) = value {
        for (key, value) in object.iter_mut() {
            clean_entry(key, value);
        }
    }
}

/// Rust doc text for readers of the schemas: Rust code examples are dropped, intra-doc links
/// lose their Rust targets (`` [`Peer`](crate::instances::Peer) `` and `` [`Peer`] `` read
/// `` `Peer` ``), links to URLs stay, and surrounding whitespace is trimmed.
pub(super) fn plain_doc(text: &str) -> String {
    let text = without_rust_code(text);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.trim();
    while let Some(open) = rest.find('[') {
        let (before, from) = rest.split_at(open);
        out.push_str(before);
        match link_at(from) {
            Some((label, consumed)) => {
                out.push_str(label);
                rest = from.get(consumed..).unwrap_or_default();
            }
            None => {
                out.push('[');
                rest = from.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// `text` without its Rust code blocks (fenced blocks with no language or a rustdoc one), and
/// without the blank lines they leave.
fn without_rust_code(text: &str) -> String {
    const RUST_INFO: &[&str] = &[
        "rust",
        "ignore",
        "no_run",
        "should_panic",
        "compile_fail",
        "edition2018",
        "edition2021",
        "edition2024",
    ];
    let mut lines: Vec<&str> = Vec::new();
    let mut fence: Option<bool> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            match fence {
                None => {
                    let info = info.trim();
                    let rust = info.is_empty()
                        || info.split(',').all(|attr| RUST_INFO.contains(&attr.trim()));
                    fence = Some(rust);
                    if !rust {
                        lines.push(line);
                    }
                }
                Some(rust) => {
                    fence = None;
                    if !rust {
                        lines.push(line);
                    }
                }
            }
            continue;
        }
        if fence != Some(true) {
            lines.push(line);
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in lines {
        if line.trim().is_empty() {
            blank = true;
            continue;
        }
        if blank && !out.is_empty() {
            out.push('\n');
        }
        blank = false;
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// An intra-doc link at the start of `text` (which starts with `[`): its label and its length.
fn link_at(text: &str) -> Option<(&str, usize)> {
    let close = text.find(']')?;
    let label = text.get(1..close)?;
    if label.is_empty() || label.contains('[') {
        return None;
    }
    let after = text.get(close + 1..).unwrap_or_default();
    if let Some(target) = after.strip_prefix('(') {
        let end = target.find(')')?;
        let target = target.get(..end)?;
        return is_rust_path(target).then_some((label, close + 2 + end + 1));
    }
    // A bare `[`Name`]` link: a code span holding a Rust path.
    let code = label.strip_prefix('`')?.strip_suffix('`')?;
    (is_rust_path(code) && !after.starts_with('[')).then_some((label, close + 1))
}

fn is_rust_path(text: &str) -> bool {
    let text = text.strip_suffix("()").unwrap_or(text);
    !text.is_empty()
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '<' | '>' | '!'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intra_doc_links_lose_their_targets() {
        assert_eq!(
            plain_doc(" See [`Peer`](crate::instances::Peer) and [`expose`](Self::expose). "),
            "See `Peer` and `expose`."
        );
        assert_eq!(plain_doc("A [`Secret`] value"), "A `Secret` value");
        assert_eq!(
            plain_doc("[the docs](https://example.com/x) stay"),
            "[the docs](https://example.com/x) stay"
        );
        assert_eq!(
            plain_doc("`entries[0]` and [1, 2] and `[\"a\"]`"),
            "`entries[0]` and [1, 2] and `[\"a\"]`"
        );
        assert_eq!(plain_doc("[`a.b`] stays"), "[`a.b`] stays");
    }

    #[test]
    fn rust_examples_are_dropped() {
        let doc = "A key.\n\n```\nlet k = Key::new();\n```\n\nIts text:\n\n```json\n\"k\"\n```\n";
        assert_eq!(plain_doc(doc), "A key.\n\nIts text:\n\n```json\n\"k\"\n```");
        assert_eq!(plain_doc("One\nTwo\n\n\nThree"), "One\nTwo\n\nThree");
    }
}

#[cfg(test)]
mod export_tests {
    use http::{Method, StatusCode};
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::endpoint::Metadata;
    use crate::registry::demo::{self, Envelope, Oops};
    use crate::registry::{RouteSchemas, TypeEntry};

    /// A thing (first version).
    #[derive(Serialize, Deserialize, JsonSchema)]
    #[schemars(rename = "Thing")]
    struct ThingV1 {
        /// Its name.
        name: String,
    }

    /// A thing (second version: a field was added to the Rust type).
    #[derive(Serialize, Deserialize, JsonSchema)]
    #[schemars(rename = "Thing")]
    struct ThingV2 {
        /// Its name.
        name: String,
        /// Its size.
        size: u64,
    }

    /// The demo metadata of a route, described with a link.
    fn metadata(name: &'static str, method: Method, path: &'static str) -> Metadata {
        Metadata {
            description: "A route; see [`Thing`](crate::Thing).",
            ..demo::metadata(name, method, path)
        }
    }

    /// A demo route answering `200`.
    fn route(metadata: Metadata, schemas: RouteSchemas) -> Route {
        demo::route(metadata, &[StatusCode::OK], schemas)
    }

    fn registry<T: Serialize + serde::de::DeserializeOwned + JsonSchema>() -> Registry {
        let error = BodySchema::json::<Oops>();
        let mut get = metadata("GetThing", Method::GET, "/things/{id}");
        get.body = BodyKind::Optional;
        Registry {
            protocol: "demo",
            routes: vec![
                route(
                    get,
                    RouteSchemas::new(
                        Some(BodySchema::json::<T>()),
                        &[200, 202],
                        Some(BodySchema::json::<T>()),
                        error,
                    ),
                ),
                route(
                    metadata("ListThings", Method::GET, "/things"),
                    RouteSchemas::new(
                        None,
                        &[200],
                        Some(BodySchema::json::<Envelope<Vec<T>>>()),
                        error,
                    ),
                ),
                route(
                    metadata("DeleteThing", Method::DELETE, "/things/{id}"),
                    RouteSchemas::new(None, &[204], None, error),
                ),
                route(
                    metadata("WatchThings", Method::GET, "/things/events"),
                    RouteSchemas::new(None, &[200], Some(BodySchema::event_stream::<T>()), error),
                ),
                route(
                    metadata("Docs", Method::GET, "/docs"),
                    RouteSchemas::new(None, &[200], Some(BodySchema::text("text/html")), error),
                ),
            ],
            types: vec![TypeEntry::of::<T>(), TypeEntry::of::<Oops>()],
            normalize_path: str::to_owned,
            fallback: |_| None,
            fallback_schemas: vec![(ResponseStatus::Default, Some(error))],
            api: super::super::ApiDescription::new("demo", "1.0.0"),
        }
    }

    fn file(files: &[SchemaFile], path: &str) -> Value {
        let text = files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.text.as_str())
            .unwrap_or_else(|| panic!("no {path}"));
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn index_points_every_body_at_a_file() {
        let files = export_files(&[&registry::<ThingV1>()]);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "demo/Oops.json",
                "demo/Thing.json",
                "demo/routes/Docs.response.json",
                "demo/routes/ListThings.response.json",
                "demo/routes/WatchThings.response.json",
                "index.json",
                "openapi/demo.json",
            ]
        );
        let index = file(&files, "index.json");
        assert_eq!(index["types"]["demo.Thing"], "demo/Thing.json");
        let routes = index["routes"].as_array().unwrap();
        let get = &routes[0];
        assert_eq!(get["path"], "/things/{id}");
        assert_eq!(get["request"], "demo/Thing.json");
        assert_eq!(get["request_optional"], true);
        assert_eq!(
            get["responses"],
            json!({"200": "demo/Thing.json", "202": "demo/Thing.json", "default": "demo/Oops.json"})
        );
        assert_eq!(get["description"], "A route; see `Thing`.");
        assert_eq!(routes[1]["request"], Value::Null);
        assert_eq!(
            routes[1]["responses"]["200"],
            "demo/routes/ListThings.response.json"
        );
        assert_eq!(
            routes[2]["responses"],
            json!({"204": null, "default": "demo/Oops.json"})
        );
        assert_eq!(
            routes[2]["content_types"],
            json!({"default": "application/json"})
        );
        assert_eq!(routes[3]["content_types"]["200"], "text/event-stream");
        assert_eq!(
            index["fallback"]["demo"]["responses"],
            json!({"default": "demo/Oops.json"})
        );

        let list = file(&files, "demo/routes/ListThings.response.json");
        assert_eq!(
            list["$id"],
            format!("{SCHEMA_ID_BASE}/demo/routes/ListThings.response.json")
        );
        assert_eq!(list["title"], "ListThingsResponseBody");
        assert_eq!(
            list["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert!(list["$defs"]["Thing"].is_object());
        let watch = file(&files, "demo/routes/WatchThings.response.json");
        assert!(
            watch["description"].as_str().unwrap().contains(
                "`text/event-stream`: this schema describes the JSON `data` of each event"
            )
        );
        assert_eq!(watch["required"], json!(["name"]));
        let openapi = file(&files, "openapi/demo.json");
        assert_eq!(openapi["openapi"], "3.1.0");
        assert_eq!(
            openapi["paths"]["/things/{id}"]["get"]["operationId"],
            "GetThing"
        );
        let docs = file(&files, "demo/routes/Docs.response.json");
        assert_eq!(docs["type"], "string");
        assert_eq!(docs["contentMediaType"], "text/html");
    }

    #[test]
    fn a_changed_type_changes_its_files_only() {
        let before = export_files(&[&registry::<ThingV1>()]);
        let after = export_files(&[&registry::<ThingV2>()]);
        let changed: Vec<&str> = before
            .iter()
            .zip(&after)
            .filter(|(a, b)| {
                assert_eq!(a.path, b.path);
                a.text != b.text
            })
            .map(|(a, _)| a.path.as_str())
            .collect();
        // The type's own file, the route bodies that contain it, and the OpenAPI document.
        assert_eq!(
            changed,
            [
                "demo/Thing.json",
                "demo/routes/ListThings.response.json",
                "demo/routes/WatchThings.response.json",
                "openapi/demo.json",
            ]
        );
    }

    #[test]
    fn distinct_bodies_of_one_route_get_one_file_each() {
        let error = BodySchema::json::<Oops>();
        let mut registry = registry::<ThingV1>();
        registry.routes = vec![route(
            metadata("Ready", Method::GET, "/ready"),
            RouteSchemas {
                request: None,
                responses: vec![
                    (ResponseStatus::Default, Some(error)),
                    (
                        ResponseStatus::Code(503),
                        Some(BodySchema::new(
                            JSON_MEDIA_TYPE,
                            crate::registry::any_of::<Envelope<ThingV1>, Oops>,
                        )),
                    ),
                    (
                        ResponseStatus::Code(200),
                        Some(BodySchema::json::<Envelope<ThingV1>>()),
                    ),
                ],
            },
        )];
        let files = export_files(&[&registry]);
        let index = file(&files, "index.json");
        assert_eq!(
            index["routes"][0]["responses"],
            json!({
                "200": "demo/routes/Ready.response.200.json",
                "503": "demo/routes/Ready.response.503.json",
                "default": "demo/Oops.json",
            })
        );
        let either = file(&files, "demo/routes/Ready.response.503.json");
        assert_eq!(either["title"], "ReadyResponseBody503");
        assert_eq!(either["anyOf"].as_array().map(Vec::len), Some(2));
    }
}
