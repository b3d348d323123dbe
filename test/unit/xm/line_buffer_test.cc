// LineBuffer: lines split across feeds, several lines per feed, the 1 MiB
// bound on complete and partial lines, and draining after overflow.
#include "xend/rpc/line_buffer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace xenia::xend {
namespace {

std::vector<std::string> drain(LineBuffer& b) {
  std::vector<std::string> out;
  while (auto l = b.next()) {
    out.push_back(*l);
  }
  return out;
}

TEST(LineBuffer, PartialLinesJoinAcrossFeeds) {
  LineBuffer b;
  EXPECT_TRUE(b.feed("{\"id\":"));
  EXPECT_FALSE(b.next().has_value());
  EXPECT_TRUE(b.hasPartial());
  EXPECT_TRUE(b.feed("1}"));
  EXPECT_FALSE(b.next().has_value());
  EXPECT_TRUE(b.feed("\n{\"id\""));
  EXPECT_EQ(drain(b), std::vector<std::string>{"{\"id\":1}"});
  EXPECT_TRUE(b.feed(":2}\n"));
  EXPECT_EQ(drain(b), std::vector<std::string>{"{\"id\":2}"});
  EXPECT_FALSE(b.hasPartial());
  EXPECT_EQ(b.pending(), 0u);
}

TEST(LineBuffer, ManyLinesInOneFeedIncludingEmpty) {
  LineBuffer b;
  EXPECT_TRUE(b.feed("a\n\nbc\nd"));
  EXPECT_EQ(drain(b), (std::vector<std::string>{"a", "", "bc"}));
  EXPECT_EQ(b.pending(), 1u);
  EXPECT_TRUE(b.feed("\n"));
  EXPECT_EQ(drain(b), std::vector<std::string>{"d"});
}

TEST(LineBuffer, ByteAtATime) {
  LineBuffer b;
  std::string text = "one\ntwo\nthree\n";
  std::vector<std::string> got;
  for (char c : text) {
    ASSERT_TRUE(b.feed(std::string_view(&c, 1)));
    for (auto& l : drain(b)) {
      got.push_back(l);
    }
  }
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two", "three"}));
}

TEST(LineBuffer, LineOfExactlyTheBoundIsAccepted) {
  LineBuffer b;
  std::string line(LineBuffer::kMaxLine, 'x');
  EXPECT_TRUE(b.feed(line));
  EXPECT_TRUE(b.feed("\n"));
  auto l = b.next();
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->size(), LineBuffer::kMaxLine);
  EXPECT_FALSE(b.overflowed());
}

TEST(LineBuffer, PartialLineOverTheBoundOverflows) {
  LineBuffer b(8);
  EXPECT_TRUE(b.feed("12345678"));
  EXPECT_FALSE(b.feed("9"));
  EXPECT_TRUE(b.overflowed());
  EXPECT_FALSE(b.feed("\n"));
  EXPECT_FALSE(b.next().has_value());
  EXPECT_EQ(b.pending(), 0u);
}

TEST(LineBuffer, CompleteLongLineInsideAChunkOverflowsButEarlierLinesSurvive) {
  LineBuffer b(4);
  EXPECT_FALSE(b.feed("ok\ntoolong\nlater\n"));
  EXPECT_TRUE(b.overflowed());
  EXPECT_EQ(drain(b), std::vector<std::string>{"ok"});
}

TEST(LineBuffer, MemoryStaysBoundedOverALongConversation) {
  LineBuffer b(64);
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(b.feed("{\"id\":" + std::to_string(i) + "}\n{\"id\""));
    auto l = b.next();
    ASSERT_TRUE(l.has_value());
    ASSERT_FALSE(b.next().has_value());
    ASSERT_TRUE(b.feed(":0}\n"));
    ASSERT_EQ(b.next().value(), "{\"id\":0}");
    ASSERT_LE(b.pending(), 64u);
  }
}

}  // namespace
}  // namespace xenia::xend
