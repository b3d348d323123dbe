// Typed access to config values for the builder.
#include "config/model/build_ctx.h"

#include <cmath>
#include <variant>

#include "config/model/text.h"

namespace xenia::config::detail {

std::string describe(const Value& v) {
  if (const std::string* s = std::get_if<std::string>(&v.v)) {
    return "'" + *s + "'";
  }
  if (const int64_t* i = std::get_if<int64_t>(&v.v)) {
    return "int " + std::to_string(*i);
  }
  if (const bool* b = std::get_if<bool>(&v.v)) {
    return *b ? "True" : "False";
  }
  if (std::holds_alternative<double>(v.v)) {
    return "a float";
  }
  if (std::holds_alternative<None>(v.v)) {
    return "None";
  }
  if (std::holds_alternative<List>(v.v)) {
    return v.isTuple ? "a tuple" : "a list";
  }
  return "a dict";
}

const Value* BuildCtx::get(const std::string& key) {
  used_.insert(key);
  const Assignment* a = file_.find(key);
  if (!a || std::holds_alternative<None>(a->value.v)) {
    return nullptr;
  }
  return &a->value;
}

bool BuildCtx::has(const std::string& key) const {
  const Assignment* a = file_.find(key);
  return a && !std::holds_alternative<None>(a->value.v);
}

void BuildCtx::fail(const std::string& field, const SourceLoc& loc, std::string message) {
  if (!error_) {
    SourceLoc l = loc;
    if (l.line == 0) {
      // No position for the value itself: point at its key's assignment.
      if (const Assignment* a = file_.find(field.substr(0, field.find('[')))) {
        l = a->loc;
      }
    }
    if (l.file.empty()) {
      l.file = file_.path;
    }
    error_ = ModelError{field, l, std::move(message)};
  }
}

std::optional<std::string> BuildCtx::asString(const std::string& field, const Value& v) {
  if (const std::string* s = std::get_if<std::string>(&v.v)) {
    return *s;
  }
  // Numbers are accepted where a string is expected (xm's str() of the value).
  if (const int64_t* i = std::get_if<int64_t>(&v.v)) {
    return std::to_string(*i);
  }
  fail(field, v, "Expected a string, got " + describe(v) + ".");
  return std::nullopt;
}

std::optional<int64_t> BuildCtx::asInt(const std::string& field, const Value& v, int64_t min,
                                       int64_t max) {
  std::optional<int64_t> n;
  if (const int64_t* i = std::get_if<int64_t>(&v.v)) {
    n = *i;
  } else if (const bool* b = std::get_if<bool>(&v.v)) {
    n = *b ? 1 : 0;
  } else if (const double* d = std::get_if<double>(&v.v)) {
    if (std::isfinite(*d) && std::floor(*d) == *d && std::fabs(*d) < 9e15) {
      n = static_cast<int64_t>(*d);
    }
  } else if (const std::string* s = std::get_if<std::string>(&v.v)) {
    n = text::parseInt(text::trim(*s), 10, true);  // xm's int(v)
  }
  if (!n) {
    fail(field, v, "Expected an integer, got " + describe(v) + ".");
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    fail(field, v,
         "Value " + std::to_string(*n) + " is out of range (" + std::to_string(min) + ".." +
             std::to_string(max) + ").");
    return std::nullopt;
  }
  return n;
}

std::optional<bool> BuildCtx::asBool(const std::string& field, const Value& v) {
  if (const bool* b = std::get_if<bool>(&v.v)) {
    return *b;
  }
  if (const int64_t* i = std::get_if<int64_t>(&v.v)) {
    if (*i == 0 || *i == 1) {
      return *i == 1;
    }
  }
  if (const std::string* s = std::get_if<std::string>(&v.v)) {
    if (auto b = text::parseBool(*s)) {
      return b;
    }
  }
  fail(field, v, "Expected a boolean (0/1, yes/no), got " + describe(v) + ".");
  return std::nullopt;
}

bool BuildCtx::getString(const std::string& key, std::string& out) {
  const Value* v = get(key);
  if (!v) {
    return true;
  }
  auto s = asString(key, *v);
  if (!s) {
    return false;
  }
  out = *s;
  return true;
}

bool BuildCtx::getInt(const std::string& key, int64_t& out, int64_t min, int64_t max) {
  const Value* v = get(key);
  if (!v) {
    return true;
  }
  auto n = asInt(key, *v, min, max);
  if (!n) {
    return false;
  }
  out = *n;
  return true;
}

bool BuildCtx::getInt(const std::string& key, int& out, int64_t min, int64_t max) {
  int64_t wide = out;
  bool ok = getInt(key, wide, min, max);
  out = static_cast<int>(wide);
  return ok;
}

bool BuildCtx::getBool(const std::string& key, bool& out) {
  const Value* v = get(key);
  if (!v) {
    return true;
  }
  auto b = asBool(key, *v);
  if (!b) {
    return false;
  }
  out = *b;
  return true;
}

bool BuildCtx::getStringList(const std::string& key, std::vector<const Value*>& out) {
  const Value* v = get(key);
  if (!v) {
    return true;
  }
  if (const List* l = std::get_if<List>(&v->v)) {
    for (const Value& item : *l) {
      out.push_back(&item);
    }
    return true;
  }
  if (std::holds_alternative<std::string>(v->v)) {
    out.push_back(v);
    return true;
  }
  fail(key, *v, "Expected a list of strings, got " + describe(*v) + ".");
  return false;
}

Dict BuildCtx::unusedKeys() const {
  Dict out;
  for (const Assignment& a : file_.entries) {
    if (!used_.count(a.name)) {
      out.emplace_back(a.name, a.value);
    }
  }
  return out;
}

}  // namespace xenia::config::detail
