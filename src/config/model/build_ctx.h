// Internal to the builder: typed access to a ConfigFile's values with errors
// that carry the key and file:line, and a record of which keys were consumed
// (the rest are kept verbatim in DomainConfig::otherKeys).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/lang/value.h"
#include "config/model/build.h"
#include "config/model/error.h"

namespace xenia::config::detail {

class BuildCtx {
 public:
  BuildCtx(const ConfigFile& file, Dialect dialect) : file_(file), dialect_(dialect) {}

  Dialect dialect() const { return dialect_; }
  bool failed() const { return error_.has_value(); }
  const ModelError& error() const { return *error_; }

  // The value of `key`, marking it consumed; nullptr if absent. Python None
  // counts as absent (xm ignores non-str/int/float/list values).
  const Value* get(const std::string& key);
  bool has(const std::string& key) const;

  // Records the first error only; later ones are usually consequences.
  void fail(const std::string& field, const SourceLoc& loc, std::string message);
  void fail(const std::string& field, const Value& at, std::string message) {
    fail(field, at.loc, std::move(message));
  }

  // Typed getters: leave `out` untouched when the key is absent; on a type
  // error record it and return false.
  bool getString(const std::string& key, std::string& out);
  bool getInt(const std::string& key, int64_t& out, int64_t min, int64_t max);
  bool getInt(const std::string& key, int& out, int64_t min, int64_t max);
  bool getBool(const std::string& key, bool& out);
  // A list of strings; a single string counts as a one-item list.
  bool getStringList(const std::string& key, std::vector<const Value*>& out);

  // Conversions of an already-fetched value (for list items).
  std::optional<std::string> asString(const std::string& field, const Value& v);
  std::optional<int64_t> asInt(const std::string& field, const Value& v, int64_t min,
                               int64_t max);
  std::optional<bool> asBool(const std::string& field, const Value& v);

  // Every key not consumed, in file order.
  Dict unusedKeys() const;

 private:
  const ConfigFile& file_;
  Dialect dialect_;
  std::set<std::string> used_;
  std::optional<ModelError> error_;
};

// One value as a short Python-style description for messages: "int 5", "'abc'".
std::string describe(const Value& v);

// Per-area builders (build_platform.cc, build_devices.cc); each reads its
// keys into `d`.
void buildPlatform(BuildCtx& c, DomainConfig& d);
void buildLifecycle(BuildCtx& c, DomainConfig& d);
void buildDisks(BuildCtx& c, DomainConfig& d);
void buildVifs(BuildCtx& c, DomainConfig& d);
void buildGraphics(BuildCtx& c, DomainConfig& d);
void buildPci(BuildCtx& c, DomainConfig& d);
void buildMiscDevices(BuildCtx& c, DomainConfig& d);

}  // namespace xenia::config::detail
