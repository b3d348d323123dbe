// QMP line framing with a per-line cap.
#include "qemu/qmp/line_reader.h"

namespace xenia::qmp {

bool LineReader::append(std::string_view bytes) {
  if (failed_) {
    return false;
  }
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = scan_ = tail_ = 0;
  }
  size_t oldSize = buf_.size();
  buf_.append(bytes.data(), bytes.size());
  // Only the unterminated tail counts against the cap here (complete lines are
  // checked when taken), and only the new bytes need scanning for it.
  size_t nl = bytes.rfind('\n');
  if (nl != std::string_view::npos) {
    tail_ = oldSize + nl + 1;
  } else if (tail_ < pos_) {
    tail_ = pos_;
  }
  if (buf_.size() - tail_ > max_ + 1) {  // +1: room for the "\r" of "\r\n"
    failed_ = true;
  }
  return !failed_;
}

bool LineReader::next(std::string& line) {
  if (failed_) {
    return false;
  }
  size_t from = scan_ > pos_ ? scan_ : pos_;
  size_t nl = buf_.find('\n', from);
  if (nl == std::string::npos) {
    scan_ = buf_.size();
    // Compact once the consumed prefix dominates, so a long session does not
    // keep every line it ever read.
    if (pos_ > 0 && pos_ >= buf_.size() / 2) {
      buf_.erase(0, pos_);
      scan_ -= pos_;
      tail_ = tail_ > pos_ ? tail_ - pos_ : 0;
      pos_ = 0;
    }
    return false;
  }
  size_t end = nl;
  if (end > pos_ && buf_[end - 1] == '\r') {
    --end;
  }
  if (end - pos_ > max_) {
    failed_ = true;
    return false;
  }
  line.assign(buf_, pos_, end - pos_);
  pos_ = nl + 1;
  scan_ = pos_;
  return true;
}

}  // namespace xenia::qmp
