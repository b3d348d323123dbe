// Fuzzes what QEMU can send us: the line reader, message decoding, the
// session's reply/event dispatch and every typed decoder. Input: first byte
// picks the chunk size the stream is fed in (framing must not depend on it),
// the rest is the byte stream from "QEMU". Session ids are deterministic
// (xenia-1 is qmp_capabilities, then xenia-2...), so seeds can match replies.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "qemu/qmp/replies.h"
#include "qemu/qmp/session.h"

using namespace xenia::qmp;

namespace {

void decodeAll(const nlohmann::json& v) {
  (void)parseStatus(v);
  (void)parseCpusFast(v);
  (void)parseBalloon(v);
  (void)parseVnc(v);
  (void)parseMigration(v);
  (void)parseAddFd(v);
  (void)parseHumanMonitor(v);
}

void decodeEvent(const Event& e) {
  (void)parseShutdownEvent(e);
  (void)parseGuestPanickedEvent(e);
  (void)parseDeviceDeletedEvent(e);
  (void)parseBalloonChangeEvent(e);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) {
    return 0;
  }
  size_t chunk = 1 + data[0] % 64;
  if (data[0] >= 192) {
    chunk = size;  // also exercise one big write
  }
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  Session* self = nullptr;
  int events = 0;
  Session s(SessionHandlers{[&](const Event& e) {
                              decodeEvent(e);
                              // Commands submitted from callbacks must be safe too.
                              if (++events % 3 == 0 && self != nullptr) {
                                self->submit(Command("query-status"), nullptr);
                              }
                            },
                            nullptr, nullptr});
  self = &s;
  auto done = [](Reply r) {
    if (r) {
      decodeAll(*r);
    }
  };
  for (int i = 0; i < 4; ++i) {
    s.submit(Command("query-status"), done);
  }
  for (size_t off = 0; off < stream.size(); off += chunk) {
    while (s.nextToSend()) {
    }
    if (!s.feed(stream.substr(off, chunk))) {
      break;
    }
  }
  return 0;
}
