// xm's main() (X40 main.py main, xm_lookup_cmd): help interception, command
// lookup with aliases and prefixes, then the handler.
#include "xm/run.h"

#include "xm/commands.h"

namespace xenia::xm {

int runXm(const std::vector<std::string>& argv, Env& env) {
  std::ostream& out = *env.out;
  std::ostream& err = *env.err;
  if (argv.empty()) {
    out << shortHelp();
    return 1;
  }
  // --help / -h anywhere: the command's usage (status 1, as usage() exits),
  // or the full list when it is the first word.
  for (const char* help : {"--help", "-h"}) {
    for (const auto& a : argv) {
      if (a == help) {
        if (argv[0] == help) {
          out << longHelp();
          return 0;
        }
        out << commandHelp(argv[0]);
        return 1;
      }
    }
  }
  Lookup l = lookupCommand(argv[0]);
  if (l.help) {
    out << longHelp();
    return 0;
  }
  if (l.aliasOf != nullptr) {
    err << deprecationMessage(argv[0], l.aliasOf) << "\n";
  }
  if (l.cmd == nullptr) {
    err << "Error: Subcommand " << argv[0] << " not found!\n";
    out << shortHelp();
    return 1;
  }
  if (l.cmd->handler == nullptr) {
    err << "Error: xm " << l.cmd->name << " is not supported by this version of xm.\n";
    return 1;
  }
  Ctx ctx(env, l.cmd->name);
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  int rc = l.cmd->handler(ctx, args);
  out.flush();
  err.flush();
  return rc;
}

}  // namespace xenia::xm
