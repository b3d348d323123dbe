// DIRECTORY_PART reassembly (see dir_part.h for the protocol it follows).
#include "xenstore/client/dir_part.h"

namespace xenia::xs {

DirPartAssembler::Step DirPartAssembler::feed(std::string_view reply) {
  size_t nul = reply.find('\0');
  if (nul == std::string_view::npos) {
    error_ = Err::EIO_;
    return Step::Error;
  }
  std::string_view gen = reply.substr(0, nul);
  std::string_view part = reply.substr(nul + 1);
  if (!strings_.empty() && gen != gen_) {
    // The directory changed between parts: start again, as libxenstore does.
    if (++restarts_ > kMaxRestarts) {
      error_ = Err::EAGAIN_;
      return Step::Error;
    }
    strings_.clear();
    gen_.clear();
    return Step::Continue;
  }
  if (strings_.empty()) {
    gen_ = gen;
  }
  if (part.empty()) {
    // No progress would loop forever; a correct daemon always sends at least a NUL.
    error_ = Err::EIO_;
    return Step::Error;
  }
  if (strings_.size() + part.size() > kMaxBytes) {
    error_ = Err::E2BIG_;
    return Step::Error;
  }
  strings_.append(part);
  size_t off = strings_.size();
  if (off <= 1 || strings_[off - 2] == '\0') {
    return Step::Done;
  }
  return Step::Continue;
}

std::vector<std::string> DirPartAssembler::children() const {
  std::string_view all(strings_);
  if (all.size() <= 1) {
    return {};
  }
  all.remove_suffix(1);  // the empty name that marks the end
  return splitChildren(all);
}

std::vector<std::string> splitChildren(std::string_view payload) {
  std::vector<std::string> out;
  for (std::string_view name : splitNul(payload)) {
    out.emplace_back(name);
  }
  return out;
}

}  // namespace xenia::xs
