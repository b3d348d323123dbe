// The result of reading a domain config file in any of its languages (xm's
// Python subset, xl's restricted grammar): an ordered set of top-level
// assignments whose values are plain data. Mapping these to the domain model
// is src/config/model's job; this layer knows no key meanings.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace xenia::config {

// Where something came from, for error messages: "file:line:col".
struct SourceLoc {
  std::string file;  // may be empty for command-line overrides
  int line = 0;      // 1-based; 0 = unknown
  int col = 0;       // 1-based; 0 = unknown
};

struct Value;
using List = std::vector<Value>;
using Dict = std::vector<std::pair<std::string, Value>>;  // insertion order

struct None {
  bool operator==(const None&) const = default;
};

struct Value {
  // None, bool, integer, float, string, list, tuple (List with isTuple), dict.
  std::variant<None, bool, int64_t, double, std::string, List, Dict> v;
  bool isTuple = false;  // only meaningful when v holds a List
  SourceLoc loc;         // where the value's expression started

  bool operator==(const Value& o) const;
#if defined(__clang__)
  // clang with libstdc++ otherwise checks std::pair<std::string, Value>
  // (Dict) while Value is still incomplete and fails. Declaring the
  // destructor keeps Value an aggregate but drops its implicit moves, so
  // only clang builds (the fuzzers) pay that.
  ~Value();
#endif
};

#if defined(__clang__)
inline Value::~Value() = default;
#endif
inline bool Value::operator==(const Value& o) const { return v == o.v && isTuple == o.isTuple; }

struct Assignment {
  std::string name;
  Value value;
  SourceLoc loc;  // of the name on the left-hand side (last assignment wins)
};

// A parse error: message plus location, formatted "file:line:col: message".
struct ParseError {
  SourceLoc loc;
  std::string message;
  std::string hint;  // optional, e.g. "this looks like Python; xl configs allow only ..."
  std::string format() const;
};

// All top-level names bound by the file, in first-assignment order, with the
// final value of each.
struct ConfigFile {
  std::string path;
  std::vector<Assignment> entries;
  // Non-fatal findings, e.g. xm settings that xm itself would ignore.
  std::vector<ParseError> warnings;

  const Assignment* find(const std::string& name) const {
    for (const auto& e : entries) {
      if (e.name == name) {
        return &e;
      }
    }
    return nullptr;
  }
};

// Helpers (value.cc).
// "file:line:col" with the parts that are known; "<command line>" for
// values that came from command-line overrides.
std::string formatLoc(const SourceLoc& loc);
// Python's type name: "NoneType" "bool" "int" "float" "str" "list" "tuple" "dict".
const char* typeName(const Value& v);
// Python 2 repr() / str() of a value, for messages ("expected an int, got '512M'").
// Dicts print in insertion order (CPython 2 used hash order).
std::string reprValue(const Value& v);
std::string strValue(const Value& v);

}  // namespace xenia::config
