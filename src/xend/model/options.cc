#include "xend/model/options.h"
namespace xenia::xend {
XendOptions defaultXendOptions() { return {}; }
Expected<XendOptions, std::string> loadXendOptions(const config::XendConfig&) { return XendOptions{}; }
Expected<XendOptions, std::string> loadXendOptionsFile(const std::string&) { return XendOptions{}; }
}  // namespace xenia::xend
