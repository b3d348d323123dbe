// Value escaping used by xenstore-read/-ls (sanitise: bytes to printable
// text) and xenstore-write (unsanitise: "\t", "\x41", "\101" to bytes),
// byte-for-byte as libxenstore's xs_lib.c so output matches Debian's tools.
#pragma once

#include <string>
#include <string_view>

namespace xenia::xs::tools {

// Printable ASCII except '\' is kept; \t \n \r \\ are named; bytes below 010
// become \ooo (octal) and all others \xhh.
std::string sanitiseValue(std::string_view value);
// The inverse, with xs_lib.c's leniency: unknown escapes keep the letter, a
// trailing backslash becomes a NUL byte.
std::string unsanitiseValue(std::string_view text);

}  // namespace xenia::xs::tools
