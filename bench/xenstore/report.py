#!/usr/bin/env python3
"""Turns compare.sh's JSON lines into the markdown table of docs/benchmarks.md."""
import json
import sys

path, domains, ops, cpu = sys.argv[1:5]
floor = json.load(open(sys.argv[5])) if len(sys.argv) > 5 else None
rows = [json.loads(l) for l in open(path) if l.strip()]
daemons = []
for r in rows:
    if r["daemon"] not in daemons:
        daemons.append(r["daemon"])


def get(daemon, test, key):
    for r in rows:
        if r["daemon"] == daemon and r["test"] == test and key in r:
            return r[key]
    return None


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, float) and v < 100:
        return f"{v:.1f}{unit}"
    return f"{v:,.0f}{unit}".replace(",", " ")


metrics = [
    ("WRITE, ops/s", "write", "ops_per_sec", ""),
    ("WRITE p50", "write", "p50_us", " µs"),
    ("READ, ops/s", "read", "ops_per_sec", ""),
    ("READ p50", "read", "p50_us", " µs"),
    ("TRANSACTION_START + 3 WRITE + commit, /s", "tx", "tx_per_sec", ""),
    ("pipelined WRITE via client library, /s", "pipeline", "writes_per_sec", ""),
    (f"domain creation (~74 requests in 1 transaction), domains/s over {domains}", "domains",
     "domains_per_sec", ""),
    ("... first 10% of domains, /s", "domains", "first_window_per_sec", ""),
    ("... last 10% of domains, /s", "domains", "last_window_per_sec", ""),
    (f"RSS after {domains} domains, MB", "domains", "rss_kb_after", ""),
]

ours = daemons[-1]
print("# Benchmarks\n")
print("XenStore daemons side by side, produced in one run by:\n")
print(f"    bench/xenstore/compare.sh --domains {domains} --ops {ops} --cpu {cpu}\n")
print(f"Each test runs on a fresh daemon; daemon and client are pinned to CPU {cpu}.")
print("Ratios are ours divided by theirs (higher is better, except latency and RSS).\n")
print("| test | " + " | ".join(daemons) + " | ours / C | ours / O |")
print("|---|" + "---|" * (len(daemons) + 2))
for label, test, key, unit in metrics:
    vals = [get(d, test, key) for d in daemons]
    if key == "rss_kb_after":
        vals = [v / 1024 if v is not None and v > 0 else None for v in vals]
    cells = [fmt(v, unit) for v in vals]
    ratios = []
    for theirs in vals[:2]:
        o = vals[-1]
        ratios.append(f"{o / theirs:.2f}" if o and theirs else "n/a")
    print(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
if floor:
    print(f"\nFloor: a bare unix-socket round trip (xs_bench --test floor, no daemon) has p50 "
          f"{floor['p50_us']:.1f} µs here ({floor['ops_per_sec']:,.0f}/s).")
flat = get(ours, "domains", "last_window_per_sec"), get(ours, "domains", "first_window_per_sec")
if all(flat):
    print(f"\nFlatness (ours): last 10% / first 10% = {flat[0] / flat[1]:.2f}")
