# Sourced shell functions that start a XenStore daemon in a private directory
# and stop it: ours, or Xen's C xenstored made to run without a hypervisor by
# the xenstub.so LD_PRELOAD (test/compat/xenstub.c). Both run in the
# foreground (-N), so the PID recorded is the daemon's own.
#
#   xs_start_ours DIR XENSTORED_BIN   -> socket DIR/run/socket, pid in XS_DAEMON_PID
#   xs_start_xen DIR XENSTUB_SO       -> the same for /usr/lib/xen-4.17/bin/xenstored
#   xs_stop                           -> kills XS_DAEMON_PID and waits for it

XEN_C_XENSTORED=${XEN_C_XENSTORED:-/usr/lib/xen-4.17/bin/xenstored}
XS_DAEMON_PID=

# Waits up to 10 s until the daemon accepts connections (the socket file
# exists from bind(), before listen()); fails if the daemon died first.
# $XS_PROBE: a xenstore-exists to probe with (default: the one in $PATH).
xs_wait_socket() {
  local sock=$1 i
  for i in $(seq 200); do
    if [ -S "$sock" ] && XENSTORED_PATH=$sock "${XS_PROBE:-xenstore-exists}" / 2>/dev/null; then
      return 0
    fi
    kill -0 "$XS_DAEMON_PID" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

xs_start_ours() {
  local dir=$1 bin=$2
  mkdir -p "$dir/run"
  env -u XENSTORED_PATH XENSTORED_RUNDIR="$dir/run" "$bin" -N \
    >"$dir/daemon.log" 2>&1 </dev/null &
  XS_DAEMON_PID=$!
  xs_wait_socket "$dir/run/socket"
}

xs_start_xen() {
  local dir=$1 stub=$2
  mkdir -p "$dir/run" "$dir/stub"
  env -u XENSTORED_PATH XENSTUB_DIR="$dir/stub" XENSTORED_RUNDIR="$dir/run" \
    LD_PRELOAD="$stub" "$XEN_C_XENSTORED" -N --pid-file "$dir/xenstored.pid" \
    >"$dir/daemon.log" 2>&1 </dev/null &
  XS_DAEMON_PID=$!
  xs_wait_socket "$dir/run/socket"
}

xs_stop() {
  if [ -n "$XS_DAEMON_PID" ]; then
    kill "$XS_DAEMON_PID" 2>/dev/null
    wait "$XS_DAEMON_PID" 2>/dev/null
    XS_DAEMON_PID=
  fi
}
