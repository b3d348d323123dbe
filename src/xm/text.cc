// Padding as Python's % operator does it on byte strings.
#include "xm/text.h"

namespace xenia::xm {

std::string padRight(std::string_view s, size_t width) {
  std::string r(s);
  if (r.size() < width) {
    r.append(width - r.size(), ' ');
  }
  return r;
}

std::string padLeft(std::string_view s, size_t width) {
  std::string r;
  if (s.size() < width) {
    r.append(width - s.size(), ' ');
  }
  r.append(s);
  return r;
}

}  // namespace xenia::xm
