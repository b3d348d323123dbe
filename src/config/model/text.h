// Small string helpers shared by the spec parsers (internal to the model).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xenia::config::text {

std::string_view trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
bool startsWith(std::string_view s, std::string_view prefix);
std::string lower(std::string_view s);

// Whole-string integer in the given base (0 = C rules: 0x hex, 0 octal). No sign
// unless allowSign. nullopt on junk or overflow.
std::optional<int64_t> parseInt(std::string_view s, int base = 10, bool allowSign = false);
std::optional<uint64_t> parseUnsigned(std::string_view s, int base = 10);

// "1"/"0", "yes"/"no", "y"/"n", "true"/"false", "on"/"off" (any case).
std::optional<bool> parseBool(std::string_view s);

// Well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool isValidUtf8(std::string_view s);

// Joins with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view sep);

}  // namespace xenia::config::text
