// Runs the pinned Redocly CLI (@redocly/cli in package.json) from this package's directory,
// with no telemetry, no update notice, no notification and no colour: the checks make no
// network request, and what the CLI prints reads the same in a log.

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { here } from "./documents.mjs";

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");

/** Runs `redocly ...args`; returns spawnSync's result (`status`, `stdout`, `stderr`, `error`). */
export function redocly(args) {
  return spawnSync(process.execPath, [cli, ...args], {
    cwd: here,
    encoding: "utf8",
    env: {
      ...process.env,
      REDOCLY_TELEMETRY: "off",
      REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
      REDOCLY_SUPPRESS_NOTIFICATIONS: "true",
      NO_COLOR: "1",
    },
  });
}
