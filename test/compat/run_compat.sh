#!/usr/bin/env bash
# One compatibility test: run xs_sequence.sh with one set of tools (Debian's or
# ours) against one daemon (ours or Xen's C xenstored) and diff the transcript
# with expected/xs_sequence.txt (recorded from Debian's tools and Xen's daemon).
# Exit 77 (skip) if the Debian/Xen part is not installed; XENIA_REGENERATE=1
# rewrites the expectation from the reference pair.
# Usage: run_compat.sh --daemon ours|xen --tools DIR --expected FILE --out FILE
#                      [--xenstored BIN] [--xenstub SO]
set -u
here=$(cd "$(dirname "$0")" && pwd)
daemon= tools= expected= out= xenstored= xenstub=
while [ $# -gt 0 ]; do
  case $1 in
    --daemon) daemon=$2 ;;
    --tools) tools=$2 ;;
    --expected) expected=$2 ;;
    --out) out=$2 ;;
    --xenstored) xenstored=$2 ;;
    --xenstub) xenstub=$2 ;;
    *) echo "run_compat.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done

for t in read write ls list rm chmod watch exists; do
  if [ ! -x "$tools/xenstore-$t" ]; then
    echo "SKIP: $tools/xenstore-$t is not installed (apt-get install xenstore-utils)"
    exit 77
  fi
done

. "$here/daemons.sh"
XS_PROBE=$tools/xenstore-exists
dir=$(mktemp -d /tmp/xscompat.XXXXXX)
cleanup() {
  xs_stop
  rm -rf "$dir"
}
trap cleanup EXIT

case $daemon in
  ours)
    xs_start_ours "$dir" "$xenstored" || {
      echo "FAIL: our xenstored ($xenstored) did not start:"; cat "$dir/daemon.log"; exit 1; }
    ;;
  xen)
    if [ ! -x "$XEN_C_XENSTORED" ]; then
      echo "SKIP: $XEN_C_XENSTORED is not installed (apt-get install xen-utils-4.17)"
      exit 77
    fi
    xs_start_xen "$dir" "$xenstub" || {
      echo "FAIL: Xen's xenstored did not start:"; cat "$dir/daemon.log"; exit 1; }
    ;;
  *) echo "run_compat.sh: --daemon must be ours or xen" >&2; exit 2 ;;
esac

mkdir -p "$dir/scratch"
# The tools are run by name, so messages that quote argv[0] read the same.
PATH="$tools:$PATH" XENSTORED_PATH="$dir/run/socket" \
  bash "$here/xs_sequence.sh" "$dir/scratch" >"$out" 2>&1

# Only the reference pair (Xen's daemon, Debian's tools) may rewrite the expectation.
if [ "${XENIA_REGENERATE:-}" = 1 ] && [ "$daemon" = xen ] && [ "$tools" = /usr/bin ]; then
  cp "$out" "$expected"
  echo "Regenerated $expected from $daemon xenstored with $tools tools; review the diff."
  exit 0
fi
if ! diff -u "$expected" "$out"; then
  echo "FAIL: transcript with $tools tools against $daemon xenstored differs from $expected"
  exit 1
fi
echo "OK: $tools tools against $daemon xenstored: $(grep -c '^\$ ' "$out") commands, transcript identical"
