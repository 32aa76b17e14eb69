//! Every route of the telemt `/v1` API as an [`Endpoint`] (contract §5: 38 method + path
//! pairs; four paths also answer under a snake_case alias).
//!
//! Build a value, then either hand it to a client (`client.send(ListUsers).await`) or convert
//! it yourself with [`Endpoint::try_into_http_request`] and decode the answer with
//! [`Endpoint::try_from_http_response`]. Servers go the other way with
//! [`Endpoint::try_from_http_request`] and [`Endpoint::try_into_http_response`].
//!
//! ```
//! use nodewire_common::Endpoint;
//! use nodewire_telemt::endpoints::DeleteUser;
//! use nodewire_telemt::users::Username;
//! let call = DeleteUser::new(Username::new("bob").unwrap()).if_match("ab12");
//! let req = call.try_into_http_request("http://127.0.0.1:9091").unwrap();
//! assert_eq!(req.uri(), "http://127.0.0.1:9091/v1/users/bob");
//! assert_eq!(req.headers()["if-match"], "\"ab12\"");
//! ```

use http::{HeaderMap, StatusCode, header};
use nodewire_common::endpoint::{IncomingParts, NoBody, Parameter};
use nodewire_common::version::VersionHistory;
use nodewire_common::{DecodeError, Endpoint, FromRequestError, IntoRequestError, InvalidRequest};

use crate::Telemt;
use crate::config::{ConfigPatch, EditableConfig, PatchConfigResponse};
use crate::envelope::{Revision, parse_if_match};
use crate::health::{HealthData, HealthReadyData};
use crate::limits::EffectiveLimitsData;
use crate::reload::{ReloadAccepted, ReloadFailurePolicy, ReloadMode, ReloadRequest, ReloadStatus};
use crate::runtime::{
    RuntimeEdgeConnectionsSummaryData, RuntimeEdgeEventsData, RuntimeEdgeTlsFingerprintsData,
    RuntimeGatesData, RuntimeInitializationData, RuntimeMePoolStateData, RuntimeMeQualityData,
    RuntimeMeSelftestData, RuntimeNatStunData, RuntimeUpstreamQualityData,
};
use crate::security::{SecurityPostureData, SecurityWhitelistData};
use crate::stats::{
    DcStatusData, MeWritersData, MinimalAllData, SummaryData, UpstreamsData, ZeroAllData,
};
use crate::system::SystemInfoData;
use crate::users::{
    CreateUserRequest, CreateUserResponse, DeleteUserResponse, PatchUserRequest,
    ResetUserQuotaResponse, RotateSecretRequest, UserActiveIps, UserInfo, UserQuotaListData,
    Username,
};

nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/health`: liveness.
    GetHealth, "/v1/health", [], HealthData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/health/ready`: readiness; `503` with `ok: true` when not ready (and with the
    /// error envelope when the API is disabled).
    GetHealthReady, "/v1/health/ready", HealthReadyData,
    description "`GET /v1/health/ready`: readiness; `503` with `ok: true` when not ready.",
    success_or_error &[StatusCode::SERVICE_UNAVAILABLE]
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/system/info`: build and process facts.
    GetSystemInfo, "/v1/system/info", [], SystemInfoData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/runtime/gates`: admission and routing gates.
    GetRuntimeGates, "/v1/runtime/gates", [], RuntimeGatesData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/runtime/initialization`: startup progress per component.
    GetRuntimeInitialization, "/v1/runtime/initialization", [], RuntimeInitializationData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/limits/effective`: the effective limits of the running config.
    GetEffectiveLimits, "/v1/limits/effective", [], EffectiveLimitsData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/security/posture`: API and telemetry security settings.
    GetSecurityPosture, "/v1/security/posture", [], SecurityPostureData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/security/whitelist`: the API source-IP whitelist.
    GetSecurityWhitelist, "/v1/security/whitelist", [], SecurityWhitelistData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/stats/summary`: connection totals.
    GetStatsSummary, "/v1/stats/summary", [], SummaryData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/stats/zero/all`: every zero-cost counter.
    GetStatsZeroAll, "/v1/stats/zero/all", [], ZeroAllData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/stats/upstreams`: upstream health and counters.
    GetStatsUpstreams, "/v1/stats/upstreams", [], UpstreamsData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/stats/minimal/all`: the minimal runtime snapshot (cached).
    GetStatsMinimalAll, "/v1/stats/minimal/all", [], MinimalAllData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/stats/me-writers`: middle-proxy writers.
    GetStatsMeWriters, "/v1/stats/me-writers", [], MeWritersData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/stats/dcs`: per-DC status.
    GetStatsDcs, "/v1/stats/dcs", [], DcStatusData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/runtime/me_pool_state`; the alias `me-pool-state` exists since 3.4.13, so the client sends the
    /// underscore form every release serves.
    GetRuntimeMePoolState, "/v1/runtime/me_pool_state", ["/v1/runtime/me-pool-state"], RuntimeMePoolStateData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/runtime/me_quality`; the alias `me-quality` exists since 3.4.13, so the client sends the
    /// underscore form every release serves.
    GetRuntimeMeQuality, "/v1/runtime/me_quality", ["/v1/runtime/me-quality"], RuntimeMeQualityData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/runtime/upstream_quality`; the alias `upstream-quality` exists since 3.4.13, so the client sends the
    /// underscore form every release serves.
    GetRuntimeUpstreamQuality, "/v1/runtime/upstream_quality", ["/v1/runtime/upstream-quality"], RuntimeUpstreamQualityData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/runtime/nat_stun`; the alias `nat-stun` exists since 3.4.13, so the client sends the
    /// underscore form every release serves.
    GetRuntimeNatStun, "/v1/runtime/nat_stun", ["/v1/runtime/nat-stun"], RuntimeNatStunData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/runtime/me-selftest`: middle-proxy self test.
    GetRuntimeMeSelftest, "/v1/runtime/me-selftest", [], RuntimeMeSelftestData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/runtime/connections/summary`: live connection summary (needs `runtime_edge_enabled`).
    GetRuntimeConnectionsSummary, "/v1/runtime/connections/summary", [], RuntimeEdgeConnectionsSummaryData
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/stats/users/active-ips`: users with at least one active IP, sorted by name.
    GetStatsUsersActiveIps, "/v1/stats/users/active-ips", [], Vec<UserActiveIps>
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/users`: every user, read from disk, sorted by name.
    ListUsers, "/v1/users", [], Vec<UserInfo>
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/stats/users`: an exact alias of `GET /v1/users`.
    GetStatsUsers, "/v1/stats/users", [], Vec<UserInfo>
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/stats/users/quota`: users with a quota above 0.
    GetStatsUsersQuota, "/v1/stats/users/quota", [], UserQuotaListData, since "3.4.13"
);
nodewire_common::get_endpoint!(Telemt;
    /// `GET /v1/config`: the editable sections of the config file.
    GetConfig, "/v1/config", [], EditableConfig, since "3.4.16"
);

/// The server's `limit` query rule (`runtime_edge.rs:372-386`): split on `&`, the first
/// `limit=<usize>` that parses wins, anything else is ignored.
pub fn parse_limit(query: Option<&str>) -> Option<u64> {
    query?
        .split('&')
        .filter_map(|pair| pair.strip_prefix("limit="))
        .find_map(|v| v.parse::<u64>().ok())
}

/// The `limit` values the server uses (`runtime_edge.rs:372-386`): it clamps any other
/// `usize` into this range.
fn limit_schema() -> schemars::Schema {
    schemars::json_schema!({ "type": "integer", "minimum": 1, "maximum": 1000 })
}

/// `?limit=` of `GET /v1/runtime/events/recent`.
const EVENTS_LIMIT: Parameter = Parameter::query::<u64>(
    "limit",
    "At most this many events (default 50), clamped to 1..=1000 and to the buffer's capacity; \
     a value that does not parse is ignored.",
)
.with_schema(limit_schema);

/// `?limit=` of `GET /v1/runtime/tls-fingerprints`.
const FINGERPRINTS_LIMIT: Parameter = Parameter::query::<u64>(
    "limit",
    "At most this many rows per top (default `runtime_edge_top_n`), clamped to 1..=1000; a \
     value that does not parse is ignored.",
)
.with_schema(limit_schema);

/// The release history of a route: as old as 3.4.11, or added in `since`.
macro_rules! history {
    () => {
        VersionHistory::ALWAYS
    };
    ($since:literal) => {
        VersionHistory::added_in($since)
    };
}

macro_rules! limit_endpoint {
    ($(#[doc = $doc:literal])* $name:ident, $path:literal, $resp:ty, $limit:expr $(, since $since:literal)?) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct $name {
            /// `?limit=N`; the server clamps it to `1..=1000`.
            pub limit: Option<u64>,
        }

        impl $name {
            /// Asks for at most `n` entries (`?limit=n`).
            #[must_use]
            pub fn limit(mut self, n: u64) -> Self {
                self.limit = Some(n);
                self
            }
        }

        impl Endpoint for $name {
            nodewire_common::endpoint_head!(Telemt, Unary, NoBody => $resp,
                $name, GET, $path, None, concat!($($doc),*));
            const HISTORY: VersionHistory = history!($($since)?);
            const PARAMETERS: &'static [Parameter] = &[$limit];

            fn query(&self) -> Option<String> {
                self.limit.map(|n| format!("limit={n}"))
            }

            fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
                Ok(Self { limit: parse_limit(parts.query) })
            }
        }
    };
}

limit_endpoint!(
    /// `GET /v1/runtime/events/recent?limit=N`: recent API and runtime events (default 50).
    GetRuntimeEventsRecent, "/v1/runtime/events/recent", RuntimeEdgeEventsData, EVENTS_LIMIT
);
limit_endpoint!(
    /// `GET /v1/runtime/tls-fingerprints?limit=N`: TLS fingerprint tops (default `runtime_edge_top_n`).
    GetRuntimeTlsFingerprints, "/v1/runtime/tls-fingerprints", RuntimeEdgeTlsFingerprintsData,
    FINGERPRINTS_LIMIT, since "3.4.14"
);

/// The `{username}` of a user's routes.
const USERNAME: Parameter = Parameter::path::<Username>(
    "username",
    "The user: 1..=64 characters of [A-Za-z0-9_.-], never percent-decoded (400 `bad_request` \
     otherwise).",
);

fn username_param(parts: &IncomingParts<'_, impl Sized>) -> Result<Username, FromRequestError> {
    Username::new(parts.params.require("username")?).map_err(|e| FromRequestError::PathParam {
        name: "username",
        message: e.message,
    })
}

fn if_match_param(headers: &HeaderMap) -> Option<Revision> {
    parse_if_match(headers).map(Revision::new)
}

fn put_if_match(
    headers: &mut HeaderMap,
    if_match: &Option<Revision>,
) -> Result<(), IntoRequestError> {
    if let Some(revision) = if_match {
        let value = revision
            .to_if_match()
            .map_err(|e| IntoRequestError::Invalid(format!("If-Match: {e}")))?;
        headers.insert(header::IF_MATCH, value);
    }
    Ok(())
}

nodewire_common::path_endpoint!(Telemt;
    /// `GET /v1/users/{username}`: one user (404 `not_found` "User not found").
    GetUser, GET, "/v1/users/{username}",
    /// The user.
    username: Username = username_param, UserInfo,
    description "Get one user.",
    parameters [USERNAME]
);

/// The statuses of a user mutator (contract §5): `200` when the username is in the running
/// config, `202` while it is not yet (or still is, for a delete).
const USER_MUTATOR: &[StatusCode] = &[StatusCode::OK, StatusCode::ACCEPTED];

macro_rules! user_action {
    ($(#[doc = $doc:literal])* $name:ident, $method:ident, $path:literal, $resp:ty, success $success:expr $(, since $since:literal)?) => {
        $(#[doc = $doc])*
        ///
        /// Honours `If-Match`: set [`if_match`](Self::if_match) to make it conditional on the
        /// config revision (409 `revision_conflict` on mismatch).
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            /// The user.
            pub username: Username,
            /// Sent as `If-Match`.
            pub if_match: Option<Revision>,
        }

        impl $name {
            /// The call for `username`, unconditional.
            pub fn new(username: Username) -> Self {
                Self { username, if_match: None }
            }

            /// Makes the call conditional on `revision`: a `&Revision`, or the `&str` of
            /// `Answered::revision`.
            #[must_use]
            pub fn if_match(mut self, revision: impl Into<Revision>) -> Self {
                self.if_match = Some(revision.into());
                self
            }
        }

        impl Endpoint for $name {
            nodewire_common::endpoint_head!(Telemt, Unary, NoBody => $resp,
                $name, $method, $path, None, concat!($($doc),*));
            const HISTORY: VersionHistory = history!($($since)?);
            const SUCCESS: &'static [StatusCode] = $success;
            const PARAMETERS: &'static [Parameter] = &[USERNAME];

            fn path_params(&self) -> Vec<&str> {
                vec![self.username.as_str()]
            }

            fn headers(&self, headers: &mut HeaderMap) -> Result<(), IntoRequestError> {
                put_if_match(headers, &self.if_match)
            }

            fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
                Ok(Self {
                    username: username_param(&parts)?,
                    if_match: if_match_param(parts.headers),
                })
            }
        }
    };
}

user_action!(
    /// `DELETE /v1/users/{username}`: 200 when the user is no longer in the running config,
    /// 202 while it still is; 409 `last_user_forbidden` for the last user.
    DeleteUser, DELETE, "/v1/users/{username}", DeleteUserResponse, success USER_MUTATOR
);
user_action!(
    /// `POST /v1/users/{username}/enable` (body ignored).
    EnableUser, POST, "/v1/users/{username}/enable", UserInfo, success USER_MUTATOR, since "3.4.14"
);
user_action!(
    /// `POST /v1/users/{username}/disable` (body ignored; also cancels live sessions).
    DisableUser, POST, "/v1/users/{username}/disable", UserInfo, success USER_MUTATOR, since "3.4.14"
);
user_action!(
    /// `POST /v1/users/{username}/reset-quota` (body ignored; the config is not changed).
    ResetUserQuota, POST, "/v1/users/{username}/reset-quota", ResetUserQuotaResponse,
    success &[StatusCode::OK]
);

/// `POST /v1/users`: 201 when the username is already in the running config, else 202;
/// 409 `user_exists`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateUser {
    /// The body.
    pub body: CreateUserRequest,
    /// Sent as `If-Match`.
    pub if_match: Option<Revision>,
}

impl CreateUser {
    /// Creates a user, unconditionally.
    pub fn new(body: CreateUserRequest) -> Self {
        Self {
            body,
            if_match: None,
        }
    }

    /// Makes the call conditional on `revision`: a `&Revision`, or the `&str` of
    /// `Answered::revision`.
    #[must_use]
    pub fn if_match(mut self, revision: impl Into<Revision>) -> Self {
        self.if_match = Some(revision.into());
        self
    }
}

impl Endpoint for CreateUser {
    nodewire_common::endpoint_head!(Telemt, Unary, CreateUserRequest => CreateUserResponse,
        CreateUser, POST, "/v1/users", Required, "Create a user.");
    /// `201` when the username is already in the running config, else `202`.
    const SUCCESS: &'static [StatusCode] = &[StatusCode::CREATED, StatusCode::ACCEPTED];

    fn headers(&self, headers: &mut HeaderMap) -> Result<(), IntoRequestError> {
        put_if_match(headers, &self.if_match)
    }

    fn body(&self) -> Option<&CreateUserRequest> {
        Some(&self.body)
    }

    fn from_parts(parts: IncomingParts<'_, CreateUserRequest>) -> Result<Self, FromRequestError> {
        let if_match = if_match_param(parts.headers);
        let body = nodewire_common::server::require_body(parts.body)?;
        Ok(Self { body, if_match })
    }
}

/// `PATCH /v1/users/{username}`: a merge patch; 200 when the user is in the running config,
/// else 202.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchUser {
    /// The user.
    pub username: Username,
    /// The patch.
    pub body: PatchUserRequest,
    /// Sent as `If-Match`.
    pub if_match: Option<Revision>,
}

impl PatchUser {
    /// Patches `username`, unconditionally.
    pub fn new(username: Username, body: PatchUserRequest) -> Self {
        Self {
            username,
            body,
            if_match: None,
        }
    }

    /// Makes the call conditional on `revision`: a `&Revision`, or the `&str` of
    /// `Answered::revision`.
    #[must_use]
    pub fn if_match(mut self, revision: impl Into<Revision>) -> Self {
        self.if_match = Some(revision.into());
        self
    }
}

impl Endpoint for PatchUser {
    nodewire_common::endpoint_head!(Telemt, Unary, PatchUserRequest => UserInfo,
        PatchUser, PATCH, "/v1/users/{username}", Required, "Patch a user (JSON Merge Patch).");
    const SUCCESS: &'static [StatusCode] = USER_MUTATOR;
    const PARAMETERS: &'static [Parameter] = &[USERNAME];

    fn path_params(&self) -> Vec<&str> {
        vec![self.username.as_str()]
    }

    fn headers(&self, headers: &mut HeaderMap) -> Result<(), IntoRequestError> {
        put_if_match(headers, &self.if_match)
    }

    fn body(&self) -> Option<&PatchUserRequest> {
        Some(&self.body)
    }

    fn from_parts(parts: IncomingParts<'_, PatchUserRequest>) -> Result<Self, FromRequestError> {
        let username = username_param(&parts)?;
        let if_match = if_match_param(parts.headers);
        let body = nodewire_common::server::require_body(parts.body)?;
        Ok(Self {
            username,
            body,
            if_match,
        })
    }
}

/// `POST /v1/users/{username}/rotate-secret`: sets the given secret or generates one. The body
/// is optional.
#[derive(Debug, Clone, PartialEq)]
pub struct RotateSecret {
    /// The user.
    pub username: Username,
    /// The body; `None` sends no body (a generated secret).
    pub body: Option<RotateSecretRequest>,
    /// Sent as `If-Match`.
    pub if_match: Option<Revision>,
}

impl RotateSecret {
    /// Rotates to a generated secret.
    pub fn new(username: Username) -> Self {
        Self {
            username,
            body: None,
            if_match: None,
        }
    }

    /// Rotates to `secret`.
    #[must_use]
    pub fn to(mut self, secret: crate::users::UserSecret) -> Self {
        self.body = Some(RotateSecretRequest {
            secret: nodewire_common::Patch::Value(secret),
        });
        self
    }

    /// Makes the call conditional on `revision`: a `&Revision`, or the `&str` of
    /// `Answered::revision`.
    #[must_use]
    pub fn if_match(mut self, revision: impl Into<Revision>) -> Self {
        self.if_match = Some(revision.into());
        self
    }
}

impl Endpoint for RotateSecret {
    nodewire_common::endpoint_head!(Telemt, Unary, RotateSecretRequest => CreateUserResponse,
        RotateSecret, POST,
        "/v1/users/{username}/rotate-secret", Optional, "Rotate a user's secret.");
    const SUCCESS: &'static [StatusCode] = USER_MUTATOR;
    const PARAMETERS: &'static [Parameter] = &[USERNAME];

    fn path_params(&self) -> Vec<&str> {
        vec![self.username.as_str()]
    }

    fn headers(&self, headers: &mut HeaderMap) -> Result<(), IntoRequestError> {
        put_if_match(headers, &self.if_match)
    }

    fn body(&self) -> Option<&RotateSecretRequest> {
        self.body.as_ref()
    }

    fn from_parts(parts: IncomingParts<'_, RotateSecretRequest>) -> Result<Self, FromRequestError> {
        Ok(Self {
            username: username_param(&parts)?,
            if_match: if_match_param(parts.headers),
            body: parts.body,
        })
    }
}

/// The query of `PATCH /v1/config` (`reload.rs:58-104`): a reload to submit after the write.
const RELOAD_QUERY: &[Parameter] = &[
    Parameter::query::<ReloadMode>(
        "reload",
        "Submit a reload after the write: `instant` or `drain`; required when `timeout_secs` or \
         `failure_policy` is given.",
    )
    .with_schema(|| schemars::json_schema!({ "type": "string", "enum": ["instant", "drain"] })),
    Parameter::query::<u64>(
        "timeout_secs",
        "How long the old generation drains, in seconds: required with `reload=drain`, refused \
         with `instant`.",
    )
    .with_schema(|| schemars::json_schema!({ "type": "integer", "minimum": 1, "maximum": 3600 })),
    Parameter::query::<ReloadFailurePolicy>(
        "failure_policy",
        "What a failed reload does: `keep_new` (the default) or `rollback`.",
    )
    .with_schema(|| schemars::json_schema!({ "type": "string", "enum": ["keep_new", "rollback"] })),
];

/// `PATCH /v1/config[?reload=…]`: deep-merges editable sections into the config file; 202
/// when a reload was submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchConfig {
    /// The patch.
    pub body: ConfigPatch,
    /// A reload to submit after the write (`?reload=…`).
    pub reload: Option<ReloadRequest>,
    /// Sent as `If-Match`.
    pub if_match: Option<Revision>,
}

impl PatchConfig {
    /// Patches the config without a reload.
    pub fn new(body: ConfigPatch) -> Self {
        Self {
            body,
            reload: None,
            if_match: None,
        }
    }

    nodewire_common::setters! {
        /// Submits `reload` after the write.
        reload(reload: ReloadRequest);
        /// Makes the call conditional on `revision`: a `&Revision`, or the `&str` of
        /// `Answered::revision`.
        if_match(revision: impl Into<Revision>);
    }
}

impl Endpoint for PatchConfig {
    nodewire_common::endpoint_head!(Telemt, Unary, ConfigPatch => PatchConfigResponse,
        PatchConfig, PATCH, "/v1/config", Required, "Patch the editable config sections.");
    const HISTORY: VersionHistory = VersionHistory::added_in("3.4.16");
    /// `202` when a reload was submitted.
    const SUCCESS: &'static [StatusCode] = &[StatusCode::OK, StatusCode::ACCEPTED];
    const PARAMETERS: &'static [Parameter] = RELOAD_QUERY;

    fn query(&self) -> Option<String> {
        self.reload.as_ref().map(ReloadRequest::to_query)
    }

    /// The reload's rules (`reload.rs:47-55`), as the server applies them to the query.
    fn validate(&self) -> Result<(), InvalidRequest> {
        match &self.reload {
            Some(reload) => reload
                .validate()
                .map_err(|message| InvalidRequest::query("reload", message)),
            None => Ok(()),
        }
    }

    fn headers(&self, headers: &mut HeaderMap) -> Result<(), IntoRequestError> {
        put_if_match(headers, &self.if_match)
    }

    fn body(&self) -> Option<&ConfigPatch> {
        Some(&self.body)
    }

    /// telemt refuses a bad `reload` query before it reads the body.
    fn admit(uri: &http::Uri) -> Result<(), FromRequestError> {
        ReloadRequest::from_query(uri.query().unwrap_or(""))
            .map(drop)
            .map_err(FromRequestError::Query)
    }

    fn from_parts(parts: IncomingParts<'_, ConfigPatch>) -> Result<Self, FromRequestError> {
        let reload = ReloadRequest::from_query(parts.query.unwrap_or(""))
            .map_err(FromRequestError::Query)?;
        let if_match = if_match_param(parts.headers);
        let body = nodewire_common::server::require_body(parts.body)?;
        Ok(Self {
            body,
            reload,
            if_match,
        })
    }
}

/// `POST /v1/system/reload`: submits a Maestro reload (202). The body is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubmitReload {
    /// The body; `None` sends no body (an instant reload).
    pub body: Option<ReloadRequest>,
    /// Sent as `If-Match`.
    pub if_match: Option<Revision>,
}

impl SubmitReload {
    /// Submits `request`.
    pub fn new(request: ReloadRequest) -> Self {
        Self {
            body: Some(request),
            if_match: None,
        }
    }

    /// Makes the call conditional on `revision`: a `&Revision`, or the `&str` of
    /// `Answered::revision`.
    #[must_use]
    pub fn if_match(mut self, revision: impl Into<Revision>) -> Self {
        self.if_match = Some(revision.into());
        self
    }
}

impl Endpoint for SubmitReload {
    nodewire_common::endpoint_head!(Telemt, Unary, ReloadRequest => ReloadAccepted,
        SubmitReload, POST, "/v1/system/reload", Optional, "Submit a runtime reload.");
    const HISTORY: VersionHistory = VersionHistory::added_in("3.4.25");
    const SUCCESS: &'static [StatusCode] = &[StatusCode::ACCEPTED];

    /// The server's rules for a reload body (`reload.rs:47-55`).
    fn validate_body(body: &ReloadRequest) -> Result<(), DecodeError> {
        body.validate().map_err(DecodeError::root)
    }

    fn headers(&self, headers: &mut HeaderMap) -> Result<(), IntoRequestError> {
        put_if_match(headers, &self.if_match)
    }

    fn body(&self) -> Option<&ReloadRequest> {
        self.body.as_ref()
    }

    fn from_parts(parts: IncomingParts<'_, ReloadRequest>) -> Result<Self, FromRequestError> {
        Ok(Self {
            body: parts.body,
            if_match: if_match_param(parts.headers),
        })
    }
}

/// `GET /v1/system/reload/{id}`: one reload's status (404 `reload_not_found`; a non-numeric
/// id is an unknown route).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetReloadStatus {
    /// The reload id.
    pub reload_id: u64,
}

impl Endpoint for GetReloadStatus {
    nodewire_common::endpoint_head!(Telemt, Unary, NoBody => ReloadStatus,
        GetReloadStatus, GET, "/v1/system/reload/{id}", None, "Get a reload's status.");
    const HISTORY: VersionHistory = VersionHistory::added_in("3.4.25");
    const PARAMETERS: &'static [Parameter] = &[Parameter::path::<u64>(
        "id",
        "The `reload_id` `POST /v1/system/reload` answered; a value that is not a u64 is an \
         unknown route (404 `not_found`).",
    )];

    fn path(&self) -> String {
        format!("/v1/system/reload/{}", self.reload_id)
    }

    fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
        let id = parts.params.require("id")?;
        let reload_id = id
            .parse::<u64>()
            .map_err(|_| FromRequestError::Path(format!("/v1/system/reload/{id}")))?;
        Ok(Self { reload_id })
    }
}

/// Calls `$f!` once with every endpoint type, in route-table order (the order that gives the
/// server's `Allow` header values).
#[macro_export]
#[doc(hidden)]
macro_rules! __with_endpoints {
    ($f:ident) => {
        $f! {
            GetHealth,
            GetHealthReady,
            GetSystemInfo,
            GetRuntimeGates,
            GetRuntimeInitialization,
            GetEffectiveLimits,
            GetSecurityPosture,
            GetSecurityWhitelist,
            GetStatsSummary,
            GetStatsZeroAll,
            GetStatsUpstreams,
            GetStatsMinimalAll,
            GetStatsMeWriters,
            GetStatsDcs,
            GetRuntimeMePoolState,
            GetRuntimeMeQuality,
            GetRuntimeUpstreamQuality,
            GetRuntimeNatStun,
            GetRuntimeMeSelftest,
            GetRuntimeConnectionsSummary,
            GetRuntimeEventsRecent,
            GetRuntimeTlsFingerprints,
            GetStatsUsersActiveIps,
            ListUsers,
            CreateUser,
            GetStatsUsers,
            GetStatsUsersQuota,
            GetUser,
            PatchUser,
            DeleteUser,
            RotateSecret,
            EnableUser,
            DisableUser,
            ResetUserQuota,
            GetConfig,
            PatchConfig,
            SubmitReload,
            GetReloadStatus,
        }
    };
}
