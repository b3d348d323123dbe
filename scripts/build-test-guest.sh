#!/usr/bin/env bash
# Builds the tiny test guest from Debian packages: the cloud kernel
# (apt-get download + dpkg-deb -x) and a busybox initramfs whose /init loads
# the virtio modules, prints a ready marker and serves a shell on the consoles.
# Output: OUTDIR/vmlinuz and OUTDIR/initrd.gz (default: build/guest). Cached:
# does nothing when both exist and are newer than guest/init.
#
#   scripts/build-test-guest.sh [OUTDIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/guest}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [[ -s $out/vmlinuz && -s $out/initrd.gz && $out/initrd.gz -nt $top/guest/init ]]; then
  exit 0
fi
work=$(mktemp -d /tmp/xenia-guest.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
# apt-get download runs as _apt where it can; let it write here.
chmod 0777 "$work"

# The metapackage names the current ABI package; download both, unpack the kernel.
apt-get download -q linux-image-cloud-amd64 >/dev/null 2>&1
meta=$(ls linux-image-cloud-amd64_*.deb)
abi=$(dpkg-deb -f "$meta" Depends | sed -E 's/^(linux-image-[^ ,]+).*/\1/')
apt-get download -q "$abi" >/dev/null 2>&1
dpkg-deb -x "$abi"_*.deb kernel
kver=$(ls kernel/lib/modules)
cp "kernel/boot/vmlinuz-$kver" "$out/vmlinuz.tmp"

root=$work/root
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,mnt,run,lib/modules,usr/bin,usr/sbin,var/run}
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [[ -e $root/bin/$applet ]] || ln -s busybox "$root/bin/$applet"
done
# Modules in dependency order (see ../shared/research/test-guest-notes.md).
modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover
  net_failover virtio_net virtio_blk virtio_balloon virtio_console virtio_rng button evdev"
: >"$root/lib/modules/order"
for m in $modules; do
  f=$(find kernel/lib/modules -name "$m.ko*" | head -1)
  [[ -n $f ]] || continue  # built in
  case $f in
    *.xz) xz -dc "$f" >"$root/lib/modules/$m.ko" ;;
    *.zst) zstd -qdc "$f" >"$root/lib/modules/$m.ko" ;;
    *) cp "$f" "$root/lib/modules/$m.ko" ;;
  esac
  echo "$m" >>"$root/lib/modules/order"
done
install -m 0755 "$top/guest/init" "$root/init"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) >"$out/initrd.gz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
echo "test guest: $out/vmlinuz $out/initrd.gz (kernel $kver)"
