// xend's VNC policy, pure: which of a domain's displays is its VNC server,
// the effective listen address, password and keymap (domain, then
// xend-config.sxp, then Xen's defaults), the display a new domain gets
// (pinned, or the lowest free one; the port probe is injected), and xm
// send-keys combinations as QEMU key codes. docs/design/consoles-vnc.md.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "config/model/domain.h"
#include "xend/model/options.h"

namespace xenia::xend {

inline constexpr int kVncBasePort = 5900;

// The Graphics block that drives QEMU's VNC server (an HVM guest's top-level
// keys, or a PV guest's first vfb), or nullptr when the domain has no VNC.
const config::Graphics* vncGraphics(const config::DomainConfig& d);
config::Graphics* vncGraphics(config::DomainConfig& d);

// The config QEMU is started from: the VNC block's empty vnclisten, unset
// vncpasswd and empty keymap take xend-config's vnc-listen, vncpasswd and
// keymap, then 127.0.0.1 / no password / en-us. Other domains are unchanged.
config::DomainConfig withVncDefaults(const config::DomainConfig& d, const XendOptions& o);

// The display for a new domain's VNC server. `portFree(port)` says whether
// nothing on the host listens on that TCP port. vncdisplay pins (a busy
// port is an error, as QEMU could not listen); otherwise vncunused takes the
// lowest free display from 0 (port 5900), and vncunused=0 takes display 0.
Expected<int, std::string> chooseVncDisplay(const config::Graphics& g,
                                            const std::function<bool(int)>& portFree);

// QEMU's tls-creds-x509 files, as xend-config's vnc-x509-cert-dir must hold
// them for a server (vnc-tls 1).
inline constexpr const char* kVncX509Files[] = {"ca-cert.pem", "server-cert.pem",
                                                "server-key.pem"};

// xend-config's VNC TLS before a domain with VNC starts: the directory must
// exist and hold kVncX509Files (`exists(path)` is injected). The error names
// the key and the path, not QEMU's later complaint. Ok when vnc-tls is off.
Expected<Ok, std::string> checkVncTls(const XendOptions& o,
                                      const std::function<bool(const std::string&)>& exists);

// "ctrl-alt-f2" -> {"ctrl", "alt", "f2"} (QEMU QKeyCode names, pressed
// together). Accepts xm-style aliases (del, esc, enter, space, win...)
// and single characters. Errors name the unknown key.
Expected<std::vector<std::string>, std::string> parseKeyCombo(const std::string& combo);

}  // namespace xenia::xend
