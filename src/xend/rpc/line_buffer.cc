// LineBuffer: one scan of each fed chunk finds the line ends and checks every
// line's length; next() then cuts lines off the front without rescanning far.
#include "xend/rpc/line_buffer.h"

#include <cstring>

namespace xenia::xend {

bool LineBuffer::feed(std::string_view bytes) {
  if (overflowed_) {
    return false;
  }
  // Reclaim the consumed prefix before growing, so a long-lived connection's
  // buffer stays about one line long.
  if (start_ > 0 && (start_ == buf_.size() || start_ >= buf_.size() / 2)) {
    buf_.erase(0, start_);
    tail_ -= start_;
    start_ = 0;
  }
  size_t scanFrom = buf_.size();
  buf_.append(bytes.data(), bytes.size());
  const char* base = buf_.data();
  size_t end = buf_.size();
  size_t pos = scanFrom;
  while (pos < end) {
    const void* nl = std::memchr(base + pos, '\n', end - pos);
    if (nl == nullptr) {
      break;
    }
    size_t at = static_cast<size_t>(static_cast<const char*>(nl) - base);
    if (at - tail_ > maxLine_) {
      // Keep only the complete lines before the offending one.
      buf_.resize(tail_);
      overflowed_ = true;
      return false;
    }
    tail_ = at + 1;
    pos = at + 1;
  }
  if (end - tail_ > maxLine_) {
    buf_.resize(tail_);
    overflowed_ = true;
    return false;
  }
  return true;
}

std::optional<std::string> LineBuffer::next() {
  if (start_ >= tail_) {
    return std::nullopt;
  }
  // Everything before tail_ is complete lines, so a '\n' exists in range.
  const char* base = buf_.data();
  const void* nl = std::memchr(base + start_, '\n', tail_ - start_);
  size_t at = static_cast<size_t>(static_cast<const char*>(nl) - base);
  std::string line(base + start_, at - start_);
  start_ = at + 1;
  if (start_ == buf_.size()) {
    buf_.clear();
    start_ = 0;
    tail_ = 0;
  }
  return line;
}

}  // namespace xenia::xend
