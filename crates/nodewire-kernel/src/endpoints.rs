//! Every operation of core.yaml as an [`Endpoint`] (26 paths, 36 operations).
//!
//! core.yaml has no `operationId`s; the type names follow each operation's summary. Build a
//! value, then hand it to a client (`client.send(&ListUsers::default()).await`) or convert it
//! yourself; servers go the other way with [`Endpoint::try_from_http_request`].
//!
//! ```
//! use nodewire_common::Endpoint;
//! use nodewire_kernel::endpoints::{GetTraffic, GetUser};
//! let call = GetTraffic { node: vec!["edge-1".into(), "edge 2".into()], protocol: vec![] };
//! let request = call.try_into_http_request("http://127.0.0.1:23860").unwrap();
//! assert_eq!(request.uri(), "http://127.0.0.1:23860/v1/traffic?node=edge-1&node=edge%202");
//! let request = GetUser::new("vip/001").try_into_http_request("http://k").unwrap();
//! assert_eq!(request.uri().path(), "/v1/users/vip%2F001");
//! ```
//!
//! Five operations use an `{id}` path segment that core.yaml does not declare as a parameter
//! (`GET /v1/protocols/{id}/users`, and `GET`/`PUT`/`PATCH`/`DELETE /v1/users/{id}`; contract
//! §1.3): here the segment is a parameter like any other.

use http::StatusCode;
use nodewire_common::endpoint::{IncomingParts, NoBody, Parameter};
use nodewire_common::{Endpoint, FromRequestError, InvalidRequest, ResponseBody};
use percent_encoding::percent_decode_str;

use crate::Kernel;
use crate::audit::{AuditHealthSnapshot, AuditRecord};
use crate::envelope::NoContent;
use crate::export::{ExportRequest, ExportResponse};
use crate::interfaces::InterfaceListResponse;
use crate::protocols::{ProtocolSummary, ProtocolUpsertRequest};
use crate::query::{Reader, Writer};
use crate::registrations::{
    EventRegistrationRecord, EventRegistrationRequest, EventSubscriptionRecord,
    ServiceEventRegistrationRequest,
};
use crate::rules::ProviderStatus;
use crate::security::{
    RateLimitOverrideRequest, RateLimitOverrideResponse, RateLimitOverrideScope,
    RateLimitOverridesSnapshot,
};
use crate::status::StatusResponse;
use crate::streams::{
    EventCategory, EventEnvelope, EventStreamEvent, StatusFrame, StatusStreamEvent, StreamMode,
};
use crate::tls::{TlsNodeDetail, TlsNodePatchRequest, TlsNodeSummary};
use crate::traffic::TrafficSummaryResponse;
use crate::users::{
    User, UserCreateRequest, UserCreateResponse, UserPatchRequest, UserPatchResponse, UserView,
    UsersImportResponse,
};
use crate::wire::Validate;

mod parameters;

use parameters as p;

fn param(
    parts: &IncomingParts<'_, impl Sized>,
    name: &'static str,
) -> Result<String, FromRequestError> {
    let raw = parts.params.require(name)?;
    percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| FromRequestError::PathParam {
            name,
            message: "not UTF-8 once percent-decoded".to_owned(),
        })
}

/// The strict check of a body the library sends ([`Validate`]).
fn strict<T: Validate>(body: &T) -> Result<(), InvalidRequest> {
    body.validate().map_err(InvalidRequest::Body)
}

macro_rules! get_endpoint {
    ($(#[doc = $doc:literal])* $name:ident, $path:literal, $resp:ty) => {
        nodewire_common::get_endpoint!(Kernel; $(#[doc = $doc])* $name, $path, $resp);
    };
}

macro_rules! body_endpoint {
    ($(#[doc = $doc:literal])* $name:ident, $method:ident, $path:literal, $req:ty, $resp:ty) => {
        nodewire_common::body_endpoint!(Kernel;
            $(#[doc = $doc])* $name, $method, $path, $req, $resp, validate strict
        );
    };
}

/// An operation on one `{id}` (or `{name}`) path segment without a body, its parameter
/// declared by `$decl`: `Json` for one answered with a JSON body; `NoContent` for one answered
/// `204` without a body.
macro_rules! id_endpoint {
    ($(#[doc = $doc:literal])* $name:ident, $method:ident, $path:literal, $param:literal = $decl:expr, $resp:ty, Json) => {
        id_endpoint!(@ $(#[doc = $doc])* $name, $method, $path, $param = $decl, $resp, []);
    };
    ($(#[doc = $doc:literal])* $name:ident, $method:ident, $path:literal, $param:literal = $decl:expr, $resp:ty, NoContent) => {
        id_endpoint!(@ $(#[doc = $doc])* $name, $method, $path, $param = $decl, $resp,
            [success &[StatusCode::NO_CONTENT], response ResponseBody::Empty,]);
    };
    (@ $(#[doc = $doc:literal])* $name:ident, $method:ident, $path:literal, $param:literal = $decl:expr, $resp:ty, [$($facts:tt)*]) => {
        nodewire_common::path_endpoint!(Kernel;
            $(#[doc = $doc])* $name, $method, $path,
            #[doc = concat!("The `{", $param, "}` path segment.")]
            id: String = param($param), $resp, $($facts)* parameters [$decl]
        );
    };
}

/// An operation on one `{id}` path segment with a JSON body, its parameter declared by
/// `$decl`.
macro_rules! id_body_endpoint {
    ($(#[doc = $doc:literal])* $name:ident, $method:ident, $path:literal, $decl:expr, $req:ty, $resp:ty) => {
        nodewire_common::path_body_endpoint!(Kernel;
            $(#[doc = $doc])* $name, $method, $path,
            /// The `{id}` path segment.
            id: String = param("id"), $req, $resp, parameters [$decl], validate strict
        );
    };
}

nodewire_common::get_endpoint!(Kernel;
    /// `GET /healthz`: liveness probe, `200 text/plain` `ok`. The only operation without auth.
    GetHealthz, "/healthz", String, description "Liveness probe (no auth).",
    response ResponseBody::text("text/plain"), public "core.yaml:17 (`security: []`)."
);

/// `GET /v1/status`: the runtime snapshot. Build one from [`GetStatus::default`] (every
/// section) and the setters.
///
/// ```
/// use nodewire_common::Endpoint;
/// use nodewire_kernel::endpoints::GetStatus;
/// let call = GetStatus::default().include("nodes").redact_users(true);
/// let request = call.try_into_http_request("http://127.0.0.1:23860").unwrap();
/// assert_eq!(request.uri().query(), Some("redact_users=true&include=nodes"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetStatus {
    /// `redact_users`: hide user identifiers and tags.
    pub redact_users: Option<bool>,
    /// `rate_limit_summary`: add the rate-limit summary.
    pub rate_limit_summary: Option<bool>,
    /// `include`: comma-separated sections (`nodes,metrics,users` or `all`).
    pub include: Option<String>,
    /// `fields`: an alias of `include`.
    pub fields: Option<String>,
}

impl GetStatus {
    nodewire_common::setters! {
        /// Hides user identifiers and tags (`redact_users`).
        redact_users(value: bool);
        /// Adds the rate-limit summary (`rate_limit_summary`).
        rate_limit_summary(value: bool);
        /// Only these comma-separated sections (`include=nodes`, `all`), as the panel asks for
        /// `nodes`.
        include(value: impl Into<String>);
        /// `fields`, an alias of [`include`](Self::include).
        fields(value: impl Into<String>);
    }
}

impl Endpoint for GetStatus {
    nodewire_common::endpoint_head!(Kernel, Unary, NoBody => StatusResponse,
        GetStatus, GET, "/v1/status", None, "The runtime snapshot.");
    const PARAMETERS: &'static [Parameter] = &[
        p::REDACT_USERS,
        p::RATE_LIMIT_SUMMARY,
        p::INCLUDE,
        p::FIELDS,
    ];

    fn query(&self) -> Option<String> {
        Writer::default()
            .display("redact_users", self.redact_users)
            .display("rate_limit_summary", self.rate_limit_summary)
            .str("include", self.include.as_deref())
            .str("fields", self.fields.as_deref())
            .finish()
    }

    fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
        let q = Reader::parse(parts.query)?;
        Ok(Self {
            redact_users: q.bool("redact_users")?,
            rate_limit_summary: q.bool("rate_limit_summary")?,
            include: q.str("include"),
            fields: q.str("fields"),
        })
    }
}

/// `GET /v1/traffic`: traffic totals, optionally only for some nodes and protocols.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetTraffic {
    /// `node=…` (repeated): only these nodes.
    pub node: Vec<String>,
    /// `protocol=…` (repeated): only these protocols.
    pub protocol: Vec<String>,
}

impl GetTraffic {
    /// Only these nodes (`node=…`, repeated).
    #[must_use]
    pub fn node<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.node = ids.into_iter().map(Into::into).collect();
        self
    }

    /// Only these protocols (`protocol=…`, repeated).
    #[must_use]
    pub fn protocol<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.protocol = names.into_iter().map(Into::into).collect();
        self
    }
}

impl Endpoint for GetTraffic {
    nodewire_common::endpoint_head!(Kernel, Unary, NoBody => TrafficSummaryResponse,
        GetTraffic, GET, "/v1/traffic", None, "Traffic totals.");
    const PARAMETERS: &'static [Parameter] = &[p::NODE, p::PROTOCOL];

    fn query(&self) -> Option<String> {
        Writer::default()
            .all("node", &self.node)
            .all("protocol", &self.protocol)
            .finish()
    }

    fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
        let q = Reader::parse(parts.query)?;
        Ok(Self {
            node: q.all("node"),
            protocol: q.all("protocol"),
        })
    }
}

/// The query of the two status streams.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusStreamQuery {
    /// `interval`: push period in seconds, 1 to 60.
    pub interval: Option<u32>,
    /// `mode`: `full` or `diff`.
    pub mode: Option<StreamMode>,
    /// `events`: comma-separated categories (`runtime,node,service`).
    pub events: Option<String>,
    /// `include`: field pruning, as for `GET /v1/status`.
    pub include: Option<String>,
    /// `fields`: an alias of `include`.
    pub fields: Option<String>,
    /// `redact_users`.
    pub redact_users: Option<bool>,
    /// `rate_limit_summary`.
    pub rate_limit_summary: Option<bool>,
}

/// Joins categories for an `events=` filter.
pub fn events_filter(categories: &[EventCategory]) -> String {
    categories
        .iter()
        .map(EventCategory::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// Splits an `events=` filter into categories (empty entries dropped).
pub fn parse_events_filter(filter: &str) -> Vec<EventCategory> {
    filter
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(EventCategory::from)
        .collect()
}

impl StatusStreamQuery {
    nodewire_common::setters! {
        /// Sets the push period in seconds (`interval`, 1 to 60).
        interval(value: u32);
        /// Sets the mode (`full` or `diff`).
        mode(value: StreamMode);
        /// Only these comma-separated categories (`events`; see [`events_filter`]).
        events(value: impl Into<String>);
        /// Prunes the frames to these sections (`include`).
        include(value: impl Into<String>);
        /// `fields`, an alias of [`include`](Self::include).
        fields(value: impl Into<String>);
        /// Hides user identifiers and tags (`redact_users`).
        redact_users(value: bool);
        /// Adds the rate-limit summary (`rate_limit_summary`).
        rate_limit_summary(value: bool);
    }

    fn write(&self) -> Option<String> {
        Writer::default()
            .display("interval", self.interval)
            .str("mode", self.mode.as_ref().map(StreamMode::as_str))
            .str("events", self.events.as_deref())
            .str("include", self.include.as_deref())
            .str("fields", self.fields.as_deref())
            .display("redact_users", self.redact_users)
            .display("rate_limit_summary", self.rate_limit_summary)
            .finish()
    }

    /// The kernel's rules: `interval` within 1 to 60 seconds, `mode` `full` or `diff`.
    pub fn validate(&self) -> Result<(), InvalidRequest> {
        if let Some(i) = self.interval
            && !(1..=60).contains(&i)
        {
            return Err(InvalidRequest::query(
                "interval",
                format!("`interval` must be 1 to 60 seconds, got {i}"),
            ));
        }
        if let Some(mode) = &self.mode
            && !mode.is_known()
        {
            return Err(InvalidRequest::query(
                "mode",
                format!("`mode` must be full or diff, got `{mode}`"),
            ));
        }
        Ok(())
    }

    fn read(query: Option<&str>) -> Result<Self, FromRequestError> {
        let q = Reader::parse(query)?;
        Ok(Self {
            interval: q.parse_as("interval", "an integer")?,
            mode: q.str("mode").map(StreamMode::from),
            events: q.str("events"),
            include: q.str("include"),
            fields: q.str("fields"),
            redact_users: q.bool("redact_users")?,
            rate_limit_summary: q.bool("rate_limit_summary")?,
        })
    }
}

macro_rules! status_stream {
    ($(#[doc = $doc:literal])* $name:ident, $path:literal, $resp:ty, $(success $success:expr,)? response $response:expr) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $name {
            /// The query.
            pub query: StatusStreamQuery,
        }

        impl $name {
            /// The stream with `query` ([`default`](Self::default) sends none).
            pub fn new(query: StatusStreamQuery) -> Self {
                Self { query }
            }
        }

        impl Endpoint for $name {
            nodewire_common::endpoint_head!(Kernel, Streaming, NoBody => $resp,
                $name, GET, $path, None, concat!($($doc),*));
            $(const SUCCESS: &'static [StatusCode] = $success;)?
            const RESPONSE: ResponseBody = $response;
            const PARAMETERS: &'static [Parameter] = p::STATUS_STREAM;

            fn query(&self) -> Option<String> {
                self.query.write()
            }

            fn validate(&self) -> Result<(), InvalidRequest> {
                self.query.validate()
            }

            fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
                Ok(Self { query: StatusStreamQuery::read(parts.query)? })
            }
        }
    };
}

status_stream!(
    /// `GET /v1/status/stream`: status frames as Server-Sent Events
    /// ([`StatusFrame`]s). Follow it with
    /// [`StreamDecoder`](crate::streams::StreamDecoder).
    StatusStream, "/v1/status/stream", Vec<StatusStreamEvent>,
    response ResponseBody::event_stream::<StatusFrame>()
);
status_stream!(
    /// `GET /v1/status/ws`: the status stream over WebSocket (`101`). Hand the request to a
    /// WebSocket client; decode messages with
    /// [`decode_status_message`](crate::streams::decode_status_message).
    StatusWs, "/v1/status/ws", NoContent,
    success &[StatusCode::SWITCHING_PROTOCOLS], response ResponseBody::WebSocket
);

macro_rules! events_stream {
    ($(#[doc = $doc:literal])* $name:ident, $path:literal, $resp:ty, $(success $success:expr,)? response $response:expr) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $name {
            /// `events`: comma-separated categories (`node,service,runtime`); see
            /// [`events_filter`].
            pub events: Option<String>,
        }

        impl $name {
            /// Only these comma-separated categories (see [`events_filter`]).
            #[must_use]
            pub fn events(mut self, value: impl Into<String>) -> Self {
                self.events = Some(value.into());
                self
            }
        }

        impl Endpoint for $name {
            nodewire_common::endpoint_head!(Kernel, Streaming, NoBody => $resp,
                $name, GET, $path, None, concat!($($doc),*));
            $(const SUCCESS: &'static [StatusCode] = $success;)?
            const RESPONSE: ResponseBody = $response;
            const PARAMETERS: &'static [Parameter] = &[p::EVENTS];

            fn query(&self) -> Option<String> {
                Writer::default().str("events", self.events.as_deref()).finish()
            }

            fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
                Ok(Self { events: Reader::parse(parts.query)?.str("events") })
            }
        }
    };
}

events_stream!(
    /// `GET /v1/events/stream`: node and service events as Server-Sent Events
    /// ([`EventEnvelope`]s).
    EventsStream, "/v1/events/stream", Vec<EventStreamEvent>,
    response ResponseBody::event_stream::<EventEnvelope>()
);
events_stream!(
    /// `GET /v1/events/ws`: the event stream over WebSocket (`101`); decode messages with
    /// [`decode_event_message`](crate::streams::decode_event_message).
    EventsWs, "/v1/events/ws", NoContent,
    success &[StatusCode::SWITCHING_PROTOCOLS], response ResponseBody::WebSocket
);

get_endpoint!(
    /// `GET /v1/interfaces`: the host's network interfaces.
    ListInterfaces, "/v1/interfaces", InterfaceListResponse
);
get_endpoint!(
    /// `GET /v1/rules/providers`: rule providers.
    ListProviders, "/v1/rules/providers", Vec<ProviderStatus>
);
id_endpoint!(
    /// `POST /v1/rules/providers/{name}/refresh`: refetch a provider (no body).
    RefreshProvider, POST, "/v1/rules/providers/{name}/refresh", "name" = p::PROVIDER_NAME,
    ProviderStatus, Json
);
get_endpoint!(
    /// `GET /v1/tls/nodes`: TLS nodes.
    ListTlsNodes, "/v1/tls/nodes", Vec<TlsNodeSummary>
);
id_endpoint!(
    /// `GET /v1/tls/nodes/{id}`: one TLS node.
    GetTlsNode, GET, "/v1/tls/nodes/{id}", "id" = p::TLS_NODE_ID, TlsNodeDetail, Json
);
id_body_endpoint!(
    /// `PATCH /v1/tls/nodes/{id}`: set a TLS node's `tls` and `inner` sections.
    PatchTlsNode, PATCH, "/v1/tls/nodes/{id}", p::TLS_NODE_ID, TlsNodePatchRequest,
    TlsNodeDetail
);

/// `GET /v1/audit`: audit events, filtered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListAudit {
    /// `limit`: at most this many.
    pub limit: Option<u64>,
    /// `since_ms`: only events at or after this Unix millisecond.
    pub since_ms: Option<u64>,
    /// `success`: only successes (`true`) or failures (`false`).
    pub success: Option<bool>,
    /// `action`: only this action.
    pub action: Option<String>,
    /// `actor`: only this actor.
    pub actor: Option<String>,
    /// `target`: only this target.
    pub target: Option<String>,
}

impl ListAudit {
    nodewire_common::setters! {
        /// At most this many events (`limit`).
        limit(value: u64);
        /// Only events at or after this Unix millisecond (`since_ms`).
        since_ms(value: u64);
        /// Only successes (`true`) or failures (`false`).
        success(value: bool);
        /// Only this action.
        action(value: impl Into<String>);
        /// Only this actor.
        actor(value: impl Into<String>);
        /// Only this target.
        target(value: impl Into<String>);
    }
}

impl Endpoint for ListAudit {
    nodewire_common::endpoint_head!(Kernel, Unary, NoBody => Vec<AuditRecord>,
        ListAudit, GET, "/v1/audit", None, "Audit events.");
    const PARAMETERS: &'static [Parameter] = &[
        p::LIMIT,
        p::SINCE_MS,
        p::SUCCESS,
        p::ACTION,
        p::ACTOR,
        p::TARGET,
    ];

    fn query(&self) -> Option<String> {
        Writer::default()
            .display("limit", self.limit)
            .display("since_ms", self.since_ms)
            .display("success", self.success)
            .str("action", self.action.as_deref())
            .str("actor", self.actor.as_deref())
            .str("target", self.target.as_deref())
            .finish()
    }

    fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
        let q = Reader::parse(parts.query)?;
        Ok(Self {
            limit: q.parse_as("limit", "an integer")?,
            since_ms: q.parse_as("since_ms", "an integer")?,
            success: q.bool("success")?,
            action: q.str("action"),
            actor: q.str("actor"),
            target: q.str("target"),
        })
    }
}

get_endpoint!(
    /// `GET /v1/audit/health`: the audit pipeline's health.
    GetAuditHealth, "/v1/audit/health", AuditHealthSnapshot
);
get_endpoint!(
    /// `GET /v1/security/rate-limits`: every rate-limit override.
    GetRateLimits, "/v1/security/rate-limits", RateLimitOverridesSnapshot
);
body_endpoint!(
    /// `POST /v1/security/rate-limits`: set an override.
    SetRateLimit, POST, "/v1/security/rate-limits", RateLimitOverrideRequest, RateLimitOverrideResponse
);

/// `DELETE /v1/security/rate-limits?scope=…&key=…`: remove an override (`204`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteRateLimit {
    /// `scope` (required): endpoint or identity.
    pub scope: RateLimitOverrideScope,
    /// `key` (required): the path or identity.
    pub key: String,
}

impl Endpoint for DeleteRateLimit {
    nodewire_common::endpoint_head!(Kernel, Unary, NoBody => NoContent,
        DeleteRateLimit, DELETE, "/v1/security/rate-limits", None, "Remove a rate-limit override.");
    const SUCCESS: &'static [StatusCode] = &[StatusCode::NO_CONTENT];
    const RESPONSE: ResponseBody = ResponseBody::Empty;
    const PARAMETERS: &'static [Parameter] = &[p::SCOPE, p::KEY];

    fn query(&self) -> Option<String> {
        Writer::default()
            .str("scope", Some(self.scope.as_str()))
            .str("key", Some(&self.key))
            .finish()
    }

    /// `scope` must be `endpoint` or `identity`.
    fn validate(&self) -> Result<(), InvalidRequest> {
        if self.scope.is_known() {
            Ok(())
        } else {
            Err(InvalidRequest::query("scope", unknown_scope(&self.scope)))
        }
    }

    /// The kernel reads `scope` into its enum, so an unknown label fails while decoding.
    fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
        let q = Reader::parse(parts.query)?;
        let scope = RateLimitOverrideScope::from(q.require("scope")?);
        if !scope.is_known() {
            return Err(FromRequestError::Query(unknown_scope(&scope)));
        }
        Ok(Self {
            scope,
            key: q.require("key")?,
        })
    }
}

fn unknown_scope(scope: &RateLimitOverrideScope) -> String {
    format!("`scope` must be endpoint or identity, got `{scope}`")
}

get_endpoint!(
    /// `GET /v1/events/registrations`: node-event callbacks.
    ListEventRegistrations, "/v1/events/registrations", Vec<EventRegistrationRecord>
);
body_endpoint!(
    /// `POST /v1/events/registrations`: register a node-event callback.
    RegisterEvent, POST, "/v1/events/registrations", EventRegistrationRequest, EventRegistrationRecord
);
id_endpoint!(
    /// `DELETE /v1/events/registrations/{id}`: remove a node-event callback (`204`).
    DeleteEventRegistration, DELETE, "/v1/events/registrations/{id}",
    "id" = p::EVENT_REGISTRATION_ID, NoContent, NoContent
);
get_endpoint!(
    /// `GET /v1/service-events/registrations`: service-event callbacks.
    ListServiceEventRegistrations, "/v1/service-events/registrations", Vec<EventSubscriptionRecord>
);
body_endpoint!(
    /// `POST /v1/service-events/registrations`: register a service-event callback.
    RegisterServiceEvent, POST, "/v1/service-events/registrations", ServiceEventRegistrationRequest, EventSubscriptionRecord
);
id_endpoint!(
    /// `DELETE /v1/service-events/registrations/{id}`: remove a service-event callback (`204`).
    DeleteServiceEventRegistration, DELETE, "/v1/service-events/registrations/{id}",
    "id" = p::SERVICE_REGISTRATION_ID, NoContent, NoContent
);
get_endpoint!(
    /// `GET /v1/protocols`: every node.
    ListProtocols, "/v1/protocols", Vec<ProtocolSummary>
);
body_endpoint!(
    /// `POST /v1/protocols`: create or replace a node.
    UpsertProtocol, POST, "/v1/protocols", ProtocolUpsertRequest, ProtocolSummary
);
id_endpoint!(
    /// `DELETE /v1/protocols/{id}`: stop and remove a node (`204`).
    DeleteProtocol, DELETE, "/v1/protocols/{id}", "id" = p::PROTOCOL_ID, NoContent, NoContent
);

/// `GET /v1/protocols/{id}/users`: a node's users (core.yaml omits the `id` parameter).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListProtocolUsers {
    /// The node id.
    pub id: String,
    /// `all`: include users not bound to the node.
    pub all: Option<bool>,
    /// `redact`: hide usernames, tags and limits.
    pub redact: Option<bool>,
}

impl ListProtocolUsers {
    /// The users of node `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            ..Self::default()
        }
    }

    nodewire_common::setters! {
        /// Also lists the users not bound to the node (`all`).
        all(value: bool);
        /// Hides usernames, tags and limits (`redact`).
        redact(value: bool);
    }
}

impl Endpoint for ListProtocolUsers {
    nodewire_common::endpoint_head!(Kernel, Unary, NoBody => Vec<UserView>,
        ListProtocolUsers, GET, "/v1/protocols/{id}/users", None, "A node's users.");
    const PARAMETERS: &'static [Parameter] = &[p::PROTOCOL_ID, p::ALL, p::REDACT];

    fn path_params(&self) -> Vec<&str> {
        vec![self.id.as_str()]
    }

    fn query(&self) -> Option<String> {
        Writer::default()
            .display("all", self.all)
            .display("redact", self.redact)
            .finish()
    }

    fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
        let q = Reader::parse(parts.query)?;
        Ok(Self {
            id: param(&parts, "id")?,
            all: q.bool("all")?,
            redact: q.bool("redact")?,
        })
    }
}

/// `GET /v1/users`: every user, without passwords.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListUsers {
    /// `redact`: hide usernames, tags and limits.
    pub redact: Option<bool>,
}

impl ListUsers {
    /// Hides usernames, tags and limits (`redact`).
    #[must_use]
    pub fn redact(mut self, value: bool) -> Self {
        self.redact = Some(value);
        self
    }
}

impl Endpoint for ListUsers {
    nodewire_common::endpoint_head!(Kernel, Unary, NoBody => Vec<UserView>,
        ListUsers, GET, "/v1/users", None, "Every user, without passwords.");
    const PARAMETERS: &'static [Parameter] = &[p::REDACT];

    fn query(&self) -> Option<String> {
        Writer::default().display("redact", self.redact).finish()
    }

    fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
        Ok(Self {
            redact: Reader::parse(parts.query)?.bool("redact")?,
        })
    }
}

body_endpoint!(
    /// `POST /v1/users`: create a user.
    CreateUser, POST, "/v1/users", UserCreateRequest, UserCreateResponse
);
body_endpoint!(
    /// `POST /v1/users/import`: **replace** the whole user snapshot with these users.
    ImportUsers, POST, "/v1/users/import", Vec<User>, UsersImportResponse
);

/// `GET /v1/users/{id}`: one user (core.yaml omits the `id` parameter).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetUser {
    /// The user id.
    pub id: String,
    /// `redact`: hide the username, tags and limits.
    pub redact: Option<bool>,
}

impl GetUser {
    /// The user `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            redact: None,
        }
    }

    /// Hides the username, tags and limits (`redact`).
    #[must_use]
    pub fn redact(mut self, value: bool) -> Self {
        self.redact = Some(value);
        self
    }
}

impl Endpoint for GetUser {
    nodewire_common::endpoint_head!(Kernel, Unary, NoBody => UserView,
        GetUser, GET, "/v1/users/{id}", None, "One user.");
    const PARAMETERS: &'static [Parameter] = &[p::USER_ID, p::REDACT];

    fn path_params(&self) -> Vec<&str> {
        vec![self.id.as_str()]
    }

    fn query(&self) -> Option<String> {
        Writer::default().display("redact", self.redact).finish()
    }

    fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
        Ok(Self {
            id: param(&parts, "id")?,
            redact: Reader::parse(parts.query)?.bool("redact")?,
        })
    }
}

id_body_endpoint!(
    /// `PUT /v1/users/{id}`: update a user (core.yaml omits the `id` parameter).
    UpdateUser, PUT, "/v1/users/{id}", p::USER_ID, UserPatchRequest, UserPatchResponse
);
id_body_endpoint!(
    /// `PATCH /v1/users/{id}`: update a user incrementally (core.yaml omits the `id`
    /// parameter).
    PatchUser, PATCH, "/v1/users/{id}", p::USER_ID, UserPatchRequest, UserPatchResponse
);
id_endpoint!(
    /// `DELETE /v1/users/{id}`: remove a user (`204`; core.yaml omits the `id` parameter).
    DeleteUser, DELETE, "/v1/users/{id}", "id" = p::USER_ID, NoContent, NoContent
);
body_endpoint!(
    /// `POST /v1/export`: write the running configuration to a file on the kernel host.
    Export, POST, "/v1/export", ExportRequest, ExportResponse
);

/// Calls `$f!` once with every kernel endpoint type, in core.yaml order.
#[macro_export]
#[doc(hidden)]
macro_rules! __with_kernel_endpoints {
    ($f:ident) => {
        $f! {
            GetHealthz,
            GetStatus,
            GetTraffic,
            StatusStream,
            StatusWs,
            EventsStream,
            EventsWs,
            ListInterfaces,
            ListProviders,
            RefreshProvider,
            ListTlsNodes,
            GetTlsNode,
            PatchTlsNode,
            ListAudit,
            GetAuditHealth,
            GetRateLimits,
            SetRateLimit,
            DeleteRateLimit,
            ListEventRegistrations,
            RegisterEvent,
            DeleteEventRegistration,
            ListServiceEventRegistrations,
            RegisterServiceEvent,
            DeleteServiceEventRegistration,
            ListProtocols,
            UpsertProtocol,
            DeleteProtocol,
            ListProtocolUsers,
            ListUsers,
            CreateUser,
            ImportUsers,
            GetUser,
            UpdateUser,
            PatchUser,
            DeleteUser,
            Export,
        }
    };
}
