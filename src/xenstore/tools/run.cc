// The xenstore-* tools' whole run (shared by the host binary and the guest's
// static one): parse, connect, perform the mode (inside a transaction
// retried on EAGAIN where Xen's tools use one), print.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "xenstore/client/client.h"
#include "xenstore/tools/cli.h"
#include "xenstore/tools/modes.h"
#include "xenstore/tools/report.h"
#include "xenstore/tools/run.h"

namespace xenia::xs::tools {

int runTool(int argc, char** argv) {
  auto parsed = parseCommandLine(argc, argv);
  if (!parsed) {
    return 1;
  }
  Options& o = *parsed;
  if (o.mode == Mode::Ls) {
    // On a terminal ls fits its lines to the width (even with -f, as Xen's does).
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
      o.maxWidth = ws.ws_col - 2;
    }
  }
  auto client = Client::open();
  if (!client) {
    warnErrno(client.error(), "xs_open");
    return 1;
  }
  Client& xs = **client;
  const bool transaction = usesTransaction(o);
  std::string out;
  int ret = 0;
  // Xen's tools retry an EAGAIN commit without limit; a large bound is the same in practice.
  for (int attempt = 0;; ++attempt) {
    TxId tx = kNoTx;
    if (transaction) {
      auto t = xs.transactionStart();
      if (!t) {
        warnx("couldn't start transaction");
        return 1;
      }
      tx = *t;
    }
    out.clear();
    Outcome r = perform(xs, tx, o, out);
    if (r == Outcome::Fatal) {
      std::fflush(stdout);
      return 1;
    }
    ret = r == Outcome::Ok ? 0 : 1;
    if (transaction) {
      auto end = xs.transactionEnd(tx, ret == 0);
      if (!end) {
        if (ret == 0 && end.error() == Err::EAGAIN_ && attempt < 10000) {
          continue;
        }
        warnx("couldn't end transaction");
        return 1;
      }
    }
    break;
  }
  if (!out.empty()) {
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  return ret;
}

}  // namespace xenia::xs::tools
