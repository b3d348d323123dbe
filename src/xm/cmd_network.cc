// Network device commands (docs/design/networking.md): xm's network-attach,
// network-detach and network-list (X40 main.py). xend plugs the host side and
// hotplugs the NIC through QMP; these check arguments as xm did and print.
#include "config/model/net_spec.h"
#include "xm/ctx.h"
#include "xm/format_network.h"
#include "xm/getopt.h"
#include "xm/handlers.h"

namespace xenia::xm {

int cmdNetworkAttach(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 1, 11)) {
    return rc;
  }
  // xm sent ['vif', [key, value]...]; xend reads the config's vif string.
  std::string spec;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i].find('=') == std::string::npos) {
      return ctx.usageError("Invalid argument: " + args[i]);
    }
    spec += (spec.empty() ? "" : ",") + args[i];
  }
  if (auto v = config::parseVifSpec(spec); !v) {
    ctx.error(v.error());
    return 1;
  }
  auto r = ctx.call("domain.network_attach", {{"dom", args[0]}, {"spec", spec}}, true);
  return r ? 0 : ctx.rpcFailed(r.error());
}

int cmdNetworkDetach(Ctx& ctx, const Args& args) {
  return ctx.detach(args, "domain.network_detach");
}

int cmdNetworkList(Ctx& ctx, const Args& args) {
  auto p = pyGnuGetopt(args, "l", {"long"});
  if (!p) {
    return ctx.optionError(p.error());
  }
  if (p->params.empty()) {
    return ctx.argCheck(p->params, 1, -1);
  }
  // xm takes several domains and lists each in turn.
  for (const std::string& dom : p->params) {
    auto r = ctx.call("domain.network_list", {{"dom", dom}});
    if (!r) {
      return ctx.rpcFailed(r.error());
    }
    auto text = formatNetworkList(*r, p->has("-l", "--long"));
    if (!text) {
      return ctx.badAnswer(text.error());
    }
    ctx.out() << *text;
  }
  return 0;
}

}  // namespace xenia::xm
