// Fuzzes the SXP reader and checks that both writers round-trip: what
// writeSxp or prettySxp print reads back as the same tree (empty atoms
// excepted: xend prints them as nothing). Also runs the xend-config reader.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/lang/sexp.h"
#include "config/lang/xend_config.h"

using namespace xenia::config;

namespace {
Sexp dropEmptyAtoms(const Sexp& s) {
  if (!s.isList) {
    return s;
  }
  Sexp out = Sexp::makeList();
  for (const Sexp& i : s.items) {
    if (i.isList || !i.atom.empty()) {
      out.items.push_back(dropEmptyAtoms(i));
    }
  }
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto all = readSxpAll(text, "fuzz.sxp");
  (void)parseXendConfig(text, "fuzz.sxp");
  if (!all) {
    (void)all.error().format();
    return 0;
  }
  for (const Sexp& s : *all) {
    Sexp want = dropEmptyAtoms(s);
    if (!want.isList && want.atom.empty()) {
      continue;  // prints as nothing at all
    }
    for (const std::string& out : {writeSxp(s), prettySxp(s), prettySxp(s, 12)}) {
      auto again = readSxp(out, "again");
      if (!again || !(*again == want)) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
