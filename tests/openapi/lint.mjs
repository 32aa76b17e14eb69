// Lints every OpenAPI document with the Redocly CLI (`redocly lint`, the `recommended`
// ruleset of redocly.yaml). Exits non-zero when any document has an error; warnings are
// printed and do not fail.
//
// Usage: node lint.mjs

import { join } from "node:path";

import { documents, here } from "./documents.mjs";
import { redocly } from "./redocly.mjs";

const files = documents().map((d) => d.file);

const run = redocly(
  ["lint", "--config", join(here, "redocly.yaml"), "--format", "stylish", "--max-problems", "1000", ...files],
);
process.stdout.write(run.stdout ?? "");
process.stderr.write(run.stderr ?? "");
if (run.error) throw run.error;
if (run.status !== 0) {
  console.error(`redocly lint failed (exit ${run.status ?? run.signal})`);
  process.exit(1);
}
console.log(`redocly lint: ${files.length} documents, no error`);
