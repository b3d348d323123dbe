// xm block-list's two layouts (format_block.h).
#include "xm/format_block.h"

#include <fmt/format.h>

#include "config/lang/sexp.h"

namespace xenia::xm {

Expected<std::string, std::string> formatBlockList(const xend::Json& result, bool longForm) {
  if (!result.is_object() || !result.contains("devices") || !result["devices"].is_array()) {
    return unexpected(std::string("block-list answer without a device list"));
  }
  std::string out;
  bool header = false;
  for (const auto& d : result["devices"]) {
    if (!d.is_object() || !d.contains("devid") || !d["devid"].is_number_integer()) {
      return unexpected(std::string("block-list device without a device number"));
    }
    int64_t devid = d["devid"].get<int64_t>();
    int64_t be = d.value("backend-id", int64_t{-1});
    int64_t state = d.value("state", int64_t{-1});
    std::string bePath = d.value("backend", std::string("??"));
    if (longForm) {
      using config::Sexp;
      Sexp info = Sexp::makeList();
      info.add(Sexp::makePair("backend-id", Sexp::makeInt(be)));
      info.add(Sexp::makePair("virtual-device", Sexp::makeInt(devid)));
      info.add("device-type", d.value("device-type", std::string("disk")));
      info.add(Sexp::makePair("state", Sexp::makeInt(state)));
      if (d.contains("backend")) {
        info.add("backend", bePath);
      }
      info.add("dev", d.value("vdev", std::string()));
      info.add("uname", d.value("uname", std::string()));
      info.add("mode", d.value("mode", std::string()));
      Sexp dev = Sexp::makeList({Sexp::makeInt(devid), info});
      out += config::prettySxp(dev) + "\n";
      continue;
    }
    if (!header) {
      out += "Vdev  BE handle state evt-ch ring-ref BE-path\n";
      header = true;
    }
    out += fmt::format("{:<5}  {:<3}  {:<3}   {:<3}    {:<3}    {:<5} {:<30}  \n", devid, be, 0,
                       state, -1, -1, bePath);
  }
  return out;
}

std::string cdUname(const std::string& target) {
  size_t colon = target.find(':');
  size_t slash = target.find('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon < slash)) {
    return target;
  }
  return "file:" + target;
}

}  // namespace xenia::xm
