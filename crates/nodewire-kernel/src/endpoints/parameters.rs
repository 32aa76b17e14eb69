//! The path and query parameters of the operations ([`Endpoint::PARAMETERS`]), in core.yaml's
//! words, with the values the kernel accepts.
//!
//! [`Endpoint::PARAMETERS`]: nodewire_common::Endpoint::PARAMETERS

use nodewire_common::endpoint::Parameter;
use schemars::Schema;

use crate::security::RateLimitOverrideScope;
use crate::streams::StreamMode;

/// `interval` of the status streams: whole seconds from 1 to 60 (core.yaml:110).
fn interval_schema() -> Schema {
    schemars::json_schema!({ "type": "integer", "minimum": 1, "maximum": 60 })
}

/// `mode` of the status streams: a label core.yaml lists (core.yaml:115).
fn mode_schema() -> Schema {
    schemars::json_schema!({ "type": "string", "enum": StreamMode::KNOWN })
}

/// `scope` of `DELETE /v1/security/rate-limits`: a `RateLimitOverrideScope` label; the kernel
/// refuses any other (core.yaml:478).
fn scope_schema() -> Schema {
    schemars::json_schema!({ "type": "string", "enum": RateLimitOverrideScope::KNOWN })
}

pub(super) const REDACT_USERS: Parameter =
    Parameter::query::<bool>("redact_users", "Hide user identifiers and tags.");
pub(super) const RATE_LIMIT_SUMMARY: Parameter = Parameter::query::<bool>(
    "rate_limit_summary",
    "Add the summary of the rate-limit overrides.",
);
pub(super) const INCLUDE: Parameter = Parameter::query::<String>(
    "include",
    "Field pruning: comma-separated sections (`nodes,metrics,users`) or `all`.",
);
pub(super) const FIELDS: Parameter = Parameter::query::<String>("fields", "An alias of `include`.");
pub(super) const NODE: Parameter = Parameter::query::<Vec<String>>(
    "node",
    "Keep only these nodes (the parameter repeated, `node=a&node=b`).",
);
pub(super) const PROTOCOL: Parameter = Parameter::query::<Vec<String>>(
    "protocol",
    "Keep only these protocols (the parameter repeated, `protocol=a&protocol=b`).",
);
pub(super) const INTERVAL: Parameter =
    Parameter::query::<u32>("interval", "Push period in seconds, 1 to 60.")
        .with_schema(interval_schema);
pub(super) const MODE: Parameter = Parameter::query::<StreamMode>(
    "mode",
    "`full` (a whole snapshot each push) or `diff` (the changes only).",
)
.with_schema(mode_schema);
pub(super) const EVENTS: Parameter = Parameter::query::<String>(
    "events",
    "Event filter: comma-separated categories (`runtime`, `node`, `service`).",
);
pub(super) const LIMIT: Parameter =
    Parameter::query::<u64>("limit", "At most this many audit records.");
pub(super) const SINCE_MS: Parameter = Parameter::query::<u64>(
    "since_ms",
    "Only records at or after this Unix time, in milliseconds.",
);
pub(super) const SUCCESS: Parameter = Parameter::query::<bool>(
    "success",
    "Only successful (`true`) or failed (`false`) actions.",
);
pub(super) const ACTION: Parameter =
    Parameter::query::<String>("action", "Only records of this action.");
pub(super) const ACTOR: Parameter =
    Parameter::query::<String>("actor", "Only records of this actor.");
pub(super) const TARGET: Parameter =
    Parameter::query::<String>("target", "Only records about this target.");
pub(super) const SCOPE: Parameter = Parameter::required_query::<RateLimitOverrideScope>(
    "scope",
    "What the override applies to: `endpoint` (an API path) or `identity` (a caller).",
)
.with_schema(scope_schema);
pub(super) const KEY: Parameter = Parameter::required_query::<String>(
    "key",
    "The API path (`/v1/users`) or caller (`ip:127.0.0.1`) of the override.",
);
pub(super) const ALL: Parameter =
    Parameter::query::<bool>("all", "Also list the users not bound to the node.");
pub(super) const REDACT: Parameter =
    Parameter::query::<bool>("redact", "Hide usernames, tags and limits.");

/// The query of `/v1/status/stream` and `/v1/status/ws`, in core.yaml's order.
pub(super) const STATUS_STREAM: &[Parameter] = &[
    INTERVAL,
    MODE,
    EVENTS,
    INCLUDE,
    FIELDS,
    REDACT_USERS,
    RATE_LIMIT_SUMMARY,
];

pub(super) const PROVIDER_NAME: Parameter =
    Parameter::path::<String>("name", "The rule provider's name (`ProviderStatus.name`).");
pub(super) const TLS_NODE_ID: Parameter =
    Parameter::path::<String>("id", "The TLS node's id (`TlsNodeSummary.id`).");
pub(super) const EVENT_REGISTRATION_ID: Parameter = Parameter::path::<String>(
    "id",
    "The node-event registration's id (`EventRegistrationRecord.id`).",
);
pub(super) const SERVICE_REGISTRATION_ID: Parameter = Parameter::path::<String>(
    "id",
    "The service-event registration's id (`EventSubscriptionRecord.id`).",
);
pub(super) const PROTOCOL_ID: Parameter =
    Parameter::path::<String>("id", "The node's id (`ProtocolSummary.id`).");
pub(super) const USER_ID: Parameter = Parameter::path::<String>(
    "id",
    "The user's id (`User.id`); core.yaml uses the segment without declaring it.",
);
