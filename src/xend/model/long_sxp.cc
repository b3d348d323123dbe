// xm list -l: config::domainToSxp with the runtime keys, then Xenia's extra
// children, added to the tree here so config/model needs no hook: (accel ..)
// before the devices, the host tap name in each vif, the VNC location in the
// vfb (as xend's vfb reconfigure did), and a console device saying where the
// console is.
#include "xend/model/long_sxp.h"

#include <algorithm>

namespace xenia::xend {
namespace {

using config::Sexp;

bool isDevice(const Sexp& s, const char* kind) {
  if (!s.isList || s.items.size() < 2 || s.items[0].isList || s.items[0].atom != "device") {
    return false;
  }
  const Sexp& dev = s.items[1];
  return dev.isList && !dev.items.empty() && !dev.items[0].isList && dev.items[0].atom == kind;
}

}  // namespace

Sexp longListSexp(const config::DomainConfig& d, const LongListFacts& f) {
  Sexp s = config::domainToSxp(d, f.rt);

  // (accel tcg) goes before the first device, with the other scalars.
  if (!f.accel.empty()) {
    auto firstDevice = std::find_if(s.items.begin(), s.items.end(), [](const Sexp& c) {
      return c.isList && !c.items.empty() && !c.items[0].isList && c.items[0].atom == "device";
    });
    s.items.insert(firstDevice, Sexp::makePair("accel", f.accel));
  }

  size_t vif = 0;
  bool haveVfb = false;
  std::string vncLocation;
  if (f.vncPort) {
    std::string host = !d.vfbs.empty() && !d.vfbs[0].vnclisten.empty() ? d.vfbs[0].vnclisten
                       : !d.graphics.vnclisten.empty()                  ? d.graphics.vnclisten
                                                                        : "127.0.0.1";
    vncLocation = host + ":" + std::to_string(*f.vncPort);
  }
  for (Sexp& c : s.items) {
    if (isDevice(c, "vif")) {
      Sexp& dev = c.items[1];
      if (vif < f.vifNames.size() && !f.vifNames[vif].empty() && !dev.child("vifname")) {
        dev.add("vifname", f.vifNames[vif]);
      }
      ++vif;
    } else if (isDevice(c, "vfb")) {
      haveVfb = true;
      if (!vncLocation.empty()) {
        c.items[1].add("location", vncLocation);
      }
    }
  }
  // An HVM guest's display is in its image; xend listed its VNC server as a
  // vfb device all the same.
  if (!haveVfb && !vncLocation.empty()) {
    Sexp vfb = Sexp::makeList({Sexp::makeAtom("vfb")});
    vfb.add("type", "vnc");
    vfb.add("location", vncLocation);
    s.add(Sexp::makePair("device", vfb));
  }

  std::string location = !f.consolePty.empty() ? f.consolePty : f.consoleSocket;
  if (!location.empty() || !f.consoleLog.empty()) {
    Sexp con = Sexp::makeList({Sexp::makeAtom("console")});
    con.add("protocol", "vt100");
    if (!location.empty()) {
      con.add("location", location);
    }
    if (!f.consolePty.empty()) {
      con.add("pty", f.consolePty);
    }
    if (!f.consoleSocket.empty()) {
      con.add("socket", f.consoleSocket);
    }
    if (!f.consoleLog.empty()) {
      con.add("log", f.consoleLog);
    }
    s.add(Sexp::makePair("device", con));
  }
  return s;
}

std::string longListSxp(const config::DomainConfig& d, const LongListFacts& f) {
  return config::prettySxp(longListSexp(d, f));
}

}  // namespace xenia::xend
