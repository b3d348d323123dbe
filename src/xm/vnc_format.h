// Pure pieces of xm's VNC commands (xm vncviewer, xm vnc-list): the records
// of xend's domain.vnc answer, "host:port" as a viewer takes it, and the
// vnc-list table. docs/design/consoles-vnc.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "xend/rpc/message.h"

namespace xenia::xm {

// One record of domain.vnc (docs/specs/xend-protocol.md).
struct VncRow {
  std::string name;
  std::optional<int64_t> domid;
  std::optional<int64_t> port;  // nullopt: no VNC server
  std::string host;
  std::string keymap;
  bool passwordSet = false;
  std::string tls;                      // "", "x509", "x509verify" (xend's vnc-tls)
  std::optional<std::string> password;  // only when asked for
};
Expected<std::vector<VncRow>, std::string> vncRowsFromResult(const xend::Json& result);

// "127.0.0.1:5901", "[::1]:5901" (IPv6 addresses bracketed).
std::string vncAddress(const VncRow& r);

// xm vnc-list: a header, then one line per domain:
//   Name                                        ID Display Address              Auth
//   web1                                         3      :1 127.0.0.1:5901       vnc
// A domain without VNC shows "-" for display, address and auth. Auth is
// "none" or "vnc" (password), with "+tls" under xend's vnc-tls and
// "+tls-verify" when clients need a certificate too.
std::string formatVncList(const std::vector<VncRow>& rows);

}  // namespace xenia::xm
