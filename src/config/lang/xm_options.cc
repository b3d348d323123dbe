// xm create's option table (gopts.var in xen/xm/create.py at RELEASE-4.0.0
// and RELEASE-4.4.0, merged) and the splitting of name=value arguments.
#include <algorithm>
#include <utility>

#include "config/lang/xm.h"

namespace xenia::config {
namespace {

// Sorted by name for binary search.
constexpr std::pair<std::string_view, XmOptionKind> kOptions[] = {
    {"access_control", XmOptionKind::kAppend},
    {"acpi", XmOptionKind::kInt},
    {"apic", XmOptionKind::kInt},
    {"blkif", XmOptionKind::kBool},
    {"boot", XmOptionKind::kValue},
    {"bootargs", XmOptionKind::kValue},
    {"bootentry", XmOptionKind::kValue},
    {"bootloader", XmOptionKind::kValue},
    {"builder", XmOptionKind::kValue},
    {"cpu", XmOptionKind::kInt},
    {"cpu_cap", XmOptionKind::kInt},
    {"cpu_weight", XmOptionKind::kInt},
    {"cpuid", XmOptionKind::kAppend},
    {"cpuid_check", XmOptionKind::kAppend},
    {"cpus", XmOptionKind::kValue},
    {"description", XmOptionKind::kValue},
    {"device_model", XmOptionKind::kValue},
    {"dhcp", XmOptionKind::kValue},
    {"disk", XmOptionKind::kAppend},
    {"display", XmOptionKind::kValue},
    {"extra", XmOptionKind::kValue},
    {"fda", XmOptionKind::kValue},
    {"fdb", XmOptionKind::kValue},
    {"features", XmOptionKind::kValue},
    {"gateway", XmOptionKind::kValue},
    {"gfx_passthru", XmOptionKind::kValue},
    {"guest_os_type", XmOptionKind::kValue},
    {"hap", XmOptionKind::kInt},
    {"hostname", XmOptionKind::kValue},
    {"hpet", XmOptionKind::kInt},
    {"interface", XmOptionKind::kValue},
    {"ioports", XmOptionKind::kAppend},
    {"ip", XmOptionKind::kValue},
    {"irq", XmOptionKind::kAppend},
    {"isa", XmOptionKind::kBool},
    {"kernel", XmOptionKind::kValue},
    {"keymap", XmOptionKind::kValue},
    {"loader", XmOptionKind::kValue},
    {"localtime", XmOptionKind::kBool},
    {"machine_address_size", XmOptionKind::kInt},
    {"maxmem", XmOptionKind::kInt},
    {"memory", XmOptionKind::kInt},
    {"memory_sharing", XmOptionKind::kBool},
    {"monitor", XmOptionKind::kBool},
    {"monitor_path", XmOptionKind::kValue},
    {"name", XmOptionKind::kValue},
    {"nestedhvm", XmOptionKind::kInt},
    {"netif", XmOptionKind::kBool},
    {"netmask", XmOptionKind::kValue},
    {"nfs_root", XmOptionKind::kValue},
    {"nfs_server", XmOptionKind::kValue},
    {"nics", XmOptionKind::kInt},
    {"nographic", XmOptionKind::kBool},
    {"nomigrate", XmOptionKind::kInt},
    {"on_crash", XmOptionKind::kValue},
    {"on_poweroff", XmOptionKind::kValue},
    {"on_reboot", XmOptionKind::kValue},
    {"on_xend_start", XmOptionKind::kValue},
    {"on_xend_stop", XmOptionKind::kValue},
    {"oos", XmOptionKind::kInt},
    {"opengl", XmOptionKind::kValue},
    {"pae", XmOptionKind::kInt},
    {"parallel", XmOptionKind::kValue},
    {"pci", XmOptionKind::kAppend},
    {"pci_msitranslate", XmOptionKind::kInt},
    {"pci_power_mgmt", XmOptionKind::kInt},
    {"pool", XmOptionKind::kValue},
    {"ramdisk", XmOptionKind::kValue},
    {"restart", XmOptionKind::kValue},
    {"root", XmOptionKind::kValue},
    {"rtc_timeoffset", XmOptionKind::kInt},
    {"s3_integrity", XmOptionKind::kInt},
    {"sdl", XmOptionKind::kValue},
    {"serial", XmOptionKind::kValue},
    {"shadow_memory", XmOptionKind::kInt},
    {"soundhw", XmOptionKind::kValue},
    {"stdvga", XmOptionKind::kBool},
    {"superpages", XmOptionKind::kInt},
    {"suppress_spurious_page_faults", XmOptionKind::kBool},
    {"target", XmOptionKind::kInt},
    {"timer_mode", XmOptionKind::kInt},
    {"tpmif", XmOptionKind::kAppend},
    {"tsc_mode", XmOptionKind::kInt},
    {"usb", XmOptionKind::kBool},
    {"usbdevice", XmOptionKind::kValue},
    {"uuid", XmOptionKind::kValue},
    {"vcpu_avail", XmOptionKind::kInt},
    {"vcpus", XmOptionKind::kInt},
    {"vfb", XmOptionKind::kAppend},
    {"vhpt", XmOptionKind::kInt},
    {"videoram", XmOptionKind::kInt},
    {"vif", XmOptionKind::kAppend},
    {"vif2", XmOptionKind::kAppend},
    {"viridian", XmOptionKind::kInt},
    {"vnc", XmOptionKind::kValue},
    {"vncconsole", XmOptionKind::kBool},
    {"vncdisplay", XmOptionKind::kValue},
    {"vnclisten", XmOptionKind::kValue},
    {"vncpasswd", XmOptionKind::kValue},
    {"vncunused", XmOptionKind::kBool},
    {"vncviewer", XmOptionKind::kBool},
    {"vpt_align", XmOptionKind::kInt},
    {"vscsi", XmOptionKind::kAppend},
    {"vtpm", XmOptionKind::kAppend},
    {"vusb", XmOptionKind::kAppend},
    {"xauthority", XmOptionKind::kValue},
    {"xen_platform_pci", XmOptionKind::kInt},
};

}  // namespace

std::optional<XmOptionKind> xmCreateOption(std::string_view name) {
  auto it = std::lower_bound(std::begin(kOptions), std::end(kOptions), name,
                             [](const auto& e, std::string_view n) { return e.first < n; });
  if (it == std::end(kOptions) || it->first != name) {
    return std::nullopt;
  }
  return it->second;
}

std::optional<XmOverride> splitXmOverride(std::string_view arg) {
  size_t eq = arg.find('=');
  if (eq == std::string_view::npos) {
    return std::nullopt;
  }
  return XmOverride{std::string(arg.substr(0, eq)), std::string(arg.substr(eq + 1))};
}

}  // namespace xenia::config
