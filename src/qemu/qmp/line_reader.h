// Splits the QMP byte stream into lines, each bounded by a hard cap: QEMU is
// untrusted ("Do not trust QEMU", libxl_qmp.c), so a line that grows past the
// cap is an error rather than an allocation. Pure; no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace xenia::qmp {

// QEMU's largest legitimate message (query-qmp-schema) is ~200 KiB in 7.2.
inline constexpr size_t kMaxMessageBytes = 1 << 20;

class LineReader {
 public:
  explicit LineReader(size_t maxLine = kMaxMessageBytes) : max_(maxLine) {}

  // Appends bytes. Returns false (and stays failed) when the current
  // unterminated line exceeds the cap.
  bool append(std::string_view bytes);

  // Takes the next complete line, without its "\n" or "\r\n". Returns false
  // when no complete line is buffered.
  bool next(std::string& line);

  bool failed() const { return failed_; }
  size_t buffered() const { return buf_.size() - pos_; }

 private:
  size_t max_;
  std::string buf_;
  size_t pos_ = 0;   // start of the first unconsumed byte
  size_t scan_ = 0;  // bytes in [pos_, scan_) hold no '\n'
  size_t tail_ = 0;  // start of the unterminated last line
  bool failed_ = false;
};

}  // namespace xenia::qmp
