// Character devices: xend's QMP socket and QEMU's lifecycle actions, the
// optional extra monitor (xm's monitor=), the virtio-serial bus with the PV
// console (hvc0) and the XenStore channel (port org.xenproject.xenstore),
// ISA serial ports and the parallel port.
#include <fmt/format.h>

#include "qemu/argv/builder.h"

namespace xenia::qemu::detail {
namespace {

using K = ChardevSpec::Kind;

constexpr int kMaxSerials = 4;  // COM1-COM4
constexpr std::string_view kXenstorePort = "org.xenproject.xenstore";
constexpr int kMaxXenstorePorts = 8;

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Splits "path,server,nowait" into the path and its flags. "listen" is the
// spelling of old Xen device models (libvirt's xm tests use it) for "server".
struct SpecTail {
  std::string head;
  bool server = false;
  bool nodelay = false;
  bool bad = false;
};
SpecTail splitFlags(std::string_view s) {
  SpecTail t;
  size_t comma = s.find(',');
  t.head = std::string(s.substr(0, comma));
  while (comma != std::string_view::npos) {
    size_t next = s.find(',', comma + 1);
    std::string_view flag = s.substr(comma + 1, next == s.npos ? s.npos : next - comma - 1);
    if (flag == "server" || flag == "server=on" || flag == "listen") {
      t.server = true;
    } else if (flag == "nodelay") {
      t.nodelay = true;
    } else if (flag != "nowait" && flag != "wait=off") {
      t.bad = true;
    }
    comma = next;
  }
  return t;
}

bool parsePort(std::string_view s, int* port) {
  if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  *port = std::stoi(std::string(s));
  return true;
}

// "[HOST]:PORT" with HOST possibly empty or a bracketed IPv6 address.
bool splitHostPort(std::string_view s, std::string* host, int* port) {
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || !parsePort(s.substr(colon + 1), port)) {
    return false;
  }
  *host = std::string(s.substr(0, colon));
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return true;
}

// A QEMU -serial/-monitor style spec as Xen configs write it (QEMU's legacy
// character device syntax). nullopt = "none". Server sockets never make QEMU
// wait for a client at startup: xend must not block on a console.
Expected<std::optional<ChardevSpec>, std::string> parseCharSpec(std::string_view spec) {
  ChardevSpec c;
  auto bad = [&](std::string_view form) -> Expected<std::optional<ChardevSpec>, std::string> {
    return unexpected(fmt::format("'{}' is not {}.", spec, form));
  };
  if (spec == "none") {
    return std::optional<ChardevSpec>();
  }
  if (spec == "pty") {
    c.kind = K::kPty;
  } else if (spec == "null") {
    c.kind = K::kNull;
  } else if (spec == "vc" || startsWith(spec, "vc:")) {
    c.kind = K::kVc;
  } else if (startsWith(spec, "file:") && spec.size() > 5) {
    c.kind = K::kFile;
    c.path = std::string(spec.substr(5));
  } else if (startsWith(spec, "pipe:") && spec.size() > 5) {
    c.kind = K::kPipe;
    c.path = std::string(spec.substr(5));
  } else if (startsWith(spec, "/dev/")) {
    c.kind = K::kTty;
    c.path = std::string(spec);
  } else if (startsWith(spec, "unix:")) {
    SpecTail t = splitFlags(spec.substr(5));
    if (t.bad || t.nodelay || t.head.empty()) {
      return bad("unix:PATH[,server][,nowait]");
    }
    c.kind = t.server ? K::kUnixListen : K::kUnixConnect;
    c.path = t.head;
  } else if (startsWith(spec, "tcp:") || startsWith(spec, "telnet:")) {
    c.telnet = startsWith(spec, "telnet:");
    SpecTail t = splitFlags(spec.substr(c.telnet ? 7 : 4));
    if (t.bad || !splitHostPort(t.head, &c.host, &c.port)) {
      return bad(c.telnet ? "telnet:[HOST]:PORT[,server][,nowait][,nodelay]"
                          : "tcp:[HOST]:PORT[,server][,nowait][,nodelay]");
    }
    c.kind = t.server ? K::kTcpListen : K::kTcpConnect;
    c.nodelay = t.nodelay;
  } else if (startsWith(spec, "udp:")) {
    std::string_view rest = spec.substr(4);
    size_t at = rest.find('@');
    c.kind = K::kUdp;
    if (!splitHostPort(rest.substr(0, at), &c.host, &c.port) ||
        (at != std::string_view::npos &&
         !splitHostPort(rest.substr(at + 1), &c.localHost, &c.localPort))) {
      return bad("udp:[HOST]:PORT[@[LOCALHOST]:LOCALPORT]");
    }
  } else if (spec == "stdio") {
    return unexpected(std::string("'stdio' needs a terminal; QEMU runs under xend without one."));
  } else {
    return unexpected(fmt::format("Character device '{}' is not one of pty, vc, null, none, "
                                  "file:, pipe:, unix:, tcp:, telnet:, udp:, /dev/<tty>.",
                                  spec));
  }
  return std::optional<ChardevSpec>(c);
}

Status addSerial(Ctx& c, int index, const ChardevSpec& spec, const std::string& field) {
  std::string id = fmt::format("charserial{}", index);
  if (auto s = c.addChardev(spec, id, field); !s) {
    return s;
  }
  c.add("-device", Opts("isa-serial")
                       .add("chardev", id)
                       .add("id", fmt::format("serial{}", index))
                       .add("index", index)
                       .str());
  return Ok{};
}

// `spec` with the domain's console log, unless it names its own.
ChardevSpec withConsoleLog(const Ctx& c, ChardevSpec spec) {
  if (spec.logFile.empty()) {
    spec.logFile = c.facts.consoleLog;
  }
  return spec;
}

// The host end for serial port `index` whose config spec was "pty". Port 0
// is the guest's console (ttyS0): it feeds the console log like hvc0.
ChardevSpec ptyBackend(const Ctx& c, size_t index) {
  ChardevSpec spec = index < c.facts.serials.size() ? c.facts.serials[index] : ChardevSpec{};
  return index == 0 ? withConsoleLog(c, spec) : spec;
}

Status buildSerials(Ctx& c) {
  const auto& specs = c.cfg.serial;
  if (specs.empty()) {
    if (c.hvm()) {
      return Ok{};
    }
    // PV guests get ttyS0 too: early boot output appears there before hvc0.
    if (auto s = c.needDevice("isa-serial", "serial"); !s) {
      return s;
    }
    return addSerial(c, 0, ptyBackend(c, 0), "serial");
  }
  if (specs.size() > kMaxSerials) {
    return fail(TranslateErrc::kLimitExceeded, "serial",
                fmt::format("At most {} serial ports fit (COM1-COM4).", kMaxSerials));
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    const std::string field = specs.size() == 1 ? "serial" : fmt::format("serial[{}]", i);
    auto spec = parseCharSpec(specs[i]);
    if (!spec) {
      return fail(TranslateErrc::kUnsupported, field, spec.error());
    }
    if (!*spec) {
      continue;
    }
    ChardevSpec backend = (*spec)->kind == K::kPty ? ptyBackend(c, i) : **spec;
    if (auto s = c.needDevice("isa-serial", field); !s) {
      return s;
    }
    if (auto s = addSerial(c, static_cast<int>(i), backend, field); !s) {
      return s;
    }
  }
  return Ok{};
}

Status buildParallel(Ctx& c) {
  const std::string& p = c.cfg.parallel;
  if (p.empty() || p == "none") {
    return Ok{};
  }
  auto spec = parseCharSpec(p);
  if (!spec) {
    return fail(TranslateErrc::kUnsupported, "parallel", spec.error());
  }
  if (auto s = c.needDevice("isa-parallel", "parallel"); !s) {
    return s;
  }
  if (auto s = c.addChardev(**spec, "charparallel0", "parallel"); !s) {
    return s;
  }
  c.add("-device", Opts("isa-parallel").add("chardev", "charparallel0").add("id", "parallel0")
                       .str());
  return Ok{};
}

}  // namespace

Status buildMonitor(Ctx& c) {
  if (auto s = c.needSocketPath(c.facts.qmpSocket, "qmp"); !s) {
    return s;
  }
  c.add("-chardev", Opts("socket")
                        .add("id", "charqmp")
                        .add("path", c.facts.qmpSocket)
                        .add("server", "on")
                        .add("wait", "off")
                        .str());
  c.add("-mon", Opts().add("chardev", "charqmp").add("mode", "control").str());

  // xend applies on_poweroff/on_reboot/on_crash: QEMU only stops the guest and
  // reports SHUTDOWN (reason guest-shutdown or guest-reset) or GUEST_PANICKED.
  // Keeping the process lets xend coredump, preserve or restart in place.
  if (!c.facts.caps.hasOption("action")) {
    return fail(TranslateErrc::kMissingCapability, "on_poweroff",
                "This QEMU has no -action option (QEMU 6.0 or later is needed).");
  }
  c.add("-action", Opts()
                       .add("reboot", "shutdown")
                       .add("shutdown", "pause")
                       .add("panic", "pause")
                       .str());

  // xm's monitor=: a human monitor besides xend's QMP.
  const std::string& m = c.cfg.monitor;
  if (m.empty() || m == "0" || m == "none") {
    return Ok{};
  }
  ChardevSpec spec;
  if (m == "1") {
    if (!c.graphics) {
      return fail(TranslateErrc::kUnsupported, "monitor",
                  "monitor=1 shows the monitor in the VNC/SDL window, but there is none.");
    }
    spec.kind = K::kVc;
  } else {
    auto parsed = parseCharSpec(m);
    if (!parsed) {
      return fail(TranslateErrc::kUnsupported, "monitor", parsed.error());
    }
    if (!*parsed) {
      return Ok{};
    }
    spec = **parsed;
  }
  if (auto s = c.addChardev(spec, "charmonitor", "monitor"); !s) {
    return s;
  }
  c.add("-mon", Opts().add("chardev", "charmonitor").add("mode", "readline").str());
  return Ok{};
}

Status buildConsoles(Ctx& c) {
  if (auto s = c.needDevice("virtio-serial-pci", "console"); !s) {
    return s;
  }
  c.add("-device", Opts("virtio-serial-pci").add("id", "vserial0").str());
  if (!c.hvm()) {
    // Port 0 is the console the guest sees as hvc0 (Xen's PV console).
    if (auto s = c.needDevice("virtconsole", "console"); !s) {
      return s;
    }
    if (auto s = c.addChardev(withConsoleLog(c, c.facts.console), "charconsole0", "console");
        !s) {
      return s;
    }
    c.add("-device", Opts("virtconsole")
                         .add("bus", "vserial0.0")
                         .add("nr", 0)
                         .add("chardev", "charconsole0")
                         .add("id", "console0")
                         .str());
  }
  // The guest's XenStore connections: xenstored listens on a per-domain socket
  // and QEMU connects to it, reconnecting if xenstored restarts. Port 0 keeps
  // the plain name (what Debian's libxenstore is pointed at); extra ports let
  // several guest tools run at once.
  if (auto s = c.needDevice("virtserialport", "xenstore"); !s) {
    return s;
  }
  if (c.facts.xenstorePorts < 1 || c.facts.xenstorePorts > kMaxXenstorePorts) {
    return fail(TranslateErrc::kInvalidValue, "xenstore",
                fmt::format("1 to {} XenStore ports, not {}.", kMaxXenstorePorts,
                            c.facts.xenstorePorts));
  }
  ChardevSpec xs;
  xs.kind = K::kUnixConnect;
  xs.path = c.facts.xenstoreSocket;
  if (auto s = c.needSocketPath(xs.path, "xenstore"); !s) {
    return s;
  }
  for (int i = 0; i < c.facts.xenstorePorts; ++i) {
    std::string suffix = i == 0 ? "" : std::to_string(i);
    std::string chardev = "charxenstore" + suffix;
    if (auto s = c.addChardev(xs, chardev, "xenstore"); !s) {
      return s;
    }
    c.add("-device", Opts("virtserialport")
                         .add("bus", "vserial0.0")
                         .add("nr", 1 + i)
                         .add("chardev", chardev)
                         .add("id", "xenstore" + std::to_string(i))
                         .add("name", i == 0 ? std::string(kXenstorePort)
                                             : fmt::format("{}.{}", kXenstorePort, i))
                         .str());
  }
  if (auto s = buildSerials(c); !s) {
    return s;
  }
  return buildParallel(c);
}

}  // namespace xenia::qemu::detail
