// xm create, xm new (create.py / new.py main, make_domain) and xm start
// (main.py xm_start). The config is read and validated here; xend gets the
// canonical JSON. With -c the domain is created paused, the console
// attached, and only then unpaused (unless -p), so no boot output is lost.
#include "config/model/json.h"
#include "config/model/sxp.h"
#include "xm/commands.h"
#include "xm/config_load.h"
#include "xm/console.h"
#include "xm/format.h"
#include "xm/getopt.h"
#include "xm/handlers.h"
#include "xm/vnc_viewer.h"

namespace xenia::xm {
namespace {

const char* const kCreateUse =
    "[options] [vars]\n\n"
    "Create a domain.\n\n"
    "Domain creation parameters can be set by command-line switches, from\n"
    "a python configuration script or an SXP config file. See documentation\n"
    "for --defconfig, --config. Configuration variables can be set using\n"
    "VAR=VAL on the command line. For example vmid=3 sets vmid to 3.\n\n";

// OptionError escaping create.py: error, usage, then gopts.use.
int createOptionError(Ctx& ctx, const std::string& msg) {
  ctx.usageError(msg);
  ctx.out() << kCreateUse << "\n";
  return 1;
}

Expected<LoadedConfig, int> load(Ctx& ctx, const CreateOptions& o) {
  OsRandom rng;
  auto c = loadDomainConfig(o, rng);
  if (!c) {
    if (c.error().usage) {
      return unexpected(createOptionError(ctx, c.error().message));
    }
    ctx.error(c.error().message);
    return unexpected(1);
  }
  if (!o.quiet) {
    for (const auto& m : c->messages) {
      ctx.out() << m << "\n";
    }
  }
  for (const auto& w : c->warnings) {
    ctx.err() << "Warning: " << w << "\n";
  }
  return std::move(*c);
}

// make_domain: a created domain that cannot be unpaused is destroyed.
int unpause(Ctx& ctx, const std::string& dom, bool destroyOnFailure) {
  auto r = ctx.call("domain.unpause", {{"dom", dom}});
  if (!r) {
    if (destroyOnFailure) {
      ctx.call("domain.destroy", {{"dom", dom}});
    }
    ctx.error("Failed to unpause domain " + dom);
    return 1;
  }
  return 0;
}

int createOrNew(Ctx& ctx, const Args& args, bool create) {
  auto o = parseCreateArgs(args);
  if (!o) {
    return createOptionError(ctx, o.error());
  }
  if (o->help || o->helpConfig) {
    return 0;
  }
  auto c = load(ctx, *o);
  if (!c) {
    return c.error();
  }
  if (o->dryrun) {
    ctx.out() << config::domainToSxpText(c->domain);
    return 0;
  }
  if (o->xmlDryrun) {
    return 0;  // xm printed XML only in Xen-API mode
  }
  Json config = config::domainToJson(c->domain);
  if (!create) {
    auto r = ctx.call("domain.new", {{"config", config}});
    return r ? 0 : ctx.rpcFailed(r.error(), false);
  }
  bool startPaused = o->paused || o->console;
  auto r = ctx.call("domain.create", {{"config", config}, {"paused", startPaused}}, true);
  if (!r) {
    return ctx.rpcFailed(r.error(), false);
  }
  std::string name = c->domain.name;
  int64_t domid = -1;
  if (r->is_object()) {
    if (r->contains("name") && (*r)["name"].is_string()) {
      name = (*r)["name"].get<std::string>();
    }
    if (r->contains("domid") && (*r)["domid"].is_number_integer()) {
      domid = (*r)["domid"].get<int64_t>();
    }
  }
  if (domid < 0) {
    return ctx.badAnswer("domain.create returned no domid");
  }
  if (!o->quiet) {
    ctx.out() << "Started domain " << name << " (id=" << domid << ")\n";
  }
  // A viewer that cannot start fails xm, but the domain runs (and a -c
  // console still attaches and unpauses it); xm vncviewer can try again.
  int viewerRc = o->vncviewer ? runVncViewer(ctx, name, o->vncviewerAutopass, true) : 0;
  if (!o->console) {
    return viewerRc;
  }
  std::function<int()> after;
  if (!o->paused) {
    after = [&ctx, name] { return unpause(ctx, name, true); };
  }
  return attachConsole(ctx, name, false, after);
}

}  // namespace

int cmdCreate(Ctx& ctx, const Args& args) { return createOrNew(ctx, args, true); }
int cmdNew(Ctx& ctx, const Args& args) { return createOrNew(ctx, args, false); }

int cmdStart(Ctx& ctx, const Args& args) {
  auto p =
      pyGnuGetopt(args, "cp", {"console_autoconnect", "paused", "vncviewer", "vncviewer-autopass"});
  if (!p) {
    return ctx.usageError(p.error());
  }
  if (p->params.size() != 1) {
    return ctx.optionError("Expects 1 argument");
  }
  bool paused = p->has("-p", "--paused");
  bool console = p->has("-c", "--console_autoconnect");
  const std::string& dom = p->params[0];
  auto r = ctx.call("domain.start", {{"dom", dom}, {"paused", paused || console}}, true);
  if (!r) {
    return ctx.rpcFailed(r.error());
  }
  if (!r->is_object() || !r->contains("domid") || !(*r)["domid"].is_number_integer() ||
      (*r)["domid"].get<int64_t>() < 0) {
    return ctx.usageError("Domain '" + dom + "' is not started");
  }
  int viewerRc = p->has("", "--vncviewer")
                     ? runVncViewer(ctx, dom, p->has("", "--vncviewer-autopass"), true)
                     : 0;
  if (!console) {
    return viewerRc;
  }
  std::function<int()> after;
  if (!paused) {
    after = [&ctx, dom] { return unpause(ctx, dom, false); };
  }
  return attachConsole(ctx, dom, false, after);
}

}  // namespace xenia::xm
