// Memory, vCPU and scheduler commands: mem-set, mem-max, vcpu-set, vcpu-pin,
// vcpu-list, sched-credit (X40 main.py).
#include "xm/ctx.h"
#include "xm/format.h"
#include "xm/getopt.h"
#include "xm/handlers.h"
#include "xm/parse.h"

namespace xenia::xm {
namespace {

int memCall(Ctx& ctx, const Args& args, const char* method) {
  if (int rc = ctx.argCheck(args, 2)) {
    return rc;
  }
  auto mib = parseMemMiB(args[1]);
  if (!mib) {
    return ctx.invalidArgument();
  }
  auto r = ctx.call(method, {{"dom", args[0]}, {"mib", *mib}});
  return r ? 0 : ctx.rpcFailed(r.error());
}

}  // namespace

int cmdMemSet(Ctx& ctx, const Args& args) { return memCall(ctx, args, "domain.mem_set"); }
int cmdMemMax(Ctx& ctx, const Args& args) { return memCall(ctx, args, "domain.mem_max"); }

int cmdVcpuSet(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 2)) {
    return rc;
  }
  auto n = pyInt(args[1]);
  if (!n) {
    return ctx.invalidArgument();
  }
  auto r = ctx.call("domain.vcpu_set", {{"dom", args[0]}, {"count", *n}});
  return r ? 0 : ctx.rpcFailed(r.error());
}

int cmdVcpuPin(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 3)) {
    return rc;
  }
  Json vcpu;
  if (args[1] == "all") {
    vcpu = "all";
  } else if (auto v = pyInt(args[1])) {
    vcpu = *v;
  } else {
    return ctx.invalidArgument();
  }
  std::string cpus = "all";
  if (args[2] != "all") {
    auto list = parseCpuList(args[2]);
    if (!list) {
      return ctx.invalidArgument();
    }
    cpus = cpuRangeString(*list);
  }
  auto r = ctx.call("domain.vcpu_pin", {{"dom", args[0]}, {"vcpu", vcpu}, {"cpus", cpus}});
  return r ? 0 : ctx.rpcFailed(r.error());
}

int cmdVcpuList(Ctx& ctx, const Args& args) {
  Json params = Json::object();
  if (!args.empty()) {
    params["doms"] = args;
  }
  auto r = ctx.call("domain.vcpu_list", params);
  if (!r) {
    return ctx.rpcFailed(r.error());
  }
  int64_t nrCpus = 0;
  auto rows = vcpuRowsFromResult(*r, &nrCpus);
  if (!rows) {
    return ctx.badAnswer(rows.error());
  }
  ctx.out() << formatVcpuList(*rows, nrCpus);
  return 0;
}

int cmdSchedCredit(Ctx& ctx, const Args& args) {
  // check_sched_type('credit')
  auto info = ctx.call("host.info");
  if (!info) {
    return ctx.rpcFailed(info.error());
  }
  std::string sched = "unknown";
  if (info->is_object() && info->contains("info") && (*info)["info"].is_array()) {
    for (const auto& p : (*info)["info"]) {
      if (p.is_array() && p.size() > 1 && p[0] == "xen_scheduler" && p[1].is_string()) {
        sched = p[1].get<std::string>();
        break;
      }
    }
  }
  if (sched != "credit") {
    ctx.error("Xen is running with the " + sched + " scheduler");
    return 1;
  }
  auto p = pyGetopt(args, "d:w:c:", {"domain=", "weight=", "cap="});
  if (!p) {
    return ctx.usageError(p.error());
  }
  std::optional<std::string> dom;
  std::optional<int64_t> weight, cap;
  for (const auto& [k, v] : p->opts) {
    if (k == "-d" || k == "--domain") {
      dom = v;
    } else if (k == "-w" || k == "--weight" || k == "-c" || k == "--cap") {
      auto n = pyInt(v);
      if (!n) {
        return ctx.invalidArgument();
      }
      (k == "-w" || k == "--weight" ? weight : cap) = *n;
    }
  }
  Json params = Json::object();
  if (dom) {
    params["dom"] = *dom;
  }
  if (!weight && !cap) {
    auto r = ctx.call("domain.sched_credit", params);
    if (!r) {
      return ctx.rpcFailed(r.error());
    }
    auto rows = schedRowsFromResult(*r);
    if (!rows) {
      return ctx.badAnswer(rows.error());
    }
    ctx.out() << formatSchedCredit(*rows);
    return 0;
  }
  if (!dom) {
    return ctx.usageError("No domain given.");
  }
  if (weight) {
    params["weight"] = *weight;
  }
  if (cap) {
    params["cap"] = *cap;
  }
  auto r = ctx.call("domain.sched_credit", params);
  return r ? 0 : ctx.rpcFailed(r.error());
}

}  // namespace xenia::xm
