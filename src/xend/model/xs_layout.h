// A domain's XenStore content as Xen's toolstack lays it out
// (docs/misc/xenstore-paths.pandoc, libxl_create.c, libxl_device.c): the
// nodes xend writes at create, what it removes at destroy, and Domain-0's.
// QEMU emulates the devices, so backends are written already connected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/model/domain.h"

namespace xenia::xend {

// perms in xenstore text form {"n0","r5"}; empty = inherit the parent's.
struct XsNode {
  std::string path;
  std::string value;
  std::vector<std::string> perms;
};

struct DomainXsFacts {
  int domid = 0;
  double startTime = 0;        // epoch seconds
  std::string consoleTty;      // pty path if known, else ""
  std::optional<int> vncPort;  // if a VNC server runs
  std::string vncListen;
  std::vector<std::string> vifNames;  // host tap names per vif index ("vif3.0")
  // Additions.
  int64_t consoleLimitBytes = 1048576;   // console/limit: xend-config console-limit * 1024
  std::optional<int> deviceModelPid;     // QEMU's pid -> image/device-model-pid
  std::string vifScript = "vif-bridge";  // xend-config vif-script, for vifs without script=
};

// Every node of a running domain, parents before children (intermediate
// directories included, with empty perms). A node with empty perms is written
// without SET_PERMS, so xenstored gives it its parent's, as libxl relies on.
// All devices are served by QEMU in dom0, so front- and backends are written
// already Connected (state 4, hotplug-status connected). A value that would
// not fit one XenStore message (4096 bytes with its path) is truncated.
std::vector<XsNode> domainXsNodes(const config::DomainConfig& d, const DomainXsFacts& f);
// Subtrees to remove when the domain goes: /local/domain/<id>, /vm/<uuid>,
// /local/domain/0/backend/<type>/<id> for each backend type used, /libxl/<id>.
std::vector<std::string> domainXsRemovals(const config::DomainConfig& d, int domid);
// Domain-0's nodes: /local/domain/0/{name,domid,vm,memory/...,cpu/...},
// /vm/00000000-0000-0000-0000-000000000000/{uuid,name}, /local/pool/0/name
// (as xen-init-dom0). Not /tool/xenstored/domid: Xen writes that only for a
// xenstore stub domain, and xenstored owns /tool/xenstored.
std::vector<XsNode> dom0XsNodes(int64_t dom0MemKiB, int nrCpus);

// Xen's virtual block device number (docs/man/xen-vbd-interface.7, as
// libxl__device_disk_dev_number): xvda=51712, hda=768, hdc=5632, sda=2048,
// xvdq and up 1<<28|disk<<8|part, "d<N>p<M>", or a plain number; -1 if invalid.
int vdevNumber(const std::string& vdev);

// The vbd backend's "type" node, xend's uname prefix: "phy", "file", "tap",
// "nbd", "iscsi", "drbd"; a prefixless xl target is "phy" under /dev/, else
// "file"; "" for an empty CD-ROM drive. (Every disk's backend directory is
// backend/vbd, as with xend.)
std::string diskBackendType(const config::Disk& k);
// The backend's "params" node: the uname after that prefix ("/dev/vg/x",
// "aio:/img.raw", "qcow2:/img.qcow2"); "" for an empty drive.
std::string diskParams(const config::Disk& k);

}  // namespace xenia::xend
