// xm console [-q] <Domain> (X40 main.py xm_console).
#include "xm/console.h"
#include "xm/getopt.h"
#include "xm/handlers.h"

namespace xenia::xm {

int cmdConsole(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 1, 3)) {
    return rc;
  }
  auto p = pyGnuGetopt(args, "qn:", {"quiet", "num"});
  if (!p) {
    return ctx.usageError(p.error());
  }
  bool quiet = p->has("-q", "--quiet");
  if (p->params.size() != 1) {
    return ctx.usageError("No domain given");
  }
  return attachConsole(ctx, p->params[0], quiet);
}

}  // namespace xenia::xm
