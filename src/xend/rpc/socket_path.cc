// Socket path resolution; the environment is read only by socketPathFromEnv.
#include "xend/rpc/socket_path.h"

#include <cstdlib>

namespace xenia::xend {

std::string resolveSocketPath(const char* xendSocket, const char* xendRunDir) {
  if (xendSocket != nullptr && *xendSocket != '\0') {
    return xendSocket;
  }
  std::string dir = (xendRunDir != nullptr && *xendRunDir != '\0') ? xendRunDir : kDefaultRunDir;
  if (dir.size() > 1 && dir.back() == '/') {
    dir.pop_back();
  }
  return dir + "/" + kSocketName;
}

std::string socketPathFromEnv() {
  return resolveSocketPath(std::getenv("XEND_SOCKET"), std::getenv("XEND_RUNDIR"));
}

}  // namespace xenia::xend
