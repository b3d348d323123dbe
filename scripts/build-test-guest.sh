#!/usr/bin/env bash
# Builds the tiny test guest from Debian packages: the cloud kernel
# (apt-get download + dpkg-deb -x) and a busybox initramfs whose /init
# (guest/init, helpers from guest/bin) loads the virtio and pvpanic modules,
# prints a ready marker and serves a shell on the consoles.
# Output: OUTDIR/vmlinuz and OUTDIR/initrd.gz (default: build/guest). Cached:
# does nothing when both exist and are newer than guest/init, guest/bin/* and
# this script; the kernel package is kept in OUTDIR/deb so a changed /init
# needs no download.
#
#   scripts/build-test-guest.sh [OUTDIR]
#
# XENIA_GUEST_FLAVOUR=amd64 (default cloud-amd64) takes Debian's generic
# kernel, which has the emulated NICs' drivers (e1000; the cloud kernel has
# none): bench/net/throughput.sh uses it.
set -euo pipefail
flavour=${XENIA_GUEST_FLAVOUR:-cloud-amd64}
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/guest}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The guest's static XenStore tools (src/xenstore/guest), when built: next
# to the build's other programs, or $XENIA_GUEST_XS.
gxs=${XENIA_GUEST_XS:-$out/../bin/xenia-guest-xs}
[[ -x $gxs ]] || gxs=
if [[ -s $out/vmlinuz && -s $out/initrd.gz ]] &&
  [[ -z $(find "$top/guest/init" "$top/guest/bin" "$0" ${gxs:+"$gxs"} -newer "$out/initrd.gz" \
    -print -quit) ]]; then
  exit 0
fi
work=$(mktemp -d /tmp/xenia-guest.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

# The metapackage names the current ABI package; download both (as _apt where
# apt can, so the folder is world-writable), unpack the kernel.
debs=$out/deb
mkdir -p "$debs"
chmod 0777 "$debs"
if ! ls "$debs"/linux-image-*-"$flavour"_*.deb >/dev/null 2>&1; then
  # Package lists may be missing or stale on a machine that had nothing to
  # install: update them once when the download fails.
  (cd "$debs" && rm -f ./*.deb && apt-get download -q "linux-image-$flavour" >/dev/null 2>&1) ||
    { apt-get update -qq && (cd "$debs" && apt-get download -q "linux-image-$flavour" >/dev/null 2>&1); }
  meta=$(ls "$debs"/linux-image-"$flavour"_*.deb)
  abi=$(dpkg-deb -f "$meta" Depends | sed -E 's/^(linux-image-[^ ,]+).*/\1/')
  (cd "$debs" && apt-get download -q "$abi" >/dev/null 2>&1)
fi
dpkg-deb -x "$(ls "$debs"/linux-image-*-"$flavour"_*.deb | head -1)" kernel
kver=$(ls kernel/lib/modules)
cp "kernel/boot/vmlinuz-$kver" "$out/vmlinuz.tmp"

root=$work/root
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,mnt,run,lib/modules,usr/bin,usr/sbin,var/run}
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [[ -e $root/bin/$applet ]] || ln -s busybox "$root/bin/$applet"
done

# Modules the guest needs (see ../shared/research/test-guest-notes.md), each
# preceded by what its .modinfo `depends=` names, so insmod in file order works.
# virtio_balloon: xm mem-set; pvpanic-mmio/-pci: panics reach QEMU (on_crash);
# button + evdev: the ACPI power button (xm shutdown); ata_piix + sr_mod +
# isofs: an HVM guest's IDE CD drive (xm cd-insert/cd-eject); e1000 and
# vmxnet3: emulated NICs (model=), where the kernel has them.
wanted="virtio_pci virtio_net virtio_blk virtio_balloon virtio_console virtio_rng
  pvpanic-mmio pvpanic-pci button evdev ata_piix sr_mod isofs e1000 vmxnet3"
declare -A done_mods=()
: >"$root/lib/modules/order"
modinfo_depends() {  # .modinfo is NUL-separated key=value strings
  tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | tr ',' ' '
}
add_module() {
  local m=$1 f dst dep
  [[ -n ${done_mods[$m]:-} ]] && return 0
  done_mods[$m]=1
  f=$(find kernel/lib/modules -name "$m.ko*" | head -1)
  if [[ -z $f ]]; then
    # Built in (or named with the other separator: modules use - and _ alike).
    local alt=${m//_/-}
    [[ $alt == "$m" ]] && alt=${m//-/_}
    f=$(find kernel/lib/modules -name "$alt.ko*" | head -1)
    [[ -n $f ]] || return 0
  fi
  dst=$work/mod-$m.ko
  case $f in
    *.xz) xz -dc "$f" >"$dst" ;;
    *.zst) zstd -qdc "$f" >"$dst" ;;
    *) cp "$f" "$dst" ;;
  esac
  for dep in $(modinfo_depends "$dst"); do
    add_module "$dep"
  done
  mv "$dst" "$root/lib/modules/$m.ko"
  echo "$m" >>"$root/lib/modules/order"
}
for m in $wanted; do
  add_module "$m"
done
for m in virtio_balloon pvpanic pvpanic-mmio virtio_console; do
  grep -qx "$m" "$root/lib/modules/order" || {
    echo "build-test-guest: module $m missing from kernel $kver" >&2
    exit 1
  }
done

install -m 0755 "$top/guest/init" "$root/init"
for f in "$top"/guest/bin/*; do
  install -m 0755 "$f" "$root/bin/$(basename "$f")"
done
if [[ -n $gxs ]]; then
  install -s -m 0755 "$gxs" "$root/bin/xenstore"
  for m in read write ls list rm chmod watch exists; do ln -s xenstore "$root/bin/xenstore-$m"; done
fi
# The uevent helper is looked up in /sbin by init.
ln -s ../bin/xenia-uevent "$root/sbin/xenia-uevent"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) >"$out/initrd.gz.tmp"
cp "$root/lib/modules/order" "$out/modules.order"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
echo "test guest: $out/vmlinuz $out/initrd.gz (kernel $kver)"
