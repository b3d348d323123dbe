// FieldReader: typed reads of one JSON object with a single error message.
#include "xm/json_fields.h"

#include <cmath>

namespace xenia::xm {

FieldReader::FieldReader(const xend::Json& obj, std::string what)
    : obj_(obj), what_(std::move(what)) {
  if (!obj_.is_object()) {
    error_ = what_ + " is not an object";
  }
}

const xend::Json* FieldReader::get(const char* key) {
  if (!ok()) {
    return nullptr;
  }
  auto it = obj_.find(key);
  if (it == obj_.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

void FieldReader::bad(const char* key, const char* want) {
  if (ok()) {
    error_ = what_ + ": '" + key + "' is not " + want;
  }
}

void FieldReader::str(const char* key, std::string& out) {
  if (const auto* v = get(key)) {
    if (v->is_string()) {
      out = v->get<std::string>();
    } else {
      bad(key, "a string");
    }
  }
}

void FieldReader::integer(const char* key, int64_t& out) {
  if (const auto* v = get(key)) {
    if (v->is_number_integer()) {
      out = v->get<int64_t>();
    } else if (v->is_number_float() && std::isfinite(v->get<double>()) &&
               std::fabs(v->get<double>()) < 9e15) {
      out = static_cast<int64_t>(v->get<double>());
    } else {
      bad(key, "an integer");
    }
  }
}

void FieldReader::optInteger(const char* key, std::optional<int64_t>& out) {
  if (get(key) == nullptr) {
    out.reset();
    return;
  }
  int64_t v = 0;
  integer(key, v);
  out = v;
}

void FieldReader::number(const char* key, double& out) {
  if (const auto* v = get(key)) {
    if (v->is_number()) {
      out = v->get<double>();
    } else {
      bad(key, "a number");
    }
  }
}

void FieldReader::optNumber(const char* key, std::optional<double>& out) {
  if (get(key) == nullptr) {
    out.reset();
    return;
  }
  double v = 0;
  number(key, v);
  out = v;
}

void FieldReader::boolean(const char* key, bool& out) {
  if (const auto* v = get(key)) {
    if (v->is_boolean()) {
      out = v->get<bool>();
    } else if (v->is_number_integer()) {
      out = v->get<int64_t>() != 0;
    } else {
      bad(key, "a boolean");
    }
  }
}

void FieldReader::intList(const char* key, std::vector<int64_t>& out) {
  if (const auto* v = get(key)) {
    if (!v->is_array()) {
      bad(key, "a list of integers");
      return;
    }
    out.clear();
    for (const auto& e : *v) {
      if (!e.is_number_integer()) {
        bad(key, "a list of integers");
        return;
      }
      out.push_back(e.get<int64_t>());
    }
  }
}

}  // namespace xenia::xm
