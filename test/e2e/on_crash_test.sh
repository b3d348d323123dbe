#!/usr/bin/env bash
# on_crash: each action after the guest's kernel panics (xenia.panic=64: the
# test guest crashes itself 64 s after boot; pvpanic reports it): destroy,
# preserve (state ----c-), restart, rename-restart, coredump-destroy and
# coredump-restart (an ELF core of the guest in the dump dir) (actions.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/actions.sh"
xe_start
XE_EXTRA_ARGS=xenia.panic=64
xe_check_actions on_crash ----c- panic destroy preserve restart rename-restart \
  coredump-destroy coredump-restart
xe_pass
