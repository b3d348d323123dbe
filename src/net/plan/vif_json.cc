// Field-by-field JSON of VifPlan; a missing or mistyped field is an error.
#include "net/plan/vif_json.h"

namespace xenia::net {

using nlohmann::json;

json vifPlanToJson(const VifPlan& p) {
  json j{{"domid", p.domid},       {"devid", p.devid},     {"ifname", p.ifname},
         {"mode", vifModeName(p.mode)}, {"script", p.script}, {"bridge", p.bridge},
         {"mac", p.mac},           {"ips", p.ips},         {"hostAddr", p.hostAddr},
         {"routes", p.routes},     {"proxyArp", p.proxyArp}, {"forwarding", p.forwarding},
         {"nftTable", p.nftTable}, {"nftRuleset", p.nftRuleset}, {"tcArgv", p.tcArgv},
         {"scriptArgv", p.scriptArgv}, {"scriptEnv", p.scriptEnv}};
  if (p.mtu) {
    j["mtu"] = *p.mtu;
  }
  if (p.shape) {
    j["shape"] = {{"bitsPerSecond", p.shape->bitsPerSecond}, {"burstBytes", p.shape->burstBytes}};
  }
  return j;
}

Expected<VifPlan, std::string> vifPlanFromJson(const json& j) {
  try {
    VifPlan p;
    p.domid = j.at("domid").get<int>();
    p.devid = j.at("devid").get<int>();
    p.ifname = j.at("ifname").get<std::string>();
    std::string mode = j.at("mode").get<std::string>();
    bool found = false;
    for (VifMode m : {VifMode::kBridge, VifMode::kRoute, VifMode::kNat, VifMode::kCustom}) {
      if (mode == vifModeName(m)) {
        p.mode = m;
        found = true;
      }
    }
    if (!found) {
      return unexpected("unknown vif mode " + mode);
    }
    p.script = j.at("script").get<std::string>();
    p.bridge = j.at("bridge").get<std::string>();
    p.mac = j.at("mac").get<std::string>();
    p.ips = j.at("ips").get<std::vector<std::string>>();
    p.hostAddr = j.at("hostAddr").get<std::string>();
    p.routes = j.at("routes").get<std::vector<std::string>>();
    p.proxyArp = j.at("proxyArp").get<bool>();
    p.forwarding = j.at("forwarding").get<bool>();
    p.nftTable = j.at("nftTable").get<std::string>();
    p.nftRuleset = j.at("nftRuleset").get<std::string>();
    p.tcArgv = j.at("tcArgv").get<std::vector<std::vector<std::string>>>();
    p.scriptArgv = j.at("scriptArgv").get<std::vector<std::string>>();
    p.scriptEnv = j.at("scriptEnv").get<std::vector<std::string>>();
    if (j.contains("mtu")) {
      p.mtu = j.at("mtu").get<uint32_t>();
    }
    if (j.contains("shape")) {
      p.shape = TcShape{j.at("shape").at("bitsPerSecond").get<uint64_t>(),
                        j.at("shape").at("burstBytes").get<uint64_t>()};
    }
    return p;
  } catch (const json::exception& e) {
    return unexpected(std::string("bad vif record: ") + e.what());
  }
}

}  // namespace xenia::net
