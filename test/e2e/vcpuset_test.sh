#!/usr/bin/env bash
# xm vcpu-set hot-plugs vCPUs up to maxvcpus and the guest brings them
# online; xm list and xm vcpu-list follow; unplugging takes them away again;
# more than maxvcpus is refused.
. "$(dirname "$0")/lib.sh"
xe_start

xe_create cpu1 'vcpus = 1' 'maxvcpus = 3'
xe_wait_ready cpu1
expect_eq "$(xe_guest_cpus cpu1)" 1 "online CPUs in the guest at start"
expect_eq "$(xe_col "$(xe_row_raw cpu1)" vcpus)" 1 "VCPUs at start"

guest_cpus_become() {
  local want=$1 got i
  for _ in $(seq 150); do
    got=$(xe_guest_cpus cpu1)
    [[ $got == "$want" ]] && return 0
    sleep 0.2
  done
  fail "the guest has $got CPUs online, expected $want"
}
xm vcpu-set cpu1 3
guest_cpus_become 3
expect_eq "$(xe_col "$(xe_row_raw cpu1)" vcpus)" 3 "VCPUs after vcpu-set 3"
vl=$(xm vcpu-list cpu1)
expect_eq "$(sed -n 1p <<<"$vl")" "$(printf '%-32s %5s %5s %5s %5s %9s %s' Name ID VCPU CPU State 'Time(s)' 'CPU Affinity')" "vcpu-list header"
expect_eq "$(($(wc -l <<<"$vl") - 1))" 3 "vcpu-list rows"
expect_eq "$(awk 'NR > 1 {print $3}' <<<"$vl" | tr '\n' ' ')" "0 1 2 " "vCPU numbers"

xm vcpu-set cpu1 2
guest_cpus_become 2
expect_eq "$(xe_col "$(xe_row_raw cpu1)" vcpus)" 2 "VCPUs after vcpu-set 2"
expect_error . xm vcpu-set cpu1 4
expect_eq "$(xe_col "$(xe_row_raw cpu1)" vcpus)" 2 "VCPUs after a refused vcpu-set"
xe_pass
