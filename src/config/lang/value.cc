// Out-of-line helpers for the shared config Value type.
#include "config/lang/value.h"

#include "config/lang/py_str.h"

namespace xenia::config {

std::string formatLoc(const SourceLoc& loc) {
  std::string out = loc.file.empty() ? std::string("<command line>") : loc.file;
  if (loc.line > 0) {
    out += ':' + std::to_string(loc.line);
    if (loc.col > 0) {
      out += ':' + std::to_string(loc.col);
    }
  }
  return out;
}

std::string ParseError::format() const {
  std::string out = formatLoc(loc) + ": " + message;
  if (!hint.empty()) {
    out += "\n  hint: " + hint;
  }
  return out;
}

const char* typeName(const Value& v) {
  switch (v.v.index()) {
    case 0:
      return "NoneType";
    case 1:
      return "bool";
    case 2:
      return "int";
    case 3:
      return "float";
    case 4:
      return "str";
    case 5:
      return v.isTuple ? "tuple" : "list";
    default:
      return "dict";
  }
}

namespace {
void reprInto(const Value& v, std::string& out) {
  if (std::holds_alternative<None>(v.v)) {
    out += "None";
  } else if (const bool* b = std::get_if<bool>(&v.v)) {
    out += *b ? "True" : "False";
  } else if (const int64_t* i = std::get_if<int64_t>(&v.v)) {
    out += std::to_string(*i);
  } else if (const double* d = std::get_if<double>(&v.v)) {
    out += pyFloatRepr(*d);
  } else if (const std::string* s = std::get_if<std::string>(&v.v)) {
    out += pyRepr(*s);
  } else if (const List* l = std::get_if<List>(&v.v)) {
    out += v.isTuple ? '(' : '[';
    for (size_t k = 0; k < l->size(); ++k) {
      if (k) {
        out += ", ";
      }
      reprInto((*l)[k], out);
    }
    if (v.isTuple && l->size() == 1) {
      out += ',';
    }
    out += v.isTuple ? ')' : ']';
  } else {
    const Dict& d = std::get<Dict>(v.v);
    out += '{';
    for (size_t k = 0; k < d.size(); ++k) {
      if (k) {
        out += ", ";
      }
      out += pyRepr(d[k].first) + ": ";
      reprInto(d[k].second, out);
    }
    out += '}';
  }
}
}  // namespace

std::string reprValue(const Value& v) {
  std::string out;
  reprInto(v, out);
  return out;
}

std::string strValue(const Value& v) {
  if (const std::string* s = std::get_if<std::string>(&v.v)) {
    return *s;
  }
  if (const double* d = std::get_if<double>(&v.v)) {
    return pyFloatStr(*d);
  }
  return reprValue(v);
}

}  // namespace xenia::config
