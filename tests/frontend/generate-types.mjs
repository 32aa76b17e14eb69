// Generates generated/<protocol>.d.ts from the exported schemas with json-schema-to-typescript:
// every wire type and every route body schema of a protocol (as listed by schemas/index.json)
// is bundled into one schema whose `$defs` hold them all under their names, then compiled.
//
// Usage: node generate-types.mjs [out-dir]   (default: generated/)

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

import { compile } from "json-schema-to-typescript";

import { indexedFiles, loadIndex, schemasDir } from "./schemas.mjs";

/** Keywords whose values map names to subschemas. */
const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
/** Keywords whose values are data, not subschemas. */
const DATA = ["const", "enum", "default", "examples"];

/**
 * Rebuilds a schema bottom-up: `visit` sees each schema object after its subschemas were
 * rebuilt, and returns its replacement.
 */
function mapSchema(schema, visit) {
  if (Array.isArray(schema)) return schema.map((s) => mapSchema(s, visit));
  if (schema === null || typeof schema !== "object") return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DATA.includes(key)) out[key] = value;
    else if (SCHEMA_MAPS.includes(key) && value && typeof value === "object")
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, mapSchema(sub, visit)]),
      );
    else out[key] = mapSchema(value, visit);
  }
  return visit(out);
}

/** Points `$ref`s at bundle names: `#` to `self`, `#/$defs/<name>` through `rename`. */
function rewriteRefs(schema, rename, self) {
  return mapSchema(schema, (s) => {
    if (typeof s.$ref !== "string") return s;
    if (s.$ref === "#") return { ...s, $ref: `#/$defs/${encodeURIComponent(self)}` };
    if (!s.$ref.startsWith("#/$defs/")) throw new Error(`unexpected $ref ${s.$ref}`);
    const name = decodeURIComponent(s.$ref.slice("#/$defs/".length));
    return { ...s, $ref: `#/$defs/${encodeURIComponent(rename.get(name) ?? name)}` };
  });
}

/**
 * One schema for a protocol: each file's root under its `title`, and every definition the
 * files share under its name. A name two files use for different schemas gets a number.
 */
export function bundle(protocol, files, dir = schemasDir) {
  const defs = {};
  const roots = [];
  const claim = (name, schema) => {
    for (let n = 1; ; n += 1) {
      const candidate = n === 1 ? name : `${name}${n}`;
      if (!(candidate in defs)) return { name: candidate, fresh: true };
      if (isDeepStrictEqual(defs[candidate], schema)) return { name: candidate, fresh: false };
    }
  };
  for (const file of files) {
    const raw = JSON.parse(readFileSync(join(dir, file), "utf8"));
    const { $id: _id, $schema: _schema, $defs = {}, title, ...rootRaw } = raw;
    if (!title) throw new Error(`${file} has no title`);
    // A root that refers to itself (`#`) reads like any other reference to its title.
    const local = Object.entries($defs).map(([name, def]) => [
      name,
      rewriteRefs(def, new Map(), title),
    ]);
    local.push([title, rewriteRefs(rootRaw, new Map(), title)]);
    // Decide every name first, then point references at the final names.
    const rename = new Map();
    const fresh = [];
    for (const [name, def] of local) {
      const claimed = claim(name, def);
      rename.set(name, claimed.name);
      if (claimed.fresh) {
        defs[claimed.name] = def;
        fresh.push(claimed.name);
      }
    }
    for (const name of fresh) defs[name] = rewriteRefs(defs[name], rename, rename.get(title));
    roots.push(rename.get(title));
  }
  const properties = Object.fromEntries(roots.map((n) => [n, { $ref: `#/$defs/${n}` }]));
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: `${protocol[0].toUpperCase()}${protocol.slice(1)}Schemas`,
    description: `Every wire type and route body of the ${protocol} protocol, by name.`,
    type: "object",
    properties,
    additionalProperties: false,
    $defs: defs,
  };
}

/** Keywords that only validate, with no bearing on a TypeScript type. */
const VALIDATION_ONLY = new Set([
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "required",
  "description",
  "title",
]);

/**
 * Shapes json-schema-to-typescript reads better, with the same TypeScript meaning:
 *
 * - a `$ref` with sibling annotations (`{"$ref": …, "description": …}`, as schemars writes a
 *   documented field) becomes `{"allOf": [{"$ref": …}], "description": …}`, so the field keeps
 *   its comment and the referenced type keeps its one name (a `$ref` with siblings is
 *   otherwise copied into a new, numbered type);
 * - an `anyOf` whose branches only validate (`{"format": "ipv4"}`, `{"required": ["id"]}`)
 *   is dropped: TypeScript cannot state it, and json-schema-to-typescript would turn it into
 *   an intersection with a numbered alias;
 * - an open enum (`{"type": "string", "anyOf": [{"enum": […]}, {"type": "string"}]}`) loses
 *   the outer `type`, which every branch already states, so it reads `("a" | "b") | string`.
 */
export function forTypeScript(schema) {
  return mapSchema(schema, (s) => {
    if (typeof s.$ref === "string" && Object.keys(s).length > 1) {
      const { $ref, ...siblings } = s;
      return { allOf: [{ $ref }], ...siblings };
    }
    for (const key of ["anyOf", "oneOf"]) {
      const branches = s[key];
      if (!s.type || !Array.isArray(branches)) continue;
      if (branches.every((b) => Object.keys(b).every((k) => VALIDATION_ONLY.has(k)))) {
        const { [key]: _branches, ...rest } = s;
        return rest;
      }
      const isString = (b) =>
        b.type === "string" ||
        (Array.isArray(b.enum) && b.enum.every((e) => typeof e === "string"));
      if (s.type === "string" && branches.every(isString)) {
        const { type: _type, ...rest } = s;
        return { ...rest, [key]: branches.map(({ description: _d, ...b }) => b) };
      }
    }
    return s;
  });
}

/** The schema files of one protocol: its types, route bodies and fallback. */
export function protocolFiles(index, protocol) {
  return indexedFiles(index).filter((f) => f.startsWith(`${protocol}/`));
}

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] ?? join(here, "generated");
const index = loadIndex();
const protocols = [...new Set(index.routes.map((r) => r.protocol))];
mkdirSync(outDir, { recursive: true });
for (const protocol of protocols) {
  const schema = forTypeScript(bundle(protocol, protocolFiles(index, protocol)));
  const ts = await compile(schema, schema.title, {
    bannerComment: `/* Types of the ${protocol} protocol, generated from schemas/ by tests/frontend/generate-types.mjs. Do not edit. */`,
    cwd: schemasDir,
    strictIndexSignatures: true,
    unknownAny: true,
  });
  const out = join(outDir, `${protocol}.d.ts`);
  writeFileSync(out, ts);
  console.log(`wrote ${out} (${Object.keys(schema.$defs).length} types)`);
}
