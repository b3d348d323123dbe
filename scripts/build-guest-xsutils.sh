#!/usr/bin/env bash
# A variant of the test guest's initramfs with Debian's own xenstore-utils
# (xenstore-read/-write/-ls/-watch/-rm... linked against libxenstore4,
# libxentoolcore1, glibc and libgcc_s) under /opt/debian-xs, so a guest can check that
# Debian's libxenstore talks to xenstored over the virtio-serial port
# (XENSTORED_PATH=/dev/virtio-ports/org.xenproject.xenstore). The default
# guest every test boots stays as it is: this appends a second cpio archive
# to its initrd.gz (the kernel unpacks concatenated archives in order).
#
#   scripts/build-guest-xsutils.sh [GUESTDIR]   # default build/guest
#
# Needs GUESTDIR/initrd.gz (scripts/build-test-guest.sh). Output:
# GUESTDIR/initrd-xsutils.gz; cached while newer than initrd.gz and this
# script. The packages are fetched with apt-get download into GUESTDIR/deb-xs
# (kept); when apt cannot fetch them, the host's installed copies of the same
# Debian packages are used.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/guest}
out=$(cd "$out" && pwd)
base=$out/initrd.gz
dst=$out/initrd-xsutils.gz
[[ -s $base ]] || { echo "build-guest-xsutils: $base missing (build the test guest first)" >&2; exit 1; }
if [[ -s $dst && -z $(find "$base" "$0" -newer "$dst" -print -quit) ]]; then
  exit 0
fi
# libgcc-s1: glibc loads libgcc_s for pthread_cancel, which xs_close() calls
# to stop libxenstore's watch thread (xenstore-watch).
pkgs="xenstore-utils libxenstore4 libxentoolcore1 libc6 libgcc-s1"
work=$(mktemp -d /tmp/xenia-gxs.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"

debs=$out/deb-xs
mkdir -p "$debs"
chmod 0777 "$debs"  # apt-get download runs as _apt where it can
fetched=1
for p in $pkgs; do
  ls "$debs/${p}"_*.deb >/dev/null 2>&1 && continue
  if ! (cd "$debs" && apt-get download -q "$p" >/dev/null 2>&1); then
    fetched=0
    break
  fi
done
if ((fetched)); then
  for p in $pkgs; do
    dpkg-deb -x "$(ls "$debs/${p}"_*.deb | head -1)" "$work/x"
  done
  src=$work/x
else
  for p in $pkgs; do
    dpkg-query -W "$p" >/dev/null 2>&1 || {
      echo "build-guest-xsutils: cannot download $p and it is not installed" >&2
      exit 1
    }
  done
  echo "build-guest-xsutils: apt-get download failed; using the host's installed packages" >&2
  src=/
fi

# The multi-call binary (argv[0] picks the mode) and the libraries the
# dynamic loader needs, where Debian puts them.
multi=lib/x86_64-linux-gnu
mkdir -p "$root/opt/debian-xs/bin" "$root/$multi" "$root/lib64"
install -m 0755 "$src/usr/bin/xenstore" "$root/opt/debian-xs/bin/xenstore"
for m in read write ls list rm chmod watch exists; do
  ln -s xenstore "$root/opt/debian-xs/bin/xenstore-$m"
done
for lib in libxenstore.so.4 libxentoolcore.so.1 libc.so.6 ld-linux-x86-64.so.2 libgcc_s.so.1; do
  f=
  for d in "$src/usr/$multi" "$src/$multi"; do
    [[ -e $d/$lib ]] && { f=$d/$lib; break; }
  done
  [[ -n $f ]] || { echo "build-guest-xsutils: $lib not found in $pkgs" >&2; exit 1; }
  # Resolve the soname link inside the unpacked tree (or the host's).
  while [[ -L $f ]]; do
    t=$(readlink "$f")
    [[ $t == /* ]] && f=$src$t || f=$(dirname "$f")/$t
  done
  install -m 0755 "$f" "$root/$multi/$lib"
done
ln -s "../$multi/ld-linux-x86-64.so.2" "$root/lib64/ld-linux-x86-64.so.2"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) >"$work/overlay.gz"
cat "$base" "$work/overlay.gz" >"$dst.tmp"
mv "$dst.tmp" "$dst"
echo "test guest with Debian's xenstore-utils: $dst"
