// xm create/new (config loading, overrides, dry run, errors before xend)
// and the console attached by create -c, against a fake xend.
#include <gtest/gtest.h>

#include <fstream>

#include "xm_run_fixture.h"

namespace xenia::xm {
namespace {

using testing::FakeXend;
using testing::TempDir;
class XmCreate : public XmRun {
 protected:
  void SetUp() override {
    cfg_ = dir_.path() + "/web1.cfg";
    std::ofstream(cfg_) << "name = 'web1'\nkernel = '/boot/vmlinuz'\nmemory = 256\n"
                           "vif = ['bridge=xenbr0']\n";
  }
  TempDir dir_;
  std::string cfg_;
};

TEST_F(XmCreate, SendsCanonicalConfigAndReportsTheDomain) {
  xend_.onResult("domain.create", Json{{"domid", 5}, {"name", "web1"}});
  Result r = run({"create", cfg_, "memory=512", "vcpus=2"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "Using config file \"" + cfg_ + "\".\nStarted domain web1 (id=5)\n");
  auto reqs = xend_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].first, "domain.create");
  const Json& p = reqs[0].second;
  EXPECT_EQ(p["paused"], false);
  EXPECT_EQ(p["config"]["name"], "web1");
  EXPECT_EQ(p["config"]["memory"], 512);
  EXPECT_EQ(p["config"]["vcpus"], 2);
  EXPECT_EQ(p["config"]["kernel"], "/boot/vmlinuz");
  EXPECT_EQ(p["config"]["uuid"].get<std::string>().size(), 36u);
  r = run({"create", "-q", "-p", cfg_});
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(xend_.requests().back().second["paused"], true);
}

TEST_F(XmCreate, NameDefaultsToTheFileNameAndNewDefines) {
  std::ofstream(cfg_) << "kernel = '/boot/vmlinuz'\n";
  xend_.onResult("domain.new", Json{{"name", "web1.cfg"}, {"uuid", "x"}});
  Result r = run({"new", "-q", cfg_});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(xend_.requests().back().first, "domain.new");
  EXPECT_EQ(xend_.requests().back().second["config"]["name"], "web1.cfg");
}

TEST_F(XmCreate, DryRunPrintsSxpWithoutXend) {
  TempDir empty;
  Result r = run({"create", "-n", cfg_, "uuid=5a9b8e2c-0000-4000-8000-000000000001"},
                 empty.path() + "/none.sock");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Using config file \"" + cfg_ + "\".\n(domain\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("    (name web1)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(uuid 5a9b8e2c-0000-4000-8000-000000000001)"), std::string::npos);
  EXPECT_NE(r.out.find("    (memory 256)\n"), std::string::npos);
  EXPECT_EQ(r.out.back(), '\n');
}

TEST_F(XmCreate, ConfigErrorsStopBeforeXend) {
  std::ofstream(cfg_) << "name = 'web1'\nmemory = 'lots'\n";
  Result r = run({"create", cfg_});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err.rfind("Error: " + cfg_ + ":2: memory: ", 0), 0u) << r.err;
  std::ofstream(cfg_) << "import os\n";
  r = run({"create", cfg_});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err.rfind("Error: " + cfg_ + ":1:", 0), 0u) << r.err;
  r = run({"create", dir_.path() + "/missing.cfg"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: Unable to open config file: " + dir_.path() + "/missing.cfg\n");
  EXPECT_EQ(r.out.rfind("Usage: xm create <ConfigFile> [options] [vars]\n", 0), 0u);
  EXPECT_TRUE(xend_.requests().empty());
}

TEST_F(XmCreate, SearchesThePath) {
  Result r = run({"create", "-n", "--path=/nonexistent:" + dir_.path(), "web1.cfg"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Using config file \"" + cfg_ + "\".\n", 0), 0u) << r.out;
}

TEST_F(XmCreate, XendRefusalIsPrintedWithoutUsage) {
  xend_.onError("domain.create", "ENOMEM", "Not enough memory: 512 MiB missing.");
  Result r = run({"create", "-q", cfg_});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "Error: Not enough memory: 512 MiB missing.\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(XmCreate, SxpConfigFile) {
  std::string sxp = dir_.path() + "/web1.sxp";
  std::ofstream(sxp) << "(vm (name sxpdom) (memory 128) (image (linux (kernel /k))))\n";
  xend_.onResult("domain.create", Json{{"domid", 9}, {"name", "sxpdom"}});
  Result r = run({"create", "-F", sxp});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "Started domain sxpdom (id=9)\n");
  EXPECT_EQ(xend_.requests().back().second["config"]["name"], "sxpdom");
  r = run({"create", "-F", dir_.path() + "/nope.sxp"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err,
            "Error: Cannot read file " + dir_.path() + "/nope.sxp: No such file or directory\n");
}

// The console: output from the domain reaches stdout, typed bytes reach the
// domain, Ctrl-] ends the session.
TEST_F(XmCreate, CreateWithConsoleUnpausesAfterAttaching) {
  std::string consolePath = dir_.path() + "/console.sock";
  UniqueFd listen = testing::listenOn(consolePath);
  int in[2], out[2];
  ASSERT_EQ(::pipe(in), 0);
  ASSERT_EQ(::pipe(out), 0);
  UniqueFd inR(in[0]), inW(in[1]), outR(out[0]), outW(out[1]);
  stdinFd_ = inR.get();
  stdoutFd_ = outW.get();
  std::string typed;
  std::thread console([&] {
    UniqueFd c(::accept(listen.get(), nullptr, nullptr));
    (void)!::write(c.get(), "booting\n", 8);
    (void)!::write(inW.get(), "ls\n\x1dignored", 11);
    char buf[64];
    ssize_t n;
    while ((n = ::read(c.get(), buf, sizeof(buf))) > 0) {
      typed.append(buf, static_cast<size_t>(n));
    }
  });
  xend_.onResult("domain.create", Json{{"domid", 5}, {"name", "web1"}});
  xend_.onResult("domain.console", Json{{"socket", consolePath}, {"pty", ""}, {"log", ""}});
  xend_.onResult("domain.unpause", Json::object());
  Result r = run({"create", "-c", cfg_});
  console.join();
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(typed, "ls\n");
  outW.reset();
  char buf[64];
  ssize_t n = ::read(outR.get(), buf, sizeof(buf));
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "booting\n");
  EXPECT_EQ(xend_.methods(),
            (std::vector<std::string>{"domain.create", "domain.console", "domain.unpause"}));
  EXPECT_EQ(xend_.requests()[0].second["paused"], true);
}

}  // namespace
}  // namespace xenia::xm
