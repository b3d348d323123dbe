#!/usr/bin/env bash
# Bad input leaves nothing behind: a config with a syntax error (the error
# names file:line), a missing kernel, an invalid value, more memory than the
# host has, a name already in use, and commands on a domain that does not
# exist. Afterwards only the one good guest exists: one row, one run dir,
# one QEMU, its XenStore nodes only.
. "$(dirname "$0")/lib.sh"
xe_start

nothing_new() {
  expect_eq "$(xe_domains | tr '\n' ' ')" "${1:-}" "domains after $2"
  expect_eq "$(ls "$XE_TMP/run/domains" 2>/dev/null | tr '\n' ' ')" "${3:-}" "run dirs after $2"
  expect_eq "$(xs list /local/domain | grep -vx 0 | tr '\n' ' ')" "${3:-}" "/local/domain after $2"
  expect_eq "$(xe_qemu_pids | wc -l)" "${4:-0}" "QEMU processes after $2"
}

bad=$XE_TMP/cfg/syntax.cfg
printf 'name = "syntax"\nmemory = 128\nvcpus = = 2\n' >"$bad"
expect_error "syntax\.cfg.*:3|syntax\.cfg.*line 3" xm create "$bad"
nothing_new "" "a syntax error"

cfg=$(xe_cfg nokernel 'kernel = "/nonexistent/vmlinuz"')
expect_error "/nonexistent/vmlinuz" xm create "$cfg"
nothing_new "" "a missing kernel"

cfg=$(xe_cfg badvcpus 'vcpus = 0')
expect_error "vcpus" xm create "$cfg"
nothing_new "" "vcpus = 0"

cfg=$(xe_cfg huge 'memory = 100000000' 'maxmem = 100000000')
expect_error "MiB|memory" xm create "$cfg"
nothing_new "" "too much memory"

xe_create clash1
xe_wait_ready clash1
id=$(xe_domid clash1)
cfg=$(xe_cfg clash1 'memory = 96')
expect_error "clash1" xm create "$cfg"
nothing_new "clash1 " "a name clash" "$id " 1
expect_eq "$(xe_col "$(xe_row_raw clash1)" mem)" 128 "the first clash1 is untouched"
expect_eq "$(xe_guest clash1 'echo XE-$((40+2))' 'XE-42')" XE-42 "the first clash1 still runs"

for cmd in pause unpause destroy shutdown reboot domid "mem-set nope 64" "vcpu-set nope 1" \
  "rename nope nope2" "sysrq nope h" "dump-core nope"; do
  read -ra args <<<"$cmd"
  [[ ${#args[@]} -gt 1 ]] || args+=(nope)
  expect_error "^Error: Domain 'nope' does not exist\.$" xm "${args[@]}"
done
nothing_new "clash1 " "commands on an unknown domain" "$id " 1
xe_pass
