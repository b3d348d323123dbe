// Whether a new domain fits: available = host total - dom0-min-mem -
// memory committed to running guests, and the message when it does not.
#pragma once

#include <cstdint>
#include <string>

namespace xenia::xend {

struct MemoryVerdict {
  bool ok = true;
  int64_t availableMiB = 0;
  int64_t missingMiB = 0;
  std::string message;  // empty when ok
};

MemoryVerdict checkMemory(const std::string& name, int64_t wantMiB, int64_t hostTotalMiB,
                          int64_t dom0MinMiB, int64_t committedMiB);

}  // namespace xenia::xend
