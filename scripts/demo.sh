#!/usr/bin/env bash
# The README's main job: install deps, build (with the test guest), start our
# xenstored on a private socket, show Debian's xenstore-utils and our tools
# using it and a guest's own socket; then start xend, boot examples/demo.cfg
# with `xm create`, show `xm list`, `xm list -l`, the guest's console and its
# XenStore nodes, and shut it down; clean up after.
# XENIA_BUILD_DIR: build directory (default build); XENIA_DEMO_NO_BUILD=1 skips
# installing and building (the test guest is still built when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${XENIA_BUILD_DIR:-build}
bin=$build/bin
bold= plain=
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; fi

heading() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
note() { printf '    # %s\n' "$*"; }
# Shows a command (quoted as a shell would need it) and its output, indented;
# a failure is shown, not fatal. $who labels the connection when it is not dom0's.
show() {
  local arg line="  ${who:+[$who] }\$"
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_./:=,@+-]+$ ]]; then
      line+=" $arg"
    else
      line+=" '${arg//\'/\'\\\'\'}'"
    fi
  done
  printf '%s\n' "$line"
  local rc=0
  "$@" >"$tmp/show.out" 2>&1 || rc=$?
  sed 's/^/    /' "$tmp/show.out"
  [ "$rc" -eq 0 ] || printf '    [exit %d]\n' "$rc"
}
# Our tools are shown as build/bin/..., Debian's as /usr/bin/...
ours() { local tool=$1; shift; show "$bin/$tool" "$@"; }
deb() { local tool=$1; shift; show "/usr/bin/$tool" "$@"; }

if [ "${XENIA_DEMO_NO_BUILD:-}" != 1 ]; then
  heading "Installing dependencies (scripts/install-deps.sh)"
  scripts/install-deps.sh
  heading "Building (cmake -S . -B $build -G Ninja && cmake --build $build)"
  cmake -S . -B "$build" -G Ninja >/dev/null
  cmake --build "$build"
fi
guest=$build/guest
have_xend=
if [ -x "$bin/xend" ] && [ -x "$bin/xm" ]; then
  have_xend=1
  if [ ! -s "$guest/vmlinuz" ] || [ "${XENIA_DEMO_NO_BUILD:-}" != 1 ]; then
    heading "Building the test guest (scripts/build-test-guest.sh $guest)"
    scripts/build-test-guest.sh "$guest"
  fi
fi

tmp=$(mktemp -d /tmp/xenia-demo.XXXXXX)
rundir=$tmp/run
daemon_pid=
watch_pid=
xend_pid=
cleanup() {
  [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null
  if [ -n "$xend_pid" ]; then
    "$bin/xm" destroy demo >/dev/null 2>&1 || true
    kill "$xend_pid" 2>/dev/null
    wait "$xend_pid" 2>/dev/null || true
  fi
  if [ -n "$daemon_pid" ]; then
    kill "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

heading "Starting our xenstored on a private socket"
mkdir -p "$rundir"
XENSTORED_RUNDIR=$rundir "$bin/xenstored" -N -F "$tmp/xenstored.pid" >"$tmp/xenstored.log" 2>&1 &
daemon_pid=$!
export XENSTORED_PATH=$rundir/socket
for _ in $(seq 200); do
  "$bin/xenstore-exists" / 2>/dev/null && break
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$tmp/xenstored.log"; exit 1; }
  sleep 0.05
done
note "pid $daemon_pid, socket $XENSTORED_PATH (clients find it through \$XENSTORED_PATH)"

heading "Debian's xenstore-utils talking to our xenstored"
deb xenstore-write /vm/demo/name demo-guest /vm/demo/memory 512 /vm/demo/vcpus 2
deb xenstore-read /vm/demo/name /vm/demo/memory
deb xenstore-list /vm/demo
deb xenstore-ls -f /vm
deb xenstore-exists /vm/demo/nothing

heading "Our own tools doing the same (one multi-call binary, like Debian's)"
ours xenstore-write /vm/demo/on_crash restart /vm/demo/note 'tabs\tand\x41escapes'
ours xenstore-read -p /vm/demo/on_crash /vm/demo/note
ours xenstore-chmod -r /vm/demo n0 r5
ours xenstore-ls -p /vm
ours xenstore-rm -t /vm/demo/vcpus

heading "Watching: our xenstore-watch reports changes made by Debian's tools"
"$bin/xenstore-watch" -n 4 /vm/demo >"$tmp/watch.out" 2>&1 &
watch_pid=$!
for _ in $(seq 100); do [ -s "$tmp/watch.out" ] && break; sleep 0.05; done
note "xenstore-watch -n 4 /vm/demo is running in the background"
deb xenstore-write /vm/demo/state running
deb xenstore-write /vm/demo/memory 1024
deb xenstore-rm /vm/demo/note
for _ in $(seq 100); do kill -0 "$watch_pid" 2>/dev/null || break; sleep 0.05; done
wait "$watch_pid" 2>/dev/null || true
watch_pid=
note "it printed (the first line is the event every new watch gets at once):"
sed 's/^/    /' "$tmp/watch.out"

heading "A guest's own socket"
ours xenia-xs introduce 5
show ls -l "$rundir/domain/5/socket"
note "dom0 gives domain 5 its home directory (owner 5) and keeps a secret of its own"
deb xenstore-write /local/domain/5/name guest5 /local/domain/0/secret s3cr3t
deb xenstore-chmod -r /local/domain/5 n5
note "now as domain 5: XENSTORED_PATH=$rundir/domain/5/socket"
note "(relative paths are under /local/domain/5; dom0's nodes are out of reach)"
guest() { XENSTORED_PATH=$rundir/domain/5/socket who="domain 5" show "$@"; }
guest "$bin/xenstore-read" name
guest /usr/bin/xenstore-write data/hello "from the guest"
guest "$bin/xenstore-read" /local/domain/0/secret
guest /usr/bin/xenstore-ls /local/domain/0
guest "$bin/xenstore-write" /vm/demo/name hijacked
guest "$bin/xenia-xs" introduce 6
note "back in dom0: the guest's write is there, dom0's data untouched"
deb xenstore-ls -f -p /local/domain/5
deb xenstore-read /vm/demo/name
ours xenia-xs release 5
note "released: the socket and its directory are gone"
show ls "$rundir/domain"

if [ -n "$have_xend" ]; then
  heading "Starting xend (its run, state and log directories under $tmp)"
  mkdir -p "$tmp/xend"/{run,state,log,dump}
  cat >"$tmp/xend-config.sxp" <<CFG
(logfile $tmp/xend/log/xend.log)
(xend-run-path $tmp/xend/run)
(xend-state-path $tmp/xend/state)
(xend-domains-path $tmp/xend/state/domains)
(xend-log-dir $tmp/xend/log)
(xend-dump-path $tmp/xend/dump)
(xenstored-socket $XENSTORED_PATH)
(xenstored-start no)
CFG
  export XEND_CONFIG=$tmp/xend-config.sxp XEND_SOCKET=$tmp/xend/run/xend.sock
  "$bin/xend" -F >"$tmp/xend.stderr" 2>&1 &
  xend_pid=$!
  for _ in $(seq 300); do
    "$bin/xm" list >/dev/null 2>&1 && break
    kill -0 "$xend_pid" 2>/dev/null || { cat "$tmp/xend.stderr"; exit 1; }
    sleep 0.1
  done
  note "pid $xend_pid; xm finds it through \$XEND_SOCKET=$XEND_SOCKET"
  ours xm list

  heading "Booting a guest: xm create examples/demo.cfg"
  note "the config is Xen's xm syntax; kernel= and ramdisk= name the test guest just built"
  gdir=$(cd "$guest" && pwd)
  ours xm create examples/demo.cfg "kernel=$gdir/vmlinuz" "ramdisk=$gdir/initrd.gz"
  log=$tmp/xend/log/console/guest-demo.log
  for _ in $(seq 600); do
    grep -qa "XENIA-GUEST-READY demo" "$log" 2>/dev/null && break
    sleep 0.2
  done
  note "the guest's console (QEMU logs it to $log):"
  tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | grep -av '^\s*$' | tail -n 12 |
    sed 's/^/    /'
  ours xm list
  note "xm list -l prints the domain as xend's SXP (first lines):"
  "$bin/xm" list -l demo 2>&1 | head -n 16 | sed 's/^/    /'
  domid=$("$bin/xm" domid demo 2>/dev/null || echo 1)
  note "xend wrote the domain into XenStore, as Xen's toolstack does:"
  "$bin/xenstore-ls" "/local/domain/$domid" 2>&1 | head -n 12 | sed 's/^/    /'
  ours xm mem-set demo 96
  ours xm list demo
  ours xm shutdown -w demo
  note "the guest got the ACPI power button and powered itself off:"
  tr -d '\r' <"$log" | grep -ao 'XENIA-GUEST-SHUTDOWN' | sed 's/^/    /'
  ours xm list

  heading "Stopping xend"
  kill "$xend_pid"
  wait "$xend_pid" 2>/dev/null || true
  xend_pid=
  note "xend stopped (guests would have kept running: xend re-attaches on start)"
else
  heading "xend and xm are not built in $bin yet: skipping the guest part"
fi

heading "Stopping xenstored and cleaning up"
kill "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=
note "daemon stopped; $tmp removed"
