// Vm: spawning/adopting QEMU, the QMP and pidfd registrations, event
// handling and termination. Operations on a running guest: vm_ops.cc.
#include "xend/vm/vm.h"

#include <signal.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <fmt/format.h>

#include "common/log.h"
#include "qemu/qmp/calls.h"
#include "xend/vm/proc_stat.h"
#include "xend/vm/spawn.h"
#include "xend/vm/vm_record.h"

namespace xenia::xend {

using Clock = std::chrono::steady_clock;

Vm::Vm(EventLoop& loop, VmPaths paths, VmCallbacks cb)
    : loop_(loop), paths_(std::move(paths)), cb_(std::move(cb)) {}

Vm::~Vm() {
  *alive_ = false;
  if (resetTimer_) {
    loop_.cancelTimer(resetTimer_);
  }
  console_.reset();
  if (qmp_) {
    if (loop_.watching(qmp_->fd())) {
      loop_.remove(qmp_->fd());
    }
    qmp_.reset();
  }
  if (pidfd_) {
    loop_.remove(pidfd_.get());
  }
}

void Vm::defer(std::function<void()> f) {
  std::weak_ptr<bool> alive = alive_;
  loop_.addTimer(Ms(0), [alive, f = std::move(f)]() {
    if (auto a = alive.lock(); a && *a) {
      f();
    }
  });
}

std::string Vm::logTail() const {
  auto text = readSmallFile(paths_.qemuLog, 64 << 20);
  if (!text) {
    return "";
  }
  std::string t = *text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) {
    t.pop_back();
  }
  size_t cut = t.size() > 400 ? t.size() - 400 : 0;
  size_t nl = t.rfind('\n', t.size() > 0 ? t.size() - 1 : 0);
  // The last line is what QEMU said when it gave up.
  if (nl != std::string::npos && nl + 1 >= cut) {
    cut = nl + 1;
  }
  return t.substr(cut);
}

Expected<std::unique_ptr<Vm>, std::string> Vm::spawn(EventLoop& loop,
                                                     const std::vector<std::string>& argv,
                                                     const VmPaths& paths, VmCallbacks cb,
                                                     const std::vector<int>& inheritFds,
                                                     Ms startTimeout) {
  std::unique_ptr<Vm> vm(new Vm(loop, paths, std::move(cb)));
  vm->spawnedAt_ = std::chrono::steady_clock::now();
  auto pid = spawnDetached({argv, paths.qemuLog, inheritFds});
  if (!pid) {
    return unexpected(pid.error());
  }
  vm->pid_ = *pid;
  auto pidfd = openPidfd(*pid);
  if (!pidfd) {
    ::kill(*pid, SIGKILL);
    return unexpected(pidfd.error());
  }
  vm->pidfd_ = std::move(*pidfd);
  auto fail = [&](const std::string& why) -> Expected<std::unique_ptr<Vm>, std::string> {
    vm->terminate(Ms(0));
    return unexpected(why);
  };
  if (auto st = readProcStat(*pid)) {
    vm->startTicks_ = st->startTicks;
  }
  if (auto r = vm->connectQmp(startTimeout); !r) {
    return fail(r.error());
  }
  auto status = qmp::queryStatus(*vm->qmp_, kQmpTimeout);
  if (!status) {
    return fail("QEMU did not report its status: " + status.error().message());
  }
  vm->readyAt_ = std::chrono::steady_clock::now();
  vm->state_ = stateFromStatus(status->status).next;
  if (auto r = vm->startConsole(); !r) {
    return fail(r.error());
  }
  (void)vm->vcpuThreads(true);
  Vm* self = vm.get();
  loop.add(vm->pidfd_.get(), EPOLLIN, [self](uint32_t) { self->onPidfd(); });
  return vm;
}

Expected<std::unique_ptr<Vm>, std::string> Vm::attach(EventLoop& loop, pid_t pid,
                                                      uint64_t startTicks, const VmPaths& paths,
                                                      VmCallbacks cb) {
  if (!processMatches(pid, startTicks)) {
    return unexpected(fmt::format("QEMU (pid {}) is no longer running.", pid));
  }
  std::unique_ptr<Vm> vm(new Vm(loop, paths, std::move(cb)));
  vm->pid_ = pid;
  vm->startTicks_ = startTicks;
  auto pidfd = openPidfd(pid);
  if (!pidfd) {
    return unexpected(pidfd.error());
  }
  vm->pidfd_ = std::move(*pidfd);
  // The pid may have been re-used between the check and pidfd_open.
  if (!processMatches(pid, startTicks)) {
    return unexpected(fmt::format("QEMU (pid {}) is no longer running.", pid));
  }
  if (auto r = vm->connectQmp(Ms(5000)); !r) {
    return unexpected(r.error());
  }
  auto status = qmp::queryStatus(*vm->qmp_, kQmpTimeout);
  if (!status) {
    return unexpected("QEMU did not report its status: " + status.error().message());
  }
  Transition t = stateFromStatus(status->status);
  vm->state_ = t.next;
  vm->pendingExit_ = t.exit;
  // An xend that died within a reset window (see reset()) left reboot=reset.
  (void)vm->simple(qmp::Command("set-action", {{"reboot", "shutdown"}}));
  if (auto r = vm->startConsole(); !r) {
    return unexpected(r.error());
  }
  (void)vm->vcpuThreads(true);
  Vm* self = vm.get();
  loop.add(vm->pidfd_.get(), EPOLLIN, [self](uint32_t) { self->onPidfd(); });
  return vm;
}

Expected<Ok, std::string> Vm::connectQmp(Ms timeout) {
  auto deadline = Clock::now() + timeout;
  qmp::ClientHandlers h;
  h.onEvent = [this](const qmp::Event& e) { onQmpEvent(e); };
  h.onClosed = [this](const qmp::Error&) { onQmpClosed(); };
  auto exitedAtStart = [&]() -> Expected<Ok, std::string> {
    std::string tail = logTail();
    return unexpected(tail.empty() ? std::string("QEMU exited at start.")
                                   : fmt::format("QEMU exited at start: {}", tail));
  };
  // Connect first, retrying while QEMU has not created the socket yet, and
  // noticing a QEMU that dies meanwhile. Only then negotiate, once, with the
  // whole remaining time: a connection given up halfway would leave QEMU
  // with a queued reply that it then sends to the next connection.
  UniqueFd fd;
  for (;;) {
    auto c = qmp::connectUnixSocket(paths_.qmpSocket);
    if (c) {
      fd = std::move(*c);
      break;
    }
    if (waitPidfd(pidfd_.get(), 0)) {
      return exitedAtStart();
    }
    if (Clock::now() >= deadline) {
      return unexpected(fmt::format("QEMU did not open its QMP socket {}: {}", paths_.qmpSocket,
                                    c.error().message()));
    }
    // Short: every millisecond here is added to the guest's boot time (QEMU
    // opens the socket ~100 ms after exec); a failed connect costs microseconds.
    ::usleep(2000);
  }
  qmp_ = qmp::Client::adopt(std::move(fd), h);
  auto left = std::chrono::duration_cast<Ms>(deadline - Clock::now());
  if (auto r = qmp_->waitReady(std::max(left, Ms(1000))); !r) {
    qmp_.reset();
    // Usually QEMU closed the monitor because it is exiting over a bad
    // argument: give it a moment, then report its own words.
    if (waitPidfd(pidfd_.get(), 3000)) {
      return exitedAtStart();
    }
    return unexpected("QEMU's monitor did not answer: " + r.error().message());
  }
  qmp::Client* client = qmp_.get();
  loop_.add(client->fd(), EPOLLIN, [this, client](uint32_t) {
    if (qmp_.get() == client && !client->closed()) {
      client->onReadable();
    }
  });
  return Ok{};
}

Expected<Ok, std::string> Vm::startConsole() {
  if (paths_.consoleSocket.empty()) {
    return Ok{};
  }
  auto m = ConsoleMux::start(loop_, paths_.consoleSocket, paths_.muxSocket);
  if (!m) {
    return unexpected(m.error());
  }
  console_ = std::move(*m);
  return Ok{};
}

void Vm::onQmpEvent(const qmp::Event& e) {
  log::get("xend")->debug("QEMU {} event {} {}", pid_, e.name, e.data.dump());
  Transition t = applyEvent(state_, e.name, e.data);
  if (t.next != state_ || t.exit) {
    setState(t.next, t.exit);
  }
}

void Vm::onQmpClosed() {
  // Runs inside the client's own call; deregister now, free later.
  if (qmp_ && loop_.watching(qmp_->fd())) {
    loop_.remove(qmp_->fd());
  }
}

void Vm::setState(RunState s, std::optional<GuestExit> exit) {
  state_ = s;
  if (cb_.onState) {
    defer([this, s] { cb_.onState(s); });
  }
  if (exit && cb_.onGuestExit) {
    GuestExit e = *exit;
    defer([this, e] { cb_.onGuestExit(e); });
  }
}

void Vm::onPidfd() {
  if (exited_) {
    return;
  }
  exited_ = true;
  int status = reapPidfd(pidfd_.get());
  loop_.remove(pidfd_.get());
  if (console_) {
    console_->drain();
  }
  console_.reset();
  beforeExit_ = state_;
  Transition t = applyProcessExit(state_);
  state_ = t.next;
  if (cb_.onProcessExit) {
    defer([this, status] { cb_.onProcessExit(status); });
  }
}

double Vm::cpuSeconds() const {
  if (exited_) {
    return 0;
  }
  if (vcpus_.empty()) {
    auto s = readProcStat(pid_);
    return s ? xend::cpuSeconds(*s) : 0;
  }
  double sum = 0;
  for (const auto& t : vcpus_) {
    if (auto s = readProcStat(pid_, t.tid)) {
      sum += xend::cpuSeconds(*s);
    }
  }
  return sum;
}

void Vm::terminate(Ms grace) {
  if (!exited_) {
    if (grace.count() > 0 && qmp_ && !qmp_->closed()) {
      (void)qmp::quit(*qmp_, grace);
    }
    if (grace.count() == 0 || !waitPidfd(pidfd_.get(), static_cast<int>(grace.count()))) {
      signalPidfd(pidfd_.get(), SIGKILL);
      waitPidfd(pidfd_.get(), 10000);
    }
    exited_ = true;
    (void)reapPidfd(pidfd_.get());
    beforeExit_ = state_;
    state_ = RunState::kDead;
  }
  console_.reset();
  if (pidfd_ && loop_.watching(pidfd_.get())) {
    loop_.remove(pidfd_.get());
  }
  if (qmp_ && loop_.watching(qmp_->fd())) {
    loop_.remove(qmp_->fd());
  }
}

}  // namespace xenia::xend
