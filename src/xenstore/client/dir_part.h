// Reassembly of a long child list from DIRECTORY_PART replies, following
// libxenstore's xs_directory_part(): byte offsets, restart from 0 when the
// node's generation changes, stop at the double NUL. Pure; the client does I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "xenstore/wire/wire.h"

namespace xenia::xs {

class DirPartAssembler {
 public:
  enum class Step { Continue, Done, Error };

  // Bounds against a daemon that never finishes: total list bytes and restarts.
  static constexpr size_t kMaxBytes = 16u << 20;
  static constexpr int kMaxRestarts = 64;

  // The offset to send in the next request ("path\0<offset>\0").
  size_t offset() const { return strings_.size(); }
  // Feeds one reply payload ("<gen>\0child\0...").
  Step feed(std::string_view reply);
  // Valid after Done: the child names.
  std::vector<std::string> children() const;
  // Valid after Error: E2BIG (too large) or EIO (malformed/endless).
  Err error() const { return error_; }

 private:
  std::string gen_;
  std::string strings_;
  int restarts_ = 0;
  Err error_ = Err::EIO_;
};

// Splits a DIRECTORY reply ("a\0b\0") into names.
std::vector<std::string> splitChildren(std::string_view payload);

}  // namespace xenia::xs
