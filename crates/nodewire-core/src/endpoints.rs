//! The eight HTTP routes as [`Endpoint`]s.
//!
//! Every route except [`RegisterNode`] requires the node's key in the `x-node-auth-key` header
//! ([`AUTH_HEADER`](crate::AUTH_HEADER)); `Core::client(base_url, key)` (feature `client`)
//! builds a `nodewire_common::client::Client` that sends it with every call.
//!
//! ```
//! use nodewire_common::Endpoint;
//! use nodewire_core::endpoints::Heartbeat;
//! use nodewire_core::heartbeat::NodeHeartbeatDto;
//!
//! let call = Heartbeat::new(NodeHeartbeatDto::default().revision(3));
//! let request = call.try_into_http_request("http://127.0.0.1:3000").unwrap();
//! assert_eq!(request.uri(), "http://127.0.0.1:3000/node/heartbeat");
//! assert_eq!(request.body().as_ref(), br#"{"revision":3}"#);
//!
//! let response = http::Response::builder()
//!     .status(201)
//!     .body(bytes::Bytes::from_static(br#"{"ok":true,"needSync":true}"#))
//!     .unwrap();
//! assert!(Heartbeat::try_from_http_response(&response).unwrap().need_sync);
//! ```

use http::StatusCode;
use nodewire_common::endpoint::IncomingParts;
use nodewire_common::{Endpoint, FromRequestError};

use crate::Core;
use crate::config::{NodeConfig, NodeConfigAppliedDto};
use crate::envelope::OkResponse;
use crate::heartbeat::{HeartbeatResponse, NodeHeartbeatDto};
use crate::node_error::NodeErrorDto;
use crate::register::{RegisterNodeDto, RegisterNodeResponse};
use crate::session::SessionEventsDto;
use crate::usage::{NodeOutboundUsageDto, NodeUsageDto};

/// The statuses of a successful `POST`: `201` (NestJS's default); clients accept any `2xx`
/// and a controller may answer `200`, so both are listed.
const POST_SUCCESS: &[StatusCode] = &[StatusCode::CREATED, StatusCode::OK];

macro_rules! post_endpoint {
    ($(#[doc = $doc:literal])* $name:ident, $path:literal, $req:ty, $resp:ty $(, public $public:literal)?) => {
        nodewire_common::body_endpoint!(Core;
            $(#[doc = $doc])* $name, POST, $path, $req, $resp, success POST_SUCCESS
            $(, public $public)?
        );
    };
}

post_endpoint!(
    /// `POST /node/register`: the only public route; answers `{ authKey, nodeId }`.
    RegisterNode, "/node/register", RegisterNodeDto, RegisterNodeResponse,
    public "A node registers with its one-time code to get its key: \"`POST /node/register` \
            is the only public route in this group\" (`core-private-routes.md`, Authentication)."
);
post_endpoint!(
    /// `POST /node/usage`: per-user traffic deltas.
    ReportUsage, "/node/usage", NodeUsageDto, OkResponse
);
post_endpoint!(
    /// `POST /node/outbound-usage`: per-outbound traffic deltas.
    ReportOutboundUsage, "/node/outbound-usage", NodeOutboundUsageDto, OkResponse
);
post_endpoint!(
    /// `POST /node/session-events`: users going online and offline.
    ReportSessionEvents, "/node/session-events", SessionEventsDto, OkResponse
);
post_endpoint!(
    /// `POST /node/config/applied`: the node runs this revision now.
    ConfirmConfigApplied, "/node/config/applied", NodeConfigAppliedDto, OkResponse
);
post_endpoint!(
    /// `POST /node/error`: the node failed; Core marks it `error`, its sync `failed`.
    ReportError, "/node/error", NodeErrorDto, OkResponse
);

/// `POST /node/heartbeat`: liveness and the node's revision; answers `{ ok, needSync }`.
/// The body is optional (both members are): an empty body means `{}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Heartbeat {
    /// The body.
    pub body: NodeHeartbeatDto,
}

impl Heartbeat {
    /// The call with `body`.
    pub fn new(body: NodeHeartbeatDto) -> Self {
        Self { body }
    }
}

impl Endpoint for Heartbeat {
    nodewire_common::endpoint_head!(Core, Unary, NodeHeartbeatDto => HeartbeatResponse,
        Heartbeat, POST, "/node/heartbeat", Optional,
        "`POST /node/heartbeat`: liveness and the node's revision; answers `{ ok, needSync }`.");
    const SUCCESS: &'static [StatusCode] = POST_SUCCESS;

    fn body(&self) -> Option<&NodeHeartbeatDto> {
        Some(&self.body)
    }

    fn from_parts(parts: IncomingParts<'_, NodeHeartbeatDto>) -> Result<Self, FromRequestError> {
        Ok(Self {
            body: parts.body.unwrap_or_default(),
        })
    }
}

nodewire_common::get_endpoint!(Core;
    /// `GET /node/config/latest`: the node's latest [`NodeConfig`].
    GetLatestConfig, "/node/config/latest", NodeConfig,
    description "`GET /node/config/latest`: the node's latest config."
);

/// Calls `$m!` with the name of every endpoint, in route-table order.
#[doc(hidden)]
#[macro_export]
macro_rules! __with_core_endpoints {
    ($m:ident) => {
        $m! {
            RegisterNode,
            Heartbeat,
            ReportUsage,
            ReportOutboundUsage,
            ReportSessionEvents,
            GetLatestConfig,
            ConfirmConfigApplied,
            ReportError,
        }
    };
}
