#!/usr/bin/env bash
# Installs every Debian package Xenia needs to build, test and run guests.
# Used by the README's commands and by .ci/run; safe to run again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(
  # build
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  # libraries
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev zlib1g-dev liburing-dev
  # runtime: guests and their tools
  qemu-system-x86 qemu-utils busybox-static cpio iproute2
  # test and benchmark drivers (e2e tools, guest_boot_test, compare.sh)
  python3 jq
  # vifs: nftables (anti-spoofing, rate policing, NAT), dnsmasq (the NAT network)
  nftables dnsmasq-base
  # DHCP leases released when a vif goes (dhcp_release)
  dnsmasq-utils
  # QEMU parts the argv translation uses: OVMF firmware, iSCSI/curl block
  # drivers, the SDL display (modules Debian ships as Recommends)
  ovmf qemu-block-extra qemu-system-gui
  # compatibility tests: Debian's XenStore clients and Xen's own daemons
  xenstore-utils xen-utils-4.17
  # e2e: a screenshot of an HVM guest's VNC display
  vncsnapshot
  # e2e disks: a userspace iSCSI target for QEMU's initiator
  tgt
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq || true
  # xen-utils' postinst complains that no hypervisor runs; that is expected here.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" || apt-get install -y -qq "${missing[@]}"
fi
