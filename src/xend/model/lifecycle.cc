#include "xend/model/lifecycle.h"
namespace xenia::xend {
LifecyclePlan planAfterExit(const config::DomainConfig&, ExitReason, double) { return {}; }
std::string stateString(bool, bool, bool, bool, bool, bool) { return "------"; }
std::string renameRestartName(const std::string& n, const std::string&) { return n; }
}  // namespace xenia::xend
