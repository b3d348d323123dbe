// Encoding, decoding and replay of persistence records (see journal_format.h).
#include "xenstore/server/journal_format.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace xenia::xs::persist {
namespace {

void putU32(std::string& out, uint32_t v) {
  char b[4] = {char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
  out.append(b, 4);
}
void putU64(std::string& out, uint64_t v) {
  putU32(out, uint32_t(v));
  putU32(out, uint32_t(v >> 32));
}
void putStr(std::string& out, std::string_view s) {
  putU32(out, uint32_t(s.size()));
  out.append(s);
}

uint32_t crcOf(std::string_view body) {
  return uint32_t(::crc32(0L, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size())));
}

// Reserves the record header, lets the caller append the body, then fills it in.
class RecordScope {
 public:
  explicit RecordScope(std::string& out) : out_(out), start_(out.size()) {
    out_.append(kRecordHeaderSize, '\0');
  }
  ~RecordScope() {
    std::string_view body(out_.data() + start_ + kRecordHeaderSize,
                          out_.size() - start_ - kRecordHeaderSize);
    std::string hdr;
    putU32(hdr, uint32_t(body.size()));
    putU32(hdr, crcOf(body));
    std::memcpy(out_.data() + start_, hdr.data(), kRecordHeaderSize);
  }

 private:
  std::string& out_;
  size_t start_;
};

class Reader {
 public:
  explicit Reader(std::string_view d) : d_(d) {}
  bool u8(uint8_t& v) {
    if (d_.size() < 1) return fail();
    v = uint8_t(d_[0]);
    d_.remove_prefix(1);
    return true;
  }
  bool u32(uint32_t& v) {
    if (d_.size() < 4) return fail();
    const auto* u = reinterpret_cast<const unsigned char*>(d_.data());
    v = uint32_t(u[0]) | uint32_t(u[1]) << 8 | uint32_t(u[2]) << 16 | uint32_t(u[3]) << 24;
    d_.remove_prefix(4);
    return true;
  }
  bool u64(uint64_t& v) {
    uint32_t lo = 0;
    uint32_t hi = 0;
    if (!u32(lo) || !u32(hi)) return false;
    v = uint64_t(hi) << 32 | lo;
    return true;
  }
  bool str(std::string& s) {
    uint32_t n = 0;
    if (!u32(n) || d_.size() < n) return fail();
    s.assign(d_.data(), n);
    d_.remove_prefix(n);
    return true;
  }
  bool atEnd() const { return ok_ && d_.empty(); }

 private:
  bool fail() {
    ok_ = false;
    return false;
  }
  std::string_view d_;
  bool ok_ = true;
};

}  // namespace

void appendFileHeader(std::string& out, const FileHeader& h) {
  out.append(h.snapshot ? kSnapshotMagic : kJournalMagic, 8);
  putU32(out, h.version);
  putU32(out, 0);
  putU64(out, h.epoch);
}

bool parseFileHeader(std::string_view data, FileHeader& out) {
  if (data.size() < kFileHeaderSize) {
    return false;
  }
  if (std::memcmp(data.data(), kSnapshotMagic, 8) == 0) {
    out.snapshot = true;
  } else if (std::memcmp(data.data(), kJournalMagic, 8) == 0) {
    out.snapshot = false;
  } else {
    return false;
  }
  Reader r(data.substr(8, kFileHeaderSize - 8));
  uint32_t reserved = 0;
  r.u32(out.version);
  r.u32(reserved);
  r.u64(out.epoch);
  return out.version == kVersion;
}

void appendNode(std::string& out, std::string_view path, std::string_view value,
                const std::vector<std::string>& perms) {
  RecordScope rec(out);
  out.push_back(char(RecordType::Node));
  putStr(out, path);
  putStr(out, value);
  putU32(out, uint32_t(perms.size()));
  for (const auto& p : perms) {
    putStr(out, p);
  }
}

void appendRemove(std::string& out, std::string_view path) {
  RecordScope rec(out);
  out.push_back(char(RecordType::Remove));
  putStr(out, path);
}

void appendDomain(std::string& out, RecordType type, DomId domid) {
  RecordScope rec(out);
  out.push_back(char(type));
  putU32(out, domid);
}

void appendEnd(std::string& out, uint64_t count) {
  RecordScope rec(out);
  out.push_back(char(RecordType::End));
  putU64(out, count);
}

size_t decodeRecord(std::string_view data, Record& out) {
  Reader hdr(data);
  uint32_t len = 0;
  uint32_t crc = 0;
  if (!hdr.u32(len) || !hdr.u32(crc) || len == 0 || len > kMaxRecordBody ||
      data.size() - kRecordHeaderSize < len) {
    return 0;
  }
  std::string_view body = data.substr(kRecordHeaderSize, len);
  if (crcOf(body) != crc) {
    return 0;
  }
  Reader r(body);
  uint8_t type = 0;
  r.u8(type);
  out.type = RecordType(type);
  out.perms.clear();
  bool ok = false;
  switch (out.type) {
    case RecordType::Node: {
      uint32_t n = 0;
      ok = r.str(out.path) && r.str(out.value) && r.u32(n) && n <= len;
      for (uint32_t i = 0; ok && i < n; ++i) {
        ok = r.str(out.perms.emplace_back());
      }
      break;
    }
    case RecordType::Remove:
      ok = r.str(out.path);
      break;
    case RecordType::Domain:
    case RecordType::Release:
      ok = r.u32(out.domid);
      break;
    case RecordType::End:
      ok = r.u64(out.count);
      break;
  }
  if (!ok || !r.atEnd()) {
    return 0;
  }
  return kRecordHeaderSize + len;
}

void StoreImage::apply(const Record& r) {
  switch (r.type) {
    case RecordType::Node:
      setNode(r.path, r.value, r.perms);
      break;
    case RecordType::Remove:
      removeTree(r.path);
      break;
    case RecordType::Domain:
      addDomain(r.domid);
      break;
    case RecordType::Release:
      removeDomain(r.domid);
      break;
    case RecordType::End:
      break;
  }
}

void StoreImage::setNode(std::string_view path, std::string_view value,
                         const std::vector<std::string>& perms) {
  auto it = nodes_.find(path);
  if (it == nodes_.end()) {
    it = nodes_.emplace(std::string(path), Node{}).first;
    it->second.seq = nextSeq_++;
  }
  it->second.value.assign(value);
  it->second.perms = perms;
}

void StoreImage::removeTree(std::string_view path) {
  nodes_.erase(std::string(path));
  // Descendants sort contiguously in [path + "/", path + "0") ('0' follows '/').
  std::string lo(path);
  if (lo != "/") {
    lo.push_back('/');
  }
  std::string hi = lo;
  hi.back() = '0';
  nodes_.erase(nodes_.lower_bound(lo), nodes_.lower_bound(hi));
}

std::vector<const std::pair<const std::string, StoreImage::Node>*> StoreImage::ordered() const {
  std::vector<const std::pair<const std::string, Node>*> v;
  v.reserve(nodes_.size());
  for (const auto& e : nodes_) {
    v.push_back(&e);
  }
  std::sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->second.seq < b->second.seq; });
  return v;
}

void StoreImage::encode(std::string& out) const {
  uint64_t count = 0;
  for (DomId d : domains_) {
    appendDomain(out, RecordType::Domain, d);
    ++count;
  }
  forEachNode([&](const std::string& path, const Node& n) {
    appendNode(out, path, n.value, n.perms);
    ++count;
  });
  appendEnd(out, count);
}

}  // namespace xenia::xs::persist
