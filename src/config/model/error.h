// Errors from turning a config (file, SXP or JSON) into a DomainConfig: the
// field at fault, where it came from when known, and a sentence saying why.
#pragma once

#include <string>

#include "config/lang/value.h"

namespace xenia::config {

struct ModelError {
  std::string field;  // "disk[1]", "vif[0]", "memory"; empty = the config as a whole
  SourceLoc loc;      // line 0 = unknown (SXP, JSON, built in code)
  std::string message;

  // "file:line: field: message", dropping whatever part is unknown.
  std::string format() const;
};

}  // namespace xenia::config
