// libFuzzer target for xenstored's persistence format: whatever bytes a
// damaged journal or snapshot holds, loading must neither crash nor accept a
// bad record, and the image it yields must re-encode into a clean snapshot.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "xenstore/server/journal_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xenia::xs::persist;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  FileHeader header;
  if (parseFileHeader(bytes, header)) {
    bytes.remove_prefix(kFileHeaderSize);
  }
  StoreImage image;
  auto res = scanRecords(bytes, [&](const Record& r) { image.apply(r); });
  if (res.goodBytes > bytes.size()) {
    __builtin_trap();
  }
  std::string snapshot;
  image.encode(snapshot);
  size_t nodes = 0;
  auto again = scanRecords(snapshot, [&](const Record& r) {
    nodes += r.type == RecordType::Node;
  });
  if (!again.clean || nodes != image.nodeCount()) {
    __builtin_trap();
  }
  return 0;
}
