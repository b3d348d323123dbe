// Reader for xl domain config files: libxlu's restricted grammar
// (xen tools/libs/util/libxlu_cfg_{l.l,y.y}), its error messages and its
// "looks like Python" hint. Pure: takes the file text, does no I/O.
#pragma once

#include <string_view>

#include "common/expected.h"
#include "config/lang/value.h"

namespace xenia::config {

// Grammar (as libxlu):
//   file  := { [IDENT ('=' | '+=') value] (NEWLINE | ';') } [IDENT ('='|'+=') value]
//   value := STRING | NUMBER | '[' {NEWLINE} [value {NEWLINE} {',' {NEWLINE} value {NEWLINE}}
//            [',' {NEWLINE}]] ']'
//   IDENT [a-z][._0-9a-z]*   NUMBER [0-9][0-9a-fx]*   STRING '…' or "…" on one line
//   comments '#' to end of line (the newline is required, even at end of file)
// Values: STRING -> string; NUMBER -> int64 when strtol(text, 0) reads all of
// it (decimal, 0x hex, 0 octal), otherwise the text as a string (xl keeps
// every atom as text and only fails when a number is asked for); lists nest.
// `+=` appends to the previous value of the name: lists concatenate, atoms
// concatenate as text (so the result is always a string, as in libxlu where
// numbers given with += are refused). The last assignment of a name wins.
// Errors are libxlu's first message, "config parsing error near `TEXT': ...",
// located at the offending token (libxlu prints only the line, and one line
// too early for an unexpected newline); the hint is xl's Python warning when
// xl would print it (a +-.():  character outside strings and comments, in
// the part of the file xl reads before it stops). libxlu quirks kept: a
// comment on the last line needs a newline; upper-case hex digits end a
// NUMBER; a single invalid character as the very last byte is ignored.
// Deliberate differences: octal escapes (\NNN), which libxlu silently
// deletes together with the digits after them, are refused; NUL bytes
// inside strings are refused.
Expected<ConfigFile, ParseError> parseXl(std::string_view text, std::string_view fileName);

}  // namespace xenia::config
