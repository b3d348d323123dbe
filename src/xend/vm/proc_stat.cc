// /proc/<pid>/stat parsing and reading.
#include "xend/vm/proc_stat.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <string>

#include "common/unique_fd.h"

namespace xenia::xend {

std::optional<ProcStat> parseProcStat(std::string_view text) {
  size_t close = text.rfind(')');
  if (close == std::string_view::npos || close + 2 >= text.size()) {
    return std::nullopt;
  }
  // Fields after the name start at field 3 (state).
  std::string_view rest = text.substr(close + 2);
  ProcStat s;
  int field = 3;
  size_t pos = 0;
  while (pos < rest.size() && field <= 22) {
    size_t end = rest.find(' ', pos);
    if (end == std::string_view::npos) {
      end = rest.size();
    }
    std::string_view tok = rest.substr(pos, end - pos);
    auto num = [&](uint64_t* out) {
      auto r = std::from_chars(tok.data(), tok.data() + tok.size(), *out);
      return r.ec == std::errc() && r.ptr == tok.data() + tok.size();
    };
    if (field == 3) {
      if (tok.size() != 1) {
        return std::nullopt;
      }
      s.state = tok[0];
    } else if (field == 14 && !num(&s.utimeTicks)) {
      return std::nullopt;
    } else if (field == 15 && !num(&s.stimeTicks)) {
      return std::nullopt;
    } else if (field == 22) {
      if (!num(&s.startTicks)) {
        return std::nullopt;
      }
      return s;
    }
    ++field;
    pos = end + 1;
  }
  return std::nullopt;
}

std::optional<ProcStat> readProcStat(pid_t pid, pid_t tid) {
  std::string path = tid > 0 ? "/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) +
                                   "/stat"
                             : "/proc/" + std::to_string(pid) + "/stat";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return std::nullopt;
  }
  char buf[1024];
  ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n <= 0) {
    return std::nullopt;
  }
  return parseProcStat(std::string_view(buf, static_cast<size_t>(n)));
}

double cpuSeconds(const ProcStat& s) {
  static const long kTicks = ::sysconf(_SC_CLK_TCK);
  return static_cast<double>(s.utimeTicks + s.stimeTicks) / static_cast<double>(kTicks);
}

bool processMatches(pid_t pid, uint64_t startTicks) {
  if (pid <= 0) {
    return false;
  }
  auto s = readProcStat(pid);
  return s && s->state != 'Z' && s->state != 'X' && s->startTicks == startTicks;
}

}  // namespace xenia::xend
