// xm list -l: config::domainToSxp with the runtime keys, then Xenia's extra
// children, added to the tree here so config/model needs no hook: (accel ..)
// before the devices, (tap_name ..) in each vif, the VNC location in the vfb
// (as xend's vfb reconfigure did), and xend-style console devices (rfb for
// VNC, vt100 for the text console). The SXP reader ignores all of them, so
// `xm create -F` of saved output gives back the same domain.
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
  std::string vncLocation;
  if (f.vncPort) {
    std::string host = !d.vfbs.empty() && !d.vfbs[0].vnclisten.empty() ? d.vfbs[0].vnclisten
                       : !d.graphics.vnclisten.empty()                 ? d.graphics.vnclisten
                                                                       : "127.0.0.1";
    vncLocation = host + ":" + std::to_string(*f.vncPort);
  }
  for (Sexp& c : s.items) {
    if (isDevice(c, "vif")) {
      // Not (vifname ..): that is configuration, and a saved `xm list -l`
      // must not pin the next run to this run's tap.
      if (vif < f.vifNames.size() && !f.vifNames[vif].empty()) {
        c.items[1].add("tap_name", f.vifNames[vif]);
      }
      ++vif;
    } else if (isDevice(c, "vfb") && !vncLocation.empty()) {
      c.items[1].add("location", vncLocation);
    }
  }
  // xend's console records: rfb for the VNC server, vt100 for the text
  // console (XendDomainInfo._update_consoles).
  if (!vncLocation.empty()) {
    Sexp rfb = Sexp::makeList({Sexp::makeAtom("console")});
    rfb.add("protocol", "rfb");
    rfb.add("location", vncLocation);
    s.add(Sexp::makePair("device", rfb));
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
