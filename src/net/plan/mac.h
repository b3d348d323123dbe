// MAC addresses of vifs: parsing to bytes, and the check that refuses a MAC
// another running domain (or another vif of the same domain) already uses;
// two guests with one MAC on a segment break each other's ARP caches.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xenia::net {

using MacBytes = std::array<uint8_t, 6>;

// "xx:xx:xx:xx:xx:xx" (either case); nullopt otherwise.
std::optional<MacBytes> parseMacBytes(std::string_view s);

// A vif of a running domain.
struct MacUse {
  std::string domain;
  int devid = 0;
  std::string mac;  // lower case
};

// The error for the first of `wanted` (vifs of domain `name`) that is in
// `inUse` or repeated within `wanted`; nullopt when all are free.
std::optional<std::string> macConflict(const std::vector<MacUse>& inUse,
                                       const std::vector<std::string>& wanted,
                                       std::string_view name);

}  // namespace xenia::net
