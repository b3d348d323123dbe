// Bounded splitting of a byte stream into '\n'-terminated lines, for both
// ends of the xm<->xend socket. Feed it whatever read() returned (blocking
// client or epoll loop alike); it hands back complete lines and refuses to
// hold a line longer than its bound, so a peer cannot make us buffer forever.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace xenia::xend {

class LineBuffer {
 public:
  // The protocol's bound: a longer line closes the connection.
  static constexpr size_t kMaxLine = size_t{1} << 20;

  explicit LineBuffer(size_t maxLine = kMaxLine) : maxLine_(maxLine) {}

  // Appends bytes. Returns false once some line (complete or still growing)
  // exceeds maxLine (the '\n' not counted); the buffer then stays overflowed
  // and drops further input. Lines completed before the long one can still
  // be taken with next(), so a pipelining peer gets its earlier answers.
  // Drain next() after every feed(): complete lines are held until taken.
  bool feed(std::string_view bytes);

  // The next complete line without its '\n', or nullopt when none is complete.
  std::optional<std::string> next();

  bool overflowed() const { return overflowed_; }
  // Bytes held: complete lines not yet taken plus the partial tail.
  size_t pending() const { return buf_.size() - start_; }
  // A partial line is buffered (at EOF this means the peer cut a line short).
  bool hasPartial() const { return tail_ < buf_.size(); }
  size_t maxLine() const { return maxLine_; }

 private:
  size_t maxLine_;
  std::string buf_;
  size_t start_ = 0;  // first byte not yet returned by next()
  size_t tail_ = 0;   // start of the incomplete last line; lines before it are complete
  bool overflowed_ = false;
};

}  // namespace xenia::xend
