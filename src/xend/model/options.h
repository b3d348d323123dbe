// xend-config.sxp's meaning: every option xend knows, with xend's defaults
// (X40 XendOptions.py) plus Xenia's own keys (run/log dirs, QEMU, accel).
// Unknown keys are accepted and listed, as xend ignored them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/expected.h"
#include "config/lang/xend_config.h"

namespace xenia::xend {

struct XendOptions {
  std::string configPath;  // file it came from ("" = defaults)
  std::string logfile = "/var/log/xen/xend.log";
  std::string loglevel = "DEBUG";
  std::string runPath = "/var/run/xend";              // (xend-run-path) ours
  std::string domainsPath = "/var/lib/xend/domains";  // (xend-domains-path)
  std::string statePath = "/var/lib/xend";            // (xend-state-path) parent; next-domid
  std::string logDir = "/var/log/xen";                // (xend-log-dir) ours
  std::string dumpDir = "/var/lib/xen/dump";          // (xend-dump-path) ours
  std::string autoDir = "/etc/xen/auto";              // (xend-auto-path) ours
  int64_t dom0MinMem = 0;                             // MiB (dom0-min-mem)
  bool enableDom0Ballooning = false;                  // default: dom0MinMem != 0
  int dom0Cpus = 0;
  bool enableDump = false;
  std::string vncListen = "127.0.0.1";
  std::optional<std::string> vncpasswd;
  std::string keymap;                                      // "" = en-us
  // (vnc-tls), (vnc-x509-cert-dir), (vnc-x509-verify): VeNCrypt for every
  // VNC server. A directory without '/' is under /etc/xen, as in xend.
  bool vncTls = false;
  std::string vncX509CertDir = "/etc/xen/vnc";
  bool vncX509Verify = false;
  bool earlyConsole = true;  // (xenia-early-console) ours: HostFacts::earlyConsole
  std::string accel = "auto";                              // (xend-accel auto|kvm|tcg) ours
  std::string qemuBinary = "/usr/bin/qemu-system-x86_64";  // (qemu-binary) ours
  std::string qemuUser = "nobody";                         // (qemu-user) ours; "" = stay root
  // (xenstored-socket) ours; "" = $XENSTORED_PATH, then /var/run/xenstored/socket
  std::string xenstoredSocket;
  bool startXenstored = true;  // (xenstored-start) ours
  std::string networkScript, vifScript = "vif-bridge";
  int64_t consoleLimitKiB = 1024;
  // Every option xend knows (defaults included) plus every unknown key from
  // the file: name -> printed value, sorted by name (xm info -c).
  std::vector<std::pair<std::string, std::string>> all;
};

// Error text names file:line and the key.
Expected<XendOptions, std::string> loadXendOptions(const config::XendConfig& cfg);
// Reads and parses `path`; a missing file is an error naming it. (The one
// function of this library that does I/O besides host_probe.cc.)
Expected<XendOptions, std::string> loadXendOptionsFile(const std::string& path);

// The options with every default and nothing from a file.
XendOptions defaultXendOptions();

}  // namespace xenia::xend
