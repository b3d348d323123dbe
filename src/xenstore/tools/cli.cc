// Mode selection, getopt_long option parsing and usage messages (see cli.h).
#include "xenstore/tools/cli.h"

#include <getopt.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "xenstore/tools/report.h"

namespace xenia::xs::tools {
namespace {

std::optional<Mode> lookupMode(std::string_view m) {
  static constexpr std::pair<std::string_view, Mode> kModes[] = {
      {"read", Mode::Read},   {"chmod", Mode::Chmod}, {"exists", Mode::Exists},
      {"list", Mode::List},   {"ls", Mode::Ls},       {"rm", Mode::Rm},
      {"write", Mode::Write}, {"watch", Mode::Watch},
  };
  for (const auto& [name, mode] : kModes) {
    if (m == name) {
      return mode;
    }
  }
  return std::nullopt;
}

// Prints the usage line. inclMode: the mode was given as argv[1] ("xenstore read").
void usage(Mode mode, bool inclMode, const char* progname) {
  auto m = [&](const char* name) { return inclMode ? name : ""; };
  switch (mode) {
    case Mode::Unknown:
      warnx("Usage: %s <mode> [-h] [...]", progname);
      return;
    case Mode::Read:
      warnx("Usage: %s %s[-h] [-p] [-s] [-R] key [...]", progname, m("read "));
      return;
    case Mode::Write:
      warnx("Usage: %s %s[-h] [-s] [-R] key value [...]", progname, m("write "));
      return;
    case Mode::Rm:
      warnx("Usage: %s %s[-h] [-s] [-t] key [...]", progname, m("rm "));
      return;
    case Mode::Exists:
      warnx("Usage: %s %s[-h] [-p] [-s] key [...]", progname, m("exists "));
      return;
    case Mode::List:
      warnx("Usage: %s %s[-h] [-p] [-s] key [...]", progname, m("list "));
      return;
    case Mode::Ls:
      warnx("Usage: %s %s[-h] [-f] [-p] [-s] [path]", progname, m("ls "));
      return;
    case Mode::Chmod:
      warnx("Usage: %s %s[-h] [-u] [-r] [-s] key <mode [modes...]>", progname, m("chmod "));
      return;
    case Mode::Watch:
      warnx("Usage: %s %s[-h] [-n NR] key", progname, m("watch "));
      return;
  }
}

}  // namespace

std::optional<Options> parseCommandLine(int argc, char** argv) {
  Options o;
  const char* slash = std::strrchr(argv[0], '/');
  std::string_view command = slash ? slash + 1 : argv[0];
  int switchArgv;  // which argv element named the mode
  constexpr std::string_view kPrefix = "xenstore-";
  if (command.substr(0, kPrefix.size()) == kPrefix) {
    switchArgv = 0;
    command.remove_prefix(kPrefix.size());
  } else if (argc < 2) {
    usage(Mode::Unknown, false, argv[0]);
    return std::nullopt;
  } else {
    command = argv[1];
    switchArgv = 1;
  }
  auto mode = lookupMode(command);
  if (!mode) {
    // Xen's message ends in "\n" too, which makes an empty line.
    warnx("unknown mode %.*s\n", static_cast<int>(command.size()), command.data());
    return std::nullopt;
  }
  o.mode = *mode;
  bool incl = switchArgv == 1;

  static const option kLongOptions[] = {
      {"help", 0, nullptr, 'h'},    {"flat", 0, nullptr, 'f'},   {"prefix", 0, nullptr, 'p'},
      {"tidy", 0, nullptr, 't'},    {"upto", 0, nullptr, 'u'},   {"recurse", 0, nullptr, 'r'},
      {"number", 1, nullptr, 'n'},  {"raw", 0, nullptr, 'R'},    {nullptr, 0, nullptr, 0},
  };
  int subArgc = argc - switchArgv;
  char** subArgv = argv + switchArgv;
  auto bad = [&] {
    usage(o.mode, incl, argv[0]);
    return std::nullopt;
  };
  for (;;) {
    int index = 0;
    int c = getopt_long(subArgc, subArgv, "hfspturn:R", kLongOptions, &index);
    if (c == -1) {
      break;
    }
    switch (c) {
      case 'h':
        return bad();
      case 'f':
        if (o.mode != Mode::Ls) {
          return bad();
        }
        o.maxWidth = INT_MAX / 2;
        o.desiredWidth = 0;
        o.wholePath = true;
        break;
      case 'p':
        if (o.mode != Mode::Read && o.mode != Mode::List && o.mode != Mode::Ls) {
          return bad();
        }
        o.prefix = true;
        break;
      case 't':
        if (o.mode != Mode::Rm) {
          return bad();
        }
        o.tidy = true;
        break;
      case 'u':
        if (o.mode != Mode::Chmod) {
          return bad();
        }
        o.upto = true;
        break;
      case 'r':
        if (o.mode != Mode::Chmod) {
          return bad();
        }
        o.recurse = true;
        break;
      case 'n':
        if (o.mode != Mode::Watch) {
          return bad();
        }
        o.nrWatches = std::atoi(optarg);
        break;
      case 'R':
        if (o.mode != Mode::Read && o.mode != Mode::Write) {
          return bad();
        }
        o.raw = true;
        break;
      default:
        break;  // -s (always a socket here) and unknown options are ignored, as in Xen
    }
  }
  int operands = subArgc - optind;
  if (o.mode == Mode::Write && operands % 2 == 1) {
    return bad();
  }
  if (o.mode != Mode::Ls && operands == 0) {
    return bad();
  }
  for (int i = optind; i < subArgc; ++i) {
    o.args.emplace_back(subArgv[i]);
  }
  return o;
}

}  // namespace xenia::xs::tools
