//! Shared machinery for the nodewire protocol crates.
//!
//! This crate holds no protocol knowledge. It provides:
//!
//! - [`endpoint`]: sans-IO endpoint descriptions ([`Endpoint`], [`Protocol`]) that convert to
//!   and from `http::Request<Bytes>` / `http::Response<Bytes>` on both the client and the
//!   server side, so one description serves both and no HTTP stack is forced on users;
//! - [`registry`]: a per-protocol list of routes and wire types, walked by the `nodewire` CLI
//!   and the JSON Schema export;
//! - [`Patch`]: a tri-state field (absent / `null` / value) for merge-patch requests;
//! - [`open_enum!`]: string enums that keep labels they do not know;
//! - [`Secret`]: keys and secrets with a redacted `Debug` and constant-time comparison;
//! - [`DecodeError`]: decode failures that carry the JSON path of the fault;
//! - [`go_json`]: Go's `encoding/json` decoding rules for server-side decoders of Go upstreams;
//! - [`go_url`]: the pieces of Go's `net/url.Parse` shared by the crates that follow it;
//! - [`lossless`]: decode → re-encode → compare, reporting every lost or changed JSON pointer;
//! - [`ValidationError`] and [`fixed_schema!`] for validated text newtypes, and
//!   [`Timestamp`]: date-times kept as sent, under each peer's reading rule;
//! - [`stream`]: stream endpoints (Server-Sent Events, WebSocket) and their typed items;
//! - `client` (feature `client`): a reqwest client that runs any endpoint;
//! - `server` (feature `server`): request bodies under a limit, responses and the request
//!   enum that every protocol crate's server and mock are built on.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod check;
pub mod endpoint;
pub mod error;
pub mod go_json;
pub mod go_url;
pub mod literal;
pub mod lossless;
pub mod open_enum;
pub mod patch;
pub mod probe;
pub mod registry;
pub mod secret;
mod setters;
pub mod sse;
pub mod stream;
pub mod timestamp;
pub mod validation;
pub mod version;

#[cfg(feature = "client")]
pub mod client;

#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub mod server;

pub use endpoint::{BodyKind, Endpoint, Metadata, PathParams, Protocol, ResponseBody};
pub use error::{DecodeError, FromRequestError, IntoRequestError, InvalidRequest};
pub use open_enum::UnknownLabel;
pub use patch::Patch;
pub use secret::Secret;
pub use timestamp::Timestamp;
pub use validation::ValidationError;

#[doc(hidden)]
pub mod __private {
    pub use bytes;
    pub use http;
    pub use nodewire_macros::open_enum_labels;
    pub use schemars;
    pub use serde;
    pub use serde_json;
}
