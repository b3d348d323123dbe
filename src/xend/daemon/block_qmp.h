// Internal to block_*.cc: the blockdev node steps shared by hotplug and CD
// media changes (node names "<vdev>-file" and "<vdev>-format", as at boot).
#pragma once

#include <string>

#include "common/expected.h"
#include "qemu/argv/disk_hotplug.h"
#include "config/model/domain.h"
#include "xend/rpc/message.h"
#include "xend/vm/vm.h"

namespace xenia::xend {

// Deletes the drive's nodes; missing ones are fine (an empty drive has none).
void deleteNodes(Vm& vm, const std::string& vdev);
// blockdev-add of every node in order; on a failure those added are removed
// and QEMU's reason returned (an image lock held elsewhere, a missing file).
Expected<Ok, std::string> addNodes(Vm& vm, const qemu::DiskHotplug& h);
// The disk named by an RPC's uname, dev, mode and optional backend.
Expected<config::Disk, RpcError> diskFromParams(const Json& p);

}  // namespace xenia::xend
