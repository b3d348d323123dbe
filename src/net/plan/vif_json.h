// A vif plan as JSON, kept in the domain's run dir (net.json) so that a new
// xend can undo what an old one plugged (after kill -9, or for a QEMU that
// died while no xend watched).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/expected.h"
#include "net/plan/vif_plan.h"

namespace xenia::net {

nlohmann::json vifPlanToJson(const VifPlan& p);
Expected<VifPlan, std::string> vifPlanFromJson(const nlohmann::json& j);

}  // namespace xenia::net
