// Checks every exchange of a typed client against the OpenAPI document its types came from,
// as openapi-fetch middleware: the request body against the operation's `requestBody`, and
// the answer's status, media type and body against its `responses` (the status itself, else
// its `4XX`/`5XX` range, else `default`). The types prove the client's code matches the
// document; this proves the server's answers do.

import { readFileSync } from "node:fs";

import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Middleware } from "openapi-fetch";

interface MediaTypeObject {
  schema?: unknown;
}

interface ResponseObject {
  content?: Record<string, MediaTypeObject>;
}

interface OperationObject {
  operationId?: string;
  requestBody?: { content?: Record<string, MediaTypeObject> };
  responses?: Record<string, ResponseObject>;
}

interface Document {
  paths?: Record<string, Record<string, OperationObject | undefined> | undefined>;
}

/** The directory of the documents: NODEWIRE_OPENAPI_DIR, else the repository's. */
function documentsDir(): URL {
  const dir = process.env["NODEWIRE_OPENAPI_DIR"];
  if (dir !== undefined && dir !== "") {
    return new URL(`file://${dir.endsWith("/") ? dir : `${dir}/`}`);
  }
  // This file runs from tests/openapi/generated/build/src/.
  return new URL("../../../../../schemas/openapi/", import.meta.url);
}

/** The media type without its parameters: `application/json; charset=utf-8` → `application/json`. */
function essence(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** Every `$ref` of `schema` made absolute against the document's `$id`. */
function absolute(schema: unknown, base: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => absolute(s, base));
  if (schema === null || typeof schema !== "object") return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string" && value.startsWith("#")
        ? `${base}${value}`
        : absolute(value, base),
    ]),
  );
}

/** A JSON Schema validator that knows the integer formats the documents use. */
function validator(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv);
  const ranges: Record<string, [number, number]> = {
    uint8: [0, 2 ** 8 - 1],
    uint16: [0, 2 ** 16 - 1],
    uint32: [0, 2 ** 32 - 1],
    uint64: [0, 2 ** 64 - 1],
    int16: [-(2 ** 15), 2 ** 15 - 1],
  };
  for (const [name, [min, max]] of Object.entries(ranges)) {
    ajv.addFormat(name, {
      type: "number",
      validate: (n: number) => Number.isInteger(n) && n >= min && n <= max,
    });
  }
  return ajv;
}

/** One protocol's document and what was checked against it. */
export class Conformance {
  private readonly ajv = validator();
  private readonly base: string;
  private readonly document: Document;
  private readonly compiled = new Map<string, ValidateFunction>();
  /** `operationId status` of every answer checked, in order. */
  readonly checked: string[] = [];

  constructor(readonly protocol: string) {
    const file = new URL(`${protocol}.json`, documentsDir());
    this.document = JSON.parse(readFileSync(file, "utf8")) as Document;
    this.base = `https://nodewire.invalid/openapi/${protocol}.json`;
    this.ajv.addSchema({ ...this.document, $id: this.base });
  }

  /**
   * The middleware to `use` on a client of this protocol; with `requests: false` it checks
   * only the answers (for a client that sends what the document refuses on purpose).
   */
  middleware({ requests = true }: { requests?: boolean } = {}): Middleware {
    return {
      onRequest: async ({ request, schemaPath }) => {
        const operation = this.operation(request.method, schemaPath);
        if (!requests) return;
        const text = await request.clone().text();
        if (text === "") return;
        const media = essence(request.headers.get("content-type"));
        const body = operation.requestBody?.content?.[media];
        if (body === undefined) {
          this.fail(request.method, schemaPath, `sends a ${media} body the document does not declare`);
        }
        this.validate(`${request.method} ${schemaPath} request`, body.schema, JSON.parse(text));
      },
      onResponse: async ({ request, response, schemaPath }) => {
        const operation = this.operation(request.method, schemaPath);
        const status = response.status;
        const responses = operation.responses ?? {};
        const key = [String(status), `${Math.floor(status / 100)}XX`, "default"].find(
          (k) => responses[k] !== undefined,
        );
        const declared = key === undefined ? undefined : responses[key];
        if (key === undefined || declared === undefined) {
          this.fail(request.method, schemaPath, `answered ${status}, which the document does not list`);
        }
        const where = `${request.method} ${schemaPath} ${status} (responses.${key})`;
        const text = await response.clone().text();
        const content = declared.content ?? {};
        if (Object.keys(content).length === 0) {
          if (text !== "") throw new Error(`${where}: a body where the document declares none: ${text}`);
        } else {
          const media = essence(response.headers.get("content-type"));
          const declaredMedia = content[media];
          if (declaredMedia === undefined) {
            throw new Error(
              `${where}: answered ${media || "no content type"}, the document declares ${Object.keys(content).join(", ")}`,
            );
          }
          if (media === "application/json") {
            this.validate(where, declaredMedia.schema, JSON.parse(text));
          }
        }
        this.checked.push(`${operation.operationId ?? schemaPath} ${status}`);
      },
    };
  }

  /** The operation of `method` at `path`; throws when the document has none. */
  private operation(method: string, path: string): OperationObject {
    const operation = this.document.paths?.[path]?.[method.toLowerCase()];
    if (operation === undefined) this.fail(method, path, "is not in the document");
    return operation;
  }

  /** Validates `value` against `schema`; throws with ajv's errors. */
  private validate(where: string, schema: unknown, value: unknown): void {
    if (schema === undefined) return;
    let validate = this.compiled.get(where);
    if (validate === undefined) {
      validate = this.ajv.compile(absolute(schema, this.base) as object);
      this.compiled.set(where, validate);
    }
    if (!validate(value)) {
      throw new Error(
        `${this.protocol} ${where}: the body does not match the document: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`,
      );
    }
  }

  private fail(method: string, path: string, what: string): never {
    throw new Error(`${this.protocol} ${method} ${path} ${what}`);
  }
}
