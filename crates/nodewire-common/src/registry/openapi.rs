//! The OpenAPI 3.1 document of a protocol, built from its [`Registry`]: what
//! `nodewire schemas export` writes to `schemas/openapi/<protocol>.json`.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::export::plain_doc;
use super::{
    BodySchema, EVENT_STREAM_MEDIA_TYPE, JSON_MEDIA_TYPE, Registry, ResponseSchemas,
    ResponseStatus, Route, SecurityKind, Server,
};
use crate::BodyKind;
use crate::endpoint::{Metadata, Parameter, ParameterLocation};

mod components;
mod print;
#[cfg(test)]
mod tests;
mod text;

use components::{Components, Root, reference, sanitize};
use text::{status_description, summary};

/// The OpenAPI release the documents follow.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// The directory of the OpenAPI documents in the schemas directory: `openapi/<protocol>.json`.
pub const OPENAPI_DIR: &str = "openapi";

/// A protocol's OpenAPI document ([`Registry::openapi`]):
///
/// - `info` and `servers` come from [`Registry::api`] (a document without a server says `/`);
///   the credentials become `components/securitySchemes`, any one of which the document
///   requires (`security`), except on [`public`](crate::registry::Route::public) routes
///   (`security: []`). An API without credentials says `security: []` at the top.
/// - `paths` holds one operation per route, under its path template: `operationId` is the
///   endpoint's name, `summary` and `description` come from its Rust docs, `parameters` are
///   its `{name}` path segments (a string unless the route declares them) and its declared
///   query parameters, `requestBody` is its JSON body (`required` unless the body is
///   optional), and `responses` holds every status of its
///   [`RouteSchemas`](crate::registry::RouteSchemas), `default` standing for any status not listed. A
///   route that answers any other status with the error body also lists it under `4XX`.
/// - A `text/event-stream` response's schema is that of each event's `data`, parsed as JSON,
///   which its description says and its media type's `x-event-data: true` marks; a text body
///   (`text/plain`, `text/html`) has a string schema.
/// - Every wire type is `components/schemas/<Type>`; the `$defs` of every schema are
///   hoisted there and each `$ref` points at `#/components/schemas/<Name>`; a body whose
///   schema is a wire type's refers to it, any other is written in place. Names are made of
///   `A-Z a-z 0-9 . - _` (`SuccessResponse<UserInfo>` is `SuccessResponse_UserInfo`).
/// - OpenAPI has no field for the rest, so extensions carry it: `x-aliases` (other
///   templates the server routes to the same handler), `x-added-in`, `x-deprecated-in` and
///   `x-removed-in` (the upstream releases of [`Route::history`](crate::registry::Route::history);
///   a deprecated route is also `deprecated: true`), and at the top `x-fallback`, the
///   responses to a request no route matches.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenApi {
    /// The document.
    pub document: Value,
    /// What the document could not say as the registry does, one line each: a schema that
    /// took another name because a different schema had its own, a route whose method and
    /// path another route has already. Empty for a sound registry.
    pub conflicts: Vec<String>,
}

impl OpenApi {
    /// The document as pretty-printed JSON and a newline, its keys in reading order
    /// (`openapi`, `info`, `servers`, `security`, `paths`, `components`; names sorted).
    pub fn to_json(&self) -> String {
        let mut text =
            serde_json::to_string_pretty(&print::Ordered::new(&self.document)).unwrap_or_default();
        text.push('\n');
        text
    }
}

impl Registry {
    /// The OpenAPI 3.1 document of the protocol: every route, wire type, credential and
    /// default server ([`OpenApi`] says what goes where).
    ///
    /// ```
    /// use nodewire_common::registry::{ApiDescription, Registry};
    ///
    /// let registry = Registry {
    ///     protocol: "demo",
    ///     routes: Vec::new(),
    ///     types: Vec::new(),
    ///     normalize_path: str::to_owned,
    ///     fallback: |_| None,
    ///     fallback_schemas: Vec::new(),
    ///     api: ApiDescription::new("Demo API", "1.2.3"),
    /// };
    /// let openapi = registry.openapi();
    /// assert_eq!(openapi.document["openapi"], "3.1.0");
    /// assert_eq!(openapi.document["info"]["version"], "1.2.3");
    /// assert!(openapi.conflicts.is_empty());
    /// assert!(openapi.to_json().starts_with("{\n  \"openapi\": \"3.1.0\",\n  \"info\""));
    /// ```
    pub fn openapi(&self) -> OpenApi {
        Builder::new(self).document()
    }
}

struct Builder<'a> {
    registry: &'a Registry,
    components: Components,
    /// The schema of each wire type and its component's name.
    types: Vec<(Value, String)>,
    operation_ids: BTreeSet<String>,
    conflicts: Vec<String>,
}

impl<'a> Builder<'a> {
    fn new(registry: &'a Registry) -> Self {
        let mut components = Components::default();
        let types = registry
            .types
            .iter()
            .map(|t| {
                let value = (t.schema)().to_value();
                let from = format!("the wire type `{}`", t.name);
                let placed = components.add(value.clone(), Root::Named(&t.name), &from);
                let name = placed
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix(components::COMPONENTS))
                    .map_or_else(|| sanitize(&t.name), str::to_owned);
                (value, name)
            })
            .collect();
        Self {
            registry,
            components,
            types,
            operation_ids: BTreeSet::new(),
            conflicts: Vec::new(),
        }
    }

    fn document(mut self) -> OpenApi {
        let api = self.registry.api;
        let mut paths = Map::new();
        for route in &self.registry.routes {
            let m = &route.metadata;
            let operation = self.operation(route);
            let item = paths
                .entry(m.path.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            let method = method_key(m);
            match item.as_object_mut() {
                Some(item) if !item.contains_key(&method) => {
                    item.insert(method, operation);
                }
                _ => self.conflicts.push(format!(
                    "`{}` ({} {}): another route has this method and path; left out",
                    m.name, m.method, m.path
                )),
            }
        }
        let registry = self.registry;
        let fallback = self.responses(None, &registry.fallback_schemas);
        let mut info = json!({ "title": api.title, "version": api.version });
        let description = plain_doc(api.description);
        if !description.is_empty() {
            set(&mut info, "description", Value::String(description));
        }
        let servers = if api.servers.is_empty() {
            json!([{ "url": "/" }])
        } else {
            servers(api.servers)
        };
        let mut schemes = Map::new();
        for scheme in api.security {
            let value = match scheme.kind {
                SecurityKind::Header(name) => {
                    json!({ "type": "apiKey", "in": "header", "name": name })
                }
                SecurityKind::Basic => json!({ "type": "http", "scheme": "basic" }),
                SecurityKind::Bearer => json!({ "type": "http", "scheme": "bearer" }),
            };
            schemes.insert(
                scheme.name.to_owned(),
                with_description(value, scheme.description),
            );
        }
        let security: Vec<Value> = api.security.iter().map(|s| json!({ s.name: [] })).collect();
        let mut components = json!({ "schemas": self.components.schemas });
        if !schemes.is_empty() {
            set(&mut components, "securitySchemes", Value::Object(schemes));
        }
        let document = json!({
            "openapi": OPENAPI_VERSION,
            "info": info,
            "servers": servers,
            "security": security,
            "paths": paths,
            "components": components,
            "x-fallback": {
                "description": "The answers to a request no route matches.",
                "responses": fallback,
            },
        });
        let mut conflicts = self.components.conflicts;
        conflicts.extend(self.conflicts);
        OpenApi {
            document,
            conflicts,
        }
    }

    fn operation(&mut self, route: &Route) -> Value {
        let m = &route.metadata;
        let doc = plain_doc(m.description);
        let mut operation = Map::new();
        operation.insert("operationId".into(), Value::String(self.operation_id(m)));
        operation.insert("summary".into(), Value::String(summary(&doc, m)));
        let mut description = doc;
        if !m.aliases.is_empty() {
            let aliases: Vec<String> = m.aliases.iter().map(|a| format!("`{a}`")).collect();
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(&format!("Also served at {}.", aliases.join(", ")));
            operation.insert("x-aliases".into(), json!(m.aliases));
        }
        if !description.is_empty() {
            operation.insert("description".into(), Value::String(description));
        }
        let parameters = self.parameters(route);
        if !parameters.is_empty() {
            operation.insert("parameters".into(), Value::Array(parameters));
        }
        if let Some(body) = &route.schemas.request {
            let hint = format!("{}RequestBody", m.name);
            let schema = self.body_schema(body, &hint);
            let optional = m.body == BodyKind::Optional;
            let text = if optional {
                "The request body; it may be empty."
            } else {
                "The request body."
            };
            operation.insert(
                "requestBody".into(),
                json!({
                    "description": text,
                    "required": !optional,
                    "content": { body.media_type: { "schema": schema } },
                }),
            );
        }
        let responses = self.responses(Some(route), &route.schemas.responses);
        operation.insert("responses".into(), Value::Object(responses));
        if !route.servers.is_empty() {
            operation.insert("servers".into(), servers(route.servers));
        }
        if route.public && !self.registry.api.security.is_empty() {
            operation.insert("security".into(), json!([]));
        }
        let history = route.history;
        if history.deprecated.is_some() {
            operation.insert("deprecated".into(), Value::Bool(true));
        }
        for (key, release) in [
            ("x-added-in", history.added),
            ("x-deprecated-in", history.deprecated),
            ("x-removed-in", history.removed),
        ] {
            if let Some(release) = release {
                operation.insert(key.into(), Value::String(release.to_owned()));
            }
        }
        Value::Object(operation)
    }

    /// The endpoint's name, or the name with the first free `_2`, `_3`… suffix.
    fn operation_id(&mut self, m: &Metadata) -> String {
        let mut id = sanitize(m.name);
        let mut n = 1;
        while self.operation_ids.contains(&id) {
            n += 1;
            id = format!("{}_{n}", sanitize(m.name));
        }
        if n > 1 {
            self.conflicts.push(format!(
                "`{}` ({} {}): another route has this name; operationId `{id}`",
                m.name, m.method, m.path
            ));
        }
        self.operation_ids.insert(id.clone());
        id
    }

    /// The path parameters in template order (declared, or strings), then the declared
    /// query parameters, then any declared path parameter the template lacks (which a
    /// linter reports).
    fn parameters(&mut self, route: &Route) -> Vec<Value> {
        let m = &route.metadata;
        let declared = route.parameters;
        let segments: Vec<&str> = m
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        let mut out = Vec::new();
        for name in &segments {
            match declared
                .iter()
                .find(|p| p.location == ParameterLocation::Path && p.name == *name)
            {
                Some(parameter) => out.push(self.parameter(m, parameter)),
                None => out.push(json!({
                    "name": name,
                    "in": "path",
                    "required": true,
                    "schema": { "type": "string" },
                })),
            }
        }
        for parameter in declared {
            let in_template = segments.contains(&parameter.name);
            if parameter.location == ParameterLocation::Query || !in_template {
                out.push(self.parameter(m, parameter));
            }
        }
        out
    }

    fn parameter(&mut self, m: &Metadata, parameter: &Parameter) -> Value {
        let hint = format!("{}Parameter{}", m.name, parameter.name);
        let schema = self.schema((parameter.schema)().to_value(), &hint);
        let value = json!({
            "name": parameter.name,
            "in": parameter.location.as_str(),
            "required": parameter.required || parameter.location == ParameterLocation::Path,
            "schema": schema,
        });
        with_description(value, &plain_doc(parameter.description))
    }

    /// The Responses Object of a route (or, for `None`, of the fallback).
    fn responses(
        &mut self,
        route: Option<&Route>,
        schemas: &ResponseSchemas,
    ) -> Map<String, Value> {
        let mut sorted: Vec<&(ResponseStatus, Option<BodySchema>)> = schemas.iter().collect();
        sorted.sort_by_key(|(status, _)| *status);
        let name = route.map_or("Fallback", |r| r.metadata.name);
        let several = sorted.iter().filter(|(_, body)| body.is_some()).count() > 1;
        let mut out = Map::new();
        for (status, body) in sorted {
            let mut response = Map::new();
            let mut description = status_description(route, *status, body.is_some());
            if let Some(body) = body {
                let hint = match status {
                    _ if !several => format!("{name}ResponseBody"),
                    ResponseStatus::Code(code) => format!("{name}ResponseBody{code}"),
                    ResponseStatus::Default => format!("{name}ResponseBodyDefault"),
                };
                let schema = self.body_schema(body, &hint);
                let mut media = json!({ "schema": schema });
                match body.media_type {
                    JSON_MEDIA_TYPE => {}
                    EVENT_STREAM_MEDIA_TYPE => {
                        description.push_str(
                            " The body is a `text/event-stream`: the `data` of each event is \
                             JSON of this schema.",
                        );
                        set(&mut media, "x-event-data", Value::Bool(true));
                    }
                    other => description.push_str(&format!(" The body is `{other}` text.")),
                }
                response.insert("content".into(), json!({ body.media_type: media }));
            }
            response.insert("description".into(), Value::String(description));
            out.insert(status.to_string(), Value::Object(response));
        }
        let refused = schemas.iter().any(
            |(status, _)| matches!(status, ResponseStatus::Code(code) if (400..500).contains(code)),
        );
        if let Some(Value::Object(default)) = out.get("default")
            && default.contains_key("content")
            && !refused
        {
            let mut client = default.clone();
            client.insert(
                "description".into(),
                Value::String("Any `4xx` status not listed: the error body.".into()),
            );
            out.insert("4XX".into(), Value::Object(client));
        }
        out
    }

    /// The schema of a body: a reference to the wire type it is, or written in place.
    fn body_schema(&mut self, body: &BodySchema, hint: &str) -> Value {
        self.schema((body.schema)().to_value(), hint)
    }

    /// A schema for the document: a reference to the wire type it is, or `value` with its
    /// definitions hoisted (`hint` names it if it refers to itself).
    fn schema(&mut self, value: Value, hint: &str) -> Value {
        if let Some((_, name)) = self.types.iter().find(|(v, _)| *v == value) {
            return reference(name);
        }
        let from = format!("`{hint}`");
        self.components.add(value, Root::Inline(hint), &from)
    }
}

/// The path item key of a route's method (`get`); a method OpenAPI has no field for is an
/// `x-` extension.
/// The `servers` list of a document or an operation.
fn servers(servers: &[Server]) -> Value {
    servers
        .iter()
        .map(|s| with_description(json!({ "url": s.url }), s.description))
        .collect()
}

fn method_key(m: &Metadata) -> String {
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let method = m.method.as_str().to_ascii_lowercase();
    if METHODS.contains(&method.as_str()) {
        method
    } else {
        format!("x-{method}")
    }
}

/// Sets `key` of the object `value` (anything else is left alone).
fn set(value: &mut Value, key: &str, to: Value) {
    if let Some(object) = value.as_object_mut() {
        object.insert(key.to_owned(), to);
    }
}

/// `value` with `description` when there is one.
fn with_description(mut value: Value, description: &str) -> Value {
    if !description.is_empty() {
        set(
            &mut value,
            "description",
            Value::String(description.to_owned()),
        );
    }
    value
}
