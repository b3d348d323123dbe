// VNC and guest access for running domains (docs/design/consoles-vnc.md):
// the display a new domain gets (bind() probes of the host's TCP ports), its
// password through QMP, QEMU's access to the domain's xenstored socket, the
// XenStore grant of /tool/vncwatch/<domid> to the guest, and the RPC methods
// domain.vnc (xm vncviewer, xm vnc-list) and domain.send_keys (xm
// send-keys). The policy itself is xend/model/vnc.h.
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>

#include <sys/stat.h>

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "common/unique_fd.h"
#include "qemu/qmp/commands.h"
#include "xend/daemon/daemon.h"
#include "xend/model/vnc.h"

namespace xenia::xend {

namespace {

// Whether `fd` can bind `addr`: SO_REUSEADDR ignores TIME_WAIT leftovers,
// but not a socket that listens (on the wildcard or on any one address).
bool bindsAt(int family, const sockaddr* addr, socklen_t len) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) {
    return family == AF_INET6;  // no IPv6 on this host: nothing can listen there
  }
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6) {
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  return ::bind(fd.get(), addr, len) == 0;
}

// Nothing on the host listens on TCP `port`, on any IPv4 or IPv6 address:
// binding the wildcard fails when any process listens on that port.
bool tcpPortFree(int port) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(static_cast<uint16_t>(port));
  v4.sin_addr.s_addr = htonl(INADDR_ANY);
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(static_cast<uint16_t>(port));
  v6.sin6_addr = in6addr_any;
  return bindsAt(AF_INET, reinterpret_cast<sockaddr*>(&v4), sizeof v4) &&
         bindsAt(AF_INET6, reinterpret_cast<sockaddr*>(&v6), sizeof v6);
}

std::string vncwatchPath(int domid) { return fmt::format("/tool/vncwatch/{}", domid); }

}  // namespace

std::optional<qemu::VncTlsFacts> Daemon::vncTls(const Domain& d) const {
  if (!opts_.vncTls || !vncGraphics(d.cfg)) {
    return std::nullopt;
  }
  return qemu::VncTlsFacts{opts_.vncX509CertDir, opts_.vncX509Verify};
}

Expected<Ok, RpcError> Daemon::prepareVnc(Domain& d) {
  d.rec.vncPort = 0;
  d.rec.vncTls.clear();
  const config::Graphics* g = vncGraphics(d.cfg);
  if (!g) {
    return Ok{};
  }
  auto tls = checkVncTls(opts_, [](const std::string& path) {
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0;
  });
  if (!tls) {
    return rpcError(kEINVAL, tls.error());
  }
  d.rec.vncTls = !opts_.vncTls ? "" : opts_.vncX509Verify ? "x509verify" : "x509";
  // Ports of domains whose QEMU is just being set up count as taken too.
  std::set<int> taken;
  for (const auto& [k, other] : domains_) {
    if (other.get() != &d && other->running() && other->rec.vncPort) {
      taken.insert(other->rec.vncPort);
    }
  }
  auto display = chooseVncDisplay(
      *g, [&](int port) { return taken.count(port) == 0 && tcpPortFree(port); });
  if (!display) {
    return rpcError(kEBUSY, display.error());
  }
  d.rec.vncPort = kVncBasePort + *display;
  return Ok{};
}

Expected<Ok, RpcError> Daemon::setupGuestAccess(Domain& d, Vm& vm, int domid) {
  config::DomainConfig eff = withVncDefaults(d.cfg, opts_);
  const config::Graphics* g = vncGraphics(eff);
  if (g && g->vncpasswd && !g->vncpasswd->empty()) {
    // Never on QEMU's command line (visible in /proc): QEMU started with
    // password=on refuses every client until this is set.
    auto r = vm.call(qmp::Command("set_password",
                                  {{"protocol", "vnc"}, {"password", *g->vncpasswd}}));
    if (!r) {
      return rpcError(kEIO, "Cannot set the VNC password: " + r.error().message());
    }
  }
  // QEMU runs as the -runas user, but xenstored made the domain's socket for
  // root (0700 directory): let that user, and no other, connect. QEMU's
  // chardevs retry every second (reconnect=1), so they get in after this.
  if (!runAs_.empty()) {
    std::string sock = xsGuestSocket(domid);
    std::string dir = std::filesystem::path(sock).parent_path().string();
    const passwd* pw = ::getpwnam(runAs_.c_str());
    if (!pw || ::chmod(dir.c_str(), 0711) != 0 ||
        ::chown(sock.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      event(fmt::format("Domain {}: QEMU (user {}) cannot reach {}: the guest has no XenStore.",
                        domid, runAs_, sock));
    }
  }
  // The vnc-advertiser flow: the guest may write its own node here.
  if (xs_ && xs_->connected()) {
    auto perms = xs::Perm::parse(fmt::format("n{}", domid));
    std::string path = vncwatchPath(domid);
    if (auto w = xs_->write(path, ""); !w || !perms || !xs_->setPerms(path, {*perms})) {
      event(fmt::format("Domain {}: cannot grant {} to the guest.", domid, path));
    }
  }
  return Ok{};
}

Json Daemon::vncInfo(const Domain& d, bool withPassword) {
  Json j{{"name", d.cfg.name}, {"domid", d.domid ? Json(*d.domid) : Json()}};
  config::DomainConfig eff = withVncDefaults(d.cfg, opts_);
  const config::Graphics* g = vncGraphics(eff);
  if (!d.running() || !g || !d.rec.vncPort) {
    j["port"] = nullptr;
    return j;
  }
  j["host"] = g->vnclisten;
  j["port"] = d.rec.vncPort;
  j["display"] = d.rec.vncPort - kVncBasePort;
  j["keymap"] = g->keymap;
  bool hasPassword = g->vncpasswd && !g->vncpasswd->empty();
  j["password_set"] = hasPassword;
  if (!d.rec.vncTls.empty()) {
    j["tls"] = d.rec.vncTls;
  }
  if (withPassword && hasPassword) {
    j["password"] = *g->vncpasswd;
  }
  return j;
}

Result Daemon::mVnc(const Json& p) {
  if (auto c = checkParams(p, {"doms", "password"}); !c) {
    return unexpected(c.error());
  }
  auto withPassword = paramBool(p, "password", false);
  if (!withPassword) {
    return unexpected(withPassword.error());
  }
  Json out = Json::array();
  auto it = p.find("doms");
  if (it == p.end() || it->is_null()) {
    for (Domain* d : sortedDomains()) {
      if (d->running()) {
        out.push_back(vncInfo(*d, *withPassword));
      }
    }
    return Json{{"domains", out}};
  }
  if (!it->is_array()) {
    return rpcError(kEINVAL, "Parameter 'doms' must be a list.");
  }
  for (const auto& v : *it) {
    std::string name = v.is_string()             ? v.get<std::string>()
                       : v.is_number_integer() ? std::to_string(v.get<int64_t>())
                                               : std::string();
    if (name.empty()) {
      return rpcError(kEINVAL, "Parameter 'doms' must list names, domids or UUIDs.");
    }
    Domain* d = find(name);
    if (!d) {
      return rpcError(kESRCH, fmt::format("Domain '{}' does not exist.", name));
    }
    out.push_back(vncInfo(*d, *withPassword));
  }
  return Json{{"domains", out}};
}

Result Daemon::mSendKeys(const Json& p) {
  if (auto c = checkParams(p, {"dom", "keys"}); !c) {
    return unexpected(c.error());
  }
  auto it = p.find("keys");
  if (it == p.end() || !it->is_array() || it->empty()) {
    return rpcError(kEINVAL, "Parameter 'keys' must be a non-empty list of key combinations.");
  }
  std::vector<std::vector<std::string>> combos;
  for (const auto& k : *it) {
    if (!k.is_string()) {
      return rpcError(kEINVAL, "Parameter 'keys' must list strings like 'ctrl-alt-f2'.");
    }
    auto keys = parseKeyCombo(k.get<std::string>());
    if (!keys) {
      return rpcError(kEINVAL, keys.error());
    }
    combos.push_back(std::move(*keys));
  }
  auto d = lookupRunning(p);
  if (!d) {
    return unexpected(d.error());
  }
  for (const auto& keys : combos) {
    if (auto r = (*d)->vm->call(qmp::cmd::sendKey(keys)); !r) {
      return rpcError(kEIO, "send-key failed: " + r.error().message());
    }
  }
  return Json::object();
}

}  // namespace xenia::xend
