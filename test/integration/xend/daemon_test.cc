// xend end to end at the RPC level: a private xenstored and xend (the real
// binary, foreground) in a short temp dir run the tiny test guest under
// QEMU (TCG). Checks the guest boots (ready marker in the console log QEMU
// writes), its XenStore nodes, pause/unpause, that destroy and a failed
// create leave nothing behind, and that xend killed with SIGKILL re-attaches
// its guests when started again. Skipped when QEMU is not installed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "config/model/json.h"
#include "qemu/probe/process.h"
#include "xend/rpc/client.h"
#include "xenstore/client/client.h"
#include "xs_harness.h"

namespace xenia::xend {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kQemu = "/usr/bin/qemu-system-x86_64";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool waitFor(const std::function<bool()>& done, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

// Processes whose command line mentions `needle` (our QEMUs name the temp dir).
std::vector<pid_t> processesMentioning(const std::string& needle, const std::string& exe) {
  std::vector<pid_t> out;
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::string cmd = slurp(e.path().string() + "/cmdline");
    if (cmd.rfind(exe, 0) == 0 && cmd.find(needle) != std::string::npos) {
      out.push_back(std::stoi(name));
    }
  }
  return out;
}

class XendDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kQemu, X_OK) != 0) {
      GTEST_SKIP() << "qemu-system-x86_64 is not installed";
    }
    guest_ = XENIA_GUEST_DIR;
    if (!fs::exists(guest_ + "/vmlinuz") || !fs::exists(guest_ + "/initrd.gz")) {
      probe::RunOptions ro;
      ro.argv = {"bash", std::string(XENIA_SOURCE_DIR) + "/scripts/build-test-guest.sh", guest_};
      ro.timeout = 900s;
      auto r = probe::runProgram(ro);
      ASSERT_TRUE(r && r->exited && r->exitCode == 0) << "building the test guest failed";
    }
    dir_ = tmp_.path();
    for (const char* d : {"run", "state", "log", "dump", "auto", "xs"}) {
      fs::create_directories(dir_ + "/" + d);
    }
    xenstored_ = xs::test::Daemon::start(dir_ + "/xs");
    ASSERT_TRUE(xenstored_);
    std::ofstream(dir_ + "/xend-config.sxp")
        << "(logfile " << dir_ << "/log/xend.log)\n(loglevel DEBUG)\n"
        << "(xend-run-path " << dir_ << "/run)\n(xend-state-path " << dir_ << "/state)\n"
        << "(xend-domains-path " << dir_ << "/state/domains)\n(xend-log-dir " << dir_
        << "/log)\n(xend-dump-path " << dir_ << "/dump)\n(xend-auto-path " << dir_
        << "/auto)\n(xend-accel tcg)\n(xenstored-socket " << xenstored_->socket()
        << ")\n(xenstored-start no)\n";
    startXend();
  }

  void TearDown() override {
    if (dir_.empty()) {
      return;
    }
    // Destroy what is left through xend (cgroups, XenStore), then kill.
    if (auto all = call("domain.list")) {
      for (const auto& d : (*all)["domains"]) {
        if (!d["domid"].is_null() && d["domid"] != 0) {
          (void)call("domain.destroy", Json{{"dom", d["uuid"]}});
        }
      }
    }
    xend_.reset();  // SIGKILL: guests would stay, so stop any left here
    for (pid_t p : processesMentioning(dir_ + "/", kQemu)) {
      ::kill(p, SIGKILL);
    }
    waitFor([&] { return processesMentioning(dir_ + "/", kQemu).empty(); }, 10s);
    xenstored_.reset();
  }

  void startXend() {
    auto c = probe::Child::spawn({XEND_BIN, "-F", "--config", dir_ + "/xend-config.sxp"},
                                 dir_ + "/log/xend.stderr");
    ASSERT_TRUE(c) << c.error();
    xend_ = std::make_unique<probe::Child>(std::move(*c));
    ASSERT_TRUE(waitFor(
        [&] {
          auto r = RpcClient::connect(socket());
          return r && r->call("xend.ping", Json::object(), 5s).has_value();
        },
        60s))
        << slurp(dir_ + "/log/xend.stderr");
  }

  std::string socket() const { return dir_ + "/run/xend.sock"; }

  Expected<Json, RpcError> call(const std::string& method, const Json& params = Json::object()) {
    auto c = RpcClient::connect(socket());
    if (!c) {
      return unexpected(c.error());
    }
    return c->call(method, params, 120s);
  }

  config::DomainConfig guestConfig(const std::string& name) {
    config::DomainConfig c;
    c.name = name;
    c.kernel = guest_ + "/vmlinuz";
    c.ramdisk = guest_ + "/initrd.gz";
    c.memory = c.maxmem = 128;
    c.extra = "console=hvc0 xenia.name=" + name + " panic=0";
    c.cmdline = c.extra;
    return c;
  }

  // domain.create; returns the domid.
  int create(const config::DomainConfig& c, bool paused = false) {
    auto r = call("domain.create", Json{{"config", config::domainToJson(c)}, {"paused", paused}});
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? (*r)["domid"].get<int>() : -1;
  }

  Json info(const std::string& dom) {
    auto r = call("domain.list", Json{{"doms", Json::array({dom})}});
    return r ? (*r)["domains"][0] : Json();
  }

  bool consoleHas(const std::string& name, const std::string& text) {
    return slurp(dir_ + "/log/console/guest-" + name + ".log").find(text) != std::string::npos;
  }

  // Types a line on the guest's console through xend's multiplexer and
  // waits for `expect` in what comes back.
  bool consoleRoundTrip(const std::string& dom, const std::string& line,
                        const std::string& expect) {
    auto r = call("domain.console", Json{{"dom", dom}});
    if (!r) {
      return false;
    }
    std::string path = (*r)["socket"].get<std::string>();
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      return false;
    }
    timeval tv{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    std::string msg = line + "\n";
    bool found = waitFor(
        [&] {
          if (out.empty()) {
            (void)!::write(fd, msg.data(), msg.size());
          }
          char buf[4096];
          ssize_t n = ::read(fd, buf, sizeof buf);
          if (n > 0) {
            out.append(buf, static_cast<size_t>(n));
          }
          return out.find(expect) != std::string::npos;
        },
        30s);
    ::close(fd);
    return found;
  }

  xs::test::TempDir tmp_;
  std::string dir_;
  std::string guest_;
  std::unique_ptr<xs::test::Daemon> xenstored_;
  std::unique_ptr<probe::Child> xend_;
};

TEST_F(XendDaemonTest, GuestBootsWithItsXenstoreNodesPausesAndIsDestroyedCompletely) {
  config::DomainConfig c = guestConfig("xdt1");
  c.uuid = "6a1b6c2e-0f3d-4b5a-9c7e-2d4f6a8b0c1e";
  int id = create(c);
  ASSERT_GT(id, 0);
  ASSERT_TRUE(waitFor([&] { return consoleHas("xdt1", "XENIA-GUEST-READY xdt1"); }, 180s))
      << slurp(dir_ + "/log/console/guest-xdt1.log");

  Json row = info("xdt1");
  EXPECT_EQ(row["domid"], id);
  EXPECT_EQ(row["uuid"], c.uuid);
  EXPECT_EQ(row["memory"], 128);
  EXPECT_EQ(row["status"], 2);
  EXPECT_EQ(row["accel"], "tcg");
  EXPECT_EQ(row["state"].get<std::string>().find('p'), std::string::npos);

  auto xs = xs::Client::connect(xenstored_->socket());
  ASSERT_TRUE(xs);
  std::string home = "/local/domain/" + std::to_string(id);
  EXPECT_EQ((*xs)->read(home + "/name").value(), "xdt1");
  EXPECT_EQ((*xs)->read(home + "/domid").value(), std::to_string(id));
  EXPECT_EQ((*xs)->read(home + "/vm").value(), "/vm/" + c.uuid);
  EXPECT_EQ((*xs)->read(home + "/memory/target").value(), "131072");
  EXPECT_EQ((*xs)->read("/vm/" + c.uuid + "/name").value(), "xdt1");
  auto introduced = (*xs)->isDomainIntroduced(static_cast<uint32_t>(id));
  ASSERT_TRUE(introduced);
  EXPECT_TRUE(*introduced);

  // The same name or UUID again is refused, and changes nothing.
  auto dup = call("domain.create", Json{{"config", config::domainToJson(c)}});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "EEXIST");

  ASSERT_TRUE(call("domain.pause", Json{{"dom", "xdt1"}}));
  row = info("xdt1");
  EXPECT_EQ(row["state"], "--p---");
  EXPECT_EQ(row["status"], 1);
  ASSERT_TRUE(call("domain.unpause", Json{{"dom", std::to_string(id)}}));
  EXPECT_EQ(info(c.uuid)["state"].get<std::string>().find('p'), std::string::npos);
  EXPECT_TRUE(consoleRoundTrip("xdt1", "echo XE-$((40+2))", "XE-42"));

  auto qemus = processesMentioning(dir_ + "/", kQemu);
  ASSERT_EQ(qemus.size(), 1u);
  ASSERT_TRUE(call("domain.destroy", Json{{"dom", "xdt1"}}));
  auto missing = call("domain.list", Json{{"doms", Json::array({"xdt1"})}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "ESRCH");
  EXPECT_TRUE(processesMentioning(dir_ + "/", kQemu).empty());
  EXPECT_FALSE(fs::exists(dir_ + "/run/domains/" + std::to_string(id)));
  EXPECT_FALSE((*xs)->read(home + "/name"));
  EXPECT_FALSE((*xs)->read("/vm/" + c.uuid));
  EXPECT_FALSE((*xs)->read("/local/domain/0/backend/console/" + std::to_string(id)));
  EXPECT_FALSE(*(*xs)->isDomainIntroduced(static_cast<uint32_t>(id)));
  // The list is back to Domain-0 alone.
  auto all = call("domain.list");
  ASSERT_TRUE(all);
  EXPECT_EQ((*all)["domains"].size(), 1u);
}

TEST_F(XendDaemonTest, AFailedCreateLeavesNothingBehind) {
  auto xs = xs::Client::connect(xenstored_->socket());
  ASSERT_TRUE(xs);
  auto before = (*xs)->directory("/local/domain");
  ASSERT_TRUE(before);

  // Refused before anything starts: no kernel.
  config::DomainConfig c = guestConfig("xdt-nokernel");
  c.kernel = dir_ + "/no-such-kernel";
  auto r = call("domain.create", Json{{"config", config::domainToJson(c)}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "ENOENT");

  // Fails in QEMU, after the domid, the XenStore nodes and the spawn.
  c = guestConfig("xdt-baddisk");
  config::Disk disk;
  disk.backend = config::DiskBackend::kFile;
  disk.target = dir_ + "/no-such-image.img";
  disk.vdev = "xvda";
  c.disks.push_back(disk);
  r = call("domain.create", Json{{"config", config::domainToJson(c)}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "EIO");
  EXPECT_NE(r.error().message.find("no-such-image.img"), std::string::npos) << r.error().message;

  EXPECT_TRUE(processesMentioning(dir_ + "/", kQemu).empty());
  EXPECT_TRUE(fs::is_empty(dir_ + "/run/domains"));
  EXPECT_EQ((*xs)->directory("/local/domain").value(), before.value());
  auto vms = (*xs)->directory("/vm");
  EXPECT_TRUE(!vms || vms->size() <= 1) << "a /vm/<uuid> node is left";
  auto all = call("domain.list");
  ASSERT_TRUE(all);
  EXPECT_EQ((*all)["domains"].size(), 1u);
}

TEST_F(XendDaemonTest, KilledXendReattachesItsGuests) {
  int running = create(guestConfig("xdt-run"));
  int paused = create(guestConfig("xdt-paused"), true);
  ASSERT_GT(running, 0);
  ASSERT_GT(paused, 0);
  ASSERT_TRUE(waitFor([&] { return consoleHas("xdt-run", "XENIA-GUEST-READY xdt-run"); }, 180s));
  Json runBefore = info("xdt-run");
  Json pausedBefore = info("xdt-paused");
  EXPECT_EQ(pausedBefore["state"], "--p---");
  auto qemus = processesMentioning(dir_ + "/", kQemu);
  ASSERT_EQ(qemus.size(), 2u);

  pid_t old = xend_->pid();
  xend_->kill();  // SIGKILL
  EXPECT_NE(::kill(old, 0), 0);
  EXPECT_EQ(processesMentioning(dir_ + "/", kQemu), qemus);
  startXend();

  Json runAfter = info("xdt-run");
  Json pausedAfter = info("xdt-paused");
  for (const char* k : {"name", "domid", "uuid", "memory", "maxmem", "vcpus", "online_vcpus",
                        "status", "start_time", "accel", "managed", "type"}) {
    EXPECT_EQ(runAfter[k], runBefore[k]) << k;
    EXPECT_EQ(pausedAfter[k], pausedBefore[k]) << k;
  }
  // "r" (busy in the last second) or "b": a guest still settling after boot
  // may be either; a paused one is exactly the same, CPU time included.
  EXPECT_TRUE(runAfter["state"] == "r-----" || runAfter["state"] == "-b----") << runAfter;
  EXPECT_EQ(pausedAfter, pausedBefore);
  EXPECT_EQ(processesMentioning(dir_ + "/", kQemu), qemus);
  EXPECT_TRUE(consoleRoundTrip("xdt-run", "echo XE-$((6*7))", "XE-42"));
  ASSERT_TRUE(call("domain.unpause", Json{{"dom", "xdt-paused"}}));
  EXPECT_EQ(info("xdt-paused")["status"], 2);

  // A guest that died while xend was down is cleaned up at the next start.
  pid_t victim = 0;
  for (pid_t p : qemus) {
    if (slurp("/proc/" + std::to_string(p) + "/cmdline").find("guest=xdt-paused,") !=
        std::string::npos) {
      victim = p;
    }
  }
  ASSERT_GT(victim, 0);
  xend_->kill();
  ::kill(victim, SIGKILL);
  ASSERT_TRUE(waitFor([&] { return processesMentioning(dir_ + "/", kQemu).size() == 1; }, 10s));
  startXend();
  auto gone = call("domain.list", Json{{"doms", Json::array({"xdt-paused"})}});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, "ESRCH");
  EXPECT_FALSE(fs::exists(dir_ + "/run/domains/" + std::to_string(paused)));
  EXPECT_EQ(info("xdt-run")["domid"], running);
  ASSERT_TRUE(call("domain.destroy", Json{{"dom", "xdt-run"}}));
  EXPECT_TRUE(processesMentioning(dir_ + "/", kQemu).empty());
}

TEST_F(XendDaemonTest, ManagedDomainSuspendsResumesAndOutlivesXendStop) {
  config::DomainConfig c = guestConfig("xdt-man");
  c.uuid = "11111111-2222-3333-4444-555555555555";
  c.onXendStop = config::XendStopAction::kSuspend;
  ASSERT_TRUE(call("domain.new", Json{{"config", config::domainToJson(c)}}));
  std::string stateDir = dir_ + "/state/domains/" + c.uuid;
  EXPECT_TRUE(fs::exists(stateDir + "/config.json"));
  EXPECT_EQ(info("xdt-man")["status"], 0);
  EXPECT_TRUE(info("xdt-man")["domid"].is_null());

  ASSERT_TRUE(call("domain.start", Json{{"dom", "xdt-man"}}));
  ASSERT_TRUE(waitFor([&] { return consoleHas("xdt-man", "XENIA-GUEST-READY xdt-man"); }, 180s));
  auto readyLines = [&] {
    std::string log = slurp(dir_ + "/log/console/guest-xdt-man.log");
    size_t n = 0;
    for (size_t pos = 0; (pos = log.find("XENIA-GUEST-READY", pos)) != std::string::npos; ++pos) {
      ++n;
    }
    return n;
  };
  size_t boots = readyLines();

  // Saved to disk and restored where it was: no new boot.
  ASSERT_TRUE(call("domain.suspend", Json{{"dom", "xdt-man"}}));
  Json row = info("xdt-man");
  EXPECT_EQ(row["status"], 3);
  EXPECT_TRUE(row["domid"].is_null());
  EXPECT_TRUE(fs::exists(stateDir + "/checkpoint.chk"));
  EXPECT_TRUE(processesMentioning(dir_ + "/", kQemu).empty());
  auto start = call("domain.start", Json{{"dom", "xdt-man"}});
  ASSERT_FALSE(start);  // a suspended domain is resumed, not started
  auto resumed = call("domain.resume", Json{{"dom", "xdt-man"}});
  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_EQ(info("xdt-man")["status"], 2);
  EXPECT_FALSE(fs::exists(stateDir + "/checkpoint.chk"));
  EXPECT_TRUE(consoleRoundTrip("xdt-man", "echo XE-$((50-8))", "XE-42"));
  EXPECT_EQ(readyLines(), boots);

  // An unmanaged guest too; then xend stops with SIGTERM: on_xend_stop
  // suspends the managed one, the other keeps running.
  ASSERT_GT(create(guestConfig("xdt-plain")), 0);
  pid_t pid = xend_->pid();
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_TRUE(xend_->wait(120s, &status));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_TRUE(fs::exists(stateDir + "/checkpoint.chk"));
  auto qemus = processesMentioning(dir_ + "/", kQemu);
  ASSERT_EQ(qemus.size(), 1u);
  EXPECT_NE(slurp("/proc/" + std::to_string(qemus[0]) + "/cmdline").find("guest=xdt-plain,"),
            std::string::npos);

  // The auto dir: an xm config started when xend starts.
  std::ofstream(dir_ + "/auto/10-xdt-auto.cfg")
      << "name = \"xdt-auto\"\nkernel = \"" << guest_ << "/vmlinuz\"\nramdisk = \"" << guest_
      << "/initrd.gz\"\nmemory = 128\nextra = \"console=hvc0 xenia.name=xdt-auto\"\n"
      << "xenia_autostart_delay = 1\n";
  startXend();
  EXPECT_EQ(info("xdt-man")["status"], 3);
  EXPECT_EQ(info("xdt-plain")["status"], 2);
  ASSERT_TRUE(waitFor([&] { return info("xdt-auto")["status"] == 2; }, 60s));
  resumed = call("domain.resume", Json{{"dom", "xdt-man"}});
  ASSERT_TRUE(resumed) << resumed.error().code << " " << resumed.error().message
                       << slurp(dir_ + "/log/xend.stderr");
  EXPECT_TRUE(consoleRoundTrip("xdt-man", "echo XE-$((40+2))", "XE-42"));
  EXPECT_EQ(readyLines(), boots);

  for (const char* d : {"xdt-man", "xdt-plain", "xdt-auto"}) {
    EXPECT_TRUE(call("domain.destroy", Json{{"dom", d}})) << d;
  }
  EXPECT_EQ(info("xdt-man")["status"], 0);
  ASSERT_TRUE(call("domain.delete", Json{{"dom", "xdt-man"}}));
  EXPECT_FALSE(fs::exists(stateDir));
  EXPECT_TRUE(processesMentioning(dir_ + "/", kQemu).empty());
}

}  // namespace
}  // namespace xenia::xend
