// Drives the mock servers with typed clients: openapi-fetch's `createClient<paths>()` over the
// types openapi-typescript generated from schemas/openapi/<protocol>.json. Every path, body,
// parameter and response field below is checked by tsc against those documents; at run time
// the middleware of conformance.ts checks every request body and every answer (status, media
// type, body) against the same documents, and the asserts check what each answer says.
//
// Usage (after `tsc -p tsconfig.json`): node generated/build/src/roundtrip.js, with
//   NODEWIRE_TELEMT_URL, NODEWIRE_TELEMT_AUTH      the telemt mock and its Authorization value
//   NODEWIRE_NODEPASS_URL, NODEWIRE_NODEPASS_KEY   the NodePass mock's API base and X-API-Key
//   NODEWIRE_KERNEL_URL, NODEWIRE_KERNEL_BASIC,    the kernel mock, its Basic `user:password`
//   NODEWIRE_KERNEL_TOKEN                          and its bearer control token

import assert from "node:assert/strict";

import createClient, { type Client } from "openapi-fetch";

import type { paths as KernelPaths } from "../generated/kernel.js";
import type {
  operations as NodePassOperations,
  paths as NodePassPaths,
} from "../generated/nodepass.js";
import type { operations as TelemtOperations, paths as TelemtPaths } from "../generated/telemt.js";
import type { JsonBody } from "./body.js";
import { Conformance } from "./conformance.js";
import { basic, env, show } from "./env.js";

/**
 * What a protocol's round trip drives: typed clients of its server, every answer of which is
 * checked against the protocol's document.
 */
interface Trip<Paths extends {}> {
  /** A client without a credential. */
  anonymous: Client<Paths>;
  /** A client sending `headers`; its request bodies are checked too unless `requests` is false. */
  sending(headers: Record<string, string>, requests?: boolean): Client<Paths>;
}

/**
 * Runs `trip` against the server at the URL in the environment variable `urlVariable`, then
 * prints what it did (what `trip` returns) and every answer checked.
 */
async function roundTrip<Paths extends {}>(
  protocol: string,
  urlVariable: string,
  trip: (clients: Trip<Paths>) => Promise<string>,
): Promise<void> {
  const baseUrl = env(urlVariable);
  const conformance = new Conformance(protocol);
  const sending = (headers: Record<string, string>, requests = true): Client<Paths> => {
    const client = createClient<Paths>({ baseUrl, headers });
    client.use(conformance.middleware({ requests }));
    return client;
  };
  const did = await trip({ anonymous: sending({}), sending });
  console.log(`${protocol}: ${did}`);
  console.log(`${protocol}: every answer as documented: ${conformance.checked.join(", ")}`);
}

/** telemt: create, list, patch and delete a user; a call without the credential is refused. */
async function telemt({ anonymous, sending }: Trip<TelemtPaths>): Promise<string> {
  const refused = await anonymous.GET("/v1/users");
  assert.equal(refused.response.status, 401, show(refused.error));
  assert.equal(refused.error?.ok, false);
  assert.equal(refused.error?.error.code, "unauthorized");

  const client = sending({ Authorization: env("NODEWIRE_TELEMT_AUTH") });

  const created = await client.POST("/v1/users", {
    body: {
      username: "openapi-bob",
      max_tcp_conns: 2,
      data_quota_bytes: 1_000_000,
    } satisfies JsonBody<TelemtOperations["CreateUser"]>,
  });
  assert.equal(created.response.status, 201, show(created.error));
  assert.ok(created.data, "POST /v1/users: no body");
  assert.equal(created.data.ok, true);
  assert.equal(created.data.data.user.username, "openapi-bob");
  assert.equal(created.data.data.user.max_tcp_conns, 2);
  assert.equal(created.data.data.user.data_quota_bytes, 1_000_000);
  assert.match(created.data.data.secret, /^[0-9a-f]{32}$/);
  assert.match(created.data.revision, /^[0-9a-f]{64}$/);

  const again = await client.POST("/v1/users", { body: { username: "openapi-bob" } });
  assert.equal(again.response.status, 409, show(again.data));
  assert.equal(again.error?.error.code, "user_exists");

  const listed = await client.GET("/v1/users");
  assert.equal(listed.response.status, 200, show(listed.error));
  assert.ok(listed.data, "GET /v1/users: no body");
  const names = listed.data.data.map((user) => user.username);
  assert.ok(names.includes("openapi-bob"), `GET /v1/users: ${names.join(", ")}`);

  const patched = await client.PATCH("/v1/users/{username}", {
    params: { path: { username: "openapi-bob" } },
    body: { max_tcp_conns: 8, data_quota_bytes: null } satisfies JsonBody<
      TelemtOperations["PatchUser"]
    >,
  });
  assert.equal(patched.response.status, 200, show(patched.error));
  assert.ok(patched.data, "PATCH /v1/users/{username}: no body");
  assert.equal(patched.data.data.username, "openapi-bob");
  assert.equal(patched.data.data.max_tcp_conns, 8);
  assert.equal(patched.data.data.data_quota_bytes ?? null, null);

  const deleted = await client.DELETE("/v1/users/{username}", {
    params: { path: { username: "openapi-bob" } },
  });
  assert.equal(deleted.response.status, 200, show(deleted.error));
  assert.ok(deleted.data, "DELETE /v1/users/{username}: no body");
  assert.equal(deleted.data.data.username, "openapi-bob");
  assert.equal(deleted.data.data.in_runtime, false);

  const gone = await client.GET("/v1/users/{username}", {
    params: { path: { username: "openapi-bob" } },
  });
  assert.equal(gone.response.status, 404, show(gone.data));
  assert.equal(gone.error?.error.code, "not_found");
  return "401 without the credential; create 201, 409 again; list; patch; delete; 404 after";
}

/** NodePass: create, list, update and delete an instance; a call without the key is refused. */
async function nodepass({ anonymous, sending }: Trip<NodePassPaths>): Promise<string> {
  const refused = await anonymous.GET("/instances");
  assert.equal(refused.response.status, 401, show(refused.data));
  assert.equal(refused.error?.error, "Unauthorized: API key required");

  const key = { "X-API-Key": env("NODEWIRE_NODEPASS_KEY") };
  const client = sending(key);

  const created = await client.POST("/instances", {
    body: {
      url: "server://:10101/127.0.0.1:8080",
      alias: "web",
    } satisfies JsonBody<NodePassOperations["CreateInstance"]>,
  });
  assert.equal(created.response.status, 201, show(created.error));
  assert.ok(created.data, "POST /instances: no body");
  assert.equal(created.data.alias, "web");
  assert.equal(created.data.type, "server");
  assert.equal(created.data.status, "stopped");
  assert.equal(created.data.url, "server://:10101/127.0.0.1:8080?log=info");
  const id = created.data.id;

  // A URL the document refuses (its pattern), sent anyway: the master's answer is checked.
  const unchecked = sending(key, false);
  const invalid = await unchecked.POST("/instances", { body: { url: "master://h:1/x" } });
  assert.equal(invalid.response.status, 400, show(invalid.data));
  assert.equal(invalid.error?.error, "Invalid URL scheme");

  const listed = await client.GET("/instances");
  assert.equal(listed.response.status, 200, show(listed.error));
  assert.ok(listed.data, "GET /instances: no body");
  const ids = listed.data.map((instance) => instance.id);
  assert.ok(ids.includes(id), `GET /instances: ${ids.join(", ")}`);

  const updated = await client.PATCH("/instances/{id}", {
    params: { path: { id } },
    body: {
      alias: "web-2",
      meta: { tags: { env: "test" } },
    } satisfies JsonBody<NodePassOperations["UpdateInstance"]>,
  });
  assert.equal(updated.response.status, 200, show(updated.error));
  assert.ok(updated.data, "PATCH /instances/{id}: no body");
  assert.equal(updated.data.id, id);
  assert.equal(updated.data.alias, "web-2");
  assert.equal(updated.data.meta.tags?.["env"], "test");

  const deleted = await client.DELETE("/instances/{id}", { params: { path: { id } } });
  assert.equal(deleted.response.status, 204, show(deleted.error));
  assert.equal(deleted.data, undefined);

  const gone = await client.GET("/instances/{id}", { params: { path: { id } } });
  assert.equal(gone.response.status, 404, show(gone.data));
  assert.equal(gone.error?.error, "Instance not found");
  return "401 without the key; create 201, 400 for a bad URL; list; update; delete 204; 404 after";
}

/** The kernel: its status route with Basic and bearer credentials, refused without. */
async function kernel({ anonymous, sending }: Trip<KernelPaths>): Promise<string> {
  const refused = await anonymous.GET("/v1/status");
  assert.equal(refused.response.status, 401, show(refused.data));
  assert.equal(refused.error?.code, "UNAUTHORIZED");

  const healthz = await anonymous.GET("/healthz", { parseAs: "text" });
  assert.equal(healthz.response.status, 200, show(healthz.error));
  assert.equal(healthz.data, "ok");

  const credentials = [
    ["Basic", basic(env("NODEWIRE_KERNEL_BASIC"))],
    ["bearer", `Bearer ${env("NODEWIRE_KERNEL_TOKEN")}`],
  ] as const;
  for (const [scheme, authorization] of credentials) {
    const client = sending({ Authorization: authorization });
    const status = await client.GET("/v1/status");
    assert.equal(status.response.status, 200, `${scheme}: ${show(status.error)}`);
    assert.ok(status.data, `GET /v1/status (${scheme}): no body`);
    assert.equal(typeof status.data.snapshot, "object");
    assert.ok(Array.isArray(status.data.snapshot.nodes ?? []));
  }
  return "401 without a credential; /healthz public; /v1/status with Basic and bearer";
}

await roundTrip("telemt", "NODEWIRE_TELEMT_URL", telemt);
await roundTrip("nodepass", "NODEWIRE_NODEPASS_URL", nodepass);
await roundTrip("kernel", "NODEWIRE_KERNEL_URL", kernel);
console.log("round trips: telemt, nodepass, kernel passed");
