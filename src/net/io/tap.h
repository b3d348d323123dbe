// Host interface primitives: a tap opened on /dev/net/tun (not persistent:
// it disappears with the last fd, so a dead QEMU takes its taps, their
// qdiscs, routes and bridge ports with it), interface lookups, sysctl files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/expected.h"
#include "common/unique_fd.h"

namespace xenia::net {

// Creates tap `name` (fails if it exists) with virtio-net headers enabled.
Expected<UniqueFd, std::string> openTap(const std::string& name);

// 0 when there is no such interface.
uint32_t linkIndex(const std::string& name);
// The first IPv4 address of `ifname` (host order) and its prefix.
std::optional<std::pair<uint32_t, uint8_t>> ipv4Of(const std::string& ifname);
// Writes /proc/sys/net/ipv4/<rel>, e.g. "conf/vif3.0/proxy_arp".
Expected<Ok, std::string> writeSysctl(const std::string& rel, const std::string& value);

}  // namespace xenia::net
