// Command lookup (xm_lookup_cmd) and the help texts (shortHelp, longHelp,
// cmdHelp of X40 main.py, with create's option list from create.py gopts).
#include "xm/commands.h"

#include <fmt/format.h>

#include <cctype>

#include "xm/text.h"

namespace xenia::xm {
namespace {

// SUBCOMMAND_HELP has 'help' although `commands` does not.
const Command kHelpEntry{"help", "", "Display this message.", nullptr, {}};

const Command* helpEntry(std::string_view name) {
  if (name == "help") {
    return &kHelpEntry;
  }
  const Command* c = findCommand(name);
  return (c != nullptr && c->args != nullptr) ? c : nullptr;
}

struct Alias {
  const char* name;
  const char* target;
};
constexpr Alias kAliases[] = {
    {"balloon", "mem-set"},         {"set-vcpus", "vcpu-set"},       {"vif-list", "network-list"},
    {"vbd-create", "block-attach"}, {"vbd-destroy", "block-detach"}, {"vbd-list", "block-list"},
};

const char* const kUsageHelp =
    "Usage: xm <subcommand> [args]\n\n"
    "Control, list, and manipulate Xen guest instances.\n";
const char* const kUsageFooter =
    "<Domain> can either be the Domain Name or Id.\n"
    "For more help on 'xm' see the xm(1) man page.\n"
    "For more help on 'xm create' see the xmdomain.cfg(5)  man page.\n";

std::vector<std::string> lineWrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  std::string current;
  size_t i = 0;
  auto trim = [](std::string s) {
    while (!s.empty() && s.back() == ' ') {
      s.pop_back();
    }
    return s;
  };
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    if (i >= text.size()) {
      break;
    }
    size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) {
      ++j;
    }
    std::string word = text.substr(i, j - i);
    i = j;
    if (current.size() + word.size() + 1 < width) {
      current += word + ' ';
    } else {
      lines.push_back(trim(current));
      current = word + ' ';
    }
  }
  if (!current.empty()) {
    lines.push_back(trim(current));
  }
  return lines;
}

// ' %-20s %-50s' per command, continuation lines indented 22.
std::string listCommands(const std::vector<const char*>& names) {
  std::string out;
  for (const char* name : names) {
    const Command* c = helpEntry(name);
    if (c == nullptr) {
      continue;
    }
    auto desc = pyWrap(c->help, 50);
    out += " " + padRight(name, 20) + " " + padRight(desc.empty() ? "" : desc[0], 50) + "\n";
    for (size_t i = 1; i < desc.size(); ++i) {
      out += std::string(22, ' ') + desc[i] + "\n";
    }
  }
  return out;
}

// create.py's gopts options as Opt.__str__ prints them (create.help()).
struct CreateOpt {
  const char* keys;
  const char* use;
};
constexpr CreateOpt kCreateOpts[] = {
    {"-h, --help", "Print this help."},
    {"--help_config",
     "Print the available configuration variables (vars) for the configuration script."},
    {"-q, --quiet", "Quiet."},
    {"--path=PATH",
     "Search path for configuration scripts. The value of PATH is a colon-separated directory "
     "list."},
    {"-f=FILE, --defconfig=FILE",
     "Use the given Python configuration script.The configuration script is loaded after "
     "arguments have been processed. Each command-line option sets a configuration variable "
     "named after its long option name, and these variables are placed in the environment of "
     "the script before it is loaded. Variables for options that may be repeated have list "
     "values. Other variables can be set using VAR=VAL on the command line. After the script is "
     "loaded, option values that were not set on the command line are replaced by the values "
     "set in the script."},
    {"-F=FILE, --config=FILE",
     "Domain configuration to use (SXP).\nSXP is the underlying configuration format used by "
     "Xen.\nSXP configurations can be hand-written or generated from Python configuration "
     "scripts, using the -n (dryrun) option to print the configuration."},
    {"-n, --dryrun",
     "Dry run - prints the resulting configuration in SXP but does not create the domain."},
    {"-x, --xmldryrun",
     "XML dry run - prints the resulting configuration in XML but does not create the domain."},
    {"-s, --skipdtd",
     "Skip DTD checking - skips checks on XML before creating.  Experimental.  Can decrease "
     "create time."},
    {"-p, --paused", "Leave the domain paused after it is created."},
    {"-c, --console_autoconnect", "Connect to the console after the domain is created."},
    {"--vncviewer", "Connect to the VNC display after the domain is created."},
    {"--vncviewer-autopass", "Pass VNC password to viewer via stdin and -autopass."},
};

std::string createOptionsHelp() {
  constexpr size_t kParamWidth = 20;
  std::string out = "\nOptions:\n\n";
  bool first = true;
  for (const auto& o : kCreateOpts) {
    std::string keys = o.keys;
    auto desc = pyWrap(o.use, 55);
    if (keys.size() > kParamWidth) {
      desc.insert(desc.begin(), "");
    }
    if (!first) {
      out += "\n";
    }
    first = false;
    out += padRight(keys, kParamWidth + 1);
    for (size_t i = 0; i < desc.size(); ++i) {
      if (i > 0) {
        out += "\n" + std::string(kParamWidth + 1, ' ');
      }
      out += desc[i];
    }
  }
  out += "\n";
  return out;
}

}  // namespace

std::vector<std::string> pyWrap(const std::string& text, size_t width) {
  if (text.size() < width) {
    return {text};
  }
  std::vector<std::string> lines;
  size_t start = 0;
  for (;;) {
    size_t nl = text.find('\n', start);
    auto part = lineWrap(text.substr(start, nl == std::string::npos ? nl : nl - start), width);
    lines.insert(lines.end(), part.begin(), part.end());
    if (nl == std::string::npos) {
      break;
    }
    start = nl + 1;
  }
  if (lines.empty()) {
    lines.emplace_back();
  }
  return lines;
}

const Command* findCommand(std::string_view name) {
  for (const auto& c : commandTable()) {
    if (name == c.name) {
      return &c;
    }
  }
  return nullptr;
}

Lookup lookupCommand(std::string_view name) {
  Lookup r;
  if ((r.cmd = findCommand(name)) != nullptr) {
    return r;
  }
  for (const auto& a : kAliases) {
    if (name == a.name) {
      r.cmd = findCommand(a.target);
      r.aliasOf = a.target;
      return r;
    }
  }
  if (name == "help") {
    r.help = true;
    return r;
  }
  // getopt-style prefix matching: only when exactly one command matches.
  if (name.size() > 1) {
    const Command* match = nullptr;
    int n = 0;
    for (const auto& c : commandTable()) {
      if (std::string_view(c.name).substr(0, name.size()) == name) {
        match = &c;
        ++n;
      }
    }
    if (n == 1) {
      r.cmd = match;
    }
  }
  return r;
}

std::string deprecationMessage(std::string_view alias, std::string_view target) {
  return fmt::format("Command {} is deprecated.  Please use xm {} instead.", alias, target);
}

std::string shortHelp() {
  std::string out = std::string(kUsageHelp) + "\n";
  out += "Common 'xm' commands:\n\n";
  out += listCommands(commonCommandOrder());
  out += "\n";
  out += std::string(kUsageFooter) + "\n";
  out += "For a complete list of subcommands run 'xm help'.\n";
  return out;
}

std::string longHelp() {
  std::string out = std::string(kUsageHelp) + "\n";
  out += "xm full list of subcommands:\n\n";
  out += listCommands(allCommandOrder());
  out += "\n";
  out += std::string(kUsageFooter) + "\n";
  return out;
}

std::string commandHelp(std::string_view name) {
  const Command* c = helpEntry(name);
  if (c == nullptr) {
    // xm took the first SUBCOMMAND_HELP key starting with the text.
    Lookup l = lookupCommand(name);
    c = l.cmd != nullptr ? helpEntry(l.cmd->name) : nullptr;
    for (size_t i = 0; c == nullptr && i < commandTable().size(); ++i) {
      const Command& t = commandTable()[i];
      if (std::string_view(t.name).substr(0, name.size()) == name) {
        c = helpEntry(t.name);
      }
    }
  }
  if (c == nullptr) {
    return shortHelp();
  }
  std::string out = fmt::format("Usage: xm {} {}\n\n{}\n", c->name, c->args, c->help);
  if (!c->options.empty()) {
    for (const auto& o : c->options) {
      std::string s = o.shortOpt, l = o.longOpt;
      std::string optdesc = (!s.empty() && !l.empty()) ? s + ", " + l : (!s.empty() ? s : l);
      auto desc = pyWrap(o.desc, 43);
      out += "  " + padRight(optdesc, 30) + " " + padRight(desc[0], 43) + "\n";
      for (size_t i = 1; i < desc.size(); ++i) {
        out += std::string(33, ' ') + desc[i] + "\n";
      }
    }
    out += "\n";
  } else if (std::string_view(c->name) == "create" || std::string_view(c->name) == "new") {
    out += createOptionsHelp() + "\n";
  }
  return out;
}

}  // namespace xenia::xm
