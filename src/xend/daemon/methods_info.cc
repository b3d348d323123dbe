// Read-only methods: domain.list (no QEMU calls: cached run state and
// /proc), domain.sxp (xm list -l), host.info/config/log/dmesg.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "xend/daemon/daemon.h"
#include "xend/model/long_sxp.h"

namespace xenia::xend {

namespace {

constexpr const char* kDom0Uuid = "00000000-0000-0000-0000-000000000000";

// Host CPU time spent outside idle, and the boot time, from /proc/stat.
struct HostTimes {
  double busySeconds = 0;
  double bootTime = 0;
};

HostTimes hostTimes() {
  HostTimes t;
  std::ifstream in("/proc/stat");
  std::string line;
  static const double kTicks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string key;
    ss >> key;
    if (key == "cpu") {
      uint64_t v[8] = {};
      for (auto& x : v) {
        ss >> x;
      }
      // user nice system idle iowait irq softirq steal
      t.busySeconds = static_cast<double>(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / kTicks;
    } else if (key == "btime") {
      ss >> t.bootTime;
    }
  }
  return t;
}

}  // namespace

Json Daemon::domainInfo(Domain& d) {
  Json j;
  j["name"] = d.cfg.name;
  j["domid"] = d.domid ? Json(*d.domid) : Json(nullptr);
  j["uuid"] = d.cfg.uuid;
  j["memory"] = d.running() ? d.rec.memoryMiB : d.cfg.memory;
  j["maxmem"] = d.cfg.maxmem;
  j["vcpus"] = d.cfg.vcpus;
  j["online_vcpus"] = d.running() ? d.rec.onlineVcpus : d.cfg.vcpus;
  j["state"] = stateFlags(d);
  j["status"] = static_cast<int>(powerState(d));
  j["cpu_time"] = d.vm ? d.vm->cpuSeconds() : 0.0;
  j["start_time"] = d.running() ? Json(d.rec.startTime) : Json(nullptr);
  j["accel"] = d.running() ? d.rec.accel : "";
  j["managed"] = d.managed;
  j["type"] = d.cfg.type == config::GuestType::kHvm ? "hvm" : "pv";
  return j;
}

Json Daemon::dom0Info() {
  int64_t guests = 0;
  double guestCpu = 0;
  for (auto& [k, d] : domains_) {
    if (d->running()) {
      guests += d->rec.memoryMiB;
      guestCpu += d->vm ? d->vm->cpuSeconds() : 0;
    }
  }
  HostTimes t = hostTimes();
  Json j;
  j["name"] = "Domain-0";
  j["domid"] = 0;
  j["uuid"] = kDom0Uuid;
  j["memory"] = std::max<int64_t>(0, hostTotalMiB() - guests);
  j["maxmem"] = hostTotalMiB();
  j["vcpus"] = host_.nrCpus;
  j["online_vcpus"] = host_.nrCpus;
  j["state"] = "r-----";
  j["status"] = static_cast<int>(PowerState::kRunning);
  j["cpu_time"] = std::max(0.0, t.busySeconds - guestCpu);
  j["start_time"] = t.bootTime;
  j["accel"] = "";
  j["managed"] = false;
  j["type"] = "pv";
  return j;
}

Result Daemon::mList(const Json& p) {
  if (auto c = checkParams(p, {"doms"}); !c) {
    return unexpected(c.error());
  }
  Json out = Json::array();
  auto it = p.find("doms");
  if (it == p.end() || it->is_null()) {
    out.push_back(dom0Info());
    for (Domain* d : sortedDomains()) {
      out.push_back(domainInfo(*d));
    }
    return Json{{"domains", out}};
  }
  if (!it->is_array()) {
    return rpcError(kEINVAL, "Parameter 'doms' must be a list.");
  }
  for (const auto& v : *it) {
    std::string name;
    if (v.is_string()) {
      name = v.get<std::string>();
    } else if (v.is_number_integer()) {
      name = std::to_string(v.get<int64_t>());
    } else {
      return rpcError(kEINVAL, "Parameter 'doms' must list names, domids or UUIDs.");
    }
    if (name == "0" || name == "Domain-0" || name == kDom0Uuid) {
      out.push_back(dom0Info());
      continue;
    }
    Domain* d = find(name);
    if (!d) {
      return rpcError(kESRCH, fmt::format("Domain '{}' does not exist.", name));
    }
    out.push_back(domainInfo(*d));
  }
  return Json{{"domains", out}};
}

Result Daemon::mSxp(const Json& p) {
  if (auto c = checkParams(p, {"dom"}); !c) {
    return unexpected(c.error());
  }
  auto which = paramString(p, "dom");
  if (which && (*which == "0" || *which == "Domain-0" || *which == kDom0Uuid)) {
    config::DomainConfig c;
    c.name = "Domain-0";
    c.uuid = kDom0Uuid;
    Json info = dom0Info();
    c.memory = info["memory"].get<int64_t>();
    c.maxmem = info["maxmem"].get<int64_t>();
    c.vcpus = c.maxvcpus = host_.nrCpus;
    LongListFacts f;
    f.rt.domid = 0;
    f.rt.status = static_cast<int>(PowerState::kRunning);
    f.rt.state = "r-----";
    f.rt.startTime = info["start_time"].get<double>();
    f.rt.cpuTime = info["cpu_time"].get<double>();
    f.rt.onlineVcpus = host_.nrCpus;
    return Json{{"sxp", longListSxp(c, f)}};
  }
  auto d = lookup(p);
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  config::DomainConfig c = dom.cfg;
  LongListFacts f;
  f.rt.status = static_cast<int>(powerState(dom));
  if (dom.running()) {
    c.memory = dom.rec.memoryMiB;
    f.rt.domid = *dom.domid;
    f.rt.state = stateFlags(dom);
    f.rt.startTime = dom.rec.startTime;
    f.rt.cpuTime = dom.vm ? dom.vm->cpuSeconds() : 0.0;
    f.rt.onlineVcpus = dom.rec.onlineVcpus;
    f.accel = dom.rec.accel;
    f.consolePty = dom.rec.consolePty;
    if (dom.vm && dom.vm->console()) {
      f.consoleSocket = dom.vm->console()->path();
    }
    f.consoleLog = dom.rec.consoleLog;
    if (dom.rec.vncPort) {
      f.vncPort = dom.rec.vncPort;
    }
    for (size_t i = 0; i < dom.cfg.vifs.size(); ++i) {
      f.vifNames.push_back(dom.cfg.vifs[i].vifname.empty()
                               ? qemu::tapName(*dom.domid, static_cast<int>(i))
                               : dom.cfg.vifs[i].vifname);
    }
  }
  return Json{{"sxp", longListSxp(c, f)}};
}

Result Daemon::mHostInfo(const Json& p) {
  if (auto c = checkParams(p, {}); !c) {
    return unexpected(c.error());
  }
  HostSnapshot h = readHostSnapshot();
  h.accel = accel_;
  h.accelReason = accelReason_;
  h.qemuVersion = host_.qemuVersion;
  HostUsage u;
  for (auto& [k, d] : domains_) {
    if (d->running()) {
      u.guestsMiB += d->rec.memoryMiB;
    }
  }
  Json info = Json::array();
  for (const auto& [k, v] : xmInfo(h, opts_, u)) {
    info.push_back(Json::array({k, v}));
  }
  appendVifInfo(info);  // after xm's own lines (net_vifs.cc)
  return Json{{"info", info}};
}

Result Daemon::mHostConfig(const Json& p) {
  if (auto c = checkParams(p, {}); !c) {
    return unexpected(c.error());
  }
  Json cfg = Json::array();
  for (const auto& [k, v] : opts_.all) {
    cfg.push_back(Json::array({k, v}));
  }
  return Json{{"config", cfg}};
}

Result Daemon::mHostLog(const Json& p) {
  if (auto c = checkParams(p, {}); !c) {
    return unexpected(c.error());
  }
  constexpr off_t kMax = 1 << 20;
  UniqueFd fd(::open(opts_.logfile.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return rpcError(kEIO, fmt::format("Cannot open {}: {}.", opts_.logfile, std::strerror(errno)));
  }
  struct stat st {};
  ::fstat(fd.get(), &st);
  off_t from = st.st_size > kMax ? st.st_size - kMax : 0;
  std::string text(static_cast<size_t>(st.st_size - from), '\0');
  ssize_t n = ::pread(fd.get(), text.data(), text.size(), from);
  text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return Json{{"text", text}};
}

Result Daemon::mHostDmesg(const Json& p) {
  if (auto c = checkParams(p, {"clear"}); !c) {
    return unexpected(c.error());
  }
  auto clear = paramBool(p, "clear", false);
  if (!clear) {
    return unexpected(clear.error());
  }
  std::string text;
  for (const auto& l : dmesg_) {
    text += l;
  }
  if (*clear) {
    dmesg_.clear();
    dmesgBytes_ = 0;
  }
  return Json{{"text", text}};
}

}  // namespace xenia::xend
