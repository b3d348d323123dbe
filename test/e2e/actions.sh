# shellcheck shell=bash
# The on_poweroff / on_reboot / on_crash checks (sourced after lib.sh): one
# guest per action, all started together and stopped together once older
# than 60 s (xend refuses faster restarts; restart_guard_test covers that).
#
#   xe_check_actions KEY FLAGS TRIGGER ACTION...
# KEY: on_poweroff|on_reboot|on_crash; FLAGS: the state a preserved domain
# shows (---s-- after a shutdown, ----c- after a crash); TRIGGER: a command
# typed on each guest's console, or "panic" when the guests were configured
# to panic by themselves (XE_EXTRA_ARGS=xenia.panic=N).
#
# Expected, as xend did: destroy -> gone; preserve -> kept with FLAGS until
# xm destroy; restart -> a new domid with the same name and UUID, booted
# again; rename-restart -> the old domain kept as "Domain-<new uuid>" with
# FLAGS, a new one with the name and UUID; coredump-destroy /
# coredump-restart -> an ELF core in the dump dir, then destroy / restart.

xe_check_actions() {
  local key=$1 flags=$2 trigger=$3; shift 3
  local actions=("$@") a n old oldname created
  local -A id uuid boot
  for a in "${actions[@]}"; do
    xe_create "${key#on_}-$a" "$key = \"$a\""
  done
  created=$SECONDS # read by xe_wait_age
  for a in "${actions[@]}"; do
    n=${key#on_}-$a
    xe_wait_ready "$n"
    id[$a]=$(xe_domid "$n")
    uuid[$a]=$(xe_uuid "$n")
    grep -qF "($key $a)" <<<"$(xm list -l "$n")" || fail "xm list -l $n does not show ($key $a)"
  done
  xe_wait_age 62 created
  for a in "${actions[@]}"; do
    n=${key#on_}-$a
    boot[$a]=$(xe_boot_id "$n")
    [[ $trigger == panic ]] || xe_guest_send "$n" "$trigger"
  done
  for a in "${actions[@]}"; do
    n=${key#on_}-$a
    xe_log "checking $key=$a"
    case $a in
      destroy | coredump-destroy)
        xe_wait_until 120 xe_gone "$n" || fail "$key=$a: $n still listed"
        expect_nothing_left "$n" "${id[$a]}" "${uuid[$a]}"
        ;;
      preserve)
        xe_wait_until 120 eval "[[ \$(xe_state $n) == $flags ]]" ||
          fail "$key=preserve: state '$(xe_state "$n")', expected $flags"
        expect_eq "$(xe_domid "$n")" "${id[$a]}" "$key=preserve: domid"
        [[ -n $(xe_qemu_pid "$n") ]] || fail "$key=preserve: no QEMU kept for inspection"
        xm destroy "$n"
        expect_nothing_left "$n" "${id[$a]}" "${uuid[$a]}"
        ;;
      restart | coredump-restart)
        xe_wait_restart "$n" "${id[$a]}" 120 >/dev/null
        xe_wait_new_boot "$n" "${boot[$a]}"
        expect_eq "$(xe_uuid "$n")" "${uuid[$a]}" "$key=$a: UUID after the restart"
        [[ -z $(xm list "${id[$a]}" 2>/dev/null | sed -n 2p) ]] ||
          fail "$key=$a: the old domain ${id[$a]} is still listed"
        [[ ! -e $XE_TMP/run/domains/${id[$a]} ]] || fail "$key=$a: old run dir left"
        expect_eq "$(xe_qemu_pid "$n" | wc -l)" 1 "$key=$a: QEMU processes"
        ;;
      rename-restart)
        xe_wait_restart "$n" "${id[$a]}" 120 >/dev/null
        expect_eq "$(xe_uuid "$n")" "${uuid[$a]}" "$key=rename-restart: UUID of the new domain"
        old=$(xm list "${id[$a]}" | sed -n 2p)
        oldname=$(xe_col "$old" name)
        expect_match "$oldname" \
          '^Domain-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' \
          "$key=rename-restart: the old domain's name"
        [[ ${oldname#Domain-} != "${uuid[$a]}" ]] || fail "$key=rename-restart: old UUID kept"
        expect_eq "$(xe_uuid "${id[$a]}")" "${oldname#Domain-}" "$key=rename-restart: old UUID"
        expect_eq "$(xe_col "$old" state)" "$flags" "$key=rename-restart: the old domain's state"
        xe_wait_new_boot "$n" "${boot[$a]}"
        xm destroy "${id[$a]}"
        expect_nothing_left "$oldname" "${id[$a]}" "${oldname#Domain-}"
        xe_exists "$n" || fail "$key=rename-restart: destroying the old domain took the new one"
        ;;
      *) fail "unknown action $a" ;;
    esac
    case $a in
      coredump-*)
        local core
        core=$(find "$XE_TMP/dump" -type f -name "*$n*" | head -1)
        [[ -n $core ]] || fail "$key=$a: no core file for $n in $XE_TMP/dump: $(ls -R "$XE_TMP/dump")"
        expect_eq "$(head -c 4 "$core" | od -An -c | tr -d ' ')" '177ELF' "$key=$a: core format"
        (($(stat -c %s "$core") >= 128 * 1024 * 1024)) ||
          fail "$key=$a: core $core smaller than the guest's 128 MiB"
        ;;
    esac
  done
}
