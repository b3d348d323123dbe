// The two HostFacts xend sets for every guest that the golden facts leave
// unset: the console's QEMU-written log file and the -runas user.
#include "argv_test_util.h"

namespace xenia::qemu {
namespace {

using namespace test;

TEST(XendArgvFacts, ConsoleLogFileIsAppendedByQemu) {
  auto c = basePv();
  HostFacts f = facts(c);
  f.console.logFile = "/var/log/xen/console/guest-pv,1.log";
  auto argv = buildArgv(c, f);
  ASSERT_TRUE(argv) << argv.error().format();
  auto consoles = withPrefix(*argv, "-chardev", "socket,id=charconsole0");
  ASSERT_EQ(consoles.size(), 1u);
  EXPECT_EQ(consoles[0],
            "socket,id=charconsole0,path=/run/xenia/domain/7/console.sock,server=on,wait=off,"
            "logfile=/var/log/xen/console/guest-pv,,1.log,logappend=on");
  // Without it nothing changes.
  auto plain = buildArgv(c, facts(c));
  ASSERT_TRUE(plain);
  EXPECT_EQ(withPrefix(*plain, "-chardev", "socket,id=charconsole0")[0].find("logfile"),
            std::string::npos);
}

TEST(XendArgvFacts, RunAsDropsPrivilegesAndLetsTheSandboxAllowIt) {
  auto c = basePv();
  HostFacts f = facts(c);
  f.runAs = "nobody";
  auto argv = buildArgv(c, f);
  ASSERT_TRUE(argv) << argv.error().format();
  EXPECT_EQ(values(*argv, "-runas"), std::vector<std::string>{"nobody"});
  EXPECT_EQ(values(*argv, "-sandbox"),
            std::vector<std::string>{
                "on,obsolete=deny,elevateprivileges=allow,spawn=deny,resourcecontrol=deny"});

  auto plain = buildArgv(c, facts(c));
  ASSERT_TRUE(plain);
  EXPECT_TRUE(values(*plain, "-runas").empty());
  EXPECT_EQ(values(*plain, "-sandbox"),
            std::vector<std::string>{
                "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"});

  f.caps.options.erase("runas");
  auto missing = buildArgv(c, f);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, TranslateErrc::kMissingCapability);
}

}  // namespace
}  // namespace xenia::qemu
