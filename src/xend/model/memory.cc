// checkMemory: stub, finished below.
#include "xend/model/memory.h"
namespace xenia::xend {
MemoryVerdict checkMemory(const std::string&, int64_t, int64_t, int64_t, int64_t) { return {}; }
}  // namespace xenia::xend
