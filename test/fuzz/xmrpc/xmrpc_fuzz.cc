// Fuzz target for what xm reads from xend: the input is split into chunks
// (first byte = chunk size) and fed to a LineBuffer; every line is decoded
// as a response (and as a request, the server's side), good responses are
// re-encoded and must decode to the same thing, and results go through
// xm's record decoders and formatters. Invariants abort.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "xend/rpc/line_buffer.h"
#include "xend/rpc/message.h"
#include "xm/format.h"

namespace {

using xenia::xend::Json;

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

void exerciseResult(const Json& result) {
  if (auto rows = xenia::xm::domainRowsFromResult(result)) {
    (void)xenia::xm::formatBriefList(*rows);
  }
  int64_t nr = 0;
  if (auto v = xenia::xm::vcpuRowsFromResult(result, &nr)) {
    (void)xenia::xm::formatVcpuList(*v, nr > 4096 ? 4096 : nr);
  }
  if (auto s = xenia::xm::schedRowsFromResult(result)) {
    (void)xenia::xm::formatSchedCredit(*s);
  }
  if (result.is_object() && result.contains("info")) {
    (void)xenia::xm::formatInfo(result["info"], xenia::xm::kInfoWidth);
  }
}

void exerciseLine(const std::string& line) {
  auto resp = xenia::xend::decodeResponse(line);
  if (resp) {
    std::string again = xenia::xend::encodeResponse(*resp);
    check(!again.empty() && again.back() == '\n' && again.find('\n') == again.size() - 1);
    again.pop_back();
    auto back = xenia::xend::decodeResponse(again);
    check(static_cast<bool>(back));
    check(back->id == resp->id && back->ok == resp->ok);
    if (resp->ok) {
      check(back->result == resp->result);
      exerciseResult(resp->result);
    } else {
      check(back->error == resp->error);
    }
  } else {
    check(resp.error().code == xenia::xend::kEPROTO);
  }
  auto req = xenia::xend::decodeRequest(line);
  if (req) {
    std::string again = xenia::xend::encodeRequest(*req);
    again.pop_back();
    auto back = xenia::xend::decodeRequest(again);
    check(back && back->id == req->id && back->method == req->method &&
          back->params == req->params);
  } else {
    check(req.error().error.code == xenia::xend::kEINVAL);
    check(req.error().id.is_null() || req.error().id.is_number_integer());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  size_t chunk = data[0] == 0 ? 1 : data[0];
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  // A small bound so the fuzzer reaches the overflow paths.
  xenia::xend::LineBuffer lb(512);
  std::string consumed;  // every line returned, with its '\n' put back
  bool overflow = false;
  for (size_t pos = 0; pos < input.size(); pos += chunk) {
    bool fed = lb.feed(input.substr(pos, chunk));
    overflow = overflow || !fed;
    check(fed == !lb.overflowed());
    while (auto line = lb.next()) {
      check(line->size() <= lb.maxLine());
      check(line->find('\n') == std::string::npos);
      consumed += *line + '\n';
      exerciseLine(*line);
    }
    check(lb.pending() <= lb.maxLine() || lb.overflowed());
  }
  // Lines come back exactly as sent, in order.
  check(input.substr(0, consumed.size()) == consumed);
  if (!overflow) {
    size_t lastNl = input.rfind('\n');
    check(consumed.size() == (lastNl == std::string_view::npos ? 0 : lastNl + 1));
  }
  return 0;
}
