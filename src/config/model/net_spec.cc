// vif, rate and MAC parsing.
#include "config/model/net_spec.h"

#include <cctype>
#include <cstdio>

#include "config/model/names.h"
#include "config/model/text.h"

namespace xenia::config {
namespace {

constexpr uint64_t kMaxU32 = 0xffffffffULL;

}  // namespace

Expected<std::string, std::string> parseMac(std::string_view s) {
  s = text::trim(s);
  char sep = s.find('-') != std::string_view::npos ? '-' : ':';
  std::vector<std::string> parts = text::split(s, sep);
  auto bad = [&] {
    return unexpected("MAC address '" + std::string(s) +
                      "' is invalid: expected six hex octets like 00:16:3e:12:34:56.");
  };
  if (parts.size() != 6) {
    return bad();
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (p.empty() || p.size() > 2) {
      return bad();
    }
    auto v = text::parseUnsigned(p, 16);
    if (!v) {
      return bad();
    }
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned>(*v));
    if (i) {
      out += ':';
    }
    out += buf;
  }
  if (std::stoul(out.substr(0, 2), nullptr, 16) & 1) {
    return unexpected("MAC address '" + std::string(s) +
                      "' is a multicast address; a NIC needs a unicast one.");
  }
  return out;
}

std::string randomMac(Random& rng) {
  uint64_t r = rng.next();
  char buf[18];
  std::snprintf(buf, sizeof buf, "00:16:3e:%02x:%02x:%02x", static_cast<unsigned>(r & 0x7f),
                static_cast<unsigned>((r >> 8) & 0xff), static_cast<unsigned>((r >> 16) & 0xff));
  return buf;
}

Expected<Rate, std::string> parseRate(std::string_view spec) {
  std::string s(text::trim(spec));
  auto bad = [&](const std::string& why) {
    return unexpected("Rate '" + s + "' is invalid: " + why);
  };
  std::string ratePart = s;
  std::string intervalPart;
  if (size_t at = s.find('@'); at != std::string::npos) {
    ratePart = s.substr(0, at);
    intervalPart = s.substr(at + 1);
  }
  // RATE: digits, optional [GMKgmk], B or b, "/s".
  size_t i = 0;
  while (i < ratePart.size() && std::isdigit(static_cast<unsigned char>(ratePart[i]))) {
    ++i;
  }
  if (i == 0) {
    return bad("expected a number followed by a unit such as Mb/s or MB/s.");
  }
  auto n = text::parseUnsigned(std::string_view(ratePart).substr(0, i));
  if (!n || *n == 0 || *n > kMaxU32) {
    return bad("the number must be between 1 and 4294967295.");
  }
  uint64_t bytesPerSec = *n;
  std::string unit = ratePart.substr(i);
  uint64_t mult = 1;
  if (!unit.empty() && std::string_view("GMKgmk").find(unit[0]) != std::string_view::npos) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0])));
    mult = u == 'G' ? 1000ULL * 1000 * 1000 : u == 'M' ? 1000ULL * 1000 : 1000ULL;
    unit.erase(0, 1);
  }
  if (unit != "B/s" && unit != "b/s") {
    return bad("the unit must be one of GB/s MB/s KB/s B/s Gb/s Mb/s Kb/s b/s.");
  }
  bytesPerSec *= mult;
  if (unit[0] == 'b') {
    bytesPerSec /= 8;
  }
  uint64_t intervalUsec = 50000;  // xend and xl default: 50ms
  if (!intervalPart.empty()) {
    size_t j = 0;
    while (j < intervalPart.size() &&
           std::isdigit(static_cast<unsigned char>(intervalPart[j]))) {
      ++j;
    }
    auto iv = text::parseUnsigned(std::string_view(intervalPart).substr(0, j));
    std::string iu = intervalPart.substr(j);
    if (!iv || *iv == 0 || *iv > kMaxU32) {
      return bad("the interval after '@' must be a positive number with unit s, ms or us.");
    }
    if (iu.empty() || iu == "s") {
      intervalUsec = *iv * 1000 * 1000;
    } else if (iu == "ms") {
      intervalUsec = *iv * 1000;
    } else if (iu == "us") {
      intervalUsec = *iv;
    } else {
      return bad("the interval unit must be s, ms or us.");
    }
    if (intervalUsec > kMaxU32) {
      return bad("the interval is longer than 4294 seconds.");
    }
  } else if (s.find('@') != std::string::npos) {
    return bad("nothing follows '@'.");
  }
  uint64_t perInterval = bytesPerSec * intervalUsec / 1000000;
  if (perInterval == 0) {
    return bad("it allows less than one byte per interval.");
  }
  if (perInterval > kMaxU32) {
    return bad("it allows more than 4294967295 bytes per interval.");
  }
  return Rate{s, perInterval, intervalUsec};
}

Expected<Vif, std::string> parseVifSpec(std::string_view spec) {
  Vif v;
  std::string_view s = text::trim(spec);
  if (s.empty()) {
    return v;
  }
  for (const std::string& item : text::split(s, ',')) {
    std::string_view kv = text::trim(item);
    if (kv.empty()) {
      continue;  // tolerate "mac=..., " trailing commas
    }
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) {
      return unexpected("vif option '" + std::string(kv) +
                        "' should be a pair, separated by an equals sign.");
    }
    std::string key(text::trim(kv.substr(0, eq)));
    std::string val(text::trim(kv.substr(eq + 1)));
    if (key == "mac") {
      auto mac = parseMac(val);
      if (!mac) {
        return unexpected(mac.error());
      }
      v.mac = *mac;
    } else if (key == "bridge") {
      v.bridge = val;
    } else if (key == "ip") {
      for (const std::string& ip : text::split(val, ' ')) {
        if (!ip.empty()) {
          v.ip.push_back(ip);
        }
      }
    } else if (key == "script") {
      v.script = val;
    } else if (key == "vifname") {
      v.vifname = val;
    } else if (key == "model") {
      v.model = val;
    } else if (key == "type") {
      auto t = vifTypeFromName(val);
      if (!t || *t == VifType::kDefault) {
        return unexpected("vif type '" + val + "' is invalid (use ioemu, netfront or vif).");
      }
      v.type = *t;
    } else if (key == "backend") {
      v.backendDomain = val;
    } else if (key == "rate") {
      auto r = parseRate(val);
      if (!r) {
        return unexpected(r.error());
      }
      v.rate = *r;
    } else if (key == "gatewaydev" || key == "netdev") {
      v.gatewaydev = val;
    } else if (key == "accel") {
      v.accel = val;
    } else if (key == "mtu") {
      auto m = text::parseInt(val);
      if (!m || *m < 68 || *m > 65535) {
        return unexpected("vif mtu '" + val + "' is invalid (68..65535).");
      }
      v.mtu = static_cast<int>(*m);
    } else if (key == "devid" || key == "policy" || key == "label" || key == "trusted" ||
               key == "untrusted") {
      // Accepted for compatibility; devid is the list position, ACM labels unused.
    } else {
      return unexpected("Invalid vif option: " + key + ".");
    }
  }
  return v;
}

}  // namespace xenia::config
