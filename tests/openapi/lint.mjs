// Lints every OpenAPI document with the Redocly CLI (`redocly lint`, the `recommended`
// ruleset of redocly.yaml). Exits non-zero when any document has an error; warnings are
// printed and do not fail.
//
// Usage: node lint.mjs

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { documents, here } from "./documents.mjs";

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");
const files = documents().map((d) => d.file);

const run = spawnSync(
  process.execPath,
  [cli, "lint", "--config", join(here, "redocly.yaml"), "--format", "stylish", "--max-problems", "1000", ...files],
  {
    cwd: here,
    encoding: "utf8",
    env: {
      ...process.env,
      REDOCLY_TELEMETRY: "off",
      REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
      REDOCLY_SUPPRESS_NOTIFICATIONS: "true",
    },
  },
);
process.stdout.write(run.stdout ?? "");
process.stderr.write(run.stderr ?? "");
if (run.error) throw run.error;
if (run.status !== 0) {
  console.error(`redocly lint failed (exit ${run.status ?? run.signal})`);
  process.exit(1);
}
console.log(`redocly lint: ${files.length} documents, no error`);
