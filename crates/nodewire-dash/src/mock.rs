//! An in-memory Dash (feature `mock`): the sans-IO [`Receiver`] plus what a Dash keeps of
//! each node, for tests and demos.
//!
//! Dash stores the latest metrics report and the latest static body of every node and offers
//! a pending update manifest to nodes that report a lower version. [`MockDash`] does the same
//! in memory: [`handle`](MockDash::handle) answers a request exactly as [`Receiver::handle`]
//! does and, when the push is accepted, files it. A server that refuses before reading the
//! body calls [`admit`](MockDash::admit) with the head, then
//! [`handle_body`](MockDash::handle_body) with the body (see [`server`](crate::server)).
//!
//! ```
//! use nodewire_common::Secret;
//! use nodewire_dash::mock::MockDash;
//! use nodewire_dash::server::{Body, Peer, ReceiverConfig};
//!
//! let dash = MockDash::new(ReceiverConfig::new([("node-1", Secret::new("k"))]));
//! let request = http::Request::post("/api/node/identity")
//!     .header("x-node-secret", "k")
//!     .body(Body::Complete(bytes::Bytes::new()))
//!     .unwrap();
//! let handled = dash.handle(request, &Peer::new(None, std::time::SystemTime::now()));
//! assert_eq!(handled.response.status(), 200);
//! assert!(dash.latest_report("node-1").is_none());
//! ```

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use crate::server::{Admitted, Body, Handled, Peer, Push, Receiver, ReceiverConfig, Rejection};
use crate::update::UpdateManifest;
use crate::{NodeReport, Static};

/// What the mock keeps of one node.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct NodeRecord {
    /// The latest accepted metrics report.
    pub report: Option<NodeReport>,
    /// The latest accepted static body.
    pub static_info: Option<Static>,
    /// How many pushes of any kind were accepted.
    pub pushes: u64,
}

/// An in-memory Dash: a [`Receiver`], each node's latest report and static body, and an
/// optional pending update.
#[derive(Debug)]
pub struct MockDash {
    receiver: Receiver,
    update: Option<UpdateManifest>,
    nodes: Mutex<BTreeMap<String, NodeRecord>>,
}

impl MockDash {
    /// A Dash accepting the nodes and keys of `config`, with no pending update.
    pub fn new(config: ReceiverConfig) -> Self {
        Self {
            receiver: Receiver::new(config),
            update: None,
            nodes: Mutex::new(BTreeMap::new()),
        }
    }

    /// Offers `update` to every node that reports a lower version.
    #[must_use]
    pub fn with_update(mut self, update: UpdateManifest) -> Self {
        self.update = Some(update);
        self
    }

    /// The receiver, for its configuration.
    pub fn receiver(&self) -> &Receiver {
        &self.receiver
    }

    /// Answers one request from `peer` whose body is already read, as Dash does
    /// ([`Receiver::handle`]), and files an accepted push.
    pub fn handle(&self, request: http::Request<Body>, peer: &Peer) -> Handled {
        self.file(self.receiver.handle(request, peer, self.update.as_ref()))
    }

    /// The checks Dash makes before it reads the body ([`Receiver::admit`]).
    pub fn admit(&self, head: &http::request::Parts, peer: &Peer) -> Result<Admitted, Rejection> {
        self.receiver.admit(head, peer)
    }

    /// Answers the body phase of an [`admit`](Self::admit)ted request as Dash does
    /// ([`Receiver::handle_body`]) and files an accepted push.
    pub fn handle_body(&self, admitted: Admitted, body: Body) -> Handled {
        self.file(
            self.receiver
                .handle_body(admitted, body, self.update.as_ref()),
        )
    }

    /// Files the push `handled` accepted, if any.
    fn file(&self, handled: Handled) -> Handled {
        if let Ok(accepted) = &handled.outcome {
            let mut nodes = self.nodes();
            let record = nodes.entry(accepted.node.clone()).or_default();
            record.pushes += 1;
            match &accepted.push {
                Push::Metrics(report) => record.report = Some(report.as_ref().clone()),
                Push::Static(body) => record.static_info = Some(body.as_ref().clone()),
                Push::Identity => {}
            }
        }
        handled
    }

    /// What the mock keeps of `node`, if it pushed anything.
    pub fn node(&self, node: &str) -> Option<NodeRecord> {
        self.nodes().get(node).cloned()
    }

    /// The latest accepted metrics report of `node`.
    pub fn latest_report(&self, node: &str) -> Option<NodeReport> {
        self.nodes().get(node).and_then(|r| r.report.clone())
    }

    /// The latest accepted static body of `node`.
    pub fn latest_static(&self, node: &str) -> Option<Static> {
        self.nodes().get(node).and_then(|r| r.static_info.clone())
    }

    /// The nodes that pushed anything, in name order.
    pub fn nodes_seen(&self) -> Vec<String> {
        self.nodes().keys().cloned().collect()
    }

    fn nodes(&self) -> MutexGuard<'_, BTreeMap<String, NodeRecord>> {
        // A panic while the lock was held cannot leave a record half-written (every update
        // is one assignment), so a poisoned lock is still usable.
        self.nodes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use nodewire_common::Secret;

    const REPORT: &str = include_str!("../tests/fixtures/live-push/003-metrics.request.json");
    const STATIC: &str = include_str!("../tests/fixtures/live-push/002-static.request.json");

    fn push(path: &str, key: &str, body: &'static str) -> http::Request<Body> {
        http::Request::post(path)
            .header(crate::AUTH_HEADER, key)
            .header("content-type", "application/json")
            .body(Body::Complete(Bytes::from_static(body.as_bytes())))
            .unwrap()
    }

    fn now() -> Peer {
        Peer::new(None, std::time::SystemTime::now())
    }

    #[test]
    fn files_accepted_pushes_only() {
        let dash = MockDash::new(ReceiverConfig::new([("node-1", Secret::new("k"))]));
        let refused = dash.handle(push("/api/node/metrics", "wrong", REPORT), &now());
        assert_eq!(refused.response.status(), 401);
        assert!(dash.nodes_seen().is_empty());

        let accepted = dash.handle(push("/api/node/metrics", "k", REPORT), &now());
        assert_eq!(accepted.response.status(), 200);
        let stored = dash.latest_report("node-1").unwrap();
        let sent: NodeReport = serde_json::from_str(REPORT).unwrap();
        assert_eq!(stored, sent);
        assert_eq!(dash.node("node-1").unwrap().pushes, 1);
        assert!(dash.latest_static("node-1").is_none());
        assert_eq!(dash.nodes_seen(), ["node-1"]);

        let accepted = dash.handle(push("/api/node/static", "k", STATIC), &now());
        assert_eq!(accepted.response.status(), 200);
        let sent: Static = serde_json::from_str(STATIC).unwrap();
        assert_eq!(dash.latest_static("node-1").unwrap(), sent);
        assert_eq!(dash.node("node-1").unwrap().pushes, 2);
    }

    #[test]
    fn admits_by_the_head_and_files_after_the_body() {
        let dash = MockDash::new(ReceiverConfig::new([("node-1", Secret::new("k"))]));
        let (head, _) = push("/api/node/metrics", "wrong", REPORT).into_parts();
        assert_eq!(dash.admit(&head, &now()).unwrap_err().status(), 401);
        let (head, body) = push("/api/node/metrics", "k", REPORT).into_parts();
        let admitted = dash.admit(&head, &now()).unwrap();
        assert!(
            dash.nodes_seen().is_empty(),
            "nothing filed before the body"
        );
        let handled = dash.handle_body(admitted, body);
        assert_eq!(handled.response.status(), 200);
        assert_eq!(dash.node("node-1").unwrap().pushes, 1);
        assert!(dash.latest_report("node-1").is_some());
    }
}
