// Generates generated/<protocol>.d.ts from each OpenAPI document with openapi-typescript, as a
// frontend does (`npx openapi-typescript schemas/openapi/<protocol>.json`), with its default
// options: `paths`, `operations` and `components` types for openapi-fetch.
//
// Usage: node generate-types.mjs [out-dir]   (default: generated/)

import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

import openapiTS, { astToString } from "openapi-typescript";

import { documents, here } from "./documents.mjs";

const outDir = process.argv[2] ?? join(here, "generated");
mkdirSync(outDir, { recursive: true });
for (const { protocol, file } of documents()) {
  const ast = await openapiTS(pathToFileURL(file), { silent: true });
  const banner = `/* Types of the ${protocol} API, generated from ${relative(join(here, "..", ".."), file)} by openapi-typescript (tests/openapi/generate-types.mjs). Do not edit. */\n\n`;
  const out = join(outDir, `${protocol}.d.ts`);
  writeFileSync(out, banner + astToString(ast));
  console.log(`wrote ${out}`);
}
