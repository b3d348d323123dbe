// Permission list storage and the wire form of permissions, following
// Xen's xs_strings_to_perms()/xs_perm_to_string() character for character.
#include "xenstore/store/perms.h"

#include <cstdlib>

#include <fmt/format.h>

namespace xenia::xs::store {

void PermList::push(Perm p) {
  if (n_ < kInline) {
    ++n_;
    set(n_ - 1, p);
    return;
  }
  if (n_ == kInline) {
    Perm* h = new Perm[4];
    h[0] = get(0);
    h[1] = get(1);
    h[2] = p;
    std::memcpy(raw_, &h, sizeof h);
    n_ = 3;
    return;
  }
  // Heap: grow in powers of two.
  Perm* h = heap();
  if ((n_ & (n_ - 1)) == 0) {
    Perm* bigger = new Perm[n_ * 2];
    std::memcpy(bigger, h, n_ * sizeof(Perm));
    delete[] h;
    h = bigger;
    std::memcpy(raw_, &h, sizeof h);
  }
  h[n_++] = p;
}

void PermList::clear() {
  if (n_ > kInline) {
    delete[] heap();
  }
  std::memset(raw_, 0, sizeof raw_);
  n_ = 0;
}

std::optional<Perm> parsePerm(std::string_view s) {
  if (s.empty()) {
    return std::nullopt;
  }
  Perm p;
  switch (s[0]) {
    case 'r':
      p.bits = kPermRead;
      break;
    case 'w':
      p.bits = kPermWrite;
      break;
    case 'b':
      p.bits = kPermRead | kPermWrite;
      break;
    case 'n':
      p.bits = kPermNone;
      break;
    default:
      return std::nullopt;
  }
  // strtol(base 0) on a NUL-terminated copy, as C does; the number must be
  // present and consume the rest of the string.
  std::string digits(s.substr(1));
  if (digits.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  long v = std::strtol(digits.c_str(), &end, 0);
  if (*end != '\0') {
    return std::nullopt;
  }
  p.id = static_cast<uint32_t>(v);
  return p;
}

void formatPerm(Perm p, std::string& out) {
  switch (p.bits & (kPermRead | kPermWrite)) {
    case kPermWrite:
      out.push_back('w');
      break;
    case kPermRead:
      out.push_back('r');
      break;
    case kPermRead | kPermWrite:
      out.push_back('b');
      break;
    default:
      out.push_back('n');
      break;
  }
  fmt::format_to(std::back_inserter(out), "{}", static_cast<int32_t>(p.id));
}

void formatPermList(const PermList& perms, std::string& out) {
  for (uint32_t i = 0; i < perms.size(); ++i) {
    formatPerm(perms.get(i), out);
    out.push_back('\0');
  }
}

}  // namespace xenia::xs::store
