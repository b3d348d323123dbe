// xm vncviewer [--autopass] [--print] <Domain> (X40 main.py xm_vncviewer,
// plus --print), xm vnc-list [Domain...] (Xenia's: every domain's VNC
// address, instead of ps | grep qemu-dm and netstat) and xm send-keys
// <Domain> <Keys>... (QMP send-key for combinations a desktop would
// swallow, e.g. ctrl-alt-f2). docs/design/consoles-vnc.md.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "xm/ctx.h"
#include "xm/getopt.h"
#include "xm/handlers.h"
#include "xm/vnc_format.h"

namespace xenia::xm {

namespace {

Expected<std::vector<VncRow>, int> vncRows(Ctx& ctx, const Args& doms, bool password) {
  Json params{{"password", password}};
  if (!doms.empty()) {
    params["doms"] = doms;
  }
  auto r = ctx.call("domain.vnc", params);
  if (!r) {
    return unexpected(ctx.rpcFailed(r.error()));
  }
  auto rows = vncRowsFromResult(*r);
  if (!rows) {
    return unexpected(ctx.badAnswer(rows.error()));
  }
  return std::move(*rows);
}

// Replaces xm with the viewer ($VNCVIEWER, else vncviewer from $PATH); no
// shell. With autopass the password goes to the viewer's stdin (-autopass,
// as TightVNC and TigerVNC read it).
int execViewer(Ctx& ctx, const VncRow& r, bool autopass) {
  const char* env = std::getenv("VNCVIEWER");
  std::string viewer = env && *env ? env : "vncviewer";
  bool v6 = r.host.find(':') != std::string::npos;
  std::string target = (v6 ? "[" + r.host + "]" : r.host) + "::" + std::to_string(*r.port);
  std::vector<std::string> argv = {viewer, target};
  if (autopass && r.password) {
    int fds[2];
    if (::pipe(fds) != 0) {
      ctx.error(std::string("pipe: ") + std::strerror(errno));
      return 1;
    }
    std::string pw = *r.password + "\n";
    // A password is at most a few bytes: it fits the pipe without a reader.
    ssize_t n = ::write(fds[1], pw.data(), pw.size());
    ::close(fds[1]);
    if (n != static_cast<ssize_t>(pw.size()) || ::dup2(fds[0], 0) < 0) {
      ctx.error("Cannot pass the password to the viewer.");
      return 1;
    }
    ::close(fds[0]);
    argv.push_back("-autopass");
  }
  std::vector<char*> cargv;
  for (auto& a : argv) {
    cargv.push_back(a.data());
  }
  cargv.push_back(nullptr);
  ctx.out().flush();
  ::execvp(cargv[0], cargv.data());
  ctx.error("Cannot run " + viewer + ": " + std::strerror(errno) +
            " (install a VNC viewer, set $VNCVIEWER, or use --print).");
  return 1;
}

}  // namespace

int cmdVncviewer(Ctx& ctx, const Args& args) {
  auto p = pyGnuGetopt(args, "", {"autopass", "vncviewer-autopass", "print"});
  if (!p) {
    return ctx.usageError(p.error());
  }
  if (p->params.size() != 1) {
    return ctx.usageError("No domain given");
  }
  bool autopass = p->has("", "--autopass") || p->has("", "--vncviewer-autopass");
  auto rows = vncRows(ctx, {p->params[0]}, autopass);
  if (!rows) {
    return rows.error();
  }
  if (rows->size() != 1) {
    return ctx.badAnswer("expected one domain for '" + p->params[0] + "'");
  }
  const VncRow& r = rows->front();
  if (!r.port) {
    ctx.error("Domain '" + r.name + "' has no VNC display.");
    return 1;
  }
  if (p->has("", "--print")) {
    ctx.out() << vncAddress(r) << "\n";
    return 0;
  }
  return execViewer(ctx, r, autopass);
}

int cmdVncList(Ctx& ctx, const Args& args) {
  auto rows = vncRows(ctx, args, false);
  if (!rows) {
    return rows.error();
  }
  ctx.out() << formatVncList(*rows);
  return 0;
}

int cmdSendKeys(Ctx& ctx, const Args& args) {
  if (args.size() < 2) {
    return ctx.usageError("'xm send-keys' requires a domain and at least one key combination.");
  }
  Json keys = Json::array();
  for (size_t i = 1; i < args.size(); ++i) {
    keys.push_back(args[i]);
  }
  auto r = ctx.call("domain.send_keys", {{"dom", args[0]}, {"keys", keys}});
  return r ? 0 : ctx.rpcFailed(r.error());
}

}  // namespace xenia::xm
