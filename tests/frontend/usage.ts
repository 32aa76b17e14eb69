// Uses the generated types on captured fixtures. Nothing here runs: `tsc --strict --noEmit`
// checks that each fixture, as TypeScript types a JSON module, fits the generated type of
// its route body, and that code reading those bodies type-checks.

import type * as Core from "./generated/core";
import type * as Dash from "./generated/dash";
import type * as Kernel from "./generated/kernel";
import type * as NodePass from "./generated/nodepass";
import type * as Telemt from "./generated/telemt";

import coreConfig from "../../crates/nodewire-core/tests/fixtures/GET_node_config_latest.response.json";
import coreHeartbeat from "../../crates/nodewire-core/tests/fixtures/POST_node_heartbeat.response.json";
import coreRegister from "../../crates/nodewire-core/tests/fixtures/POST_node_register.request.json";
import coreUnauthorized from "../../crates/nodewire-core/tests/fixtures/POST_node_heartbeat__err_unauthorized.response.json";
import dashIdentity from "../../crates/nodewire-dash/tests/fixtures/live-push/001-identity.response.json";
import dashMetrics from "../../crates/nodewire-dash/tests/fixtures/live-push/003-metrics.request.json";
import dashMetricsResponse from "../../crates/nodewire-dash/tests/fixtures/contract/metrics-with-update.response.json";
import dashUnauthorized from "../../crates/nodewire-dash/tests/fixtures/contract/error-401-unauthorized.response.json";
import kernelStatus from "../../crates/nodewire-kernel/tests/fixtures/StatusResponse--GET_v1_status--response200--minimal.json";
import kernelTraffic from "../../crates/nodewire-kernel/tests/fixtures/panel-docs--POST_api_v1_kernel_traffic--records.json";
import kernelUserCreate from "../../crates/nodewire-kernel/tests/fixtures/UserCreateRequest--POST_v1_users--request.json";
import kernelUsers from "../../crates/nodewire-kernel/tests/fixtures/UserViewArray--GET_v1_users--response200.json";
import nodepassCreate from "../../crates/nodewire-nodepass/tests/fixtures/v2.0.0-b10/create-server.request.json";
import nodepassInfo from "../../crates/nodewire-nodepass/tests/fixtures/v2.0.0-b10/info.response.json";
import nodepassInstances from "../../crates/nodewire-nodepass/tests/fixtures/v2.0.0-b10/instances-list.response.json";
import nodepassNotFound from "../../crates/nodewire-nodepass/tests/fixtures/v2.0.0-b10/instance-get-missing.response.json";
import telemtCreate from "../../crates/nodewire-telemt/tests/fixtures/POST_v1_users__minimal_generated_secret.request.json";
import telemtCreated from "../../crates/nodewire-telemt/tests/fixtures/POST_v1_users__minimal_generated_secret.response.json";
import telemtNotReady from "../../crates/nodewire-telemt/tests/fixtures/GET_v1_health_ready__not_ready_503.response.json";
import telemtUnauthorized from "../../crates/nodewire-telemt/tests/fixtures/GET_v1_users__err_missing_auth.response.json";
import telemtUsers from "../../crates/nodewire-telemt/tests/fixtures/GET_v1_users.response.json";

/**
 * `T` as TypeScript types a JSON module: literal types widen (`true` to `boolean`, `"ok"` to
 * `string`), since an imported `.json` file never has literal types.
 */
type AsJson<T> = T extends boolean
  ? boolean
  : T extends string
    ? string
    : T extends number
      ? number
      : T extends readonly (infer U)[]
        ? AsJson<U>[]
        : T extends object
          ? { [K in keyof T]: AsJson<T[K]> }
          : T;

// Every fixture fits the type of its route body.
export const fixtures = {
  coreConfig: coreConfig satisfies AsJson<Core.NodeConfig>,
  coreHeartbeat: coreHeartbeat satisfies AsJson<Core.HeartbeatResponse>,
  coreRegister: coreRegister satisfies AsJson<Core.RegisterNodeDto>,
  coreUnauthorized: coreUnauthorized satisfies AsJson<Core.ErrorResponse>,
  dashIdentity: dashIdentity satisfies AsJson<Dash.IdentityResponse>,
  dashMetrics: dashMetrics satisfies AsJson<Dash.NodeReport>,
  dashMetricsResponse: dashMetricsResponse satisfies AsJson<Dash.MetricsResponse>,
  dashUnauthorized: dashUnauthorized satisfies AsJson<Dash.ErrorResponse>,
  kernelStatus: kernelStatus satisfies AsJson<Kernel.StatusResponse>,
  kernelTraffic: kernelTraffic satisfies AsJson<Kernel.KernelTrafficReportRequest>,
  kernelUserCreate: kernelUserCreate satisfies AsJson<Kernel.UserCreateRequest>,
  kernelUsers: kernelUsers satisfies AsJson<Kernel.ListUsersResponseBody>,
  nodepassCreate: nodepassCreate satisfies AsJson<NodePass.CreateInstanceRequest>,
  nodepassInfo: nodepassInfo satisfies AsJson<NodePass.MasterInfo>,
  nodepassInstances: nodepassInstances satisfies AsJson<NodePass.ListInstancesResponseBody>,
  nodepassNotFound: nodepassNotFound satisfies AsJson<NodePass.ErrorResponse>,
  telemtCreate: telemtCreate satisfies AsJson<Telemt.CreateUserRequest>,
  telemtCreated: telemtCreated satisfies AsJson<Telemt.CreateUserResponseBody>,
  telemtNotReady: telemtNotReady satisfies AsJson<Telemt.GetHealthReadyResponseBody503>,
  telemtUnauthorized: telemtUnauthorized satisfies AsJson<Telemt.ErrorResponse>,
  telemtUsers: telemtUsers satisfies AsJson<Telemt.ListUsersResponseBody>,
};

// Code a panel would write against the generated types.

/** Live connections over all users of `GET /v1/users`. */
export function telemtConnections(body: Telemt.ListUsersResponseBody): number {
  return body.data.reduce((sum, user) => sum + user.current_connections, 0);
}

/** A telemt failure as one line; `code` is an open enum, so unknown codes are strings too. */
export function telemtError(body: Telemt.ErrorResponse): string {
  const code: string = body.error.code;
  return `${code}: ${body.error.message} (request ${body.request_id})`;
}

/** Readiness from either body `GET /v1/health/ready` answers with 503. */
export function telemtReady(body: Telemt.GetHealthReadyResponseBody503): boolean {
  return body.ok ? body.data.ready : false;
}

/** Running NodePass instances and their total TCP bytes received. */
export function nodepassRunning(instances: NodePass.ListInstancesResponseBody): [string, number][] {
  return instances
    .filter((i) => i.status === "running")
    .map((i): [string, number] => [i.alias || i.id, i.tcprx]);
}

/** What one NodePass event says, in a log line. */
export function nodepassEvent(event: NodePass.InstanceEvent): string {
  return `${event.time} ${event.type} ${event.instance?.id ?? "-"}`;
}

/** The ids of kernel users, sorted (every `UserView` field is optional). */
export function kernelUserIds(users: Kernel.ListUsersResponseBody): string[] {
  return users.flatMap((u) => (u.id === undefined ? [] : [u.id])).sort();
}

/** Whether Core asks the node to fetch its config. */
export function coreNeedsSync(body: Core.HeartbeatResponse): boolean {
  return body.needSync;
}

/** Dash's host name and CPU load of one report. */
export function dashSummary(report: Dash.NodeReport): string {
  return `${report.hostname}: ${report.metrics.cpu.load1}`;
}
