// sched_{set,get}affinity wrappers for vCPU threads.
#include "xend/vm/affinity.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "common/unique_fd.h"

namespace xenia::xend {

namespace {

constexpr int kMaxCpus = 4096;

struct CpuMask {
  CpuMask() : set(CPU_ALLOC(kMaxCpus)), size(CPU_ALLOC_SIZE(kMaxCpus)) { CPU_ZERO_S(size, set); }
  ~CpuMask() { CPU_FREE(set); }
  CpuMask(const CpuMask&) = delete;
  CpuMask& operator=(const CpuMask&) = delete;
  std::vector<int> list() const {
    std::vector<int> out;
    for (int c = 0; c < kMaxCpus; ++c) {
      if (CPU_ISSET_S(c, size, set)) {
        out.push_back(c);
      }
    }
    return out;
  }
  cpu_set_t* set;
  size_t size;
};

}  // namespace

std::vector<int> hostCpus() {
  CpuMask m;
  if (::sched_getaffinity(0, m.size, m.set) != 0) {
    return {0};
  }
  return m.list();
}

Expected<Ok, std::string> setThreadAffinity(pid_t tid, const std::vector<int>& cpus) {
  CpuMask m;
  for (int c : cpus.empty() ? hostCpus() : cpus) {
    if (c < 0 || c >= kMaxCpus) {
      return unexpected(fmt::format("CPU {} is out of range.", c));
    }
    CPU_SET_S(c, m.size, m.set);
  }
  if (::sched_setaffinity(tid, m.size, m.set) != 0) {
    return unexpected(fmt::format("Cannot set the affinity of thread {}: {}.", tid,
                                  std::strerror(errno)));
  }
  return Ok{};
}

Expected<std::vector<int>, std::string> threadAffinity(pid_t tid) {
  CpuMask m;
  if (::sched_getaffinity(tid, m.size, m.set) != 0) {
    return unexpected(fmt::format("Cannot read the affinity of thread {}: {}.", tid,
                                  std::strerror(errno)));
  }
  return m.list();
}

int parseLastCpu(const std::string& statLine) {
  size_t close = statLine.rfind(')');
  if (close == std::string::npos) {
    return -1;
  }
  // Field 3 starts after ") ".
  int field = 3;
  size_t pos = close + 2;
  while (pos < statLine.size()) {
    size_t end = statLine.find(' ', pos);
    if (end == std::string::npos) {
      end = statLine.size();
    }
    if (field == 39) {
      int cpu = -1;
      auto r = std::from_chars(statLine.data() + pos, statLine.data() + end, cpu);
      return r.ec == std::errc() ? cpu : -1;
    }
    ++field;
    pos = end + 1;
  }
  return -1;
}

int lastCpu(pid_t pid, pid_t tid) {
  std::string path = fmt::format("/proc/{}/task/{}/stat", pid, tid);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return -1;
  }
  char buf[1024];
  ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n <= 0) {
    return -1;
  }
  return parseLastCpu(std::string(buf, static_cast<size_t>(n)));
}

}  // namespace xenia::xend
