// The canonical, validated domain model: what an xm/xl config file, an xend
// SXP config or our JSON dump all mean once parsed. Defaults are filled in, so
// two configs that mean the same thing compare equal. Consumers (QEMU argv,
// xend, xm list -l) read only this; they never look at config-file Values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/lang/value.h"

namespace xenia::config {

enum class GuestType { kPv, kHvm };

// HVM firmware. kDefault lets the device model choose (SeaBIOS on QEMU).
enum class Firmware { kDefault, kSeabios, kOvmf };

// A set of host CPUs ("0-3,^1"), sorted and unique. Empty = no restriction
// ("all" normalizes to that, as does xend's empty per-vCPU list).
struct CpuSet {
  std::vector<int> cpus;
  bool operator==(const CpuSet&) const = default;
};

// ---- disks ---------------------------------------------------------------

// How the target is reached; taken from the uname prefix ("phy:", "tap:aio:").
enum class DiskBackend {
  kUnspecified,  // xl DISKSPEC without a prefix: decided by what the path is
  kPhy,          // host block device
  kFile,         // image file (loopback in xend)
  kTap,          // blktap; see TapDriver
  kNbd,          // target = "host port" (block-nbd) or "host:port"
  kIscsi,        // target = iSCSI IQN (block-iscsi)
  kDrbd,         // target = DRBD resource name (block-drbd)
};

enum class TapDriver { kNone, kAio, kSync, kQcow, kQcow2, kVmdk, kVhd, kCdrom };

// Image format, spelled as QEMU spells it (vhd is "vpc").
enum class DiskFormat { kRaw, kQcow, kQcow2, kVmdk, kVpc, kQed };

enum class DiskDevType { kDisk, kCdrom };

// r = read-only, w = read-write, w! = read-write even if in use elsewhere.
enum class DiskMode { kRead, kWrite, kWriteForce };

struct Disk {
  DiskBackend backend = DiskBackend::kUnspecified;
  TapDriver tap = TapDriver::kNone;  // only for kTap
  std::string target;                // path/resource after the prefixes; empty = empty CD drive
  DiskFormat format = DiskFormat::kRaw;
  std::string vdev;                  // "hda", "xvda", "sdb" (no ":cdrom")
  DiskDevType devtype = DiskDevType::kDisk;
  DiskMode mode = DiskMode::kWrite;
  std::string backendDomain = "0";   // domain name or id serving the disk
  std::string script;                // xl script= (block-<script>); empty = default
  std::string protocol;              // xm 5th field (x86_32-abi...); rarely used
  bool directIoSafe = false;         // xl flag
  std::optional<bool> discard;       // xl discard/no-discard; nullopt = default

  bool empty() const { return target.empty(); }  // an empty CD-ROM drive
  bool operator==(const Disk&) const = default;
};

// ---- network -------------------------------------------------------------

// Credit-based rate limit as xend stores it: bytes allowed per interval.
struct Rate {
  std::string spec;  // as written ("10Mb/s@20ms"); xend's SXP keeps this form
  uint64_t bytesPerInterval = 0;
  uint64_t intervalUsec = 0;
  bool operator==(const Rate&) const = default;
};

// kDefault: emulated NIC plus PV for HVM, PV only for PV guests.
enum class VifType { kDefault, kIoemu, kNetfront };

struct Vif {
  std::string mac;                 // "00:16:3e:xx:xx:xx", lower case; generated if absent
  std::string bridge;              // empty = host default
  std::vector<std::string> ip;     // for the hotplug script (anti-spoofing)
  std::string script;              // empty = vif-bridge
  std::string vifname;             // backend interface name; empty = vif<domid>.<devid>
  std::string model;               // emulated NIC model; empty = rtl8139
  VifType type = VifType::kDefault;
  std::string backendDomain = "0";
  std::optional<Rate> rate;
  std::string gatewaydev;          // vif-route
  std::string accel;               // xm accel= (kept for SXP only)
  std::optional<int> mtu;          // xl
  bool operator==(const Vif&) const = default;
};

// ---- graphics, console, platform devices ----------------------------------

// Used both for a PV framebuffer (vfb=[...]) and for HVM's top-level keys.
struct Graphics {
  bool vnc = false;
  bool sdl = false;
  bool opengl = false;
  std::string vnclisten;              // empty = 127.0.0.1
  std::optional<int> vncdisplay;      // port = 5900 + display
  bool vncunused = true;              // pick a free display if vncdisplay busy/unset
  std::optional<std::string> vncpasswd;  // nullopt = unset; "" = no password
  std::string keymap;                 // empty = en-us
  std::string display;                // X11 DISPLAY for sdl
  std::string xauthority;
  bool operator==(const Graphics&) const = default;
};

struct PciDevice {
  int domain = 0;
  int bus = 0;
  int slot = 0;
  int func = 0;
  std::optional<int> vslot;          // guest slot (@VSLOT)
  std::optional<bool> msitranslate;  // nullopt = domain-wide pci_msitranslate
  std::optional<bool> powerMgmt;     // nullopt = domain-wide pci_power_mgmt
  bool permissive = false;
  bool seize = false;
  bool operator==(const PciDevice&) const = default;
};

// ---- cpuid ---------------------------------------------------------------

// One xend-style leaf: "1:ecx=xxxx...,edx=..." (32 chars each: 1 0 x k s).
struct CpuidLeaf {
  uint32_t leaf = 0;
  std::optional<uint32_t> subleaf;
  std::vector<std::pair<std::string, std::string>> regs;  // ("eax", 32 chars), sorted by reg
  bool operator==(const CpuidLeaf&) const = default;
};

// Either libxl form ("host,tm=0,sse3=0") or xend list form; both may not mix.
struct Cpuid {
  bool host = false;  // libxl "host" base policy
  std::vector<std::pair<std::string, std::string>> features;  // libxl: ("tm","0"), in order
  std::vector<CpuidLeaf> leaves;                              // xend form
  bool empty() const { return !host && features.empty() && leaves.empty(); }
  bool operator==(const Cpuid&) const = default;
};

// ---- lifecycle -----------------------------------------------------------

enum class Action {
  kDestroy,
  kRestart,
  kRenameRestart,
  kPreserve,
  kCoredumpDestroy,
  kCoredumpRestart,
  kSoftReset,
};
enum class XendStartAction { kIgnore, kStart };
enum class XendStopAction { kIgnore, kShutdown, kSuspend };

// ---- the domain -----------------------------------------------------------

struct DomainConfig {
  std::string name;
  std::string uuid;  // canonical 8-4-4-4-12 lower case; generated if absent
  GuestType type = GuestType::kPv;
  std::string description;

  // Memory in MiB. maxmem defaults to memory.
  int64_t memory = 128;
  int64_t maxmem = 128;
  int64_t shadowMemory = 0;  // MiB; 0 = default

  int vcpus = 1;
  int maxvcpus = 1;            // defaults to vcpus; <= 128
  // Hard affinity. Canonical form: `cpus` when every vCPU has the same set,
  // else `vcpuCpus` (index = vCPU; missing/empty entries = unrestricted).
  // Never both; nullopt/empty = unrestricted.
  std::optional<CpuSet> cpus;
  std::vector<CpuSet> vcpuCpus;
  int cpuWeight = 256;         // credit scheduler, 1..65535
  int cpuCap = 0;              // percent of one CPU; 0 = uncapped

  // Direct kernel boot (PV, or HVM with kernel=). cmdline is the final command
  // line: xl's cmdline= if given, else xm's "root=<root> ip=<...> <extra>".
  std::string kernel;
  std::string ramdisk;
  std::string root;     // as given (without the "root=")
  std::string extra;    // as given
  std::string ipArgs;   // xm's assembled ip= value (without "ip="), from ip/gateway/...
  std::string cmdline;  // final kernel command line
  std::string bootloader;
  std::string bootloaderArgs;

  Firmware firmware = Firmware::kDefault;
  std::string loader;       // xm loader= (hvmloader path); kept for SXP
  std::string deviceModel;  // xm device_model= / xl device_model_override

  std::vector<Disk> disks;
  std::vector<Vif> vifs;
  // The display. Canonical form: a PV guest's is vfbs[0] (at most one; top-
  // level vnc/sdl keys become it) and `graphics` stays default; an HVM
  // guest's is `graphics` (a vfb entry is folded into it) and vfbs is empty.
  std::vector<Graphics> vfbs;
  Graphics graphics;
  bool vncconsole = false;
  bool nographic = false;
  bool stdvga = false;
  std::optional<int> videoram;  // MiB
  std::vector<PciDevice> pci;
  bool pciMsitranslate = true;   // domain-wide default for pci devices
  bool pciPowerMgmt = false;
  bool usb = false;
  std::vector<std::string> usbdevice;  // "tablet", "mouse", "host:1234:5678"
  std::vector<std::string> serial;     // QEMU -serial specs ("pty", "file:/x")
  std::string parallel;
  std::string monitor;  // xm monitor= ("1" or a QEMU monitor spec)
  std::string soundhw;
  std::string fda;
  std::string fdb;

  // HVM platform.
  std::string boot = "cd";  // order of a (floppy) c (disk) d (cdrom) n (net)
  bool acpi = true;
  bool apic = true;
  bool pae = true;
  bool hpet = false;
  bool viridian = false;
  bool hap = true;
  bool nestedhvm = false;
  std::optional<int> timerMode;
  std::string tscMode;  // "" = default
  bool localtime = false;
  int64_t rtcTimeoffset = 0;  // seconds
  Cpuid cpuid;

  Action onPoweroff = Action::kDestroy;
  Action onReboot = Action::kRestart;
  Action onCrash = Action::kRestart;  // xend default; xl files default to destroy
  XendStartAction onXendStart = XendStartAction::kIgnore;
  XendStopAction onXendStop = XendStopAction::kIgnore;

  bool nomigrate = false;

  // Keys we do not model, kept verbatim (in file order) so nothing is lost.
  Dict otherKeys;

  bool operator==(const DomainConfig&) const = default;
};

}  // namespace xenia::config
