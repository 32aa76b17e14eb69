//! What the receiver remembers: each node's latest report and static body and a short
//! history for the sparklines.

use std::collections::{BTreeMap, VecDeque};

use nodewire_dash::server::Push;
use nodewire_dash::{NodeReport, Static};

/// How many samples each sparkline shows.
pub const HISTORY: usize = 60;

/// One point of a node's sparklines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// CPU usage, ratio.
    pub cpu: f64,
    /// Memory used, ratio.
    pub memory: f64,
    /// Received bytes/s over the reported interfaces.
    pub rx: f64,
    /// Sent bytes/s over the reported interfaces.
    pub tx: f64,
}

impl Sample {
    /// The point for a report: CPU and memory ratios, network rates summed over interfaces.
    pub fn of(report: &NodeReport) -> Self {
        let m = &report.metrics;
        Self {
            cpu: m.cpu.usage_ratio,
            memory: m.memory.used_ratio,
            rx: m.network.iter().map(|n| n.recv_rate_bytes_per_sec).sum(),
            tx: m.network.iter().map(|n| n.sent_rate_bytes_per_sec).sum(),
        }
    }
}

/// What the receiver knows about one node.
#[derive(Debug, Clone)]
pub struct NodeState {
    /// The latest report.
    pub report: NodeReport,
    /// The latest static body, if one arrived.
    pub static_info: Option<Static>,
    /// The last [`HISTORY`] samples, oldest first.
    pub history: VecDeque<Sample>,
    /// Reports received.
    pub reports: u64,
}

/// Every node's latest state, keyed by the node name of its key.
#[derive(Debug, Clone, Default)]
pub struct Board {
    /// The nodes, by name.
    pub nodes: BTreeMap<String, NodeState>,
    /// Static bodies of nodes that have not reported metrics yet.
    pub pending_static: BTreeMap<String, Static>,
}

impl Board {
    /// Files an accepted push.
    pub fn record(&mut self, node: &str, push: &Push) {
        match push {
            Push::Identity => {}
            Push::Metrics(report) => {
                let sample = Sample::of(report);
                let pending = self.pending_static.remove(node);
                let state = self
                    .nodes
                    .entry(node.to_owned())
                    .or_insert_with(|| NodeState {
                        report: (**report).clone(),
                        static_info: None,
                        history: VecDeque::new(),
                        reports: 0,
                    });
                state.report = (**report).clone();
                if pending.is_some() {
                    state.static_info = pending;
                }
                state.history.push_back(sample);
                while state.history.len() > HISTORY {
                    state.history.pop_front();
                }
                state.reports += 1;
            }
            Push::Static(body) => match self.nodes.get_mut(node) {
                Some(state) => state.static_info = Some((**body).clone()),
                None => {
                    self.pending_static
                        .insert(node.to_owned(), (**body).clone());
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_keeps_a_bounded_history_and_late_static() {
        let body = include_bytes!(
            "../../../crates/nodewire-dash/tests/fixtures/live-push/003-metrics.request.json"
        );
        let report: NodeReport = serde_json::from_slice(body).unwrap();
        let statik: Static = serde_json::from_slice(include_bytes!(
            "../../../crates/nodewire-dash/tests/fixtures/live-push/002-static.request.json"
        ))
        .unwrap();
        let mut board = Board::default();
        board.record("a", &Push::Static(Box::new(statik)));
        assert!(board.nodes.is_empty() && board.pending_static.contains_key("a"));
        for _ in 0..HISTORY + 5 {
            board.record("a", &Push::Metrics(Box::new(report.clone())));
        }
        let a = &board.nodes["a"];
        assert_eq!(a.history.len(), HISTORY);
        assert_eq!(a.reports, (HISTORY + 5) as u64);
        assert!(a.static_info.is_some());
        assert!(board.pending_static.is_empty());
        let sample = Sample::of(&report);
        assert_eq!(a.history.back(), Some(&sample));
    }
}
