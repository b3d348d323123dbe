// XenStore node permissions: the compact permission list stored in every node,
// its wire form ("b0", "r5"...) and C xenstored's perm string parsing rules
// (xs_strings_to_perms / xs_perm_to_string).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace xenia::xs::store {

// Bits as in xenstore_lib.h.
inline constexpr uint8_t kPermNone = 0x00;
inline constexpr uint8_t kPermRead = 0x01;
inline constexpr uint8_t kPermWrite = 0x02;
inline constexpr uint8_t kPermOwner = 0x08;
// Entry names a domain that did not exist when the node was written (stale).
inline constexpr uint8_t kPermIgnore = 0x10;

struct Perm {
  uint32_t id = 0;
  uint8_t bits = 0;
};

// A permission list with up to two entries stored inline (12 bytes, 4-byte
// aligned so it packs into a node); longer lists live on the heap.
class PermList {
 public:
  PermList() = default;
  explicit PermList(Perm p) { push(p); }
  PermList(const PermList& o) { copyFrom(o); }
  PermList& operator=(const PermList& o) {
    if (this != &o) {
      clear();
      copyFrom(o);
    }
    return *this;
  }
  ~PermList() { clear(); }

  uint32_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  Perm get(uint32_t i) const {
    if (n_ <= kInline) {
      uint32_t ids[kInline];
      std::memcpy(ids, raw_, sizeof ids);
      return Perm{ids[i], bits_[i]};
    }
    return heap()[i];
  }
  void set(uint32_t i, Perm p) {
    if (n_ <= kInline) {
      std::memcpy(raw_ + i * 4, &p.id, 4);
      bits_[i] = p.bits;
    } else {
      heap()[i] = p;
    }
  }
  void setBits(uint32_t i, uint8_t bits) {
    Perm p = get(i);
    p.bits = bits;
    set(i, p);
  }
  void push(Perm p);
  void clear();
  // Heap bytes used (for memory reports).
  size_t heapBytes() const { return n_ > kInline ? n_ * sizeof(Perm) : 0; }

 private:
  static constexpr uint32_t kInline = 2;
  Perm* heap() const {
    Perm* p;
    std::memcpy(&p, raw_, sizeof p);
    return p;
  }
  void copyFrom(const PermList& o) {
    for (uint32_t i = 0; i < o.n_; ++i) {
      push(o.get(i));
    }
  }

  alignas(4) unsigned char raw_[8] = {};  // two ids inline, or a Perm*
  uint8_t bits_[kInline] = {};
  uint16_t n_ = 0;  // bounded by the 4096-byte payload
};
static_assert(sizeof(PermList) == 12);

// Parses one perm string ("r5", "b0x10", "n-1" as strtol base 0 would).
std::optional<Perm> parsePerm(std::string_view s);
// Appends "<letter><id>" to out (id printed as a signed int, as C does).
void formatPerm(Perm p, std::string& out);
// "n0\0r5\0" style, each entry NUL terminated.
void formatPermList(const PermList& perms, std::string& out);

}  // namespace xenia::xs::store
