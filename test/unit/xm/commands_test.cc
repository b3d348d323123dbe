// The command table: prefix matching, aliases, help texts.
#include "xm/commands.h"

#include <gtest/gtest.h>

#include <set>

namespace xenia::xm {
namespace {

std::string resolved(std::string_view name) {
  Lookup l = lookupCommand(name);
  if (l.help) {
    return "(help)";
  }
  return l.cmd != nullptr ? l.cmd->name : "(none)";
}

TEST(LookupCommand, ExactNames) {
  EXPECT_EQ(resolved("list"), "list");
  EXPECT_EQ(resolved("create"), "create");
  EXPECT_EQ(resolved("vcpu-list"), "vcpu-list");
  EXPECT_EQ(resolved("help"), "(help)");
}

TEST(LookupCommand, UniquePrefixesOfTwoOrMoreCharacters) {
  EXPECT_EQ(resolved("li"), "list");
  EXPECT_EQ(resolved("cr"), "create");
  EXPECT_EQ(resolved("unp"), "unpause");
  EXPECT_EQ(resolved("vcpu-l"), "vcpu-list");
  EXPECT_EQ(resolved("sched-c"), "sched-credit");
  EXPECT_EQ(resolved("dump-"), "dump-core");
  EXPECT_EQ(resolved("dump"), "(none)");  // dumppolicy too
}

TEST(LookupCommand, AmbiguousShortOrUnknownFindNothing) {
  EXPECT_EQ(resolved("l"), "(none)");      // one character never matches
  EXPECT_EQ(resolved("de"), "(none)");     // delete, destroy, debug-keys
  EXPECT_EQ(resolved("sched"), "(none)");  // sched-credit, sched-sedf
  EXPECT_EQ(resolved("vcpu-"), "(none)");
  EXPECT_EQ(resolved("hel"), "(none)");  // help is not a table command
  EXPECT_EQ(resolved("frobnicate"), "(none)");
  EXPECT_EQ(resolved(""), "(none)");
}

TEST(LookupCommand, DeprecatedAliases) {
  Lookup l = lookupCommand("balloon");
  ASSERT_NE(l.cmd, nullptr);
  EXPECT_STREQ(l.cmd->name, "mem-set");
  EXPECT_STREQ(l.aliasOf, "mem-set");
  EXPECT_EQ(deprecationMessage("balloon", l.aliasOf),
            "Command balloon is deprecated.  Please use xm mem-set instead.");
  EXPECT_STREQ(lookupCommand("set-vcpus").cmd->name, "vcpu-set");
  EXPECT_STREQ(lookupCommand("vif-list").aliasOf, "network-list");
  EXPECT_STREQ(lookupCommand("vbd-create").aliasOf, "block-attach");
  EXPECT_STREQ(lookupCommand("vbd-destroy").aliasOf, "block-detach");
  EXPECT_STREQ(lookupCommand("vbd-list").aliasOf, "block-list");
  EXPECT_EQ(lookupCommand("list").aliasOf, nullptr);
}

TEST(CommandTable, NamesAreUniqueAndIssue4CommandsHaveHandlers) {
  std::set<std::string> names;
  for (const auto& c : commandTable()) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
  }
  for (const char* n :
       {"create",    "new",      "delete",       "start",   "suspend", "resume",
        "list",      "destroy",  "shutdown",     "reboot",  "reset",   "pause",
        "unpause",   "rename",   "domid",        "domname", "uptime",  "info",
        "log",       "dmesg",    "console",      "mem-set", "mem-max", "vcpu-set",
        "vcpu-list", "vcpu-pin", "sched-credit", "sysrq",   "trigger", "dump-core"}) {
    const Command* c = findCommand(n);
    ASSERT_NE(c, nullptr) << n;
    EXPECT_NE(c->handler, nullptr) << n;
    EXPECT_NE(c->args, nullptr) << n;
  }
  for (const char* n : allCommandOrder()) {
    EXPECT_NE(findCommand(n), nullptr) << n;
  }
}

TEST(Help, CommandHelpWithOptions) {
  EXPECT_EQ(commandHelp("list"),
            "Usage: xm list [options] [Domain, ...]\n"
            "\n"
            "List information about all/some domains.\n"
            "  -l, --long                     Output all VM details in SXP               \n"
            "  --label                        Include security labels                    \n"
            "  --state=<state>                Select only VMs with the specified state   \n"
            "\n");
}

TEST(Help, CommandHelpWithoutOptionsAndByPrefix) {
  EXPECT_EQ(commandHelp("pause"), "Usage: xm pause <Domain>\n\nPause execution of a domain.\n");
  EXPECT_EQ(commandHelp("unp"), "Usage: xm unpause <Domain>\n\nUnpause a paused domain.\n");
  EXPECT_EQ(commandHelp("help"), "Usage: xm help \n\nDisplay this message.\n");
  EXPECT_EQ(commandHelp("zzz"), shortHelp());
}

TEST(Help, WrappedOptionDescriptions) {
  std::string h = commandHelp("console");
  EXPECT_NE(h.find("  -q, --quiet                    Do not print an error message if the       \n"
                   "                                 domain does not exist\n"),
            std::string::npos)
      << h;
}

TEST(Help, LongHelpListsEveryDocumentedCommandInXmOrder) {
  std::string h = longHelp();
  EXPECT_EQ(h.rfind("Usage: xm <subcommand> [args]\n\n"
                    "Control, list, and manipulate Xen guest instances.\n\n"
                    "xm full list of subcommands:\n\n"
                    " console              Attach to <Domain>'s console.",
                    0),
            0u);
  size_t last = 0;
  for (const char* n : allCommandOrder()) {
    const Command* c = findCommand(n);
    size_t at = h.find("\n " + std::string(n) + " ");
    if (c->args == nullptr) {
      EXPECT_EQ(at, std::string::npos) << n;  // event-monitor has no help entry
      continue;
    }
    ASSERT_NE(at, std::string::npos) << n;
    EXPECT_GT(at, last) << n;
    last = at;
  }
  // A description longer than 50 columns wraps under the description column.
  EXPECT_NE(h.find(" vcpu-set             Set the number of active VCPUs for allowed for    \n"
                   "                      the domain.\n"),
            std::string::npos);
  EXPECT_NE(h.find("For more help on 'xm create' see the xmdomain.cfg(5)  man page.\n"),
            std::string::npos);
}

TEST(Help, ShortHelpListsCommonCommands) {
  std::string h = shortHelp();
  EXPECT_NE(h.find("Common 'xm' commands:\n\n console "), std::string::npos);
  EXPECT_NE(h.find("\n help                 Display this message."), std::string::npos);
  EXPECT_EQ(h.find("\n sched-credit"), std::string::npos);
  EXPECT_NE(h.find("For a complete list of subcommands run 'xm help'.\n"), std::string::npos);
}

TEST(PyWrap, MatchesOptsWrap) {
  EXPECT_EQ(pyWrap("short", 50), std::vector<std::string>{"short"});
  EXPECT_EQ(
      pyWrap("Set the number of active VCPUs for allowed for the domain.", 50),
      (std::vector<std::string>{"Set the number of active VCPUs for allowed for", "the domain."}));
  EXPECT_EQ(pyWrap("aaaa\nbbbb cccc", 10), (std::vector<std::string>{"aaaa", "bbbb", "cccc"}));
}

}  // namespace
}  // namespace xenia::xm
