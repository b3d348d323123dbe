#include "xend/model/host_info.h"
namespace xenia::xend {
HostSnapshot readHostSnapshot() { return {}; }
}  // namespace xenia::xend
