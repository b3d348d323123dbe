// Formatting of model errors.
#include "config/model/error.h"

namespace xenia::config {

std::string ModelError::format() const {
  std::string out;
  if (!loc.file.empty()) {
    out = loc.file;
    if (loc.line > 0) {
      out += ':' + std::to_string(loc.line);
    }
    out += ": ";
  }
  if (!field.empty()) {
    out += field + ": ";
  }
  return out + message;
}

}  // namespace xenia::config
