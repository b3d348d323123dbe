// The Python getopt port, checked against what CPython's getopt returns
// for the same calls (results recorded from python3's getopt module, whose
// behaviour here is unchanged since 2.x).
#include "xm/getopt.h"

#include <gtest/gtest.h>

namespace xenia::xm {
namespace {

using Opts = std::vector<std::pair<std::string, std::string>>;
using Strs = std::vector<std::string>;

TEST(PyGnuGetopt, OptionsAndOperandsMix) {
  auto r =
      pyGnuGetopt({"-lv", "x", "--state=run", "y"}, "lv", {"long", "vcpus", "label", "state="});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->opts, (Opts{{"-l", ""}, {"-v", ""}, {"--state", "run"}}));
  EXPECT_EQ(r->params, (Strs{"x", "y"}));
  EXPECT_TRUE(r->has("-l", "--long"));
  EXPECT_FALSE(r->has("", "--label"));
}

TEST(PyGnuGetopt, LongOptionsMatchUniquePrefixes) {
  auto r = pyGnuGetopt({"--lo", "--st", "running"}, "lv", {"long", "label", "state="});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->opts, (Opts{{"--long", ""}, {"--state", "running"}}));
  r = pyGnuGetopt({"--la"}, "lv", {"label", "long"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->opts, (Opts{{"--label", ""}}));
  r = pyGnuGetopt({"--l"}, "lv", {"label", "long"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "option --l not a unique prefix");
}

TEST(PyGnuGetopt, DoubleDashEndsOptions) {
  auto r = pyGnuGetopt({"a", "--", "-l", "b"}, "l", {});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->opts.empty());
  EXPECT_EQ(r->params, (Strs{"a", "-l", "b"}));
  r = pyGnuGetopt({"-", "-l"}, "l", {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->params, (Strs{"-"}));
}

TEST(PyGetopt, StopsAtFirstOperand) {
  auto r = pyGetopt({"-d", "web", "x", "-w", "5"}, "d:w:c:", {"domain=", "weight=", "cap="});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->opts, (Opts{{"-d", "web"}}));
  EXPECT_EQ(r->params, (Strs{"x", "-w", "5"}));
  r = pyGetopt({"a", "-l"}, "l", {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->params, (Strs{"a", "-l"}));
  r = pyGetopt({"--", "-l"}, "l", {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->params, (Strs{"-l"}));
}

TEST(PyGetopt, AttachedArguments) {
  auto r = pyGetopt({"-dweb", "-w256"}, "d:w:c:", {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->opts, (Opts{{"-d", "web"}, {"-w", "256"}}));
}

TEST(PyGetopt, ErrorsUsePythonWording) {
  auto e = [](auto r) { return r ? std::string("(ok)") : r.error(); };
  EXPECT_EQ(e(pyGetopt({"-d"}, "d:w:c:", {})), "option -d requires argument");
  EXPECT_EQ(e(pyGetopt({"--weight"}, "d:", {"weight="})), "option --weight requires argument");
  EXPECT_EQ(e(pyGetopt({"--long=1"}, "", {"long"})), "option --long must not have an argument");
  EXPECT_EQ(e(pyGetopt({"-x"}, "lv", {})), "option -x not recognized");
  EXPECT_EQ(e(pyGnuGetopt({"--bogus"}, "", {"long"})), "option --bogus not recognized");
}

}  // namespace
}  // namespace xenia::xm
