// Fuzzes the xl reader (libxlu-compatible lexer and LALR-equivalent parser).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/lang/xl.h"

using namespace xenia::config;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = parseXl(text, "fuzz.cfg");
  if (r) {
    for (const auto& e : r->entries) {
      // Names are libxlu identifiers: [a-z][._0-9a-z]*.
      if (e.name.empty() || e.name[0] < 'a' || e.name[0] > 'z') {
        __builtin_trap();
      }
      (void)reprValue(e.value);
    }
  } else {
    (void)r.error().format();
  }
  return 0;
}
