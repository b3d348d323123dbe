// Host commands: info (-c), log, dmesg (-c) (X40 main.py xm_info, xm_log,
// xm_dmesg).
#include "xm/ctx.h"
#include "xm/format.h"
#include "xm/getopt.h"
#include "xm/handlers.h"

namespace xenia::xm {
namespace {

Expected<std::string, int> textOf(Ctx& ctx, const Expected<Json, RpcError>& r) {
  if (!r) {
    return unexpected(ctx.rpcFailed(r.error()));
  }
  if (!r->is_object() || !r->contains("text") || !(*r)["text"].is_string()) {
    return unexpected(ctx.badAnswer("answer has no 'text'"));
  }
  return (*r)["text"].get<std::string>();
}

}  // namespace

int cmdInfo(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 0, 1)) {
    return rc;
  }
  auto p = pyGnuGetopt(args, "c", {"config"});
  if (!p) {
    return ctx.usageError(p.error());
  }
  bool config = p->has("-c", "--config");
  const char* key = config ? "config" : "info";
  auto r = ctx.call(config ? "host.config" : "host.info");
  if (!r) {
    return ctx.rpcFailed(r.error());
  }
  if (!r->is_object() || !r->contains(key)) {
    return ctx.badAnswer(std::string("answer has no '") + key + "'");
  }
  auto text = formatInfo((*r)[key], config ? kInfoConfigWidth : kInfoWidth);
  if (!text) {
    return ctx.badAnswer(text.error());
  }
  ctx.out() << *text;
  return 0;
}

int cmdLog(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 0)) {
    return rc;
  }
  auto text = textOf(ctx, ctx.call("host.log"));
  if (!text) {
    return text.error();
  }
  ctx.out() << *text << "\n";  // print adds one
  return 0;
}

int cmdDmesg(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 0, 1)) {
    return rc;
  }
  auto p = pyGnuGetopt(args, "c", {"clear"});
  if (!p) {
    return ctx.usageError(p.error());
  }
  if (!p->params.empty()) {
    return ctx.usageError("No parameter required");
  }
  auto text = textOf(ctx, ctx.call("host.dmesg", {{"clear", p->has("-c", "--clear")}}));
  if (!text) {
    return text.error();
  }
  ctx.out() << *text;  // `print x,`: no newline of its own
  return 0;
}

}  // namespace xenia::xm
