#!/usr/bin/env bash
# What xend costs on top of QEMU, printed as a markdown table:
#  1. boot: `xm create` until the test guest's ready marker appears on its
#     console, against the very QEMU command xend ran (read from /proc while
#     it ran) started by hand, and against `virsh create` of an equivalent
#     libvirt domain; RUNS runs each, medians, and the overhead of each
#     toolstack over bare QEMU;
#  2. `xm list` latency with no guest and with NDOMS domains (created paused
#     with 32 MiB: xm list never talks to QEMU, so what the guests do does not
#     matter, and 50 booted TCG guests would not fit beside other work);
#  3. xend's resident memory per domain (VmRSS with NDOMS domains minus
#     VmRSS with none, divided by NDOMS).
# The boot differences are dominated by the spread of TCG boots (seconds);
# the table also gives xm and xend's own share of each xm boot, from the
# start-up times xend records in vm.json, which that spread does not touch.
# libvirt: libvirt-daemon-system and libvirt-clients are installed here with
# apt-get when missing (they are not among Xenia's dependencies), and
# libvirtd/virtlogd are started by hand if not running; SKIP_VIRSH=1 skips it.
#
#   bench/xend/overhead.sh   (env: XENIA_BUILD_DIR=build RUNS=5 NDOMS=50 LIST_RUNS=100)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${XENIA_BUILD_DIR:-$top/build}
bin=$build/bin
guest=$build/guest
runs=${RUNS:-5}
ndoms=${NDOMS:-50}
list_runs=${LIST_RUNS:-100}
timing() { python3 "$top/bench/xend/timing.py" "$@"; }
say() { printf '%s\n' "$*" >&2; }

[[ -x $bin/xend && -x $bin/xm && -x $bin/xenstored ]] || {
  say "build xend, xm and xenstored first ($bin)"
  exit 1
}
"$top/scripts/build-test-guest.sh" "$guest" >&2

tmp=$(mktemp -d /tmp/xb.XXXX)
chmod 0755 "$tmp"
mkdir -p "$tmp"/{run,state,log,dump,xs,cfg,hand,virsh}
xs_pid='' xend_pid='' hand_pid='' started_libvirtd='' started_virtlogd=''
cleanup() {
  set +e
  [[ -n $hand_pid ]] && kill -9 "$hand_pid" 2>/dev/null
  if [[ -n $xend_pid ]]; then
    for d in $("$bin/xm" list 2>/dev/null | awk 'NR > 2 {print $1}'); do
      "$bin/xm" destroy "$d" >/dev/null 2>&1
    done
    kill "$xend_pid" 2>/dev/null
    wait "$xend_pid" 2>/dev/null
  fi
  virsh -c qemu:///system destroy xb-virsh >/dev/null 2>&1
  [[ -n $started_libvirtd ]] && kill "$started_libvirtd" 2>/dev/null
  [[ -n $started_virtlogd ]] && kill "$started_virtlogd" 2>/dev/null
  [[ -n $xs_pid ]] && kill "$xs_pid" 2>/dev/null && wait "$xs_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/xend-config.sxp" <<EOF
(logfile $tmp/log/xend.log)
(loglevel INFO)
(xend-run-path $tmp/run)
(xend-state-path $tmp/state)
(xend-domains-path $tmp/state/domains)
(xend-log-dir $tmp/log)
(xend-dump-path $tmp/dump)
(xend-accel tcg)
(xenstored-socket $tmp/xs/socket)
(xenstored-start no)
EOF
export XEND_CONFIG=$tmp/xend-config.sxp XEND_SOCKET=$tmp/run/xend.sock
export XENSTORED_PATH=$tmp/xs/socket
"$bin/xenstored" -N --rundir "$tmp/xs" -F "$tmp/xs.pid" >"$tmp/log/xenstored.log" 2>&1 &
xs_pid=$!
"$bin/xend" -F >"$tmp/log/xend.stderr" 2>&1 &
xend_pid=$!
for _ in $(seq 300); do "$bin/xm" list >/dev/null 2>&1 && break; sleep 0.1; done
"$bin/xm" list >/dev/null || { cat "$tmp/log/xend.stderr" >&2; exit 1; }

cfg() {  # cfg NAME MEMORY
  cat >"$tmp/cfg/$1.cfg" <<EOF
name = "$1"
kernel = "$guest/vmlinuz"
ramdisk = "$guest/initrd.gz"
memory = $2
vcpus = 1
extra = "console=hvc0 xenia.name=$1 panic=0"
on_crash = "preserve"
EOF
  echo "$tmp/cfg/$1.cfg"
}
qemu_pid_of() { pgrep -f -- "qemu-system[^ ]* .*guest=$1,.*$tmp/" | head -1 || true; }

# 1. Boot times, in rounds (xm create, the same QEMU by hand, virsh create)
# so that a change in the machine's load shifts all three alike.
boot_xm() {  # -> "seconds xend-share-ms"; the first run also records QEMU's argv
  local log=$tmp/log/console/guest-xb-xm.log t0 t pid domid cfgfile
  rm -f "$log"
  cfgfile=$(cfg xb-xm 128)
  t0=$(timing now)
  "$bin/xm" create "$cfgfile" >/dev/null
  t=$(timing wait-marker "$log" "XENIA-GUEST-READY xb-xm" 120 "$t0") || { say "xm: no marker"; exit 1; }
  domid=$("$bin/xm" domid xb-xm)
  if [[ ! -s $tmp/hand/xend-argv ]]; then
    pid=$(qemu_pid_of xb-xm)
    cp "/proc/$pid/cmdline" "$tmp/hand/xend-argv"
    echo "$domid" >"$tmp/hand/xend-domid"
  fi
  share=$(timing xend-share "$tmp/run/domains/$domid/vm.json" "$t0")
  "$bin/xm" destroy xb-xm
  echo "$t $share"
}
# xend's argv with its per-domain paths moved to a private dir and -S
# dropped (xend starts QEMU stopped and sends cont).
hand_argv() {
  local a domid argv=()
  mapfile -d '' argv <"$tmp/hand/xend-argv"
  domid=$(cat "$tmp/hand/xend-domid")
  hand=()
  for a in "${argv[@]}"; do
    [[ $a == -S ]] && continue
    a=${a//$tmp\/run\/domains\/$domid/$tmp/hand}
    a=${a//$tmp\/log\/console\/guest-xb-xm.log/$tmp/hand/console.log}
    hand+=("$a")
  done
  printf '%q ' "${hand[@]}" >"$tmp/hand/argv.txt"
}
boot_hand() {
  local t0 t
  rm -f "$tmp/hand/"*.sock "$tmp/hand/console.log"
  t0=$(timing now)
  # In a session of its own, as xend starts QEMU: with autogroup scheduling
  # a QEMU left in this script's session would share its CPU weight.
  setsid "${hand[@]}" >"$tmp/hand/qemu.log" 2>&1 &
  hand_pid=$!
  t=$(timing wait-marker "$tmp/hand/console.log" "XENIA-GUEST-READY xb-xm" 120 "$t0") || {
    say "hand: no marker; QEMU said: $(tail -3 "$tmp/hand/qemu.log")"
    kill -9 "$hand_pid" 2>/dev/null
    exit 1
  }
  kill -9 "$hand_pid"
  wait "$hand_pid" 2>/dev/null || true
  hand_pid=
  echo "$t"
}
boot_virsh() {
  local t0 t
  rm -f "$tmp/virsh/console.log"
  t0=$(timing now)
  virsh -c qemu:///system create "$tmp/virsh/xb-virsh.xml" >/dev/null
  t=$(timing wait-marker "$tmp/virsh/console.log" "XENIA-GUEST-READY xb-virsh" 120 "$t0") || {
    virsh -c qemu:///system destroy xb-virsh >/dev/null 2>&1 || true
    return 1
  }
  virsh -c qemu:///system destroy xb-virsh >/dev/null
  echo "$t"
}

virsh_note=
if [[ ${SKIP_VIRSH:-} != 1 ]]; then
  if ! command -v virsh >/dev/null || ! command -v libvirtd >/dev/null; then
    say "installing libvirt-daemon-system libvirt-clients (for this benchmark only)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libvirt-daemon-system libvirt-clients qemu-system-x86 >&2 ||
      virsh_note="libvirt could not be installed"
  fi
  if [[ -z $virsh_note ]]; then
    if ! virsh -c qemu:///system version >/dev/null 2>&1; then
      if ! pgrep -x virtlogd >/dev/null; then
        virtlogd -d && started_virtlogd=$(pgrep -xn virtlogd)
      fi
      libvirtd -d && sleep 1 && started_libvirtd=$(pgrep -xn libvirtd)
    fi
    virsh -c qemu:///system version >/dev/null 2>&1 || virsh_note="libvirtd did not start"
  fi
  if [[ -z $virsh_note ]]; then
    cp "$guest/vmlinuz" "$guest/initrd.gz" "$tmp/virsh/"
    chmod 0644 "$tmp/virsh/"*
    chmod 0777 "$tmp/virsh"
    cat >"$tmp/virsh/xb-virsh.xml" <<EOF
<domain type='qemu'>
  <name>xb-virsh</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$tmp/virsh/vmlinuz</kernel>
    <initrd>$tmp/virsh/initrd.gz</initrd>
    <cmdline>console=hvc0 xenia.name=xb-virsh panic=0</cmdline>
  </os>
  <features><acpi/></features>
  <cpu mode='custom'><model>qemu64</model></cpu>
  <on_crash>preserve</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <console type='pty'>
      <target type='virtio' port='0'/>
      <log file='$tmp/virsh/console.log' append='off'/>
    </console>
    <memballoon model='virtio'/>
    <panic model='isa'/>
  </devices>
</domain>
EOF
  fi
else
  virsh_note="skipped (SKIP_VIRSH=1)"
fi

xm_times=() hand_times=() virsh_times=() hand=()
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
xm_share=()
for i in $(seq "$runs"); do
  say "boot round $i/$runs"
  # The first round records xend's argv; after it, odd rounds boot bare
  # QEMU first, so that neither side always follows the other's teardown.
  if ((i > 1 && i % 2 == 1)); then
    hand_times+=("$(boot_hand)")
  fi
  out=$(boot_xm)
  read -r t share <<<"$out"
  xm_times+=("$t")
  xm_share+=("$share")
  ((i > 1)) || hand_argv
  if ((i == 1 || i % 2 == 0)); then
    hand_times+=("$(boot_hand)")
  fi
  if [[ -z $virsh_note ]]; then
    if t=$(boot_virsh); then
      virsh_times+=("$t")
    else
      virsh_note="virsh run $i: no ready marker"
    fi
  fi
done

# 2 and 3. xm list latency and xend RSS, with no guest and with NDOMS.
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$xend_pid/status"; }
say "xm list x $list_runs with no guest"
list0=$(timing repeat "$list_runs" "$bin/xm" list | timing stats)
rss0=$(rss)
say "creating $ndoms paused domains"
created=0
for i in $(seq "$ndoms"); do
  if ! "$bin/xm" create -p "$(cfg "xb-$i" 32)" >/dev/null 2>"$tmp/create.err"; then
    say "domain $i: $(cat "$tmp/create.err"); stopping at $created"
    break
  fi
  created=$i
done
say "xm list x $list_runs with $created domains"
listn=$(timing repeat "$list_runs" "$bin/xm" list | timing stats)
rssn=$(rss)

med() { printf '%s\n' "$@" | timing stats | awk '{print $1}'; }
xm_med=$(med "${xm_times[@]}")
hand_med=$(med "${hand_times[@]}")
echo "| measurement | result |"
echo "|---|---|"
echo "| boot to ready marker, bare QEMU (xend's argv by hand), median of $runs | ${hand_med} s |"
echo "| boot to ready marker, \`xm create\`, median of $runs | ${xm_med} s |"
echo "| xend overhead (median difference) | $(awk -v a="$xm_med" -v b="$hand_med" 'BEGIN {printf "%.3f s", a - b}') |"
# The same, paired: each round's xm boot minus the bare boot right after it,
# which cancels slow drifts of the machine; and the spread of bare boots,
# which bounds what a difference of medians can resolve.
pairs=()
for i in "${!hand_times[@]}"; do
  pairs+=("$(awk -v a="${xm_times[i]}" -v b="${hand_times[i]}" 'BEGIN {printf "%.4f", a - b}')")
done
read -r _ _ hand_min hand_max < <(printf '%s\n' "${hand_times[@]}" | timing stats)
echo "| xend overhead, median of per-round differences | $(med "${pairs[@]}") s |"
echo "| bare QEMU boots: fastest / slowest of $runs | ${hand_min} / ${hand_max} s |"
# What the boot differences cannot resolve, measured inside each xm boot:
# the time xm and xend spent before QEMU's exec and between QEMU's monitor
# answering and \`cont\` (QEMU's own start-up is the same for a bare QEMU).
read -r sh_med sh_p95 sh_min sh_max < <(printf '%s\n' "${xm_share[@]}" | timing stats)
echo "| xm + xend share of each \`xm create\` boot (xm start to QEMU exec, plus monitor ready to \`cont\`): median / p95 / max of $runs | $sh_med / $sh_p95 / $sh_max ms |"
if ((${#virsh_times[@]})); then
  v_med=$(med "${virsh_times[@]}")
  echo "| boot to ready marker, \`virsh create\` (libvirt $(virsh -c qemu:///system version 2>/dev/null | awk '/Using library/ {print $NF}')), median of ${#virsh_times[@]} | ${v_med} s |"
  echo "| libvirt overhead (median difference) | $(awk -v a="$v_med" -v b="$hand_med" 'BEGIN {printf "%.3f s", a - b}') |"
else
  echo "| \`virsh create\` | ${virsh_note:-not run} |"
fi
read -r l0m l0p _ <<<"$list0"
read -r lnm lnp _ <<<"$listn"
echo "| \`xm list\`, no guest: median / p95 of $list_runs | $l0m / $l0p ms |"
echo "| \`xm list\`, $created domains: median / p95 of $list_runs | $lnm / $lnp ms |"
echo "| xend RSS: no guest / $created domains | $rss0 / $rssn KiB |"
if ((created > 0)); then
  echo "| xend RSS per domain | $(((rssn - rss0) / created)) KiB |"
fi
echo
echo "Machine: load average $load_before at the start, $(nproc) CPUs, $(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), QEMU $(qemu-system-x86_64 --version | awk 'NR == 1 {print $4}'), TCG. The $created domains for xm list were created paused with 32 MiB."
