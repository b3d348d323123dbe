// xenia-xs: the privileged XenStore requests that xenstore-utils has no tool
// for (INTRODUCE, RELEASE, RESUME, IS_DOMAIN_INTRODUCED, GET_DOMAIN_PATH,
// SET_TARGET, CONTROL), for scripts and the demo. Connects like libxenstore
// ($XENSTORED_PATH, $XENSTORED_RUNDIR/socket, /var/run/xenstored/socket).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "xenstore/client/client.h"

using namespace xenia::xs;

namespace {

int fail(const char* what, Err e) {
  std::fprintf(stderr, "xenia-xs: %s failed: %s\n", what, std::string(errName(e)).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"xenia-xs: privileged XenStore requests (domains, CONTROL)"};
  app.require_subcommand(1);
  uint32_t domid = 0;
  uint32_t target = 0;
  uint64_t gfn = 0;
  uint32_t evtchn = 0;
  std::vector<std::string> controlArgs;

  auto* intro = app.add_subcommand("introduce", "INTRODUCE a domain (creates its guest socket)");
  intro->add_option("domid", domid)->required();
  intro->add_option("--gfn", gfn, "ring frame (ignored by Xenia's xenstored)");
  intro->add_option("--evtchn", evtchn, "event channel (ignored by Xenia's xenstored)");
  auto* rel = app.add_subcommand("release", "RELEASE a domain");
  rel->add_option("domid", domid)->required();
  auto* res = app.add_subcommand("resume", "RESUME a domain");
  res->add_option("domid", domid)->required();
  auto* isIntro = app.add_subcommand("introduced", "print T or F (IS_DOMAIN_INTRODUCED)");
  isIntro->add_option("domid", domid)->required();
  auto* path = app.add_subcommand("domain-path", "print GET_DOMAIN_PATH");
  path->add_option("domid", domid)->required();
  auto* tgt = app.add_subcommand("set-target", "SET_TARGET: domid acts for target");
  tgt->add_option("domid", domid)->required();
  tgt->add_option("target", target)->required();
  auto* ctl = app.add_subcommand("control", "send a CONTROL command, print the reply");
  ctl->add_option("args", controlArgs)->required();
  CLI11_PARSE(app, argc, argv);

  auto client = Client::open();
  if (!client) {
    std::fprintf(stderr, "xenia-xs: cannot connect to %s: %s\n", daemonSocketPath().c_str(),
                 std::strerror(client.error()));
    return 1;
  }
  Client& xs = **client;
  if (intro->parsed()) {
    auto r = xs.introduce(domid, gfn, evtchn);
    return r ? 0 : fail("INTRODUCE", r.error());
  }
  if (rel->parsed()) {
    auto r = xs.release(domid);
    return r ? 0 : fail("RELEASE", r.error());
  }
  if (res->parsed()) {
    auto r = xs.resume(domid);
    return r ? 0 : fail("RESUME", r.error());
  }
  if (isIntro->parsed()) {
    auto r = xs.isDomainIntroduced(domid);
    if (!r) {
      return fail("IS_DOMAIN_INTRODUCED", r.error());
    }
    std::printf("%s\n", *r ? "T" : "F");
    return 0;
  }
  if (path->parsed()) {
    auto r = xs.getDomainPath(domid);
    if (!r) {
      return fail("GET_DOMAIN_PATH", r.error());
    }
    std::printf("%s\n", r->c_str());
    return 0;
  }
  if (tgt->parsed()) {
    auto r = xs.setTarget(domid, target);
    return r ? 0 : fail("SET_TARGET", r.error());
  }
  auto r = xs.control(controlArgs);
  if (!r) {
    return fail("CONTROL", r.error());
  }
  std::fwrite(r->data(), 1, r->size(), stdout);
  if (!r->empty() && r->back() != '\n') {
    std::putchar('\n');
  }
  return 0;
}
