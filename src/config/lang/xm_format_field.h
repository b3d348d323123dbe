// Field layout helpers for str % args (xm_format.cc). Internal to the xm
// reader.
#pragma once

#include <cstdint>
#include <string>

namespace xenia::config::xm {

enum FormatFlags { kLjust = 1, kSign = 2, kBlank = 4, kAlt = 8, kZero = 16 };

// formatint: digits with C printf precision, '-' in front, "0x"/"0X"
// hard-coded for '#', a leading 0 for "%#o".
std::string formatInt(int64_t x, char type, int flags, long prec);
// Appends `buf` to `out` as one converted field: sign (from buf or the
// + / space flags), fill ('0' for numbers with the 0 flag), "0x" kept in
// front of zero fill, then left or right padding to `width`. `conv` is the
// conversion character.
void padField(std::string& out, const std::string& buf, bool numeric, char fill, int flags,
              long width, char conv);

}  // namespace xenia::config::xm
