#!/usr/bin/env bash
# xm dump-core writes the guest's memory as an ELF core: to a named file
# (the guest runs on afterwards, paused during the dump unless -L), to the
# dump dir when no file is named, and with -C the domain is destroyed after
# the dump.
. "$(dirname "$0")/lib.sh"
xe_start

xe_create core1
xe_wait_ready core1
is_core() {
  [[ -s $1 ]] || fail "no core file $1"
  expect_eq "$(head -c 4 "$1" | od -An -c | tr -d ' ')" '177ELF' "ELF magic of $1"
  (($(stat -c %s "$1") >= 128 * 1024 * 1024)) || fail "$1 is smaller than the guest's 128 MiB"
}

xm dump-core core1 "$XE_TMP/core1.core"
is_core "$XE_TMP/core1.core"
expect_match "$(xe_state core1)" '^(r-----|-b----)$' "state after dump-core"
expect_eq "$(xe_guest core1 'echo XE-$((6*7))' 'XE-42')" XE-42 "guest after dump-core"

xm dump-core -L core1
core=$(find "$XE_TMP/dump" -type f -name '*core1*' | head -1)
[[ -n $core ]] || fail "dump-core without a file wrote nothing to $XE_TMP/dump: $(ls -R "$XE_TMP/dump")"
is_core "$core"
expect_match "$(xe_state core1)" '^(r-----|-b----)$' "state after dump-core -L"

id=$(xe_domid core1)
xm dump-core -C core1 "$XE_TMP/crash.core"
is_core "$XE_TMP/crash.core"
xe_wait_until 60 xe_gone core1 || fail "dump-core -C: core1 still listed"
expect_nothing_left core1 "$id"
expect_error . xm dump-core core1 "$XE_TMP/again.core"
[[ ! -e $XE_TMP/again.core ]] || fail "dump-core of a gone domain left a file"
xe_pass
