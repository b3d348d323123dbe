// xenia-guest-xs: xenstore-read/-write/-ls/-rm/-watch (and -list, -exists,
// -chmod) inside a guest, by argv[0] like the host's tools. Without
// $XENSTORED_PATH it finds the virtio-serial port org.xenproject.xenstore,
// resets the session a previous tool may have left on it, and runs the same
// code as the host tools over it. Relative paths are under the domain's
// /local/domain/<domid>, as xenstored treats the port as the domain.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "xenstore/guest/port.h"
#include "xenstore/tools/run.h"

int main(int argc, char** argv) {
  using namespace xenia::xs;
  if (!std::getenv("XENSTORED_PATH")) {
    std::string port = guest::findPort();
    if (port.empty()) {
      std::fprintf(stderr, "%s: no virtio-serial port %s (is virtio_console loaded?)\n",
                   argv[0], guest::kPortName);
      return 1;
    }
    if (int e = guest::resetSession(port); e != 0) {
      std::fprintf(stderr, "%s: %s: %s\n", argv[0], port.c_str(), std::strerror(e));
      return 1;
    }
    ::setenv("XENSTORED_PATH", port.c_str(), 1);
  }
  return tools::runTool(argc, argv);
}
