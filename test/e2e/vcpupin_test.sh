#!/usr/bin/env bash
# xm vcpu-pin sets the host CPU affinity of QEMU's vCPU thread (named
# "CPU <n>/TCG" with debug-threads): its Cpus_allowed_list in
# /proc/<pid>/task/<tid>/status follows, and xm vcpu-list shows it.
. "$(dirname "$0")/lib.sh"
xe_start
(($(nproc) >= 2)) || xe_skip "vcpu-pin needs at least 2 host CPUs"
last=$(($(nproc) - 1))

xe_create pin1 'vcpus = 2'
xe_wait_ready pin1
pid=$(xe_qemu_pid pin1)
vcpu_tid() {
  local t
  for t in /proc/"$pid"/task/*; do
    [[ $(cat "$t/comm") == "CPU $1/"* ]] && { basename "$t"; return 0; }
  done
  fail "no thread 'CPU $1/...' in QEMU $pid: $(cat /proc/"$pid"/task/*/comm | tr '\n' ,)"
}
allowed() { awk '/^Cpus_allowed_list:/ {print $2}' "/proc/$pid/task/$(vcpu_tid "$1")/status"; }
affinity_col() { xm vcpu-list pin1 | awk -v v="$1" 'NR > 1 && $3 == v {print $NF}'; }

xm vcpu-pin pin1 1 "$last"
expect_eq "$(allowed 1)" "$last" "Cpus_allowed_list of vCPU 1"
expect_eq "$(affinity_col 1)" "$last" "vcpu-list affinity of vCPU 1"
expect_eq "$(allowed 0)" "0-$last" "vCPU 0 untouched"

xm vcpu-pin pin1 all 0
expect_eq "$(allowed 0)" 0 "vCPU 0 after pinning all"
expect_eq "$(allowed 1)" 0 "vCPU 1 after pinning all"

xm vcpu-pin pin1 0 all
expect_eq "$(allowed 0)" "0-$last" "vCPU 0 after unpinning"
vl=$(xm vcpu-list pin1)
grep -q 'any cpu$' <<<"$(sed -n 2p <<<"$vl")" || fail "vcpu-list does not say 'any cpu' for vCPU 0: $vl"
expect_error . xm vcpu-pin pin1 5 0
expect_error . xm vcpu-pin pin1 0 99
xe_pass
