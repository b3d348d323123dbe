// Trace file formatting; lines are buffered and flushed once per event-loop
// iteration.
#include "xenstore/server/trace.h"

#include <fmt/format.h>

#include <ctime>

namespace xenia::xs {

Trace::~Trace() { close(); }

bool Trace::open(const std::string& path) {
  close();
  path_ = path;
  return reopen();
}

bool Trace::reopen() {
  if (file_) {
    std::fclose(file_);
    file_ = nullptr;
  }
  if (path_.empty()) {
    return false;
  }
  file_ = std::fopen(path_.c_str(), "ae");
  return file_ != nullptr;
}

void Trace::close() {
  if (file_) {
    std::fclose(file_);
    file_ = nullptr;
  }
}

void Trace::flush() {
  if (file_) {
    std::fflush(file_);
  }
}

void Trace::stamp() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t;
  localtime_r(&ts.tv_sec, &t);
  fmt::format_to(std::back_inserter(line_), "{:04}{:02}{:02} {:02}:{:02}:{:02}.{:06}",
                 t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
                 ts.tv_nsec / 1000);
}

void Trace::message(bool out, ConnId conn, DomId domid, uint32_t type, uint32_t reqId,
                    uint32_t txId, std::string_view payload) {
  if (!file_) {
    return;
  }
  line_.clear();
  fmt::format_to(std::back_inserter(line_), "{} conn{} d{} ", out ? "OUT" : "IN", conn, domid);
  stamp();
  fmt::format_to(std::back_inserter(line_), " {} req={} tx={} (", msgTypeName(type), reqId,
                 txId);
  for (char c : payload) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\0') {
      line_.push_back(' ');
    } else if (u < 0x20 || u >= 0x7f || c == '\\') {
      fmt::format_to(std::back_inserter(line_), "\\x{:02x}", u);
    } else {
      line_.push_back(c);
    }
  }
  line_ += ")\n";
  std::fwrite(line_.data(), 1, line_.size(), file_);
}

void Trace::note(std::string_view text) {
  if (!file_) {
    return;
  }
  line_.assign(text);
  line_.push_back('\n');
  std::fwrite(line_.data(), 1, line_.size(), file_);
}

}  // namespace xenia::xs
