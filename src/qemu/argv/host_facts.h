// Everything about the host that the QEMU command line depends on and that the
// domain config cannot say: accelerator, the binary's capabilities, resources
// xend prepared (tap fds, disk fds, sockets, a VNC display, firmware paths,
// bootloader output) and policies. xend fills it (with I/O) before calling
// the pure buildArgv(); tests fill it with fixed values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "qemu/argv/caps.h"

namespace xenia::qemu {

enum class Accel { kKvm, kTcg };

// How to treat QEMU's seccomp sandbox (-sandbox), which exists only in builds
// with libseccomp (caps option "sandbox").
enum class SandboxPolicy {
  kRequire,      // error if the binary lacks -sandbox
  kIfAvailable,  // use it when present, omit it otherwise
  kOff,          // never use it
};

// The host end of a guest character device (console, serial port, monitor).
struct ChardevSpec {
  enum class Kind {
    kPty,          // QEMU allocates a pty; xend reads its name via query-chardev
    kUnixListen,   // QEMU listens on `path` (server=on,wait=off)
    kUnixConnect,  // QEMU connects to `path`, retrying every second (reconnect=1)
    kTcpListen,    // QEMU listens on host:port
    kTcpConnect,   // QEMU connects to host:port
    kFile,         // output appended to `path`
    kNull,         // input none, output discarded
    kVc,           // QEMU's virtual console, shown in the VNC/SDL window
    kTty,          // a host serial device at `path`
    kPipe,         // named pipes `path`.in/.out (or `path` both ways)
    kUdp,          // datagrams to host:port, from localHost:localPort
  };
  Kind kind = Kind::kPty;
  std::string path;
  std::string host;
  int port = 0;
  std::string localHost;  // kUdp
  int localPort = 0;      // kUdp
  bool telnet = false;    // kTcp*: telnet protocol
  bool nodelay = false;   // kTcp*: TCP_NODELAY
  // QEMU itself appends every byte the guest sends to this file
  // (logfile=,logappend=on), from the first one, whether or not anyone is
  // connected: xend's console log survives xend being down.
  std::string logFile;
  bool operator==(const ChardevSpec&) const = default;
};

// The host side of one vif. With `fd`, QEMU receives an already-open tap
// (xend created it and attached it to the bridge; QEMU needs no privileges);
// without it QEMU opens the tap by name and runs no scripts.
struct TapFacts {
  std::string ifname;          // "vif7.0"
  std::optional<int> fd;       // open /dev/net/tun fd inherited by QEMU
  std::optional<int> vhostFd;  // open /dev/vhost-net fd (KVM only)
  bool operator==(const TapFacts&) const = default;
};

// What xend resolved for one disk. Both optional; an absent entry means "use
// the config's target as is".
struct DiskFacts {
  // A host path replacing the target, e.g. the /dev/drbdN a block script
  // produced for drbd: or script= disks. Opened as a host block device.
  std::string path;
  // A pre-opened image fd; passed with -add-fd and opened as /dev/fdset/N.
  std::optional<int> fd;
  bool operator==(const DiskFacts&) const = default;
};

struct FirmwareFacts {
  std::string seabios;   // empty = QEMU's built-in default (bios-256k.bin)
  std::string ovmfCode;  // read-only OVMF code image
  std::string ovmfVars;  // this domain's writable copy of the OVMF variable store
  bool operator==(const FirmwareFacts&) const = default;
};

// What running a PV bootloader (pygrub) produced.
struct BootFiles {
  std::string kernel;
  std::string ramdisk;
  std::string cmdline;
  bool operator==(const BootFiles&) const = default;
};

// TLS for QEMU's VNC server (VeNCrypt, x509): xend-config's vnc-tls,
// vnc-x509-cert-dir and vnc-x509-verify. xend checked the directory.
struct VncTlsFacts {
  std::string x509Dir;      // ca-cert.pem, server-cert.pem, server-key.pem
  bool verifyPeer = false;  // clients must show a certificate signed by the CA
  bool operator==(const VncTlsFacts&) const = default;
};

struct HostFacts {
  std::string qemuBinary = "/usr/bin/qemu-system-x86_64";  // argv[0]
  Accel accel = Accel::kKvm;
  // Overrides the CPU model (empty = "host" with KVM, "qemu64" with TCG),
  // e.g. a named model shared by all hosts of a migration pool.
  std::string cpuModel;
  QemuCaps caps;

  std::string runDir;          // this domain's private directory
  std::string qmpSocket;       // xend's QMP socket (QEMU listens)
  std::string xenstoreSocket;  // xenstored's socket for this domain (QEMU connects)
  // virtio-serial ports to that socket, each its own xenstored connection:
  // org.xenproject.xenstore, then .1, .2 ... The kernel lets one process
  // open a port at a time, so this many guest tools can run at once.
  int xenstorePorts = 1;
  ChardevSpec console;         // PV console (hvc0)
  // Host ends for serial ports whose config spec is "pty", by port index (and
  // for a PV guest's implicit ttyS0). Missing entries mean a pty.
  std::vector<ChardevSpec> serials;
  // xend's console log (guest-<name>.log). QEMU appends to it what the guest
  // writes on hvc0 and on serial port 0 when that is a pty, so a kernel that
  // dies before virtio_console loads still leaves its messages (ttyS0) there.
  // A backend's own logFile takes precedence. Empty = no log.
  std::string consoleLog;
  // A PV kernel whose command line puts no console on ttyS0 also gets
  // earlyprintk=ttyS0 (xend-config xenia-early-console): with console=hvc0
  // alone, everything it prints before virtio_console loads (a panic over a
  // missing root, say) would reach no console and so no log. The early
  // console stops by itself when hvc0 registers. Needs a logged ttyS0.
  bool earlyConsole = false;

  std::vector<TapFacts> taps;    // one per vif, same index
  std::vector<DiskFacts> disks;  // by disk index; may be shorter than the disk list
  std::optional<int> vncDisplay; // chosen by xend; absent = from the config
  std::optional<VncTlsFacts> vncTls;  // absent = plain VNC
  FirmwareFacts firmware;
  std::optional<BootFiles> bootloader;  // required when a PV config names a bootloader

  // The RTC start date, "YYYY-MM-DDTHH:MM:SS", that xend computed as now +
  // rtc_timeoffset (in UTC, or local time with localtime=1). QEMU has no
  // offset form of -rtc, and the builder never reads the clock.
  std::string rtcBase;

  bool startPaused = false;  // -S: xend resumes with QMP "cont"
  SandboxPolicy sandbox = SandboxPolicy::kIfAvailable;
  // -runas: QEMU opens everything on its command line as root, then drops to
  // this user. Empty = stay root.
  std::string runAs;

  bool operator==(const HostFacts&) const = default;
};

// Xen's tap naming, "vif<domid>.<devid>" (at most 15 bytes for domids < 10^5).
std::string tapName(int domid, int devid);

// The standard per-domain layout under `runDir`: QMP socket, OVMF variable
// store, pty consoles. Pure; xend creates the directory and files.
HostFacts layoutHostFacts(const std::string& runDir);

}  // namespace xenia::qemu
