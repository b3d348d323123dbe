// Daemon socket resolution (libxenstore xs_lib.c rules) and watch path matching.
#include "xenstore/client/paths.h"

#include <unistd.h>

#include <cstdlib>

namespace xenia::xs {

std::string daemonSocketPath(const char* xenstoredPath, const char* xenstoredRunDir) {
  if (xenstoredPath) {
    return xenstoredPath;
  }
  std::string dir = xenstoredRunDir ? std::string(xenstoredRunDir) : std::string(kDefaultRunDir);
  return dir + "/socket";
}

std::string daemonSocketPath() {
  return daemonSocketPath(std::getenv("XENSTORED_PATH"), std::getenv("XENSTORED_RUNDIR"));
}

std::string domainDevPath() {
  if (const char* p = std::getenv("XENSTORED_PATH")) {
    return p;
  }
  if (::access("/dev/xen/xenbus", F_OK) == 0) {
    return "/dev/xen/xenbus";
  }
  return "/proc/xen/xenbus";
}

bool watchCovers(std::string_view watchPath, std::string_view eventPath) {
  if (watchPath == "/") {
    return !eventPath.empty() && eventPath[0] == '/';
  }
  if (eventPath.size() < watchPath.size() || eventPath.substr(0, watchPath.size()) != watchPath) {
    return false;
  }
  return eventPath.size() == watchPath.size() || eventPath[watchPath.size()] == '/';
}

}  // namespace xenia::xs
