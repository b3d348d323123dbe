# shellcheck shell=bash
# Shared by the networking end-to-end tests (sourced before lib.sh):
# re-runs the test inside a private network namespace (unshare
# --net), so xend's bridges, taps, routes, nftables tables and dnsmasq never
# touch the host's own interfaces; helpers to check that nothing is left.
if [[ ${XE_NETNS:-} != 1 ]]; then
  command -v unshare >/dev/null || { echo "SKIP: unshare missing" >&2; exit 77; }
  command -v nft >/dev/null || { echo "SKIP: nft missing (apt-get install nftables)" >&2; exit 77; }
  command -v dnsmasq >/dev/null || { echo "SKIP: dnsmasq missing (apt-get install dnsmasq-base)" >&2; exit 77; }
  [[ -c /dev/net/tun ]] || { echo "SKIP: no /dev/net/tun" >&2; exit 77; }
  unshare --net true 2>/dev/null || { echo "SKIP: cannot create a network namespace" >&2; exit 77; }
  exec unshare --net -- env XE_NETNS=1 bash "$0" "$@"
fi
ip link set lo up

# Host-side leftovers of Xenia's vifs in this namespace (printed; empty = clean).
xe_net_leftovers() {
  ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '^vif[0-9]+\.' || true
  nft list tables 2>/dev/null | grep -E 'xenia_v[0-9]+_' || true
  ip route show 2>/dev/null | grep -E 'dev vif[0-9]+\.' || true
  tc qdisc show 2>/dev/null | grep -E 'dev vif[0-9]+\.' || true
}
expect_no_net_leftovers() {
  local left
  left=$(xe_net_leftovers)
  [[ -z $left ]] || fail "${1:-host} has vif leftovers: $left"
}
# Waits until interface $1 exists (or, with "gone", until it does not).
xe_wait_link() {
  local name=$1 want=${2:-present}
  if [[ $want == gone ]]; then
    xe_wait_until 30 bash -c "! ip link show '$name' >/dev/null 2>&1"
  else
    xe_wait_until 30 ip link show "$name"
  fi
}
