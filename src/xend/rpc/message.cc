// Encoding/decoding of protocol lines and typed parameter access. Nothing here
// throws: nlohmann is used in its non-throwing modes and every type is checked.
#include "xend/rpc/message.h"

#include <algorithm>
#include <cstring>

namespace xenia::xend {
namespace {

std::string dumpLine(const Json& j) {
  std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  s.push_back('\n');
  return s;
}

// Nesting depth of the arrays/objects in a JSON text, not counting brackets
// inside strings; stops counting once `limit` is passed.
bool depthWithin(std::string_view text, int limit) {
  int depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) {
        return false;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::string typeWord(const Json& j) {
  if (j.is_number_integer()) {
    return "integer";
  }
  return j.type_name();
}

RpcError invalid(std::string msg) { return RpcError{kEINVAL, std::move(msg)}; }

RpcError badType(const char* name, const char* want, const Json& got) {
  return invalid(std::string("parameter '") + name + "' must be " + want + ", not " +
                 typeWord(got));
}

const Json* find(const Json& params, const char* name) {
  if (!params.is_object()) {
    return nullptr;
  }
  auto it = params.find(name);
  if (it == params.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

}  // namespace

Json parseJsonLine(std::string_view line) {
  if (!depthWithin(line, kMaxJsonDepth)) {
    return Json(Json::value_t::discarded);
  }
  return Json::parse(line.begin(), line.end(), nullptr, false);
}

std::string encodeRequest(const Request& r) {
  Json j = Json::object();
  j["id"] = r.id;
  j["method"] = r.method;
  j["params"] = r.params.is_null() ? Json::object() : r.params;
  return dumpLine(j);
}

std::string encodeResult(int64_t id, const Json& result) {
  Json j = Json::object();
  j["id"] = id;
  j["result"] = result.is_null() ? Json::object() : result;
  return dumpLine(j);
}

std::string encodeError(const Json& id, const RpcError& e) {
  Json j = Json::object();
  j["id"] = id;
  j["error"] = Json::object();
  j["error"]["code"] = e.code;
  j["error"]["message"] = e.message;
  return dumpLine(j);
}

std::string encodeResponse(const Response& r) {
  return r.ok ? encodeResult(r.id, r.result) : encodeError(Json(r.id), r.error);
}

Expected<Request, BadRequest> decodeRequest(std::string_view line) {
  Json j = parseJsonLine(line);
  if (j.is_discarded()) {
    return unexpected(BadRequest{nullptr, invalid("request is not valid JSON")});
  }
  if (!j.is_object()) {
    return unexpected(BadRequest{nullptr, invalid("request is not a JSON object")});
  }
  auto id = j.find("id");
  if (id == j.end() || !id->is_number_integer()) {
    return unexpected(BadRequest{nullptr, invalid("request has no integer 'id'")});
  }
  Request r;
  r.id = id->get<int64_t>();
  auto bad = [&](std::string msg) { return unexpected(BadRequest{Json(r.id), invalid(msg)}); };
  for (const auto& [key, value] : j.items()) {
    if (key != "id" && key != "method" && key != "params") {
      return bad("unknown request key '" + key + "'");
    }
  }
  auto method = j.find("method");
  if (method == j.end() || !method->is_string()) {
    return bad("request has no string 'method'");
  }
  r.method = method->get<std::string>();
  auto params = j.find("params");
  if (params != j.end() && !params->is_null()) {
    if (!params->is_object()) {
      return bad("'params' must be an object");
    }
    r.params = std::move(*params);
  }
  return r;
}

Expected<Response, RpcError> decodeResponse(std::string_view line) {
  auto proto = [](std::string why) {
    return unexpected(RpcError{kEPROTO, "malformed answer from xend: " + why});
  };
  Json j = parseJsonLine(line);
  if (j.is_discarded()) {
    return proto("not valid JSON");
  }
  if (!j.is_object()) {
    return proto("not a JSON object");
  }
  auto id = j.find("id");
  if (id == j.end() || !id->is_number_integer()) {
    return proto("no integer 'id'");
  }
  Response r;
  r.id = id->get<int64_t>();
  auto result = j.find("result");
  auto error = j.find("error");
  bool hasResult = result != j.end();
  bool hasError = error != j.end();
  if (hasResult == hasError) {
    return proto("needs exactly one of 'result' and 'error'");
  }
  if (hasResult) {
    r.ok = true;
    r.result = std::move(*result);
    return r;
  }
  if (!error->is_object()) {
    return proto("'error' is not an object");
  }
  auto code = error->find("code");
  auto message = error->find("message");
  if (code == error->end() || !code->is_string() || message == error->end() ||
      !message->is_string()) {
    return proto("'error' needs string 'code' and 'message'");
  }
  r.ok = false;
  r.error = RpcError{code->get<std::string>(), message->get<std::string>()};
  return r;
}

Expected<std::string, RpcError> paramString(const Json& params, const char* name) {
  const Json* v = find(params, name);
  if (v == nullptr) {
    return unexpected(invalid(std::string("missing parameter '") + name + "'"));
  }
  if (!v->is_string()) {
    return unexpected(badType(name, "a string", *v));
  }
  return v->get<std::string>();
}

Expected<std::string, RpcError> paramString(const Json& params, const char* name,
                                            const std::string& fallback) {
  if (find(params, name) == nullptr) {
    return fallback;
  }
  return paramString(params, name);
}

Expected<int64_t, RpcError> paramInt(const Json& params, const char* name) {
  const Json* v = find(params, name);
  if (v == nullptr) {
    return unexpected(invalid(std::string("missing parameter '") + name + "'"));
  }
  if (!v->is_number_integer()) {
    return unexpected(badType(name, "an integer", *v));
  }
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return unexpected(invalid(std::string("parameter '") + name + "' is out of range"));
  }
  return v->get<int64_t>();
}

Expected<int64_t, RpcError> paramInt(const Json& params, const char* name, int64_t fallback) {
  if (find(params, name) == nullptr) {
    return fallback;
  }
  return paramInt(params, name);
}

Expected<bool, RpcError> paramBool(const Json& params, const char* name, bool fallback) {
  const Json* v = find(params, name);
  if (v == nullptr) {
    return fallback;
  }
  if (!v->is_boolean()) {
    return unexpected(badType(name, "a boolean", *v));
  }
  return v->get<bool>();
}

Expected<Ok, RpcError> checkParams(const Json& params, std::initializer_list<const char*> known) {
  if (params.is_null()) {
    return Ok{};
  }
  if (!params.is_object()) {
    return unexpected(invalid("'params' must be an object"));
  }
  for (const auto& item : params.items()) {
    const std::string& key = item.key();
    bool ok = std::any_of(known.begin(), known.end(), [&](const char* k) { return key == k; });
    if (!ok) {
      return unexpected(invalid("unknown parameter '" + key + "'"));
    }
  }
  return Ok{};
}

}  // namespace xenia::xend
