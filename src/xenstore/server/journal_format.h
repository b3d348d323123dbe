// On-disk format of xenstored's persistence (--persist): a snapshot file and
// a journal file, both "header + records". Pure encoding/decoding and the
// in-memory image the records describe; no file I/O here.
//
//   header : magic[8] ("XNJOURNL" or "XNSNAPSH"), u32 version (1), u32 0, u64 epoch
//   record : u32 bodyLen, u32 crc32(body), body    (little-endian)
//   body   : u8 type, then per type:
//            1 NODE    str path, str value, u32 n, n x str perm
//            2 REMOVE  str path          (the node and its subtree)
//            3 DOMAIN  u32 domid         (introduced)
//            4 RELEASE u32 domid
//            5 END     u64 records before it (snapshot only: the file is whole)
//   str    : u32 len, bytes
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "xenstore/store/engine.h"

namespace xenia::xs::persist {

inline constexpr char kJournalMagic[8] = {'X', 'N', 'J', 'O', 'U', 'R', 'N', 'L'};
inline constexpr char kSnapshotMagic[8] = {'X', 'N', 'S', 'N', 'A', 'P', 'S', 'H'};
inline constexpr uint32_t kVersion = 1;
inline constexpr size_t kFileHeaderSize = 24;
inline constexpr size_t kRecordHeaderSize = 8;
// Larger than any node the engine can hold (path 3072 + value 4096 + perms
// from a 4096-byte SET_PERMS payload); anything bigger is corruption.
inline constexpr uint32_t kMaxRecordBody = 64 * 1024;

enum class RecordType : uint8_t { Node = 1, Remove = 2, Domain = 3, Release = 4, End = 5 };

struct Record {
  RecordType type = RecordType::Node;
  std::string path;
  std::string value;
  std::vector<std::string> perms;
  DomId domid = 0;
  uint64_t count = 0;  // End
};

struct FileHeader {
  bool snapshot = false;
  uint32_t version = kVersion;
  uint64_t epoch = 0;
};

void appendFileHeader(std::string& out, const FileHeader& h);
// False if the bytes are not a header of a known version.
bool parseFileHeader(std::string_view data, FileHeader& out);

void appendNode(std::string& out, std::string_view path, std::string_view value,
                const std::vector<std::string>& perms);
void appendRemove(std::string& out, std::string_view path);
void appendDomain(std::string& out, RecordType type, DomId domid);
void appendEnd(std::string& out, uint64_t count);

// Result of scanning records: how many bytes formed valid records, and
// whether scanning stopped early (a torn or corrupt tail).
struct ScanResult {
  size_t goodBytes = 0;
  size_t records = 0;
  bool clean = true;  // every byte belonged to a valid record
};
// Calls onRecord for each valid record in data (which starts right after the
// file header) until the end or the first bad record.
template <class F>
ScanResult scanRecords(std::string_view data, F&& onRecord);
// One record at data; returns its total size, or 0 if it is torn or invalid.
size_t decodeRecord(std::string_view data, Record& out);

// What the records describe: the nodes (with a creation sequence, so restore
// keeps C xenstored's child order) and the introduced domains.
class StoreImage {
 public:
  struct Node {
    std::string value;
    std::vector<std::string> perms;
    uint64_t seq = 0;
  };
  void apply(const Record& r);
  void setNode(std::string_view path, std::string_view value,
               const std::vector<std::string>& perms);
  void removeTree(std::string_view path);
  void addDomain(DomId d) { domains_.insert(d); }
  void removeDomain(DomId d) { domains_.erase(d); }

  // Snapshot records: domains, then nodes in creation order, then END.
  void encode(std::string& out) const;
  // Visits nodes in creation order (parents before children).
  template <class F>
  void forEachNode(F&& f) const;

  const std::set<DomId>& domains() const { return domains_; }
  size_t nodeCount() const { return nodes_.size(); }

 private:
  std::vector<const std::pair<const std::string, Node>*> ordered() const;

  std::map<std::string, Node, std::less<>> nodes_;
  std::set<DomId> domains_;
  uint64_t nextSeq_ = 1;
};

template <class F>
ScanResult scanRecords(std::string_view data, F&& onRecord) {
  ScanResult res;
  Record r;
  while (res.goodBytes < data.size()) {
    size_t n = decodeRecord(data.substr(res.goodBytes), r);
    if (n == 0) {
      res.clean = false;
      break;
    }
    res.goodBytes += n;
    ++res.records;
    onRecord(r);
  }
  return res;
}

template <class F>
void StoreImage::forEachNode(F&& f) const {
  for (const auto* entry : ordered()) {
    f(entry->first, entry->second);
  }
}

}  // namespace xenia::xs::persist
