// Engine: the XenStore protocol behaviour (stub; every request answers ENOSYS
// until the real implementation lands).
#include "xenstore/store/engine.h"

#include <unordered_map>

namespace xenia::xs {

struct Engine::Impl {
  Sink& sink;
  ServerHooks& hooks;
  EngineOptions options;
  Journal* journal = nullptr;
  ConnId nextConn = 1;
  std::unordered_map<ConnId, DomId> conns;
};

Engine::Engine(Sink& sink, ServerHooks& hooks, EngineOptions options)
    : impl_(std::make_unique<Impl>(Impl{sink, hooks, options})) {}
Engine::~Engine() = default;

ConnId Engine::connect(DomId domid) {
  ConnId id = impl_->nextConn++;
  impl_->conns[id] = domid;
  return id;
}
void Engine::disconnect(ConnId conn) { impl_->conns.erase(conn); }

void Engine::request(ConnId conn, const Message& msg) {
  std::string_view e = errName(Err::ENOSYS_);
  std::string payload(e);
  payload.push_back('\0');
  impl_->sink.deliver(conn, static_cast<uint32_t>(MsgType::Error), msg.hdr.reqId, msg.hdr.txId,
                      payload);
}

void Engine::setJournal(Journal* journal) { impl_->journal = journal; }
void Engine::restoreNode(std::string_view, std::string_view, const std::vector<std::string>&) {}
void Engine::restoreDomain(DomId) {}
const Quotas& Engine::quotas() const { return impl_->options.quotas; }
size_t Engine::nodeCount() const { return 0; }

}  // namespace xenia::xs
