//! `/v1/audit`: the audit log and its pipeline (core.yaml:1889-1939).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use nodewire_common::timestamp::from_unix_millis;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::wire::wire_struct;

wire_struct! {
    /// One audit event (core.yaml:1889).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct AuditRecord {
        /// Event id (a UUIDv7 in the examples).
        id?: String,
        /// Unix milliseconds.
        timestamp_ms?: u64,
        /// Where the call came from (`http`).
        channel?: String,
        /// The endpoint (`/v1/users`).
        endpoint?: String,
        /// The action (`api.users.import`).
        action?: String,
        /// Who (`api-key:panel`).
        actor?: null String,
        /// On what.
        target?: null String,
        /// Whether it succeeded.
        success?: bool,
        /// Details.
        detail?: null String,
        /// Free-form string metadata (`request_id`).
        metadata?: BTreeMap<String, String>,
    }
}

impl AuditRecord {
    /// When it happened: `timestamp_ms` as a date-time; `None` when absent.
    pub fn timestamp_utc(&self) -> Option<DateTime<Utc>> {
        self.timestamp_ms.and_then(from_unix_millis)
    }
}

wire_struct! {
    /// The audit pipeline's health (core.yaml:1917).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct AuditHealthSnapshot {
        /// Events waiting.
        queued?: u64,
        /// Events dropped.
        dropped?: u64,
        /// Sink write failures.
        sink_failures?: u64,
        /// The last error.
        last_error?: null String,
        /// Every sink.
        sinks?: Vec<AuditSinkHealth>,
    }
}

wire_struct! {
    /// One audit sink (core.yaml:1933).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    pub struct AuditSinkHealth {
        /// Sink name (`file`).
        name?: String,
        /// Write failures.
        failures?: u64,
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        AuditRecord,
        AuditHealthSnapshot,
        AuditSinkHealth,
    ]);
}
