// xm end to end against a fake xend: exact stdout/stderr and exit status for
// success, xend errors and no xend at all, and the requests each command
// sends (docs/specs/xend-protocol.md).
#include <gtest/gtest.h>

#include <fstream>

#include "xm_run_fixture.h"

namespace xenia::xm {
namespace {

using testing::FakeXend;
using testing::TempDir;
const char* const kBriefGolden =
    "Name                                        ID   Mem VCPUs      State   Time(s)\n"
    "Domain-0                                     0  1024     2     r-----    123.4\n"
    "web1                                             512     1                 0.0\n";

TEST_F(XmRun, ListPrintsXmsTable) {
  xend_.onResult("domain.list", domains({dom0(), web1(std::nullopt)}));
  Result r = run({"list"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out, kBriefGolden);
  EXPECT_EQ(r.err, "");
  auto reqs = xend_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].first, "domain.list");
  EXPECT_EQ(reqs[0].second, Json::object());
}

TEST_F(XmRun, PrefixAndNamedDomainsAndState) {
  xend_.onResult("domain.list", domains({dom0(), web1(std::nullopt)}));
  Result r = run({"li", "web1"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(xend_.requests().back().second, Json::parse(R"({"doms": ["web1"]})"));
  r = run({"list", "--state=Halted"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out,
            "Name                                        ID   Mem VCPUs      State   Time(s)\n"
            "web1                                             512     1                 0.0\n");
  r = run({"list", "--state=running", "web1"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: You may specify either a state or a particular VM, but not both\n");
}

TEST_F(XmRun, ListLongPrintsEachDomainsSxp) {
  xend_.onResult("domain.list", domains({dom0(), web1(3)}));
  xend_.on("domain.sxp", [](const Json& p) {
    return FakeXend::Answer{Json{{"sxp", "(domain (uuid " + p["dom"].get<std::string>() + "))"}},
                            std::nullopt};
  });
  Result r = run({"list", "-l"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out,
            "(domain (uuid 00000000-0000-0000-0000-000000000000))\n"
            "(domain (uuid 5a9b8e2c-0000-4000-8000-000000000001))\n");
}

TEST_F(XmRun, XendErrorNoSuchDomain) {
  xend_.onError("domain.pause", "ESRCH", "Domain 'nosuch' does not exist.");
  Result r = run({"pause", "nosuch"});
  EXPECT_EQ(r.rc, 3);  // xm exited with the fault code of XendInvalidDomain
  EXPECT_EQ(r.err, "Error: Domain 'nosuch' does not exist.\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(xend_.requests().back().second, Json::parse(R"({"dom": "nosuch"})"));
}

TEST_F(XmRun, OtherXendErrorsAreFollowedByUsageAsXmDid) {
  xend_.onError("domain.mem_set", "EINVAL", "Memory target 99999 MiB exceeds maxmem 512 MiB.");
  Result r = run({"mem-set", "web1", "99999"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: Memory target 99999 MiB exceeds maxmem 512 MiB.\n");
  EXPECT_EQ(r.out,
            "Usage: xm mem-set <Domain> <Mem>\n\nSet the current memory usage for a domain.\n");
}

TEST_F(XmRun, NoXend) {
  TempDir empty;
  Result r = run({"list"}, empty.path() + "/xend.sock");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err,
            "Error: Unable to connect to xend: No such file or directory. Is xend running?\n");
  EXPECT_EQ(r.out, "");
  root_ = false;
  r = run({"list"}, empty.path() + "/xend.sock");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: Most commands need root access. Please try again as root.\n");
}

TEST_F(XmRun, XendGoneBeforeAnswering) {
  TempDir d;
  std::string path = d.path() + "/xend.sock";
  UniqueFd l = testing::listenOn(path);
  std::thread t([&] {
    UniqueFd c(::accept(l.get(), nullptr, nullptr));
    char buf[256];
    (void)!::read(c.get(), buf, sizeof(buf));
  });
  Result r = run({"pause", "web1"}, path);
  t.join();
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err,
            "Error: Unable to connect to xend: Connection closed by xend. Is xend running?\n");
}

TEST_F(XmRun, ArgumentCountErrors) {
  Result r = run({"pause"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: 'xm pause' requires 1 argument.\n\n");
  EXPECT_EQ(r.out, "Usage: xm pause <Domain>\n\nPause execution of a domain.\n");
  r = run({"rename", "a"});
  EXPECT_EQ(r.err, "Error: 'xm rename' requires 2 arguments.\n\n");
  r = run({"trigger", "a"});
  EXPECT_EQ(r.err, "Error: 'xm trigger' requires between 2 and 3 arguments.\n\n");
  EXPECT_TRUE(xend_.requests().empty());
}

TEST_F(XmRun, HelpAndUnknownCommands) {
  Result r = run({});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.out.find("Common 'xm' commands:"), std::string::npos);
  r = run({"help"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.out.find("xm full list of subcommands:"), std::string::npos);
  r = run({"--help"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.out.find("xm full list of subcommands:"), std::string::npos);
  r = run({"list", "--help"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.out.rfind("Usage: xm list [options] [Domain, ...]\n", 0), 0u);
  r = run({"pause", "-h"});
  EXPECT_EQ(r.out, "Usage: xm pause <Domain>\n\nPause execution of a domain.\n");
  r = run({"frob"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: Subcommand frob not found!\n");
  EXPECT_NE(r.out.find("Common 'xm' commands:"), std::string::npos);
  r = run({"de", "x"});  // ambiguous
  EXPECT_EQ(r.err, "Error: Subcommand de not found!\n");
  r = run({"save", "a", "b"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: xm save is not supported by this version of xm.\n");
  EXPECT_TRUE(xend_.requests().empty());
}

TEST_F(XmRun, DeprecatedAliasWarnsAndRuns) {
  xend_.onResult("domain.mem_set", Json::object());
  Result r = run({"balloon", "web1", "1g"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.err, "Command balloon is deprecated.  Please use xm mem-set instead.\n");
  EXPECT_EQ(xend_.requests().back().second, Json::parse(R"({"dom": "web1", "mib": 1024})"));
  r = run({"mem-max", "web1", "12q"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: Invalid argument.\n");
}

TEST_F(XmRun, VcpuCommands) {
  xend_.onResult("domain.vcpu_pin", Json::object());
  xend_.onResult("domain.vcpu_set", Json::object());
  xend_.onResult("domain.vcpu_list", Json::parse(R"({"nr_cpus": 4, "vcpus": [
      {"name": "web1", "domid": 3, "number": 0, "cpu": 2, "online": true, "running": true,
       "blocked": false, "cpu_time": 3.5, "affinity": [0, 1, 3]}]})"));
  EXPECT_EQ(run({"vcpu-pin", "web1", "all", "0-3,^2"}).rc, 0);
  EXPECT_EQ(xend_.requests().back().second,
            Json::parse(R"({"dom": "web1", "vcpu": "all", "cpus": "0-1,3"})"));
  EXPECT_EQ(run({"vcpu-pin", "web1", "1", "all"}).rc, 0);
  EXPECT_EQ(xend_.requests().back().second,
            Json::parse(R"({"dom": "web1", "vcpu": 1, "cpus": "all"})"));
  EXPECT_EQ(run({"vcpu-set", "web1", "2"}).rc, 0);
  EXPECT_EQ(xend_.requests().back().second, Json::parse(R"({"dom": "web1", "count": 2})"));
  EXPECT_EQ(run({"vcpu-set", "web1", "two"}).err, "Error: Invalid argument.\n");
  Result r = run({"vcpu-list", "web1"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out,
            "Name                                ID  VCPU   CPU State   Time(s) CPU Affinity\n"
            "web1                                 3     0     2   r--       3.5 0-1,3\n");
  EXPECT_EQ(xend_.requests().back().second, Json::parse(R"({"doms": ["web1"]})"));
}

TEST_F(XmRun, UptimeUsesStartTimeAndHostUptimeForDomain0) {
  xend_.onResult("domain.list", domains({dom0(), web1(3, 100000.0 - 90061.6), web1(std::nullopt)}));
  Result r = run({"uptime"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out,
            "Name                                ID Uptime \n"
            "Domain-0                             0  1:02:03\n"
            "web1                                 3 1 day,  1:01:02\n"
            "web1                                    0:00:00\n");
  r = run({"uptime", "-s"});
  EXPECT_EQ(r.out,
            " 18:51:02 up  1:02, Domain-0 (0)\n"
            " 18:51:02 up 1 day,  1:01, web1 (3)\n"
            " 18:51:02 up  0:00, web1 ()\n");
}

TEST_F(XmRun, InfoAndInfoConfig) {
  xend_.onResult("host.info", Json::parse(R"({"info": [["host", "xenia1"], ["nr_cpus", 4],
      ["xen_scheduler", "credit"], ["xen_commandline"]]})"));
  xend_.onResult("host.config", Json::parse(R"({"config": [["xend-http-server", false],
      ["dom0-min-mem", 196]]})"));
  Result r = run({"info"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out,
            "host                   : xenia1\n"
            "nr_cpus                : 4\n"
            "xen_scheduler          : credit\n"
            "xen_commandline        : (none)\n");
  r = run({"info", "-c"});
  EXPECT_EQ(r.out,
            "xend-http-server                      : False\n"
            "dom0-min-mem                          : 196\n");
}

TEST_F(XmRun, LogAndDmesg) {
  xend_.onResult("host.log", Json{{"text", "line1\nline2"}});
  xend_.on("host.dmesg", [](const Json& p) {
    return FakeXend::Answer{Json{{"text", p["clear"].get<bool>() ? "cleared\n" : "ring\n"}},
                            std::nullopt};
  });
  EXPECT_EQ(run({"log"}).out, "line1\nline2\n");
  EXPECT_EQ(run({"dmesg"}).out, "ring\n");
  EXPECT_EQ(run({"dmesg", "--clear"}).out, "cleared\n");
  Result r = run({"dmesg", "x"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: No parameter required\n");
}

TEST_F(XmRun, SchedCreditListsAndSets) {
  xend_.onResult("host.info", Json::parse(R"({"info": [["xen_scheduler", "credit"]]})"));
  xend_.onResult("domain.sched_credit", Json::parse(R"({"domains": [
      {"name": "Domain-0", "domid": 0, "weight": 256, "cap": 0}]})"));
  Result r = run({"sched-credit"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out,
            "Name                                ID Weight  Cap\n"
            "Domain-0                             0    256    0\n");
  r = run({"sched-credit", "-d", "web1", "-w", "512"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(xend_.requests().back().second, Json::parse(R"({"dom": "web1", "weight": 512})"));
  r = run({"sched-credit", "-c", "10"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: No domain given.\n");
  r = run({"sched-credit", "-d", "web1", "-w", "lots"});
  EXPECT_EQ(r.err, "Error: Invalid argument.\n");
  xend_.onResult("host.info", Json::parse(R"({"info": [["xen_scheduler", "sedf"]]})"));
  r = run({"sched-credit"});
  EXPECT_EQ(r.err, "Error: Xen is running with the sedf scheduler\n");
}

TEST_F(XmRun, SimpleDomainCommandsSendTheirParameters) {
  for (const char* m : {"domain.destroy", "domain.reset", "domain.unpause", "domain.delete",
                        "domain.suspend", "domain.resume", "domain.rename", "domain.sysrq",
                        "domain.trigger", "domain.dump_core", "domain.start"}) {
    xend_.onResult(m, Json::object());
  }
  xend_.onResult("domain.start", Json{{"domid", 7}});
  struct Case {
    std::vector<std::string> argv;
    const char* method;
    const char* params;
  };
  std::vector<Case> cases = {
      {{"destroy", "web1"}, "domain.destroy", R"({"dom": "web1"})"},
      {{"reset", "3"}, "domain.reset", R"({"dom": "3"})"},
      {{"unpause", "web1"}, "domain.unpause", R"({"dom": "web1"})"},
      {{"delete", "web1"}, "domain.delete", R"({"dom": "web1"})"},
      {{"suspend", "web1"}, "domain.suspend", R"({"dom": "web1"})"},
      {{"resume", "-p", "web1"}, "domain.resume", R"({"dom": "web1", "paused": true})"},
      {{"rename", "web1", "web2"}, "domain.rename", R"({"dom": "web1", "name": "web2"})"},
      {{"sysrq", "web1", "s"}, "domain.sysrq", R"({"dom": "web1", "key": "s"})"},
      {{"trigger", "web1", "nmi"},
       "domain.trigger",
       R"({"dom": "web1", "trigger": "nmi", "vcpu": 0})"},
      {{"trigger", "web1", "power", "1"},
       "domain.trigger",
       R"({"dom": "web1", "trigger": "power", "vcpu": 1})"},
      {{"dump-core", "-L", "web1", "/var/core"},
       "domain.dump_core",
       R"({"dom": "web1", "live": true, "crash": false, "reset": false, "file": "/var/core"})"},
      {{"start", "web1"}, "domain.start", R"({"dom": "web1", "paused": false})"},
      {{"start", "-p", "web1"}, "domain.start", R"({"dom": "web1", "paused": true})"},
  };
  for (const auto& c : cases) {
    Result r = run(c.argv);
    EXPECT_EQ(r.rc, 0) << c.argv[0] << ": " << r.err;
    auto reqs = xend_.requests();
    ASSERT_FALSE(reqs.empty());
    EXPECT_EQ(reqs.back().first, c.method);
    EXPECT_EQ(reqs.back().second, Json::parse(c.params)) << c.argv[0];
  }
  Result r = run({"dump-core", "-C", "-R", "web1"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: You may not specify more than one '-CR' option\n");
  r = run({"dump-core", "web1"});
  EXPECT_EQ(r.out, "Dumping core of domain: web1 ...\n");
}

TEST_F(XmRun, DomidAndDomname) {
  xend_.onResult("domain.list", domains({web1(3)}));
  EXPECT_EQ(run({"domid", "web1"}).out, "3\n");
  EXPECT_EQ(run({"domname", "3"}).out, "web1\n");
  xend_.onResult("domain.list", domains({web1(std::nullopt)}));
  EXPECT_EQ(run({"domid", "web1"}).out, "None\n");
}

TEST_F(XmRun, ShutdownWaitPollsUntilTheDomainIsGone) {
  int calls = 0;
  xend_.on("domain.list", [&](const Json& p) {
    ++calls;
    // Running for the two lookups and two polls, then halted (still listed).
    return listAnswer(domains({dom0(), web1(calls <= 4 ? std::optional<int>(3) : std::nullopt)}),
                      p);
  });
  xend_.onResult("domain.shutdown", Json::object());
  Result r = run({"shutdown", "-w", "3"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "Domain web1 terminated\nAll domains terminated\n");
  EXPECT_EQ(sleeps_, 3);
  auto reqs = xend_.requests();
  auto it = std::find_if(reqs.begin(), reqs.end(),
                         [](const auto& q) { return q.first == "domain.shutdown"; });
  ASSERT_NE(it, reqs.end());
  EXPECT_EQ(it->second, Json::parse(R"({"dom": "web1", "reason": "poweroff"})"));
}

TEST_F(XmRun, ShutdownOptions) {
  xend_.on("domain.list", [](const Json& p) { return listAnswer(domains({dom0(), web1(3)}), p); });
  xend_.onResult("domain.shutdown", Json::object());
  EXPECT_EQ(run({"shutdown", "-H", "web1"}).rc, 0);
  EXPECT_EQ(xend_.requests().back().second, Json::parse(R"({"dom": "web1", "reason": "halt"})"));
  EXPECT_EQ(run({"shutdown", "web1", "-R"}).rc, 0);
  EXPECT_EQ(xend_.requests().back().second, Json::parse(R"({"dom": "web1", "reason": "reboot"})"));
  EXPECT_EQ(run({"reboot", "web1"}).rc, 0);
  EXPECT_EQ(xend_.requests().back().second, Json::parse(R"({"dom": "web1", "reason": "reboot"})"));
  // -a: every running domain except Domain-0.
  size_t before = xend_.requests().size();
  EXPECT_EQ(run({"shutdown", "-a"}).rc, 0);
  auto reqs = xend_.requests();
  std::vector<Json> shut;
  for (size_t i = before; i < reqs.size(); ++i) {
    if (reqs[i].first == "domain.shutdown") {
      shut.push_back(reqs[i].second);
    }
  }
  EXPECT_EQ(shut, std::vector<Json>{Json::parse(R"({"dom": "web1", "reason": "poweroff"})")});
  Result r = run({"shutdown", "-H", "-R", "web1"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: Can't specify halt and reboot\n");
  r = run({"shutdown", "-w"});
  EXPECT_EQ(r.err, "Error: No domain parameter given\n");
  r = run({"shutdown", "a", "b"});
  EXPECT_EQ(r.err, "Error: No multiple domain parameters allowed\n");
  r = run({"shutdown", "-x", "web1"});
  EXPECT_EQ(r.err, "Error: option -x not recognized\n");
}

TEST_F(XmRun, RebootWaitSeesANewDomid) {
  int calls = 0;
  xend_.on("domain.list", [&](const Json& p) {
    ++calls;
    auto d = calls <= 3 ? web1(3) : calls == 4 ? web1(std::nullopt) : web1(4, 99999.0);
    return listAnswer(domains({dom0(), d}), p);
  });
  xend_.onResult("domain.shutdown", Json::object());
  Result r = run({"reboot", "-w", "web1"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "Domain web1 rebooted\nAll domains rebooted\n");
}

TEST_F(XmRun, ConsoleQuietFailsSilently) {
  xend_.onError("domain.console", "ESRCH", "Domain 'x' does not exist.");
  Result r = run({"console", "-q", "x"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "");
  r = run({"console", "x"});
  EXPECT_EQ(r.rc, 3);
  EXPECT_EQ(r.err, "Error: Domain 'x' does not exist.\n");
  r = run({"console"});
  EXPECT_EQ(r.err, "Error: 'xm console' requires between 1 and 3 arguments.\n\n");
}

}  // namespace
}  // namespace xenia::xm
