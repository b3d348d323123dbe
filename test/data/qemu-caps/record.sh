#!/usr/bin/env bash
# Records the probe outputs of a QEMU binary into DIR, one file per probe, the
# inputs of qemu::capsFromProbe() (src/qemu/argv/caps.h). Usage:
#   test/data/qemu-caps/record.sh DIR [qemu-system-x86_64] [module-dir]
# Then regenerate DIR.caps with XENIA_REGENERATE=1 and the qemu_caps_test.
set -euo pipefail
dir=$1
qemu=${2:-qemu-system-x86_64}
moddir=${3:-/usr/lib/x86_64-linux-gnu/qemu}
mkdir -p "$dir"
"$qemu" --version >"$dir/version.txt"
"$qemu" -help >"$dir/help.txt"
"$qemu" -machine help >"$dir/machine.txt"
"$qemu" -device help >"$dir/device.txt"
"$qemu" -cpu help >"$dir/cpu.txt"
"$qemu" -accel help >"$dir/accel.txt"
"$qemu" -drive format=help >"$dir/drive-format.txt"
"$qemu" -display help >"$dir/display.txt" 2>/dev/null
if [ -d "$moddir" ]; then
  ls "$moddir" >"$dir/modules.txt"
fi
