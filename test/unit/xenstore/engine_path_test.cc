// Engine: path syntax, relative paths and C's path-length rule.
#include "engine_fixture.h"
#include "xenstore/store/path.h"

namespace xenia::xs::test {
namespace {

using Paths = EngineTest;

TEST_F(Paths, InvalidSyntaxIsEinval) {
  for (const char* p : {"/a b", "/a//b", "/a/", "//", "/a.b", "/a:b", "/ä", "/a\\b"}) {
    EXPECT_EQ(write(dom0, p, "x"), "!EINVAL") << p;
    EXPECT_EQ(read(dom0, p), "!EINVAL") << p;
  }
  EXPECT_EQ(write(dom0, "/A-z_0@9", "ok"), "OK|");
  EXPECT_EQ(read(dom0, "/A-z_0@9"), "ok");
}

TEST_F(Paths, SpecialNamesOnlyWorkForWatchAndSetPerms) {
  EXPECT_EQ(read(dom0, "@introduceDomain"), "!EINVAL");
  EXPECT_EQ(getPerms(dom0, "@releaseDomain"), "!EINVAL");
  EXPECT_EQ(write(dom0, "@introduceDomain", "x"), "!EINVAL");
  EXPECT_EQ(rm(dom0, "@releaseDomain"), "!EINVAL");
  EXPECT_EQ(setPerms(dom0, "@releaseDomain", "n0|"), "OK|");
  EXPECT_EQ(setPerms(dom0, "@other", "n0|"), "!EINVAL");
}

TEST_F(Paths, RelativePathsResolveUnderTheDomainHome) {
  EXPECT_EQ(write(dom0, "rel/x", "0"), "OK|");
  EXPECT_EQ(read(dom0, "/local/domain/0/rel/x"), "0");
  ConnId g = guest(5);
  write(dom0, "/local/domain/5", "");
  setPerms(dom0, "/local/domain/5", "n5|");
  EXPECT_EQ(write(g, "data/k", "v"), "OK|");
  EXPECT_EQ(read(dom0, "/local/domain/5/data/k"), "v");
  EXPECT_EQ(read(g, "data/k"), "v");
  EXPECT_EQ(read(g, ""), "!EINVAL");  // "/local/domain/5/" ends in "/"
}

TEST_F(Paths, LengthCountsWithoutTheDomainPrefix) {
  std::string p2048 = "/" + std::string(2047, 'p');
  EXPECT_EQ(write(dom0, p2048, "x"), "OK|");
  EXPECT_EQ(write(dom0, p2048 + "q", "x"), "!EINVAL");
  std::string local = "/local/domain/7/" + std::string(2048, 'a');
  EXPECT_EQ(write(dom0, local, "x"), "OK|");
  EXPECT_EQ(write(dom0, local + "b", "x"), "!EINVAL");
  // Six digits are not a domain prefix for C's "%5u".
  std::string five = "/local/domain/12345/" + std::string(2040, 'a');
  EXPECT_EQ(write(dom0, five, "x"), "OK|");
  std::string six = "/local/domain/123456/" + std::string(2040, 'a');
  EXPECT_EQ(write(dom0, six, "x"), "!EINVAL");
}

TEST_F(Paths, RaisedPathMaxStillStopsAtTheAbsoluteCap) {
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "path-max|5000|"), "OK|");
  EXPECT_EQ(write(dom0, "/" + std::string(3071, 'c'), "x"), "OK|");
  EXPECT_EQ(write(dom0, "/" + std::string(3072, 'c'), "x"), "!EINVAL");
}

TEST_F(Paths, GuestPathMaxFollowsItsQuota) {
  ConnId g = guest(4);
  write(dom0, "/local/domain/4", "");
  setPerms(dom0, "/local/domain/4", "n4|");
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "4|path-max|10|"), "OK|");
  EXPECT_EQ(write(g, "0123456789", "x"), "OK|");
  EXPECT_EQ(write(g, "0123456789a", "x"), "!EINVAL");
  // Others keep the global limit.
  EXPECT_EQ(write(dom0, "/local/domain/4/0123456789ab", "x"), "OK|");
}

TEST(PathRules, Helpers) {
  using namespace store;
  EXPECT_EQ(domainPrefixLength("/local/domain/5/x"), 16u);
  EXPECT_EQ(domainPrefixLength("/local/domain/12345/x"), 20u);
  EXPECT_EQ(domainPrefixLength("/local/domain/5"), 0u);
  EXPECT_EQ(domainPrefixLength("/local/domain//x"), 0u);
  EXPECT_EQ(domainPrefixLength("/local/domainx/5/x"), 0u);
  EXPECT_EQ(parentPath("/a/b"), "/a");
  EXPECT_EQ(parentPath("/a"), "/");
  EXPECT_EQ(parentPath("/"), "/");
  EXPECT_EQ(baseName("/a/b"), "b");
  EXPECT_TRUE(isChildPath("/a/b", "/a"));
  EXPECT_TRUE(isChildPath("/a", "/a"));
  EXPECT_FALSE(isChildPath("/ab", "/a"));
  EXPECT_TRUE(isChildPath("/x", "/"));
  EXPECT_TRUE(isValidNodePath("/", 2048));
  EXPECT_FALSE(isValidNodePath("", 2048));
  EXPECT_FALSE(isValidNodePath("a", 2048));
  std::string out;
  EXPECT_TRUE(canonicalize("/local/domain/3", "x/y", out));
  EXPECT_EQ(out, "/local/domain/3/x/y");
  EXPECT_FALSE(canonicalize("/local/domain/3", "@x", out));
  EXPECT_EQ(out, "@x");
}

}  // namespace
}  // namespace xenia::xs::test
