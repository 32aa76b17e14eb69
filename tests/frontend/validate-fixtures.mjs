// Validates every fixture of every protocol crate's fixture manifests
// (crates/nodewire-*/tests/fixtures/manifest.json and the manifests of its subfolders, such as
// the telemt answers of older releases in versions/) with ajv against the exported schema of its
// route or type, found through schemas/index.json:
//
// - accept fixtures must validate;
// - reject fixtures must fail, except those in NOT_EXPRESSIBLE below, whose reason no JSON
//   Schema can state, and those in SCHEMA_GAPS, whose reason a schema could state but the
//   crate's exported schema does not yet. Each listed fixture is asserted to still validate,
//   so the lists stay exact: once a crate's schema states a gap, this check fails until the
//   entry is removed.
//
// A request body that is empty where the index says the body is required, or that is not JSON,
// counts as failing: a consumer reading the index rejects it before any schema runs.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import {
  createValidator,
  findRoute,
  parseEventStream,
  repoRoot,
  responseSchema,
} from "./schemas.mjs";

/**
 * Reject fixtures that validate against their schema because the reason they are rejected
 * is not expressible in JSON Schema: `<crate>/<file>` → why.
 */
const NOT_EXPRESSIBLE = {
  "nodewire-dash/contract/metrics-duplicate-interface.request.json":
    "interface names must be unique within metrics.network; uniqueItems compares whole items, " +
    "and no keyword compares one member across items",
  "nodewire-nodepass/v2.0.0-b10/put-apikey.request.json":
    "`client://x` has no tunnel port; the master reads the URL with Go's url.Parse and its own " +
    "host:port rules, which a pattern can only approximate (and an approximation would refuse " +
    "URLs the master accepts)",
};

/**
 * Reject fixtures whose reason a JSON Schema could state but the crate's exported schema does
 * not yet: `<crate>/<file>` → the constraint the schema lacks, and where.
 */
const SCHEMA_GAPS = {
  "nodewire-nodepass/v2.0.0-b10/mcp-bad-action.request.json":
    "McpRequest.params is typed by `method` and the tool `name`; the exported anyOf keeps an " +
    "untyped alternative for other methods and tools, so `control_instance` with an unknown " +
    "`action` validates. if/then on `method` and `params.name` would state it.",
};

const { index, validator } = createValidator();

function manifests() {
  const crates = join(repoRoot, "crates");
  const found = [];
  for (const crate of readdirSync(crates).filter((name) => name.startsWith("nodewire-"))) {
    const root = join(crates, crate, "tests", "fixtures");
    if (!existsSync(root)) continue;
    // The crate's manifest, and those of its subfolders (answers of older releases).
    const dirs = [root, ...readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(root, e.name))];
    for (const dir of dirs.filter((d) => existsSync(join(d, "manifest.json")))) {
      const prefix = dir === root ? crate : `${crate}/${dir.slice(root.length + 1)}`;
      found.push({
        crate: prefix,
        dir,
        entries: JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")),
      });
    }
  }
  return found;
}

/** What an entry is checked against: `{ file, contentType, optional, what }`. */
function target(entry) {
  const protocol = entry.protocol;
  if (entry.type) {
    const file = index.types[`${protocol}.${entry.type}`];
    if (!file) throw new Error(`the index has no type ${protocol}.${entry.type}`);
    return { file, contentType: "application/json", optional: false, what: `type ${entry.type}` };
  }
  const [method, path] = entry.operation.split(/\s+/);
  const route = findRoute(index, protocol, method, path);
  if (entry.body === "request") {
    if (!route) throw new Error(`no ${protocol} route for ${entry.operation}`);
    return {
      file: route.request,
      contentType: "application/json",
      optional: route.request_optional,
      what: `${route.name} request`,
    };
  }
  const status = entry.status ?? 200;
  const { file, contentType } = responseSchema(index, protocol, route, status);
  const what = route ? `${route.name} ${status}` : `${protocol} fallback ${status}`;
  return { file, contentType, optional: false, what };
}

/** The errors of a body against its target, or [] when it validates. */
function check(text, { file, contentType, optional }) {
  const blank = text.trim() === "";
  if (file === null) return blank ? [] : ["this answer has no body, but the fixture has one"];
  if (blank && contentType === "application/json") {
    return optional ? [] : ["empty body where the index says a JSON body is required"];
  }
  const validate = validator(file);
  const run = (value, where) =>
    validate(value)
      ? []
      : validate.errors.map(
          (e) =>
            `${where}${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)} (${e.schemaPath})`,
        );
  if (contentType === "application/json") {
    let value;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return [`not JSON: ${e.message}`];
    }
    return run(value, "");
  }
  if (contentType === "text/event-stream") {
    const events = parseEventStream(text);
    if (events.length === 0) return ["no events in the stream"];
    return events.flatMap((event, i) => {
      try {
        return run(JSON.parse(event.data), `event ${i} (${event.event}) data`);
      } catch (e) {
        return [`event ${i} (${event.event}): data is not JSON: ${e.message}`];
      }
    });
  }
  return run(text, "");
}

/**
 * Whether ajv's errors are about what the crate's error names (`entries[0].recordedAt`,
 * `missing field \`url\``, `EOF while parsing`): one of its identifiers appears in them.
 */
function mentions(errors, mention) {
  if (!mention) return true;
  const text = errors.join("\n").toLowerCase();
  if (/EOF while parsing|empty body/.test(mention)) return /not json|empty body/.test(text);
  // The crate names the part of the instance URL; ajv names the field holding it.
  if (/scheme/.test(mention)) return text.includes("/url ");
  const words = mention
    .toLowerCase()
    .split(/[^a-z0-9_]+/)
    .filter((w) => w.length > 1 && !/^\d+$/.test(w));
  return words.some((w) => text.includes(w));
}

let passed = 0;
const failures = [];
const listed = new Set([...Object.keys(NOT_EXPRESSIBLE), ...Object.keys(SCHEMA_GAPS)]);
const counts = {};
for (const { crate, dir, entries } of manifests()) {
  counts[crate] = entries.length;
  for (const entry of entries) {
    const key = `${crate}/${entry.file}`;
    let errors;
    let t;
    try {
      t = target(entry);
      errors = check(readFileSync(join(dir, entry.file), "utf8"), t);
    } catch (e) {
      failures.push(`${key}: ${e.message}`);
      continue;
    }
    const label = `${key} [${entry.expect} as ${t.what}, ${t.file ?? "no body"}]`;
    if (entry.expect === "accept") {
      if (errors.length === 0) passed += 1;
      else failures.push(`${label}: does not validate:\n    ${errors.join("\n    ")}`);
    } else if (listed.has(key)) {
      listed.delete(key);
      if (errors.length === 0) passed += 1;
      else
        failures.push(
          `${label}: listed in NOT_EXPRESSIBLE or SCHEMA_GAPS, but the schema rejects it: remove it from the list (${errors[0]})`,
        );
    } else if (errors.length > 0) {
      if (mentions(errors, entry.error_mentions)) passed += 1;
      else
        failures.push(
          `${label}: fails, but not on what the crate names (${entry.error_mentions}):\n    ${errors.join("\n    ")}`,
        );
    } else {
      failures.push(`${label}: validates, but the crate rejects it (${entry.error_mentions ?? ""})`);
    }
  }
}
for (const key of listed) failures.push(`${key}: listed, but in no manifest as a reject fixture`);

const protocols = new Set(index.routes.map((r) => r.protocol));
for (const protocol of protocols) {
  if (!counts[`nodewire-${protocol}`]) failures.push(`no fixture manifest for ${protocol}`);
}

for (const failure of failures) console.error(`FAIL ${failure}`);
console.log(
  `fixtures: ${Object.entries(counts)
    .map(([crate, n]) => `${crate} ${n}`)
    .join(", ")}`,
);
console.log(
  `reject fixtures that validate, as listed: ${Object.keys(NOT_EXPRESSIBLE).length} not ` +
    `expressible, ${Object.keys(SCHEMA_GAPS).length} schema gaps`,
);
console.log(`${passed} passed, ${failures.length} failed`);
process.exitCode = failures.length === 0 ? 0 : 1;
