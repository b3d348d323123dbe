#include "xend/model/host_info.h"
namespace xenia::xend {
std::vector<std::pair<std::string, std::string>> xmInfo(const HostSnapshot&, const XendOptions&, const HostUsage&) { return {}; }
std::string virtCaps(const HostSnapshot&) { return ""; }
void parseCpuinfo(const std::string&, HostSnapshot&) {}
void parseMeminfo(const std::string&, HostSnapshot&) {}
}  // namespace xenia::xend
