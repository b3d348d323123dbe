// Runtime values of the xm evaluator: immutable, shared Python 2 objects
// with cached size/depth so every operation can be bounded before it
// allocates, plus str()/repr() and the conversion to config::Value.
// Internal to the xm reader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/expected.h"
#include "config/lang/value.h"
#include "config/lang/xm.h"

namespace xenia::config::xm {

using config::XmLimits;

struct Obj;
using ObjP = std::shared_ptr<const Obj>;

struct Obj {
  enum class Kind { kNone, kBool, kInt, kFloat, kStr, kList, kTuple, kDict };
  Kind kind = Kind::kNone;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::vector<ObjP> items;                         // list, tuple
  std::vector<std::pair<std::string, ObjP>> dict;  // insertion order
  int line = 0;  // where the expression that made it starts (0: command line)
  int col = 0;
  size_t weight = 16;  // approximate bytes when written out as a tree
  int depth = 1;
};

struct RtError {
  int line;
  int col;
  std::string message;
  std::string hint;
};

template <class T>
using Rt = Expected<T, RtError>;

// Makes objects, charging their size to a budget and enforcing XmLimits.
class Heap {
 public:
  explicit Heap(const XmLimits& limits) : limits_(limits) {}
  const XmLimits& limits() const { return limits_; }

  ObjP none(int line, int col);
  ObjP boolean(bool v, int line, int col);
  ObjP integer(int64_t v, int line, int col);
  ObjP floating(double v, int line, int col);
  Rt<ObjP> str(std::string v, int line, int col);
  Rt<ObjP> seq(std::vector<ObjP> items, bool tuple, int line, int col);
  Rt<ObjP> dict(std::vector<std::pair<std::string, ObjP>> entries, int line, int col);
  // Fails when `bytes` more would exceed the whole-file work budget or one
  // string's limit (checked before building big results).
  std::optional<RtError> reserveString(size_t bytes, int line, int col);

 private:
  std::optional<RtError> charge(size_t n, int line, int col);
  const XmLimits limits_;
  size_t work_ = 0;
};

// Python 2 type name: NoneType bool int float str list tuple dict.
const char* typeName(const Obj& o);
// str() and repr(); fail when the text would exceed maxStringBytes.
Rt<std::string> pyStr(const Obj& o, const XmLimits& limits);
Rt<std::string> pyRepr(const Obj& o, const XmLimits& limits);
// The plain-data form handed to the domain model.
Value toValue(const Obj& o, const std::string& file);

}  // namespace xenia::config::xm
