#!/usr/bin/env bash
# Runs xs_bench against Xen's C xenstored, oxenstored --no-access-log and
# Xenia's xenstored, one after another in one run, each daemon and its client
# pinned to the same CPU (cross-CPU wake-ups otherwise dominate, see
# ../shared/anchors/xenstored/README.md), and prints the comparison table
# (also written to $OUT when set) for docs/benchmarks.md. Needs xen-utils-4.17
# and a built tree.
#
#   bench/xenstore/compare.sh [--domains N] [--ops N] [--cpu N] [--no-c-domains]
#
# --no-c-domains skips C xenstored's domain-creation test (over an hour for
# 10,000 domains here); its cells then read n/a.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
anchors=${ANCHORS:-$top/../shared/anchors/xenstored}
out=${OUT:-}
domains=10000
ops=200000
cpu=1
c_domains=1
while (($#)); do
  case $1 in
    --domains) domains=$2; shift 2 ;;
    --ops) ops=$2; shift 2 ;;
    --cpu) cpu=$2; shift 2 ;;
    --no-c-domains) c_domains=0; shift ;;
    *) echo "usage: $0 [--domains N] [--ops N] [--cpu N] [--no-c-domains]" >&2; exit 2 ;;
  esac
done
bench=$build/bin/xs_bench
[ -x "$bench" ] || { echo "build first: $bench missing" >&2; exit 2; }
work=$(mktemp -d /tmp/xsbench.XXXXXX)
results=$work/results.jsonl
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# run_suite LABEL START TEST...: every test on a fresh daemon, so one test's
# nodes do not slow the next.
run_suite() {
  local label=$1 start=$2
  shift 2
  for t in "$@"; do
    local pid sock
    read -r pid sock < <($start)
    pids+=("$pid")
    taskset -c "$cpu" "$bench" --socket "$sock" --pid "$pid" --test "$t" \
      --ops "$ops" --domains "$domains" | jq -c --arg d "$label" '. + {daemon: $d}' >>"$results"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    sleep 0.3
  done
}

start_c() {
  local pid
  pid=$(taskset -c "$cpu" "$anchors/start-xen-xenstored.sh" "$work/c" | tail -1)
  echo "$pid $work/c/run/socket"
}
start_o() {
  local pid
  pid=$(taskset -c "$cpu" "$anchors/start-xen-oxenstored.sh" --no-access-log | tail -1)
  echo "$pid /var/run/xenstored/socket"
}
start_x() {
  mkdir -p "$work/x"
  rm -f "$work/x/socket"
  XENSTORED_RUNDIR=$work/x taskset -c "$cpu" "$build/bin/xenstored" -N >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 100); do [ -S "$work/x/socket" ] && break; sleep 0.05; done
  echo "$pid $work/x/socket"
}

# The short latency tests of all three daemons first, close together in time,
# then domain creation: C xenstored needs over an hour for 10,000 domains here
# (its rate falls to ~1 domain/s), so it runs last.
quick=(write read tx pipeline)
# The unix-socket round trip with no daemon: the floor every READ pays here.
taskset -c "$cpu" "$bench" --test floor --ops "$ops" | jq -c '. + {daemon: "no daemon"}' >"$work/floor.json"
run_suite "C xenstored" start_c "${quick[@]}"
run_suite "oxenstored --no-access-log" start_o "${quick[@]}"
run_suite "Xenia xenstored" start_x "${quick[@]}"
run_suite "Xenia xenstored" start_x domains
run_suite "oxenstored --no-access-log" start_o domains
if ((c_domains)); then
  run_suite "C xenstored" start_c domains
fi

python3 "$here/report.py" "$results" "$domains" "$ops" "$cpu" "$work/floor.json" >"$work/table.md"
[[ -n $out ]] && cp "$work/table.md" "$out"
cat "$work/table.md"
