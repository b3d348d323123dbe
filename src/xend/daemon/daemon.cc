// Daemon construction, start-up (directories, host probes, XenStore,
// Domain-0, re-attach, managed domains, autostart, RPC socket), the run
// loop and the orderly stop (on_xend_stop).
#include "xend/daemon/daemon.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "common/log.h"
#include "qemu/probe/process.h"
#include "xend/daemon/host_probe.h"
#include "xend/daemon/rpc_server.h"
#include "xend/model/xs_layout.h"
#include "xenstore/client/paths.h"

namespace xenia::xend {

namespace fs = std::filesystem;

namespace {

class OsRandom : public config::Random {
 public:
  uint64_t next() override {
    return (static_cast<uint64_t>(dev_()) << 32) | static_cast<uint64_t>(dev_());
  }

 private:
  std::random_device dev_;
};

double nowEpoch() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

Expected<Ok, std::string> mkdirs(const std::string& path, mode_t mode) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) {
    return unexpected(fmt::format("Cannot create {}: {}.", path, ec.message()));
  }
  ::chmod(path.c_str(), mode);
  return Ok{};
}

}  // namespace

Daemon::Daemon(XendOptions opts, std::string selfDir)
    : opts_(std::move(opts)), selfDir_(std::move(selfDir)), rng_(std::make_unique<OsRandom>()) {}

Daemon::~Daemon() {
  rpc_.reset();
  // Vms deregister from the loop; QEMUs keep running.
  domains_.clear();
}

Expected<std::unique_ptr<Daemon>, std::string> Daemon::create(XendOptions opts,
                                                              std::string selfDir) {
  std::unique_ptr<Daemon> d(new Daemon(std::move(opts), std::move(selfDir)));
  if (auto r = d->start(); !r) {
    return unexpected(r.error());
  }
  return d;
}

void Daemon::event(const std::string& line) {
  log::get("xend")->info("{}", line);
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
  std::string entry = fmt::format("({}) {}\n", stamp, line);
  dmesgBytes_ += entry.size();
  dmesg_.push_back(std::move(entry));
  while (dmesgBytes_ > 64 * 1024 && !dmesg_.empty()) {
    dmesgBytes_ -= dmesg_.front().size();
    dmesg_.pop_front();
  }
}

Expected<Ok, std::string> Daemon::makeDirs() {
  for (const std::string& d : {opts_.runPath, opts_.runPath + "/domains"}) {
    if (auto r = mkdirs(d, 0700); !r) {
      return r;
    }
  }
  for (const std::string& d : {opts_.statePath, opts_.domainsPath, opts_.logDir,
                               opts_.logDir + "/console"}) {
    if (auto r = mkdirs(d, 0755); !r) {
      return r;
    }
  }
  return Ok{};
}

void Daemon::probeHost() {
  host_ = readHostSnapshot();
  auto a = chooseAccel(opts_.accel, opts_.qemuBinary, opts_.runPath);
  accel_ = a.accel;
  accelReason_ = a.reason;
  host_.accel = accel_;
  host_.accelReason = accelReason_;
  event(fmt::format("Accelerator {}: {}.", accel_, accelReason_));

  auto caps = probeQemuCaps(opts_.qemuBinary, opts_.statePath + "/qemu-caps");
  if (caps) {
    caps_ = std::move(*caps);
    capsOk_ = true;
    host_.qemuVersion = caps_.version.str();
  } else {
    capsError_ = caps.error();
    event(fmt::format("QEMU capability probe of {} failed: {}", opts_.qemuBinary, capsError_));
  }

  cgroupRoot_ = detectCgroupRoot();
  if (cgroupRoot_.version == CgroupVersion::kNone) {
    event("No CPU cgroup controller: xm sched-credit only records weight and cap.");
  }
  // A private run dir (tests, a second instance) gets its own cgroup parent
  // so two xends never share xenia/<domid>.
  if (opts_.runPath != defaultXendOptions().runPath) {
    cgroupParent_ = fmt::format("xenia-{:08x}",
                                static_cast<uint32_t>(std::hash<std::string>{}(opts_.runPath)));
  }

  if (!opts_.qemuUser.empty()) {
    if (::getpwnam(opts_.qemuUser.c_str()) != nullptr) {
      runAs_ = opts_.qemuUser;
    } else {
      event(fmt::format("QEMU user '{}' does not exist: QEMU runs as root.", opts_.qemuUser));
    }
  }
}

Expected<Ok, std::string> Daemon::connectXenstore() {
  xsSocket_ = opts_.xenstoredSocket.empty() ? xs::daemonSocketPath() : opts_.xenstoredSocket;
  auto c = xs::Client::connect(xsSocket_);
  if (c) {
    xs_ = std::move(*c);
    return Ok{};
  }
  if (!opts_.startXenstored) {
    return unexpected(fmt::format("Cannot connect to xenstored at {}: {}.", xsSocket_,
                                  std::strerror(c.error())));
  }
  fs::path sock(xsSocket_);
  if (sock.filename() != "socket") {
    return unexpected(fmt::format(
        "No xenstored answers at {} and xend can only start one whose socket is "
        "<dir>/socket.",
        xsSocket_));
  }
  std::string bin = selfDir_ + "/xenstored";
  if (::access(bin.c_str(), X_OK) != 0) {
    bin = "/usr/sbin/xenstored";
  }
  probe::RunOptions ro;
  ro.argv = {bin, "--rundir", sock.parent_path().string(), "--log-file",
             opts_.logDir + "/xenstored.log"};
  ro.timeout = std::chrono::milliseconds(20000);
  event(fmt::format("No xenstored at {}: starting {}.", xsSocket_, bin));
  auto run = probe::runProgram(ro);
  if (!run || !run->exited || run->exitCode != 0) {
    return unexpected(fmt::format("Cannot start {}: {}", bin,
                                  run ? run->describe() + " " + run->err : run.error()));
  }
  for (int i = 0; i < 100; ++i) {
    c = xs::Client::connect(xsSocket_);
    if (c) {
      xs_ = std::move(*c);
      return Ok{};
    }
    ::usleep(50000);
  }
  return unexpected(fmt::format("xenstored started but {} does not answer.", xsSocket_));
}

Expected<Ok, std::string> Daemon::start() {
  startedAt_ = nowEpoch();
  if (auto r = makeDirs(); !r) {
    return r;
  }
  int p[2];
  if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) {
    return unexpected(fmt::format("pipe2: {}.", std::strerror(errno)));
  }
  wakeRead_.reset(p[0]);
  wakeWrite_.reset(p[1]);
  loop_.add(wakeRead_.get(), EPOLLIN, [this](uint32_t) {
    char buf[64];
    while (::read(wakeRead_.get(), buf, sizeof buf) > 0) {
    }
    onStopSignal();
  });

  probeHost();
  if (auto r = connectXenstore(); !r) {
    return r;
  }
  writeDom0Nodes();
  loadManaged();
  reattachAll();
  startNetwork();

  auto rpc = RpcServer::listen(
      loop_, opts_.runPath + "/xend.sock",
      [this](const std::string& m, const Json& p) { return handle(m, p); });
  if (!rpc) {
    return unexpected(rpc.error());
  }
  rpc_ = std::move(*rpc);
  event(fmt::format("xend listening on {}.", rpc_->path()));
  sampleTick();
  autostart();
  return Ok{};
}

void Daemon::sampleTick() {
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - lastSample_).count();
  lastSample_ = now;
  for (auto& [k, d] : domains_) {
    if (d->running()) {
      sampleVcpus(*d, elapsed);
    }
  }
  loop_.addTimer(std::chrono::milliseconds(1000), [this] { sampleTick(); });
}

void Daemon::requestStop() {
  char c = 1;
  (void)!::write(wakeWrite_.get(), &c, 1);
}

void Daemon::onStopSignal() {
  if (!stopping_) {
    stopping_ = true;
    loop_.stop();
  }
}

int Daemon::run() {
  loop_.run();
  // No new requests while on_xend_stop runs.
  rpc_.reset();
  applyXendStop();
  stopNetwork();
  event("xend stopped.");
  return 0;
}

}  // namespace xenia::xend
