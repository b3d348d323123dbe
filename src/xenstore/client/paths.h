// Where a XenStore client finds its daemon, and the path rules the client
// needs locally. Pure functions (the environment is passed in or read once).
#pragma once

#include <string>
#include <string_view>

namespace xenia::xs {

inline constexpr std::string_view kDefaultRunDir = "/var/run/xenstored";

// libxenstore's xs_daemon_socket(): $XENSTORED_PATH, else
// $XENSTORED_RUNDIR/socket, else /var/run/xenstored/socket.
std::string daemonSocketPath();
// The same rule with the variables given (nullptr = unset), for tests.
std::string daemonSocketPath(const char* xenstoredPath, const char* xenstoredRunDir);

// libxenstore's xs_domain_dev() on Linux: $XENSTORED_PATH, else
// /dev/xen/xenbus if it exists, else /proc/xen/xenbus.
std::string domainDevPath();

// True if an event on eventPath belongs to a watch on watchPath: equal, or
// below it ("/a" covers "/a/b" but not "/ab"; "/" covers every absolute path).
bool watchCovers(std::string_view watchPath, std::string_view eventPath);

}  // namespace xenia::xs
