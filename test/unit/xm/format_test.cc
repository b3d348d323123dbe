// Golden tests of xm's formatters. Expected texts are xm 4.0's own format
// strings (X40 tools/python/xen/xm/main.py) evaluated by Python; the brief
// list lines are the quoted goldens of xen-toolstack.md §2.1.
#include "xm/format.h"

#include <gtest/gtest.h>

namespace xenia::xm {
namespace {

DomainRow row(std::string name, std::optional<int64_t> domid, int64_t mem, int64_t vcpus,
              std::string state, double cpu) {
  DomainRow d;
  d.name = std::move(name);
  d.domid = domid;
  d.memory = mem;
  d.maxmem = mem;
  d.vcpus = vcpus;
  d.onlineVcpus = vcpus;
  d.state = std::move(state);
  d.cpuTime = cpu;
  return d;
}

TEST(FormatBriefList, GoldenLinesFromXm) {
  // §2.1 verbatim: Domain-0 and a halted managed domain (empty ID and State).
  auto halted = row("web1", std::nullopt, 512, 1, "", 0.0);
  halted.managed = true;
  std::string got = formatBriefList({row("Domain-0", 0, 1024, 2, "r-----", 123.4), halted});
  EXPECT_EQ(got,
            "Name                                        ID   Mem VCPUs      State   Time(s)\n"
            "Domain-0                                     0  1024     2     r-----    123.4\n"
            "web1                                             512     1                 0.0\n");
}

TEST(FormatBriefList, RunningGuestUsesOnlineVcpusAndRoundsLikePython) {
  auto web = row("web1", 3, 512, 2, "-b----", 12.25);
  web.onlineVcpus = 1;  // one vCPU unplugged
  auto db = row("db", std::nullopt, 256, 4, "", 0.0);
  db.onlineVcpus = 0;  // halted: the configured count is shown
  EXPECT_EQ(formatBriefList({web, db}),
            "Name                                        ID   Mem VCPUs      State   Time(s)\n"
            "web1                                         3   512     1     -b----     12.2\n"
            "db                                               256     4                 0.0\n");
}

TEST(FormatBriefList, LongNamesAreNotTruncated) {
  std::string name(45, 'n');
  std::string got = formatBriefList({row(name, 7, 64, 1, "--p---", 0.05)});
  EXPECT_EQ(got.substr(got.find('\n') + 1), name + "     7    64     1     --p---      0.1\n");
}

TEST(FormatLabelList, HeaderAndEmptyLabels) {
  EXPECT_EQ(formatLabelList({row("Domain-0", 0, 1024, 2, "r-----", 1.0)}),
            "Name                                        ID   Mem VCPUs      State   Time(s) "
            "Label     \n"
            "Domain-0                                     0  1024     2     r-----      1.0 "
            "          \n");
}

TEST(DomainRowFromJson, ReadsProtocolRecord) {
  auto j = Json::parse(R"({"name": "web1", "domid": null, "uuid": "u", "memory": 512,
      "maxmem": 1024, "vcpus": 2, "online_vcpus": 0, "state": "", "status": 0,
      "cpu_time": 0.0, "start_time": null, "accel": "tcg", "managed": true, "type": "pv"})");
  auto d = domainRowFromJson(j);
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(d->name, "web1");
  EXPECT_FALSE(d->domid.has_value());
  EXPECT_EQ(d->maxmem, 1024);
  EXPECT_TRUE(d->managed);
  EXPECT_FALSE(d->startTime.has_value());
}

TEST(DomainRowFromJson, WrongTypeIsAnError) {
  auto d = domainRowFromJson(Json::parse(R"({"name": "x", "memory": "512"})"));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), "domain record: 'memory' is not an integer");
  EXPECT_FALSE(domainRowsFromResult(Json::parse(R"({"doms": []})")));
}

TEST(StatusName, MatchesXendPowerStateNames) {
  EXPECT_STREQ(statusName(0), "halted");
  EXPECT_STREQ(statusName(2), "running");
  EXPECT_STREQ(statusName(4), "halted");  // ShuttingDown shows as Halted in xend
  EXPECT_STREQ(statusName(5), "crashed");
  EXPECT_STREQ(statusName(42), "unknown");
}

VcpuRow vcpu(std::string name, std::optional<int64_t> domid, int64_t n, int64_t cpu, bool online,
             bool running, bool blocked, double t, std::vector<int64_t> aff) {
  return VcpuRow{std::move(name), domid, n, cpu, online, running, blocked, t, std::move(aff)};
}

TEST(FormatVcpuList, GoldenFromXmFormat) {
  std::vector<VcpuRow> rows = {
      vcpu("Domain-0", 0, 0, 0, true, true, false, 10.5, {}),
      vcpu("Domain-0", 0, 1, 1, true, false, true, 7.0, {0, 1, 2, 3}),
      vcpu("web1", 3, 0, 2, true, false, true, 1.25, {3, 0, 1, 1}),
      vcpu("web1", 3, 1, 1, false, false, false, 0.0, {2}),
      vcpu("db", std::nullopt, 0, -1, false, false, false, 0.0, {7}),
  };
  EXPECT_EQ(formatVcpuList(rows, 4),
            "Name                                ID  VCPU   CPU State   Time(s) CPU Affinity\n"
            "Domain-0                             0     0     0   r--      10.5 any cpu\n"
            "Domain-0                             0     1     1   -b-       7.0 any cpu\n"
            "web1                                 3     0     2   -b-       1.2 0-1,3\n"
            "web1                                 3     1     -   --p       0.0 2\n"
            "db                                         0                   0.0 no cpus\n");
}

TEST(FormatCpumap, RangesAndSpecialCases) {
  EXPECT_EQ(formatCpumap({}, 8), "any cpu");
  EXPECT_EQ(formatCpumap({0, 1, 2, 3, 4, 5, 6, 7}, 8), "any cpu");
  EXPECT_EQ(formatCpumap({0, 1, 2, 3, 4, 5, 6, 7, 9}, 8), "any cpu");  // 9 dropped
  EXPECT_EQ(formatCpumap({12}, 8), "no cpus");
  EXPECT_EQ(formatCpumap({5, 0, 1, 2, 3, 7}, 8), "0-3,5,7");
  EXPECT_EQ(formatCpumap({1, 2, 4, 5}, 8), "1-2,4-5");
  EXPECT_EQ(formatCpumap({0, 1, 4, 6, 7}, 16), "0-1,4,6-7");
}

TEST(VcpuRowsFromResult, ReadsProtocolAnswer) {
  auto j = Json::parse(R"({"nr_cpus": 2, "vcpus": [{"name": "d", "domid": 1, "number": 0,
      "cpu": 1, "online": true, "running": false, "blocked": true, "cpu_time": 2.5,
      "affinity": [1]}]})");
  int64_t nr = 0;
  auto rows = vcpuRowsFromResult(j, &nr);
  ASSERT_TRUE(rows) << rows.error();
  EXPECT_EQ(nr, 2);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().affinity, std::vector<int64_t>{1});
  EXPECT_TRUE(rows->front().blocked);
}

TEST(FormatUptime, LongForm) {
  std::vector<UptimeRow> rows = {{"Domain-0", "0", 2 * 86400 + 3 * 3600 + 4 * 60 + 5},
                                 {"web1", "3", 86400 + 59},
                                 {"db", "", 0},
                                 {"short", "12", 3599}};
  EXPECT_EQ(formatUptime(rows, false, "ignored"),
            "Name                                ID Uptime \n"
            "Domain-0                             0 2 days,  3:04:05\n"
            "web1                                 3 1 day,  0:00:59\n"
            "db                                      0:00:00\n"
            "short                               12  0:59:59\n");
}

TEST(FormatUptime, ShortForm) {
  std::vector<UptimeRow> rows = {{"Domain-0", "0", 2 * 86400 + 3 * 3600 + 4 * 60 + 5},
                                 {"web1", "3", 86400 + 59},
                                 {"db", "", 0}};
  EXPECT_EQ(formatUptime(rows, true, "18:51:02"),
            " 18:51:02 up 2 days,  3:04, Domain-0 (0)\n"
            " 18:51:02 up 1 day,  0:00, web1 (3)\n"
            " 18:51:02 up  0:00, db ()\n");
}

TEST(PyRound, HalvesAwayFromZero) {
  EXPECT_EQ(pyRoundToInt(2.5), 3);
  EXPECT_EQ(pyRoundToInt(3.5), 4);
  EXPECT_EQ(pyRoundToInt(2.49), 2);
  EXPECT_EQ(pyRoundToInt(-0.5), -1);
}

TEST(FormatInfo, PlainAndConfigWidths) {
  auto info = Json::parse(R"([["host", "xenia1"], ["nr_cpus", 4], ["cpu_mhz", 2400.5],
      ["xen_caps", "xen-3.0-x86_64 hvm-3.0-x86_64"], ["total_memory", 16384],
      ["xen_commandline"]])");
  auto got = formatInfo(info, kInfoWidth);
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(*got,
            "host                   : xenia1\n"
            "nr_cpus                : 4\n"
            "cpu_mhz                : 2400.5\n"
            "xen_caps               : xen-3.0-x86_64 hvm-3.0-x86_64\n"
            "total_memory           : 16384\n"
            "xen_commandline        : (none)\n");
  auto config = Json::parse(R"([["xend-relocation-server", false], ["dom0-min-mem", 196],
      ["total_available_memory", 0.0], ["xend-domains-lock-path", null]])");
  got = formatInfo(config, kInfoConfigWidth);
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(*got,
            "xend-relocation-server                : False\n"
            "dom0-min-mem                          : 196\n"
            "total_available_memory                : 0.0\n"
            "xend-domains-lock-path                : (none)\n");
}

TEST(FormatInfo, RefusesOtherShapes) {
  EXPECT_FALSE(formatInfo(Json::parse(R"({"host": "x"})"), kInfoWidth));
  EXPECT_FALSE(formatInfo(Json::parse(R"([[1, 2]])"), kInfoWidth));
  EXPECT_FALSE(formatInfo(Json::parse(R"(["host"])"), kInfoWidth));
}

TEST(PyStr, FloatsLikePython2) {
  EXPECT_EQ(pyFloatStr(1.0), "1.0");
  EXPECT_EQ(pyFloatStr(0.1), "0.1");
  EXPECT_EQ(pyFloatStr(1e20), "1e+20");
  EXPECT_EQ(pyFloatStr(1.0 / 3), "0.333333333333");
  EXPECT_EQ(pyStr(Json(true)), "True");
  EXPECT_EQ(pyStr(Json(-3)), "-3");
}

TEST(FormatSchedCredit, GoldenFromXmFormat) {
  auto rows = schedRowsFromResult(Json::parse(R"({"domains": [
      {"name": "Domain-0", "domid": 0, "weight": 256, "cap": 0},
      {"name": "web1", "domid": 3, "weight": 512, "cap": 50},
      {"name": "db", "domid": null}]})"));
  ASSERT_TRUE(rows) << rows.error();
  EXPECT_EQ(formatSchedCredit(*rows),
            "Name                                ID Weight  Cap\n"
            "Domain-0                             0    256    0\n"
            "web1                                 3    512   50\n"
            "db                                         -1   -1\n");
}

}  // namespace
}  // namespace xenia::xm
