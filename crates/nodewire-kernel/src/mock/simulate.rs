//! A demo simulation: traffic and health changes on a clock, so the streams and callbacks of
//! a mock left running have something to carry.

use super::MockKernel;
use crate::status::HealthStatus;

impl MockKernel {
    /// One step of the demo simulation, `tick` counting from 1.
    ///
    /// Every user of every node moves `tick` KiB up and `4 × tick` KiB down
    /// ([`record_traffic`](Self::record_traffic): events, and a traffic batch when a traffic
    /// callback is set), then node number `tick mod <nodes>` (in id order) turns healthy,
    /// degraded or unhealthy (`tick mod 3` = 0, 1, 2; `tick` consecutive failures), which
    /// emits its node event when the state changed ([`set_health`](Self::set_health)). A
    /// mock without nodes is left as it is.
    ///
    /// ```
    /// use nodewire_kernel::mock::{MockConfig, MockKernel};
    /// let mut mock = MockKernel::new(MockConfig::default());
    /// mock.simulate_tick(1);
    /// assert!(mock.take_effects().events.is_empty());
    /// ```
    pub fn simulate_tick(&mut self, tick: u64) {
        let nodes = self.node_ids();
        for node in &nodes {
            for user in self.node_user_ids(node) {
                // The ids come from the mock itself, so the node and user exist.
                let _ = self.record_traffic(
                    node,
                    &user,
                    tick.saturating_mul(1024),
                    tick.saturating_mul(4096),
                );
            }
        }
        let Some(count) = u64::try_from(nodes.len()).ok().filter(|n| *n > 0) else {
            return;
        };
        let pick = usize::try_from(tick % count).unwrap_or(0);
        if let Some(node) = nodes.get(pick) {
            let health = match tick % 3 {
                0 => HealthStatus::Healthy,
                1 => HealthStatus::Degraded {
                    consecutive_failures: tick,
                },
                _ => HealthStatus::Unhealthy {
                    consecutive_failures: tick,
                },
            };
            let _ = self.set_health(node, health);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::mock::{MockConfig, MockKernel};
    use crate::protocols::{NodeProfile, NodeRole, ProfileProtocol, ProtocolUpsertRequest};
    use crate::status::HealthStatus;
    use crate::streams::EventName;
    use crate::users::User;

    fn mock_with_nodes() -> MockKernel {
        let mut mock = MockKernel::new(MockConfig::default());
        for id in ["edge-1", "edge-2"] {
            let profile = NodeProfile::new(id, NodeRole::Listener, ProfileProtocol::Vless);
            let upsert = ProtocolUpsertRequest::new(profile).users(vec![User::new(
                format!("{id}-user"),
                "alice",
                "pw",
            )]);
            mock.upsert(upsert);
        }
        let _ = mock.take_effects();
        mock
    }

    #[test]
    fn a_tick_moves_traffic_for_every_user_and_changes_one_node() {
        let mut mock = mock_with_nodes();
        mock.simulate_tick(1);
        let events = mock.take_effects().events;
        let names: Vec<EventName> = events.into_iter().map(|e| e.event).collect();
        assert_eq!(
            names,
            [
                EventName::UserTrafficReported,
                EventName::UserTrafficReported,
                EventName::NodeDegraded,
            ]
        );
        let summary = mock.traffic_summary(&[], &[]);
        assert_eq!(
            (summary.bytes_up, summary.bytes_down),
            (Some(2 * 1024), Some(2 * 4096))
        );
        let status = mock.status(Some("nodes"), false, false);
        let nodes = status.snapshot.nodes.unwrap_or_default();
        let health: Vec<Option<HealthStatus>> = nodes
            .into_iter()
            .map(|n| n.health.and_then(|h| h.status))
            .collect();
        // Tick 1 of 2 nodes picks the second one.
        assert_eq!(
            health,
            [
                Some(HealthStatus::Healthy),
                Some(HealthStatus::Degraded {
                    consecutive_failures: 1
                })
            ]
        );
    }

    #[test]
    fn ticks_cycle_through_the_health_states() {
        let mut mock = mock_with_nodes();
        let mut node_events = Vec::new();
        for tick in 1..=6 {
            mock.simulate_tick(tick);
            node_events.extend(
                mock.take_effects()
                    .events
                    .into_iter()
                    .filter(|e| e.event != EventName::UserTrafficReported)
                    .map(|e| e.event),
            );
        }
        // edge-2 on odd ticks (1 degraded, 3 healthy, 5 unhealthy), edge-1 on even ones
        // (2 unhealthy, 4 degraded, 6 healthy).
        assert_eq!(
            node_events,
            [
                EventName::NodeDegraded,
                EventName::NodeUnhealthy,
                EventName::NodeHealthy,
                EventName::NodeDegraded,
                EventName::NodeUnhealthy,
                EventName::NodeHealthy,
            ]
        );
        let summary = mock.traffic_summary(&[], &[]);
        // 1 + 2 + … + 6 = 21 KiB up per user, two users.
        assert_eq!(summary.bytes_up, Some(2 * 21 * 1024));
    }
}
