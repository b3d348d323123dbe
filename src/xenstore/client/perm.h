// XenStore permission entries ("b0", "r5"...): the value type used by
// GET_PERMS/SET_PERMS and their text form, parsed exactly like libxenstore's
// xs_strings_to_perms() and printed like xs_perm_to_string().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xenia::xs {

struct Perm {
  enum class Access : uint8_t { None, Read, Write, Both };

  uint32_t domid = 0;
  Access access = Access::None;

  // "n0", "r5", "w7", "b0". The number is read like strtol(s, &end, 0)
  // (libxenstore): "r0x10" is domain 16. nullopt for anything else.
  static std::optional<Perm> parse(std::string_view text);
  std::string toString() const;

  bool canRead() const { return access == Access::Read || access == Access::Both; }
  bool canWrite() const { return access == Access::Write || access == Access::Both; }
  friend bool operator==(const Perm&, const Perm&) = default;
};

// Entry 0 is the owner and the default for domains not listed.
using Perms = std::vector<Perm>;

// A GET_PERMS reply payload ("n0\0r5\0") into entries; nullopt if any is malformed.
std::optional<Perms> parsePermsPayload(std::string_view payload);
// "n0,r5" style (xenstore-ls -p prints this between parentheses).
std::string formatPerms(const Perms& perms, char separator = ',');

}  // namespace xenia::xs
