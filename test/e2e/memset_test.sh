#!/usr/bin/env bash
# xm mem-set moves the balloon and the guest sees it: MemTotal inside drops
# or grows by exactly the difference; xm list follows; targets above maxmem
# are refused; xm mem-max lowers the ceiling.
. "$(dirname "$0")/lib.sh"
xe_start

xe_create bal1 'memory = 128' 'maxmem = 256'
xe_wait_ready bal1
expect_eq "$(xe_col "$(xe_row_raw bal1)" mem)" 128 "Mem at start"
grep -qF '(maxmem 256)' <<<"$(xm list -l bal1)" || fail "xm list -l lacks (maxmem 256)"

# MemTotal settles once the balloon reached its target.
memtotal_after_change() {
  local base=$1 want_delta_kib=$2 got i
  for _ in $(seq 150); do
    got=$(xe_guest_memtotal bal1)
    if ((got - base == want_delta_kib)); then
      echo "$got"
      return 0
    fi
    sleep 0.2
  done
  fail "guest MemTotal went $base -> $got kB, expected a change of $want_delta_kib kB"
}
m0=$(xe_guest_memtotal bal1)
xm mem-set bal1 96
expect_eq "$(xe_col "$(xe_row_raw bal1)" mem)" 96 "Mem after mem-set 96"
m1=$(memtotal_after_change "$m0" $((-32 * 1024)))
xm mem-set bal1 200m
expect_eq "$(xe_col "$(xe_row_raw bal1)" mem)" 200 "Mem after mem-set 200m"
m2=$(memtotal_after_change "$m1" $((104 * 1024)))

expect_error . xm mem-set bal1 300
expect_eq "$(xe_col "$(xe_row_raw bal1)" mem)" 200 "Mem after a refused mem-set"

xm mem-max bal1 220
grep -qF '(maxmem 220)' <<<"$(xm list -l bal1)" || fail "xm list -l lacks (maxmem 220) after mem-max"
expect_error . xm mem-set bal1 230
xm mem-set bal1 220
memtotal_after_change "$m2" $((20 * 1024)) >/dev/null
expect_eq "$(xe_col "$(xe_row_raw bal1)" mem)" 220 "Mem after mem-set 220"
xe_pass
