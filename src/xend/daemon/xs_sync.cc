// The daemon's XenStore writes: Domain-0's nodes at start, a domain's nodes
// in one transaction at create (after INTRODUCE), their removal and RELEASE
// at destroy. A lost connection to xenstored is re-opened on next use.
#include <fmt/format.h>

#include "common/log.h"
#include "xend/daemon/daemon.h"
#include "xend/model/vnc.h"
#include "xend/model/xs_layout.h"

namespace xenia::xend {

namespace {

std::string errText(xs::Err e) { return std::string(xs::errName(e)); }

// Every node in one transaction: writes, then SET_PERMS where given,
// pipelined in a batch; EAGAIN restarts the transaction.
Expected<Ok, std::string> writeNodes(xs::Client& c, const std::vector<XsNode>& nodes) {
  std::vector<std::pair<size_t, xs::Perms>> perms(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& p : nodes[i].perms) {
      auto perm = xs::Perm::parse(p);
      if (!perm) {
        return unexpected(fmt::format("Bad permission '{}' for {}.", p, nodes[i].path));
      }
      perms[i].second.push_back(*perm);
    }
  }
  auto r = c.transact([&](xs::TxId tx) -> xs::Result<Ok> {
    auto b = c.batch(tx);
    for (size_t i = 0; i < nodes.size(); ++i) {
      b.write(nodes[i].path, nodes[i].value);
      if (!perms[i].second.empty()) {
        b.setPerms(nodes[i].path, perms[i].second);
      }
    }
    for (const auto& res : b.run()) {
      if (!res) {
        return unexpected(res.error());
      }
    }
    return Ok{};
  });
  if (!r) {
    return unexpected(fmt::format("XenStore write failed: {}.", errText(r.error())));
  }
  return Ok{};
}

}  // namespace

void Daemon::writeDom0Nodes() {
  int64_t guests = committedMiB();
  int64_t dom0KiB = std::max<int64_t>(0, host_.totalMemKiB - guests * 1024);
  if (auto r = writeNodes(*xs_, dom0XsNodes(dom0KiB, host_.nrCpus)); !r) {
    event("Domain-0's XenStore nodes: " + r.error());
  }
}

Expected<Ok, RpcError> Daemon::writeXsNodes(const Domain& d, int domid) {
  if (!xs_ || !xs_->connected()) {
    if (auto r = connectXenstore(); !r) {
      return rpcError(kEIO, r.error());
    }
  }
  if (auto r = xs_->introduce(static_cast<uint32_t>(domid), 0, 0); !r) {
    return rpcError(kEIO, fmt::format("XenStore INTRODUCE of domain {} failed: {}.", domid,
                                      errText(r.error())));
  }
  DomainXsFacts f;
  f.domid = domid;
  f.startTime = d.rec.startTime;
  for (size_t i = 0; i < d.cfg.vifs.size(); ++i) {
    const auto& v = d.cfg.vifs[i];
    f.vifNames.push_back(v.vifname.empty() ? qemu::tapName(domid, static_cast<int>(i))
                                           : v.vifname);
  }
  f.consoleLimitBytes = opts_.consoleLimitKiB * 1024;
  f.vifScript = opts_.vifScript;
  f.vncListen = opts_.vncListen;
  if (d.rec.vncPort) {
    f.vncPort = d.rec.vncPort;
    f.vncListen = vncGraphics(withVncDefaults(d.cfg, opts_))->vnclisten;  // the domain's first
  }
  if (auto r = writeNodes(*xs_, domainXsNodes(d.cfg, f)); !r) {
    return rpcError(kEIO, r.error());
  }
  return Ok{};
}

void Daemon::removeXsNodes(const config::DomainConfig& cfg, int domid) {
  if (!xs_ || !xs_->connected()) {
    if (auto r = connectXenstore(); !r) {
      event(fmt::format("Domain {}: XenStore nodes not removed: {}", domid, r.error()));
      return;
    }
  }
  auto paths = domainXsRemovals(cfg, domid);
  paths.push_back(fmt::format("/tool/vncwatch/{}", domid));  // setupGuestAccess's grant
  auto r = xs_->transact([&](xs::TxId tx) -> xs::Result<Ok> {
    for (const auto& p : paths) {
      auto rm = xs_->rm(p, tx);
      if (!rm && rm.error() != xs::Err::ENOENT_) {
        return unexpected(rm.error());
      }
    }
    return Ok{};
  });
  if (!r) {
    event(fmt::format("Domain {}: removing XenStore nodes failed: {}.", domid, errText(r.error())));
  }
  if (auto rel = xs_->release(static_cast<uint32_t>(domid));
      !rel && rel.error() != xs::Err::ENOENT_) {
    event(fmt::format("Domain {}: XenStore RELEASE failed: {}.", domid, errText(rel.error())));
  }
}

}  // namespace xenia::xend
