// Device front- and backends in XenStore, with the nodes xend's device
// controllers (X40 server/blkif.py, netif.py, vfbif.py, ConsoleController.py,
// DevController.addStoreEntries) and libxl (libxl_disk.c, libxl_nic.c,
// libxl_device.c) wrote. QEMU serves every device, so both ends are written
// Connected. /libxl/<id>/device/<kind>/<devid> records each pair, as libxl.
#include <cinttypes>
#include <cstdio>

#include "config/model/names.h"
#include "xend/model/xs_writer.h"

namespace xenia::xend::xs {
namespace {

constexpr int kConnected = 4;  // XenbusStateConnected
constexpr const char* kScriptDir = "/etc/xen/scripts";

std::string scriptPath(const std::string& script) {
  return !script.empty() && script[0] == '/' ? script : std::string(kScriptDir) + "/" + script;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    out += (out.empty() ? "" : " ") + p;
  }
  return out;
}

void addDisk(Writer& w, const config::DomainConfig& d, const DomainXsFacts& f, size_t index) {
  const config::Disk& k = d.disks[index];
  int devid = vdevNumber(k.vdev);
  if (devid < 0) {
    return;  // the model validated vdevs; nothing sensible to write otherwise
  }
  bool cdrom = k.devtype == config::DiskDevType::kCdrom;
  DevicePaths p = addDevicePair(w, "vbd", f.domid, devid, d.name);
  w.node(p.front + "/virtual-device", std::to_string(devid));
  w.node(p.front + "/device-type", cdrom ? "cdrom" : "disk");
  w.node(p.back + "/dev", k.vdev);
  w.node(p.back + "/type", diskBackendType(k));
  w.node(p.back + "/params", diskParams(k));
  w.node(p.back + "/mode", std::string(config::diskModeName(k.mode)));
  w.node(p.back + "/device-type", cdrom ? "cdrom" : "disk");
  w.node(p.back + "/removable", cdrom ? "1" : "0");
  // xm marked the first disk bootable (create.py), libxl every disk; xend's
  // form keeps the boot disk recognisable.
  w.node(p.back + "/bootable", index == 0 ? "1" : "0");
  if (!k.script.empty()) {
    w.node(p.back + "/script", scriptPath(k.script));
  }
  if (k.directIoSafe) {
    w.node(p.back + "/direct-io-safe", "1");
  }
  if (k.discard) {
    w.node(p.back + "/discard-enable", *k.discard ? "1" : "0");
  }
  if (!k.protocol.empty()) {
    w.node(p.front + "/protocol", k.protocol);
  }
}

void addVif(Writer& w, const config::DomainConfig& d, const DomainXsFacts& f, size_t index) {
  const config::Vif& v = d.vifs[index];
  int devid = static_cast<int>(index);
  DevicePaths p = addDevicePair(w, "vif", f.domid, devid, d.name);
  // netif.py: an ioemu-only NIC has no PV frontend details.
  if (v.type != config::VifType::kIoemu) {
    w.node(p.front + "/handle", std::to_string(devid));
    w.node(p.front + "/mac", v.mac);
  }
  if (v.mtu) {
    // libxl writes the MTU read-only for the guest.
    w.node(p.front + "/mtu", std::to_string(*v.mtu), readOnly(f.domid));
  }
  w.node(p.back + "/script", scriptPath(v.script.empty() ? f.vifScript : v.script));
  w.node(p.back + "/mac", v.mac);
  w.node(p.back + "/handle", std::to_string(devid));
  if (!v.bridge.empty()) {
    w.node(p.back + "/bridge", v.bridge);
  }
  if (!v.ip.empty()) {
    w.node(p.back + "/ip", joined(v.ip));
  }
  std::string ifname =
      index < f.vifNames.size() && !f.vifNames[index].empty() ? f.vifNames[index] : v.vifname;
  if (!ifname.empty()) {
    w.node(p.back + "/vifname", ifname);
  }
  if (v.rate) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%" PRIu64 ",%" PRIu64, v.rate->bytesPerInterval,
                  v.rate->intervalUsec);
    w.node(p.back + "/rate", buf);
  }
  if (!v.model.empty()) {
    w.node(p.back + "/model", v.model);
  }
  if (v.type != config::VifType::kDefault) {
    w.node(p.back + "/type", std::string(config::vifTypeName(v.type)));
  }
  if (!v.gatewaydev.empty()) {
    w.node(p.back + "/gatewaydev", v.gatewaydev);
  }
  if (v.mtu) {
    w.node(p.back + "/mtu", std::to_string(*v.mtu));
  }
  if (!v.accel.empty()) {
    w.node(p.back + "/accel", v.accel);
  }
}

// vfbif.py's CONFIG_ENTRIES, minus vncpasswd: the backend is readable by the
// guest, so the password stays out of XenStore.
void addVfb(Writer& w, const config::DomainConfig& d, const DomainXsFacts& f) {
  const config::Graphics& g = d.vfbs[0];
  DevicePaths p = addDevicePair(w, "vfb", f.domid, 0, d.name);
  w.node(p.back + "/type", g.vnc ? "vnc" : "sdl");
  w.node(p.back + "/vnc", g.vnc ? "1" : "0");
  w.node(p.back + "/sdl", g.sdl ? "1" : "0");
  if (g.opengl) {
    w.node(p.back + "/opengl", "1");
  }
  if (g.vnc) {
    w.node(p.back + "/vncunused", g.vncunused ? "1" : "0");
    w.node(p.back + "/vnclisten", !f.vncListen.empty()   ? f.vncListen
                                  : !g.vnclisten.empty() ? g.vnclisten
                                                         : "127.0.0.1");
    if (g.vncdisplay) {
      w.node(p.back + "/vncdisplay", std::to_string(*g.vncdisplay));
    }
  }
  if (!g.keymap.empty()) {
    w.node(p.back + "/keymap", g.keymap);
  }
  if (!g.display.empty()) {
    w.node(p.back + "/display", g.display);
  }
  if (!g.xauthority.empty()) {
    w.node(p.back + "/xauthority", g.xauthority);
  }
  if (f.vncPort) {
    // vfbif.reconfigureDevice: where the VNC server listens.
    std::string host = !f.vncListen.empty()   ? f.vncListen
                       : !g.vnclisten.empty() ? g.vnclisten
                                              : "127.0.0.1";
    w.node(p.back + "/location", host + ":" + std::to_string(*f.vncPort));
  }
  // A PV framebuffer comes with its keyboard/mouse (xend's vkbd).
  addDevicePair(w, "vkbd", f.domid, 0, d.name);
}

// xend's ConsoleController: a console device recording the console's
// protocol and where it is.
void addConsole(Writer& w, const config::DomainConfig& d, const DomainXsFacts& f) {
  DevicePaths p = addDevicePair(w, "console", f.domid, 0, d.name);
  w.node(p.back + "/protocol", "vt100");
  if (!f.consoleTty.empty()) {
    w.node(p.back + "/location", f.consoleTty);
  }
}

}  // namespace

DevicePaths addDevicePair(Writer& w, const std::string& kind, int domid, int devid,
                          const std::string& domName) {
  std::string id = std::to_string(domid);
  std::string dev = std::to_string(devid);
  DevicePaths p{"/local/domain/" + id + "/device/" + kind + "/" + dev,
                "/local/domain/0/backend/" + kind + "/" + id + "/" + dev};
  w.dir(p.front, frontend(domid, 0));
  w.node(p.front + "/backend", p.back);
  w.node(p.front + "/backend-id", "0");
  w.node(p.front + "/state", std::to_string(kConnected));
  w.dir(p.back, backend(domid, 0));
  w.node(p.back + "/domain", domName);
  w.node(p.back + "/frontend", p.front);
  w.node(p.back + "/frontend-id", id);
  w.node(p.back + "/online", "1");
  w.node(p.back + "/state", std::to_string(kConnected));
  if (kind == "vbd" || kind == "vif") {
    // What xend's and libxl's hotplug waits look for.
    w.node(p.back + "/hotplug-status", "connected");
  }
  std::string rec = "/libxl/" + id + "/device/" + kind + "/" + dev;
  w.node(rec + "/frontend", p.front);
  w.node(rec + "/backend", p.back);
  return p;
}

void addDevices(Writer& w, const config::DomainConfig& d, const DomainXsFacts& f) {
  for (size_t i = 0; i < d.disks.size(); ++i) {
    addDisk(w, d, f, i);
  }
  for (size_t i = 0; i < d.vifs.size(); ++i) {
    addVif(w, d, f, i);
  }
  if (d.type == config::GuestType::kPv && !d.vfbs.empty()) {
    addVfb(w, d, f);
  }
  addConsole(w, d, f);
}

std::vector<std::string> backendKinds(const config::DomainConfig& d) {
  std::vector<std::string> kinds;
  if (!d.disks.empty()) {
    kinds.push_back("vbd");
  }
  if (!d.vifs.empty()) {
    kinds.push_back("vif");
  }
  if (d.type == config::GuestType::kPv && !d.vfbs.empty()) {
    kinds.push_back("vfb");
    kinds.push_back("vkbd");
  }
  kinds.push_back("console");
  return kinds;
}

}  // namespace xenia::xend::xs
