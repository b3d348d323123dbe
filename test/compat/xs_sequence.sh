#!/usr/bin/env bash
# The fixed xenstore-* command sequence of the compatibility tests: runs the
# tools first in $PATH against the daemon at $XENSTORED_PATH and prints each
# command, its stdout, its stderr ("! " lines) and exit code. The transcript
# must not depend on whose tools or daemon are used.
# Usage: xs_sequence.sh SCRATCH_DIR
set -u
scratch=${1:?usage: xs_sequence.sh SCRATCH_DIR}
: "${XENSTORED_PATH:?XENSTORED_PATH must name the daemon socket}"

# Prints one command's transcript. Output without a final newline is marked.
# $label, if set, is shown instead of a very long command line.
run() {
  if [ -n "${label:-}" ]; then
    printf '$ %s\n' "$label"
  else
    printf '$'; printf ' %q' "$@"; printf '\n'
  fi
  "$@" >"$scratch/out" 2>"$scratch/err" </dev/null
  local rc=$?
  # cat -v keeps control bytes (even NUL) readable in the transcript.
  cat -v "$scratch/out"
  if [ -s "$scratch/out" ] && [ "$(tail -c1 "$scratch/out" | od -An -c | tr -d ' ')" != '\n' ]; then
    printf '\n(no newline at end of output)\n'
  fi
  cat -v "$scratch/err" | sed 's/^/! /'
  printf '[exit %d]\n' "$rc"
}

section() { printf '\n### %s\n' "$1"; }

# xenstore-watch in the background: waits for its first (immediate) event,
# runs the given commands (separated by "--"), then waits for it to exit.
# Usage: watch_case NR PATH -- CMD ARGS... [-- CMD ARGS...]
watch_case() {
  local n=$1 path=$2
  shift 3
  printf '$ xenstore-watch -n %s %s &\n' "$n" "$path"
  xenstore-watch -n "$n" "$path" >"$scratch/watch.out" 2>"$scratch/watch.err" </dev/null &
  local pid=$! i
  for i in $(seq 100); do
    [ "$n" -eq 0 ] || [ -s "$scratch/watch.out" ] && break
    sleep 0.05
  done
  local cmd=()
  while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then
      run "${cmd[@]}"
      cmd=()
    else
      cmd+=("$1")
    fi
    shift
  done
  [ ${#cmd[@]} -gt 0 ] && run "${cmd[@]}"
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    echo "(xenstore-watch still running after 5 s; killed)"
  fi
  wait "$pid"
  local rc=$?
  printf -- '--- xenstore-watch output:\n'
  cat "$scratch/watch.out"
  sed 's/^/! /' "$scratch/watch.err"
  printf '[exit %d]\n' "$rc"
}

section "write and read"
run xenstore-write /compat/a hello
run xenstore-read /compat/a
run xenstore-read -p /compat/a
run xenstore-write /compat/b 'tab\there' /compat/c 'esc\x41\101\\ and \q'
run xenstore-read /compat/b /compat/c
run xenstore-read -p -s /compat/b /compat/c
run xenstore-read -R /compat/b
run xenstore-write -R /compat/raw 'a\tb'
run xenstore-read /compat/raw
run xenstore-write /compat/bin '\001\x7f\xff\r\n\'
run xenstore-read /compat/bin
run xenstore-write -s /compat/empty ''
run xenstore-read /compat/empty
run xenstore-read /compat/missing
run xenstore-read /compat/a /compat/missing
run xenstore-exists /compat/a
run xenstore-exists /compat/missing
run xenstore-exists -s /compat/a /compat/b

section "invalid paths"
run xenstore-write '/compat/bad path' 1
run xenstore-read '/compat//a'
run xenstore-read '/compat/a/'
run xenstore-exists '/compat/b*'

section "relative paths (dom0 socket: /local/domain/0)"
run xenstore-write rel/x 1
run xenstore-read rel/x
run xenstore-read /local/domain/0/rel/x
run xenstore-list /local/domain/0

section "list and ls"
run xenstore-list /compat
run xenstore-list -p /compat
run xenstore-list -s /compat/a
run xenstore-list /compat/missing
run xenstore-ls /compat
run xenstore-ls -f /compat
run xenstore-ls -p /compat
run xenstore-ls -f -p /compat
run xenstore-ls /compat/missing
run xenstore-write /compat/long/short x \
  /compat/long/value "$(printf 'v%.0s' $(seq 100))" \
  /compat/long/name-that-is-long-enough-to-need-cutting-when-printed-by-xenstore-ls-in-its-default-layout y
run xenstore-ls /compat/long
run xenstore-ls -p /compat/long
run xenstore-ls -f /compat/long
run xenstore-write /compat/deep/a/b/c/d leaf /compat/deep/a/b/e ''
run xenstore-ls /compat/deep
run xenstore-ls -p /compat/deep

section "a directory whose child list exceeds 4096 bytes (DIRECTORY_PART)"
big=()
for i in $(seq -w 1 150); do
  big+=("/compat/big/child-with-a-long-name-so-that-the-list-passes-4096-bytes-$i" "$i")
done
label="xenstore-write /compat/big/child-with-a-long-name-...-001 001 ... (150 pairs)" \
  run xenstore-write "${big[@]}"
run xenstore-list /compat/big
run xenstore-list -p /compat/big
run xenstore-ls /compat/big
run xenstore-ls -f -p /compat/big

section "rm"
run xenstore-rm /compat/deep/a/b/c/d
run xenstore-ls /compat/deep
run xenstore-rm -t /compat/deep/a/b/c
run xenstore-ls /compat/deep
run xenstore-rm -t /compat/deep/a/b/e
run xenstore-exists /compat/deep
run xenstore-rm /compat/nothing-here
run xenstore-rm /compat/nothing-here/below
run xenstore-rm -s /compat/a /compat/raw
run xenstore-list /compat

section "chmod"
run xenstore-write /compat/perm/x 1 /compat/perm/y/z 2
run xenstore-chmod /compat/perm r0
run xenstore-ls -p /compat/perm
run xenstore-chmod -r /compat/perm n0 r5 b7
run xenstore-ls -p /compat/perm
run xenstore-chmod -u /compat/perm/y/z b0 w3
run xenstore-ls -f -p /compat
run xenstore-chmod -s /compat/perm/x b0
run xenstore-chmod /compat/perm x1
run xenstore-chmod /compat/perm ''
run xenstore-chmod /compat/missing/q r0
run xenstore-chmod /compat/perm
run xenstore-chmod -u perm r0
run xenstore-ls -f -p /compat/perm

section "watch"
run xenstore-write /compat/w ''
watch_case 4 /compat/w -- \
  xenstore-write /compat/w/a 1 -- \
  xenstore-write /compat/w/b 2 -- \
  xenstore-rm -s /compat/w/a
run xenstore-write /compat/w/x/y 1
watch_case 2 /compat/w/x/y -- xenstore-rm /compat/w
watch_case 0 /compat/unused --

section "usage errors and options"
run xenstore-read
run xenstore-write /compat/x
run xenstore-write /compat/x 1 /compat/y
run xenstore-rm
run xenstore-exists
run xenstore-list
run xenstore-chmod
run xenstore-watch
run xenstore-ls -t
run xenstore-rm -p /compat/x
run xenstore-chmod -n 1 /compat/x r0
run xenstore-list -R /compat
run xenstore-read -h
run xenstore-exists --help
run xenstore-read -z /compat/b
run xenstore-read --prefix /compat/b
run xenstore-read --socket /compat/b
run xenstore-watch -n

section "multi-call binary"
run xenstore read /compat/b
run xenstore list /compat/perm
run xenstore ls -f /compat/perm
run xenstore
run xenstore frobnicate /compat
run xenstore read
run xenstore chmod -h

section "clean up"
run xenstore-rm /compat
run xenstore-rm /local/domain/0/rel
run xenstore-ls /compat
run xenstore-ls -f -p /
