#!/usr/bin/env python3
"""Distils the zero-net-panel kernel's core.yaml into tests/core_facts.json.

Usage: python3 gen_core_facts.py <path/to/core.yaml> > core_facts.json

The facts hold, for every component schema, its kind (object, string enum or oneOf), its
properties with a normalized type descriptor, the required set and the enum labels; and for
every operation, the method, path, declared path and query parameters, the request body and
every response (media type and schema). The conformance test (tests/conformance.rs) compares
the crate's exported JSON Schemas and endpoint table with this file, so it runs without the
upstream file.
"""

import hashlib
import json
import sys

import yaml

REF_PREFIX = "#/components/schemas/"
METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]


def describe(schema):
    """A normalized type descriptor of a property or item schema."""
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith(REF_PREFIX), ref
        out = {"ref": ref[len(REF_PREFIX):]}
    elif "oneOf" in schema:
        out = {"oneOf": [describe_component(v) for v in schema["oneOf"]]}
    else:
        kind = schema.get("type")
        if kind == "array":
            out = {"type": "array", "items": describe(schema["items"])}
        elif kind == "object" and isinstance(schema.get("additionalProperties"), dict):
            out = {"type": "map", "values": describe(schema["additionalProperties"])}
        elif kind == "object" and "properties" in schema:
            out = describe_component(schema)
        elif kind in ("string", "integer", "boolean", "number", "object"):
            out = {"type": kind}
            if "enum" in schema:
                out["enum"] = [str(v) for v in schema["enum"]]
        else:
            raise ValueError(f"unsupported schema: {schema}")
    if schema.get("nullable"):
        out["nullable"] = True
    return out


def describe_component(schema):
    """The facts of a component schema (or of an inline object / oneOf branch)."""
    if "oneOf" in schema:
        return {"kind": "oneOf", "variants": [describe_component(v) for v in schema["oneOf"]]}
    kind = schema.get("type")
    if kind == "string" and "enum" in schema:
        return {"kind": "enum", "enum": [str(v) for v in schema["enum"]]}
    if kind == "object":
        props = schema.get("properties", {})
        out = {
            "kind": "object",
            "properties": {name: describe(p) for name, p in props.items()},
            "required": sorted(schema.get("required", [])),
        }
        if schema.get("additionalProperties") is False:
            out["additional_properties"] = False
        return out
    raise ValueError(f"unsupported component: {schema}")


def body(content):
    """Media type and schema descriptor of a request or response body, or None."""
    if not content:
        return None
    (media, spec), = content.items()
    return {"media_type": media, "schema": describe(spec["schema"])}


def main():
    path = sys.argv[1]
    raw = open(path, "rb").read()
    doc = yaml.safe_load(raw)
    components = doc["components"]
    shared_responses = components.get("responses", {})

    schemas = {name: describe_component(s) for name, s in components["schemas"].items()}

    operations = []
    for template, item in doc["paths"].items():
        path_level = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = path_level + op.get("parameters", [])
            path_params = [p["name"] for p in params if p["in"] == "path"]
            query = [
                {
                    "name": p["name"],
                    "required": bool(p.get("required", False)),
                    "schema": describe(p["schema"]),
                }
                for p in params
                if p["in"] == "query"
            ]
            request = None
            if "requestBody" in op:
                rb = op["requestBody"]
                request = body(rb["content"])
                request["required"] = bool(rb.get("required", False))
            responses = {}
            for status, resp in op["responses"].items():
                if "$ref" in resp:
                    resp = shared_responses[resp["$ref"].split("/")[-1]]
                responses[str(status)] = body(resp.get("content"))
            operations.append(
                {
                    "method": method.upper(),
                    "path": template,
                    "path_params": path_params,
                    "query": query,
                    "request": request,
                    "responses": responses,
                    "auth": op.get("security", doc.get("security")) != [],
                }
            )

    facts = {
        "source": {
            "title": doc["info"]["title"],
            "version": doc["info"]["version"],
            "openapi": doc["openapi"],
            "sha256": hashlib.sha256(raw).hexdigest(),
        },
        "schemas": schemas,
        "operations": operations,
    }
    json.dump(facts, sys.stdout, indent=1, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
