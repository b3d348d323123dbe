#!/usr/bin/env bash
# The small commands: domid, domname, rename (XenStore follows), uptime
# (xm's header and row format), info (key: value lines in xm's order with
# xend_config_format 4), info -c, dmesg (xend's event ring names the guest)
# and log (xend's log).
. "$(dirname "$0")/lib.sh"
xe_start

xe_create misc1
xe_wait_ready misc1
id=$(xe_domid misc1)
expect_output "$id" xm domid misc1
expect_output misc1 xm domname "$id"
expect_output 0 xm domid Domain-0
expect_output Domain-0 xm domname 0

xm rename misc1 misc2
expect_output "$id" xm domid misc2
xe_gone misc1 || fail "the old name still resolves after rename"
expect_eq "$(xs read "/local/domain/$id/name")" misc2 "/local/domain/$id/name after rename"
uuid=$(xe_uuid misc2)
expect_eq "$(xs read "/vm/$uuid/name")" misc2 "/vm/$uuid/name after rename"
xe_create misc3
expect_error . xm rename misc2 misc3
expect_output "$id" xm domid misc2

up=$(xm uptime)
expect_eq "$(sed -n 1p <<<"$up")" "$(printf '%-33s %4s %s ' Name ID Uptime)" "uptime header"
row=$(grep '^misc2 ' <<<"$up") || fail "no misc2 row in xm uptime: $up"
expect_eq "${row:0:39}" "$(printf '%-32s %5s ' misc2 "$id")" "uptime row: name and ID"
expect_match "${row:39}" '^[ 0-9][0-9]:[0-5][0-9]:[0-5][0-9]$' "uptime row: time"
expect_match "$(xm uptime -s misc2)" "^ [0-9]{2}:[0-9]{2}:[0-9]{2} up .*, misc2 \\($id\\)\$" "uptime -s"

info=$(xm info)
expect_eq "$(sed -n 1p <<<"$info" | cut -c1-25)" "$(printf '%-23s: ' system)" "first xm info key (xend's order: system, host, ...)"
expect_eq "$(grep '^xend_config_format' <<<"$info")" "$(printf '%-23s: %s' xend_config_format 4)" "xend_config_format"
expect_eq "$(grep '^nr_cpus ' <<<"$info")" "$(printf '%-23s: %s' nr_cpus "$(nproc)")" "nr_cpus"
total=$(awk '/^total_memory / {print $3}' <<<"$info")
expect_eq "$total" "$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))" "total_memory (MiB)"
keys=$(awk -F' *: ' '{print $1}' <<<"$info" | tr '\n' ' ')
for k in system host release version machine nr_cpus total_memory free_memory xen_major xen_caps; do
  grep -qw "$k" <<<"$keys" || fail "xm info lacks $k"
done
grep -qE "^xend-run-path +: $XE_TMP/run\$" <<<"$(xm info -c)" || fail "xm info -c lacks xend-run-path"

grep -qE 'misc[123]' <<<"$(xm dmesg)" || fail "xm dmesg does not mention the guest"
xm dmesg -c >/dev/null
grep -q misc <<<"$(xm log)" || fail "xm log does not mention the guest"
xe_pass
