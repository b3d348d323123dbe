# shellcheck shell=bash
# Shared by the end-to-end tests (sourced, bash): a private xenstored and xend
# on a short temp dir, guest configs for the test guest, console helpers, and
# a cleanup that destroys what is left and fails the test when xend leaked
# anything (a QEMU, a socket, a run dir, XenStore nodes).
#
# Environment (set by CMake): XE_BIN (build/bin), XE_GUEST (dir with vmlinuz
# and initrd.gz), XE_TOOLS (test/e2e/tools). A test sources this file, calls
# xe_start, asserts with the helpers below, and ends with xe_pass.
set -euo pipefail
: "${XE_BIN:?XE_BIN must name the build bin directory}"
: "${XE_GUEST:?XE_GUEST must name the test guest directory}"
XE_TOOLS=${XE_TOOLS:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tools}
XE_NAME=$(basename "$0" .sh)
XE_TMP=
XE_XENSTORED_PID=
XE_XEND_PID=
XE_FAILED=0
# Generous: guests boot in ~3 s under TCG on an idle machine, much slower
# while other jobs compile.
XE_READY_TIMEOUT=${XE_READY_TIMEOUT:-120}

xe_log() { printf '[%s %s] %s\n' "$(date +%T)" "$XE_NAME" "$*" >&2; }

fail() {
  xe_log "FAIL: $*"
  XE_FAILED=1
  exit 1
}

# Exits 77 (ctest SKIP_RETURN_CODE) for a host that lacks a feature the test
# needs; never for a failure of Xenia itself.
xe_skip() {
  xe_log "SKIP: $*"
  exit 77
}

xe_requirements() {
  command -v qemu-system-x86_64 >/dev/null || xe_skip "qemu-system-x86_64 not installed"
  command -v python3 >/dev/null || xe_skip "python3 not installed"
  [[ -x $XE_BIN/xend && -x $XE_BIN/xm && -x $XE_BIN/xenstored ]] ||
    fail "xend, xm or xenstored not built in $XE_BIN"
  [[ -s $XE_GUEST/vmlinuz && -s $XE_GUEST/initrd.gz ]] ||
    fail "test guest missing in $XE_GUEST (scripts/build-test-guest.sh $XE_GUEST)"
}

xm() { "$XE_BIN/xm" "$@"; }
xs() { local tool=$1; shift; "$XE_BIN/xenstore-$tool" "$@"; }
xe_py() { python3 "$XE_TOOLS/xe.py" "$@"; }

# Polls `"$@"` every 0.2 s until it succeeds; fails after $1 seconds.
xe_wait_until() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

xe_write_xend_config() {
  cat >"$XE_TMP/xend-config.sxp" <<EOF
# xend-config.sxp for one end-to-end test: everything under $XE_TMP.
(logfile $XE_TMP/log/xend.log)
(loglevel DEBUG)
(xend-run-path $XE_TMP/run)
(xend-state-path $XE_TMP/state)
(xend-domains-path $XE_TMP/state/domains)
(xend-log-dir $XE_TMP/log)
(xend-dump-path $XE_TMP/dump)
(xend-auto-path $XE_TMP/auto)
(xend-accel tcg)
(xenstored-socket $XE_TMP/xs/socket)
(xenstored-start no)
(dom0-min-mem 0)
${XE_XEND_EXTRA_CONFIG:-}
EOF
}

xe_start_xenstored() {
  XENSTORED_RUNDIR=$XE_TMP/xs "$XE_BIN/xenstored" -N -F "$XE_TMP/xenstored.pid" \
    --rundir "$XE_TMP/xs" >"$XE_TMP/log/xenstored.log" 2>&1 &
  XE_XENSTORED_PID=$!
  xe_wait_until 20 test -s "$XE_TMP/xenstored.pid" || fail "xenstored did not start"
}

# Starts xend in the foreground mode (-F) in the background of this shell and
# waits until it answers.
xe_start_xend() {
  "$XE_BIN/xend" -F >>"$XE_TMP/log/xend.stderr" 2>&1 &
  XE_XEND_PID=$!
  local deadline=$((SECONDS + 30))
  until xm list >/dev/null 2>&1; do
    kill -0 "$XE_XEND_PID" 2>/dev/null || {
      tail -20 "$XE_TMP/log/xend.stderr" >&2
      fail "xend exited at start"
    }
    ((SECONDS < deadline)) || fail "xend did not answer within 30 s"
    sleep 0.1
  done
}

# Stops xend with SIGTERM (guests keep running) and waits for it.
xe_stop_xend() {
  [[ -n $XE_XEND_PID ]] || return 0
  kill "$XE_XEND_PID" 2>/dev/null || true
  local i
  for i in $(seq 100); do
    kill -0 "$XE_XEND_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$XE_XEND_PID" 2>/dev/null; then
    xe_log "xend ignored SIGTERM for 10 s"
    kill -9 "$XE_XEND_PID" 2>/dev/null || true
    XE_FAILED=1
  fi
  wait "$XE_XEND_PID" 2>/dev/null || true
  XE_XEND_PID=
}

xe_start() {
  xe_requirements
  XE_TMP=$(mktemp -d /tmp/xe.XXXX)
  chmod 0755 "$XE_TMP"
  mkdir -p "$XE_TMP"/{run,state,log,dump,auto,xs,cfg}
  trap xe_cleanup EXIT
  export XEND_CONFIG=$XE_TMP/xend-config.sxp
  export XEND_SOCKET=$XE_TMP/run/xend.sock
  export XENSTORED_PATH=$XE_TMP/xs/socket
  xe_write_xend_config
  xe_start_xenstored
  xe_start_xend
  xe_log "xend up in $XE_TMP"
}

# xe_cfg NAME [LINE...]: writes $XE_TMP/cfg/NAME.cfg for the test guest and
# prints its path. Extra lines (xm syntax, e.g. 'on_crash = "preserve"')
# come last, so they override the defaults.
xe_cfg() {
  local name=$1; shift
  local f=$XE_TMP/cfg/$name.cfg line
  {
    echo "# $name: Xenia's test guest (written by test/e2e/lib.sh)"
    echo "name = \"$name\""
    echo "kernel = \"$XE_GUEST/vmlinuz\""
    echo "ramdisk = \"$XE_GUEST/initrd.gz\""
    echo "memory = 128"
    echo "vcpus = 1"
    echo "extra = \"console=hvc0 xenia.name=$name panic=0 ${XE_EXTRA_ARGS:-}\""
    for line in "$@"; do echo "$line"; done
  } >"$f"
  echo "$f"
}

# xe_create NAME [LINE...] [-- XM-CREATE-OPTIONS...]: writes the config and
# runs `xm create`; the test fails if it does.
xe_create() {
  local name=$1; shift
  local lines=() opts=()
  while (($#)); do
    if [[ $1 == -- ]]; then
      shift
      opts=("$@")
      break
    fi
    lines+=("$1")
    shift
  done
  local cfg
  cfg=$(xe_cfg "$name" "${lines[@]+"${lines[@]}"}")
  xm create "${opts[@]+"${opts[@]}"}" "$cfg" >"$XE_TMP/create-$name.out" 2>&1 || {
    cat "$XE_TMP/create-$name.out" >&2
    fail "xm create $name failed"
  }
}

xe_domid() { xm domid "$1"; }
xe_exists() { xm domid "$1" >/dev/null 2>&1; }
xe_gone() { ! xm domid "$1" >/dev/null 2>&1; }

# The domain's row of `xm list` with the columns split on blanks (a halted
# managed domain has no ID and no State, so fields shift: use xe_row_raw).
xe_row_raw() { xm list "$1" | sed -n 2p; }
# Columns of xm's format '%-40s %5s %5d %5d %10s %8.1f': name 0-39, ID 41-45,
# Mem 47-51, VCPUs 53-57, State 59-68, Time 70-; a name longer than 40
# characters (rename-restart's "Domain-<uuid>") shifts the rest. Trimmed.
xe_col() {
  local row=$1 col=$2 s name off
  name=${row%% *}
  off=$((${#name} > 40 ? ${#name} - 40 : 0))
  case $col in
    name) s=$name ;;
    id) s=${row:41+off:5} ;;
    mem) s=${row:47+off:5} ;;
    vcpus) s=${row:53+off:5} ;;
    state) s=${row:59+off:10} ;;
    time) s=${row:70+off} ;;
  esac
  s=${s#"${s%%[![:space:]]*}"}
  echo "${s%"${s##*[![:space:]]}"}"
}
xe_state() { xe_col "$(xe_row_raw "$1")" state; }
xe_uuid() { xm list -l "$1" | sed -n 's/^ *(uuid \([0-9a-f-]*\)).*/\1/p' | head -1; }

# The console log QEMU writes for the domain (every byte since its start).
xe_console_log() { echo "$XE_TMP/log/console/guest-$1.log"; }
xe_log_size() { stat -c %s "$(xe_console_log "$1")" 2>/dev/null || echo 0; }

# wait_console_marker NAME MARKER TIMEOUT [FROM]: waits until MARKER (fixed
# string) appears in the console log after byte offset FROM (a log that
# shrank, because a restarted QEMU truncated it, is read from its start).
wait_console_marker() {
  local name=$1 marker=$2 timeout=$3 from=${4:-0}
  local log deadline=$((SECONDS + timeout)) size
  log=$(xe_console_log "$name")
  while true; do
    size=$(stat -c %s "$log" 2>/dev/null || echo 0)
    ((size >= from)) || from=0
    if ((size > from)) && tail -c +"$((from + 1))" "$log" | grep -qaF -- "$marker"; then
      return 0
    fi
    if ((SECONDS >= deadline)); then
      xe_log "no '$marker' on $name's console within ${timeout}s; log tail:"
      tail -c 600 "$log" 2>/dev/null | sed 's/^/    /' >&2 || true
      return 1
    fi
    sleep 0.2
  done
}
xe_wait_ready() {
  wait_console_marker "$1" "XENIA-GUEST-READY $1 boot=" "${2:-$XE_READY_TIMEOUT}" "${3:-0}" || {
    xm list >&2 || true
    fail "$1 never became ready"
  }
}
# The boot id in the last ready marker of NAME's console log ("" if none):
# the guest prints a new one each boot, whether QEMU appends to the log or
# truncates it when a restarted domain reuses the name.
xe_boot_id() {
  grep -ao "XENIA-GUEST-READY $1 boot=[0-9a-f]*" "$(xe_console_log "$1")" 2>/dev/null |
    tail -1 | sed 's/.*boot=//'
}
# xe_wait_new_boot NAME OLD-BOOT-ID [TIMEOUT]: waits for a ready marker of
# another boot than OLD-BOOT-ID.
xe_wait_new_boot() {
  local name=$1 old=$2 deadline=$((SECONDS + ${3:-$XE_READY_TIMEOUT})) b
  while ((SECONDS < deadline)); do
    b=$(xe_boot_id "$name")
    [[ -n $b && $b != "$old" ]] && return 0
    sleep 0.2
  done
  xe_log "$name's console log tail:"
  tail -c 600 "$(xe_console_log "$name")" 2>/dev/null | sed 's/^/    /' >&2 || true
  fail "$name did not boot again (boot id still '${b:-none}')"
}

# xe_guest NAME COMMAND REGEX [TIMEOUT]: types COMMAND on the guest's console
# (through xend's console multiplexer) and prints the first output matching
# REGEX (Python syntax; must not match the echoed command line itself).
xe_guest() {
  local out
  out=$(xe_py guest "$XEND_SOCKET" "$1" "$2" "$3" "${4:-30}") ||
    fail "guest $1: no /$3/ after '$2'"
  echo "$out"
}
# Types COMMAND on the guest's console without waiting for any answer.
xe_guest_send() {
  xe_py guest "$XEND_SOCKET" "$1" "$2" '' 5 >/dev/null || fail "cannot type on $1's console"
}
xe_guest_memtotal() { xe_guest "$1" xenia-meminfo 'XENIA-MEMTOTAL-KB [0-9]+' | awk '{print $2}'; }
xe_guest_cpus() { xe_guest "$1" xenia-cpus 'XENIA-CPUS [0-9]+ [0-9,-]+' | awk '{print $2}'; }

# expect_output EXPECTED CMD...: CMD's stdout must equal EXPECTED exactly.
expect_output() {
  local expected=$1; shift
  local got
  got=$("$@" 2>&1) || fail "'$*' failed: $got"
  [[ $got == "$expected" ]] || fail "'$*' printed:
$got
expected:
$expected"
}
# expect_error REGEX CMD...: CMD must fail and print (stdout+stderr) a line
# matching REGEX (grep -E).
expect_error() {
  local regex=$1; shift
  local got rc=0
  got=$("$@" 2>&1) || rc=$?
  ((rc != 0)) || fail "'$*' succeeded, expected an error: $got"
  grep -qE -- "$regex" <<<"$got" || fail "'$*' printed '$got', expected /$regex/"
}
expect_eq() { [[ $1 == "$2" ]] || fail "${3:-value}: got '$1', expected '$2'"; }
expect_match() { [[ $1 =~ $2 ]] || fail "${3:-value}: '$1' does not match /$2/"; }

# QEMU processes started for this test (their argv names a path under $XE_TMP).
xe_qemu_pids() { pgrep -f -- "qemu-system[^ ]* .*$XE_TMP/" || true; }
# The QEMU of one domain (its argv has -name guest=NAME,).
xe_qemu_pid() { pgrep -f -- "qemu-system[^ ]* .*guest=$1,.*$XE_TMP/" || true; }
# The QEMU of domain ID (its argv names the domain's run dir).
xe_qemu_pid_of_id() { pgrep -f -- "qemu-system[^ ]* .*$XE_TMP/run/domains/$1/" || true; }

# Asserts that nothing of domain NAME (domid ID, uuid UUID) is left: no row,
# no QEMU, no run dir, no XenStore nodes.
expect_nothing_left() {
  local name=$1 id=$2 uuid=${3:-}
  xe_gone "$name" || fail "$name is still listed"
  [[ -z $(xe_qemu_pid_of_id "$id") ]] || fail "$name's QEMU (domain $id) is still running"
  [[ ! -e $XE_TMP/run/domains/$id ]] || fail "run dir of domain $id left: $(ls "$XE_TMP/run/domains/$id")"
  ! xs exists "/local/domain/$id" 2>/dev/null || fail "/local/domain/$id left in XenStore"
  if [[ -n $uuid ]]; then
    ! xs exists "/vm/$uuid" 2>/dev/null || fail "/vm/$uuid left in XenStore"
  fi
}

# xe_wait_restart NAME OLDID TIMEOUT: waits until NAME runs with another
# domid (a restart makes a new domain) and prints that domid.
xe_wait_restart() {
  local name=$1 old=$2 timeout=$3 id deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    id=$(xm domid "$name" 2>/dev/null || true)
    if [[ -n $id && $id != "$old" ]]; then
      echo "$id"
      return 0
    fi
    sleep 0.2
  done
  fail "$name was not restarted within ${timeout}s (domid still ${id:-none})"
}
# Waits until $1 seconds have passed since the shell variable named $2 was
# set from $SECONDS: xend refuses to restart a domain younger than 60 s.
xe_wait_age() {
  local need=$1 since=${!2}
  while ((SECONDS - since < need)); do sleep 1; done
}
# The name and state of the preserved domain renamed by rename-restart:
# "Domain-<uuid>" rows of xm list.
xe_renamed_rows() { xm list | awk 'NR > 1 && $1 ~ /^Domain-[0-9a-f]+-/'; }

# Names of every domain but Domain-0 (halted managed ones included).
xe_domains() { xm list 2>/dev/null | awk 'NR > 1 && $1 != "Domain-0" {print $1}'; }

xe_cleanup() {
  local rc=$?
  ((rc == 0)) || XE_FAILED=1
  trap - EXIT
  set +e
  if [[ -n $XE_TMP ]]; then
    local leaks=() d p
    if [[ -n $XE_XEND_PID ]] && ! kill -0 "$XE_XEND_PID" 2>/dev/null; then
      leaks+=("xend (pid $XE_XEND_PID) died during the test")
    fi
    if [[ -n $XE_XEND_PID ]] && kill -0 "$XE_XEND_PID" 2>/dev/null; then
      for d in $(xe_domains); do
        xm destroy "$d" >/dev/null 2>&1
        xm delete "$d" >/dev/null 2>&1
      done
      # What xend must have cleaned up once every domain is gone.
      for _ in $(seq 50); do [[ -z $(xe_qemu_pids) ]] && break; sleep 0.1; done
      p=$(xe_qemu_pids)
      [[ -z $p ]] || leaks+=("QEMU still running after destroy: $p")
      d=$(ls -A "$XE_TMP/run/domains" 2>/dev/null)
      [[ -z $d ]] || leaks+=("run dirs left: $d")
      d=$(xs list /local/domain 2>/dev/null | grep -vx 0)
      [[ -z $d ]] || leaks+=("XenStore /local/domain entries left: $d")
      d=$(xs list /vm 2>/dev/null | grep -vx 00000000-0000-0000-0000-000000000000)
      [[ -z $d ]] || leaks+=("XenStore /vm entries left: $d")
      d=$(ls -A "$XE_TMP/state/domains" 2>/dev/null)
      [[ -z $d ]] || leaks+=("managed domain state left: $d")
      xe_stop_xend
      d=$(find "$XE_TMP/run" -type s 2>/dev/null)
      [[ -z $d ]] || leaks+=("sockets left after xend stopped: $d")
    fi
    if ((${#leaks[@]})) && ((XE_FAILED == 0)); then
      printf '[%s] LEAK: %s\n' "$XE_NAME" "${leaks[@]}" >&2
      XE_FAILED=1
    fi
    # Whatever is still there goes now, leak or not.
    [[ -n $XE_XEND_PID ]] && kill -9 "$XE_XEND_PID" 2>/dev/null
    for p in $(xe_qemu_pids); do kill -9 "$p" 2>/dev/null; done
    if [[ -n $XE_XENSTORED_PID ]]; then
      kill "$XE_XENSTORED_PID" 2>/dev/null
      wait "$XE_XENSTORED_PID" 2>/dev/null
    fi
    if ((XE_FAILED)); then
      xe_log "xend log tail ($XE_TMP/log/xend.log):"
      tail -40 "$XE_TMP/log/xend.log" 2>/dev/null | sed 's/^/    /' >&2
      tail -20 "$XE_TMP/log/xend.stderr" 2>/dev/null | sed 's/^/    /' >&2
      for f in "$XE_TMP"/log/qemu-dm-*.log; do
        [[ -s $f ]] && { echo "    --- $f" >&2; tail -5 "$f" | sed 's/^/    /' >&2; }
      done
    fi
    [[ ${XE_KEEP_TMP:-} == 1 ]] || rm -rf "$XE_TMP"
  fi
  if ((rc == 77)); then
    exit 77
  fi
  ((XE_FAILED)) && exit 1
  exit 0
}

xe_pass() {
  xe_log "PASS"
  exit 0
}
