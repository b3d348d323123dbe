// xm runtime objects: bounded construction, Python 2 str()/repr(), and the
// conversion to config::Value.
#include "config/lang/xm_object.h"

#include <algorithm>

#include "config/lang/py_str.h"

namespace xenia::config::xm {
namespace {

size_t addSat(size_t a, size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; }

// What one object or list slot costs, roughly, in memory: sizes and the
// work budget are counted in bytes.
constexpr size_t kNodeBytes = 16;

std::shared_ptr<Obj> make(Obj::Kind k, int line, int col) {
  auto o = std::make_shared<Obj>();
  o->kind = k;
  o->line = line;
  o->col = col;
  o->weight = kNodeBytes;
  return o;
}

RtError tooBig(int line, int col, const std::string& what) {
  return RtError{line, col, what,
                 "xm config values are limited in size; this looks like a runaway expression"};
}

}  // namespace

std::optional<RtError> Heap::charge(size_t n, int line, int col) {
  work_ = addSat(work_, n);
  if (work_ > limits_.maxWork) {
    return tooBig(
        line, col,
        "the file computes more than " + std::to_string(limits_.maxWork >> 20) + " MiB of values");
  }
  return std::nullopt;
}

std::optional<RtError> Heap::reserveString(size_t bytes, int line, int col) {
  if (bytes > limits_.maxStringBytes) {
    return tooBig(line, col,
                  "string of " + std::to_string(bytes) + " bytes is too long (limit " +
                      std::to_string(limits_.maxStringBytes) + ")");
  }
  if (work_ + bytes > limits_.maxWork) {
    return charge(bytes, line, col);
  }
  return std::nullopt;
}

ObjP Heap::none(int line, int col) { return make(Obj::Kind::kNone, line, col); }

ObjP Heap::boolean(bool v, int line, int col) {
  auto o = make(Obj::Kind::kBool, line, col);
  o->b = v;
  return o;
}

ObjP Heap::integer(int64_t v, int line, int col) {
  auto o = make(Obj::Kind::kInt, line, col);
  o->i = v;
  return o;
}

ObjP Heap::floating(double v, int line, int col) {
  auto o = make(Obj::Kind::kFloat, line, col);
  o->f = v;
  return o;
}

Rt<ObjP> Heap::str(std::string v, int line, int col) {
  if (v.size() > limits_.maxStringBytes) {
    return unexpected(tooBig(line, col,
                             "string of " + std::to_string(v.size()) +
                                 " bytes is too long (limit " +
                                 std::to_string(limits_.maxStringBytes) + ")"));
  }
  if (auto e = charge(kNodeBytes + v.size(), line, col)) {
    return unexpected(*e);
  }
  auto o = std::make_shared<Obj>();
  o->kind = Obj::Kind::kStr;
  o->line = line;
  o->col = col;
  o->weight = kNodeBytes + v.size();
  o->s = std::move(v);
  return ObjP(std::move(o));
}

Rt<ObjP> Heap::seq(std::vector<ObjP> items, bool tuple, int line, int col) {
  size_t weight = kNodeBytes;
  int depth = 0;
  for (const auto& x : items) {
    weight = addSat(weight, x->weight);
    depth = std::max(depth, x->depth);
  }
  if (depth + 1 > limits_.maxDepth) {
    return unexpected(tooBig(
        line, col, "values nested deeper than " + std::to_string(limits_.maxDepth) + " levels"));
  }
  if (weight > limits_.maxWeight) {
    return unexpected(tooBig(line, col, "list or tuple too large"));
  }
  if (auto e = charge(kNodeBytes * (1 + items.size()), line, col)) {
    return unexpected(*e);
  }
  auto o = std::make_shared<Obj>();
  o->kind = tuple ? Obj::Kind::kTuple : Obj::Kind::kList;
  o->line = line;
  o->col = col;
  o->weight = weight;
  o->depth = depth + 1;
  o->items = std::move(items);
  return ObjP(std::move(o));
}

Rt<ObjP> Heap::dict(std::vector<std::pair<std::string, ObjP>> entries, int line, int col) {
  size_t weight = kNodeBytes;
  int depth = 0;
  for (const auto& [k, x] : entries) {
    weight = addSat(addSat(weight, x->weight), kNodeBytes + k.size());
    depth = std::max(depth, x->depth);
  }
  if (depth + 1 > limits_.maxDepth) {
    return unexpected(tooBig(
        line, col, "values nested deeper than " + std::to_string(limits_.maxDepth) + " levels"));
  }
  if (weight > limits_.maxWeight) {
    return unexpected(tooBig(line, col, "dict too large"));
  }
  if (auto e = charge(kNodeBytes * (1 + entries.size()), line, col)) {
    return unexpected(*e);
  }
  auto o = std::make_shared<Obj>();
  o->kind = Obj::Kind::kDict;
  o->line = line;
  o->col = col;
  o->weight = weight;
  o->depth = depth + 1;
  o->dict = std::move(entries);
  return ObjP(std::move(o));
}

const char* typeName(const Obj& o) {
  switch (o.kind) {
    case Obj::Kind::kNone:
      return "NoneType";
    case Obj::Kind::kBool:
      return "bool";
    case Obj::Kind::kInt:
      return "int";
    case Obj::Kind::kFloat:
      return "float";
    case Obj::Kind::kStr:
      return "str";
    case Obj::Kind::kList:
      return "list";
    case Obj::Kind::kTuple:
      return "tuple";
    case Obj::Kind::kDict:
      return "dict";
  }
  return "object";
}

namespace {

// Returns false once `out` passes the limit (the caller reports it).
bool reprInto(const Obj& o, std::string& out, size_t limit) {
  switch (o.kind) {
    case Obj::Kind::kNone:
      out += "None";
      break;
    case Obj::Kind::kBool:
      out += o.b ? "True" : "False";
      break;
    case Obj::Kind::kInt:
      out += std::to_string(o.i);
      break;
    case Obj::Kind::kFloat:
      out += pyFloatRepr(o.f);
      break;
    case Obj::Kind::kStr:
      out += config::pyRepr(o.s);
      break;
    case Obj::Kind::kList:
    case Obj::Kind::kTuple: {
      bool tuple = o.kind == Obj::Kind::kTuple;
      out += tuple ? '(' : '[';
      for (size_t k = 0; k < o.items.size(); ++k) {
        if (k) {
          out += ", ";
        }
        if (!reprInto(*o.items[k], out, limit)) {
          return false;
        }
      }
      if (tuple && o.items.size() == 1) {
        out += ',';
      }
      out += tuple ? ')' : ']';
      break;
    }
    case Obj::Kind::kDict:
      out += '{';
      for (size_t k = 0; k < o.dict.size(); ++k) {
        if (k) {
          out += ", ";
        }
        out += config::pyRepr(o.dict[k].first) + ": ";
        if (!reprInto(*o.dict[k].second, out, limit)) {
          return false;
        }
      }
      out += '}';
      break;
  }
  return out.size() <= limit;
}

}  // namespace

Rt<std::string> pyRepr(const Obj& o, const XmLimits& limits) {
  std::string out;
  if (!reprInto(o, out, limits.maxStringBytes)) {
    return unexpected(tooBig(o.line, o.col, "text of a value is too long"));
  }
  return out;
}

Rt<std::string> pyStr(const Obj& o, const XmLimits& limits) {
  if (o.kind == Obj::Kind::kStr) {
    return o.s;
  }
  if (o.kind == Obj::Kind::kFloat) {
    return pyFloatStr(o.f);
  }
  return pyRepr(o, limits);
}

Value toValue(const Obj& o, const std::string& file) {
  Value v;
  if (o.line > 0) {
    v.loc = SourceLoc{file, o.line, o.col};
  }
  switch (o.kind) {
    case Obj::Kind::kNone:
      v.v = None{};
      break;
    case Obj::Kind::kBool:
      v.v = o.b;
      break;
    case Obj::Kind::kInt:
      v.v = o.i;
      break;
    case Obj::Kind::kFloat:
      v.v = o.f;
      break;
    case Obj::Kind::kStr:
      v.v = o.s;
      break;
    case Obj::Kind::kList:
    case Obj::Kind::kTuple: {
      List l;
      l.reserve(o.items.size());
      for (const auto& x : o.items) {
        l.push_back(toValue(*x, file));
      }
      v.v = std::move(l);
      v.isTuple = o.kind == Obj::Kind::kTuple;
      break;
    }
    case Obj::Kind::kDict: {
      Dict d;
      for (const auto& [k, x] : o.dict) {
        d.emplace_back(k, toValue(*x, file));
      }
      v.v = std::move(d);
      break;
    }
  }
  return v;
}

}  // namespace xenia::config::xm
