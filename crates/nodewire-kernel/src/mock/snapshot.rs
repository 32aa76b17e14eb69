//! The mock's runtime snapshot and the status stream's frames.

use std::time::Duration;

use nodewire_common::Patch;
use serde_json::{Map, Value};

use super::{MockKernel, interval, now_ms, rfc3339};
use crate::endpoints::{StatusStreamQuery, parse_events_filter};
use crate::protocols::ProfileProtocol;
use crate::status::metrics::HttpStatus;
use crate::status::pipeline::PipelineStatus;
use crate::status::{
    ConnectionStatus, NodeHealthState, NodeStatus, RuntimeStatusSnapshot, StatusResponse,
    SystemStatus, UserRateLimitSummary, UserRegistryStatus, UserStatus,
};
use crate::streams::{EventCategory, EventEnvelope, StatusFrame, StatusFull, StatusStreamEvent};

/// The snapshot sections `include` / `fields` can name (`all` selects every one; `metrics`
/// selects the per-protocol counters).
const SECTIONS: &[&str] = &[
    "nodes",
    "pipeline",
    "providers",
    "metrics",
    "users",
    "system",
];

fn selected(include: Option<&str>) -> Vec<&'static str> {
    let Some(include) = include.filter(|i| !i.trim().is_empty()) else {
        return SECTIONS.to_vec();
    };
    let asked: Vec<&str> = include.split(',').map(str::trim).collect();
    if asked.contains(&"all") {
        return SECTIONS.to_vec();
    }
    SECTIONS
        .iter()
        .copied()
        .filter(|s| asked.contains(s))
        .collect()
}

impl MockKernel {
    /// The body of `GET /v1/status` for the given `include`, `redact_users` and
    /// `rate_limit_summary`.
    pub fn status(
        &self,
        include: Option<&str>,
        redact: bool,
        rate_summary: bool,
    ) -> StatusResponse {
        let sections = selected(include);
        let has = |s: &str| sections.contains(&s);
        let mut snapshot = RuntimeStatusSnapshot {
            generated_at: Some(rfc3339(now_ms())),
            ..RuntimeStatusSnapshot::default()
        };
        if has("nodes") {
            let format = self.config.health_format;
            snapshot.nodes = Some(
                self.nodes
                    .values()
                    .map(|n| node_status(n, format))
                    .collect(),
            );
        }
        if has("pipeline") {
            snapshot.pipeline = Some(PipelineStatus {
                strategy_count: Some(0),
                strategies: Some(Vec::new()),
                rule_count: Some(0),
                rules: Some(Vec::new()),
                default: None,
            });
        }
        if has("providers") {
            snapshot.providers = Some(self.providers.values().cloned().collect());
        }
        if has("metrics") {
            let http = self
                .nodes
                .values()
                .filter(|n| {
                    matches!(
                        n.upsert.profile.protocol,
                        ProfileProtocol::Http | ProfileProtocol::Mixed
                    )
                })
                .count() as u64;
            snapshot.http = Some(HttpStatus {
                total_nodes: Some(http),
                tcp_nodes: Some(http),
                quic_nodes: Some(0),
                webtransport_nodes: Some(0),
            });
        }
        if has("users") {
            snapshot.users = Some(UserRegistryStatus {
                total: Some(self.users.len() as u64),
                users: Some(
                    self.users
                        .values()
                        .map(|u| user_status(u, redact))
                        .collect(),
                ),
            });
        }
        if has("system") {
            snapshot.system = Some(SystemStatus {
                memory: None,
                connections: Some(ConnectionStatus {
                    active: Some(0),
                    opened_total: Some(0),
                    closed_total: Some(0),
                    by_node_protocol: Some(Vec::new()),
                }),
            });
        }
        StatusResponse {
            snapshot,
            rate_limit_summary: rate_summary.then(|| self.rate_limit_summary()),
        }
    }

    fn rate_limit_summary(&self) -> UserRateLimitSummary {
        let mut s = UserRateLimitSummary {
            total_users: Some(self.users.len() as u64),
            unlimited_users: Some(0),
            limited_users: Some(0),
            limited_up_only: Some(0),
            limited_down_only: Some(0),
            limited_both: Some(0),
        };
        let bump = |slot: &mut Option<u64>| *slot = Some(slot.unwrap_or(0) + 1);
        for user in self.users.values() {
            let rate = user.rate.unwrap_or_default();
            match (rate.up.value().is_some(), rate.down.value().is_some()) {
                (false, false) => bump(&mut s.unlimited_users),
                (true, false) => bump(&mut s.limited_up_only),
                (false, true) => bump(&mut s.limited_down_only),
                (true, true) => bump(&mut s.limited_both),
            }
            if rate.up.value().is_some() || rate.down.value().is_some() {
                bump(&mut s.limited_users);
            }
        }
        s
    }
}

fn node_status(node: &super::Node, format: crate::status::HealthFormat) -> NodeStatus {
    let p = &node.upsert.profile;
    NodeStatus {
        id: Some(p.id.clone()),
        role: Some(p.role.clone()),
        protocol: Some(p.protocol.as_str().to_owned()),
        tags: Some(p.tags.clone().unwrap_or_default()),
        description: super::null_if_absent(p.description.clone()),
        health: Some(NodeHealthState {
            status: Some(format.apply(&node.health)),
            consecutive_failures: Some(node.consecutive_failures),
            last_failure_elapsed_ms: node
                .last_failure_ms
                .map_or(Patch::Null, |t| Patch::Value(now_ms().saturating_sub(t))),
        }),
        interfaces: None,
    }
}

fn user_status(user: &crate::users::User, redact: bool) -> UserStatus {
    let traffic = user.traffic.unwrap_or_default();
    let rate = user.rate.unwrap_or_default();
    let allocated = traffic.allocated.unwrap_or(0);
    let used = traffic.used.unwrap_or(0);
    UserStatus {
        id: (!redact).then(|| user.id.clone()),
        username: (!redact).then(|| user.username.clone()),
        tags: (!redact).then(|| user.tags.clone().unwrap_or_default()),
        metadata: (!redact).then(|| {
            user.metadata
                .as_ref()
                .map(crate::users::metadata_as_strings)
                .unwrap_or_default()
        }),
        traffic_allocated: Some(allocated),
        traffic_used: Some(used),
        traffic_remaining: Some(allocated.saturating_sub(used)),
        rate_up: super::null_if_absent(rate.up),
        rate_down: super::null_if_absent(rate.down),
    }
}

/// A client following `GET /v1/status/stream`: its query, and the last snapshot it was sent
/// (for `mode=diff`).
#[derive(Debug, Clone)]
pub struct StatusSubscription {
    query: StatusStreamQuery,
    filter: Vec<EventCategory>,
    previous: Option<Map<String, Value>>,
}

impl StatusSubscription {
    pub(crate) fn new(query: StatusStreamQuery) -> Self {
        let filter = query
            .events
            .as_deref()
            .map(parse_events_filter)
            .unwrap_or_default();
        Self {
            query,
            filter,
            previous: None,
        }
    }

    /// The push period (`interval`, 1 to 60 seconds; 5 when not given).
    pub fn interval(&self) -> Duration {
        interval(&self.query)
    }

    /// Whether status frames are wanted (no `events=` filter, or one naming `runtime`).
    pub fn wants_frames(&self) -> bool {
        self.filter.is_empty() || self.filter.contains(&EventCategory::Runtime)
    }

    /// Whether an event goes on this stream too (only when `events=` names its category).
    pub fn wants(&self, event: &EventEnvelope) -> bool {
        self.filter.contains(&event.event.category())
    }

    /// The next frame: a full snapshot the first time and in `full` mode; in `diff` mode the
    /// sections that changed since the last frame, or `None` when nothing did.
    pub fn next_frame(&mut self, mock: &MockKernel) -> Option<StatusStreamEvent> {
        if !self.wants_frames() {
            return None;
        }
        let q = &self.query;
        let status = mock.status(
            q.include.as_deref().or(q.fields.as_deref()),
            q.redact_users.unwrap_or(false),
            q.rate_limit_summary.unwrap_or(false),
        );
        let current = match serde_json::to_value(&status.snapshot) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        let diff_mode = q.mode.as_ref().is_some_and(|m| m.as_str() == "diff");
        let frame = match (&self.previous, diff_mode) {
            (Some(previous), true) => {
                let changed: Map<String, Value> = current
                    .iter()
                    .filter(|(k, v)| k.as_str() != "generated_at" && previous.get(*k) != Some(*v))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if changed.is_empty() {
                    return None;
                }
                let mut frame = Map::new();
                frame.insert("type".to_owned(), Value::String("diff".to_owned()));
                frame.insert("snapshot".to_owned(), Value::Object(changed));
                StatusFrame::Diff(frame)
            }
            _ => StatusFrame::Full(Box::new(StatusFull {
                snapshot: status.snapshot,
                rate_limit_summary: status.rate_limit_summary,
            })),
        };
        self.previous = Some(current);
        Some(StatusStreamEvent::new(frame.event_name(), frame))
    }
}
