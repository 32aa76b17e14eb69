// The OpenAPI documents the checks read: schemas/openapi/<protocol>.json, written by
// `nodewire schemas export`. NODEWIRE_OPENAPI_DIR points the checks at another directory.

import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** This package's directory. */
export const here = dirname(fileURLToPath(import.meta.url));

/** The directory holding `<protocol>.json`. */
export const documentsDir = resolve(
  process.env.NODEWIRE_OPENAPI_DIR ?? join(here, "..", "..", "schemas", "openapi"),
);

/** Every protocol with a document, in the order the checks report them. */
export const protocols = ["telemt", "nodepass", "kernel", "dash", "core"];

/** The path of each protocol's document; fails naming the first one missing. */
export function documents() {
  return protocols.map((protocol) => {
    const file = join(documentsDir, `${protocol}.json`);
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run \`nodewire schemas export\``);
    }
    return { protocol, file };
  });
}
