#!/usr/bin/env bash
# xm sched-credit: weight and cap per domain, shown in xm's format and
# applied to the domain's CPU cgroup (v1: cpu.shares = weight * 4,
# cpu.cfs_quota_us = cap% of the 100 ms period; v2: cpu.weight in
# proportion to the weight, cpu.max "<quota> 100000"), which holds the
# guest's QEMU.
. "$(dirname "$0")/lib.sh"
if [[ -f /sys/fs/cgroup/cgroup.controllers ]] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers; then
  cg_root=/sys/fs/cgroup v=2
elif [[ -f /sys/fs/cgroup/cpu/cpu.shares ]]; then
  cg_root=/sys/fs/cgroup/cpu v=1
else
  xe_skip "no cgroup CPU controller on this host"
fi
xe_start

xe_create sched1
xe_wait_ready sched1
id=$(xe_domid sched1)
header=$(printf '%-33s %4s %6s %4s' Name ID Weight Cap)
expect_eq "$(xm sched-credit -d sched1)" "$header
$(printf '%-32s %5s %6d %4d' sched1 "$id" 256 0)" "sched-credit defaults"

cg=$(find "$cg_root" -maxdepth 3 -type d -path "*/xenia/$id" | head -1)
[[ -n $cg ]] || fail "no cgroup xenia/$id under $cg_root"
pid=$(xe_qemu_pid sched1)
grep -qx "$pid" "$cg/cgroup.procs" || fail "QEMU $pid is not in $cg/cgroup.procs"
if ((v == 2)); then w256=$(cat "$cg/cpu.weight"); fi

xm sched-credit -d sched1 -w 512 -c 50
expect_eq "$(xm sched-credit -d sched1 | sed -n 2p)" "$(printf '%-32s %5s %6d %4d' sched1 "$id" 512 50)" "after -w 512 -c 50"
if ((v == 1)); then
  expect_eq "$(cat "$cg/cpu.shares")" 2048 "cpu.shares for weight 512"
  expect_eq "$(cat "$cg/cpu.cfs_quota_us")" 50000 "cpu.cfs_quota_us for cap 50"
  expect_eq "$(cat "$cg/cpu.cfs_period_us")" 100000 "cpu.cfs_period_us"
else
  expect_eq "$(cat "$cg/cpu.weight")" "$((w256 * 2))" "cpu.weight for weight 512 (twice 256's)"
  expect_eq "$(cat "$cg/cpu.max")" "50000 100000" "cpu.max for cap 50"
fi

xm sched-credit -d sched1 -c 0
if ((v == 1)); then
  expect_eq "$(cat "$cg/cpu.cfs_quota_us")" -1 "cpu.cfs_quota_us uncapped"
  expect_eq "$(cat "$cg/cpu.shares")" 2048 "cpu.shares kept when only the cap changes"
else
  expect_eq "$(cat "$cg/cpu.max")" "max 100000" "cpu.max uncapped"
fi
grep -qF '(cpu_weight 512)' <<<"$(xm list -l sched1)" || fail "xm list -l lacks (cpu_weight 512)"
expect_error . xm sched-credit -d sched1 -w 0
xm destroy sched1
[[ ! -d $cg ]] || fail "cgroup $cg left after destroy"
xe_pass
