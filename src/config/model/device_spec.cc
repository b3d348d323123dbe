// PCI, vfb, boot order and memory size parsing.
#include "config/model/device_spec.h"

#include <cctype>
#include <cstdio>

#include "config/model/text.h"

namespace xenia::config {
namespace {

std::optional<int> hexField(std::string_view s, size_t maxDigits, int maxValue) {
  if (s.empty() || s.size() > maxDigits) {
    return std::nullopt;
  }
  auto v = text::parseUnsigned(s, 16);
  if (!v || *v > static_cast<uint64_t>(maxValue)) {
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

// Function part: "0", "0-3", "0,2" (xm allows ',' inside the BDF's function).
std::optional<std::vector<int>> parseFuncs(std::string_view s) {
  std::vector<int> out;
  for (const std::string& part : text::split(s, ',')) {
    std::vector<std::string> r = text::split(part, '-');
    if (r.size() > 2) {
      return std::nullopt;
    }
    auto a = hexField(r[0], 1, 7);
    auto b = r.size() == 2 ? hexField(r[1], 1, 7) : a;
    if (!a || !b) {
      return std::nullopt;
    }
    int step = *a <= *b ? 1 : -1;
    for (int f = *a;; f += step) {
      for (int seen : out) {
        if (seen == f) {
          return std::nullopt;
        }
      }
      out.push_back(f);
      if (f == *b) {
        break;
      }
    }
  }
  return out;
}

}  // namespace

std::string formatPciBdf(const PciDevice& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", d.domain, d.bus, d.slot, d.func);
  return buf;
}

Expected<std::vector<PciDevice>, std::string> parsePciSpec(std::string_view spec) {
  std::string s(text::trim(spec));
  auto bad = [&](const std::string& why) {
    return unexpected("PCI device '" + s + "' is invalid: " + why);
  };
  // xl named form: "bdf=BB:SS.F,k=v" may put the BDF anywhere.
  std::string bdf;
  std::vector<std::string> opts;
  {
    // Split "BDF[@VSLOT]" from ",k=v" options. The function part may itself
    // contain ',' in xm ("01:00.0,2"), so options start at the first item with '='.
    std::vector<std::string> items = text::split(s, ',');
    std::vector<std::string> head;
    for (const std::string& it : items) {
      std::string_view t = text::trim(it);
      if (t.find('=') != std::string_view::npos) {
        if (text::startsWith(t, "bdf=")) {
          bdf = std::string(t.substr(4));
        } else {
          opts.emplace_back(t);
        }
      } else if (opts.empty() && bdf.empty()) {
        head.emplace_back(t);
      } else {
        return bad("options must have the form key=value.");
      }
    }
    if (bdf.empty()) {
      bdf = text::join(head, ",");
    } else if (!head.empty()) {
      return bad("the device is given both positionally and with bdf=.");
    }
  }
  if (bdf.empty()) {
    return bad("no device address given.");
  }
  std::optional<int> vslot;
  if (size_t at = bdf.find('@'); at != std::string::npos) {
    vslot = hexField(std::string_view(bdf).substr(at + 1), 2, 0x1f);
    if (!vslot) {
      return bad("the virtual slot after '@' must be a hex number up to 1f.");
    }
    bdf.resize(at);
  }
  // [DDDD:]BB:SS.F
  size_t dot = bdf.rfind('.');
  if (dot == std::string::npos) {
    return bad("expected [DDDD:]BB:SS.F.");
  }
  std::vector<std::string> ids = text::split(std::string_view(bdf).substr(0, dot), ':');
  if (ids.size() < 2 || ids.size() > 3) {
    return bad("expected [DDDD:]BB:SS.F.");
  }
  PciDevice base;
  size_t k = 0;
  if (ids.size() == 3) {
    auto dom = hexField(ids[k++], 4, 0xffff);
    if (!dom) {
      return bad("the PCI domain must be up to 4 hex digits.");
    }
    base.domain = *dom;
  }
  auto bus = hexField(ids[k++], 2, 0xff);
  auto slot = hexField(ids[k++], 2, 0x1f);
  if (!bus || !slot) {
    return bad("bus must be 2 hex digits and slot a hex number up to 1f.");
  }
  base.bus = *bus;
  base.slot = *slot;
  std::string_view funcPart = std::string_view(bdf).substr(dot + 1);
  if (funcPart == "*") {
    return bad("'*' (all functions) needs the host's PCI topology and is unsupported; "
               "list the functions.");
  }
  if (funcPart.find('=') != std::string_view::npos) {
    return bad("virtual function mapping ('p=v') is unsupported.");
  }
  auto funcs = parseFuncs(funcPart);
  if (!funcs) {
    return bad("the function must be 0-7, a range like 0-3 or a list like 0,2 without repeats.");
  }
  base.vslot = vslot;
  for (const std::string& o : opts) {
    size_t eq = o.find('=');
    std::string key = o.substr(0, eq);
    std::string val = o.substr(eq + 1);
    auto flag = text::parseBool(val);
    if (key == "msitranslate" || key == "power_mgmt" || key == "permissive" || key == "seize") {
      if (!flag) {
        return bad("option " + key + " takes 0 or 1.");
      }
      if (key == "msitranslate") {
        base.msitranslate = *flag;
      } else if (key == "power_mgmt") {
        base.powerMgmt = *flag;
      } else if (key == "permissive") {
        base.permissive = *flag;
      } else {
        base.seize = *flag;
      }
    } else if (key == "vslot") {
      auto v = text::parseUnsigned(val, 0);
      if (!v || *v > 0x1f) {
        return bad("vslot must be a number up to 0x1f.");
      }
      base.vslot = static_cast<int>(*v);
    } else if (key == "rdm_policy" || key == "name") {
      // Xen-only (reserved device memory, assignable-device names): ignored.
    } else {
      return bad("unknown option '" + key + "'.");
    }
  }
  std::vector<PciDevice> out;
  for (int f : *funcs) {
    PciDevice d = base;
    d.func = f;
    out.push_back(d);
  }
  return out;
}

Expected<Graphics, std::string> parseVfbSpec(std::string_view spec) {
  Graphics g;
  for (const std::string& item : text::split(spec, ',')) {
    std::string_view kv = text::trim(item);
    if (kv.empty()) {
      continue;
    }
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) {
      return unexpected("vfb option '" + std::string(kv) +
                        "' should be a pair, separated by an equals sign.");
    }
    std::string key(text::trim(kv.substr(0, eq)));
    std::string val(text::trim(kv.substr(eq + 1)));
    auto boolean = [&](bool& out) -> bool {
      auto b = text::parseBool(val);
      if (!b) {
        return false;
      }
      out = *b;
      return true;
    };
    bool ok = true;
    if (key == "type") {
      if (val == "vnc") {
        g.vnc = true;
      } else if (val == "sdl") {
        g.sdl = true;
      } else {
        return unexpected("vfb type '" + val + "' is invalid (use vnc or sdl).");
      }
    } else if (key == "vnc") {
      ok = boolean(g.vnc);
    } else if (key == "sdl") {
      ok = boolean(g.sdl);
    } else if (key == "opengl") {
      ok = boolean(g.opengl);
    } else if (key == "vncunused") {
      ok = boolean(g.vncunused);
    } else if (key == "vnclisten") {
      g.vnclisten = val;
    } else if (key == "vncdisplay") {
      auto d = text::parseInt(val);
      if (!d || *d > 65535 - 5900) {
        return unexpected("vfb vncdisplay '" + val + "' is not a display number.");
      }
      g.vncdisplay = static_cast<int>(*d);
    } else if (key == "vncpasswd") {
      g.vncpasswd = val;
    } else if (key == "keymap") {
      g.keymap = val;
    } else if (key == "display") {
      g.display = val;
    } else if (key == "xauthority") {
      g.xauthority = val;
    } else if (key == "videoram" || key == "serial" || key == "monitor") {
      // xm-only passthroughs to the old qemu-dm; no PV framebuffer meaning here.
    } else {
      return unexpected("configuration option " + key + " unknown to vfbs.");
    }
    if (!ok) {
      return unexpected("vfb option " + key + " takes 0 or 1, not '" + val + "'.");
    }
  }
  return g;
}

Expected<std::string, std::string> parseBootOrder(std::string_view s) {
  std::string out;
  for (char c : text::trim(s)) {
    if (std::string_view("acdn").find(c) == std::string_view::npos) {
      return unexpected("Boot order '" + std::string(s) + "' is invalid: '" + std::string(1, c) +
                        "' is not a boot device (use a floppy, c disk, d CD-ROM, n network).");
    }
    if (out.find(c) != std::string::npos) {
      return unexpected("Boot order '" + std::string(s) + "' names '" + std::string(1, c) +
                        "' twice.");
    }
    out += c;
  }
  if (out.empty()) {
    return unexpected(std::string("Boot order is empty."));
  }
  return out;
}

Expected<int64_t, std::string> parseMemoryMiB(std::string_view s) {
  std::string_view t = text::trim(s);
  size_t i = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
    ++i;
  }
  auto n = text::parseInt(t.substr(0, i));
  std::string suffix = text::lower(t.substr(i));
  auto bad = [&] {
    return unexpected("Memory size '" + std::string(t) +
                      "' is invalid: use a number of MiB, or a number with K, M, G or T.");
  };
  if (!n) {
    return bad();
  }
  if (!suffix.empty() && suffix.back() == 'b' && suffix.size() == 2) {
    suffix.pop_back();
  }
  int64_t v = *n;
  constexpr int64_t kMaxMiB = int64_t{1} << 40;
  if (v > kMaxMiB) {
    return bad();
  }
  if (suffix.empty() || suffix == "m") {
    return v;
  }
  if (suffix == "g") {
    return v * 1024;
  }
  if (suffix == "t") {
    return v * 1024 * 1024;
  }
  if (suffix == "k") {
    if (v % 1024 != 0) {
      return unexpected("Memory size '" + std::string(t) + "' is not a whole number of MiB.");
    }
    return v / 1024;
  }
  return bad();
}

}  // namespace xenia::config
