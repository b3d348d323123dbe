// xenia-guest-xs: xenstore-read/-write/-ls/-rm/-watch (and -list, -exists,
// -chmod) inside a guest, by argv[0] like the host's tools. Without
// $XENSTORED_PATH it takes the first virtio-serial port org.xenproject.xenstore
// (.1, .2 ...) no other tool holds, resets the session a previous tool may
// have left on it, and runs the same code as the host tools over it.
// Relative paths are under the domain's /local/domain/<domid>, as xenstored
// treats the port as the domain.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "xenstore/guest/port.h"
#include "xenstore/tools/run.h"

int main(int argc, char** argv) {
  using namespace xenia::xs;
  if (!std::getenv("XENSTORED_PATH")) {
    // The first port no other tool holds (a running xenstore-watch keeps one).
    std::string chosen;
    int busy = 0;
    for (int i = 0; i < guest::kMaxPorts && chosen.empty(); ++i) {
      std::string port = guest::findPort("/dev", "/sys/class/virtio-ports", guest::portName(i));
      if (port.empty()) {
        continue;
      }
      int e = guest::resetSession(port);
      if (e == EBUSY) {
        ++busy;
        continue;
      }
      if (e != 0) {
        std::fprintf(stderr, "%s: %s: %s\n", argv[0], port.c_str(), std::strerror(e));
        return 1;
      }
      chosen = port;
    }
    if (chosen.empty()) {
      std::fprintf(stderr,
                   busy ? "%s: every XenStore port (%s...) is in use by another tool\n"
                        : "%s: no virtio-serial port %s (is virtio_console loaded?)\n",
                   argv[0], guest::kPortName);
      return 1;
    }
    ::setenv("XENSTORED_PATH", chosen.c_str(), 1);
  }
  return tools::runTool(argc, argv);
}
