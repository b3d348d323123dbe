// Host setup steps; dnsmasq is found by its pid file and checked by
// /proc/<pid>/comm before being signalled.
#include "net/io/host_io.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "net/io/run.h"
#include "net/io/tap.h"
#include "net/plan/rtnl.h"
#include "net/plan/uplink.h"
#include "net/plan/vif_plan.h"
#include "net/plan/vif_report.h"

namespace xenia::net {
namespace {

pid_t readPid(const std::string& file) {
  std::ifstream in(file);
  std::string s;
  if (!(in >> s)) {
    return 0;
  }
  pid_t pid = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), pid);
  return r.ec == std::errc() ? pid : 0;
}

bool isDnsmasq(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/comm", pid));
  std::string comm;
  return pid > 0 && std::getline(in, comm) && comm == "dnsmasq";
}

void stopPidFile(const std::string& file) {
  pid_t pid = readPid(file);
  if (isDnsmasq(pid)) {
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 50 && ::kill(pid, 0) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ::unlink(file.c_str());
}

// transfer=yes: the uplink's addresses and routes onto the bridge.
Expected<std::vector<std::string>, std::string> transferUplink(Netlink& nl, const HostNetSpec& s) {
  std::vector<std::string> notes;
  uint32_t up = linkIndex(s.netdev);
  uint32_t br = linkIndex(s.bridge);
  auto addrs = nl.dump(addrDump(0));
  if (!addrs) {
    return unexpected(addrs.error());
  }
  auto routes = nl.dump(routeDump(0));
  if (!routes) {
    return unexpected(routes.error());
  }
  for (const NlRequest& r : transferRequests(up, br, addrsOf(*addrs, up), routesOf(*routes, up),
                                             !addrsOf(*addrs, br).empty())) {
    if (auto ok = nl.request(r); !ok) {
      return unexpected(ok.error());
    }
    notes.push_back(r.what);
  }
  return notes;
}

}  // namespace

Expected<std::vector<std::string>, std::string> setupHostNet(Netlink& nl, const HostNetPlan& plan,
                                                             const std::string& runDir) {
  std::vector<std::string> notes;
  for (const HostNetSpec& s : plan.specs) {
    switch (s.kind) {
      case HostNetKind::kBridge: {
        IndexOf indexOf = [](const std::string& n) { return linkIndex(n); };
        for (auto phase : {&bridgeCreateRequests, &bridgeAttachRequests}) {
          auto reqs = (*phase)(s, indexOf);
          if (!reqs) {
            return unexpected(reqs.error());
          }
          for (const NlRequest& r : *reqs) {
            if (auto ok = nl.request(r); !ok) {
              return unexpected(ok.error());
            }
            if (r.what.rfind("link add", 0) == 0) {
              notes.push_back(r.what);
            }
          }
        }
        if (s.transfer) {
          auto moved = transferUplink(nl, s);
          if (!moved) {
            return unexpected(moved.error());
          }
          notes.insert(notes.end(), moved->begin(), moved->end());
        }
        break;
      }
      case HostNetKind::kRoute:
        if (auto r = writeSysctl("ip_forward", "1"); !r) {
          return unexpected(r.error());
        }
        if (linkIndex(s.netdev) != 0) {
          if (auto r = writeSysctl(fmt::format("conf/{}/proxy_arp", s.netdev), "1"); !r) {
            return unexpected(r.error());
          }
        }
        break;
      case HostNetKind::kNat: {
        IndexOf indexOf = [](const std::string& n) { return linkIndex(n); };
        HostNetSpec br = s;
        br.netdev.clear();
        br.vlan = 0;
        for (auto phase : {&bridgeCreateRequests, &bridgeAttachRequests}) {
          auto reqs = (*phase)(br, indexOf);
          if (!reqs) {
            return unexpected(reqs.error());
          }
          for (const NlRequest& r : *reqs) {
            if (auto ok = nl.request(r); !ok) {
              return unexpected(ok.error());
            }
          }
        }
        auto have = ipv4Of(s.bridge);
        if (!have || have->first != s.address) {
          if (auto r = nl.request(addrAdd(0, linkIndex(s.bridge), s.address, s.prefix)); !r) {
            return unexpected(r.error());
          }
        }
        if (auto r = writeSysctl("ip_forward", "1"); !r) {
          return unexpected(r.error());
        }
        if (auto r = runOk({"nft", "-f", "-"}, {}, natNetworkRuleset(s)); !r) {
          return unexpected(r.error());
        }
        if (s.dhcp) {
          stopPidFile(dnsmasqPidFile(s, runDir));
          if (auto r = runOk(dnsmasqArgv(s, runDir)); !r) {
            return unexpected(r.error());
          }
          notes.push_back(fmt::format("dnsmasq serves DHCP and DNS on {}", s.bridge));
        }
        break;
      }
    }
  }
  return notes;
}

void stopDnsmasq(const HostNetPlan& plan, const std::string& runDir) {
  for (const HostNetSpec& s : plan.specs) {
    if (s.kind == HostNetKind::kNat && s.dhcp) {
      stopPidFile(dnsmasqPidFile(s, runDir));
    }
  }
}

std::vector<std::string> releaseDhcpLeases(const HostNetPlan& plan, const std::string& runDir,
                                           const VifPlan& vif) {
  std::vector<std::string> problems;
  for (const HostNetSpec& s : plan.specs) {
    if (s.kind != HostNetKind::kNat || !s.dhcp || s.bridge != vif.bridge) {
      continue;
    }
    std::ifstream in(dnsmasqLeaseFile(s, runDir));
    std::string text;
    char buf[4096];
    // A lease file holds one line per guest; 1 MiB is far beyond any pool.
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      text.append(buf, static_cast<size_t>(in.gcount()));
      if (text.size() > (1u << 20)) {
        break;
      }
    }
    for (const DhcpLease& l : leasesOf(text, vif.mac)) {
      auto r = runArgv(dhcpReleaseArgv(s.bridge, l));
      if (!r) {
        problems.push_back(fmt::format("dhcp_release (dnsmasq-utils) of {}: {}", l.ip, r.error()));
      } else if (r->status != 0) {
        problems.push_back(fmt::format("dhcp_release of {}: {}", l.ip, r->output));
      }
    }
  }
  return problems;
}

std::vector<std::string> removeStaleVifTables(const std::set<int>& running) {
  std::vector<std::string> removed;
  auto r = runArgv({"nft", "list", "tables"});
  if (!r || r->status != 0) {
    return removed;
  }
  std::istringstream in(r->output);
  std::string word, family, name;
  while (in >> word >> family >> name) {  // "table <family> <name>"
    auto domid = domidOfTable(name);
    if (word == "table" && domid && !running.count(*domid)) {
      if (runOk({"nft", "delete", "table", family, name})) {
        removed.push_back(family + " " + name);
      }
    }
  }
  return removed;
}

}  // namespace xenia::net
