// Listening unix sockets for the daemon: the dom0 socket and one per guest.
// Refuses to steal a socket something still listens on; removes stale ones.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/expected.h"
#include "common/unique_fd.h"

namespace xenia::xs {

// mkdir -p with mode for the directories it creates (existing ones are left
// alone).
Expected<Ok, std::string> makeDirs(const std::string& path, mode_t mode);

// A non-blocking listening socket bound to path with the given file mode. A
// socket file left by a dead daemon is removed; a live one is an error.
Expected<UniqueFd, std::string> listenUnix(const std::string& path, mode_t mode);

// A blocking client connection (tests and tools); -1 on failure with errno set.
int connectUnix(const std::string& path);

std::string dirName(const std::string& path);

}  // namespace xenia::xs
