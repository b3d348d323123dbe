// Vm operations on a running guest: run control, balloon, vCPU hotplug and
// pinning, NMI and sysrq keys, memory dumps.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "qemu/qmp/calls.h"
#include "xend/vm/affinity.h"
#include "xend/vm/vm.h"

namespace xenia::xend {

namespace {

std::string qmpError(const qmp::Error& e) {
  return e.kind == qmp::ErrorKind::kCommand ? e.desc : e.message();
}

}  // namespace

qmp::Reply Vm::call(qmp::Command cmd, Ms timeout) {
  if (!qmp_ || qmp_->closed()) {
    return unexpected(qmp::localError(qmp::ErrorKind::kClosed, "QEMU's monitor is not connected."));
  }
  return qmp_->call(std::move(cmd), timeout);
}

Expected<Ok, std::string> Vm::simple(qmp::Command cmd) {
  auto r = call(std::move(cmd));
  if (!r) {
    return unexpected(qmpError(r.error()));
  }
  return Ok{};
}

Expected<Ok, std::string> Vm::cont() {
  auto r = simple(qmp::cmd::cont());
  if (r && (state_ == RunState::kStarting || state_ == RunState::kPaused)) {
    setState(RunState::kRunning, std::nullopt);
  }
  return r;
}

Expected<Ok, std::string> Vm::stop() {
  auto r = simple(qmp::cmd::stop());
  if (r && state_ == RunState::kRunning) {
    setState(RunState::kPaused, std::nullopt);
  }
  return r;
}

Expected<Ok, std::string> Vm::powerdown() { return simple(qmp::cmd::systemPowerdown()); }
Expected<Ok, std::string> Vm::reset() {
  // With -action reboot=shutdown QEMU turns every reset request into a
  // shutdown, ours too (it decides when the request is made). And SeaBIOS
  // answers a warm reset with a hard reset of its own a moment later. So a
  // reset xend asks for runs with reboot=reset, kept for a few seconds;
  // then guest reboots are reported again.
  if (auto r = simple(qmp::Command("set-action", {{"reboot", "reset"}})); !r) {
    return r;
  }
  auto r = simple(qmp::cmd::systemReset());
  if (resetTimer_) {
    loop_.cancelTimer(resetTimer_);
  }
  std::weak_ptr<bool> alive = alive_;
  resetTimer_ = loop_.addTimer(kResetWindow, [this, alive] {
    if (auto a = alive.lock(); a && *a) {
      resetTimer_ = 0;
      (void)simple(qmp::Command("set-action", {{"reboot", "shutdown"}}));
    }
  });
  return r;
}

Expected<Ok, std::string> Vm::wakeup() { return simple(qmp::Command("system_wakeup")); }
Expected<Ok, std::string> Vm::injectNmi() { return simple(qmp::cmd::injectNmi()); }

Expected<Ok, std::string> Vm::sysrq(char key) {
  if (!((key >= 'a' && key <= 'z') || (key >= '0' && key <= '9'))) {
    return unexpected(fmt::format("'{}' is not a sysrq key.", key));
  }
  return simple(qmp::cmd::sendKey({"alt", "sysrq", std::string(1, key)}));
}

Expected<Ok, std::string> Vm::balloon(int64_t mib) {
  if (mib <= 0) {
    return unexpected(std::string("The memory target must be positive."));
  }
  return simple(qmp::cmd::balloon(mib * 1024 * 1024));
}

Expected<std::vector<VcpuThread>, std::string> Vm::vcpuThreads(bool refresh) {
  if (!vcpus_.empty() && !refresh) {
    return vcpus_;
  }
  auto r = call(qmp::cmd::queryCpusFast());
  if (!r) {
    return unexpected(qmpError(r.error()));
  }
  auto cpus = qmp::parseCpusFast(*r);
  if (!cpus) {
    return unexpected(qmpError(cpus.error()));
  }
  std::vector<VcpuThread> out;
  for (const auto& c : *cpus) {
    out.push_back({static_cast<int>(c.cpuIndex), static_cast<pid_t>(c.threadId)});
  }
  std::sort(out.begin(), out.end(),
            [](const VcpuThread& a, const VcpuThread& b) { return a.index < b.index; });
  vcpus_ = out;
  return out;
}

Expected<int, std::string> Vm::setVcpuCount(int count) {
  auto r = call(qmp::Command("query-hotpluggable-cpus"));
  if (!r) {
    return unexpected(qmpError(r.error()));
  }
  if (!r->is_array()) {
    return unexpected(std::string("QEMU sent a malformed query-hotpluggable-cpus reply."));
  }
  // Slots in topology order: socket, die, core, thread.
  struct Slot {
    std::tuple<int64_t, int64_t, int64_t, int64_t> key;
    std::string type;
    nlohmann::json props;
    std::string qomPath;
  };
  std::vector<Slot> slots;
  for (const auto& e : *r) {
    if (!e.is_object() || !e.contains("props") || !e["props"].is_object() ||
        !e.contains("type") || !e["type"].is_string()) {
      return unexpected(std::string("QEMU sent a malformed query-hotpluggable-cpus entry."));
    }
    auto num = [&](const char* k) -> int64_t {
      auto it = e["props"].find(k);
      return it != e["props"].end() && it->is_number_integer() ? it->get<int64_t>() : 0;
    };
    Slot s;
    s.key = {num("socket-id"), num("die-id"), num("core-id"), num("thread-id")};
    s.type = e["type"].get<std::string>();
    s.props = e["props"];
    if (e.contains("qom-path") && e["qom-path"].is_string()) {
      s.qomPath = e["qom-path"].get<std::string>();
    }
    slots.push_back(std::move(s));
  }
  std::sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) { return a.key < b.key; });
  if (count < 1 || count > static_cast<int>(slots.size())) {
    return unexpected(fmt::format("The vCPU count must be between 1 and {}.", slots.size()));
  }
  int plugged = 0;
  for (const auto& s : slots) {
    plugged += s.qomPath.empty() ? 0 : 1;
  }
  // Plug the lowest free slots; unplug the highest plugged ones.
  for (size_t i = 0; i < slots.size() && plugged < count; ++i) {
    if (!slots[i].qomPath.empty()) {
      continue;
    }
    nlohmann::json props = slots[i].props;
    props.erase("node-id");
    auto add = call(qmp::cmd::deviceAdd(slots[i].type, fmt::format("vcpu{}", i), props));
    if (!add) {
      return unexpected(qmpError(add.error()));
    }
    ++plugged;
  }
  for (size_t i = slots.size(); i-- > 1 && plugged > count;) {
    if (slots[i].qomPath.empty()) {
      continue;
    }
    // device_del takes an id or a QOM path; CPUs from -smp have no id.
    auto del = call(qmp::cmd::deviceDel(slots[i].qomPath));
    if (!del) {
      return unexpected(qmpError(del.error()));
    }
    --plugged;
  }
  vcpus_.clear();
  return plugged;
}

Expected<Ok, std::string> Vm::pinVcpu(int vcpu, const std::vector<int>& cpus) {
  auto threads = vcpuThreads(true);
  if (!threads) {
    return unexpected(threads.error());
  }
  for (const auto& t : *threads) {
    if (t.index == vcpu) {
      return setThreadAffinity(t.tid, cpus);
    }
  }
  return unexpected(fmt::format("VCPU {} does not exist.", vcpu));
}

Expected<Ok, std::string> Vm::dumpCore(const std::string& path, Ms timeout) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) {
    return unexpected(fmt::format("Cannot create {}: {}.", path, std::strerror(errno)));
  }
  const std::string name = "xenia-dump";
  auto got = call(qmp::cmd::getfd(name, std::move(fd)));
  if (!got) {
    return unexpected(qmpError(got.error()));
  }
  // Synchronous: QEMU stops the guest while it writes and resumes it after.
  auto r = call(qmp::cmd::dumpGuestMemory("fd:" + name), timeout);
  if (!r) {
    (void)call(qmp::cmd::closefd(name));
    return unexpected(qmpError(r.error()));
  }
  return Ok{};
}

}  // namespace xenia::xend
