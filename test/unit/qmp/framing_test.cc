// LineReader framing and message decoding: pure, no sockets.
#include <gtest/gtest.h>

#include <string>

#include "qemu/qmp/line_reader.h"
#include "qemu/qmp/message.h"

namespace xenia::qmp {
namespace {

std::vector<std::string> drain(LineReader& r) {
  std::vector<std::string> out;
  std::string l;
  while (r.next(l)) {
    out.push_back(l);
  }
  return out;
}

TEST(LineReader, SplitsOnNewlineAndStripsCarriageReturn) {
  LineReader r;
  ASSERT_TRUE(r.append("{\"a\": 1}\r\n{\"b\""));
  EXPECT_EQ(drain(r), std::vector<std::string>{"{\"a\": 1}"});
  ASSERT_TRUE(r.append(": 2}\n\r\n"));
  EXPECT_EQ(drain(r), (std::vector<std::string>{"{\"b\": 2}", ""}));
  EXPECT_EQ(r.buffered(), 0u);
}

TEST(LineReader, ByteAtATimeGivesTheSameLines) {
  std::string text = "one\r\ntwo\nthree\r\n";
  LineReader r;
  std::vector<std::string> got;
  for (char c : text) {
    ASSERT_TRUE(r.append(std::string_view(&c, 1)));
    auto part = drain(r);
    got.insert(got.end(), part.begin(), part.end());
  }
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two", "three"}));
}

TEST(LineReader, AcceptsALineOfExactlyTheCap) {
  LineReader r(16);
  ASSERT_TRUE(r.append(std::string(16, 'x') + "\r\n"));
  auto lines = drain(r);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].size(), 16u);
  EXPECT_FALSE(r.failed());
}

TEST(LineReader, RefusesAnUnterminatedLinePastTheCap) {
  LineReader r(16);
  EXPECT_TRUE(r.append(std::string(10, 'x')));
  EXPECT_FALSE(r.append(std::string(10, 'x')));
  EXPECT_TRUE(r.failed());
  std::string l;
  EXPECT_FALSE(r.next(l));
}

TEST(LineReader, RefusesATerminatedLinePastTheCap) {
  LineReader r(16);
  r.append("short\n" + std::string(40, 'y') + "\nafter\n");
  std::string l;
  ASSERT_TRUE(r.next(l));
  EXPECT_EQ(l, "short");
  EXPECT_FALSE(r.next(l));
  EXPECT_TRUE(r.failed());
}

TEST(LineReader, TheCapIsPerLineNotPerSession) {
  LineReader r(16);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(r.append("0123456789\r\n"));
    ASSERT_EQ(drain(r).size(), 1u);
  }
}

TEST(JsonDepth, CountsNestingAndSkipsStrings) {
  EXPECT_EQ(jsonDepth("{}"), 1);
  EXPECT_EQ(jsonDepth(R"({"a": [{"b": []}]})"), 4);
  EXPECT_EQ(jsonDepth(R"({"a": "[[[[{{{{\"[["})"), 1);
  EXPECT_EQ(jsonDepth("[[[[[[", 3), 4);  // stops once past the limit
}

TEST(DecodeMessage, Greeting) {
  auto m = decodeMessage(
      R"({"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7},)"
      R"( "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}})");
  ASSERT_TRUE(m) << m.error().message();
  auto& g = std::get<Greeting>(*m);
  EXPECT_EQ(g.version.str(), "7.2.22");
  EXPECT_EQ(g.version.package, "Debian 1:7.2+dfsg-7+deb12u18+b3");
  EXPECT_EQ(g.capabilities, std::vector<std::string>{"oob"});
  EXPECT_TRUE(g.version.atLeast(7, 2));
  EXPECT_FALSE(g.version.atLeast(7, 3));
  EXPECT_TRUE(g.version.atLeast(6, 9, 9));
}

TEST(DecodeMessage, GreetingWithoutVersionIsRefused) {
  auto m = decodeMessage(R"({"QMP": {"version": {"qemu": {"major": 7}}, "capabilities": []}})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ErrorKind::kProtocol);
  EXPECT_NE(m.error().desc.find("minor"), std::string::npos);
}

TEST(DecodeMessage, ReplyAndError) {
  auto ok = decodeMessage(R"({"return": {"running": true}, "id": "xenia-3"})");
  ASSERT_TRUE(ok);
  auto& r = std::get<ReplyMessage>(*ok);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.id, "xenia-3");
  EXPECT_EQ(r.value["running"], true);

  auto err = decodeMessage(
      R"({"error": {"class": "DeviceNotFound", "desc": "Device 'x' not found"}, "id": "xenia-4"})");
  ASSERT_TRUE(err);
  auto& e = std::get<ReplyMessage>(*err);
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.errorClass, "DeviceNotFound");
  EXPECT_EQ(e.errorDesc, "Device 'x' not found");
}

TEST(DecodeMessage, Event) {
  auto m = decodeMessage(R"({"timestamp": {"seconds": 1795707293, "microseconds": 725517},)"
                         R"( "event": "SHUTDOWN",)"
                         R"( "data": {"guest": false, "reason": "host-qmp-quit"}})");
  ASSERT_TRUE(m);
  auto& e = std::get<Event>(*m);
  EXPECT_EQ(e.name, "SHUTDOWN");
  EXPECT_EQ(e.seconds, 1795707293);
  EXPECT_EQ(e.microseconds, 725517);
  EXPECT_EQ(e.data["reason"], "host-qmp-quit");

  auto bare = decodeMessage(R"({"event": "STOP"})");
  ASSERT_TRUE(bare);
  EXPECT_TRUE(std::get<Event>(*bare).data.is_object());
}

TEST(DecodeMessage, RefusesWhatQmpDoesNotAllow) {
  for (const char* bad : {
           "",
           "not json",
           "[1, 2]",
           "\"string\"",
           "{}",
           R"({"return": {}, "event": "STOP"})",
           R"({"event": 5})",
           R"({"event": "X", "data": [1]})",
           R"({"error": {"class": 1, "desc": "x"}})",
           R"({"error": "bare"})",
           R"({"return": {}} trailing)",
       }) {
    auto m = decodeMessage(bad);
    EXPECT_FALSE(m) << bad;
    if (!m) {
      EXPECT_EQ(m.error().kind, ErrorKind::kProtocol) << bad;
    }
  }
}

TEST(DecodeMessage, RefusesDeepNestingBeforeParsing) {
  std::string deep = R"({"return": )" + std::string(100, '[') + std::string(100, ']') + "}";
  auto m = decodeMessage(deep);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().desc.find("nests deeper"), std::string::npos);
}

TEST(EncodeCommand, OmitsEmptyArgumentsAndEndsWithNewline) {
  EXPECT_EQ(encodeCommand("stop", nlohmann::json::object(), "xenia-1"),
            "{\"execute\":\"stop\",\"id\":\"xenia-1\"}\n");
  std::string s = encodeCommand("balloon", {{"value", 1024}}, "xenia-2");
  auto j = nlohmann::json::parse(s);
  EXPECT_EQ(j["arguments"]["value"], 1024);
  EXPECT_EQ(s.back(), '\n');
  EXPECT_EQ(s.find('\n'), s.size() - 1);
}

}  // namespace
}  // namespace xenia::qmp
