use http::{Method, StatusCode};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::components::sanitize;
use crate::BodyKind;
use crate::endpoint::Parameter;
use crate::registry::demo::{Envelope, Oops, metadata, route};
use crate::registry::{
    ApiDescription, BodySchema, Registry, ResponseStatus, RouteSchemas, SecurityKind,
    SecurityScheme, Server, TypeEntry,
};
use crate::version::VersionHistory;

/// A thing; see [`Oops`](crate::Oops).
#[derive(Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Thing")]
struct Thing {
    /// Its name.
    name: String,
}

/// Another thing of the same name.
#[derive(Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Thing")]
struct OtherThing {
    /// Its size.
    size: u64,
}

/// A tree: a name and the trees below it.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Tree {
    /// Its name.
    name: String,
    /// The trees below it.
    children: Vec<Tree>,
}

const LIMIT: Parameter = Parameter::query::<u32>("limit", "How many at most.");
const ID: Parameter = Parameter::path::<u64>("id", "The thing's id.");

const SECURITY: &[SecurityScheme] = &[
    SecurityScheme {
        name: "apiKey",
        kind: SecurityKind::Header("X-API-Key"),
        description: "The key the server was started with.",
    },
    SecurityScheme {
        name: "bearer",
        kind: SecurityKind::Bearer,
        description: "",
    },
    SecurityScheme {
        name: "basic",
        kind: SecurityKind::Basic,
        description: "",
    },
];

fn registry() -> Registry {
    let error = BodySchema::json::<Oops>();
    let ok = &[StatusCode::OK];
    let mut get = metadata("GetThing", Method::GET, "/things/{id}");
    get.description = "`GET /things/{id}`: one thing, by [`Thing`](crate::Thing) id. More.";
    get.aliases = &["/thing/{id}"];
    let mut get = route(
        get,
        ok,
        RouteSchemas::new(None, &[200], Some(BodySchema::json::<Thing>()), error),
    );
    get.parameters = &[ID];
    get.history = VersionHistory {
        added: Some("1.1"),
        deprecated: Some("1.4"),
        removed: None,
    };
    let mut list = route(
        metadata("ListThings", Method::GET, "/things"),
        ok,
        RouteSchemas::new(
            None,
            &[200],
            Some(BodySchema::json::<Envelope<Vec<Thing>>>()),
            error,
        ),
    );
    list.parameters = &[LIMIT];
    let mut create = metadata("CreateThing", Method::POST, "/things");
    create.body = BodyKind::Required;
    create.description = "Create a thing.";
    let mut patch = metadata("PatchThing", Method::PATCH, "/things/{id}");
    patch.body = BodyKind::Optional;
    let mut docs = route(
        metadata("Docs", Method::GET, "/docs"),
        ok,
        RouteSchemas::new(None, &[200], Some(BodySchema::text("text/html")), error),
    );
    docs.public = true;
    Registry {
        protocol: "demo",
        routes: vec![
            get,
            list,
            route(
                create,
                &[StatusCode::CREATED],
                RouteSchemas::new(
                    Some(BodySchema::json::<Thing>()),
                    &[201],
                    Some(BodySchema::json::<Envelope<Thing>>()),
                    error,
                ),
            ),
            route(
                patch,
                ok,
                RouteSchemas::new(
                    Some(BodySchema::json::<Envelope<Tree>>()),
                    &[200],
                    Some(BodySchema::json::<Vec<Tree>>()),
                    error,
                ),
            ),
            route(
                metadata("DeleteThing", Method::DELETE, "/things/{id}"),
                &[StatusCode::NO_CONTENT],
                RouteSchemas::new(None, &[204], None, error),
            ),
            route(
                metadata("WatchThings", Method::GET, "/things/events"),
                ok,
                RouteSchemas::new(
                    None,
                    &[200],
                    Some(BodySchema::event_stream::<Thing>()),
                    error,
                ),
            ),
            docs,
        ],
        types: vec![
            TypeEntry::of::<Thing>(),
            TypeEntry::of::<Oops>(),
            TypeEntry::of::<Tree>(),
        ],
        normalize_path: str::to_owned,
        fallback: |_| None,
        fallback_schemas: vec![(ResponseStatus::Default, Some(error))],
        api: ApiDescription {
            title: "Demo API",
            version: "1.4.0",
            description: "The demo; see [`Thing`](crate::Thing).",
            servers: &[Server {
                url: "http://127.0.0.1:9090/api",
                description: "The default listener.",
            }],
            security: SECURITY,
        },
    }
}

fn operation<'a>(document: &'a Value, path: &str, method: &str) -> &'a Value {
    let pointer = format!("/paths/{}/{method}", path.replace('/', "~1"));
    document
        .pointer(&pointer)
        .unwrap_or_else(|| panic!("no {method} {path}"))
}

/// Every `$ref` in `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(target)) = object.get("$ref") {
                out.push(target.clone());
            }
            object.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn the_document_says_what_the_registry_does() {
    let openapi = registry().openapi();
    assert_eq!(openapi.conflicts, Vec::<String>::new());
    let doc = &openapi.document;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["info"],
        json!({"title": "Demo API", "version": "1.4.0", "description": "The demo; see `Thing`."})
    );
    assert_eq!(
        doc["servers"],
        json!([{"url": "http://127.0.0.1:9090/api", "description": "The default listener."}])
    );

    // Security: each scheme, any one of them, none on the public route.
    assert_eq!(
        doc["components"]["securitySchemes"],
        json!({
            "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
                       "description": "The key the server was started with."},
            "bearer": {"type": "http", "scheme": "bearer"},
            "basic": {"type": "http", "scheme": "basic"},
        })
    );
    assert_eq!(
        doc["security"],
        json!([{"apiKey": []}, {"bearer": []}, {"basic": []}])
    );
    assert_eq!(operation(doc, "/docs", "get")["security"], json!([]));
    assert!(operation(doc, "/things", "get").get("security").is_none());

    // A route's facts, its declared path parameter and its history.
    let get = operation(doc, "/things/{id}", "get");
    assert_eq!(get["operationId"], "GetThing");
    assert_eq!(get["summary"], "One thing, by `Thing` id");
    assert_eq!(
        get["description"],
        "`GET /things/{id}`: one thing, by `Thing` id. More.\n\nAlso served at `/thing/{id}`."
    );
    assert_eq!(get["x-aliases"], json!(["/thing/{id}"]));
    assert_eq!(get["deprecated"], true);
    assert_eq!(get["x-added-in"], "1.1");
    assert_eq!(get["x-deprecated-in"], "1.4");
    assert_eq!(
        get["parameters"],
        json!([{"name": "id", "in": "path", "required": true, "description": "The thing's id.",
                "schema": {"type": "integer", "format": "uint64", "minimum": 0}}])
    );
    assert_eq!(
        get["responses"]["200"],
        json!({"description": "OK.", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Thing"}}}})
    );
    assert_eq!(
        get["responses"]["default"],
        json!({"description": "Any other status: the error body.",
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Oops"}}}})
    );
    assert_eq!(
        get["responses"]["4XX"]["content"],
        get["responses"]["default"]["content"]
    );

    // An undeclared path parameter is a string; a declared query parameter is listed.
    assert_eq!(
        operation(doc, "/things/{id}", "delete")["parameters"],
        json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
    );
    let list = operation(doc, "/things", "get");
    assert_eq!(
        list["parameters"],
        json!([{"name": "limit", "in": "query", "required": false,
                "description": "How many at most.",
                "schema": {"type": "integer", "format": "uint32", "minimum": 0}}])
    );
    assert_eq!(list["summary"], "List things");

    // A body no wire type describes is written in place, its definitions hoisted.
    let envelope = &list["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(
        envelope["properties"]["data"]["items"],
        json!({"$ref": "#/components/schemas/Thing"})
    );
    assert!(envelope.get("$defs").is_none());
    assert!(envelope.get("$schema").is_none());
    assert!(envelope.get("title").is_none());

    // Request bodies: required or not.
    let create = operation(doc, "/things", "post");
    assert_eq!(create["requestBody"]["required"], true);
    assert_eq!(
        create["requestBody"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Thing"})
    );
    assert_eq!(create["responses"]["201"]["description"], "Created.");
    assert_eq!(
        operation(doc, "/things/{id}", "patch")["requestBody"]["required"],
        false
    );

    // 204: no content.
    let delete = operation(doc, "/things/{id}", "delete");
    assert_eq!(
        delete["responses"]["204"],
        json!({"description": "No Content: no body."})
    );

    // An event stream: the schema of each event's data; a text body: a string.
    let watch = &operation(doc, "/things/events", "get")["responses"]["200"];
    assert_eq!(
        watch["content"],
        json!({"text/event-stream": {"schema": {"$ref": "#/components/schemas/Thing"},
                                     "x-event-data": true}})
    );
    assert!(
        watch["description"]
            .as_str()
            .unwrap()
            .contains("the `data` of each event is JSON of this schema")
    );
    assert_eq!(
        operation(doc, "/docs", "get")["responses"]["200"]["content"],
        json!({"text/html": {"schema": {"type": "string"}}})
    );

    // The fallback.
    assert_eq!(
        doc["x-fallback"]["responses"]["default"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Oops"})
    );
}

#[test]
fn components_are_self_contained() {
    let doc = registry().openapi().document;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let names: Vec<&str> = schemas.keys().map(String::as_str).collect();
    assert_eq!(names, ["Oops", "Thing", "Tree"]);
    // The wire type's own title and `$schema` are gone; descriptions are plain.
    assert_eq!(
        schemas["Thing"],
        json!({"description": "A thing; see `Oops`.", "type": "object",
               "properties": {"name": {"description": "Its name.", "type": "string"}},
               "required": ["name"]})
    );
    // A recursive type refers to its component, not to `#`.
    assert_eq!(
        schemas["Tree"]["properties"]["children"]["items"],
        json!({"$ref": "#/components/schemas/Tree"})
    );
    // Every reference resolves inside the document.
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 10);
    for target in all {
        let pointer = target.strip_prefix('#').unwrap();
        assert!(doc.pointer(pointer).is_some(), "{target} does not resolve");
    }
}

#[test]
fn a_different_schema_of_a_taken_name_is_renamed_and_reported() {
    let mut registry = registry();
    registry.routes.push(route(
        metadata("GetOther", Method::GET, "/other"),
        &[StatusCode::OK],
        RouteSchemas::new(
            None,
            &[200],
            Some(BodySchema::json::<Envelope<OtherThing>>()),
            BodySchema::json::<Oops>(),
        ),
    ));
    let openapi = registry.openapi();
    assert_eq!(openapi.conflicts.len(), 1, "{:?}", openapi.conflicts);
    assert!(openapi.conflicts[0].contains("`Thing`"));
    let doc = &openapi.document;
    assert_eq!(
        doc["components"]["schemas"]["Thing_2"]["required"],
        json!(["size"])
    );
    assert_eq!(
        doc["components"]["schemas"]["Thing"]["required"],
        json!(["name"])
    );
    let schema = &operation(doc, "/other", "get")["responses"]["200"]["content"]["application/json"]
        ["schema"];
    assert_eq!(
        schema["properties"]["data"],
        json!({"$ref": "#/components/schemas/Thing_2", "description": "The data."})
    );
}

#[test]
fn names_are_made_valid() {
    assert_eq!(
        sanitize("SuccessResponse<UserInfo>"),
        "SuccessResponse_UserInfo"
    );
    assert_eq!(
        sanitize("Map<String, Vec<Patch<u8>>>"),
        "Map_String_Vec_Patch_u8"
    );
    assert_eq!(sanitize("a.b-c_d"), "a.b-c_d");
    assert_eq!(sanitize("<>"), "Schema");

    // A wire type named with `<>` is a valid component, and references to it follow.
    let mut registry = registry();
    registry.types.push(TypeEntry {
        name: "Envelope<Thing>".into(),
        ..TypeEntry::of::<Envelope<Thing>>()
    });
    let doc = registry.openapi().document;
    assert!(doc["components"]["schemas"]["Envelope_Thing"].is_object());
    assert_eq!(
        operation(&doc, "/things", "post")["responses"]["201"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Envelope_Thing"})
    );
}

#[test]
fn an_api_without_credentials_or_servers_is_still_complete() {
    let mut registry = registry();
    registry.api = ApiDescription::new("demo", "0.0.0");
    let doc = registry.openapi().document;
    assert_eq!(doc["servers"], json!([{"url": "/"}]));
    assert_eq!(doc["security"], json!([]));
    assert!(doc["components"].get("securitySchemes").is_none());
    assert!(operation(&doc, "/docs", "get").get("security").is_none());
}

#[test]
fn printing_is_ordered_and_stable() {
    let openapi = registry().openapi();
    let text = openapi.to_json();
    assert!(text.ends_with("}\n"));
    assert_eq!(text, registry().openapi().to_json());
    let position = |needle: &str| text.find(needle).unwrap();
    assert!(position("\"openapi\"") < position("\"info\""));
    assert!(position("\"info\"") < position("\"servers\""));
    assert!(position("\"servers\"") < position("\"paths\""));
    assert!(position("\"paths\"") < position("\"components\""));
    assert!(position("\"/docs\"") < position("\"/things\""));
    let reparsed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(reparsed, openapi.document);
}
