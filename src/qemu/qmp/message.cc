// QMP message decoding (QEMU's docs/interop/qmp-spec.txt, sections 2.2-2.5).
#include "qemu/qmp/message.h"

#include <fmt/format.h>

#include "qemu/qmp/json_fields.h"

namespace xenia::qmp {

using nlohmann::json;
using detail::getInt;
using detail::member;

std::string Version::str() const { return fmt::format("{}.{}.{}", major, minor, micro); }

bool Version::atLeast(int maj, int min, int mic) const {
  if (major != maj) {
    return major > maj;
  }
  if (minor != min) {
    return minor > min;
  }
  return micro >= mic;
}

int jsonDepth(std::string_view text, int limit) {
  int depth = 0;
  int deepest = 0;
  bool inString = false;
  bool escaped = false;
  for (char c : text) {
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) {
          return deepest;
        }
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

namespace {

Unexpected<Error> bad(std::string why) { return unexpected(localError(ErrorKind::kProtocol, why)); }

Expected<Message, Error> decodeGreeting(const json& qmp) {
  const json* qemu = member(qmp, "version") ? member(*member(qmp, "version"), "qemu") : nullptr;
  Greeting g;
  int64_t parts[3];
  const char* names[3] = {"major", "minor", "micro"};
  for (int i = 0; i < 3; ++i) {
    if (qemu == nullptr || !getInt(*qemu, names[i], parts[i]) || parts[i] < 0 ||
        parts[i] > 100000) {
      return bad(fmt::format("The QMP greeting has no valid version.qemu.{}.", names[i]));
    }
  }
  g.version.major = static_cast<int>(parts[0]);
  g.version.minor = static_cast<int>(parts[1]);
  g.version.micro = static_cast<int>(parts[2]);
  if (const json* pkg = member(*member(qmp, "version"), "package"); pkg && pkg->is_string()) {
    g.version.package = pkg->get<std::string>();
  }
  const json* caps = member(qmp, "capabilities");
  if (caps == nullptr || !caps->is_array()) {
    return bad("The QMP greeting has no capabilities array.");
  }
  for (const json& c : *caps) {
    if (c.is_string()) {
      g.capabilities.push_back(c.get<std::string>());
    }
  }
  return Message(std::move(g));
}

Expected<Message, Error> decodeEvent(json& obj) {
  const json* name = member(obj, "event");
  if (!name->is_string() || name->get_ref<const std::string&>().empty()) {
    return bad("A QMP event has a missing or non-string name.");
  }
  Event e;
  e.name = name->get<std::string>();
  if (json* data = obj.contains("data") ? &obj["data"] : nullptr) {
    if (!data->is_object()) {
      return bad(fmt::format("The data of QMP event {} is not an object.", e.name));
    }
    e.data = std::move(*data);
  } else {
    e.data = json::object();
  }
  if (const json* ts = member(obj, "timestamp")) {
    getInt(*ts, "seconds", e.seconds);
    getInt(*ts, "microseconds", e.microseconds);
  }
  return Message(std::move(e));
}

Expected<Message, Error> decodeReply(json& obj, bool ok) {
  ReplyMessage r;
  r.ok = ok;
  if (json* id = obj.contains("id") ? &obj["id"] : nullptr) {
    r.id = std::move(*id);
  }
  if (ok) {
    r.value = std::move(obj["return"]);
    return Message(std::move(r));
  }
  const json& err = obj["error"];
  const json* cls = member(err, "class");
  const json* desc = member(err, "desc");
  if (cls == nullptr || !cls->is_string() || desc == nullptr || !desc->is_string()) {
    return bad("A QMP error reply lacks a string class or desc.");
  }
  r.errorClass = cls->get<std::string>();
  r.errorDesc = desc->get<std::string>();
  return Message(std::move(r));
}

}  // namespace

Expected<Message, Error> decodeMessage(std::string_view line) {
  if (jsonDepth(line) > kMaxJsonDepth) {
    return bad(fmt::format("A QMP message nests deeper than {} levels.", kMaxJsonDepth));
  }
  json obj = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (obj.is_discarded()) {
    return bad("QEMU sent a line that is not valid JSON.");
  }
  if (!obj.is_object()) {
    return bad("QEMU sent a JSON value that is not an object.");
  }
  // QMP allows exactly one of these keys to classify a message.
  int kinds = obj.contains("QMP") + obj.contains("event") + obj.contains("return") +
              obj.contains("error");
  if (kinds != 1) {
    return bad("QEMU sent an object that is not a greeting, event or reply.");
  }
  if (const json* qmp = member(obj, "QMP")) {
    return decodeGreeting(*qmp);
  }
  if (obj.contains("event")) {
    return decodeEvent(obj);
  }
  return decodeReply(obj, obj.contains("return"));
}

std::string encodeCommand(const std::string& name, const json& args, const std::string& id) {
  json cmd = json::object();
  cmd["execute"] = name;
  if (!args.is_null() && !(args.is_object() && args.empty())) {
    cmd["arguments"] = args;
  }
  cmd["id"] = id;
  // error_handler::replace: a caller's invalid UTF-8 becomes U+FFFD rather than
  // an exception; QEMU would reject it anyway.
  std::string out = cmd.dump(-1, ' ', false, json::error_handler_t::replace);
  out.push_back('\n');
  return out;
}

}  // namespace xenia::qmp
