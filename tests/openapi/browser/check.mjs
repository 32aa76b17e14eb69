// Loads each protocol's reference page (made by build-docs.mjs) in headless Chromium and finds
// every operation of the protocol's OpenAPI document on it: it follows every entry of Redoc's
// sidebar (opening each group) and, for each path and method of the document, requires an
// operation section that shows that method and path. Fails listing the operations
// missing, any request the page makes that leaves the machine (anything but file:, data:,
// about: and the page's own blob: objects), and any uncaught error in the page.
//
//   node browser/check.mjs [PAGES_DIR]     (default: target/openapi-reference)
//
// The browser is the system's Chromium (CHROMIUM, default /usr/bin/chromium: Debian's
// `chromium` package), driven by playwright-core; nothing is downloaded.

import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { documents } from "../documents.mjs";
import { defaultOutputDir } from "../build-docs.mjs";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const LOCAL = /^(file|data|about|blob):/;
const RENDER_TIMEOUT_MS = 60_000;
const SECTION_TIMEOUT_MS = 15_000;

/** Every operation of an OpenAPI document: `{ method: "GET", path, operationId }`. */
export function operations(document) {
  const found = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (operation) found.push({ method: method.toUpperCase(), path, operationId: operation.operationId });
    }
  }
  return found;
}

/** Redoc's sidebar entries: the routes of its groups (tags) and of its operations. */
function sidebarLinks() {
  const route = (item) => item.querySelector("a[href]")?.getAttribute("href")?.replace(/^#/, "");
  const items = (type) => [
    ...document.querySelectorAll(`[data-component-name="Menu/MenuItem"].menu-item-type-${type}`),
  ];
  return {
    groups: items("group").map(route).filter(Boolean),
    operations: items("operation").map(route).filter(Boolean),
  };
}

/**
 * The `METHOD path` pairs the operation section `id` shows, or `null` while it shows none:
 * Redoc prints the method badge and the path on consecutive lines of the request panel, and
 * renders a section only near the viewport, so this is read after navigating to it.
 */
function shownPairs(id) {
  const section = document.getElementById(id);
  if (!section || section.getAttribute("data-item-kind") !== "httpItem") return null;
  const methods = new Set(["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]);
  const lines = section.innerText.split("\n").map((line) => line.trim()).filter(Boolean);
  const pairs = lines.flatMap((line, i) =>
    methods.has(line) && lines[i + 1]?.startsWith("/") ? [`${line} ${lines[i + 1]}`] : [],
  );
  return pairs.length > 0 ? pairs : null;
}

/**
 * Checks one page as a reader would use it: opens every group of the sidebar, follows every
 * operation entry and reads the method and path the operation's section shows. Returns
 * `{ expected, entries, missing, remote, errors }`.
 */
async function checkPage(context, { protocol, file }, pagesDir) {
  const document = JSON.parse(readFileSync(file, "utf8"));
  const expected = operations(document);
  const pageFile = join(pagesDir, `${protocol}.html`);
  if (!existsSync(pageFile)) {
    throw new Error(`${pageFile} is missing: run \`node build-docs.mjs\` first`);
  }
  const url = pathToFileURL(pageFile).href;

  const page = await context.newPage();
  const remote = [];
  const errors = [];
  page.on("request", (request) => {
    if (!LOCAL.test(request.url())) remote.push(request.url());
  });
  page.on("pageerror", (error) => errors.push(error.message));

  await page.goto(url, { waitUntil: "load" });
  // Redoc hydrates the prerendered page: wait for its sidebar.
  await page.waitForSelector('[data-component-name="Menu/MenuItem"]', { timeout: RENDER_TIMEOUT_MS });

  // Open every group (a tag's page lists its operations in the sidebar once opened).
  const visited = new Set();
  const entries = new Set();
  for (;;) {
    const { groups, operations: found } = await page.evaluate(sidebarLinks);
    for (const entry of found) entries.add(entry);
    const next = groups.find((group) => !visited.has(group));
    if (next === undefined) break;
    visited.add(next);
    await page.goto(`${url}#${next}`);
    await page.waitForLoadState("networkidle");
  }

  // Follow every operation entry; Redoc scrolls to the section and renders it.
  const shown = new Set();
  for (const entry of entries) {
    await page.goto(`${url}#${entry}`);
    const id = entry.replace(/^\//, "");
    const pairs = await page
      .waitForFunction(shownPairs, id, { timeout: SECTION_TIMEOUT_MS })
      .then((handle) => handle.jsonValue())
      .catch(() => []);
    for (const pair of pairs) shown.add(pair);
  }
  await page.waitForLoadState("networkidle");
  await page.close();

  const missing = expected.filter(({ method, path }) => !shown.has(`${method} ${path}`));
  return { expected, entries: entries.size, missing, remote, errors };
}

/** Checks every protocol's page in `pagesDir`; returns whether all passed. */
export async function checkPages(pagesDir = defaultOutputDir) {
  const userDataDir = mkdtempSync(join(tmpdir(), "nodewire-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  let ok = true;
  try {
    for (const doc of documents()) {
      const { expected, entries, missing, remote, errors } = await checkPage(context, doc, pagesDir);
      const found = expected.length - missing.length;
      const passed = missing.length === 0 && remote.length === 0 && errors.length === 0 && expected.length > 0;
      ok &&= passed;
      console.log(
        `${doc.protocol.padEnd(9)} ${found}/${expected.length} operations found ` +
          `(${entries} sidebar entries followed)${passed ? "" : "  FAILED"}`,
      );
      if (expected.length === 0) console.log("  the document has no operation");
      for (const { method, path, operationId } of missing) {
        console.log(`  missing: ${method} ${path} (${operationId ?? "no operationId"})`);
      }
      for (const url of [...new Set(remote)]) console.log(`  network request: ${url}`);
      for (const message of errors) console.log(`  page error: ${message}`);
    }
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  return ok;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? "")).href) {
  const ok = await checkPages(resolve(process.argv[2] ?? defaultOutputDir));
  if (!ok) {
    console.error("the reference pages do not show every operation offline");
    process.exit(1);
  }
}
