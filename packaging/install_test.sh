#!/usr/bin/env bash
# Installs the build into a temporary DESTDIR (cmake --install) and checks
# what lands where: daemons and xm in sbin, the xenstore tool and its
# xenstore-<mode> links in bin, the systemd units naming the installed
# daemons.
#
#   install_test.sh BUILD_DIR
set -euo pipefail
build=$1
dest=$(mktemp -d /tmp/xe-inst.XXXXXX)
trap 'rm -rf "$dest"' EXIT
fail=0
err() { echo "FAIL: $*"; fail=1; }
DESTDIR=$dest cmake --install "$build" >"$dest.log" 2>&1 || { cat "$dest.log"; rm -f "$dest.log"; exit 1; }
rm -f "$dest.log"
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
root=$dest$prefix
for f in sbin/xenstored sbin/xend sbin/xm bin/xenstore; do
  [[ -x $root/$f ]] || err "$prefix/$f not installed"
done
for m in read write ls list rm chmod watch exists; do
  [[ $(readlink "$root/bin/xenstore-$m" 2>/dev/null) == xenstore ]] || err "bin/xenstore-$m is not a link to xenstore"
done
for u in xenstored xend; do
  f=$root/lib/systemd/system/$u.service
  [[ -f $f ]] || { err "$u.service not installed"; continue; }
  grep -q "^ExecStart=$prefix/sbin/$u " "$f" || err "$u.service does not start $prefix/sbin/$u"
done
((fail == 0)) && echo "install OK under $prefix"
exit $fail
