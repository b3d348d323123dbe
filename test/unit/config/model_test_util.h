// Helpers for the model tests: build a DomainConfig from xl text or from
// hand-made xm-style assignments, with a fixed random sequence.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "config/lang/xl.h"
#include "config/model/build.h"
#include "config/model/json.h"

namespace xenia::config::testing {

inline ConfigFile xlFile(const std::string& text) {
  auto f = parseXl(text, "test.cfg");
  EXPECT_TRUE(f.has_value()) << (f ? "" : f.error().format());
  return f ? *f : ConfigFile{};
}

// An xm ConfigFile from (name, value) pairs, each at line i+1 of "xm.cfg".
inline ConfigFile xmFile(std::vector<std::pair<std::string, Value>> entries) {
  ConfigFile f;
  f.path = "xm.cfg";
  int line = 1;
  for (auto& [name, value] : entries) {
    value.loc = SourceLoc{"xm.cfg", line, 1};
    f.entries.push_back(Assignment{name, value, SourceLoc{"xm.cfg", line, 1}});
    ++line;
  }
  return f;
}

inline Value str(std::string s) {
  Value v;
  v.v = std::move(s);
  return v;
}
inline Value num(int64_t n) {
  Value v;
  v.v = n;
  return v;
}
inline Value list(std::vector<Value> items) {
  Value v;
  v.v = List(std::move(items));
  return v;
}

inline Expected<DomainConfig, ModelError> buildXl(const std::string& text, uint64_t seed = 1) {
  SeededRandom rng(seed);
  return buildDomain(xlFile(text), Dialect::kXl, rng);
}

inline Expected<DomainConfig, ModelError> buildXm(std::vector<std::pair<std::string, Value>> e,
                                                  uint64_t seed = 1) {
  SeededRandom rng(seed);
  return buildDomain(xmFile(std::move(e)), Dialect::kXm, rng);
}

}  // namespace xenia::config::testing

namespace xenia::config {
inline void PrintTo(const DomainConfig& d, std::ostream* os) { *os << domainToJsonText(d); }
}  // namespace xenia::config
