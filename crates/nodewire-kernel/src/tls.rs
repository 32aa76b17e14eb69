//! `/v1/tls/nodes`: TLS nodes and their settings (core.yaml:1836-1888).

use nodewire_common::secret::redacted;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::protocols::NodeRole;
use crate::wire::wire_struct;

nodewire_common::open_enum! {
    /// A node's TLS mode (core.yaml:1836).
    #[rename_all = "snake_case"]
    pub enum TlsMode {
        /// No TLS.
        Disabled,
        /// Terminates TLS from clients.
        Server,
        /// Speaks TLS to its upstream.
        Client,
        /// Both.
        Dual,
    }
}

wire_struct! {
    /// A TLS node as `GET /v1/tls/nodes` lists it (core.yaml:1839).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct TlsNodeSummary {
        /// Node id.
        id?: String,
        /// Listener or connector.
        role?: NodeRole,
        /// Tags.
        tags?: Vec<String>,
        /// Free text.
        description?: null String,
        /// The protocol inside TLS.
        inner_protocol?: String,
        /// The TLS mode.
        tls_mode?: TlsMode,
        /// REALITY is configured.
        has_reality?: bool,
    }
}

wire_struct! {
    /// A TLS node's details (core.yaml:1859).
    // `Debug` writes `profile` with its credentials redacted.
    #[derive(derive_more::Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct TlsNodeDetail {
        /// Node id.
        id?: String,
        /// Listener or connector.
        role?: NodeRole,
        /// Tags.
        tags?: Vec<String>,
        /// Free text.
        description?: null String,
        /// Listen address.
        listen?: null String,
        /// Upstream address.
        connect?: null String,
        /// The AnyTLS profile (free-form; the kernel's `docs/config_schema.md` is not public).
        #[debug("{:?}", profile.as_ref().map(redacted))]
        profile?: Map<String, Value>,
    }
}

wire_struct! {
    /// The body of `PATCH /v1/tls/nodes/{id}` (core.yaml:1882): the `tls` and `inner` sections
    /// to set, free-form objects.
    // `Debug` writes both with their credentials redacted (a private key, a password).
    #[derive(derive_more::Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct TlsNodePatchRequest {
        /// TLS settings (`mode`, `server.certificate`, …).
        #[debug("{:?}", tls.as_ref().map(redacted))]
        tls?: Map<String, Value>,
        /// The inner protocol and its profile.
        #[debug("{:?}", inner.as_ref().map(redacted))]
        inner?: Map<String, Value>,
    }
}

impl TlsNodePatchRequest {
    /// Sets the `tls` section (a value that is not an object is ignored).
    ///
    /// ```
    /// use nodewire_kernel::tls::TlsNodePatchRequest;
    /// let body = TlsNodePatchRequest::default().tls(serde_json::json!({"mode": "server"}));
    /// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"tls":{"mode":"server"}}"#);
    /// ```
    #[must_use]
    pub fn tls(mut self, tls: Value) -> Self {
        if let Value::Object(map) = tls {
            self.tls = Some(map);
        }
        self
    }

    /// Sets the `inner` section (a value that is not an object is ignored).
    #[must_use]
    pub fn inner(mut self, inner: Value) -> Self {
        if let Value::Object(map) = inner {
            self.inner = Some(map);
        }
        self
    }
}

crate::wire::strict_as_decoded!(TlsNodePatchRequest);

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        TlsMode,
        TlsNodeSummary,
        TlsNodeDetail,
        TlsNodePatchRequest,
    ]);
}
