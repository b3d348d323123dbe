// Fuzzes the xm reader (tokenizer, parser, evaluator, % formatting) with
// and without command-line overrides. Tighter limits than the defaults
// keep single inputs fast; the limits themselves are what is under test.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/lang/xm.h"

using namespace xenia::config;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  XmLimits limits;
  limits.maxStringBytes = 64u << 10;
  limits.maxWeight = 256u << 10;
  limits.maxWork = 2u << 20;
  limits.maxOutputWeight = 2u << 20;
  static const std::vector<XmOverride> kOverrides = {
      {"vmid", "3"}, {"memory", "512"}, {"disk", "phy:/dev/a,xvda,w"}, {"vncunused", "y"}};
  for (const auto* ov : {&kOverrides, static_cast<const std::vector<XmOverride>*>(nullptr)}) {
    auto r = parseXm(text, "fuzz.cfg", ov ? *ov : std::vector<XmOverride>{}, limits);
    if (r) {
      for (const auto& e : r->entries) {
        if (e.name.empty()) {
          __builtin_trap();
        }
        (void)reprValue(e.value);
      }
      for (const auto& w : r->warnings) {
        (void)w.format();
      }
    } else {
      (void)r.error().format();
    }
  }
  return 0;
}
