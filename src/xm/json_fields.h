// Reading xend's result records field by field: a missing field keeps its
// default, a field of the wrong type records the first error, so decoders
// read straight through and check once at the end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "xend/rpc/message.h"

namespace xenia::xm {

class FieldReader {
 public:
  FieldReader(const xend::Json& obj, std::string what);

  void str(const char* key, std::string& out);
  void integer(const char* key, int64_t& out);
  void optInteger(const char* key, std::optional<int64_t>& out);  // null -> nullopt
  void number(const char* key, double& out);
  void optNumber(const char* key, std::optional<double>& out);
  void boolean(const char* key, bool& out);  // also accepts 0/1
  void intList(const char* key, std::vector<int64_t>& out);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  const xend::Json* get(const char* key);
  void bad(const char* key, const char* want);

  const xend::Json& obj_;
  std::string what_;
  std::string error_;
};

}  // namespace xenia::xm
