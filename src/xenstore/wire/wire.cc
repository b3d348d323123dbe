// Header codec, name tables and the incremental stream decoder.
#include "xenstore/wire/wire.h"

#include <array>
#include <cerrno>
#include <cstring>

namespace xenia::xs {
namespace {

constexpr std::array<std::string_view, kMsgTypeCount> kTypeNames = {
    "CONTROL",        "DIRECTORY",         "READ",           "GET_PERMS",
    "WATCH",          "UNWATCH",           "TRANSACTION_START", "TRANSACTION_END",
    "INTRODUCE",      "RELEASE",           "GET_DOMAIN_PATH", "WRITE",
    "MKDIR",          "RM",                "SET_PERMS",      "WATCH_EVENT",
    "ERROR",          "IS_DOMAIN_INTRODUCED", "RESUME",      "SET_TARGET",
    "RESTRICT",       "RESET_WATCHES",     "DIRECTORY_PART", "GET_FEATURE",
    "SET_FEATURE",    "GET_QUOTA",         "SET_QUOTA",
};

struct ErrInfo {
  Err err;
  std::string_view name;
  int errnum;
};
constexpr std::array<ErrInfo, 16> kErrors = {{
    {Err::EINVAL_, "EINVAL", EINVAL},     {Err::EACCES_, "EACCES", EACCES},
    {Err::EEXIST_, "EEXIST", EEXIST},     {Err::EISDIR_, "EISDIR", EISDIR},
    {Err::ENOENT_, "ENOENT", ENOENT},     {Err::ENOMEM_, "ENOMEM", ENOMEM},
    {Err::ENOSPC_, "ENOSPC", ENOSPC},     {Err::EIO_, "EIO", EIO},
    {Err::ENOTEMPTY_, "ENOTEMPTY", ENOTEMPTY}, {Err::ENOSYS_, "ENOSYS", ENOSYS},
    {Err::EROFS_, "EROFS", EROFS},        {Err::EBUSY_, "EBUSY", EBUSY},
    {Err::EAGAIN_, "EAGAIN", EAGAIN},     {Err::EISCONN_, "EISCONN", EISCONN},
    {Err::E2BIG_, "E2BIG", E2BIG},        {Err::EPERM_, "EPERM", EPERM},
}};

uint32_t getLe32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t(u[0]) | uint32_t(u[1]) << 8 | uint32_t(u[2]) << 16 | uint32_t(u[3]) << 24;
}
void putLe32(char* p, uint32_t v) {
  p[0] = char(v);
  p[1] = char(v >> 8);
  p[2] = char(v >> 16);
  p[3] = char(v >> 24);
}

}  // namespace

std::string_view msgTypeName(uint32_t type) {
  if (type < kMsgTypeCount) return kTypeNames[type];
  return "UNKNOWN";
}

std::string_view errName(Err e) { return kErrors[static_cast<size_t>(e)].name; }

std::optional<Err> errFromName(std::string_view name) {
  for (const auto& info : kErrors) {
    if (info.name == name) return info.err;
  }
  return std::nullopt;
}

int errToErrno(Err e) { return kErrors[static_cast<size_t>(e)].errnum; }

Err errFromErrno(int errnum) {
  for (const auto& info : kErrors) {
    if (info.errnum == errnum) return info.err;
  }
  return Err::EINVAL_;
}

void encodeHeader(const Header& h, char out[kHeaderSize]) {
  putLe32(out, h.type);
  putLe32(out + 4, h.reqId);
  putLe32(out + 8, h.txId);
  putLe32(out + 12, h.len);
}

Header decodeHeader(const char in[kHeaderSize]) {
  return Header{getLe32(in), getLe32(in + 4), getLe32(in + 8), getLe32(in + 12)};
}

void appendMessage(std::string& out, uint32_t type, uint32_t reqId, uint32_t txId,
                   std::string_view payload) {
  char hdr[kHeaderSize];
  encodeHeader(Header{type, reqId, txId, static_cast<uint32_t>(payload.size())}, hdr);
  out.append(hdr, kHeaderSize);
  out.append(payload);
}

size_t StreamDecoder::feed(const char* data, size_t size) {
  size_t used = 0;
  if (status_ != Status::NeedMore) return 0;
  if (hdrHave_ < kHeaderSize) {
    size_t n = std::min(size, kHeaderSize - hdrHave_);
    std::memcpy(hdrBuf_ + hdrHave_, data, n);
    hdrHave_ += n;
    used += n;
    if (hdrHave_ < kHeaderSize) return used;
    hdr_ = decodeHeader(hdrBuf_);
    if (hdr_.len > kPayloadMax) {
      status_ = Status::Oversized;
      return used;
    }
    payload_.clear();
    payload_.reserve(hdr_.len);
  }
  size_t want = hdr_.len - payload_.size();
  size_t n = std::min(want, size - used);
  payload_.append(data + used, n);
  used += n;
  if (payload_.size() == hdr_.len) status_ = Status::Ready;
  return used;
}

Message StreamDecoder::take() {
  Message m{hdr_, std::move(payload_)};
  payload_ = std::string();
  hdrHave_ = 0;
  status_ = Status::NeedMore;
  return m;
}

std::vector<std::string_view> splitNul(std::string_view payload) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < payload.size()) {
    size_t nul = payload.find('\0', start);
    if (nul == std::string_view::npos) {
      out.push_back(payload.substr(start));
      break;
    }
    out.push_back(payload.substr(start, nul - start));
    start = nul + 1;
  }
  return out;
}

std::string joinNul(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    out += p;
    out.push_back('\0');
  }
  return out;
}

}  // namespace xenia::xs
