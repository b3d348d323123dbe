// xm shutdown [-waRH] and xm reboot [-wa] (X40 xm/shutdown.py). -w polls
// domain.list once a second: a domain has terminated when no running domain
// has its name and domid any more (a halted managed domain stays listed but
// has no domid); it has rebooted when its name is back with another domid
// or start time (xend restarts a domain as a new one).
#include <chrono>
#include <map>

#include "xm/ctx.h"
#include "xm/format.h"
#include "xm/getopt.h"
#include "xm/handlers.h"

namespace xenia::xm {
namespace {

constexpr int kRecreatingTimeout = 30;  // polls, as RECREATING_TIMEOUT
const char* const kShutdownUse = "[options] [DOM]\n\nShutdown one or more domains gracefully.\n";

struct Instance {
  std::optional<int64_t> domid;
  std::optional<double> startTime;
};

// Opts.parse: getopt() again after every operand, so options and operands mix.
Expected<ParsedOpts, std::string> optsParse(Args args) {
  ParsedOpts all;
  while (!args.empty()) {
    auto r = pyGetopt(args, "hawHR", {"help", "all", "wait", "halt", "reboot"});
    if (!r) {
      return unexpected(r.error());
    }
    all.opts.insert(all.opts.end(), r->opts.begin(), r->opts.end());
    if (r->params.empty()) {
      break;
    }
    all.params.push_back(r->params.front());
    args.assign(r->params.begin() + 1, r->params.end());
  }
  return all;
}

// Running domains by name.
Expected<std::map<std::string, Instance>, int> running(Ctx& ctx) {
  auto r = ctx.call("domain.list");
  if (!r) {
    return unexpected(ctx.rpcFailed(r.error(), false));
  }
  auto rows = domainRowsFromResult(*r);
  if (!rows) {
    return unexpected(ctx.badAnswer(rows.error()));
  }
  std::map<std::string, Instance> m;
  for (const auto& d : *rows) {
    if (d.domid) {
      m[d.name] = Instance{d.domid, d.startTime};
    }
  }
  return m;
}

int waitShutdown(Ctx& ctx, std::vector<std::string> doms,
                 const std::map<std::string, Instance>& before) {
  while (!doms.empty()) {
    auto alive = running(ctx);
    if (!alive) {
      return alive.error();
    }
    std::vector<std::string> left;
    for (const auto& d : doms) {
      auto it = alive->find(d);
      auto was = before.find(d);
      bool same =
          it != alive->end() && was != before.end() && it->second.domid == was->second.domid;
      if (same) {
        left.push_back(d);
      } else {
        ctx.out() << "Domain " << d << " terminated\n";
      }
    }
    doms = std::move(left);
    ctx.out().flush();
    ctx.env().sleep(std::chrono::seconds(1));
  }
  ctx.out() << "All domains terminated\n";
  return 0;
}

int waitReboot(Ctx& ctx, std::vector<std::string> doms,
               const std::map<std::string, Instance>& before) {
  std::map<std::string, int> recreating;
  while (!doms.empty()) {
    auto alive = running(ctx);
    if (!alive) {
      return alive.error();
    }
    std::vector<std::string> left;
    for (const auto& d : doms) {
      auto it = alive->find(d);
      if (it != alive->end()) {
        const Instance& was = before.at(d);
        if (it->second.domid == was.domid && it->second.startTime == was.startTime) {
          left.push_back(d);
        } else {
          ctx.out() << "Domain " << d << " rebooted\n";
        }
        continue;
      }
      // Probably being recreated: give it a while.
      if (++recreating[d] > kRecreatingTimeout + 1) {
        ctx.out() << "Domain " << d << " destroyed for failing to reboot\n";
      } else {
        left.push_back(d);
      }
    }
    doms = std::move(left);
    ctx.out().flush();
    ctx.env().sleep(std::chrono::seconds(1));
  }
  ctx.out() << "All domains rebooted\n";
  return 0;
}

int shutdownMain(Ctx& ctx, const Args& argv) {
  auto p = optsParse(argv);
  if (!p) {
    int rc = ctx.usageError(p.error());
    ctx.out() << kShutdownUse << "\n";
    return rc;
  }
  if (p->has("-h", "--help")) {
    return 0;
  }
  bool all = p->has("-a", "--all");
  bool wait = p->has("-w", "--wait");
  bool halt = p->has("-H", "--halt");
  bool reboot = p->has("-R", "--reboot");
  if (!all) {
    if (p->params.empty()) {
      ctx.error("No domain parameter given");
      return 1;
    }
    if (p->params.size() > 1) {
      ctx.error("No multiple domain parameters allowed");
      return 1;
    }
  }
  auto before = running(ctx);
  if (!before) {
    return before.error();
  }
  std::vector<std::string> doms;
  if (all) {
    auto r = ctx.call("domain.list");
    if (!r) {
      return ctx.rpcFailed(r.error());
    }
    auto rows = domainRowsFromResult(*r);
    if (!rows) {
      return ctx.badAnswer(rows.error());
    }
    for (const auto& d : *rows) {
      if (d.domid && *d.domid != 0) {
        doms.push_back(d.name);
      }
    }
  } else {
    auto r = ctx.call("domain.list", {{"doms", Json::array({p->params[0]})}});
    if (!r) {
      return ctx.rpcFailed(r.error());
    }
    auto rows = domainRowsFromResult(*r);
    if (!rows || rows->size() != 1) {
      return ctx.badAnswer(rows ? "expected one domain" : rows.error());
    }
    doms.push_back(rows->front().name);
  }
  if (halt && reboot) {
    ctx.error("Can't specify halt and reboot");
    return 1;
  }
  const char* mode = halt ? "halt" : reboot ? "reboot" : "poweroff";
  for (const auto& d : doms) {
    auto r = ctx.call("domain.shutdown", {{"dom", d}, {"reason", mode}});
    if (!r) {
      return ctx.rpcFailed(r.error());
    }
  }
  if (!wait) {
    return 0;
  }
  if (reboot) {
    // Only domains that were running can be seen to come back.
    std::erase_if(doms, [&](const std::string& d) { return before->count(d) == 0; });
    return waitReboot(ctx, doms, *before);
  }
  return waitShutdown(ctx, doms, *before);
}

}  // namespace

int cmdShutdown(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 1, 4)) {
    return rc;
  }
  return shutdownMain(ctx, args);
}

int cmdReboot(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 1, 3)) {
    return rc;
  }
  Args argv = {"-R"};
  argv.insert(argv.end(), args.begin(), args.end());
  return shutdownMain(ctx, argv);
}

}  // namespace xenia::xm
