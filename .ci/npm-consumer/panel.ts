// What a panel's frontend writes with @nodewire/schemas: typed calls through openapi-fetch.
// .ci/npm-pack compiles this under tsc --strict against the packed package.
import createClient from "openapi-fetch";
import type { components, paths } from "@nodewire/schemas/types/telemt";
import type { nodepass } from "@nodewire/schemas";

type UserInfo = components["schemas"]["UserInfo"];

const telemt = createClient<paths>({
  baseUrl: "http://127.0.0.1:9091",
  headers: { Authorization: "the telemt auth header value" },
});

/** Every user's name and live connections. */
export async function users(): Promise<Array<[string, number]>> {
  const { data, error } = await telemt.GET("/v1/users");
  if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
  return data.data.map((user: UserInfo) => [user.username, user.current_connections]);
}

/** One user, by name: the path parameter is typed. */
export async function user(username: string): Promise<UserInfo | undefined> {
  const { data } = await telemt.GET("/v1/users/{username}", { params: { path: { username } } });
  return data?.data;
}

/** A create: the body is the typed `CreateUserRequest`. */
export async function create(username: string): Promise<boolean> {
  const { response } = await telemt.POST("/v1/users", { body: { username } });
  return response.ok;
}

export function wrongCalls(): void {
  // @ts-expect-error: not a telemt route
  void telemt.GET("/v1/no-such-route");
  // @ts-expect-error: the path parameter is required
  void telemt.GET("/v1/users/{username}", {});
  // @ts-expect-error: `username` is required in a create
  void telemt.POST("/v1/users", { body: {} });
}

// Every protocol is also a namespace of the package's root.
const master = createClient<nodepass.paths>({
  baseUrl: "http://127.0.0.1:9090/api/v1",
  headers: { "X-API-Key": "the master's key" },
});

/** How many instances a NodePass master runs. */
export async function instances(): Promise<number> {
  const { data } = await master.GET("/instances");
  return data?.length ?? 0;
}
