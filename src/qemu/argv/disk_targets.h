// Internal to qemu/argv: the network block targets of Xen configs (block-nbd's
// and block-iscsi's forms) as QEMU -blockdev objects.
#pragma once

#include <string>

#include "qemu/argv/builder.h"

namespace xenia::qemu::detail {

// nbd: targets "host port", "host:port", "[v6addr]:port", "unix:/path" ->
// the nbd driver's "server" object.
Expected<Json, std::string> nbdServer(const std::string& target);

// iscsi: targets "iqn=<iqn>,portal=<host[:port]>[,lun=<n>][,multipath=n]" ->
// a complete iscsi protocol node (without node-name).
Expected<Json, std::string> iscsiNode(const std::string& target);

}  // namespace xenia::qemu::detail
