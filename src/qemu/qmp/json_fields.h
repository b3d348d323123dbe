// Checked field access on untrusted JSON objects: each getter answers false
// for a missing or mistyped field instead of throwing.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace xenia::qmp::detail {

inline const nlohmann::json* member(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) {
    return nullptr;
  }
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

inline bool getBool(const nlohmann::json& obj, const char* key, bool& out) {
  const nlohmann::json* v = member(obj, key);
  if (v == nullptr || !v->is_boolean()) {
    return false;
  }
  out = v->get<bool>();
  return true;
}

// Integers above INT64_MAX are not plausible sizes, ids or versions.
inline bool getInt(const nlohmann::json& obj, const char* key, int64_t& out) {
  const nlohmann::json* v = member(obj, key);
  if (v == nullptr || !v->is_number_integer()) {
    return false;
  }
  if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(INT64_MAX)) {
    return false;
  }
  out = v->get<int64_t>();
  return true;
}

inline bool getString(const nlohmann::json& obj, const char* key, std::string& out) {
  const nlohmann::json* v = member(obj, key);
  if (v == nullptr || !v->is_string()) {
    return false;
  }
  out = v->get<std::string>();
  return true;
}

}  // namespace xenia::qmp::detail
