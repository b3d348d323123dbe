// Decodes one QMP line from QEMU into a typed message: the greeting, a
// command's success or error reply, or an async event. Pure and defensive:
// any shape QEMU's QMP spec does not allow is an error, never an exception.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/expected.h"
#include "qemu/qmp/error.h"

namespace xenia::qmp {

// Nesting beyond this is refused before parsing: nothing QEMU 7.2 sends goes
// past ~10 levels, and a bound keeps recursive consumers (dump()) safe.
inline constexpr int kMaxJsonDepth = 64;

struct Version {
  int major = 0;
  int minor = 0;
  int micro = 0;
  std::string package;  // distributor string, e.g. "Debian 1:7.2+dfsg-7+deb12u18+b3"

  std::string str() const;  // "7.2.22"
  bool atLeast(int maj, int min, int mic = 0) const;
  bool operator==(const Version&) const = default;
};

struct Greeting {
  Version version;
  std::vector<std::string> capabilities;  // e.g. "oob" (we never enable it)
};

struct Event {
  std::string name;        // "SHUTDOWN", "DEVICE_DELETED"...
  nlohmann::json data;     // always an object (empty when QEMU sent none)
  int64_t seconds = 0;     // QEMU's timestamp; -1/-1 when its clock failed
  int64_t microseconds = 0;
};

struct ReplyMessage {
  nlohmann::json id;      // null when QEMU sent none
  bool ok = true;         // "return" vs "error"
  nlohmann::json value;   // the "return" value when ok
  std::string errorClass;
  std::string errorDesc;
};

using Message = std::variant<Greeting, Event, ReplyMessage>;

// The deepest array/object nesting in text (strings are skipped), stopping
// early once limit is exceeded. Pure scan, no allocation.
int jsonDepth(std::string_view text, int limit = kMaxJsonDepth);

// Parses one line. Errors are kProtocol with a sentence naming the problem.
Expected<Message, Error> decodeMessage(std::string_view line);

// The wire form of a command: {"execute": name, "arguments": args, "id": id}
// followed by "\n". args may be null or an empty object (then omitted).
std::string encodeCommand(const std::string& name, const nlohmann::json& args,
                          const std::string& id);

}  // namespace xenia::qmp
