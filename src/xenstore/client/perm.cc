// Perm parsing and formatting, byte-compatible with libxenstore's xs_lib.c.
#include "xenstore/client/perm.h"

#include <cerrno>
#include <cstdlib>

#include "xenstore/wire/wire.h"

namespace xenia::xs {

std::optional<Perm> Perm::parse(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  Perm p;
  switch (text[0]) {
    case 'n':
      p.access = Access::None;
      break;
    case 'r':
      p.access = Access::Read;
      break;
    case 'w':
      p.access = Access::Write;
      break;
    case 'b':
      p.access = Access::Both;
      break;
    default:
      return std::nullopt;
  }
  // strtol needs a terminated string; domids are short, so a small copy is fine.
  std::string digits(text.substr(1));
  if (digits.empty() || digits.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  char* end = nullptr;
  errno = 0;
  long id = std::strtol(digits.c_str(), &end, 0);
  if (*end != '\0') {
    return std::nullopt;
  }
  p.domid = static_cast<uint32_t>(id);
  return p;
}

std::string Perm::toString() const {
  static constexpr char kLetters[] = {'n', 'r', 'w', 'b'};
  std::string out(1, kLetters[static_cast<int>(access)]);
  // libxenstore prints the id with "%i" of an int.
  out += std::to_string(static_cast<int>(domid));
  return out;
}

std::optional<Perms> parsePermsPayload(std::string_view payload) {
  Perms out;
  for (std::string_view part : splitNul(payload)) {
    auto p = Perm::parse(part);
    if (!p) {
      return std::nullopt;
    }
    out.push_back(*p);
  }
  return out;
}

std::string formatPerms(const Perms& perms, char separator) {
  std::string out;
  for (size_t i = 0; i < perms.size(); ++i) {
    if (i) {
      out.push_back(separator);
    }
    out += perms[i].toString();
  }
  return out;
}

}  // namespace xenia::xs
