// parseXm: tokenize, parse (refusing non-subset constructs before anything
// runs, as Python compiles first), evaluate, then apply xm's rules from
// opts.py: command-line options win, other name=value pairs are pre-bound
// variables, and only str/list/int/float results are settings.
#include <cctype>

#include "config/lang/py_str.h"
#include "config/lang/xm_eval_impl.h"
#include "config/lang/xm_lexer.h"

namespace xenia::config {
namespace xm {
namespace {

std::string strip(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) {
    ++b;
  }
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) {
    --e;
  }
  return std::string(s.substr(b, e - b));
}

}  // namespace

Expected<ConfigFile, ParseError> Evaluator::run(std::string_view text,
                                                const std::vector<XmOverride>& overrides) {
  const XmLimits& lim = heap_.limits();
  if (text.size() > lim.maxInputBytes) {
    return fail(1, 1,
                "file too large (" + std::to_string(text.size()) + " bytes, limit " +
                    std::to_string(lim.maxInputBytes) + ")");
  }
  if (!text.empty() && text[0] == '<') {
    return fail(1, 1, "XML domain configuration files are not supported",
                "xm treated a file starting with '<' as XML (xm create with an XML file); "
                "write the settings as name = value lines");
  }
  if (auto e = applyOverrides(overrides)) {
    return unexpected(*e);
  }

  std::vector<xm::Token> toks;
  if (auto e = xm::tokenize(text, toks)) {
    return fail(e->line, e->col, e->message, e->hint);
  }
  std::vector<xm::Stmt> stmts;
  if (auto e = xm::parse(toks, stmts)) {
    return fail(e->line, e->col, e->message, e->hint);
  }
  toks.clear();
  for (const auto& st : stmts) {
    if (auto e = exec(st)) {
      return fail(e->line, e->col, e->message, e->hint);
    }
  }
  return build();
}

std::optional<ParseError> Evaluator::applyOverrides(const std::vector<XmOverride>& overrides) {
  for (const auto& o : overrides) {
    std::optional<XmOptionKind> kind = xmCreateOption(o.name);
    if (!kind) {
      auto s = heap_.str(strip(o.value), 0, 0);
      if (!s) {
        return ParseError{SourceLoc{}, s.error().message, ""};
      }
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
    if (!specified_.count(o.name)) {
      specifiedOrder_.push_back(o.name);
    }
    specified_[o.name] = std::move(v);
  }
  return std::nullopt;
}

Expected<ConfigFile, ParseError> Evaluator::build() {
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
    if (specified_.count(name)) {
      continue;
    }
    const Binding& b = env_.at(name);
    const Obj& o = *b.value;
    const char* ignoredHint = nullptr;
    switch (o.kind) {
      case Obj::Kind::kBool:
        ignoredHint = "write 1 or 0 instead of True or False";
        break;
      case Obj::Kind::kNone:
        ignoredHint = "leave the setting out instead of using None";
        break;
      case Obj::Kind::kTuple:
        ignoredHint = "use a list [...] instead of a tuple (...)";
        break;
      case Obj::Kind::kDict:
        ignoredHint = "xm settings are never dicts";
        break;
      default:
        break;
    }
    if (ignoredHint) {
      cfg.warnings.push_back(
          ParseError{locOf(b),
                     "`" + name +
                         "` is ignored: xm only takes str, list, int and float settings, and "
                         "this is a " +
                         xm::typeName(o),
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

}  // namespace xm

Expected<ConfigFile, ParseError> parseXm(std::string_view text, std::string_view fileName,
                                         const std::vector<XmOverride>& overrides,
                                         const XmLimits& limits) {
  return xm::Evaluator(std::string(fileName), limits).run(text, overrides);
}

}  // namespace xenia::config
