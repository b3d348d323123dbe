// xm vncviewer [--autopass] [--print] <Domain> (X40 main.py xm_vncviewer,
// plus --print), xm vnc-list [Domain...] (Xenia's: every domain's VNC
// address, instead of ps | grep qemu-dm and netstat) and xm send-keys
// <Domain> <Keys>... (QMP send-key for combinations a desktop would
// swallow, e.g. ctrl-alt-f2); the viewer launch xm create --vncviewer
// shares (vnc_viewer.h). docs/design/consoles-vnc.md.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "xm/ctx.h"
#include "xm/getopt.h"
#include "xm/handlers.h"
#include "xm/vnc_format.h"
#include "xm/vnc_viewer.h"

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

// The viewer's argv and what goes to its stdin (the password with autopass).
struct ViewerCall {
  std::vector<std::string> argv;
  std::optional<std::string> stdinText;
};
ViewerCall viewerCall(const VncRow& r, bool autopass) {
  const char* env = std::getenv("VNCVIEWER");
  ViewerCall c;
  c.argv.push_back(env && *env ? env : "vncviewer");
  bool v6 = r.host.find(':') != std::string::npos;
  c.argv.push_back((v6 ? "[" + r.host + "]" : r.host) + "::" + std::to_string(*r.port));
  if (autopass && r.password) {
    c.argv.push_back("-autopass");
    c.stdinText = *r.password + "\n";
  }
  return c;
}

// A pipe already holding `text` (a password is a few bytes: it fits without a
// reader); the read end, or -1.
int pipeWith(const std::string& text) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return -1;
  }
  ssize_t n = ::write(fds[1], text.data(), text.size());
  ::close(fds[1]);
  if (n != static_cast<ssize_t>(text.size())) {
    ::close(fds[0]);
    return -1;
  }
  return fds[0];
}

// Becomes the viewer; returns errno when that failed.
int execViewer(ViewerCall& c) {
  std::vector<char*> cargv;
  for (auto& a : c.argv) {
    cargv.push_back(a.data());
  }
  cargv.push_back(nullptr);
  ::execvp(cargv[0], cargv.data());
  return errno;
}

std::string cannotRun(const ViewerCall& c, int err) {
  return "Cannot run " + c.argv[0] + ": " + std::strerror(err) +
         " (install a VNC viewer, set $VNCVIEWER, or use xm vncviewer --print).";
}

// Xen's utils.daemonize: a grandchild in its own session, so the viewer
// outlives xm and is nobody's zombie; an exec failure comes back on a
// close-on-exec pipe.
int startDetached(Ctx& ctx, ViewerCall& c, int stdinFd) {
  int errPipe[2];
  if (::pipe2(errPipe, O_CLOEXEC) != 0) {
    ctx.error(std::string("pipe: ") + std::strerror(errno));
    return 1;
  }
  ctx.out().flush();
  pid_t child = ::fork();
  if (child < 0) {
    ctx.error(std::string("fork: ") + std::strerror(errno));
    ::close(errPipe[0]);
    ::close(errPipe[1]);
    return 1;
  }
  if (child == 0) {
    ::setsid();
    if (::fork() != 0) {
      ::_exit(0);
    }
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(stdinFd >= 0 ? stdinFd : null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    if (::chdir("/") != 0) {
      ::_exit(127);
    }
    int e = execViewer(c);
    [[maybe_unused]] ssize_t n = ::write(errPipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(errPipe[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  int err = 0;
  ssize_t n;
  do {
    n = ::read(errPipe[0], &err, sizeof err);
  } while (n < 0 && errno == EINTR);
  ::close(errPipe[0]);
  if (n == static_cast<ssize_t>(sizeof err)) {
    ctx.error(cannotRun(c, err));
    return 1;
  }
  return 0;
}

// The domain's VNC record (with its password when asked), or the exit code
// after an error.
Expected<VncRow, int> vncRowOf(Ctx& ctx, const std::string& dom, bool password) {
  auto rows = vncRows(ctx, {dom}, password);
  if (!rows) {
    return unexpected(rows.error());
  }
  if (rows->size() != 1) {
    return unexpected(ctx.badAnswer("expected one domain for '" + dom + "'"));
  }
  const VncRow& r = rows->front();
  if (!r.port) {
    ctx.error("Domain '" + r.name + "' has no VNC display.");
    return unexpected(1);
  }
  return r;
}

int launch(Ctx& ctx, const VncRow& r, bool autopass, bool detach) {
  ViewerCall c = viewerCall(r, autopass);
  int stdinFd = -1;
  if (c.stdinText) {
    stdinFd = pipeWith(*c.stdinText);
    if (stdinFd < 0) {
      ctx.error("Cannot pass the password to the viewer.");
      return 1;
    }
  }
  if (detach) {
    int rc = startDetached(ctx, c, stdinFd);
    if (stdinFd >= 0) {
      ::close(stdinFd);
    }
    return rc;
  }
  if (stdinFd >= 0 && ::dup2(stdinFd, 0) < 0) {
    ctx.error("Cannot pass the password to the viewer.");
    return 1;
  }
  ctx.out().flush();
  ctx.error(cannotRun(c, execViewer(c)));
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
  auto r = vncRowOf(ctx, p->params[0], autopass);
  if (!r) {
    return r.error();
  }
  if (p->has("", "--print")) {
    ctx.out() << vncAddress(*r) << "\n";
    return 0;
  }
  return launch(ctx, *r, autopass, false);
}

int runVncViewer(Ctx& ctx, const std::string& dom, bool autopass, bool detach) {
  auto r = vncRowOf(ctx, dom, autopass);
  return r ? launch(ctx, *r, autopass, detach) : r.error();
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
