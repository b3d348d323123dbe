// Running tc, nft, dnsmasq and hotplug scripts: fork + exec of an argv (never
// a shell), optional stdin text and environment, output captured (bounded).
#pragma once

#include <string>
#include <vector>

#include "common/expected.h"

namespace xenia::net {

struct RunResult {
  int status = 0;      // exit code, or 128 + signal
  std::string output;  // stdout and stderr, at most 64 KiB
};

// argv[0] without '/' is looked up in /usr/sbin:/usr/bin:/sbin:/bin. env
// empty = a minimal PATH only. Fails only when the program cannot run.
Expected<RunResult, std::string> runArgv(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& env = {},
                                         const std::string& stdinText = "", int timeoutMs = 30000);

// As runArgv, but a non-zero exit is an error carrying the output.
Expected<Ok, std::string> runOk(const std::vector<std::string>& argv,
                                const std::vector<std::string>& env = {},
                                const std::string& stdinText = "");

}  // namespace xenia::net
