// Where xend's RPC socket lives: $XEND_SOCKET, else $XEND_RUNDIR/xend.sock,
// else /var/run/xend/xend.sock (docs/specs/xend-protocol.md).
#pragma once

#include <string>

namespace xenia::xend {

inline constexpr const char* kDefaultRunDir = "/var/run/xend";
inline constexpr const char* kSocketName = "xend.sock";

// Pure: the values of the two variables (nullptr or "" = unset).
std::string resolveSocketPath(const char* xendSocket, const char* xendRunDir);
// From this process's environment.
std::string socketPathFromEnv();

}  // namespace xenia::xend
