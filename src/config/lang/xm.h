// Reader for xm domain config files. xm executed them as Python 2
// (execfile in xen/xm/opts.py); we evaluate the subset real files use and
// refuse the rest with file:line:col and a hint, never guessing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "config/lang/value.h"

namespace xenia::config {

// Supported: assignments (`=`, chained `a = b = ...`, augmented `+= -= *=
// /= //= %= **=`), `pass`, `;` separators, comments, backslash and bracket
// continuation; literals: str ('…' "…" '''…''' """…""", r/b prefixes,
// Python 2 escapes, adjacent-literal concatenation), int (decimal, 0x, 0o,
// 0b, legacy 0777), float, True/False/None, lists, tuples (incl. 1-tuples),
// dicts with string keys; names bound earlier; unary + -, binary + - * / //
// % ** with Python 2 semantics (int / int floors), str/list/tuple + and *,
// str % value|tuple|dict formatting.
// Refused (with a message naming the construct): import, def, class,
// lambda, if/for/while/try/with, print, del, global, exec, assert, raise,
// return, yield, calls, attribute access, subscripts, comparisons, boolean
// and bitwise operators, comprehensions, conditional expressions, sets,
// backquotes, unicode and long literals, unpacking assignments, indented
// lines. A file whose first byte is '<' is refused as XML, like xm does.
// Bounds on what a file may compute (Python would build "a" * 10**9 and
// run out of memory). Sizes are approximate bytes: string bytes plus 16 per
// value or list slot, counted as if shared values were copied out.
struct XmLimits {
  size_t maxInputBytes = 1u << 20;     // the file itself
  size_t maxStringBytes = 1u << 20;    // one string value
  size_t maxWeight = 8u << 20;         // one value
  int maxDepth = 64;                   // nesting of lists/tuples/dicts
  size_t maxWork = 64u << 20;          // everything the file computes
  size_t maxOutputWeight = 64u << 20;  // all settings together
};

// A `name=value` argument given after the config file on xm's command line
// (`xm create web.cfg vmid=3 memory=512`).
struct XmOverride {
  std::string name;
  std::string value;
};

// Splits "name=value" at the first '=' as xm does; nullopt without '='.
std::optional<XmOverride> splitXmOverride(std::string_view arg);

// How xm create applies a command-line value to one of its options
// (gopts.var in xen/xm/create.py, 4.0 and 4.4 merged).
enum class XmOptionKind {
  kValue,   // set_value: the string
  kInt,     // set_int / set_long: Python int(), else "Invalid value: v"
  kBool,    // set_bool: yes/y -> 1, no/n -> 0, else "Invalid value:v"
  kAppend,  // append_value: each occurrence appends to a list of strings
};
std::optional<XmOptionKind> xmCreateOption(std::string_view name);

// Evaluates the file. Overrides follow xm exactly (opts.py Opts.parse and
// Opts.load, create.py parseCommandLine):
//  * `name=value` where name is an xm create option (xmCreateOption) is
//    "specified": the converted command-line value is the result for that
//    name and any assignment in the file is ignored. The file does NOT see
//    the command-line value; a file line reading `name` sees the file's own
//    binding (or fails with NameError if it has none).
//  * any other `name=value` (e.g. vmid=3) is pre-bound in the file as the
//    string value.strip() (name.strip()); the file may read and rebind it,
//    and the file's final binding wins. Later duplicates replace earlier ones.
// Result entries: specified options first (command-line order, SourceLoc
// without file), then every name bound in the file or pre-bound, in first
// binding order, with its final value. Names whose final value is not a
// str, list, int or float (bool, None, tuple, dict) are left out, because
// xm's load() ignores them (`pae = False` does nothing in xm); each gets a
// warning in ConfigFile::warnings instead.
Expected<ConfigFile, ParseError> parseXm(std::string_view text, std::string_view fileName,
                                         const std::vector<XmOverride>& overrides = {},
                                         const XmLimits& limits = {});

}  // namespace xenia::config
