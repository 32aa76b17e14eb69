//! The receiver's HTML board: the templates under `examples/templates/dash/` filled with a
//! [`Board`]'s numbers and SVG sparklines. Every value is escaped before it goes in.

use crate::dash::{Board, NodeState, Sample};

const PAGE: &str = include_str!("../../templates/dash/board.html");
const NODE_ROW: &str = include_str!("../../templates/dash/node-row.html");
const NO_NODES: &str = include_str!("../../templates/dash/no-nodes.html");
const SPARKLINE: &str = include_str!("../../templates/dash/sparkline.svg");
const POLYLINE: &str = include_str!("../../templates/dash/polyline.svg");

const SPARK_W: f64 = 120.0;
const SPARK_H: f64 = 28.0;

/// Fills the `{{name}}` placeholders of `template` in one pass (so a value containing
/// `{{…}}` stays as it is); a name without a value is left in place.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some((before, after)) = rest.split_once("{{") {
        out.push_str(before);
        let Some((name, tail)) = after.split_once("}}") else {
            out.push_str("{{");
            rest = after;
            continue;
        };
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => {
                out.push_str("{{");
                out.push_str(name);
                out.push_str("}}");
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The `points` of a polyline for `values` scaled to `max` (a flat line for one value).
fn points(values: &[f64], max: f64) -> String {
    let max = if max > 0.0 && max.is_finite() {
        max
    } else {
        1.0
    };
    let y = |v: f64| {
        let v = if v.is_finite() {
            v.clamp(0.0, max)
        } else {
            0.0
        };
        SPARK_H - 1.0 - v / max * (SPARK_H - 2.0)
    };
    match values {
        [] => String::new(),
        [only] => format!("0,{:.1} {SPARK_W},{:.1}", y(*only), y(*only)),
        _ => {
            let step = SPARK_W / (values.len() - 1) as f64;
            values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", i as f64 * step, y(*v)))
                .collect::<Vec<_>>()
                .join(" ")
        }
    }
}

/// One sparkline: an inline SVG with a polyline per `(color, values)` series, labelled for
/// the node and metric.
pub fn sparkline(
    node: &str,
    metric: &str,
    label: &str,
    series: &[(&str, &[f64])],
    max: f64,
) -> String {
    let lines: String = series
        .iter()
        .map(|(color, values)| {
            fill(
                POLYLINE.trim_end(),
                &[
                    ("color", &escape_html(color)),
                    ("points", &points(values, max)),
                ],
            )
        })
        .collect();
    fill(
        SPARKLINE.trim_end(),
        &[
            ("node", &escape_html(node)),
            ("metric", &escape_html(metric)),
            ("label", &escape_html(label)),
            ("width", &SPARK_W.to_string()),
            ("height", &SPARK_H.to_string()),
            ("lines", &lines),
        ],
    )
}

fn human_rate(bytes_per_sec: f64) -> String {
    const UNITS: [&str; 4] = ["B/s", "KiB/s", "MiB/s", "GiB/s"];
    let mut value = bytes_per_sec.max(0.0);
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS.get(unit).unwrap_or(&"B/s"))
}

fn node_row(name: &str, state: &NodeState) -> String {
    let r = &state.report;
    let m = &r.metrics;
    let series = |f: fn(&Sample) -> f64| state.history.iter().map(f).collect::<Vec<f64>>();
    let cpu = series(|s| s.cpu * 100.0);
    let memory = series(|s| s.memory * 100.0);
    let rx = series(|s| s.rx);
    let tx = series(|s| s.tx);
    let net_max = rx.iter().chain(&tx).fold(0.0_f64, |a, b| a.max(*b));
    let system = state.static_info.as_ref().map_or_else(
        || "(no static yet)".to_owned(),
        |s| {
            format!(
                "{} {} ({})",
                s.system.platform, s.system.platform_version, s.system.arch
            )
        },
    );
    let load = if m.cpu.has_load() {
        format!("{:.2} {:.2} {:.2}", m.cpu.load1, m.cpu.load5, m.cpu.load15)
    } else {
        "n/a".to_owned()
    };
    let latest = state
        .history
        .back()
        .copied()
        .unwrap_or_else(|| Sample::of(r));
    fill(
        NODE_ROW.trim_end(),
        &[
            ("node", &escape_html(name)),
            ("host", &escape_html(&r.hostname)),
            ("version", &escape_html(&r.version)),
            ("system", &escape_html(&system)),
            ("cpu_now", &format!("{:.1}", latest.cpu * 100.0)),
            (
                "cpu_svg",
                &sparkline(
                    name,
                    "cpu",
                    "CPU usage, percent",
                    &[("#d9480f", &cpu)],
                    100.0,
                ),
            ),
            ("load", &escape_html(&load)),
            ("mem_now", &format!("{:.1}", latest.memory * 100.0)),
            (
                "mem_svg",
                &sparkline(
                    name,
                    "memory",
                    "Memory used, percent",
                    &[("#1971c2", &memory)],
                    100.0,
                ),
            ),
            ("rx_now", &human_rate(latest.rx)),
            ("tx_now", &human_rate(latest.tx)),
            (
                "net_svg",
                &sparkline(
                    name,
                    "network",
                    "Network bytes per second, received and sent",
                    &[("#2f9e44", &rx), ("#862e9c", &tx)],
                    net_max,
                ),
            ),
            ("uptime", &escape_html(&m.system.uptime)),
            ("reports", &state.reports.to_string()),
            ("timestamp", &escape_html(r.timestamp.as_str())),
        ],
    )
}

/// The board: a table row per node with its latest numbers and CPU, memory and network
/// sparklines. The page refreshes itself every 3 seconds.
pub fn render_board(board: &Board) -> String {
    let rows = if board.nodes.is_empty() {
        NO_NODES.trim_end().to_owned()
    } else {
        board
            .nodes
            .iter()
            .map(|(name, state)| node_row(name, state))
            .collect::<Vec<_>>()
            .join("\n")
    };
    fill(
        PAGE,
        &[("count", &board.nodes.len().to_string()), ("rows", &rows)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use nodewire_dash::NodeReport;
    use nodewire_dash::server::Push;

    const REPORT: &[u8] = include_bytes!(
        "../../../crates/nodewire-dash/tests/fixtures/live-push/003-metrics.request.json"
    );

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape_html("<b a=\"x\" c='y'>&</b>"),
            "&lt;b a=&quot;x&quot; c=&#39;y&#39;&gt;&amp;&lt;/b&gt;"
        );
        let mut report: NodeReport = serde_json::from_slice(REPORT).unwrap();
        report.hostname = "<script>alert(1)</script>{{node}}".into();
        let mut board = Board::default();
        board.record("n\"><img src=x>", &Push::Metrics(Box::new(report)));
        let html = render_board(&board);
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;{{node}}"));
        assert!(html.contains("data-node=\"n&quot;&gt;&lt;img src=x&gt;\""));
    }

    #[test]
    fn every_placeholder_is_filled() {
        let empty = render_board(&Board::default());
        assert!(empty.contains("No reports yet."));
        assert!(empty.contains("<small>(0)</small>"));
        let report: NodeReport = serde_json::from_slice(REPORT).unwrap();
        let mut board = Board::default();
        board.record("a", &Push::Metrics(Box::new(report)));
        let html = render_board(&board);
        assert!(!html.contains("{{") && !html.contains("}}"), "{html}");
        assert!(html.contains("<tr class=\"node\" data-node=\"a\"><td>a</td><td>vm</td>"));
        assert_eq!(html.matches("<svg class=\"spark\"").count(), 3);
        assert_eq!(fill("{{a}} {{b}} {{", &[("a", "{{b}}")]), "{{b}} {{b}} {{");
    }

    #[test]
    fn sparkline_points() {
        assert_eq!(points(&[], 1.0), "");
        assert_eq!(points(&[0.5], 1.0), "0,14.0 120,14.0");
        assert_eq!(
            points(&[0.0, 1.0, f64::NAN], 1.0),
            "0.0,27.0 60.0,1.0 120.0,27.0"
        );
        assert_eq!(points(&[5.0, 10.0], 0.0), "0.0,1.0 120.0,1.0");
        assert_eq!(human_rate(1536.0), "1.5 KiB/s");
        assert_eq!(
            sparkline("n", "cpu", "CPU", &[("#000", &[0.5])], 1.0),
            "<svg class=\"spark\" data-node=\"n\" data-metric=\"cpu\" width=\"120\" height=\"28\" \
             viewBox=\"0 0 120 28\" role=\"img\" aria-label=\"CPU\"><polyline fill=\"none\" \
             stroke=\"#000\" stroke-width=\"1.5\" points=\"0,14.0 120,14.0\"/></svg>"
        );
    }
}
