// The pure plan for one vif: what xend does on the host when the vif is
// plugged (tap name and MAC, bridge or routes and proxy ARP, nftables
// anti-spoofing/NAT/rate table, tc shaping, a custom hotplug script's argv and
// environment) and what undoes it. Built from the config's vif, xend-config's
// defaults and a few host facts; io/vif_io.cc applies it.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "config/model/domain.h"

namespace xenia::net {

constexpr int kMaxVifsPerDomain = 8;

// Which stock script's behaviour applies; kCustom runs `script` instead.
enum class VifMode { kBridge, kRoute, kNat, kCustom };
const char* vifModeName(VifMode m);

struct VifInput {
  int domid = 0;
  int devid = 0;
  config::Vif vif;
  std::string defaultBridge = "xenbr0";     // the host's bridge for vifs without bridge=
  std::string defaultScript = "vif-bridge";  // xend-config.sxp vif-script
  // vif-route: the host's own address the tap borrows (of gatewaydev or the
  // network-script netdev), as the stock script's `ip addr show $netdev`.
  std::string mainIp;
};

struct TcShape {
  uint64_t bitsPerSecond = 0;
  uint64_t burstBytes = 0;  // the credit of one window
};

struct VifPlan {
  int domid = 0;
  int devid = 0;
  std::string ifname;  // "vif3.0" or vifname=
  VifMode mode = VifMode::kBridge;
  std::string script;  // as configured (resolved path for kCustom)
  std::string bridge;  // kBridge (and given to custom scripts)
  std::string mac;     // the guest's
  std::vector<std::string> ips;
  std::optional<uint32_t> mtu;
  // Xen gives every backend interface fe:ff:ff:ff:ff:ff so the bridge never
  // takes a guest-looking address.
  std::array<uint8_t, 6> hostMac{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff};
  // kRoute/kNat: the address put on the tap, and /32 routes to the guest.
  std::string hostAddr;
  std::vector<std::string> routes;
  bool proxyArp = false;
  bool forwarding = false;
  std::optional<TcShape> shape;
  std::string nftTable;    // "xenia_v3_0": one table per family, deleted whole
  std::string nftRuleset;  // for `nft -f`: replaces this vif's tables; empty if none
  std::vector<std::vector<std::string>> tcArgv;  // after the tap is up
  // kCustom: argv minus the action ("online"/"offline"), and environment.
  std::vector<std::string> scriptArgv;
  std::vector<std::string> scriptEnv;
};

// Validates and plans. Errors name the problem in xm's words.
Expected<VifPlan, std::string> planVif(const VifInput& in);

// rate= as tc/nft parameters: bits per second over the window, one window's
// credit as burst (never below two full frames, or nothing would pass).
TcShape shapeFor(const config::Rate& r);

// `nft -f` text that deletes every table of the plan (ignored when absent).
std::vector<std::string> nftDeleteArgv(const VifPlan& p, std::string_view family);
// The nftables table of domain `domid`'s vif `devid`, and the inverse
// (table name -> domid) used to find stale tables; nullopt for foreign names.
std::string vifTableName(int domid, int devid);
std::optional<int> domidOfTable(std::string_view table);

// Xen's vif-nat address rules: ip_from_dom (10.<domid/256>.<domid%256>.<devid+1>)
// and routing_ip (last octet + 127).
std::string natGuestIp(int domid, int devid);
Expected<std::string, std::string> natRouterIp(const std::string& guestIp);

// Environment of a custom script (Xen's udev/xend contract).
std::vector<std::string> scriptEnvironment(const VifPlan& p);

}  // namespace xenia::net
