// Value parsing: Python int(), xm memory sizes, vcpu-pin CPU lists, abspath.
#include "xm/parse.h"

#include <gtest/gtest.h>

namespace xenia::xm {
namespace {

TEST(PyInt, AcceptsWhatPythonIntAccepts) {
  EXPECT_EQ(pyInt("42"), 42);
  EXPECT_EQ(pyInt(" -7 "), -7);
  EXPECT_EQ(pyInt("+3"), 3);
  EXPECT_FALSE(pyInt(""));
  EXPECT_FALSE(pyInt("3.0"));
  EXPECT_FALSE(pyInt("0x10"));
  EXPECT_FALSE(pyInt("99999999999999999999"));
}

TEST(ParseMemMiB, DefaultUnitIsMiB) {
  EXPECT_EQ(parseMemMiB("512"), 512);
  EXPECT_EQ(parseMemMiB("512m"), 512);
  EXPECT_EQ(parseMemMiB("512M"), 512);
}

TEST(ParseMemMiB, SuffixesConvertWithIntegerDivisionLikeIntUnit) {
  EXPECT_EQ(parseMemMiB("1g"), 1024);
  EXPECT_EQ(parseMemMiB("2G"), 2048);
  EXPECT_EQ(parseMemMiB("2048k"), 2);
  EXPECT_EQ(parseMemMiB("1000k"), 0);
  EXPECT_EQ(parseMemMiB("1048576b"), 1);
  EXPECT_EQ(parseMemMiB("3145728B"), 3);
}

TEST(ParseMemMiB, RejectsGarbage) {
  EXPECT_FALSE(parseMemMiB(""));
  EXPECT_FALSE(parseMemMiB("m"));
  EXPECT_FALSE(parseMemMiB("-5"));
  EXPECT_FALSE(parseMemMiB("12x"));
  EXPECT_FALSE(parseMemMiB("1.5g"));
  EXPECT_FALSE(parseMemMiB("9223372036854775807g"));
}

TEST(ParseCpuList, RangesSinglesAndExclusions) {
  auto l = parseCpuList("0-3,5");
  ASSERT_TRUE(l);
  EXPECT_EQ(*l, (std::vector<int64_t>{0, 1, 2, 3, 5}));
  l = parseCpuList("0-7,^2,^5");
  ASSERT_TRUE(l);
  EXPECT_EQ(*l, (std::vector<int64_t>{0, 1, 3, 4, 6, 7}));
  l = parseCpuList("3,1,3");
  ASSERT_TRUE(l);
  EXPECT_EQ(*l, (std::vector<int64_t>{1, 3}));
  EXPECT_FALSE(parseCpuList("a"));
  EXPECT_FALSE(parseCpuList("1-"));
  EXPECT_FALSE(parseCpuList("0-99999"));
  EXPECT_FALSE(parseCpuList(""));
}

TEST(CpuRangeString, Compacts) {
  EXPECT_EQ(cpuRangeString({0, 1, 2, 3, 5}), "0-3,5");
  EXPECT_EQ(cpuRangeString({4}), "4");
  EXPECT_EQ(cpuRangeString({}), "");
}

TEST(AbsPath, NormalisesLikeOsPathAbspath) {
  EXPECT_EQ(absPath("/srv", "core"), "/srv/core");
  EXPECT_EQ(absPath("/srv/x", "../y/./z"), "/srv/y/z");
  EXPECT_EQ(absPath("/srv", "/tmp//a/"), "/tmp/a");
  EXPECT_EQ(absPath("/", ".."), "/");
}

}  // namespace
}  // namespace xenia::xm
