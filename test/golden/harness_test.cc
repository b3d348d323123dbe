// The golden harness itself: comparison, regeneration, unused expected files
// (per extension), duplicate cases, missing inputs. Works in a temporary
// directory it removes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test/golden/harness.h"

namespace xenia::golden {
namespace {

namespace fs = std::filesystem;

class HarnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/xenia-golden-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    unsetenv("XENIA_REGENERATE");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
  std::string read(const std::string& name) {
    std::ifstream in(dir_ + "/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Upper-cases the input; fails on inputs starting with "bad".
  static Expected<std::string, std::string> upper(const CaseInput& in) {
    if (in.text.rfind("bad", 0) == 0) {
      return unexpected(std::string("bad input in ") + in.name);
    }
    std::string out = in.text;
    for (char& c : out) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out + (in.xl ? "xl\n" : "xm\n");
  }
  std::string dir_;
};

bool contains(const std::vector<std::string>& problems, const std::string& needle) {
  for (const std::string& p : problems) {
    if (p.find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST_F(HarnessTest, MatchingOutputsPass) {
  write("a.cfg", "one\n");
  write("a.up", "ONE\nxm\n");
  write("b.xl.cfg", "two\n");
  write("b.up", "TWO\nxl\n");
  write("c.cfg", "bad\n");
  write("c.err", "bad input in c\n");
  Golden g(dir_);
  g.addSuite("up", upper);
  g.ok("a");
  g.ok("b");
  g.fail("c");
  EXPECT_EQ(g.run(), std::vector<std::string>{});
}

TEST_F(HarnessTest, DifferencesAndMissingFilesFail) {
  write("a.cfg", "one\n");
  write("a.up", "ONCE\nxm\n");
  write("b.cfg", "two\n");
  write("c.cfg", "three\n");
  write("c.err", "whatever\n");
  Golden g(dir_);
  g.addSuite("up", upper);
  g.ok("a");
  g.ok("b");
  g.fail("c");
  g.ok("d");
  auto problems = g.run();
  EXPECT_TRUE(contains(problems, "a [up]: output differs")) << ::testing::PrintToString(problems);
  EXPECT_TRUE(contains(problems, "expected: ONCE"));
  EXPECT_TRUE(contains(problems, "b [up]: expected file"));
  EXPECT_TRUE(contains(problems, "c [up]: expected an error"));
  EXPECT_TRUE(contains(problems, "d: no input"));
}

TEST_F(HarnessTest, UnusedExpectedFilesAndDuplicatesFail) {
  write("a.cfg", "one\n");
  write("a.up", "ONE\nxm\n");
  write("stale.up", "old\n");
  write("stale.err", "old\n");
  write("other.args", "not ours\n");      // another runner's extension
  write("other.args.err", "not ours\n");  // not an "err" file: extension is args.err
  Golden g(dir_);
  g.addSuite("up", upper);
  g.ok("a");
  g.ok("a");
  auto problems = g.run();
  EXPECT_TRUE(contains(problems, "a: case registered twice"));
  EXPECT_TRUE(contains(problems, "stale.up is used by no case"));
  EXPECT_TRUE(contains(problems, "stale.err is used by no case"));
  EXPECT_FALSE(contains(problems, "other.args"));
  EXPECT_EQ(problems.size(), 3u) << ::testing::PrintToString(problems);
}

TEST_F(HarnessTest, RegenerateWritesExpectedFiles) {
  write("a.cfg", "one\n");
  write("a.up", "stale\n");
  write("c.cfg", "bad\n");
  setenv("XENIA_REGENERATE", "1", 1);
  Golden g(dir_, "up.err");
  g.addSuite("up", upper);
  g.ok("a");
  g.fail("c");
  EXPECT_EQ(g.run(), std::vector<std::string>{});
  unsetenv("XENIA_REGENERATE");
  EXPECT_EQ(read("a.up"), "ONE\nxm\n");
  EXPECT_EQ(read("c.up.err"), "bad input in c\n");
  Golden again(dir_, "up.err");
  again.addSuite("up", upper);
  again.ok("a");
  again.fail("c");
  EXPECT_EQ(again.run(), std::vector<std::string>{});
}

TEST_F(HarnessTest, BadCaseNamesAndAmbiguousInputs) {
  write("a.cfg", "one\n");
  write("a.xl.cfg", "one\n");
  Golden g(dir_);
  g.addSuite("up", upper);
  g.ok("a");
  g.ok("x.y");
  auto problems = g.run();
  EXPECT_TRUE(contains(problems, "a: both"));
  EXPECT_TRUE(contains(problems, "case name 'x.y'"));
}

}  // namespace
}  // namespace xenia::golden
