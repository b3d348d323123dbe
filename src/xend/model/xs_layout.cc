// A domain's home (/local/domain/<id>), its /vm/<uuid> record, /libxl/<id>,
// Domain-0's nodes, and what a destroy removes. Nodes and permissions follow
// libxl__domain_make / libxl__build_post / libxl__domain_build (libxl_create.c,
// libxl_dom.c) with xend's additions (/vm/<uuid>/image as SXP,
// X40 XendDomainInfo._storeVmDetails / _storeDomDetails).
#include "xend/model/xs_layout.h"

#include "config/lang/sexp.h"
#include "config/model/names.h"
#include "config/model/sxp.h"
#include "xend/model/xs_writer.h"

namespace xenia::xend {
namespace {

constexpr const char* kDom0Uuid = "00000000-0000-0000-0000-000000000000";

// Python's str(float), as xend stored start_time ("1764182400.25").
std::string pyFloat(double v) { return config::Sexp::makeFloat(v).atom; }

// xend's vcpu_avail: bit n set = vCPU n online; up to 128 vCPUs.
std::string availMask(int online) {
  unsigned __int128 m = online >= 128 ? ~static_cast<unsigned __int128>(0)
                                      : ((static_cast<unsigned __int128>(1) << online) - 1);
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m != 0);
  return out;
}

std::string kib(int64_t mib) { return std::to_string(mib * 1024); }

void addVm(xs::Writer& w, const config::DomainConfig& d, const DomainXsFacts& f) {
  std::string vm = "/vm/" + d.uuid;
  bool hvm = d.type == config::GuestType::kHvm;
  w.dir(vm, xs::readOnly(f.domid));
  w.node(vm + "/uuid", d.uuid);
  w.node(vm + "/name", d.name);
  // xend: the image's SXP as one string; libxl: image/ostype and friends.
  config::Sexp full = config::domainToSxp(d);
  const config::Sexp* image = full.childValue("image");
  w.node(vm + "/image", image ? config::writeSxp(*image) : "");
  w.node(vm + "/image/ostype", hvm ? "hvm" : "linux");
  if (!d.kernel.empty()) {
    w.node(vm + "/image/kernel", d.kernel);
  }
  if (!d.ramdisk.empty()) {
    w.node(vm + "/image/ramdisk", d.ramdisk);
  }
  if (!d.cmdline.empty()) {
    w.node(vm + "/image/cmdline", d.cmdline);
  }
  w.node(vm + "/start_time", pyFloat(f.startTime));
  w.node(vm + "/vcpus", std::to_string(d.maxvcpus));
  w.node(vm + "/vcpu_avail", availMask(d.vcpus));
  w.node(vm + "/memory", std::to_string(d.memory));
  w.node(vm + "/maxmem", std::to_string(d.maxmem));
  w.node(vm + "/shadow_memory", std::to_string(d.shadowMemory));
  w.node(vm + "/on_poweroff", std::string(config::actionName(d.onPoweroff)));
  w.node(vm + "/on_reboot", std::string(config::actionName(d.onReboot)));
  w.node(vm + "/on_crash", std::string(config::actionName(d.onCrash)));
  w.node(vm + "/on_xend_start", std::string(config::xendStartName(d.onXendStart)));
  w.node(vm + "/on_xend_stop", std::string(config::xendStopName(d.onXendStop)));
  if (!d.bootloader.empty()) {
    w.node(vm + "/bootloader", d.bootloader);
    w.node(vm + "/bootloader_args", d.bootloaderArgs);
  }
  if (hvm) {
    w.node(vm + "/rtc/timeoffset", d.rtcTimeoffset ? std::to_string(d.rtcTimeoffset) : "");
  }
}

void addHome(xs::Writer& w, const config::DomainConfig& d, const DomainXsFacts& f) {
  int id = f.domid;
  std::string home = "/local/domain/" + std::to_string(id);
  bool hvm = d.type == config::GuestType::kHvm;
  auto ro = xs::readOnly(id);
  auto rw = xs::guestOwned(id);

  w.dir(home, ro);
  w.node(home + "/vm", "/vm/" + d.uuid);
  w.node(home + "/name", d.name);
  w.node(home + "/domid", std::to_string(id));

  w.dir(home + "/cpu", ro);
  for (int n = 0; n < d.maxvcpus; ++n) {
    w.node(home + "/cpu/" + std::to_string(n) + "/availability",
           n < d.vcpus ? "online" : "offline");
  }
  w.dir(home + "/memory", ro);
  w.node(home + "/memory/static-max", kib(d.maxmem));
  w.node(home + "/memory/target", kib(d.memory));
  if (hvm) {
    // QEMU's default VGA RAM: 16 MiB for stdvga, 8 MiB for cirrus.
    w.node(home + "/memory/videoram", kib(d.videoram.value_or(d.stdvga ? 16 : 8)));
  }

  w.dir(home + "/device", ro);
  w.node(home + "/device/suspend/event-channel", "", rw);

  w.dir(home + "/control", ro);
  w.node(home + "/control/shutdown", "", rw);
  w.node(home + "/control/feature-poweroff", "", rw);
  w.node(home + "/control/feature-reboot", "", rw);
  w.node(home + "/control/feature-suspend", "", rw);
  if (hvm) {
    w.node(home + "/control/feature-s3", "", rw);
    w.node(home + "/control/feature-s4", "", rw);
  }
  w.node(home + "/control/sysrq", "", rw);
  w.node(home + "/control/platform-feature-multiprocessor-suspend", "1");
  w.node(home + "/control/platform-feature-xs_reset_watches", "1");

  for (const char* sub : {"data", "drivers", "feature", "attr", "error"}) {
    w.dir(home + "/" + sub, rw);
  }

  if (hvm) {
    w.dir(home + "/hvmloader", ro);
    w.node(home + "/hvmloader/bios", d.firmware == config::Firmware::kOvmf ? "OVMF" : "seabios");
    w.node(home + "/platform/acpi", d.acpi ? "1" : "0");
    w.node(home + "/platform/acpi_s3", "1");
    w.node(home + "/platform/acpi_s4", "1");
    w.node(home + "/platform/acpi_laptop_slate", "0");
    w.node(home + "/platform/device-model", "qemu_xen");
  }
  if (f.deviceModelPid) {
    w.node(home + "/image/device-model-pid", std::to_string(*f.deviceModelPid));
  }

  // The primary console, as xend wrote it (no ring: QEMU owns the console);
  // read-only for the guest, like libxl's ro_front.
  w.dir(home + "/console", ro);
  w.node(home + "/console/limit", std::to_string(f.consoleLimitBytes));
  w.node(home + "/console/type", "ioemu");
  w.node(home + "/console/output", "pty");
  w.node(home + "/console/tty", f.consoleTty);
  if (f.vncPort) {
    const config::Graphics& g = d.vfbs.empty() ? d.graphics : d.vfbs[0];
    w.node(home + "/console/vnc-listen", !f.vncListen.empty()   ? f.vncListen
                                         : !g.vnclisten.empty() ? g.vnclisten
                                                                : "127.0.0.1");
    w.node(home + "/console/vnc-port", std::to_string(*f.vncPort));
  }
}

}  // namespace

std::vector<XsNode> domainXsNodes(const config::DomainConfig& d, const DomainXsFacts& f) {
  std::string id = std::to_string(f.domid);
  xs::Writer w;
  w.addRoot("/local/domain/" + id);
  w.addRoot("/vm/" + d.uuid);
  w.addRoot("/libxl/" + id);
  for (const std::string& kind : xs::backendKinds(d)) {
    w.addRoot("/local/domain/0/backend/" + kind + "/" + id);
  }
  addHome(w, d, f);
  addVm(w, d, f);
  w.dir("/libxl/" + id, xs::dom0Only());
  w.node("/libxl/" + id + "/type", d.type == config::GuestType::kHvm ? "hvm" : "pv");
  w.node("/libxl/" + id + "/dm-version", "qemu_xen");
  w.dir("/libxl/" + id + "/device", xs::dom0Only());
  xs::addDevices(w, d, f);
  return w.take();
}

std::vector<std::string> domainXsRemovals(const config::DomainConfig& d, int domid) {
  std::string id = std::to_string(domid);
  std::vector<std::string> out = {"/local/domain/" + id, "/vm/" + d.uuid};
  for (const std::string& kind : xs::backendKinds(d)) {
    out.push_back("/local/domain/0/backend/" + kind + "/" + id);
  }
  out.push_back("/libxl/" + id);
  return out;
}

std::vector<XsNode> dom0XsNodes(int64_t dom0MemKiB, int nrCpus) {
  std::string vm = std::string("/vm/") + kDom0Uuid;
  xs::Writer w;
  w.addRoot("/local/domain/0");
  w.addRoot("/local/pool/0");
  w.addRoot(vm);
  w.dir("/local/domain/0", xs::dom0Only());
  w.node("/local/domain/0/vm", vm);
  w.node("/local/domain/0/name", "Domain-0");
  w.node("/local/domain/0/domid", "0");
  w.node("/local/domain/0/memory/target", std::to_string(dom0MemKiB));
  w.node("/local/domain/0/memory/static-max", std::to_string(dom0MemKiB));
  for (int n = 0; n < nrCpus; ++n) {
    w.node("/local/domain/0/cpu/" + std::to_string(n) + "/availability", "online");
  }
  // xen-init-dom0 names the CPU pools.
  w.node("/local/pool/0/name", "Pool-0");
  w.dir(vm, xs::dom0Only());
  w.node(vm + "/uuid", kDom0Uuid);
  w.node(vm + "/name", "Domain-0");
  return w.take();
}

}  // namespace xenia::xend
