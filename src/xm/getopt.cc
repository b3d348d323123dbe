// A line-for-line port of CPython 2's getopt.py (getopt, gnu_getopt,
// do_longs, do_shorts, long_has_args, short_has_arg).
#include "xm/getopt.h"

#include <optional>

namespace xenia::xm {
namespace {

using Args = std::vector<std::string>;
using Opts = std::vector<std::pair<std::string, std::string>>;

Expected<bool, std::string> shortHasArg(char opt, const std::string& shortopts) {
  for (size_t i = 0; i < shortopts.size(); ++i) {
    if (opt == shortopts[i] && opt != ':') {
      return i + 1 < shortopts.size() && shortopts[i + 1] == ':';
    }
  }
  return unexpected(std::string("option -") + opt + " not recognized");
}

// Returns {hasArg, fullName}.
Expected<std::pair<bool, std::string>, std::string> longHasArgs(const std::string& opt,
                                                                const Args& longopts) {
  Args possible;
  for (const auto& o : longopts) {
    if (o.compare(0, opt.size(), opt) == 0) {
      possible.push_back(o);
    }
  }
  if (possible.empty()) {
    return unexpected("option --" + opt + " not recognized");
  }
  for (const auto& p : possible) {
    if (p == opt) {
      return std::pair<bool, std::string>{false, opt};
    }
  }
  for (const auto& p : possible) {
    if (p == opt + "=") {
      return std::pair<bool, std::string>{true, opt};
    }
  }
  if (possible.size() > 1) {
    return unexpected("option --" + opt + " not a unique prefix");
  }
  std::string match = possible[0];
  bool hasArg = !match.empty() && match.back() == '=';
  if (hasArg) {
    match.pop_back();
  }
  return std::pair<bool, std::string>{hasArg, match};
}

// Consumes args[i] (without its "--"); may consume args[i+1] as the value.
Expected<Ok, std::string> doLongs(Opts& opts, std::string opt, const Args& longopts,
                                  const Args& args, size_t& i) {
  std::optional<std::string> optarg;
  if (auto eq = opt.find('='); eq != std::string::npos) {
    optarg = opt.substr(eq + 1);
    opt.resize(eq);
  }
  auto h = longHasArgs(opt, longopts);
  if (!h) {
    return unexpected(h.error());
  }
  auto [hasArg, name] = *h;
  if (hasArg) {
    if (!optarg) {
      if (i + 1 >= args.size()) {
        return unexpected("option --" + name + " requires argument");
      }
      optarg = args[++i];
    }
  } else if (optarg) {
    return unexpected("option --" + name + " must not have an argument");
  }
  opts.emplace_back("--" + name, optarg.value_or(""));
  return Ok{};
}

Expected<Ok, std::string> doShorts(Opts& opts, std::string optstring, const std::string& shortopts,
                                   const Args& args, size_t& i) {
  while (!optstring.empty()) {
    char opt = optstring[0];
    optstring.erase(0, 1);
    auto h = shortHasArg(opt, shortopts);
    if (!h) {
      return unexpected(h.error());
    }
    std::string optarg;
    if (*h) {
      if (optstring.empty()) {
        if (i + 1 >= args.size()) {
          return unexpected(std::string("option -") + opt + " requires argument");
        }
        optstring = args[++i];
      }
      optarg = optstring;
      optstring.clear();
    }
    opts.emplace_back(std::string("-") + opt, optarg);
  }
  return Ok{};
}

bool startsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

}  // namespace

bool ParsedOpts::has(const std::string& shortName, const std::string& longName) const {
  for (const auto& [k, v] : opts) {
    if ((!shortName.empty() && k == shortName) || (!longName.empty() && k == longName)) {
      return true;
    }
  }
  return false;
}

Expected<ParsedOpts, std::string> pyGetopt(const Args& args, const std::string& shortopts,
                                           const Args& longopts) {
  ParsedOpts r;
  size_t i = 0;
  for (; i < args.size() && startsWith(args[i], "-") && args[i] != "-"; ++i) {
    if (args[i] == "--") {
      ++i;
      break;
    }
    auto ok = startsWith(args[i], "--") ? doLongs(r.opts, args[i].substr(2), longopts, args, i)
                                        : doShorts(r.opts, args[i].substr(1), shortopts, args, i);
    if (!ok) {
      return unexpected(ok.error());
    }
  }
  r.params.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return r;
}

Expected<ParsedOpts, std::string> pyGnuGetopt(const Args& args, const std::string& shortopts,
                                              const Args& longopts) {
  ParsedOpts r;
  std::string so = shortopts;
  bool allOptionsFirst = false;
  if (startsWith(so, "+")) {
    so.erase(0, 1);
    allOptionsFirst = true;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      r.params.insert(r.params.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                      args.end());
      break;
    }
    if (startsWith(a, "--")) {
      if (auto ok = doLongs(r.opts, a.substr(2), longopts, args, i); !ok) {
        return unexpected(ok.error());
      }
    } else if (startsWith(a, "-") && a != "-") {
      if (auto ok = doShorts(r.opts, a.substr(1), so, args, i); !ok) {
        return unexpected(ok.error());
      }
    } else if (allOptionsFirst) {
      r.params.insert(r.params.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    } else {
      r.params.push_back(a);
    }
  }
  return r;
}

}  // namespace xenia::xm
