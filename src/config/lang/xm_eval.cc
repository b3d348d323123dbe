// parseXm: tokenize, parse (refusing non-subset constructs before anything
// runs, as Python compiles first), evaluate statements in order, then apply
// xm's command-line and type rules (opts.py load) to build the ConfigFile.
#include <cctype>
#include <map>
#include <set>

#include "config/lang/xm.h"
#include "config/lang/xm_ast.h"
#include "config/lang/xm_lexer.h"
#include "config/lang/xm_object.h"
#include "config/lang/xm_ops.h"

namespace xenia::config {
namespace {

using xm::Expr;
using xm::Heap;
using xm::Obj;
using xm::ObjP;
using xm::Rt;
using xm::RtError;


// Python's int() on a string: optional surrounding whitespace and sign,
// decimal digits only.
std::optional<int64_t> pyInt(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  s = s.substr(b, e - b);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t mag = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (mag > (UINT64_MAX - (c - '0')) / 10) return std::nullopt;
    mag = mag * 10 + (c - '0');
  }
  if (neg ? mag > (1ull << 63) : mag > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
}

std::string strip(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool contains(const Obj& hay, const Obj* needle, int depth) {
  if (&hay == needle) return true;
  if (depth > 256) return false;  // cannot happen: values are depth-limited
  for (const auto& x : hay.items) {
    if (contains(*x, needle, depth + 1)) return true;
  }
  for (const auto& [k, x] : hay.dict) {
    if (contains(*x, needle, depth + 1)) return true;
  }
  return false;
}

class Evaluator {
 public:
  Evaluator(std::string file, const XmLimits& limits) : file_(std::move(file)), heap_(limits) {}

  Expected<ConfigFile, ParseError> run(std::string_view text,
                                       const std::vector<XmOverride>& overrides) {
    const XmLimits& lim = heap_.limits();
    if (text.size() > lim.maxInputBytes) {
      return fail(1, 1, "file too large (" + std::to_string(text.size()) + " bytes, limit " +
                            std::to_string(lim.maxInputBytes) + ")");
    }
    if (!text.empty() && text[0] == '<') {
      return fail(1, 1, "XML domain configuration files are not supported",
                  "xm treated a file starting with '<' as XML (xm create with an XML file); "
                  "write the settings as name = value lines");
    }
    if (auto e = applyOverrides(overrides)) return unexpected(*e);

    std::vector<xm::Token> toks;
    if (auto e = xm::tokenize(text, toks)) return fail(e->line, e->col, e->message, e->hint);
    std::vector<xm::Stmt> stmts;
    if (auto e = xm::parse(toks, stmts)) return fail(e->line, e->col, e->message, e->hint);
    toks.clear();
    for (const auto& st : stmts) {
      if (auto e = exec(st)) return fail(e->line, e->col, e->message, e->hint);
    }
    return build();
  }

 private:
  struct Binding {
    ObjP value;
    int line = 0;  // of the target in the last binding statement; 0: command line
    int col = 0;
  };

  Unexpected<ParseError> fail(int line, int col, std::string msg, std::string hint = "") {
    return unexpected(ParseError{SourceLoc{file_, line, col}, std::move(msg), std::move(hint)});
  }

  void bind(const std::string& name, ObjP v, int line, int col) {
    auto it = env_.find(name);
    if (it == env_.end()) {
      order_.push_back(name);
      env_.emplace(name, Binding{std::move(v), line, col});
    } else {
      it->second = Binding{std::move(v), line, col};
    }
  }

  std::optional<ParseError> applyOverrides(const std::vector<XmOverride>& overrides) {
    for (const auto& o : overrides) {
      std::optional<XmOptionKind> kind = xmCreateOption(o.name);
      if (!kind) {
        auto s = heap_.str(strip(o.value), 0, 0);
        if (!s) return ParseError{SourceLoc{}, s.error().message, ""};
        bind(strip(o.name), *s, 0, 0);
        continue;
      }
      Value v;
      switch (*kind) {
        case XmOptionKind::kValue:
          v.v = o.value;
          break;
        case XmOptionKind::kInt: {
          std::optional<int64_t> n = pyInt(o.value);
          if (!n) {
            return ParseError{SourceLoc{}, "Invalid value: " + o.value,
                              o.name + " must be an integer"};
          }
          v.v = *n;
          break;
        }
        case XmOptionKind::kBool:
          if (o.value == "yes" || o.value == "y") {
            v.v = int64_t{1};
          } else if (o.value == "no" || o.value == "n") {
            v.v = int64_t{0};
          } else {
            return ParseError{SourceLoc{}, "Invalid value:" + o.value,
                              o.name + " takes yes, y, no or n"};
          }
          break;
        case XmOptionKind::kAppend: {
          auto it = specified_.find(o.name);
          List l = it == specified_.end() ? List{} : std::get<List>(it->second.v);
          Value item;
          item.v = o.value;
          l.push_back(std::move(item));
          v.v = std::move(l);
          break;
        }
      }
      if (!specified_.count(o.name)) specifiedOrder_.push_back(o.name);
      specified_[o.name] = std::move(v);
    }
    return std::nullopt;
  }

  Rt<ObjP> eval(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kNone: return heap_.none(e.line, e.col);
      case Expr::Kind::kBool: return heap_.boolean(e.b, e.line, e.col);
      case Expr::Kind::kInt: return heap_.integer(e.i, e.line, e.col);
      case Expr::Kind::kFloat: return heap_.floating(e.f, e.line, e.col);
      case Expr::Kind::kStr: return heap_.str(e.s, e.line, e.col);
      case Expr::Kind::kName: return lookup(e);
      case Expr::Kind::kList:
      case Expr::Kind::kTuple: {
        std::vector<ObjP> items;
        items.reserve(e.kids.size());
        for (const auto& k : e.kids) {
          auto v = eval(*k);
          if (!v) return v;
          items.push_back(std::move(*v));
        }
        return heap_.seq(std::move(items), e.kind == Expr::Kind::kTuple, e.line, e.col);
      }
      case Expr::Kind::kDict: {
        std::vector<std::pair<std::string, ObjP>> entries;
        for (size_t k = 0; k + 1 < e.kids.size(); k += 2) {
          auto key = eval(*e.kids[k]);
          if (!key) return key;
          if ((*key)->kind != Obj::Kind::kStr) {
            return unexpected(RtError{e.kids[k]->line, e.kids[k]->col,
                                      std::string("only string dict keys are supported, not ") +
                                          xm::typeName(**key),
                                      ""});
          }
          auto val = eval(*e.kids[k + 1]);
          if (!val) return val;
          bool replaced = false;
          for (auto& [name, v] : entries) {
            if (name == (*key)->s) {
              v = *val;  // Python keeps the first position and the last value
              replaced = true;
            }
          }
          if (!replaced) entries.emplace_back((*key)->s, std::move(*val));
        }
        return heap_.dict(std::move(entries), e.line, e.col);
      }
      case Expr::Kind::kUnary: {
        auto v = eval(*e.kids[0]);
        if (!v) return v;
        return xm::unaryOp(heap_, e.s, *v, xm::OpSite{e.line, e.col, e.opLine, e.opCol});
      }
      case Expr::Kind::kBinary: {
        auto a = eval(*e.kids[0]);
        if (!a) return a;
        auto b = eval(*e.kids[1]);
        if (!b) return b;
        return xm::binaryOp(heap_, e.s, *a, *b, xm::OpSite{e.line, e.col, e.opLine, e.opCol});
      }
    }
    return heap_.none(e.line, e.col);
  }

  Rt<ObjP> lookup(const Expr& e) {
    auto it = env_.find(e.s);
    if (it != env_.end()) return it->second.value;
    static const std::set<std::string> kModules = {"os", "sys", "re", "string", "socket",
                                                   "commands", "subprocess", "time"};
    std::string hint;
    if (kModules.count(e.s)) {
      hint = "Python modules are not available: xm config files are evaluated as data";
    } else if (e.s.rfind("xm_", 0) == 0) {
      hint = "xm's helper objects (xm_vars, xm_file, xm_help) are not supported";
    } else if (specified_.count(e.s)) {
      hint = e.s + " was given on the command line; xm does not show option values to the "
                   "config file, only other name=value variables";
    } else {
      hint = "names must be assigned earlier in the file or given as name=value on the command "
             "line";
    }
    return unexpected(RtError{e.line, e.col, "NameError: name '" + e.s + "' is not defined", hint});
  }

  std::optional<RtError> exec(const xm::Stmt& st) {
    if (st.targets.empty()) {
      auto v = eval(*st.value);
      if (!v) return v.error();
      return std::nullopt;
    }
    if (!st.augOp.empty()) return execAug(st);
    auto v = eval(*st.value);
    if (!v) return v.error();
    for (const auto& t : st.targets) bind(t.name, *v, t.line, t.col);
    return std::nullopt;
  }

  // a OP= b. Lists change in place in Python (`+=` extends, `*=` repeats),
  // which other names holding the same list would see; we refuse that case
  // rather than silently differ.
  std::optional<RtError> execAug(const xm::Stmt& st) {
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
    if (!rhs) return rhs.error();
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
          for (char c : r.s) parts.emplace_back(1, c);
        } else {
          for (const auto& [k, v] : r.dict) parts.push_back(k);
        }
        for (auto& p : parts) {
          auto s = heap_.str(std::move(p), st.value->line, st.value->col);
          if (!s) return s.error();
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
    if (!result) return result.error();
    old.reset();
    bind(t.name, *result, t.line, t.col);
    return std::nullopt;
  }

  Expected<ConfigFile, ParseError> build() {
    ConfigFile cfg;
    cfg.path = file_;
    for (const auto& name : specifiedOrder_) {
      cfg.entries.push_back(Assignment{name, specified_[name], SourceLoc{}});
    }
    // Which names xm passes on, and whether writing them all out fits,
    // before copying anything.
    std::vector<const std::string*> kept;
    size_t total = 0;
    for (const auto& name : order_) {
      if (specified_.count(name)) continue;
      const Binding& b = env_.at(name);
      const Obj& o = *b.value;
      const char* ignoredHint = nullptr;
      switch (o.kind) {
        case Obj::Kind::kBool: ignoredHint = "write 1 or 0 instead of True or False"; break;
        case Obj::Kind::kNone: ignoredHint = "leave the setting out instead of using None"; break;
        case Obj::Kind::kTuple: ignoredHint = "use a list [...] instead of a tuple (...)"; break;
        case Obj::Kind::kDict: ignoredHint = "xm settings are never dicts"; break;
        default: break;
      }
      if (ignoredHint) {
        cfg.warnings.push_back(ParseError{
            locOf(b),
            "`" + name + "` is ignored: xm only takes str, list, int and float settings, and "
                "this is a " + xm::typeName(o),
            ignoredHint});
        continue;
      }
      total += o.weight;
      if (total > heap_.limits().maxOutputWeight) {
        return fail(b.line, b.col, "the settings are too large in total");
      }
      kept.push_back(&name);
    }
    for (const std::string* name : kept) {
      const Binding& b = env_.at(*name);
      cfg.entries.push_back(Assignment{*name, xm::toValue(*b.value, file_), locOf(b)});
    }
    return cfg;
  }

  SourceLoc locOf(const Binding& b) const {
    return b.line > 0 ? SourceLoc{file_, b.line, b.col} : SourceLoc{};
  }

  std::string file_;
  Heap heap_;
  std::map<std::string, Binding> env_;
  std::vector<std::string> order_;
  std::map<std::string, Value> specified_;
  std::vector<std::string> specifiedOrder_;
};

}  // namespace

Expected<ConfigFile, ParseError> parseXm(std::string_view text, std::string_view fileName,
                                         const std::vector<XmOverride>& overrides,
                                         const XmLimits& limits) {
  return Evaluator(std::string(fileName), limits).run(text, overrides);
}

}  // namespace xenia::config
