// Case file -> DomainConfig for the golden suites.
#include "test/golden/model_case.h"

#include <sstream>

#include "config/lang/xl.h"
#include "config/lang/xm.h"
#include "config/model/build.h"

namespace xenia::golden {

Expected<config::DomainConfig, std::string> caseToModel(const CaseInput& in) {
  using namespace xenia::config;
  std::string fileName = in.name + (in.xl ? ".xl.cfg" : ".cfg");
  Expected<ConfigFile, ParseError> file = unexpected(ParseError{});
  if (in.xl) {
    file = parseXl(in.text, fileName);
  } else {
    std::vector<XmOverride> overrides;
    std::istringstream lines(in.text);
    std::string line;
    const std::string tag = "# golden-args:";
    while (std::getline(lines, line)) {
      if (line.rfind(tag, 0) == 0) {
        std::istringstream args(line.substr(tag.size()));
        std::string arg;
        while (args >> arg) {
          if (auto o = splitXmOverride(arg)) {
            overrides.push_back(*o);
          }
        }
      }
    }
    file = parseXm(in.text, fileName, overrides);
  }
  if (!file) {
    return unexpected(file.error().format());
  }
  SeededRandom rng(1);
  auto d = buildDomain(*file, in.xl ? Dialect::kXl : Dialect::kXm, rng);
  if (!d) {
    return unexpected(d.error().format());
  }
  return *d;
}

}  // namespace xenia::golden
