// XenStore wire format: the 16-byte xsd_sockmsg header, message types, error
// names and size limits from Xen's xen/include/public/io/xs_wire.h. Shared by
// the daemon, the client library and the tools; no I/O here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xenia::xs {

enum class MsgType : uint32_t {
  Control = 0,  // alias DEBUG
  Directory = 1,
  Read = 2,
  GetPerms = 3,
  Watch = 4,
  Unwatch = 5,
  TransactionStart = 6,
  TransactionEnd = 7,
  Introduce = 8,
  Release = 9,
  GetDomainPath = 10,
  Write = 11,
  Mkdir = 12,
  Rm = 13,
  SetPerms = 14,
  WatchEvent = 15,
  Error = 16,
  IsDomainIntroduced = 17,
  Resume = 18,
  SetTarget = 19,
  Restrict = 20,  // removed from Xen; always ENOSYS
  ResetWatches = 21,
  DirectoryPart = 22,
  GetFeature = 23,
  SetFeature = 24,
  GetQuota = 25,
  SetQuota = 26,
  Invalid = 0xffff,
};
inline constexpr uint32_t kMsgTypeCount = 27;

// Name as in xs_wire.h's XSD_* without the prefix ("READ", "WATCH_EVENT"...),
// used by traces. Unknown types give "UNKNOWN".
std::string_view msgTypeName(uint32_t type);

// Wire error names, in xs_wire.h's fixed order.
enum class Err {
  EINVAL_,
  EACCES_,
  EEXIST_,
  EISDIR_,
  ENOENT_,
  ENOMEM_,
  ENOSPC_,
  EIO_,
  ENOTEMPTY_,
  ENOSYS_,
  EROFS_,
  EBUSY_,
  EAGAIN_,
  EISCONN_,
  E2BIG_,
  EPERM_,
};
std::string_view errName(Err e);            // "EINVAL"
std::optional<Err> errFromName(std::string_view name);
int errToErrno(Err e);                      // EINVAL etc.
Err errFromErrno(int errnum);               // unknown errno -> EINVAL, like C xenstored

inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kPayloadMax = 4096;     // XENSTORE_PAYLOAD_MAX
inline constexpr size_t kAbsPathMax = 3072;     // XENSTORE_ABS_PATH_MAX
inline constexpr size_t kRelPathMax = 2048;     // XENSTORE_REL_PATH_MAX

struct Header {
  uint32_t type = 0;
  uint32_t reqId = 0;
  uint32_t txId = 0;
  uint32_t len = 0;
};

struct Message {
  Header hdr;
  std::string payload;  // may contain NULs
};

// Little-endian (x86/Arm host order) header encode/decode.
void encodeHeader(const Header& h, char out[kHeaderSize]);
Header decodeHeader(const char in[kHeaderSize]);

// Appends header+payload to out. Payload length is not checked here; callers
// that send to peers enforce kPayloadMax.
void appendMessage(std::string& out, uint32_t type, uint32_t reqId, uint32_t txId,
                   std::string_view payload);

// Incremental decoder for a byte stream. feed() bytes, then next() yields whole
// messages. A header announcing len > kPayloadMax puts the decoder into the
// error state (the connection must be closed, as C xenstored does); it never
// buffers more than one header plus kPayloadMax bytes.
class StreamDecoder {
 public:
  enum class Status { NeedMore, Ready, Oversized };
  // Consumes up to size bytes; returns how many were consumed. Stops after one
  // complete message so the caller can apply back-pressure.
  size_t feed(const char* data, size_t size);
  Status status() const { return status_; }
  // Valid when status() == Ready; resets to NeedMore.
  Message take();

 private:
  Status status_ = Status::NeedMore;
  char hdrBuf_[kHeaderSize];
  size_t hdrHave_ = 0;
  Header hdr_;
  std::string payload_;
};

// Splits a payload at NULs: "a\0b\0" and "a\0b" both give {"a","b"}; "" gives {}.
// Callers that require NUL termination check payload.back() themselves.
std::vector<std::string_view> splitNul(std::string_view payload);
// Joins strings each followed by a NUL: {"a","b"} -> "a\0b\0".
std::string joinNul(const std::vector<std::string>& parts);

}  // namespace xenia::xs
