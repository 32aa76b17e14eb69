// Compares nodewire's OpenAPI documents with the upstreams' own: NodePass's
// `schemas/openapi/nodepass.json` with the master's `openapi.json`, the kernel's
// `schemas/openapi/kernel.json` with the kernel's `core.yaml`. Route by route (method and path,
// the server's base path included): routes in one document only; parameters (name, location,
// required, type); the request body (presence, required, media types) and its schema; response
// statuses, media types and schemas (properties, types, required, nullable, enums, to a depth of
// three nested objects); the document's servers and security schemes, and a route's credential.
//
// Every difference has a key (`nodepass GET /instances/{id}: response 200 field status`) and
// needs a reason in `upstream-differences.reasons.json`, which explains it from the contract.
//
//   node tests/openapi/upstream-differences.mjs [--check]
//       [--nodepass-upstream <openapi.json>] [--kernel-upstream <core.yaml>]
//       [--nodewire <directory of nodewire's documents, schemas/openapi by default>] [--stdout]
//
// Without `--check` it writes `docs/upstream-differences.md`; with `--check` it fails when that
// file is not what it would write; `--stdout` prints the page instead. All fail when a
// difference has no reason, or a reason no difference. The upstream documents default to
// `../shared/upstream/` beside the repository.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const REASONS = join(ROOT, "tests/openapi/upstream-differences.reasons.json");
const OUTPUT = join(ROOT, "docs/upstream-differences.md");
const COMMAND = "node tests/openapi/upstream-differences.mjs";
/** How many nested objects deep the schemas are compared (`a.b.c`). */
const MAX_DEPTH = 3;
const METHODS = ["get", "post", "put", "patch", "delete", "head", "options", "trace"];

/** Sorts by UTF-16 code units, the same everywhere (no locale). */
function byText(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

const PROTOCOLS = [
  {
    name: "nodepass",
    title: "NodePass",
    ours: "nodepass.json",
    option: "--nodepass-upstream",
    fallback: "nodepass/openapi.upstream.json",
    theirs: "the master's `openapi.json`",
  },
  {
    name: "kernel",
    title: "Kernel",
    ours: "kernel.json",
    option: "--kernel-upstream",
    fallback: "kernel/core.upstream.yaml",
    theirs: "the kernel's `core.yaml`",
  },
];

// ---------------------------------------------------------------------------------------------
// Documents

function parseArgs(argv) {
  const args = { check: false, stdout: false, upstream: {}, ours: join(ROOT, "schemas/openapi") };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--check") {
      args.check = true;
      continue;
    }
    if (arg === "--stdout") {
      args.stdout = true;
      continue;
    }
    if (arg === "--nodewire" && i + 1 < argv.length) {
      args.ours = resolve(argv[i + 1]);
      i += 1;
      continue;
    }
    const protocol = PROTOCOLS.find((p) => p.option === arg);
    if (protocol && i + 1 < argv.length) {
      args.upstream[protocol.name] = resolve(argv[i + 1]);
      i += 1;
      continue;
    }
    throw new Error(`unknown argument ${arg}`);
  }
  for (const protocol of PROTOCOLS) {
    args.upstream[protocol.name] ??= join(ROOT, "../shared/upstream", protocol.fallback);
  }
  return args;
}

function load(file) {
  const text = readFileSync(file, "utf8");
  return /\.ya?ml$/i.test(file) ? yaml.load(text) : JSON.parse(text);
}

/** A document with what the comparison needs: its version, base path, routes and schemes. */
class Doc {
  constructor(json, label) {
    this.json = json;
    this.label = label;
    this.v30 = String(json.openapi ?? "").startsWith("3.0");
    this.servers = (json.servers ?? []).map((s) => s.url);
    this.base = basePath(json.servers);
    this.schemes = new Map();
    for (const [name, raw] of Object.entries(json.components?.securitySchemes ?? {})) {
      this.schemes.set(name, schemeText(this.deref(raw)));
    }
    this.security = json.security ?? [];
    this.routes = new Map();
    for (const [path, rawItem] of Object.entries(json.paths ?? {})) {
      const item = this.deref(rawItem);
      const base = item.servers ? basePath(item.servers) : this.base;
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const opBase = op.servers ? basePath(op.servers) : base;
        const full = joinPath(opBase, path);
        this.routes.set(`${method.toUpperCase()} ${full}`, {
          method: method.toUpperCase(),
          full,
          op,
          item,
        });
      }
    }
    for (const [name, rawItem] of Object.entries(json.webhooks ?? {})) {
      const item = this.deref(rawItem);
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        this.routes.set(`${method.toUpperCase()} webhook ${name}`, {
          method: method.toUpperCase(),
          full: `webhook ${name}`,
          op,
          item,
        });
      }
    }
  }

  /** Follows `$ref`s to a JSON pointer in this document (not for schemas: see `info`). */
  deref(node, seen = new Set()) {
    if (!node || typeof node !== "object" || typeof node.$ref !== "string") return node;
    if (seen.has(node.$ref)) return {};
    seen.add(node.$ref);
    return this.deref(this.pointer(node.$ref), seen);
  }

  pointer(ref) {
    if (!ref.startsWith("#")) throw new Error(`${this.label}: external $ref ${ref}`);
    let node = this.json;
    for (const raw of ref.slice(1).split("/").slice(1)) {
      const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
      node = node?.[key];
    }
    if (node === undefined) throw new Error(`${this.label}: unresolved $ref ${ref}`);
    return node;
  }
}

function basePath(servers) {
  const url = servers?.[0]?.url;
  if (!url) return "";
  const path = new URL(url.replace(/\{[^}]*\}/g, "x"), "http://base.invalid").pathname;
  return path.replace(/\/+$/, "");
}

function joinPath(base, path) {
  return `${base}/${path.replace(/^\/+/, "")}`.replace(/\/+$/, "") || "/";
}

function schemeText(scheme) {
  // Header names are case-insensitive.
  if (scheme.type === "apiKey") {
    const name = scheme.in === "header" ? String(scheme.name).toLowerCase() : scheme.name;
    return `API key in ${scheme.in} \`${name}\``;
  }
  if (scheme.type === "http") return `HTTP ${String(scheme.scheme).toLowerCase()}`;
  return scheme.type ?? "unknown";
}

// ---------------------------------------------------------------------------------------------
// Schemas, flattened to what is compared

const PRIMITIVES = new Set(["string", "integer", "number", "boolean"]);

/** What a schema that says nothing says: no type, no enum, no property, nothing required. */
function nothing() {
  return {
    types: new Set(),
    nullable: false,
    nullableIgnored: false,
    enums: null,
    open: false,
    props: new Map(),
    required: new Set(),
    items: null,
    values: null,
  };
}

/**
 * What a schema says: its types, whether it takes null, its enum (and whether other values of
 * the enum's type pass too), its properties and required names, array items, map values.
 */
function info(doc, schema, seen = new Set()) {
  const out = nothing();
  if (!schema || typeof schema !== "object") return out;
  const parts = [];
  if (typeof schema.$ref === "string") {
    if (!seen.has(schema.$ref)) {
      parts.push(info(doc, doc.pointer(schema.$ref), new Set([...seen, schema.$ref])));
    }
  }
  if (schema.type !== undefined) {
    for (const t of [schema.type].flat()) {
      if (t === "null") out.nullable = true;
      else out.types.add(t);
    }
  }
  if (schema.nullable === true) {
    if (doc.v30) out.nullable = true;
    else out.nullableIgnored = true;
  }
  const values = "const" in schema ? [schema.const] : schema.enum;
  if (Array.isArray(values)) {
    out.enums = new Set();
    for (const v of values) {
      if (v === null) out.nullable = true;
      else out.enums.add(v);
    }
  }
  for (const [name, sub] of Object.entries(schema.properties ?? {})) out.props.set(name, sub);
  for (const name of schema.required ?? []) out.required.add(name);
  if (schema.items && typeof schema.items === "object") out.items = schema.items;
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    out.values = schema.additionalProperties;
  }
  for (const sub of schema.allOf ?? []) parts.push(info(doc, sub, seen));
  let merged = parts.reduce(intersect, out);
  for (const key of ["oneOf", "anyOf"]) {
    if (Array.isArray(schema[key])) {
      merged = intersect(merged, union(schema[key].map((sub) => info(doc, sub, seen))));
    }
  }
  return merged;
}

/** Both schemas hold (`allOf`, `$ref` with siblings). */
function intersect(a, b) {
  const types =
    a.types.size && b.types.size
      ? new Set([...a.types].filter((t) => b.types.has(t)))
      : new Set([...a.types, ...b.types]);
  const props = new Map(a.props);
  for (const [name, sub] of b.props) props.set(name, both(props.get(name), sub));
  let enums = a.enums ?? b.enums;
  if (a.enums && b.enums) enums = new Set([...a.enums].filter((v) => b.enums.has(v)));
  return {
    types,
    // A `$ref` to a nullable schema stays nullable; a sibling `type: [T, "null"]` makes it so.
    nullable:
      (a.nullable || b.nullable) &&
      !(a.types.size && !a.nullable && b.types.size && !b.nullable),
    nullableIgnored: a.nullableIgnored || b.nullableIgnored,
    enums,
    open: a.enums && b.enums ? a.open && b.open : a.enums ? a.open : b.open,
    props,
    required: new Set([...a.required, ...b.required]),
    items: both(a.items, b.items),
    values: both(a.values, b.values),
  };
}

/** A schema for what both hold (either may be missing). */
function both(a, b) {
  if (a && b) return { allOf: [a, b] };
  return a ?? b ?? null;
}

/** A schema for what one of them holds. */
function either(list) {
  return list.length === 1 ? list[0] : { anyOf: list };
}

/** One of the schemas holds (`oneOf`, `anyOf`). */
function union(branches) {
  // `required` stays null until a branch with properties says which names it requires.
  const out = { ...nothing(), required: null };
  const props = new Map();
  const items = [];
  const values = [];
  for (const b of branches) {
    for (const t of effectiveTypes(b)) out.types.add(t);
    out.nullable ||= b.nullable;
    out.nullableIgnored ||= b.nullableIgnored;
    if (b.enums) out.enums = new Set([...(out.enums ?? []), ...b.enums]);
    for (const [name, sub] of b.props) props.set(name, [...(props.get(name) ?? []), sub]);
    if (b.props.size) {
      out.required = out.required
        ? new Set([...out.required].filter((n) => b.required.has(n)))
        : new Set(b.required);
    }
    if (b.items) items.push(b.items);
    if (b.values) values.push(b.values);
  }
  for (const [name, list] of props) out.props.set(name, either(list));
  if (items.length) out.items = either(items);
  if (values.length) out.values = either(values);
  // A branch of a primitive type with no enum next to enum branches: other values pass too.
  if (out.enums) {
    const enumTypes = new Set([...out.enums].map(valueType));
    out.open = branches.some(
      (b) =>
        b.enums === null &&
        b.props.size === 0 &&
        [...b.types].some((t) => PRIMITIVES.has(t) && enumTypes.has(t)),
    );
  }
  out.required ??= new Set();
  return out;
}

function valueType(v) {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "boolean";
  if (Number.isInteger(v)) return "integer";
  if (typeof v === "number") return "number";
  return "object";
}

function effectiveTypes(i) {
  if (i.types.size) return i.types;
  const types = new Set();
  if (i.enums) for (const v of i.enums) types.add(valueType(v));
  if (i.props.size || i.values) types.add("object");
  if (i.items) types.add("array");
  return types;
}

/**
 * The type as words: `string`, `array of integer`, `map of string`, `string or object`; with
 * `level` 2 an array or map is only `array` or `map` (its items are compared on their own).
 */
function typeWords(doc, i, level = 0) {
  const types = [...effectiveTypes(i)].sort();
  if (types.length === 0) return i.nullable ? "null" : "any value";
  return types
    .map((t) => {
      if (t === "array" && level < 2) {
        return `array of ${typeWords(doc, info(doc, i.items ?? undefined), level + 1)}`;
      }
      if (t === "object" && i.props.size === 0 && i.values) {
        return level < 2 ? `map of ${typeWords(doc, info(doc, i.values), level + 1)}` : "map";
      }
      return t;
    })
    .join(" or ");
}

/** What is compared of one schema node, and its words (`shallow`: see `typeWords`). */
function facts(doc, i, shallow = false) {
  const enums = i.enums ? [...i.enums].map((v) => JSON.stringify(v)).sort(byText) : null;
  return {
    type: typeWords(doc, i, shallow ? 2 : 0),
    nullable: i.nullable,
    nullableIgnored: i.nullableIgnored && !i.nullable,
    enums,
    open: Boolean(enums) && i.open,
  };
}

function sameFacts(a, b) {
  return (
    a.type === b.type &&
    a.nullable === b.nullable &&
    String(a.enums) === String(b.enums) &&
    a.open === b.open
  );
}

function factWords(f) {
  let words = f.type;
  if (f.enums !== null) {
    const values = f.enums.map((v) => `\`${v}\``).join(", ");
    words += values ? `, one of ${values}` : ", no value";
    if (f.open) words += " or any other value";
  }
  if (f.nullable) words += ", or null";
  if (f.nullableIgnored) words += " (its `nullable: true` is not an OpenAPI 3.1 keyword)";
  return words;
}

function nameList(names) {
  return names.length ? names.map((n) => `\`${n}\``).join(", ") : "none";
}

// ---------------------------------------------------------------------------------------------
// Comparison

/** Compares two schemas node by node; `emit(suffix, ours, theirs)` gets each difference. */
function compareSchema(ours, theirs, a, b, path, depth, emit) {
  const ia = info(ours.doc, a);
  const ib = info(theirs.doc, b);
  const fa = facts(ours.doc, ia, true);
  const fb = facts(theirs.doc, ib, true);
  const here = path || "(root)";
  if (!sameFacts(fa, fb)) emit(`field ${here}`, factWords(fa), factWords(fb));
  if (depth < MAX_DEPTH && (ia.props.size || ib.props.size)) {
    const ra = [...ia.required].filter((n) => ia.props.has(n)).sort();
    const rb = [...ib.required].filter((n) => ib.props.has(n)).sort();
    if (ra.join() !== rb.join()) {
      emit(`required ${here}`, `requires ${nameList(ra)}`, `requires ${nameList(rb)}`);
    }
    const names = [...new Set([...ia.props.keys(), ...ib.props.keys()])].sort();
    for (const name of names) {
      const sub = path ? `${path}.${name}` : name;
      const pa = ia.props.get(name);
      const pb = ib.props.get(name);
      if (!pa || !pb) {
        const words = (doc, sub) => (sub ? factWords(facts(doc, info(doc, sub))) : "not declared");
        emit(`field ${sub}`, words(ours.doc, pa), words(theirs.doc, pb));
        continue;
      }
      compareSchema(ours, theirs, pa, pb, sub, depth + 1, emit);
    }
  }
  const isArray = (i) => effectiveTypes(i).has("array");
  if ((ia.items || ib.items) && isArray(ia) && isArray(ib)) {
    const [xa, xb] = [ia.items ?? undefined, ib.items ?? undefined];
    compareSchema(ours, theirs, xa, xb, `${path}[]`, depth, emit);
  }
  const isMap = (i) => i.props.size === 0 && effectiveTypes(i).has("object");
  if ((ia.values || ib.values) && isMap(ia) && isMap(ib)) {
    const [va, vb] = [ia.values ?? undefined, ib.values ?? undefined];
    compareSchema(ours, theirs, va, vb, `${path}{}`, depth, emit);
  }
}

function parameters(doc, route) {
  const all = new Map();
  for (const raw of [...(route.item.parameters ?? []), ...(route.op.parameters ?? [])]) {
    const p = doc.deref(raw);
    all.set(`${p.in} ${p.name}`, p);
  }
  return all;
}

function parameterWords(doc, p) {
  if (!p) return "not declared";
  const required = p.required === true ? "required" : "optional";
  return `${required}, ${factWords(facts(doc, info(doc, p.schema)))}`;
}

function content(doc, holder) {
  const out = new Map();
  for (const [media, raw] of Object.entries(holder?.content ?? {})) {
    out.set(media, doc.deref(raw ?? {}));
  }
  return out;
}

function mediaWords(map) {
  return map.size ? [...map.keys()].sort().map((m) => `\`${m}\``).join(", ") : "no body";
}

/** A route's credential, as `none`, `credential` (any of the document's schemes) or the list. */
function credential(doc, route) {
  const requirements = route.op.security ?? doc.security;
  const alternatives = new Set();
  for (const requirement of requirements) {
    const names = Object.keys(requirement).sort();
    alternatives.add(
      names.length ? names.map((n) => doc.schemes.get(n) ?? `unknown scheme ${n}`).join(" + ") : "",
    );
  }
  if (alternatives.size === 0 || alternatives.has("")) return "none";
  const all = schemeList(doc);
  const listed = [...alternatives].sort();
  if (listed.join("\n") === all.join("\n")) return "credential";
  return listed.join(" or ");
}

function credentialWords(doc, value) {
  if (value === "none") return "no credential";
  if (value === "credential") return `a credential (${schemeList(doc).join(" or ")})`;
  return value;
}

function statusOrder(a, b) {
  const rank = (s) => (s === "default" ? 1000 : Number.parseInt(s.replace(/X/gi, "0"), 10));
  return rank(a) - rank(b) || byText(a, b);
}

function compareProtocol(protocol, ours, theirs) {
  const diffs = [];
  const add = (route, label, o, t) =>
    diffs.push({
      route,
      key: route ? `${protocol.name} ${route}: ${label}` : `${protocol.name} ${label}`,
      label,
      ours: o,
      theirs: t,
    });

  if (ours.servers.join("\n") !== theirs.servers.join("\n")) {
    const words = (list) => (list.length ? list.map((u) => `\`${u}\``).join(", ") : "none");
    add(null, "servers", words(ours.servers), words(theirs.servers));
  }
  const schemesA = schemeList(ours).join("; ") || "none";
  const schemesB = schemeList(theirs).join("; ") || "none";
  if (schemesA !== schemesB) add(null, "security schemes", schemesA, schemesB);

  const common = commonBase(ours.base, theirs.base);
  const shown = (full) =>
    full.startsWith("webhook ") || !full.startsWith(`${common}/`) ? full : full.slice(common.length);
  const method = (m) => METHODS.indexOf(m.toLowerCase());
  const routes = [...new Set([...ours.routes.keys(), ...theirs.routes.keys()])]
    .map((key) => {
      const route = ours.routes.get(key) ?? theirs.routes.get(key);
      const path = shown(route.full);
      return { key, path, method: route.method, name: `${route.method} ${path}` };
    })
    .sort((x, y) => byText(x.path, y.path) || method(x.method) - method(y.method));

  for (const { key, name } of routes) {
    const ra = ours.routes.get(key);
    const rb = theirs.routes.get(key);
    const emit = (label, o, t) => add(name, label, o, t);
    if (ra && rb) {
      compareRoute({ doc: ours, route: ra }, { doc: theirs, route: rb }, emit);
    } else {
      const words = (route) => (route ? "declares the route" : "no such route");
      emit(ra ? "only in nodewire" : "only in upstream", words(ra), words(rb));
    }
  }
  return diffs;
}

function schemeList(doc) {
  return [...new Set(doc.schemes.values())].sort();
}

/** One route present in both documents: credential, parameters, request body, responses. */
function compareRoute(a, b, emit) {
  const ca = credential(a.doc, a.route);
  const cb = credential(b.doc, b.route);
  if (ca !== cb) emit("security", credentialWords(a.doc, ca), credentialWords(b.doc, cb));

  const pa = parameters(a.doc, a.route);
  const pb = parameters(b.doc, b.route);
  for (const id of [...new Set([...pa.keys(), ...pb.keys()])].sort()) {
    const wa = parameterWords(a.doc, pa.get(id));
    const wb = parameterWords(b.doc, pb.get(id));
    if (wa !== wb) emit(`parameter ${id}`, wa, wb);
  }

  const ba = a.doc.deref(a.route.op.requestBody);
  const bb = b.doc.deref(b.route.op.requestBody);
  const ma = content(a.doc, ba);
  const mb = content(b.doc, bb);
  const bodyWords = (body, media) => {
    if (!body) return "no request body";
    return `${body.required === true ? "required" : "optional"} body, ${mediaWords(media)}`;
  };
  if (bodyWords(ba, ma) !== bodyWords(bb, mb)) {
    emit("request body", bodyWords(ba, ma), bodyWords(bb, mb));
  }
  compareContent(a, b, ma, mb, "request", emit);

  const sa = Object.keys(a.route.op.responses ?? {}).sort(statusOrder);
  const sb = Object.keys(b.route.op.responses ?? {}).sort(statusOrder);
  if (sa.join() !== sb.join()) {
    const words = (list) => list.map((s) => `\`${s}\``).join(", ") || "none";
    emit("response statuses", words(sa), words(sb));
  }
  for (const status of sa.filter((s) => sb.includes(s))) {
    const xa = content(a.doc, a.doc.deref(a.route.op.responses[status]));
    const xb = content(b.doc, b.doc.deref(b.route.op.responses[status]));
    if (mediaWords(xa) !== mediaWords(xb)) {
      emit(`response ${status} media types`, mediaWords(xa), mediaWords(xb));
    }
    compareContent(a, b, xa, xb, `response ${status}`, emit);
  }
}

/** The schemas of the media types both sides have; JSON goes unnamed in the labels. */
function compareContent(a, b, ma, mb, what, emit) {
  for (const media of [...ma.keys()].filter((m) => mb.has(m)).sort()) {
    const prefix = media === "application/json" ? what : `${what} ${media}`;
    const sub = (label, o, t) => emit(`${prefix} ${label}`, o, t);
    compareSchema(a, b, ma.get(media).schema, mb.get(media).schema, "", 0, sub);
  }
}

function commonBase(x, y) {
  const xs = x.split("/");
  const ys = y.split("/");
  const out = [];
  for (let i = 0; i < Math.min(xs.length, ys.length) && xs[i] === ys[i]; i += 1) out.push(xs[i]);
  return out.join("/");
}

// ---------------------------------------------------------------------------------------------
// Reasons and output

function loadReasons() {
  const json = JSON.parse(readFileSync(REASONS, "utf8"));
  return { shared: json.shared ?? {}, differences: json.differences ?? {} };
}

/** `{ shared: name }` for a reason that points into `shared` (`@name`), or `{ text }`. */
function reasonFor(reasons, key) {
  const value = reasons.differences[key];
  if (typeof value !== "string") return null;
  if (value.startsWith("@")) {
    const name = value.slice(1);
    return reasons.shared[name] ? { shared: name } : null;
  }
  return { text: value };
}

function checkReasons(reasons, diffs) {
  const keys = new Set(diffs.map((d) => d.key));
  const problems = [];
  const duplicates = diffs.map((d) => d.key).filter((k, i, all) => all.indexOf(k) !== i);
  for (const key of [...new Set(duplicates)]) problems.push(`two differences share the key: ${key}`);
  const missing = [...keys].filter((k) => !(k in reasons.differences));
  if (missing.length) {
    problems.push(
      `${missing.length} difference(s) without a reason in ${relative(ROOT, REASONS)}:\n` +
        missing.map((k) => `  ${JSON.stringify(k)}`).join("\n"),
    );
  }
  const stale = Object.keys(reasons.differences).filter((k) => !keys.has(k));
  if (stale.length) {
    problems.push(
      `${stale.length} reason(s) whose key matches no difference (stale):\n` +
        stale.map((k) => `  ${JSON.stringify(k)}`).join("\n"),
    );
  }
  const used = new Set();
  for (const [key, value] of Object.entries(reasons.differences)) {
    if (typeof value !== "string" || !value.trim()) {
      problems.push(`the reason for ${JSON.stringify(key)} is empty`);
    } else if (value.startsWith("@")) {
      const name = value.slice(1);
      used.add(name);
      const entry = reasons.shared[name];
      if (!entry || typeof entry.title !== "string" || typeof entry.reason !== "string") {
        problems.push(`${JSON.stringify(key)} points to ${value}, which is not a {title, reason} in "shared"`);
      }
    }
  }
  const unused = Object.keys(reasons.shared).filter((name) => !used.has(name));
  if (unused.length) problems.push(`shared reason(s) no difference uses (stale): ${unused.join(", ")}`);
  return problems;
}

function oneLine(text) {
  return text.trim().replace(/\s*\n\s*/g, " ");
}

function render(sections, reasons) {
  const lines = [
    `<!-- Generated by ${COMMAND}; do not edit. Regenerate with \`${COMMAND}\` (the upstream documents are read from ../shared/upstream/ beside the repository; the reasons are in tests/openapi/upstream-differences.reasons.json). -->`,
    "",
    "# Where nodewire's OpenAPI documents differ from the upstreams' own",
    "",
    "NodePass and the kernel publish OpenAPI documents of their own: the NodePass master serves one at",
    "`{prefix}/v1/openapi.json`, the kernel's panel repository carries `core.yaml`. nodewire's",
    "documents (`schemas/openapi/nodepass.json`, `schemas/openapi/kernel.json`) are written from the",
    "crates, which follow the upstreams' source and live captures (the contracts), so they differ",
    "where those documents are wrong or silent. This page lists every difference, route by route,",
    "with the reason.",
    "",
    "What is compared, per route (method and path, the server's base path included): routes in one",
    "document only; the credential; parameters (location, name, required, type); the request body",
    "(presence, required, media types); response statuses and media types; and the request and",
    `response schemas: property names, types, required, null, enums, to ${MAX_DEPTH} nested objects`,
    "(`a.b.c`; `[]` is an array's item, `{}` a map's value). Descriptions, examples and number",
    "formats are not compared. Also the servers and the security schemes.",
    "",
  ];
  lines.push("| protocol | upstream document | differences |", "|---|---|---|");
  for (const { protocol, diffs } of sections) {
    lines.push(`| [${protocol.title}](#${protocol.name}) | ${protocol.theirs} | ${diffs.length} |`);
  }
  const placed = new Set();
  for (const { protocol, ours, theirs, diffs } of sections) {
    const common = commonBase(ours.base, theirs.base);
    lines.push("", `## ${protocol.title}`, "");
    lines.push(
      `nodewire: \`schemas/openapi/${protocol.ours}\`, OpenAPI ${ours.json.openapi}; upstream: ` +
        `${protocol.theirs}, OpenAPI ${theirs.json.openapi}.` +
        (common ? ` Paths are relative to \`${common}\`; a path outside it is written in full.` : ""),
    );
    const shared = [];
    for (const d of diffs) {
      const name = reasonFor(reasons, d.key)?.shared;
      if (name && !placed.has(name)) {
        placed.add(name);
        shared.push(name);
      }
    }
    if (shared.length) {
      lines.push("", "### Reasons shared by several differences", "");
      for (const name of shared) {
        const entry = reasons.shared[name];
        lines.push(`- <a id="reason-${name}"></a>**${entry.title}.** ${oneLine(entry.reason)}`);
      }
    }
    let current;
    for (const d of diffs) {
      const heading = d.route ?? "The document";
      if (heading !== current) {
        lines.push("", d.route ? `### \`${d.route}\`` : "### The document", "");
        current = heading;
      }
      const reason = reasonFor(reasons, d.key);
      let why = "**no reason recorded**";
      if (reason?.shared) why = `see [${reasons.shared[reason.shared].title}](#reason-${reason.shared}).`;
      else if (reason) why = oneLine(reason.text);
      lines.push(`- **${d.label}**: nodewire: ${d.ours}; upstream: ${d.theirs}.`);
      lines.push(`  Why: ${why}`);
    }
    if (diffs.length === 0) lines.push("", "No differences.");
  }
  return `${lines.join("\n")}\n`;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const sections = PROTOCOLS.map((protocol) => {
    const ours = new Doc(load(join(args.ours, protocol.ours)), protocol.ours);
    const theirs = new Doc(load(args.upstream[protocol.name]), protocol.fallback);
    return { protocol, ours, theirs, diffs: compareProtocol(protocol, ours, theirs) };
  });
  const diffs = sections.flatMap((s) => s.diffs);
  const reasons = loadReasons();
  const problems = checkReasons(reasons, diffs);
  const markdown = render(sections, reasons);
  const counts = sections.map((s) => `${s.protocol.name} ${s.diffs.length}`).join(", ");
  if (args.stdout) {
    process.stdout.write(markdown);
  } else if (args.check) {
    let current = null;
    try {
      current = readFileSync(OUTPUT, "utf8");
    } catch {
      // Reported below.
    }
    if (current !== markdown) {
      problems.push(`${relative(ROOT, OUTPUT)} is not current: regenerate it with \`${COMMAND}\``);
    }
  } else if (problems.length === 0) {
    writeFileSync(OUTPUT, markdown);
  }
  if (problems.length) {
    console.error(problems.join("\n\n"));
    process.exitCode = 1;
    return;
  }
  console.log(`${args.check ? "checked" : "wrote"} ${relative(ROOT, OUTPUT)}: differences ${counts}`);
}

main();
