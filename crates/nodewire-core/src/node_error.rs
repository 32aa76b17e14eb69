//! `POST /node/error` (gRPC `ReportError`): the node failed, for example to apply a config.
//! Core marks the node `error` and its sync status `failed`.
//!
//! ```
//! use nodewire_core::node_error::NodeErrorDto;
//! let dto = NodeErrorDto::new("xray exited with status 23").code("XRAY_START_FAILED");
//! assert_eq!(
//!     serde_json::to_string(&dto)?,
//!     r#"{"message":"xray exited with status 23","code":"XRAY_START_FAILED"}"#
//! );
//! # Ok::<(), serde_json::Error>(())
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `NodeErrorDto`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NodeErrorDto {
    /// What went wrong.
    pub message: String,
    /// A machine-readable code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Anything else worth keeping (`Record<string, unknown>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Map<String, Value>>,
}

impl NodeErrorDto {
    /// An error with only a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: None,
            details: None,
        }
    }

    nodewire_common::setters! {
        /// Sets `code`.
        code(code: impl Into<String>);
        /// Sets `details`.
        details(details: Map<String, Value>);
    }
}
