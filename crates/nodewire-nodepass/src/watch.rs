//! A live view of a master's instances, for dashboards: the table built from
//! `GET /instances` and kept current by `/events`, with traffic rates derived from the
//! cumulative counters (the master reports totals only).
//!
//! Rates use the events' own `time` (when the master processed the `CHECK_POINT`), so a
//! buffered or replayed stream gives the same numbers. A counter that goes down (a `reset`
//! action) restarts the rate from the new value.
//!
//! ```
//! use nodewire_nodepass::watch::Table;
//! # let instance = |rx: u64| -> nodewire_nodepass::instances::Instance { serde_json::from_value(serde_json::json!({
//! #   "id":"4abf2548","alias":"a","type":"client","status":"running","url":"u","config":"c","restart":true,
//! #   "meta":{"peer":{"sid":"","type":"","alias":""},"tags":{}},"mode":2,"ping":1,"pool":4,"tcps":0,"udps":0,
//! #   "tcprx":rx,"tcptx":0,"udprx":0,"udptx":0})).unwrap() };
//! use nodewire_nodepass::events::{EventType, InstanceEvent};
//! let mut table = Table::new();
//! let update = |rx, time: &str| InstanceEvent::new(EventType::Update, time, Some(instance(rx)));
//! table.apply(&update(1_000, "2026-11-22T08:01:40Z"));
//! table.apply(&update(6_000, "2026-11-22T08:01:45Z"));
//! assert_eq!(table.rows()[0].rates.tcprx, Some(1000.0));
//! ```
//!
//! With the `client` feature, [`Watch`] keeps a table current from a live master.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};

use crate::events::{EventType, InstanceEvent};
use crate::instances::Instance;

/// Bytes per second for the four counters; `None` until two samples are known.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rates {
    /// TCP received.
    pub tcprx: Option<f64>,
    /// TCP sent.
    pub tcptx: Option<f64>,
    /// UDP received.
    pub udprx: Option<f64>,
    /// UDP sent.
    pub udptx: Option<f64>,
}

/// One instance in the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The latest snapshot.
    pub instance: Instance,
    /// The rates from the last two samples.
    pub rates: Rates,
    /// The last log line, if any.
    pub last_log: Option<String>,
    sample: Option<(DateTime<Utc>, [u64; 4])>,
}

/// The instance table (the API-key instance is left out).
#[derive(Debug, Clone, Default)]
pub struct Table {
    rows: BTreeMap<String, Row>,
}

fn rate(previous: u64, current: u64, seconds: f64) -> Option<f64> {
    (current >= previous && seconds > 0.0).then(|| (current - previous) as f64 / seconds)
}

impl Table {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the table with a `GET /instances` answer (after a (re)connect). Known
    /// instances keep their last sample, so rates continue across a reconnect.
    pub fn reset(&mut self, instances: Vec<Instance>) {
        let mut rows = BTreeMap::new();
        for instance in instances.into_iter().filter(|i| !i.is_api_key()) {
            let id = instance.id.as_str().to_owned();
            let previous = self.rows.remove(&id);
            rows.insert(
                id,
                Row {
                    rates: previous.as_ref().map(|r| r.rates).unwrap_or_default(),
                    last_log: previous.as_ref().and_then(|r| r.last_log.clone()),
                    sample: previous.and_then(|r| r.sample),
                    instance,
                },
            );
        }
        self.rows = rows;
    }

    /// Applies one event.
    pub fn apply(&mut self, event: &InstanceEvent) {
        let Some(instance) = &event.instance else {
            return;
        };
        if instance.is_api_key() {
            return;
        }
        let id = instance.id.as_str().to_owned();
        if event.kind == EventType::Delete {
            self.rows.remove(&id);
            return;
        }
        let time = event.time_utc().ok();
        let row = self.rows.entry(id).or_insert_with(|| Row {
            instance: instance.clone(),
            rates: Rates::default(),
            last_log: None,
            sample: None,
        });
        let counters = instance.counters();
        if let Some(now) = time {
            if let Some((then, before)) = row.sample {
                let seconds = (now - then).num_nanoseconds().unwrap_or(0) as f64 / 1e9;
                if counters != before && seconds > 0.0 {
                    let [a, b, c, d] = before;
                    let [w, x, y, z] = counters;
                    row.rates = Rates {
                        tcprx: rate(a, w, seconds),
                        tcptx: rate(b, x, seconds),
                        udprx: rate(c, y, seconds),
                        udptx: rate(d, z, seconds),
                    };
                    row.sample = Some((now, counters));
                } else if counters != before {
                    row.sample = Some((now, counters));
                }
            } else {
                row.sample = Some((now, counters));
            }
        }
        if event.kind == EventType::Log && !event.logs.is_empty() {
            row.last_log = Some(event.logs.clone());
        }
        if instance.status.as_str() != "running" {
            row.rates = Rates::default();
        }
        row.instance = instance.clone();
    }

    /// The rows, by id.
    pub fn rows(&self) -> Vec<&Row> {
        self.rows.values().collect()
    }

    /// The instances, by id: what `GET /instances` would list now, the API-key instance left
    /// out.
    pub fn instances(&self) -> impl Iterator<Item = &Instance> {
        self.rows.values().map(|r| &r.instance)
    }

    /// `true` when an instance runs (so the master should send an update every 5 s).
    pub fn any_running(&self) -> bool {
        self.rows
            .values()
            .any(|r| r.instance.status.as_str() == "running")
    }
}

/// A live mirror of a master's instances (feature `client`): a [`Table`] reset from
/// `GET /instances` at every (re)connect and updated by every event of a
/// [`Follow`](crate::events::Follow). As a stream it yields each change after applying it, so
/// [`table`](Self::table) is current whenever an item arrives; it ends after
/// [`FollowError::KeyRefused`](crate::events::FollowError::KeyRefused).
///
/// ```no_run
/// # async fn demo(client: nodewire_common::client::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use futures_util::StreamExt;
/// use nodewire_nodepass::watch::Watch;
/// let mut watch = Watch::new(client);
/// while let Some(change) = watch.next().await {
///     change?;
///     println!("{}", watch.table());
/// }
/// # Ok(()) }
/// ```
#[cfg(feature = "client")]
#[derive(Debug)]
pub struct Watch {
    follow: crate::events::Follow,
    table: Table,
}

#[cfg(feature = "client")]
impl Watch {
    /// Watches the master `client` points at, with the default reconnect rules.
    pub fn new(client: nodewire_common::client::Client) -> Self {
        Self::from_follow(crate::events::Follow::new(client))
    }

    /// Watches through a configured [`Follow`](crate::events::Follow).
    pub fn from_follow(follow: crate::events::Follow) -> Self {
        Self {
            follow,
            table: Table::new(),
        }
    }

    /// The table as of the last change.
    pub fn table(&self) -> &Table {
        &self.table
    }
}

#[cfg(feature = "client")]
impl futures_core::Stream for Watch {
    type Item = Result<crate::events::Change, crate::events::FollowError>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use crate::events::Change;
        let next = std::task::ready!(futures_util::StreamExt::poll_next_unpin(
            &mut self.follow,
            cx
        ));
        match &next {
            Some(Ok(Change::Connected(instances))) => self.table.reset(instances.clone()),
            Some(Ok(Change::Event(event))) => self.table.apply(event),
            _ => {}
        }
        std::task::Poll::Ready(next)
    }
}

/// `1.5 KB`-style human units for bytes.
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: &[&str] = &["B", "KB", "MB", "GB", "TB", "PB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    let name = UNITS.get(unit).copied().unwrap_or("B");
    if unit == 0 {
        format!("{value:.0} {name}")
    } else {
        format!("{value:.1} {name}")
    }
}

fn rate_text(rate: Option<f64>) -> String {
    rate.map(|r| format!("{}/s", human_bytes(r)))
        .unwrap_or_else(|| "-".to_owned())
}

impl fmt::Display for Table {
    /// A fixed-width text table: id, alias, type, status, mode, ping, pool, connections,
    /// totals and rates.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<8}  {:<12}  {:<6}  {:<7}  {:>4}  {:>5}  {:>4}  {:>5}  {:>5}  {:>10}  {:>10}  {:>12}  {:>12}",
            "ID",
            "ALIAS",
            "TYPE",
            "STATUS",
            "MODE",
            "PING",
            "POOL",
            "TCPS",
            "UDPS",
            "RX",
            "TX",
            "RX/S",
            "TX/S"
        )?;
        for row in self.rows.values() {
            let i = &row.instance;
            let alias: String = i.alias.chars().take(12).collect();
            let rx = i.tcprx.saturating_add(i.udprx);
            let tx = i.tcptx.saturating_add(i.udptx);
            let sum = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (None, None) => None,
                (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
            };
            writeln!(
                f,
                "{:<8}  {:<12}  {:<6}  {:<7}  {:>4}  {:>5}  {:>4}  {:>5}  {:>5}  {:>10}  {:>10}  {:>12}  {:>12}",
                i.id.as_str(),
                alias,
                i.kind.as_str(),
                i.status.as_str(),
                i.mode,
                format!("{}ms", i.ping),
                i.pool,
                i.tcps,
                i.udps,
                human_bytes(rx as f64),
                human_bytes(tx as f64),
                rate_text(sum(row.rates.tcprx, row.rates.udprx)),
                rate_text(sum(row.rates.tcptx, row.rates.udptx)),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn instance(id: &str, status: &str, rx: u64, tx: u64) -> Instance {
        serde_json::from_value(json!({
            "id": id, "alias": "a", "type": "server", "status": status, "url": "u", "config": "c",
            "restart": true, "meta": {"peer": {"sid": "", "type": "", "alias": ""}, "tags": {}},
            "mode": 1, "ping": 1, "pool": 0, "tcps": 0, "udps": 0,
            "tcprx": rx, "tcptx": tx, "udprx": 0, "udptx": 0
        }))
        .unwrap()
    }

    fn event(kind: EventType, time: &str, i: Instance) -> InstanceEvent {
        InstanceEvent {
            kind,
            time: time.to_owned(),
            instance: Some(i),
            logs: String::new(),
        }
    }

    #[test]
    fn rates_come_from_counter_deltas_and_event_times() {
        let mut t = Table::new();
        t.reset(vec![instance("a", "running", 0, 0)]);
        t.apply(&event(
            EventType::Update,
            "2026-11-22T08:00:00+02:00",
            instance("a", "running", 100, 0),
        ));
        t.apply(&event(
            EventType::Update,
            "2026-11-22T08:00:05.5+02:00",
            instance("a", "running", 1200, 550),
        ));
        let r = t.rows()[0].rates;
        assert_eq!(r.tcprx, Some(200.0));
        assert_eq!(r.tcptx, Some(100.0));
        // A reset lowers the counters: no negative rate, a new baseline.
        t.apply(&event(
            EventType::Update,
            "2026-11-22T08:00:10.5+02:00",
            instance("a", "running", 0, 0),
        ));
        assert_eq!(t.rows()[0].rates.tcprx, None);
        t.apply(&event(
            EventType::Update,
            "2026-11-22T08:00:15.5+02:00",
            instance("a", "running", 50, 0),
        ));
        assert_eq!(t.rows()[0].rates.tcprx, Some(10.0));
        assert!(t.any_running());
        t.apply(&event(
            EventType::Delete,
            "2026-11-22T08:00:16Z",
            instance("a", "stopped", 50, 0),
        ));
        assert!(t.rows().is_empty());
    }

    #[test]
    fn the_instances_are_the_masters_list_without_the_api_key() {
        let mut t = Table::new();
        t.reset(vec![
            instance("b", "running", 0, 0),
            instance("********", "", 0, 0),
            instance("a", "stopped", 0, 0),
        ]);
        let ids: Vec<&str> = t.instances().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        t.apply(&event(
            EventType::Delete,
            "2026-11-22T08:00:16Z",
            instance("a", "stopped", 0, 0),
        ));
        let ids: Vec<&str> = t.instances().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["b"]);
    }

    #[test]
    fn the_table_renders() {
        let mut t = Table::new();
        t.reset(vec![instance("a", "stopped", 1_500_000, 0)]);
        let text = t.to_string();
        assert!(text.contains("1.5 MB"), "{text}");
        assert_eq!(human_bytes(999.0), "999 B");
    }
}
