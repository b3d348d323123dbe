// The xm<->xend messages (docs/specs/xend-protocol.md): one JSON object per
// line. Encoding and decoding of requests and responses for both ends; the
// server's loop and the client's socket code live elsewhere.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/expected.h"

namespace xenia::xend {

// Key order is kept so canonical domain configs travel unchanged.
using Json = nlohmann::ordered_json;

// Error codes xend sends (the spec's list).
inline constexpr const char* kEINVAL = "EINVAL";
inline constexpr const char* kENOENT = "ENOENT";
// No such domain: xend's XendInvalidDomain fault (code 3), which makes xm exit 3.
inline constexpr const char* kESRCH = "ESRCH";
inline constexpr const char* kEEXIST = "EEXIST";
inline constexpr const char* kEBUSY = "EBUSY";
inline constexpr const char* kENOMEM = "ENOMEM";
inline constexpr const char* kEIO = "EIO";
inline constexpr const char* kEPERM = "EPERM";
inline constexpr const char* kENOSYS = "ENOSYS";
inline constexpr const char* kETIMEDOUT = "ETIMEDOUT";
// Made up by the client, never sent by xend: the socket could not be reached
// or broke (message = strerror text, as xm printed it), and an answer that
// does not follow the protocol.
inline constexpr const char* kECONNREFUSED = "ECONNREFUSED";
inline constexpr const char* kEPROTO = "EPROTO";

// `message` is what xm prints after "Error: ".
struct RpcError {
  std::string code;
  std::string message;
  bool operator==(const RpcError&) const = default;
};

struct Request {
  int64_t id = 0;
  std::string method;
  Json params = Json::object();
};

// A request that could not be decoded. id is the request's id when it could
// be read (answer with it), else null (answer with "id": null).
struct BadRequest {
  Json id;
  RpcError error;
};

struct Response {
  int64_t id = 0;
  bool ok = false;
  Json result;     // when ok
  RpcError error;  // when !ok
};

// Deepest nesting of arrays/objects a message may have; deeper lines are
// refused before parsing (they would only be an attack).
inline constexpr int kMaxJsonDepth = 64;

// Each returns one line including its final '\n'. Invalid UTF-8 in strings
// is replaced (U+FFFD) rather than thrown on.
std::string encodeRequest(const Request& r);
std::string encodeResult(int64_t id, const Json& result);
std::string encodeError(const Json& id, const RpcError& e);
std::string encodeResponse(const Response& r);

// A line without its '\n'. Requests need an integer "id", a string "method"
// and, if present, an object "params"; other keys are refused (EINVAL).
Expected<Request, BadRequest> decodeRequest(std::string_view line);
// Responses need an integer "id" and exactly one of "result" or "error"
// ({"code": str, "message": str}). Failures are kEPROTO.
Expected<Response, RpcError> decodeResponse(std::string_view line);

// Parses one JSON value with the depth bound and without exceptions; a
// discarded value (is_discarded()) on any error.
Json parseJsonLine(std::string_view line);

// Typed access to params for handlers: EINVAL naming the parameter when it is
// missing (required) or of the wrong type. Absent optional ones yield fallback.
Expected<std::string, RpcError> paramString(const Json& params, const char* name);
Expected<std::string, RpcError> paramString(const Json& params, const char* name,
                                            const std::string& fallback);
Expected<int64_t, RpcError> paramInt(const Json& params, const char* name);
Expected<int64_t, RpcError> paramInt(const Json& params, const char* name, int64_t fallback);
Expected<bool, RpcError> paramBool(const Json& params, const char* name, bool fallback);

// Refuses keys of params not in `known` (EINVAL "unknown parameter 'x'").
Expected<Ok, RpcError> checkParams(const Json& params, std::initializer_list<const char*> known);

}  // namespace xenia::xend
