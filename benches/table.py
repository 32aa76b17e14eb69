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
