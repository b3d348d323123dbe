// Helpers shared by the config-language tests: test data access.
#pragma once

#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include "config/lang/sexp.h"
#include "config/lang/value.h"

namespace xenia::config::testing {

inline std::string dataPath(const std::string& rel) {
  return std::string(XENIA_CONFIG_TESTDATA) + "/" + rel;
}

inline std::string readData(const std::string& rel) {
  std::ifstream in(dataPath(rel), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <class T>
Value makeValue(T v) {
  Value out;
  out.v = std::move(v);
  return out;
}

}  // namespace xenia::config::testing

namespace xenia::config {
// gtest prints values as Python would.
inline void PrintTo(const Value& v, std::ostream* os) { *os << reprValue(v); }
inline void PrintTo(const Sexp& s, std::ostream* os) { *os << writeSxp(s); }
}  // namespace xenia::config
