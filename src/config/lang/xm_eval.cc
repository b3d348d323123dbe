// xm evaluation: expressions (names, literals, displays, operators) and
// statements (assignment, augmented assignment with Python's in-place list
// semantics checked for aliasing), run in file order.
#include <set>

#include "config/lang/xm_eval_impl.h"
#include "config/lang/xm_ops.h"

namespace xenia::config::xm {
namespace {

bool contains(const Obj& hay, const Obj* needle, int depth) {
  if (&hay == needle) {
    return true;
  }
  if (depth > 256) {
    return false;  // cannot happen: values are depth-limited
  }
  for (const auto& x : hay.items) {
    if (contains(*x, needle, depth + 1)) {
      return true;
    }
  }
  for (const auto& [k, x] : hay.dict) {
    if (contains(*x, needle, depth + 1)) {
      return true;
    }
  }
  return false;
}

}  // namespace

void Evaluator::bind(const std::string& name, ObjP v, int line, int col) {
  auto it = env_.find(name);
  if (it == env_.end()) {
    order_.push_back(name);
    env_.emplace(name, Binding{std::move(v), line, col});
  } else {
    it->second = Binding{std::move(v), line, col};
  }
}

Rt<ObjP> Evaluator::eval(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kNone:
      return heap_.none(e.line, e.col);
    case Expr::Kind::kBool:
      return heap_.boolean(e.b, e.line, e.col);
    case Expr::Kind::kInt:
      return heap_.integer(e.i, e.line, e.col);
    case Expr::Kind::kFloat:
      return heap_.floating(e.f, e.line, e.col);
    case Expr::Kind::kStr:
      return heap_.str(e.s, e.line, e.col);
    case Expr::Kind::kName:
      return lookup(e);
    case Expr::Kind::kList:
    case Expr::Kind::kTuple: {
      std::vector<ObjP> items;
      items.reserve(e.kids.size());
      for (const auto& k : e.kids) {
        auto v = eval(*k);
        if (!v) {
          return v;
        }
        items.push_back(std::move(*v));
      }
      return heap_.seq(std::move(items), e.kind == Expr::Kind::kTuple, e.line, e.col);
    }
    case Expr::Kind::kDict: {
      std::vector<std::pair<std::string, ObjP>> entries;
      for (size_t k = 0; k + 1 < e.kids.size(); k += 2) {
        auto key = eval(*e.kids[k]);
        if (!key) {
          return key;
        }
        if ((*key)->kind != Obj::Kind::kStr) {
          return unexpected(RtError{
              e.kids[k]->line, e.kids[k]->col,
              std::string("only string dict keys are supported, not ") + xm::typeName(**key), ""});
        }
        auto val = eval(*e.kids[k + 1]);
        if (!val) {
          return val;
        }
        bool replaced = false;
        for (auto& [name, v] : entries) {
          if (name == (*key)->s) {
            v = *val;  // Python keeps the first position and the last value
            replaced = true;
          }
        }
        if (!replaced) {
          entries.emplace_back((*key)->s, std::move(*val));
        }
      }
      return heap_.dict(std::move(entries), e.line, e.col);
    }
    case Expr::Kind::kUnary: {
      auto v = eval(*e.kids[0]);
      if (!v) {
        return v;
      }
      return xm::unaryOp(heap_, e.s, *v, xm::OpSite{e.line, e.col, e.opLine, e.opCol});
    }
    case Expr::Kind::kBinary: {
      auto a = eval(*e.kids[0]);
      if (!a) {
        return a;
      }
      auto b = eval(*e.kids[1]);
      if (!b) {
        return b;
      }
      return xm::binaryOp(heap_, e.s, *a, *b, xm::OpSite{e.line, e.col, e.opLine, e.opCol});
    }
  }
  return heap_.none(e.line, e.col);
}

Rt<ObjP> Evaluator::lookup(const Expr& e) {
  auto it = env_.find(e.s);
  if (it != env_.end()) {
    return it->second.value;
  }
  static const std::set<std::string> kModules = {"os",     "sys",      "re",         "string",
                                                 "socket", "commands", "subprocess", "time"};
  std::string hint;
  if (kModules.count(e.s)) {
    hint = "Python modules are not available: xm config files are evaluated as data";
  } else if (e.s.rfind("xm_", 0) == 0) {
    hint = "xm's helper objects (xm_vars, xm_file, xm_help) are not supported";
  } else if (specified_.count(e.s)) {
    hint = e.s +
           " was given on the command line; xm does not show option values to the "
           "config file, only other name=value variables";
  } else {
    hint =
        "names must be assigned earlier in the file or given as name=value on the command "
        "line";
  }
  return unexpected(RtError{e.line, e.col, "NameError: name '" + e.s + "' is not defined", hint});
}

std::optional<RtError> Evaluator::exec(const xm::Stmt& st) {
  if (st.targets.empty()) {
    auto v = eval(*st.value);
    if (!v) {
      return v.error();
    }
    return std::nullopt;
  }
  if (!st.augOp.empty()) {
    return execAug(st);
  }
  auto v = eval(*st.value);
  if (!v) {
    return v.error();
  }
  for (const auto& t : st.targets) {
    bind(t.name, *v, t.line, t.col);
  }
  return std::nullopt;
}

// a OP= b. Lists change in place in Python (`+=` extends, `*=` repeats),
// which other names holding the same list would see; we refuse that case
// rather than silently differ.
std::optional<RtError> Evaluator::execAug(const xm::Stmt& st) {
  const xm::Target& t = st.targets[0];
  auto it = env_.find(t.name);
  if (it == env_.end()) {
    return RtError{t.line, t.col, "NameError: name '" + t.name + "' is not defined",
                   "`" + t.name + " " + st.augOp + "= ...` needs an earlier assignment"};
  }
  const Obj* target = it->second.value.get();
  bool inPlace = target->kind == Obj::Kind::kList && (st.augOp == "+" || st.augOp == "*");
  if (inPlace && it->second.value.use_count() > 1) {
    return RtError{t.line, t.col,
                   "`" + t.name + " " + st.augOp +
                       "=` would also change another name or list holding the same list",
                   "Python changes lists in place; write `" + t.name + " = " + t.name + " " +
                       st.augOp + " ...` to make a new list"};
  }
  ObjP old = it->second.value;
  auto rhs = eval(*st.value);
  if (!rhs) {
    return rhs.error();
  }
  xm::OpSite site{st.value->line, st.value->col, t.line, t.col};
  Rt<ObjP> result = unexpected(RtError{0, 0, "", ""});
  if (inPlace && st.augOp == "+") {
    if (rhs->get() != target && contains(**rhs, target, 0)) {
      return RtError{t.line, t.col, "a list cannot contain itself", ""};
    }
    // list.__iadd__ extends with any iterable.
    std::vector<ObjP> items = old->items;
    const Obj& r = **rhs;
    if (r.kind == Obj::Kind::kList || r.kind == Obj::Kind::kTuple) {
      items.insert(items.end(), r.items.begin(), r.items.end());
    } else if (r.kind == Obj::Kind::kStr || r.kind == Obj::Kind::kDict) {
      std::vector<std::string> parts;
      if (r.kind == Obj::Kind::kStr) {
        for (char c : r.s) {
          parts.emplace_back(1, c);
        }
      } else {
        for (const auto& [k, v] : r.dict) {
          parts.push_back(k);
        }
      }
      for (auto& p : parts) {
        auto s = heap_.str(std::move(p), st.value->line, st.value->col);
        if (!s) {
          return s.error();
        }
        items.push_back(*s);
      }
    } else {
      return RtError{site.opLine, site.opCol,
                     std::string("TypeError: '") + xm::typeName(r) + "' object is not iterable",
                     ""};
    }
    result = heap_.seq(std::move(items), false, old->line, old->col);
  } else {
    result = xm::binaryOp(heap_, st.augOp, old, *rhs, site);
  }
  if (!result) {
    return result.error();
  }
  old.reset();
  bind(t.name, *result, t.line, t.col);
  return std::nullopt;
}

}  // namespace xenia::config::xm
