// xend-config.sxp: top-level forms to ordered (key, form) entries.
#include "config/lang/xend_config.h"

#include <algorithm>
#include <cctype>

namespace xenia::config {

const XendConfigEntry* XendConfig::find(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.key == key) {
      return &e;
    }
  }
  return nullptr;
}

std::vector<const XendConfigEntry*> XendConfig::findAll(std::string_view key) const {
  std::vector<const XendConfigEntry*> out;
  for (const auto& e : entries) {
    if (e.key == key) {
      out.push_back(&e);
    }
  }
  return out;
}

Expected<XendConfig, ParseError> parseXendConfig(std::string_view text, std::string_view fileName) {
  auto forms = readSxpAll(text, fileName);
  if (!forms) {
    return unexpected(forms.error());
  }
  XendConfig cfg;
  cfg.path = std::string(fileName);
  for (Sexp& f : *forms) {
    SourceLoc loc{std::string(fileName), f.line, f.col};
    if (!f.isList) {
      return unexpected(
          ParseError{loc, "expected a (key value) form, found the bare word " + writeSxp(f),
                     "every setting is written in parentheses, e.g. (xend-relocation-server yes)"});
    }
    if (f.items.empty() || f.items[0].isList) {
      return unexpected(ParseError{loc, "expected a (key value) form, found " + writeSxp(f),
                                   "the first item of a setting must be its name"});
    }
    XendConfigEntry e;
    e.key = f.items[0].atom;
    e.line = f.line;
    e.form = std::move(f);
    cfg.entries.push_back(std::move(e));
  }
  return cfg;
}

std::optional<bool> xendBool(std::string_view atom) {
  std::string v(atom);
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* t : {"yes", "y", "1", "on", "true", "t"}) {
    if (v == t) {
      return true;
    }
  }
  for (const char* f : {"no", "n", "0", "off", "false", "f"}) {
    if (v == f) {
      return false;
    }
  }
  return std::nullopt;
}

}  // namespace xenia::config
