// Builds the browsable API reference: one static HTML page per protocol, rendered by Redoc
// (`redocly build-docs`, pinned in package.json) from schemas/openapi/<protocol>.json.
//
//   node build-docs.mjs [OUTPUT_DIR]     (default: target/openapi-reference at the repository root)
//
// Each page is self-contained and works offline: the Redoc bundle and the document are inline
// (`--inlineBundle`), browser/page.hbs adds a Content-Security-Policy that allows no remote
// resource, and the one remote image Redoc's bundle refers to (the Redocly logo in the sidebar
// footer) is replaced by an empty inline image. browser/check.mjs proves it in Chromium.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { documents, here } from "./documents.mjs";
import { redocly } from "./redocly.mjs";

/** Where the pages go unless a directory is given. */
export const defaultOutputDir = resolve(here, "..", "..", "target", "openapi-reference");

/** Remote images in Redoc's bundle, each replaced by an empty inline SVG. */
const REMOTE_IMAGES = [
  "https://cdn.redoc.ly/redoc/logo-mini-full.svg",
  "https://cdn.redoc.ly/redoc/logo-mini.svg",
];
const EMPTY_IMAGE = "data:image/svg+xml,%3Csvg%20xmlns%3D%27http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%27%2F%3E";

/** Builds every protocol's page into `outputDir`; returns `[{ protocol, document, page }]`. */
export function buildPages(outputDir = defaultOutputDir) {
  mkdirSync(outputDir, { recursive: true });
  const template = join(here, "browser", "page.hbs");
  return documents().map(({ protocol, file }) => {
    const page = join(outputDir, `${protocol}.html`);
    const run = redocly(["build-docs", file, "--output", page, "--inlineBundle", "--template", template]);
    if (run.status !== 0) {
      throw new Error(
        `redocly build-docs ${file} failed (${run.error ?? `exit ${run.status}`}):\n${run.stdout}${run.stderr}`,
      );
    }
    let html = readFileSync(page, "utf8");
    for (const url of REMOTE_IMAGES) html = html.replaceAll(url, EMPTY_IMAGE);
    writeFileSync(page, html);
    return { protocol, document: file, page };
  });
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? "")).href) {
  const outputDir = resolve(process.argv[2] ?? defaultOutputDir);
  for (const { protocol, page } of buildPages(outputDir)) {
    console.log(`${protocol.padEnd(9)} ${page}`);
  }
}
