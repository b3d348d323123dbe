// xenstore: our multi-call XenStore tool. Run as xenstore-read, -write, -ls,
// -list, -rm, -chmod, -watch or -exists (or "xenstore <mode> ..."); options,
// output and exit codes are those of Debian's xenstore-utils.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "xenstore/client/client.h"
#include "xenstore/tools/cli.h"
#include "xenstore/tools/modes.h"
#include "xenstore/tools/report.h"

using namespace xenia::xs;
using namespace xenia::xs::tools;

int main(int argc, char** argv) {
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
