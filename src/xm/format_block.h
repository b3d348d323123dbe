// Pure formatting of xm block-list (X40 main.py xm_block_list with
// parse_dev_info's defaults: handle 0, event channel and ring-ref -1, which
// is also the truth for QEMU-served disks) and its --long SXP form.
#pragma once

#include <string>

#include "common/expected.h"
#include "xend/rpc/message.h"

namespace xenia::xm {

// `result` is domain.block_list's answer ({"devices": [...]}).
Expected<std::string, std::string> formatBlockList(const xend::Json& result, bool longForm);

// cd-insert's target as a uname: prefixed targets ("tap:cdrom:/x.iso",
// "phy:/dev/sr0", "file:/x.iso") as given, a bare path as "file:<path>".
std::string cdUname(const std::string& target);

}  // namespace xenia::xm
