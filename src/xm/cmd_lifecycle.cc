// Commands that act on one domain and print little or nothing: delete,
// suspend, resume, destroy, reset, pause, unpause, rename, domid, domname,
// sysrq, trigger, dump-core (X40 main.py xm_* of the same names).
#include <unistd.h>

#include "xm/ctx.h"
#include "xm/format.h"
#include "xm/getopt.h"
#include "xm/handlers.h"
#include "xm/parse.h"

namespace xenia::xm {
namespace {

int simple(Ctx& ctx, const Args& args, const char* method, bool longCall = false) {
  if (int rc = ctx.argCheck(args, 1)) {
    return rc;
  }
  auto r = ctx.call(method, {{"dom", args[0]}}, longCall);
  return r ? 0 : ctx.rpcFailed(r.error());
}

// domain.list for one domain: its record.
Expected<DomainRow, int> lookupOne(Ctx& ctx, const std::string& dom) {
  auto r = ctx.call("domain.list", {{"doms", Json::array({dom})}});
  if (!r) {
    return unexpected(ctx.rpcFailed(r.error()));
  }
  auto rows = domainRowsFromResult(*r);
  if (!rows) {
    return unexpected(ctx.badAnswer(rows.error()));
  }
  if (rows->size() != 1) {
    return unexpected(ctx.badAnswer("expected one domain for '" + dom + "'"));
  }
  return std::move(rows->front());
}

std::string cwdAbs(const std::string& p) {
  char buf[4096];
  const char* cwd = ::getcwd(buf, sizeof(buf));
  return absPath(cwd != nullptr ? cwd : "/", p);
}

}  // namespace

int cmdDelete(Ctx& ctx, const Args& args) { return simple(ctx, args, "domain.delete"); }
int cmdSuspend(Ctx& ctx, const Args& args) { return simple(ctx, args, "domain.suspend", true); }
int cmdDestroy(Ctx& ctx, const Args& args) { return simple(ctx, args, "domain.destroy"); }
int cmdReset(Ctx& ctx, const Args& args) { return simple(ctx, args, "domain.reset"); }
int cmdPause(Ctx& ctx, const Args& args) { return simple(ctx, args, "domain.pause"); }
int cmdUnpause(Ctx& ctx, const Args& args) { return simple(ctx, args, "domain.unpause"); }

int cmdResume(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 1, 2)) {
    return rc;
  }
  auto p = pyGnuGetopt(args, "p", {"paused"});
  if (!p) {
    return ctx.usageError(p.error());
  }
  if (p->params.size() != 1) {
    return ctx.usageError("Wrong number of parameters");
  }
  auto r = ctx.call("domain.resume", {{"dom", p->params[0]}, {"paused", p->has("-p", "--paused")}},
                    true);
  return r ? 0 : ctx.rpcFailed(r.error());
}

int cmdRename(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 2)) {
    return rc;
  }
  auto r = ctx.call("domain.rename", {{"dom", args[0]}, {"name", args[1]}});
  return r ? 0 : ctx.rpcFailed(r.error());
}

int cmdDomid(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 1)) {
    return rc;
  }
  auto d = lookupOne(ctx, args[0]);
  if (!d) {
    return d.error();
  }
  // A halted managed domain has no domid; xm printed Python's None.
  ctx.out() << (d->domid ? std::to_string(*d->domid) : "None") << "\n";
  return 0;
}

int cmdDomname(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 1)) {
    return rc;
  }
  auto d = lookupOne(ctx, args[0]);
  if (!d) {
    return d.error();
  }
  ctx.out() << d->name << "\n";
  return 0;
}

int cmdSysrq(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 2)) {
    return rc;
  }
  auto r = ctx.call("domain.sysrq", {{"dom", args[0]}, {"key", args[1]}});
  return r ? 0 : ctx.rpcFailed(r.error());
}

int cmdTrigger(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 2, 3)) {
    return rc;
  }
  int64_t vcpu = 0;
  if (args.size() == 3) {
    auto v = pyInt(args[2]);
    if (!v) {
      return ctx.invalidArgument();
    }
    vcpu = *v;
  }
  auto r = ctx.call("domain.trigger", {{"dom", args[0]}, {"trigger", args[1]}, {"vcpu", vcpu}});
  return r ? 0 : ctx.rpcFailed(r.error());
}

int cmdDumpCore(Ctx& ctx, const Args& args) {
  auto p = pyGnuGetopt(args, "LCR", {"live", "crash", "reset"});
  if (!p) {
    return ctx.optionError(p.error());
  }
  bool live = p->has("-L", "--live");
  bool crash = p->has("-C", "--crash");
  bool reset = p->has("-R", "--reset");
  if (crash && reset) {
    return ctx.optionError("You may not specify more than one '-CR' option");
  }
  if (p->params.size() != 1 && p->params.size() != 2) {
    return ctx.optionError("Expects 1 or 2 argument(s)");
  }
  const std::string& dom = p->params[0];
  Json params = {{"dom", dom}, {"live", live}, {"crash", crash}, {"reset", reset}};
  if (p->params.size() == 2) {
    params["file"] = cwdAbs(p->params[1]);
  }
  ctx.out() << "Dumping core of domain: " << dom << " ...\n";
  ctx.out().flush();
  auto r = ctx.call("domain.dump_core", params, true);
  return r ? 0 : ctx.rpcFailed(r.error());
}

}  // namespace xenia::xm
