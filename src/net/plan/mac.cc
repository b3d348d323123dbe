// MAC parsing and the duplicate check (case-insensitive, like the kernel).
#include "net/plan/mac.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace xenia::net {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int hexVal(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

}  // namespace

std::optional<MacBytes> parseMacBytes(std::string_view s) {
  if (s.size() != 17) {
    return std::nullopt;
  }
  MacBytes out{};
  for (size_t i = 0; i < 6; ++i) {
    int hi = hexVal(s[i * 3]);
    int lo = hexVal(s[i * 3 + 1]);
    if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':')) {
      return std::nullopt;
    }
    out[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return out;
}

std::optional<std::string> macConflict(const std::vector<MacUse>& inUse,
                                       const std::vector<std::string>& wanted,
                                       std::string_view name) {
  for (size_t i = 0; i < wanted.size(); ++i) {
    std::string mac = lower(wanted[i]);
    for (const MacUse& u : inUse) {
      if (lower(u.mac) == mac) {
        return fmt::format("MAC address {} of {}'s vif {} is already used by vif {} of domain {}.",
                           mac, name, i, u.devid, u.domain);
      }
    }
    for (size_t j = 0; j < i; ++j) {
      if (lower(wanted[j]) == mac) {
        return fmt::format("MAC address {} is given to vifs {} and {} of {}.", mac, j, i, name);
      }
    }
  }
  return std::nullopt;
}

}  // namespace xenia::net
