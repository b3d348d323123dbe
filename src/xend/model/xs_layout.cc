#include "xend/model/xs_layout.h"
namespace xenia::xend {
std::vector<XsNode> domainXsNodes(const config::DomainConfig&, const DomainXsFacts&) { return {}; }
std::vector<std::string> domainXsRemovals(const config::DomainConfig&, int) { return {}; }
std::vector<XsNode> dom0XsNodes(int64_t, int) { return {}; }
int vdevNumber(const std::string&) { return -1; }
std::string diskBackendType(const config::Disk&) { return "vbd"; }
}  // namespace xenia::xend
