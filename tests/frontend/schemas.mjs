// Loading nodewire's exported JSON Schemas in JavaScript: an ajv (draft 2020-12) instance that
// knows every schema file and every format the schemas use, and route lookup through
// schemas/index.json. docs/frontend.md walks through the same steps.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/** The repository root (this file is tests/frontend/schemas.mjs). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The exported schemas directory. */
export const schemasDir = join(repoRoot, "schemas");

/** schemas/index.json. */
export function loadIndex(dir = schemasDir) {
  return JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
}

/** Every schema file the index names (types, route bodies, fallbacks), sorted. */
export function indexedFiles(index) {
  const files = new Set(Object.values(index.types));
  for (const route of index.routes) {
    if (route.request) files.add(route.request);
    for (const file of Object.values(route.responses)) if (file) files.add(file);
  }
  for (const fallback of Object.values(index.fallback)) {
    for (const file of Object.values(fallback.responses)) if (file) files.add(file);
  }
  return [...files].sort();
}

// Rust integer widths: schemars writes them as `format`s next to `minimum`/`maximum`.
// ajv-formats already knows int32, int64, float and double.
const INTEGER_FORMATS = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  // JSON numbers above 2^53 lose precision in JavaScript but are still integers.
  uint64: [0, Infinity],
  uint: [0, Infinity],
  int: [-Infinity, Infinity],
};

/**
 * An ajv instance with every schema file of `dir` added under its `$id`.
 * Returns `{ ajv, index, validator(file) }`; `validator` compiles (once) the schema of a file
 * named in the index (`"telemt/UserInfo.json"`).
 */
export function createValidator(dir = schemasDir) {
  // Strict mode, except `strictRequired`: an `anyOf` branch may list required properties that
  // its parent schema defines.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
  });
  addFormats(ajv);
  for (const [name, [min, max]] of Object.entries(INTEGER_FORMATS)) {
    ajv.addFormat(name, {
      type: "number",
      validate: (n) => Number.isInteger(n) && n >= min && n <= max,
    });
  }
  const index = loadIndex(dir);
  const ids = new Map();
  for (const file of indexedFiles(index)) {
    const schema = JSON.parse(readFileSync(join(dir, file), "utf8"));
    ajv.addSchema(schema);
    ids.set(file, schema.$id);
  }
  // Compile every schema now, so a schema no fixture reaches is still checked.
  for (const [file, id] of ids) {
    try {
      ajv.getSchema(id);
    } catch (e) {
      throw new Error(`${file}: ${e.message}`);
    }
  }
  const validator = (file) => {
    const id = ids.get(file);
    const validate = id && ajv.getSchema(id);
    if (!validate) throw new Error(`no schema for ${file}`);
    return validate;
  };
  return { ajv, index, validator };
}

/** First path segments of a protocol's route templates (`instances`, `v1`, `node`). */
function routeRoots(index, protocol) {
  return new Set(
    index.routes.filter((r) => r.protocol === protocol).map((r) => r.path.split("/")[1]),
  );
}

/**
 * A concrete path as each server routes it: telemt trims trailing slashes, Core matches
 * case-insensitively and ignores one trailing slash, and NodePass serves its routes under an
 * API base ending in `/v1` (`/api/v1/instances` is the route `/instances`).
 */
export function normalizePath(index, protocol, path) {
  path = path.split("?")[0];
  switch (protocol) {
    case "telemt":
      return path.length > 1 ? path.replace(/\/+$/, "") : path;
    case "core":
      return (path.length > 1 ? path.replace(/\/$/, "") : path).toLowerCase();
    case "nodepass": {
      const roots = routeRoots(index, protocol);
      let from = 0;
      for (;;) {
        const i = path.indexOf("/v1/", from);
        // The MCP endpoint: any prefix plus `/v2`.
        if (i < 0) return path.endsWith("/v2") ? "/v2" : path;
        const rest = path.slice(i + 3);
        if (roots.has(rest.split("/")[1])) return rest;
        from = i + 3;
      }
    }
    default:
      return path;
  }
}

function matchTemplate(template, path) {
  const t = template.split("/");
  const p = path.split("/");
  if (t.length !== p.length) return false;
  return t.every((seg, i) => (/^\{.+\}$/.test(seg) ? p[i] !== "" : seg === p[i]));
}

const literalSegments = (template) =>
  template.split("/").filter((s) => !/^\{.+\}$/.test(s)).length;

/**
 * The index entry of the route a request line reaches, or `null` when none does (an unknown
 * path, or a known path with another method: the protocol's `fallback` answers).
 */
export function findRoute(index, protocol, method, path) {
  const normalized = normalizePath(index, protocol, path);
  const matching = index.routes.filter(
    (r) =>
      r.protocol === protocol &&
      [r.path, ...r.aliases].some((t) => matchTemplate(t, normalized)),
  );
  if (matching.length === 0) return null;
  // Literal segments beat parameters.
  const best = Math.max(...matching.map((r) => literalSegments(r.path)));
  return (
    matching.find((r) => literalSegments(r.path) === best && r.method === method.toUpperCase()) ??
    null
  );
}

/** The schema file and media type of a response: the route's, else the protocol's fallback. */
export function responseSchema(index, protocol, route, status) {
  const table = route ?? index.fallback[protocol];
  const key = String(status) in table.responses ? String(status) : "default";
  return { file: table.responses[key] ?? null, contentType: table.content_types[key] ?? null };
}

/** Splits a text/event-stream body into its events' `event` names and `data` texts. */
export function parseEventStream(text) {
  const events = [];
  let data = [];
  let event = "";
  const dispatch = () => {
    if (data.length > 0) events.push({ event: event || "message", data: data.join("\n") });
    data = [];
    event = "";
  };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "") {
      dispatch();
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
  }
  dispatch();
  return events;
}
