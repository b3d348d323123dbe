// Graphics and sound: the emulated VGA of HVM guests (Cirrus, or std VGA with
// stdvga=1), the framebuffer of PV guests with vfb= (virtio-vga plus a virtio
// tablet, standing in for Xen's fbfront/kbdfront), the VNC server or SDL
// window, the keymap, and soundhw= cards on a silent audio backend that VNC
// clients can still receive.
#include <fmt/format.h>

#include "qemu/argv/builder.h"

namespace xenia::qemu::detail {
namespace {

using config::Graphics;

constexpr int kVncBasePort = 5900;
constexpr int kCirrusDefaultMb = 8;  // libxl's default videoram for Cirrus
constexpr int kStdVgaDefaultMb = 16;

bool isPowerOfTwo(int n) { return n > 0 && (n & (n - 1)) == 0; }

Status addVga(Ctx& c) {
  const auto& cfg = c.cfg;
  const std::string device = cfg.stdvga ? "VGA" : "cirrus-vga";
  int mb = cfg.videoram.value_or(cfg.stdvga ? kStdVgaDefaultMb : kCirrusDefaultMb);
  if (cfg.stdvga ? !(isPowerOfTwo(mb) && mb <= 512) : !(mb == 4 || mb == 8 || mb == 16)) {
    return fail(TranslateErrc::kInvalidValue, "videoram",
                cfg.stdvga ? fmt::format("videoram={} must be a power of two up to 512 MiB for "
                                         "the std VGA.",
                                         mb)
                           : fmt::format("videoram={} must be 4, 8 or 16 MiB for the Cirrus VGA.",
                                         mb));
  }
  if (auto s = c.needDevice(device, "stdvga"); !s) {
    return s;
  }
  c.add("-device", Opts(device).add("vgamem_mb", mb).add("id", "video0").str());
  return Ok{};
}

Status addPvFramebuffer(Ctx& c) {
  for (const char* dev : {"virtio-vga", "virtio-tablet-pci"}) {
    if (auto s = c.needDevice(dev, "vfb"); !s) {
      return s;
    }
  }
  c.add("-device", Opts("virtio-vga").add("id", "video0").str());
  c.add("-device", Opts("virtio-tablet-pci").add("id", "input0").str());
  return Ok{};
}

Status addVnc(Ctx& c, const Graphics& g) {
  std::string listen = g.vnclisten.empty() ? "127.0.0.1" : g.vnclisten;
  if (listen.find(':') != std::string::npos && listen.front() != '[') {
    listen = "[" + listen + "]";  // an IPv6 address
  }
  int display = 0;
  bool findUnused = false;
  if (c.facts.vncDisplay) {
    display = *c.facts.vncDisplay;
  } else {
    display = g.vncdisplay.value_or(0);
    findUnused = g.vncunused;
  }
  if (display < 0 || display > 65535 - kVncBasePort) {
    return fail(TranslateErrc::kInvalidValue, "vncdisplay",
                fmt::format("VNC display {} gives no valid TCP port.", display));
  }
  Opts vnc(fmt::format("{}:{}", listen, display));
  if (findUnused) {
    vnc.add("to", 99);  // like xl: QEMU takes the first free display from here
  }
  if (g.vncpasswd && !g.vncpasswd->empty()) {
    // The password itself never appears in argv (visible in /proc); xend
    // sets it with QMP change-vnc-password before the guest runs.
    vnc.onOff("password", true);
  }
  if (c.facts.vncTls) {
    // xend's vnc-tls: VeNCrypt with x509 credentials; a password still
    // applies inside the TLS session (sub-type x509vnc).
    const VncTlsFacts& tls = *c.facts.vncTls;
    if (tls.x509Dir.empty()) {
      return fail(TranslateErrc::kMissingHostFact, "vnc", "No x509 directory for VNC TLS.");
    }
    c.add("-object", Opts("tls-creds-x509")
                         .add("id", "vnctls0")
                         .add("dir", tls.x509Dir)
                         .add("endpoint", "server")
                         .onOff("verify-peer", tls.verifyPeer)
                         .str());
    vnc.add("tls-creds", "vnctls0");
  }
  if (c.sound) {
    vnc.add("audiodev", "audio0");
  }
  c.add("-vnc", vnc.str());
  return Ok{};
}

Status addKeymap(Ctx& c, const Graphics& g) {
  if (g.keymap.empty()) {
    return Ok{};
  }
  for (char ch : g.keymap) {
    if (!((ch >= 'a' && ch <= 'z') || ch == '-')) {
      return fail(TranslateErrc::kInvalidValue, "keymap",
                  fmt::format("'{}' is not a keymap name like en-us or de-ch.", g.keymap));
    }
  }
  c.add("-k", g.keymap);
  return Ok{};
}

struct SoundCard {
  std::string_view xen;
  std::string_view qemu;
};
constexpr SoundCard kCards[] = {
    {"ac97", "AC97"}, {"es1370", "ES1370"}, {"sb16", "sb16"},     {"hda", "intel-hda"},
    {"adlib", "adlib"}, {"gus", "gus"},     {"cs4231a", "cs4231a"},
};

}  // namespace

const config::Graphics* displayOf(const config::DomainConfig& cfg) {
  if (cfg.type == config::GuestType::kHvm) {
    return cfg.nographic ? nullptr : &cfg.graphics;
  }
  if (!cfg.vfbs.empty()) {
    return &cfg.vfbs[0];
  }
  return cfg.graphics.vnc || cfg.graphics.sdl ? &cfg.graphics : nullptr;
}

Status buildDisplay(Ctx& c) {
  const auto& cfg = c.cfg;
  if (c.hvm()) {
    if (!cfg.vfbs.empty()) {
      return fail(TranslateErrc::kUnsupported, "vfb",
                  "vfb= is for PV guests; HVM guests use vnc=, sdl= and the emulated VGA.");
    }
    if (cfg.nographic && (cfg.graphics.vnc || cfg.graphics.sdl)) {
      return fail(TranslateErrc::kInvalidValue, "nographic",
                  "nographic=1 contradicts vnc=1 or sdl=1.");
    }
  } else if (cfg.vfbs.size() > 1) {
    return fail(TranslateErrc::kLimitExceeded, "vfb", "QEMU gives a guest one display (vfb).");
  }
  const Graphics* g = displayOf(cfg);
  if (c.hvm() && g) {
    if (auto s = addVga(c); !s) {
      return s;
    }
  } else if (!c.hvm() && g) {
    if (auto s = addPvFramebuffer(c); !s) {
      return s;
    }
  }
  if (g && g->opengl && !g->sdl) {
    return fail(TranslateErrc::kUnsupported, "opengl", "opengl=1 needs sdl=1.");
  }
  if (g && g->vnc) {
    if (auto s = addVnc(c, *g); !s) {
      return s;
    }
  }
  if (g && g->sdl) {
    if (!c.facts.caps.hasDisplay("sdl")) {
      return fail(TranslateErrc::kMissingCapability, "sdl", "This QEMU has no SDL display.");
    }
    // xend passes the config's display= and xauthority= as DISPLAY/XAUTHORITY.
    Opts sdl("sdl");
    if (g->opengl) {
      sdl.onOff("gl", true);
    }
    c.add("-display", sdl.str());
  } else {
    c.add("-display", "none");
  }
  if (g && (g->vnc || g->sdl)) {
    return addKeymap(c, *g);
  }
  return Ok{};
}

Status buildSound(Ctx& c) {
  const std::string& hw = c.cfg.soundhw;
  if (hw.empty()) {
    return Ok{};
  }
  if (!c.hvm()) {
    return fail(TranslateErrc::kUnsupported, "soundhw", "soundhw= applies to HVM guests.");
  }
  c.add("-audiodev", Opts("none").add("id", "audio0").str());
  size_t start = 0;
  int n = 0;
  while (start <= hw.size()) {
    size_t comma = hw.find(',', start);
    std::string name = hw.substr(start, comma == std::string::npos ? comma : comma - start);
    const SoundCard* card = nullptr;
    for (const SoundCard& k : kCards) {
      card = k.xen == name ? &k : card;
    }
    if (!card) {
      return fail(TranslateErrc::kUnsupported, "soundhw",
                  fmt::format("Sound card '{}' is not one of ac97, es1370, sb16, hda, adlib, "
                              "gus, cs4231a.",
                              name));
    }
    if (auto s = c.needDevice(card->qemu, "soundhw"); !s) {
      return s;
    }
    std::string id = fmt::format("sound{}", n++);
    if (card->xen == "hda") {
      if (auto s = c.needDevice("hda-duplex", "soundhw"); !s) {
        return s;
      }
      c.add("-device", Opts(card->qemu).add("id", id).str());
      c.add("-device", Opts("hda-duplex")
                           .add("bus", id + ".0")
                           .add("audiodev", "audio0")
                           .add("id", id + "-codec0")
                           .str());
    } else {
      c.add("-device", Opts(card->qemu).add("audiodev", "audio0").add("id", id).str());
    }
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  return Ok{};
}

}  // namespace xenia::qemu::detail
