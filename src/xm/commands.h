// xm's command table: every subcommand of xm 4.0 (main.py `commands` and
// IMPORTED_COMMANDS) with its argument string and description verbatim from
// SUBCOMMAND_HELP, its option help (SUBCOMMAND_OPTIONS) and our handler.
// Lookup follows xm_lookup_cmd: exact name, deprecated alias, then a
// unique prefix of two or more characters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xenia::xm {

class Ctx;
using Handler = int (*)(Ctx& ctx, const std::vector<std::string>& args);

struct OptionHelp {
  const char* shortOpt;  // "-l" or ""
  const char* longOpt;   // "--long" or ""
  const char* desc;
};

struct Command {
  const char* name;
  const char* args;  // nullptr: xm had no help entry (not listed by `xm help`)
  const char* help;
  Handler handler;  // nullptr: not implemented by this xm
  std::vector<OptionHelp> options;
};

const std::vector<Command>& commandTable();
const Command* findCommand(std::string_view name);  // exact name only

// Commands in the order `xm help` lists them (main.py all_commands) and the
// shorter list plain `xm` prints (common_commands).
const std::vector<const char*>& allCommandOrder();
const std::vector<const char*>& commonCommandOrder();

struct Lookup {
  const Command* cmd = nullptr;
  const char* aliasOf = nullptr;  // set when `name` was a deprecated alias
  bool help = false;              // `xm help`
};
// What xm_lookup_cmd would run for `name`; cmd == nullptr and !help means
// "Subcommand not found".
Lookup lookupCommand(std::string_view name);

// "Command balloon is deprecated.  Please use xm mem-set instead."
std::string deprecationMessage(std::string_view alias, std::string_view target);

// Help texts (stdout). shortHelp: plain `xm`; longHelp: `xm help`;
// commandHelp: `xm <cmd> --help` and the usage printed after errors.
std::string shortHelp();
std::string longHelp();
std::string commandHelp(std::string_view name);
// opts.py wrap(): split at words so lines stay under width.
std::vector<std::string> pyWrap(const std::string& text, size_t width);

}  // namespace xenia::xm
