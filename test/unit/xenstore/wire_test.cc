// Wire codec: header layout, stream reassembly, oversize detection, names.
#include "xenstore/wire/wire.h"

#include <gtest/gtest.h>

namespace xenia::xs {
namespace {

TEST(Wire, HeaderIsLittleEndian) {
  std::string out;
  appendMessage(out, 2, 0x01020304, 7, std::string_view("/a\0", 3));
  ASSERT_EQ(out.size(), kHeaderSize + 3);
  EXPECT_EQ(out[0], 2);
  EXPECT_EQ(out[4], 4);
  EXPECT_EQ(out[7], 1);
  EXPECT_EQ(out[8], 7);
  EXPECT_EQ(out[12], 3);
  Header h = decodeHeader(out.data());
  EXPECT_EQ(h.reqId, 0x01020304u);
  EXPECT_EQ(h.len, 3u);
}

TEST(Wire, DecoderReassemblesByteByByte) {
  std::string stream;
  appendMessage(stream, 11, 1, 0, std::string_view("/x\0val", 6));
  appendMessage(stream, 21, 2, 0, "");
  StreamDecoder d;
  std::vector<Message> got;
  for (char c : stream) {
    size_t used = d.feed(&c, 1);
    EXPECT_EQ(used, 1u);
    if (d.status() == StreamDecoder::Status::Ready) got.push_back(d.take());
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].hdr.type, 11u);
  EXPECT_EQ(got[0].payload, std::string("/x\0val", 6));
  EXPECT_EQ(got[1].hdr.type, 21u);
  EXPECT_TRUE(got[1].payload.empty());
}

TEST(Wire, DecoderStopsAfterOneMessage) {
  std::string stream;
  appendMessage(stream, 2, 1, 0, std::string("/a\0", 3));
  appendMessage(stream, 2, 2, 0, std::string("/b\0", 3));
  StreamDecoder d;
  size_t used = d.feed(stream.data(), stream.size());
  EXPECT_EQ(used, kHeaderSize + 3);
  ASSERT_EQ(d.status(), StreamDecoder::Status::Ready);
  EXPECT_EQ(d.take().hdr.reqId, 1u);
  used += d.feed(stream.data() + used, stream.size() - used);
  ASSERT_EQ(d.status(), StreamDecoder::Status::Ready);
  EXPECT_EQ(d.take().hdr.reqId, 2u);
  EXPECT_EQ(used, stream.size());
}

TEST(Wire, OversizedHeaderIsAnError) {
  char hdr[kHeaderSize];
  encodeHeader(Header{2, 1, 0, uint32_t(kPayloadMax + 1)}, hdr);
  StreamDecoder d;
  d.feed(hdr, sizeof hdr);
  EXPECT_EQ(d.status(), StreamDecoder::Status::Oversized);
  encodeHeader(Header{2, 1, 0, uint32_t(kPayloadMax)}, hdr);
  StreamDecoder ok;
  ok.feed(hdr, sizeof hdr);
  EXPECT_EQ(ok.status(), StreamDecoder::Status::NeedMore);
}

TEST(Wire, Names) {
  EXPECT_EQ(msgTypeName(22), "DIRECTORY_PART");
  EXPECT_EQ(msgTypeName(99), "UNKNOWN");
  EXPECT_EQ(errName(Err::E2BIG_), "E2BIG");
  EXPECT_EQ(errFromName("EAGAIN"), Err::EAGAIN_);
  EXPECT_FALSE(errFromName("EQUOTA").has_value());
  EXPECT_EQ(errFromErrno(ENOTTY), Err::EINVAL_);
}

TEST(Wire, SplitAndJoin) {
  auto parts = splitNul(std::string_view("a\0b\0", 4));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1], "b");
  EXPECT_EQ(splitNul(std::string_view("a\0b", 3)).size(), 2u);
  EXPECT_TRUE(splitNul("").empty());
  EXPECT_EQ(joinNul({"x", "y"}), std::string("x\0y\0", 4));
}

}  // namespace
}  // namespace xenia::xs
