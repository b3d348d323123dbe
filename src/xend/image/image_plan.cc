// xenia-image's pure decisions (image_plan.h).
#include "xend/image/image_plan.h"

#include <fmt/format.h>

namespace xenia::image {

Expected<int64_t, std::string> parseSize(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  std::string suffix = text.substr(digits);
  auto bad = [&] {
    return unexpected(fmt::format("'{}' is not a size (a number with B, K, M, G or T).", text));
  };
  if (digits == 0 || digits > 15 || suffix.size() > 1) {
    return bad();
  }
  int shift = 20;  // a bare number is MiB
  if (!suffix.empty()) {
    switch (suffix[0] | 0x20) {  // lower case
      case 'b':
        shift = 0;
        break;
      case 'k':
        shift = 10;
        break;
      case 'm':
        shift = 20;
        break;
      case 'g':
        shift = 30;
        break;
      case 't':
        shift = 40;
        break;
      default:
        return bad();
    }
  }
  int64_t n = std::stoll(text.substr(0, digits));
  if (n > (int64_t{1} << (62 - shift))) {
    return unexpected(fmt::format("The size '{}' is too large.", text));
  }
  return n << shift;
}

Format detectFormat(std::span<const unsigned char> h) {
  if (h.size() >= 8 && h[0] == 'Q' && h[1] == 'F' && h[2] == 'I' && h[3] == 0xfb && h[4] == 0 &&
      h[5] == 0 && h[6] == 0 && (h[7] == 2 || h[7] == 3)) {
    return Format::kQcow2;
  }
  return Format::kRaw;
}

std::optional<int64_t> qcow2VirtualSize(std::span<const unsigned char> h) {
  if (h.size() < 32) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (size_t i = 24; i < 32; ++i) {
    v = (v << 8) | h[i];
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) {
    return std::nullopt;
  }
  return static_cast<int64_t>(v);
}

std::optional<std::string> refuseGrow(const std::string& path, int64_t current, int64_t wanted,
                                      const Users& users) {
  if (wanted < current) {
    return fmt::format("{} has {} bytes; xenia-image never shrinks an image (the guest's file "
                       "systems would be cut).",
                       path, current);
  }
  if (!users.domains.empty()) {
    std::string list;
    for (const auto& d : users.domains) {
      list += (list.empty() ? "" : ", ") + d;
    }
    return fmt::format("{} is in use by running domain(s): {}. Use `xm block-resize` to grow a "
                       "disk online.",
                       path, list);
  }
  if (users.lockedByQemu) {
    return fmt::format("{} is locked by a running QEMU; it is not touched.", path);
  }
  return std::nullopt;
}

}  // namespace xenia::image
