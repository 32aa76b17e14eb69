//! `/events`: the server-sent event stream of instance changes.

use std::collections::VecDeque;

use bytes::Bytes;
use http::{HeaderValue, header};

use super::{MockMaster, Outcome, Subscriber, SubscriberId, go_time_now};
use crate::envelope::{set_cors_headers, to_go_json};
use crate::events::{EventType, InstanceEvent};
use crate::instances::{Instance, InstanceStatus, InstanceType};

impl MockMaster {
    /// Queues `kind` for every open stream (dropped for a stream whose buffer is full).
    pub(super) fn emit(&mut self, kind: EventType, instance: Option<Instance>, logs: String) {
        let event = InstanceEvent {
            kind,
            time: go_time_now(),
            instance,
            logs,
        };
        let Some(frame) = frame(&event) else {
            return;
        };
        let limit = self.config.subscriber_buffer;
        for sub in self.subscribers.values_mut().filter(|s| !s.closed) {
            if sub.queue.len() < limit {
                sub.queue.push_back(frame.clone());
            }
        }
    }

    pub(super) fn emit_instance(&mut self, kind: EventType, index: usize, logs: String) {
        let snapshot = self.instances.get(index).cloned();
        self.emit(kind, snapshot, logs);
    }

    /// The bytes queued for `subscriber`; `None` once its stream is closed (after
    /// `shutdown`) and drained, or for an unknown subscriber: end the response then.
    pub fn take_events(&mut self, subscriber: SubscriberId) -> Option<Vec<Bytes>> {
        let sub = self.subscribers.get_mut(&subscriber)?;
        let frames: Vec<Bytes> = sub.queue.drain(..).collect();
        if frames.is_empty() && sub.closed {
            self.subscribers.remove(&subscriber);
            return None;
        }
        Some(frames)
    }

    /// Forgets a subscriber whose connection closed.
    pub fn unsubscribe(&mut self, subscriber: SubscriberId) {
        self.subscribers.remove(&subscriber);
    }

    /// Master shutdown: `shutdown` to every stream, which then close.
    pub fn shutdown(&mut self) {
        self.emit(EventType::Shutdown, None, String::new());
        for sub in self.subscribers.values_mut() {
            sub.closed = true;
        }
    }

    /// A `CHECK_POINT` from every running instance: statistics update and an `update` event.
    pub fn tick(&mut self) {
        for index in 0..self.instances.len() {
            let Some(instance) = self.instances.get_mut(index) else {
                continue;
            };
            if instance.is_api_key() || instance.status != InstanceStatus::Running {
                continue;
            }
            let mode = crate::url::go::parse(&instance.url)
                .map(|u| {
                    crate::url::go::Values::parse(u.raw_query)
                        .get("mode")
                        .to_vec()
                })
                .unwrap_or_default();
            let server = instance.kind == InstanceType::Server;
            instance.mode = match (mode.as_slice(), server) {
                (b"1", _) => 1,
                (b"2", _) => 2,
                (_, true) => 1,
                (_, false) => 2,
            };
            instance.ping = 1;
            instance.pool = if instance.mode == 2 { 4 } else { 0 };
            instance.tcprx = instance.tcprx.saturating_add(100_000);
            instance.tcptx = instance.tcptx.saturating_add(50_000);
            self.emit_instance(EventType::Update, index, String::new());
        }
    }

    /// `GET /events`: `retry: 3000`, then an `initial` event per instance.
    pub(super) fn subscribe(&mut self) -> Outcome {
        let id = SubscriberId(self.next_subscriber);
        self.next_subscriber += 1;
        let mut prelude = b"retry: 3000\n\n".to_vec();
        for instance in &self.instances {
            let event = InstanceEvent {
                kind: EventType::Initial,
                time: go_time_now(),
                instance: Some(instance.clone()),
                logs: String::new(),
            };
            if let Some(frame) = frame(&event) {
                prelude.extend_from_slice(&frame);
            }
        }
        self.subscribers.insert(
            id,
            Subscriber {
                queue: VecDeque::new(),
                closed: false,
            },
        );
        let mut head = http::Response::new(());
        let headers = head.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::CONNECTION, HeaderValue::from_static("keep-alive"));
        set_cors_headers(headers);
        Outcome::Stream {
            subscriber: id,
            head,
            prelude: Bytes::from(prelude),
        }
    }
}

/// One SSE frame: `event: instance\ndata: <json>\n\n` (`json.Marshal`: Go's escapes, no
/// trailing newline in the data).
fn frame(event: &InstanceEvent) -> Option<Bytes> {
    let mut json = to_go_json(event).ok()?;
    json.pop();
    let mut out = Vec::with_capacity(json.len() + 24);
    out.extend_from_slice(b"event: instance\ndata: ");
    out.extend_from_slice(&json);
    out.extend_from_slice(b"\n\n");
    Some(Bytes::from(out))
}
