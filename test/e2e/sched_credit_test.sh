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

pid=$(xe_qemu_pid sched1)
# The QEMU's own CPU cgroup, as the kernel reports it.
cgroup_of() {
  if ((v == 2)); then
    sed -n 's/^0:://p' "/proc/$1/cgroup"
  else
    sed -n 's/^[0-9]*:\([^:]*,\)\{0,1\}cpu\(,[^:]*\)\{0,1\}://p' "/proc/$1/cgroup"
  fi
}
xm sched-credit -d sched1 -w 512 -c 50
cg=$cg_root$(cgroup_of "$pid")
expect_match "$cg" "/$id\$" "QEMU's CPU cgroup ($cg) is the domain's"
[[ -f $cg/cpu.shares || -f $cg/cpu.weight ]] || fail "$cg has no CPU controller files"
expect_eq "$(xm sched-credit -d sched1 | sed -n 2p)" "$(printf '%-32s %5s %6d %4d' sched1 "$id" 512 50)" "after -w 512 -c 50"
if ((v == 1)); then
  expect_eq "$(cat "$cg/cpu.shares")" 2048 "cpu.shares for weight 512"
  expect_eq "$(cat "$cg/cpu.cfs_quota_us")" 50000 "cpu.cfs_quota_us for cap 50"
  expect_eq "$(cat "$cg/cpu.cfs_period_us")" 100000 "cpu.cfs_period_us"
else
  w512=$(cat "$cg/cpu.weight")
  xm sched-credit -d sched1 -w 256
  w256=$(cat "$cg/cpu.weight")
  expect_eq "$w512" "$((w256 * 2))" "cpu.weight for weight 512 (twice 256's)"
  xm sched-credit -d sched1 -w 512
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
expect_nothing_left sched1 "$id"
[[ ! -d $cg ]] || fail "cgroup $cg left after destroy"
# xend's parent group goes with xend (it is per xend, so it would pile up).
xe_stop_xend
[[ ! -d $(dirname "$cg") ]] || fail "cgroup $(dirname "$cg") left after xend stopped"
xe_pass
