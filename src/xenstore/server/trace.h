// The -T trace file: one line per request and reply (and per connection
// created or destroyed), shaped like C xenstored's trace so the two can be
// compared side by side. Only touched when tracing is on.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "xenstore/store/engine.h"

namespace xenia::xs {

class Trace {
 public:
  Trace() = default;
  ~Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  // Opens (appending) path; false with errno set on failure.
  bool open(const std::string& path);
  // Re-opens the same file (log rotation, CONTROL "log on").
  bool reopen();
  void close();
  bool enabled() const { return file_ != nullptr; }
  const std::string& path() const { return path_; }

  // "IN conn3 d0 20261126 15:29:17 READ req=1 tx=0 (/a/b )": NUL bytes show
  // as spaces as in C xenstored, other unprintable bytes as \xNN.
  void message(bool out, ConnId conn, DomId domid, uint32_t type, uint32_t reqId,
               uint32_t txId, std::string_view payload);
  // Free-form line ("CREATE connection 3 d5").
  void note(std::string_view text);
  void flush();

 private:
  void stamp();

  std::FILE* file_ = nullptr;
  std::string path_;
  std::string line_;
};

}  // namespace xenia::xs
