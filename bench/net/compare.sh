#!/bin/bash
# Vif plug time, Xenia (bench/net/plug_bench: netlink + nft + tc from C++)
# against a vif-bridge-style hotplug shell script doing the same, side by
# side in one private network namespace. Usage: compare.sh BUILD_BIN [ROUNDS]
set -euo pipefail
if [[ ${BENCH_NETNS:-} != 1 ]]; then
  exec unshare --net -- env BENCH_NETNS=1 bash "$0" "$@"
fi
bin=${1:?build bin dir}
rounds=${2:-50}
here=$(cd "$(dirname "$0")" && pwd)
"$bin/net_plug_bench" "$rounds"
ip link show xenbr0 >/dev/null
plug=() unplug=()
for i in $(seq "$rounds"); do
  t0=$(date +%s%N)
  "$here/vif-bridge-style.sh" online "vif$i.0" 00:16:3e:00:00:01 10.0.0.2
  t1=$(date +%s%N)
  "$here/vif-bridge-style.sh" offline "vif$i.0" 00:16:3e:00:00:01 10.0.0.2
  t2=$(date +%s%N)
  plug+=($(((t1 - t0) / 1000)))
  unplug+=($(((t2 - t1) / 1000)))
done
stats() {
  printf '%s\n' "${@:2}" | sort -n | awk -v what="$1" '{a[NR]=$1} END {
    printf "%-28s n=%d median=%.2f ms p10=%.2f p90=%.2f\n", what, NR,
      a[int((NR-1)*0.5)+1]/1000, a[int((NR-1)*0.1)+1]/1000, a[int((NR-1)*0.9)+1]/1000}'
}
stats "script plug (ip+nft+tc)" "${plug[@]}"
stats "script unplug" "${unplug[@]}"
