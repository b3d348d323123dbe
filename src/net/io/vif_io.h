// Plugging and unplugging one planned vif on the host. plugVif returns the
// tap's fd for QEMU (the only long-lived handle: when QEMU exits, the tap and
// everything attached to it go); unplugVif removes what outlives the tap
// (nftables tables, a custom script's state) and the tap if still there.
#pragma once

#include <string>
#include <vector>

#include "common/expected.h"
#include "common/unique_fd.h"
#include "net/io/netlink.h"
#include "net/plan/vif_plan.h"

namespace xenia::net {

// On failure everything done so far is undone.
Expected<UniqueFd, std::string> plugVif(Netlink& nl, const VifPlan& p);
// Best effort; returns what could not be removed (for the log).
std::vector<std::string> unplugVif(Netlink& nl, const VifPlan& p, bool deleteLink = true);

}  // namespace xenia::net
