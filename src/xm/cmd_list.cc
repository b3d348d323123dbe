// xm list (brief, --long, --label, --state) and xm uptime (X40 main.py
// xm_list, getDomains, xm_uptime).
#include <algorithm>
#include <cctype>

#include "xm/ctx.h"
#include "xm/format.h"
#include "xm/getopt.h"
#include "xm/handlers.h"

namespace xenia::xm {
namespace {

Expected<std::vector<DomainRow>, int> listDomains(Ctx& ctx, const Args& doms) {
  Json params = Json::object();
  if (!doms.empty()) {
    params["doms"] = doms;
  }
  auto r = ctx.call("domain.list", params);
  if (!r) {
    return unexpected(ctx.rpcFailed(r.error()));
  }
  auto rows = domainRowsFromResult(*r);
  if (!rows) {
    return unexpected(ctx.badAnswer(rows.error()));
  }
  return std::move(*rows);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

int cmdList(Ctx& ctx, const Args& args) {
  auto p = pyGnuGetopt(args, "lv", {"long", "vcpus", "label", "state="});
  if (!p) {
    return ctx.usageError(p.error());
  }
  bool useLong = false, showVcpus = false, showLabels = false;
  std::string state = "all";
  for (const auto& [k, v] : p->opts) {
    if (k == "-l" || k == "--long") {
      useLong = true;
    } else if (k == "-v" || k == "--vcpus") {
      showVcpus = true;
    } else if (k == "--label") {
      showLabels = true;
    } else if (k == "--state") {
      state = v;
    }
  }
  if (state != "all" && !p->params.empty()) {
    return ctx.optionError("You may specify either a state or a particular VM, but not both");
  }
  if (showVcpus) {
    ctx.err() << "xm list -v is deprecated.  Please use xm vcpu-list.\n";
    return cmdVcpuList(ctx, p->params);
  }
  auto doms = listDomains(ctx, p->params);
  if (!doms) {
    return doms.error();
  }
  if (state != "all") {
    std::string want = lower(state);
    std::erase_if(*doms, [&](const DomainRow& d) { return statusName(d.status) != want; });
  }
  if (useLong) {
    for (const auto& d : *doms) {
      auto r = ctx.call("domain.sxp", {{"dom", d.uuid.empty() ? d.name : d.uuid}});
      if (!r) {
        return ctx.rpcFailed(r.error());
      }
      if (!r->is_object() || !r->contains("sxp") || !(*r)["sxp"].is_string()) {
        return ctx.badAnswer("answer has no 'sxp' text");
      }
      std::string text = (*r)["sxp"].get<std::string>();
      if (text.empty() || text.back() != '\n') {
        text += '\n';
      }
      ctx.out() << text;
    }
  } else if (showLabels) {
    ctx.out() << formatLabelList(*doms);
  } else {
    ctx.out() << formatBriefList(*doms);
  }
  return 0;
}

int cmdUptime(Ctx& ctx, const Args& args) {
  auto p = pyGnuGetopt(args, "s", {"short"});
  if (!p) {
    return ctx.usageError(p.error());
  }
  bool shortMode = p->has("-s", "--short");
  auto doms = listDomains(ctx, p->params);
  if (!doms) {
    return doms.error();
  }
  double now = ctx.env().now();
  std::vector<UptimeRow> rows;
  for (const auto& d : *doms) {
    UptimeRow row{d.name, d.domid ? std::to_string(*d.domid) : "", 0};
    if (!d.domid) {
      row.seconds = 0;
    } else if (*d.domid > 0) {
      row.seconds = d.startTime ? pyRoundToInt(now - *d.startTime) : -1;
    } else {
      row.seconds = pyRoundToInt(ctx.env().hostUptime().value_or(0));
    }
    rows.push_back(std::move(row));
  }
  ctx.out() << formatUptime(rows, shortMode, shortMode ? ctx.env().localTimeHms() : "");
  return 0;
}

}  // namespace xenia::xm
