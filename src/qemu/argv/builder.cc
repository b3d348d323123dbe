// buildArgv(): runs the per-device parts in a fixed order (the order of the
// golden .args files), plus the shared helpers of builder.h and the standard
// host-facts layout.
#include <fmt/format.h>

#include "qemu/argv/builder.h"

namespace xenia::qemu {
namespace detail {

std::string escapeOpt(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    out += ch;
    if (ch == ',') {
      out += ',';
    }
  }
  return out;
}

Opts& Opts::add(std::string_view key, std::string_view value) {
  if (!s_.empty()) {
    s_ += ',';
  }
  s_ += key;
  s_ += '=';
  s_ += escapeOpt(value);
  return *this;
}

Opts& Opts::add(std::string_view key, int64_t value) { return add(key, std::to_string(value)); }

Status Ctx::needDevice(std::string_view name, std::string_view field) const {
  if (facts.caps.hasDevice(name)) {
    return Ok{};
  }
  return fail(TranslateErrc::kMissingCapability, std::string(field),
              fmt::format("This QEMU has no '{}' device.", name));
}

Status Ctx::needSocketPath(std::string_view path, std::string_view field) const {
  // sockaddr_un.sun_path is 108 bytes including the terminating NUL.
  constexpr size_t kMaxUnixPath = 107;
  if (path.empty()) {
    return fail(TranslateErrc::kMissingHostFact, std::string(field),
                "No unix socket path was prepared.");
  }
  if (path.size() > kMaxUnixPath) {
    return fail(TranslateErrc::kInvalidValue, std::string(field),
                fmt::format("The unix socket path '{}' is longer than {} bytes.", path,
                            kMaxUnixPath));
  }
  return Ok{};
}

Status Ctx::addChardev(const ChardevSpec& spec, std::string_view id, std::string_view field) {
  using K = ChardevSpec::Kind;
  auto needPath = [&]() -> Status {
    if (spec.path.empty()) {
      return fail(TranslateErrc::kInvalidValue, std::string(field),
                  "The character device needs a path.");
    }
    return Ok{};
  };
  std::string opts;
  switch (spec.kind) {
    case K::kPty:
      opts = Opts("pty").add("id", id).str();
      break;
    case K::kNull:
      opts = Opts("null").add("id", id).str();
      break;
    case K::kVc:
      opts = Opts("vc").add("id", id).str();
      break;
    case K::kFile:
      if (auto s = needPath(); !s) {
        return s;
      }
      opts = Opts("file").add("id", id).add("path", spec.path).str();
      break;
    case K::kTty:
    case K::kPipe:
      if (auto s = needPath(); !s) {
        return s;
      }
      // "serial" is the host serial line backend ("tty" is its deprecated alias).
      opts = Opts(spec.kind == K::kTty ? "serial" : "pipe").add("id", id).add("path", spec.path)
                 .str();
      break;
    case K::kUdp: {
      if (spec.port <= 0 || spec.port > 65535 || spec.localPort < 0 || spec.localPort > 65535) {
        return fail(TranslateErrc::kInvalidValue, std::string(field),
                    "A UDP port is out of range.");
      }
      Opts o("udp");
      o.add("id", id);
      if (!spec.host.empty()) {
        o.add("host", spec.host);
      }
      o.add("port", spec.port);
      if (!spec.localHost.empty()) {
        o.add("localaddr", spec.localHost);
      }
      if (spec.localPort != 0) {
        o.add("localport", spec.localPort);
      }
      opts = o.str();
      break;
    }
    case K::kUnixListen:
    case K::kUnixConnect: {
      if (auto s = needSocketPath(spec.path, field); !s) {
        return s;
      }
      Opts o("socket");
      o.add("id", id).add("path", spec.path);
      if (spec.kind == K::kUnixListen) {
        o.add("server", "on").add("wait", "off");
      } else {
        o.add("reconnect", 1);
      }
      opts = o.str();
      break;
    }
    case K::kTcpListen:
    case K::kTcpConnect: {
      if (spec.port <= 0 || spec.port > 65535) {
        return fail(TranslateErrc::kInvalidValue, std::string(field),
                    fmt::format("TCP port {} is out of range.", spec.port));
      }
      Opts o("socket");
      o.add("id", id);
      if (!spec.host.empty()) {
        o.add("host", spec.host);
      }
      o.add("port", spec.port);
      if (spec.telnet) {
        o.onOff("telnet", true);
      }
      if (spec.nodelay) {
        o.onOff("nodelay", true);
      }
      if (spec.kind == K::kTcpListen) {
        o.add("server", "on").add("wait", "off");
      } else {
        o.add("reconnect", 1);
      }
      opts = o.str();
      break;
    }
  }
  if (!spec.logFile.empty()) {
    opts += "," + Opts().add("logfile", spec.logFile).add("logappend", "on").str();
  }
  add("-chardev", std::move(opts));
  return Ok{};
}

}  // namespace detail

using detail::Status;

Expected<Argv, TranslateError> buildArgv(const config::DomainConfig& config,
                                         const HostFacts& facts) {
  detail::Ctx c{config, facts, {}};
  if (facts.qemuBinary.empty()) {
    return detail::fail(TranslateErrc::kMissingHostFact, "", "No QEMU binary was chosen.");
  }
  c.add(facts.qemuBinary);
  c.add("-name", detail::Opts().add("guest", config.name).add("debug-threads", "on").str());
  if (!config.uuid.empty()) {
    c.add("-uuid", config.uuid);
  }
  if (facts.startPaused) {
    c.add("-S");
  }
  c.add("-no-user-config");
  c.add("-nodefaults");

  const config::Graphics* g = detail::displayOf(config);
  c.graphics = g && (g->vnc || g->sdl);
  c.sound = !config.soundhw.empty();
  c.usbBus = config.usb || !config.usbdevice.empty();

  using Part = Status (*)(detail::Ctx&);
  for (Part part : {detail::buildMachine, detail::buildCpu, detail::buildMonitor,
                    detail::buildDisks, detail::buildNics, detail::buildConsoles,
                    detail::buildSound, detail::buildDisplay, detail::buildUsb, detail::buildPci,
                    detail::buildPlatform}) {
    if (Status s = part(c); !s) {
      return unexpected(s.error());
    }
  }
  return std::move(c.args);
}

std::string formatArgs(const Argv& argv) {
  std::string out;
  for (const std::string& a : argv) {
    out += a;
    out += '\n';
  }
  return out;
}

std::string tapName(int domid, int devid) { return fmt::format("vif{}.{}", domid, devid); }

HostFacts layoutHostFacts(const std::string& runDir) {
  HostFacts f;
  f.runDir = runDir;
  f.qmpSocket = runDir + "/qmp.sock";
  f.firmware.ovmfVars = runDir + "/ovmf-vars.fd";
  f.console = ChardevSpec{};  // pty
  return f;
}

}  // namespace xenia::qemu
