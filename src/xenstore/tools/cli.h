// Command line of the xenstore-* tools: which mode (from argv[0] or the first
// argument), the options, and the usage texts — the same option set, parsing
// (glibc getopt_long) and messages as Xen 4.17's xenstore_client.c.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace xenia::xs::tools {

enum class Mode { Unknown, Chmod, Exists, List, Ls, Read, Rm, Write, Watch };

struct Options {
  Mode mode = Mode::Unknown;
  bool prefix = false;     // -p: read, list, ls
  bool tidy = false;       // -t: rm
  bool upto = false;       // -u: chmod
  bool recurse = false;    // -r: chmod
  bool raw = false;        // -R: read, write
  int nrWatches = -1;      // -n NR: watch
  // ls layout; -f switches to whole paths and no width limit.
  int maxWidth = 80;
  int desiredWidth = 60;
  bool wholePath = false;
  std::vector<std::string> args;  // operands after the options
};

// Parses argv. On a usage error or an unknown mode prints the message and
// returns nullopt (the tool then exits with status 1).
std::optional<Options> parseCommandLine(int argc, char** argv);

}  // namespace xenia::xs::tools
