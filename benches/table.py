#!/usr/bin/env python3
"""Prints the ratio table of benches/README.md from criterion's results (target/criterion)."""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")


def load(group, function):
    d = root / group / function / "new"
    if not (d / "estimates.json").exists():
        return None, None
    est = json.loads((d / "estimates.json").read_text())["mean"]["point_estimate"]
    bench = json.loads((d / "benchmark.json").read_text())
    return est, bench.get("throughput")


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.2f} {unit}"
    return f"{ns:.0f} ns"


print("| group | typed decode | MB/s typed | typed / IgnoredAny (target ≤ 1.5) | Value / typed (target ≥ 2) | typed encode | Value encode |")
print("|---|---:|---:|---:|---:|---:|---:|")
for group_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "report"):
    group = group_dir.name
    typed, tp = load(group, "decode_typed")
    if typed is None:
        continue
    value, _ = load(group, "decode_value")
    ignored, _ = load(group, "decode_ignored_any")
    enc_t, _ = load(group, "encode_typed")
    enc_v, _ = load(group, "encode_value")
    mbs = ""
    if tp and "Bytes" in tp:
        mbs = f"{tp['Bytes'] / typed * 1e9 / 1e6:.0f}"
    r1 = f"{typed / ignored:.2f}" if ignored else "–"
    r2 = f"{value / typed:.2f}" if value else "–"
    print(f"| {group.replace('_', '/')} | {fmt_time(typed)} | {mbs} | {r1} | {r2} | "
          f"{fmt_time(enc_t) if enc_t else '–'} | {fmt_time(enc_v) if enc_v else '–'} |")

print()
print("| measure | result | target |")
print("|---|---:|---|")
normalize, tp = load("nodepass_url-normalize", "normalize")
if normalize is not None and tp and "Elements" in tp:
    rate = tp["Elements"] / normalize * 1e9
    verdict = "met" if rate >= 1e6 else "**missed**"
    print(f"| NodePass URL normalize ({tp['Elements']} examples, one core) | "
          f"{rate:,.0f} URLs/s ({fmt_time(normalize)} per pass) | ≥ 1,000,000 URLs/s: {verdict} |")
ours, _ = load("core_heartbeat-loopback", "nodewire")
bare, _ = load("core_heartbeat-loopback", "bare-echo")
if ours is not None and bare is not None:
    ratio = ours / bare
    verdict = "met" if ratio <= 1.1 else "**missed**"
    print(f"| tonic loopback Heartbeat: nodewire / bare echo | {ratio:.3f} "
          f"({fmt_time(ours)} vs {fmt_time(bare)}) | ≤ 1.1×: {verdict} |")
prost, _ = load("core_usage-100000-prost", "decode_typed")
json_typed, _ = load("core_usage-100000-json", "decode_typed")
if prost is not None and json_typed is not None:
    print(f"| `ReportUsage` 100,000 entries: prost decode vs JSON typed decode | "
          f"{fmt_time(prost)} vs {fmt_time(json_typed)} | (no target) |")
sse, _ = load("nodepass_events-100000", "decode_sse_only")
events, _ = load("nodepass_events-100000", "decode_typed")
if sse is not None and events is not None:
    print(f"| `nodepass/events-100000`: SSE framing alone | {fmt_time(sse)} of the "
          f"{fmt_time(events)} typed decode | – |")
