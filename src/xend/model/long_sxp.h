// `xm list -l` for one domain: the config's SXP with xend's runtime keys, plus
// Xenia's extra children (accelerator, console location, VNC port, tap names).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/lang/sexp.h"
#include "config/model/domain.h"
#include "config/model/sxp.h"

namespace xenia::xend {

struct LongListFacts {
  config::SxpRuntime rt;
  std::string accel;
  std::string consolePty, consoleSocket, consoleLog;
  std::optional<int> vncPort;
  std::vector<std::string> vifNames;
};

config::Sexp longListSexp(const config::DomainConfig& d, const LongListFacts& f);
// prettySxp(longListSexp(d, f)).
std::string longListSxp(const config::DomainConfig& d, const LongListFacts& f);

}  // namespace xenia::xend
