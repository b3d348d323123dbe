// checkMemory: the admission rule of docs/design/xend.md ("Memory") and the
// error xm prints when a domain does not fit.
#include "xend/model/memory.h"

#include <fmt/format.h>

namespace xenia::xend {

MemoryVerdict checkMemory(const std::string& name, int64_t wantMiB, int64_t hostTotalMiB,
                          int64_t dom0MinMiB, int64_t committedMiB) {
  MemoryVerdict v;
  v.availableMiB = hostTotalMiB - dom0MinMiB - committedMiB;
  if (wantMiB <= v.availableMiB) {
    return v;
  }
  v.ok = false;
  int64_t shown = v.availableMiB < 0 ? 0 : v.availableMiB;
  v.missingMiB = wantMiB - shown;
  std::string why;
  if (dom0MinMiB > 0) {
    why = fmt::format("dom0-min-mem reserves {} MiB", dom0MinMiB);
  }
  if (committedMiB > 0) {
    why += fmt::format("{}running domains use {} MiB", why.empty() ? "" : ", ", committedMiB);
  }
  v.message = fmt::format(
      "Not enough free memory to create domain '{}': it needs {} MiB but only {} MiB {} "
      "available ({} MiB missing{}{}).",
      name, wantMiB, shown, shown == 1 ? "is" : "are", v.missingMiB, why.empty() ? "" : "; ", why);
  return v;
}

}  // namespace xenia::xend
