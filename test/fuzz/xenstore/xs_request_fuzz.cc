// libFuzzer target: arbitrary bytes framed by StreamDecoder and fed to an
// Engine from a dom0 and a domU connection (odd req_id = domU). Oracles: the
// journal always encodes into well-formed records, and replaying it into a
// fresh engine (what --persist does after a crash) gives exactly the state
// the engine reports in its snapshot: no committed change goes unjournaled.
#include <cstddef>
#include <cstdint>
#include <string>

#include "xenstore/server/journal_format.h"
#include "xenstore/store/engine.h"
#include "xenstore/wire/wire.h"

namespace {

using namespace xenia::xs;

class NullSink : public Sink {
 public:
  void deliver(ConnId, uint32_t, uint32_t, uint32_t, std::string_view payload) override {
    bytes += payload.size();
  }
  size_t bytes = 0;
};

class Hooks : public ServerHooks {
 public:
  void domainReleased(DomId domid) override { released = released || domid == kGuest; }
  static constexpr DomId kGuest = 1;
  bool released = false;
};

class RecordingJournal : public Journal {
 public:
  void nodeWritten(std::string_view path, std::string_view value,
                   const std::vector<std::string>& perms) override {
    persist::appendNode(bytes, path, value, perms);
    ++records;
  }
  void nodeRemoved(std::string_view path) override {
    persist::appendRemove(bytes, path);
    ++records;
  }
  void domainIntroduced(DomId domid) override {
    persist::appendDomain(bytes, persist::RecordType::Domain, domid);
    ++records;
  }
  void domainReleased(DomId domid) override {
    persist::appendDomain(bytes, persist::RecordType::Release, domid);
    ++records;
  }
  std::string bytes;
  size_t records = 0;
};

EngineOptions fuzzOptions() {
  EngineOptions options;
  options.quotas.nodesPerDomain = 50;  // small, so inputs can reach the limits
  options.quotas.watchesPerDomain = 8;
  options.quotas.transactionsPerDomain = 4;
  return options;
}

// The engine's whole state as snapshot records.
std::string snapshotOf(const Engine& engine) {
  RecordingJournal out;
  engine.snapshot(out);
  return out.bytes;
}

Message introduceGuest() {
  Message m;
  m.payload = std::string("1\0" "1\0" "1\0", 6);
  m.hdr = Header{uint32_t(MsgType::Introduce), 0, 0, uint32_t(m.payload.size())};
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  NullSink sink;
  Hooks hooks;
  RecordingJournal journal;
  Engine engine(sink, hooks, fuzzOptions());
  engine.setJournal(&journal);
  ConnId dom0 = engine.connect(kDom0);
  engine.request(dom0, introduceGuest());
  ConnId domU = engine.connect(Hooks::kGuest);

  StreamDecoder decoder;
  const char* bytes = reinterpret_cast<const char*>(data);
  size_t off = 0;
  while (off < size) {
    off += decoder.feed(bytes + off, size - off);
    if (decoder.status() == StreamDecoder::Status::Oversized) {
      break;  // the server closes the connection here
    }
    if (decoder.status() != StreamDecoder::Status::Ready) {
      continue;
    }
    Message msg = decoder.take();
    bool guest = msg.hdr.reqId & 1;
    engine.request(guest ? domU : dom0, msg);
    // As the server does: drop the guest's connection when its domain goes
    // (or when the input asks for a reconnect), then give it a fresh one.
    if (hooks.released || (msg.hdr.reqId & 0x80000000u)) {
      engine.disconnect(domU);
      if (hooks.released) {
        engine.request(dom0, introduceGuest());
        hooks.released = false;
      }
      domU = engine.connect(Hooks::kGuest);
    }
  }
  engine.disconnect(domU);
  engine.disconnect(dom0);

  // Every journaled change must encode into records that decode again.
  persist::StoreImage image;
  auto res = persist::scanRecords(journal.bytes, [&](const persist::Record& r) { image.apply(r); });
  if (!res.clean || res.records != journal.records) {
    __builtin_trap();
  }
  // Replaying the journal restores exactly the engine's state.
  NullSink sink2;
  Hooks hooks2;
  Engine restored(sink2, hooks2, fuzzOptions());
  for (DomId d : image.domains()) {
    restored.restoreDomain(d);
  }
  image.forEachNode([&](const std::string& path, const persist::StoreImage::Node& n) {
    restored.restoreNode(path, n.value, n.perms);
  });
  if (snapshotOf(restored) != snapshotOf(engine)) {
    __builtin_trap();
  }
  return 0;
}
