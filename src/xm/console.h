// xm console: the terminal side of a domain's serial console, as xenconsole
// was. Bytes go both ways between the terminal and xend's console socket;
// Ctrl-] (0x1d) detaches. A terminal on stdin is put in raw mode for the
// session and restored however the session ends.
#pragma once

#include <string>

#include "xm/ctx.h"

namespace xenia::xm {

inline constexpr char kConsoleEscape = 0x1d;  // Ctrl-]

// Copies until the socket closes (the domain went away: 0), the user types
// Ctrl-] (0), a signal (0) or an I/O error (1, with the reason in *error).
int runConsole(int sockFd, int inFd, int outFd, std::string* error);

// Looks up the domain's console socket (domain.console), connects, runs
// `afterConnect` (create/start use it to unpause only once the console is
// attached, so no early output is missed; nullptr for none) and then the
// session. quiet: fail silently with status 1 (xm console -q).
int attachConsole(Ctx& ctx, const std::string& dom, bool quiet,
                  const std::function<int()>& afterConnect = nullptr);

}  // namespace xenia::xm
