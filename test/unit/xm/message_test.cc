// Protocol messages: encoding, strict decoding of requests and responses,
// typed parameter access, the depth bound, socket path resolution.
#include "xend/rpc/message.h"

#include <gtest/gtest.h>

#include "xend/rpc/socket_path.h"

namespace xenia::xend {
namespace {

TEST(Encode, OneLineEach) {
  Request r;
  r.id = 7;
  r.method = "domain.pause";
  r.params = Json{{"dom", "web1"}};
  EXPECT_EQ(encodeRequest(r),
            "{\"id\":7,\"method\":\"domain.pause\",\"params\":{\"dom\":\"web1\"}}\n");
  EXPECT_EQ(encodeResult(7, Json::object()), "{\"id\":7,\"result\":{}}\n");
  EXPECT_EQ(encodeError(Json(7), RpcError{kENOENT, "Domain 'web1' does not exist."}),
            "{\"id\":7,\"error\":{\"code\":\"ENOENT\",\"message\":\"Domain 'web1' does not "
            "exist.\"}}\n");
  EXPECT_EQ(encodeError(nullptr, RpcError{kEINVAL, "x"}),
            "{\"id\":null,\"error\":{\"code\":\"EINVAL\",\"message\":\"x\"}}\n");
}

TEST(Encode, NewlinesInStringsAreEscapedAndBadUtf8Replaced) {
  std::string line = encodeResult(1, Json{{"text", "a\nb\xff"}});
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find("\\n"), std::string::npos);
  EXPECT_NE(line.find("\xef\xbf\xbd"), std::string::npos);
}

TEST(DecodeRequest, RoundTrip) {
  Request r;
  r.id = 42;
  r.method = "domain.create";
  r.params = Json{{"config", Json{{"name", "a"}, {"memory", 5}}}, {"paused", true}};
  std::string line = encodeRequest(r);
  line.pop_back();
  auto d = decodeRequest(line);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id, 42);
  EXPECT_EQ(d->method, "domain.create");
  EXPECT_EQ(d->params, r.params);
  EXPECT_EQ(d->params["config"].begin().key(), "name");  // order kept
}

TEST(DecodeRequest, ParamsAreOptional) {
  auto d = decodeRequest(R"({"id": 1, "method": "xend.ping"})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->params, Json::object());
}

TEST(DecodeRequest, Refusals) {
  auto code = [](std::string_view line) {
    auto d = decodeRequest(line);
    return d ? std::string("(ok)") : d.error().error.message + " id=" + d.error().id.dump();
  };
  EXPECT_EQ(code("nope"), "request is not valid JSON id=null");
  EXPECT_EQ(code("[1]"), "request is not a JSON object id=null");
  EXPECT_EQ(code(R"({"method": "x"})"), "request has no integer 'id' id=null");
  EXPECT_EQ(code(R"({"id": "7", "method": "x"})"), "request has no integer 'id' id=null");
  EXPECT_EQ(code(R"({"id": 7})"), "request has no string 'method' id=7");
  EXPECT_EQ(code(R"({"id": 7, "method": "x", "params": [1]})"), "'params' must be an object id=7");
  EXPECT_EQ(code(R"({"id": 7, "method": "x", "extra": 1})"), "unknown request key 'extra' id=7");
  auto d = decodeRequest("{}");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().error.code, kEINVAL);
}

TEST(DecodeRequest, DeepNestingIsRefusedBeforeParsing) {
  std::string deep = R"({"id": 1, "method": "x", "params": {"a": )" + std::string(100000, '[') +
                     std::string(100000, ']') + "}}";
  EXPECT_FALSE(decodeRequest(deep));
  std::string ok = R"({"id": 1, "method": "x", "params": {"a": )" + std::string(60, '[') +
                   std::string(60, ']') + "}}";
  EXPECT_TRUE(decodeRequest(ok));
  // Brackets inside strings do not count.
  std::string str =
      R"({"id": 1, "method": "x", "params": {"a": ")" + std::string(1000, '[') + "\"}}";
  EXPECT_TRUE(decodeRequest(str));
}

TEST(DecodeResponse, ResultAndError) {
  auto ok = decodeResponse(R"({"id": 3, "result": {"domid": 4}})");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->ok);
  EXPECT_EQ(ok->id, 3);
  EXPECT_EQ(ok->result["domid"], 4);
  auto err = decodeResponse(R"({"id": 3, "error": {"code": "EBUSY", "message": "busy"}})");
  ASSERT_TRUE(err);
  EXPECT_FALSE(err->ok);
  EXPECT_EQ(err->error, (RpcError{"EBUSY", "busy"}));
}

TEST(DecodeResponse, MalformedAnswersAreEproto) {
  for (std::string_view line :
       {"", "null", "{}", R"({"id": 1})", R"({"id": 1, "result": 1, "error": {}})",
        R"({"id": 1, "error": "x"})", R"({"id": 1, "error": {"code": 1, "message": "m"}})",
        R"({"id": 1.5, "result": {}})"}) {
    auto r = decodeResponse(line);
    ASSERT_FALSE(r) << line;
    EXPECT_EQ(r.error().code, kEPROTO) << line;
  }
}

TEST(Params, TypedAccess) {
  Json p = Json::parse(R"({"dom": "web1", "mib": 512, "paused": true, "f": 1.5, "n": null})");
  EXPECT_EQ(*paramString(p, "dom"), "web1");
  EXPECT_EQ(*paramInt(p, "mib"), 512);
  EXPECT_EQ(*paramBool(p, "paused", false), true);
  EXPECT_EQ(*paramBool(p, "absent", false), false);
  EXPECT_EQ(*paramInt(p, "n", 9), 9);  // null = absent
  EXPECT_EQ(*paramString(p, "absent", "dflt"), "dflt");
  EXPECT_EQ(paramString(p, "absent").error(), (RpcError{kEINVAL, "missing parameter 'absent'"}));
  EXPECT_EQ(paramInt(p, "dom").error().message, "parameter 'dom' must be an integer, not string");
  EXPECT_EQ(paramInt(p, "f").error().message, "parameter 'f' must be an integer, not number");
  EXPECT_EQ(paramBool(p, "mib", false).error().message,
            "parameter 'mib' must be a boolean, not integer");
  EXPECT_EQ(paramInt(Json::parse(R"({"x": 18446744073709551615})"), "x").error().message,
            "parameter 'x' is out of range");
}

TEST(Params, UnknownNamesAreRefused) {
  Json p = Json::parse(R"({"dom": "a", "bogus": 1})");
  EXPECT_TRUE(checkParams(Json::parse(R"({"dom": "a"})"), {"dom"}));
  auto r = checkParams(p, {"dom"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), (RpcError{kEINVAL, "unknown parameter 'bogus'"}));
}

TEST(SocketPath, Resolution) {
  EXPECT_EQ(resolveSocketPath("/x/s.sock", "/r"), "/x/s.sock");
  EXPECT_EQ(resolveSocketPath("", "/run/x/"), "/run/x/xend.sock");
  EXPECT_EQ(resolveSocketPath(nullptr, "/run/x"), "/run/x/xend.sock");
  EXPECT_EQ(resolveSocketPath(nullptr, nullptr), "/var/run/xend/xend.sock");
}

}  // namespace
}  // namespace xenia::xend
