// The cfg -> QEMU argv golden suite: every case in test/golden/cases is read
// with the xm or xl reader, built into a DomainConfig by the model, and
// translated with the fixed host facts of test/unit/qemu/qemu_testdata.h
// (TCG, recorded QEMU 7.2 caps, taps vif7.<n> on fds 40+n, sockets under
// /run/xenia/domain/7). Output: <name>.args, one argument per line; a case
// whose translation must fail has <name>.args.err instead. Cases the model
// itself rejects (they have <name>.err) belong to the model suite and are
// skipped here. XENIA_REGENERATE=1 rewrites the files; review the diff. To
// add a case that must fail, create an empty <name>.args.err and regenerate.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "qemu/argv/argv.h"
#include "qemu_testdata.h"
#include "test/golden/harness.h"
#include "test/golden/model_case.h"

namespace xenia {
namespace {

namespace fs = std::filesystem;

const std::string kCasesDir = std::string(XENIA_SOURCE_DIR) + "/test/golden/cases";

Expected<std::string, std::string> toArgs(const golden::CaseInput& in) {
  auto dom = golden::caseToModel(in);
  if (!dom) {
    return unexpected(dom.error());
  }
  auto argv = qemu::buildArgv(*dom, qemu::testdata::goldenFacts(*dom));
  if (!argv) {
    return unexpected("argv: " + argv.error().format());
  }
  return qemu::formatArgs(*argv);
}

// Case names from the inputs present: <name>.cfg (xm) or <name>.xl.cfg (xl).
std::set<std::string> caseNames() {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCasesDir)) {
    std::string file = entry.path().filename().string();
    for (std::string_view ext : {".xl.cfg", ".cfg"}) {
      if (file.size() > ext.size() && file.ends_with(ext) &&
          file.find('.') == file.size() - ext.size()) {
        names.insert(file.substr(0, file.size() - ext.size()));
        break;
      }
    }
  }
  return names;
}

TEST(ArgvGolden, EveryCase) {
  golden::Golden g(kCasesDir, "args.err");
  g.addSuite("args", toArgs);
  int registered = 0;
  for (const std::string& name : caseNames()) {
    // The model suite owns cases the model rejects.
    if (fs::exists(kCasesDir + "/" + name + ".err")) {
      continue;
    }
    if (fs::exists(kCasesDir + "/" + name + ".args.err")) {
      g.fail(name);
    } else {
      g.ok(name);
    }
    ++registered;
  }
  EXPECT_GT(registered, 0) << "no cases in " << kCasesDir;
  golden::expectGolden(g);
}

}  // namespace
}  // namespace xenia
