// Calls the generated types must refuse. Never run: tsc compiles it with the round trips, and
// each `@ts-expect-error` fails the build when the line under it compiles, so a wrong field
// or route name that the types let through (types that decayed to `any`, a document that
// lost a field's type) breaks the check.

import createClient from "openapi-fetch";

import type { paths as KernelPaths } from "../generated/kernel.js";
import type {
  operations as NodePassOperations,
  paths as NodePassPaths,
} from "../generated/nodepass.js";
import type { operations as TelemtOperations, paths as TelemtPaths } from "../generated/telemt.js";
import type { JsonBody } from "./body.js";

/** Misspelt fields, routes and parameters, and wrong types; each line must fail to compile. */
export async function refusedByTheTypes(): Promise<void> {
  const telemt = createClient<TelemtPaths>({});
  // @ts-expect-error `max_tcp_conn` is not a field of CreateUserRequest.
  await telemt.POST("/v1/users", { body: { username: "bob", max_tcp_conn: 1 } satisfies JsonBody<TelemtOperations["CreateUser"]> });
  // @ts-expect-error `username` is required.
  await telemt.POST("/v1/users", { body: { max_tcp_conns: 1 } });
  // @ts-expect-error `max_tcp_conns` is a number.
  await telemt.PATCH("/v1/users/{username}", { params: { path: { username: "bob" } }, body: { max_tcp_conns: "8" } });
  // @ts-expect-error the `username` path parameter is required.
  await telemt.DELETE("/v1/users/{username}", {});
  // @ts-expect-error there is no `/v1/user` route.
  await telemt.GET("/v1/user");
  // @ts-expect-error telemt has no `PUT /v1/users`.
  await telemt.PUT("/v1/users", { body: {} });
  const users = await telemt.GET("/v1/users");
  // @ts-expect-error a UserInfo has `username`, not `name`.
  users.data?.data[0]?.name;

  const nodepass = createClient<NodePassPaths>({});
  // @ts-expect-error `uri` is not a field of CreateInstanceRequest.
  await nodepass.POST("/instances", { body: { url: "server://:1/h:2", uri: "x" } satisfies JsonBody<NodePassOperations["CreateInstance"]> });
  // @ts-expect-error `action` is one of the master's actions.
  await nodepass.PATCH("/instances/{id}", { params: { path: { id: "a" } }, body: { action: "explode" } });
  const instances = await nodepass.GET("/instances");
  // @ts-expect-error an Instance has `alias`, not `name`.
  instances.data?.[0]?.name;

  const kernel = createClient<KernelPaths>({});
  const status = await kernel.GET("/v1/status");
  // @ts-expect-error a status answer has `snapshot`, not `status`.
  status.data?.status;
}
