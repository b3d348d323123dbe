// Python's getopt module, which every xm command used to read its options:
// getopt() stops at the first operand, gnu_getopt() lets options and operands
// mix; long options match by unique prefix. The error texts are Python's,
// because xm printed them ("Error: option -x not recognized").
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/expected.h"

namespace xenia::xm {

struct ParsedOpts {
  // ("-w", "") or ("--weight", "256"): long names are completed to the full
  // option name, as Python reports them.
  std::vector<std::pair<std::string, std::string>> opts;
  std::vector<std::string> params;

  bool has(const std::string& shortName, const std::string& longName) const;
};

// shortopts: "lv" or "d:w:c:" (':' = takes an argument); longopts: "long",
// "state=" ('=' = takes an argument).
Expected<ParsedOpts, std::string> pyGetopt(const std::vector<std::string>& args,
                                           const std::string& shortopts,
                                           const std::vector<std::string>& longopts);
Expected<ParsedOpts, std::string> pyGnuGetopt(const std::vector<std::string>& args,
                                              const std::string& shortopts,
                                              const std::vector<std::string>& longopts);

}  // namespace xenia::xm
