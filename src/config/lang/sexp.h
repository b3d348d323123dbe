// S-expressions as xend reads and writes them (xen/xend/sxp.py): atoms are
// byte strings, lists nest. Reader with hostile-input bounds, the compact
// writer (sxp.show / to_string) and xm's pretty layout
// (PrettyPrint.prettyprint, what `xm list -l` prints), plus sxp.py's lookups.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "config/lang/value.h"

namespace xenia::config {

struct Sexp {
  bool isList = false;
  std::string atom;         // when !isList
  std::vector<Sexp> items;  // when isList
  int line = 0;             // where it started in the source, 1-based; 0 if built in code
  int col = 0;

  static Sexp makeAtom(std::string s);
  static Sexp makeList(std::vector<Sexp> items = {});
  // (key value): the usual shape of an SXP field.
  static Sexp makePair(std::string key, std::string value);
  static Sexp makePair(std::string key, Sexp value);
  // Atoms for numbers as Python 2's str() prints them (xend puts ints and
  // floats into its SXP; str(float) is "%.12g" plus ".0" when integral).
  static Sexp makeInt(int64_t v);
  static Sexp makeFloat(double v);

  bool isAtom() const { return !isList; }
  // Structural equality; source positions are ignored.
  bool operator==(const Sexp& o) const;

  // sxp.name: the atom itself, or the first item of a list when it is an
  // atom; nullptr otherwise.
  const std::string* name() const;
  // sxp.children: list items after the name, skipping an (@ ...) attribute
  // list in second position. Empty for atoms.
  std::span<const Sexp> children() const;
  // sxp.child: first child list whose name is `name`.
  const Sexp* child(std::string_view name) const;
  // Every child list named `name`, in order (e.g. each (device ...)).
  std::vector<const Sexp*> childrenNamed(std::string_view name) const;
  // sxp.child_value: first item after the name of child(name) — may be a
  // list; nullptr if absent.
  const Sexp* childValue(std::string_view name) const;
  // childValue as a string when it is an atom.
  std::optional<std::string> childAtom(std::string_view name) const;

  // Appends (name value) to a list; returns *this for chaining.
  Sexp& add(Sexp item);
  Sexp& add(std::string key, std::string value);
};

// Bounds for untrusted input. Defaults are far above anything xend produced.
struct SxpLimits {
  int maxDepth = 128;
  size_t maxNodes = 1u << 20;
  size_t maxInputBytes = 16u << 20;
};

// Reads every top-level value in `text` (sxp.parse / all_from_string).
// Follows sxp.py's lexical rules: whitespace " \t\n\v\f\r"; `#` starts a
// comment to end of line (also right after an atom); '…' and "…" strings
// with \a \b \t \n \v \f \r \\ \' \" \xHH \ooo escapes; an atom runs until
// whitespace, `#` or one of "{}()<>[];"; a stray `)` is an error; Ctrl-D
// ends input. Errors carry file:line:col.
Expected<std::vector<Sexp>, ParseError> readSxpAll(std::string_view text, std::string_view fileName,
                                                   const SxpLimits& limits = {});
// Exactly one value (trailing comments/whitespace allowed).
Expected<Sexp, ParseError> readSxp(std::string_view text, std::string_view fileName,
                                   const SxpLimits& limits = {});

// sxp.show: one line, items separated by single spaces, atoms quoted as
// Python repr() when they are not sxp.atomp() (empty atoms print as nothing,
// as in xend).
std::string writeSxp(const Sexp& s);
// PrettyPrint.prettyprint(s, width): a list is printed on one line when it
// fits in the remaining width, otherwise each item after the first goes on
// its own line indented 4 past the list's '(' and the ')' closes on its own
// line under the '('. Ends with a newline, as `print >> out` does.
std::string prettySxp(const Sexp& s, int width = 80);

// sxp.atomp: true when the atom can be written without quotes.
bool sxpAtomIsBare(std::string_view atom);

}  // namespace xenia::config
