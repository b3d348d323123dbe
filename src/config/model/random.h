// Where the model gets randomness (generated MACs and UUIDs). Injected so that
// building a model stays a pure function: tests pass a fixed sequence, the
// daemon passes one backed by the OS.
#pragma once

#include <cstdint>

namespace xenia::config {

class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t next() = 0;
};

// Deterministic splitmix64 sequence; for tests and reproducible tools.
class SeededRandom : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  uint64_t next() override {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace xenia::config
