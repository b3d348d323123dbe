#!/usr/bin/env bash
# xm create and xm list: the header byte for byte as xm printed it
# ('%-40s %5s %5s %5s %10s %9s'), Domain-0 first, each guest row in xm's row
# format with its state flags, Domain-0's memory shrinking by what a guest
# takes, xm list <name>, xm list -l, and the error for an unknown domain.
. "$(dirname "$0")/lib.sh"
xe_start

header=$(printf '%-40s %5s %5s %5s %10s %9s' Name ID Mem VCPUs State 'Time(s)')
expect_eq "$(xm list | head -1)" "$header" "xm list header"
expect_eq "$(xm list | wc -l)" 2 "lines of xm list with no guest"
dom0=$(xm list | sed -n 2p)
expect_eq "$(xe_col "$dom0" name)" Domain-0 "first row"
expect_eq "$(xe_col "$dom0" id)" 0 "Domain-0's ID"
expect_eq "$(xe_col "$dom0" vcpus)" "$(nproc)" "Domain-0's VCPUs"
expect_match "$(xe_col "$dom0" state)" '^r-----$' "Domain-0's state"
mem0=$(xe_col "$dom0" mem)
host_mib=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))
((mem0 > 0 && mem0 <= host_mib)) || fail "Domain-0 Mem $mem0 not within host memory $host_mib MiB"

xe_create list1
xe_create list2 'memory = 96' 'vcpus = 2'
xe_wait_ready list1
xe_wait_ready list2
id1=$(xe_domid list1)
id2=$(xe_domid list2)
expect_match "$id1" '^[1-9][0-9]*$' "list1's domid"
((id2 > id1)) || fail "domids not increasing: list1=$id1 list2=$id2"

out=$(xm list)
expect_eq "$(sed -n 1p <<<"$out")" "$header" "header with guests"
expect_eq "$(wc -l <<<"$out")" 4 "lines of xm list with two guests"
expect_eq "$(xe_col "$(sed -n 2p <<<"$out")" name)" Domain-0 "Domain-0 first"
expect_eq "$(xe_col "$(sed -n 3p <<<"$out")" name)" list1 "then by domid"
expect_eq "$(xe_col "$(sed -n 4p <<<"$out")" name)" list2 "then by domid"
# Each guest row must be exactly xm's format applied to its own fields.
check_row() {
  local row=$1 name=$2 id=$3 mem=$4 vcpus=$5 state time want
  state=$(xe_col "$row" state)
  time=$(xe_col "$row" time)
  expect_match "$state" '^(r-----|-b----)$' "$name's state flags"
  expect_match "$time" '^[0-9]+\.[0-9]$' "$name's Time(s)"
  want=$(printf '%-40s %5s %5d %5d %10s %8.1f' "$name" "$id" "$mem" "$vcpus" "$state" "$time")
  expect_eq "$row" "$want" "$name's row"
}
check_row "$(sed -n 3p <<<"$out")" list1 "$id1" 128 1
check_row "$(sed -n 4p <<<"$out")" list2 "$id2" 96 2
mem0_now=$(xe_col "$(sed -n 2p <<<"$out")" mem)
expect_eq "$((mem0 - mem0_now))" $((128 + 96)) "Domain-0's Mem drop with two guests"

# xm list NAME / ID: the header and that row only.
expect_eq "$(xm list list2 | wc -l)" 2 "xm list list2"
expect_eq "$(xe_col "$(xm list "$id1" | sed -n 2p)" name)" list1 "xm list <domid>"

# xm list -l: the SXP of the domain.
sxp=$(xm list -l list1)
expect_match "$(head -1 <<<"$sxp")" '^\(domain' "xm list -l first line"
for want in "(name list1)" "(domid $id1)" "(memory 128)" "(maxmem 128)" "(vcpus 1)" \
  "(on_poweroff destroy)" "(on_reboot restart)" "(on_crash restart)"; do
  grep -qF -- "$want" <<<"$sxp" || fail "xm list -l list1 lacks $want"
done
uuid=$(xe_uuid list1)
expect_match "$uuid" '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' "uuid"
expect_eq "$(xe_col "$(xm list "$uuid" | sed -n 2p)" name)" list1 "xm list <uuid>"

expect_error "^Error: Domain 'nope' does not exist\.$" xm list nope
xe_pass
