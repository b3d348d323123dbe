// Golden-file test harness in the style of libvirt's qemuxmlconftest: each
// case is an input file test/golden/cases/<name>.cfg (xm syntax) or
// <name>.xl.cfg (xl syntax); each suite turns it into text with a function and
// compares with <name>.<ext> beside it, or, for a case expected to fail, the
// error text with <name>.<errExt>. XENIA_REGENERATE=1 rewrites the expected
// files instead. A run fails on expected files no case used (per extension)
// and on cases registered twice.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "common/expected.h"

namespace xenia::golden {

struct CaseInput {
  std::string name;       // "netbsd-domu" (no '.')
  std::string inputPath;  // ".../netbsd-domu.cfg"
  std::string text;       // the input file's contents
  bool xl = false;        // input is <name>.xl.cfg
};

// The conversion under test: output text, or an error message.
using Convert = std::function<Expected<std::string, std::string>(const CaseInput&)>;

class Golden {
 public:
  // casesDir holds inputs and expected files. errExt names the expected-error
  // files of this runner ("err" -> <name>.err; a later stage can use e.g.
  // "args.err" so its failures do not collide with the model's).
  explicit Golden(std::string casesDir, std::string errExt = "err");

  // Adds a suite: every case runs through every suite. A suite's expected
  // files are <name>.<ext>.
  void addSuite(std::string ext, Convert fn);

  // Cases. ok(): each suite must succeed and match <name>.<ext>. fail(): each
  // suite must fail with the text in <name>.<errExt>.
  void ok(const std::string& name);
  void fail(const std::string& name);

  // Runs every case through every suite. Returns one message per problem
  // (empty = all good).
  std::vector<std::string> run();

  // Whether XENIA_REGENERATE=1 is set.
  static bool regenerating();

 private:
  struct Suite {
    std::string ext;
    Convert fn;
  };
  struct Case {
    std::string name;
    bool shouldFail = false;
  };
  void runCase(const Case& c, std::vector<std::string>& problems);
  void compare(const std::string& path, const std::string& actual, const std::string& what,
               std::vector<std::string>& problems);

  std::string dir_;
  std::string errExt_;
  std::vector<Suite> suites_;
  std::vector<Case> cases_;
  std::vector<std::string> registrationProblems_;
  std::set<std::string> usedFiles_;  // file names (not paths) compared this run
};

// Runs `g` and reports each problem as a gtest failure.
void expectGolden(Golden& g);

}  // namespace xenia::golden
