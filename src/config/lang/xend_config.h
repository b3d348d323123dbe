// Reader for /etc/xen/xend-config.sxp: a sequence of top-level
// (key value...) forms and comments (XendOptions.set_config). Key meanings
// and defaults belong to the daemon; this only gives the forms in order.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "config/lang/sexp.h"
#include "config/lang/value.h"

namespace xenia::config {

struct XendConfigEntry {
  std::string key;
  Sexp form;  // the whole (key value...) list
  int line = 0;

  // The first value, xend's sxp.child_value(config, key); nullptr for (key).
  const Sexp* value() const { return form.items.size() > 1 ? &form.items[1] : nullptr; }
};

struct XendConfig {
  std::string path;
  std::vector<XendConfigEntry> entries;  // file order

  // xend uses the FIRST form with a key (sxp.child); later duplicates are
  // ignored by it, so callers that want to warn can use findAll.
  const XendConfigEntry* find(std::string_view key) const;
  std::vector<const XendConfigEntry*> findAll(std::string_view key) const;
};

// Errors (file:line:col): SXP syntax, a top-level atom or a list whose first
// item is not an atom (xend would silently ignore those; we refuse them so a
// missing parenthesis is not a silently dropped setting).
Expected<XendConfig, ParseError> parseXendConfig(std::string_view text, std::string_view fileName);

// xend's get_config_bool spellings: yes y 1 on true t / no n 0 off false f
// (case-insensitive). nullopt for anything else.
std::optional<bool> xendBool(std::string_view atom);

}  // namespace xenia::config
