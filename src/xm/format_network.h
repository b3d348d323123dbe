// Pure formatting of xm network-list (X40 main.py xm_network_list: the
// 'Idx BE MAC Addr. ...' table with parse_dev_info's -1 for the event channel
// and ring references, which QEMU-served vifs do not have) and its --long
// form, one SXP device record per vif with the host-side details.
#pragma once

#include <string>

#include "common/expected.h"
#include "xend/rpc/message.h"

namespace xenia::xm {

// `result` is domain.network_list's answer (an array of vifs).
Expected<std::string, std::string> formatNetworkList(const xend::Json& result, bool longForm);

}  // namespace xenia::xm
